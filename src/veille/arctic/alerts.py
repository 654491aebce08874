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

import contextlib
import datetime as dt
import json
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

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
    saw). The reader's state (``status`` events) is said in ``language``, the page's."""
    global _open
    with _open_lock:
        _open += 1
    try:
        with translation.override(language):
            yield from _stream(user, last_alert_id, max_seconds)
    finally:
        with _open_lock:
            _open -= 1


def _stream(user: Any, last_alert_id: int, max_seconds: float) -> Iterator[str]:
    root = layers.ais_store().root
    seen_files = _older_files(root, time.time() - RECENT_S)
    since = timezone.now()
    started = last_beat = time.monotonic()
    yield "retry: 1000\n\n"
    last_alert = last_alert_id
    if not last_alert_id:  # a fresh page: the open (unacknowledged) alerts first, then what comes
        pending = list(Alert.objects.filter(user=user, acknowledged_at=None).order_by("-pk")[:50])
        last_alert = Alert.objects.filter(user=user).order_by("-pk").values_list("pk", flat=True).first() or 0
        yield _sse("hello", {"last_alert": last_alert})
        for a in reversed(pending):
            yield _sse("alert", alert_payload(a), str(a.pk))
    else:
        yield _sse("hello", {"last_alert": last_alert})
    yield _sse("status", live_panel(root))
    try:
        yield from _poll(user, root, seen_files, last_alert, since, started, last_beat, max_seconds)
    except DatabaseError:
        return  # the database went away (shutdown): end the stream; the browser reconnects
    finally:
        _release()


def _poll(
    user: Any,
    root: Any,
    seen_files: set[str],
    last_alert: int,
    since: dt.datetime,
    started: float,
    last_beat: float,
    max_seconds: float,
) -> Iterator[str]:
    last_status = time.monotonic()
    while True:
        now_files = current_files(root)
        new = now_files - seen_files
        if new:
            events = event_records(root, after_files=seen_files)
            seen_files = now_files
            services.do_raise_alerts(services.ALERT_STREAM, user, events)
        for a in Alert.objects.filter(user=user, pk__gt=last_alert).order_by("pk"):
            last_alert = a.pk
            yield _sse("alert", alert_payload(a), str(a.pk))
        checked = timezone.now()
        for act in Activity.objects.visible_to(user).filter(updated_at__gt=since).order_by("updated_at"):
            yield _sse("activity", {"id": act.pk, "name": act.name, "nation": act.owner_nation_id or ""})
        since = checked
        if time.monotonic() - last_status >= STATUS_S:
            last_status = time.monotonic()
            yield _sse("status", live_panel(root))
        if time.monotonic() - last_beat > HEARTBEAT_S:
            last_beat = time.monotonic()
            yield ": keep-alive\n\n"
        if time.monotonic() - started >= max_seconds or ENDING.is_set():
            return
        _release()
        if ENDING.wait(POLL_S):
            return


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
