"""Alerts: matching events against users' rules, and the server-sent event stream of open pages.

The stream of one page polls twice a second: new event files in the AIS store (at the start, those
of the last minute, which may have come while the page was reconnecting) are matched against the
user's rules and raised through :func:`veille.arctic.services.do_raise_alerts` (audited; an alert
is created once per user and event, whichever page sees it first); then
every alert of the user not yet sent on this connection is sent, and so is every activity the user
may see that changed since the last poll. Nothing reaches a user that ``visible_to`` would
not show them: alerts belong to their user, activities are read through ``visible_to``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

from asgiref.sync import sync_to_async
from django.db import DatabaseError, close_old_connections, connection
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from veille.arctic import layers, services
from veille.arctic.models import Activity, Alert, AlertRule
from veille.arctic.queries import allies
from veille.maritime.event_files import current_files, event_records
from veille.maritime.readers import live_state

POLL_S = 0.5
HEARTBEAT_S = 15.0
#: how often an open page is told whether a reader is connected and how long since its last sentence
STATUS_S = 2.0
# a stream starts by reading the event files written in the last minute: those that came while the
# page was reconnecting (the previous stream ended) would otherwise never raise their alerts; an
# alert is made once per user and event, so a file read twice makes none twice
RECENT_S = 60.0


def matches(rule: AlertRule, event: dict[str, Any], flag: str, group: str, zones: dict[str, Any]) -> bool:
    """Whether an event falls under a rule (zone, flag state and event type; empty means any)."""
    if rule.event_type and rule.event_type != event.get("type"):
        return False
    if rule.flag == AlertRule.FOREIGN:
        if group == "ALLY":
            return False
    elif rule.flag and rule.flag != flag:
        return False
    if rule.zone:
        if event.get("zone") == rule.zone:
            return True
        shape = zones.get(rule.zone)
        if shape is None or event.get("lat") is None:
            return False
        import shapely

        return bool(shapely.contains_xy(shape, event["lon"], event["lat"]))
    return True


@dataclass(frozen=True)
class Match:
    """An event that falls under one of a user's rules, with the vessel's flag state."""

    event: dict[str, Any]
    rule: AlertRule
    flag: str


def match_events(rules: list[AlertRule], events: list[dict[str, Any]]) -> list[Match]:
    """Each event that falls under one of ``rules`` (the first that matches); reads only."""
    if not rules or not events:
        return []
    ally = allies()
    zones = layers.zone_shapes() if any(r.zone for r in rules) else {}
    found = []
    for e in events:
        mmsi = e.get("mmsi")
        flag, group = layers.flag_group(int(mmsi), ally) if mmsi is not None else ("", "UNKNOWN")
        rule = next((r for r in rules if matches(r, e, flag, group, zones)), None)
        if rule is not None:
            found.append(Match(e, rule, flag))
    return found


def age_text(seconds: float | None) -> str:
    """A duration for reading: seconds, minutes, hours or days, rounded down."""
    if seconds is None:
        return ""
    s = int(seconds)
    if s < 120:
        return _("%(n)s s") % {"n": s}
    if s < 7200:
        return _("%(n)s min") % {"n": s // 60}
    if s < 172800:
        return _("%(n)s h") % {"n": s // 3600}
    return _("%(n)s days") % {"n": s // 86400}


def live_panel(root: Any = None) -> dict[str, Any]:
    """Whether a live reader is connected and how long since the last sentence
    (:func:`veille.maritime.readers.live_state`), with the sentence the page shows (``text``)."""
    state = live_state(root if root is not None else layers.ais_store().root)
    state["age"] = age_text(state["last_sentence_s"])
    state["text"] = " ".join(render_to_string("arctic/live_state.html", {"live": state}).split())
    return state


def alert_payload(a: Alert) -> dict[str, Any]:
    return {
        "id": a.pk,
        "event_id": a.event_id,
        "event_type": a.event_type,
        "mmsi": a.mmsi,
        "flag": a.flag,
        "zone": a.zone,
        "at": a.at.isoformat(),
        "lat": a.lat,
        "lon": a.lon,
        "synthetic": a.synthetic,
        "created_at": a.created_at.isoformat(),
        "acknowledged": a.acknowledged_at is not None,
    }


def _sse(kind: str, data: dict[str, Any], event_id: str | None = None) -> str:
    head = f"id: {event_id}\n" if event_id else ""
    return f"{head}event: {kind}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


#: set to end every open stream at its next poll (a server shutting down; a test's teardown, before
#: the database is emptied); cleared again by whoever set it
ENDING = threading.Event()
_open = 0
_open_lock = threading.Lock()


def open_streams() -> int:
    """How many streams are running in this process."""
    return _open


def stream(
    user: Any, last_alert_id: int = 0, max_seconds: float = 120.0, language: str | None = None
) -> Iterator[str]:
    """The server-sent events of one open page for ``user`` (ends after ``max_seconds``, or at the
    next poll once :data:`ENDING` is set; the browser reconnects on its own, sending the last id it
    saw). This form waits in its thread between polls: a WSGI server's thread is held for as long
    as the page stays open (the ASGI server uses :func:`astream`). The reader's state (``status``
    events) is said in ``language``, the page's."""
    global _open
    with _open_lock:
        _open += 1
    try:
        page = _Page(user, last_alert_id, max_seconds, language)
        yield from page.start()
        while True:
            chunks, done = page.poll_and_release()
            yield from chunks
            if done or ENDING.wait(POLL_S):
                return
    finally:
        _release()
        with _open_lock:
            _open -= 1


async def astream(
    user: Any, last_alert_id: int = 0, max_seconds: float = 120.0, language: str | None = None
) -> AsyncIterator[str]:
    """The same events as :func:`stream`, for an ASGI server: between polls the page waits on the
    event loop, holding no thread; each poll (a few short queries and a look at the event files)
    runs in the loop's small shared pool of threads."""
    global _open
    with _open_lock:
        _open += 1
    try:
        page, first = await sync_to_async(_Page.open, thread_sensitive=False)(
            user, last_alert_id, max_seconds, language
        )
        for chunk in first:
            yield chunk
        while True:
            chunks, done = await sync_to_async(page.poll_and_release, thread_sensitive=False)()
            for chunk in chunks:
                yield chunk
            if done:
                return
            await asyncio.sleep(POLL_S)
            if ENDING.is_set():
                return
    finally:
        with _open_lock:
            _open -= 1


class _Page:
    """One open page's stream: what it has sent, and one poll at a time (each returns the chunks to
    send and whether the stream is over)."""

    def __init__(
        self, user: Any, last_alert_id: int, max_seconds: float, language: str | None = None
    ) -> None:
        self.user = user
        self.language = language
        self.last_status = time.monotonic()
        self.last_alert = last_alert_id
        self.max_seconds = max_seconds
        self.root = layers.ais_store().root
        self.seen_files = _older_files(self.root, time.time() - RECENT_S)
        self.since = timezone.now()
        self.started = self.last_beat = time.monotonic()

    @classmethod
    def open(
        cls, user: Any, last_alert_id: int, max_seconds: float, language: str | None = None
    ) -> tuple[_Page, list[str]]:
        page = cls(user, last_alert_id, max_seconds, language)
        try:
            return page, page.start()
        finally:
            _release()

    def start(self) -> list[str]:
        out = ["retry: 1000\n\n"]
        user = self.user
        if not self.last_alert:  # a fresh page: the open (unacknowledged) alerts first, then what comes
            pending = list(Alert.objects.filter(user=user, acknowledged_at=None).order_by("-pk")[:50])
            newest = Alert.objects.filter(user=user).order_by("-pk").values_list("pk", flat=True).first()
            self.last_alert = newest or 0
            out.append(_sse("hello", {"last_alert": self.last_alert}))
            out += [_sse("alert", alert_payload(a), str(a.pk)) for a in reversed(pending)]
        else:
            out.append(_sse("hello", {"last_alert": self.last_alert}))
        with translation.override(self.language):
            out.append(_sse("status", live_panel(self.root)))
        return out

    def poll(self) -> tuple[list[str], bool]:
        try:
            return self._poll()
        except DatabaseError:
            return [], True  # the database went away (shutdown): end the stream; the browser reconnects

    def poll_and_release(self) -> tuple[list[str], bool]:
        try:
            return self.poll()
        finally:
            _release()

    def _poll(self) -> tuple[list[str], bool]:
        out = []
        now_files = current_files(self.root)
        if now_files - self.seen_files:
            events = event_records(self.root, after_files=self.seen_files)
            self.seen_files = now_files
            services.do_raise_alerts(services.ALERT_STREAM, self.user, events)
        for a in Alert.objects.filter(user=self.user, pk__gt=self.last_alert).order_by("pk"):
            self.last_alert = a.pk
            out.append(_sse("alert", alert_payload(a), str(a.pk)))
        checked = timezone.now()
        changed = Activity.objects.visible_to(self.user).filter(updated_at__gt=self.since)
        for act in changed.order_by("updated_at"):
            out.append(
                _sse("activity", {"id": act.pk, "name": act.name, "nation": act.owner_nation_id or ""})
            )
        self.since = checked
        if time.monotonic() - self.last_status >= STATUS_S:
            self.last_status = time.monotonic()
            with translation.override(self.language):
                out.append(_sse("status", live_panel(self.root)))
        if time.monotonic() - self.last_beat > HEARTBEAT_S:
            self.last_beat = time.monotonic()
            out.append(": keep-alive\n\n")
        done = time.monotonic() - self.started >= self.max_seconds or ENDING.is_set()
        return out, done


def _older_files(root: Any, before_s: float) -> set[str]:
    """The event files last written before ``before_s`` (Unix seconds)."""
    out = set()
    for name in current_files(root):
        with contextlib.suppress(FileNotFoundError):
            if os.stat(name).st_mtime < before_s:
                out.add(name)
    return out


def _release() -> None:
    # a long stream must not hold a stale connection; inside a test's transaction there is none to drop
    if not connection.in_atomic_block:
        close_old_connections()
