"""Every write of the Arctic picture: activities (one by one, or a registry file), the Arctic
Sentry link, alert rules, alerts and their acknowledgement.

Editors record their own nation's activities only; coordinators (and imports, which act with
coordinator rights) record any and link activities to Arctic Sentry. Alerts are raised by the
event matcher of open pages (:data:`ALERT_STREAM`, a named system process), never by a user.
Every change is audited.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from veille.arctic.exceptions import BadArea, NoSuchActivity, RowsRejected
from veille.arctic.geo import AreaError, bbox_of, validate_geometry
from veille.arctic.models import FIRST_DAY, LAST_DAY, Activity, Alert, AlertRule, Domain, Kind, Precision
from veille.audit.services import do_audit, snapshot
from veille.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from veille.kit.importers import ImportSummary
from veille.kit.limits import MAX_NOTE_CHARS, MAX_SOURCES, MAX_TITLE_CHARS, MAX_URL_CHARS
from veille.nations.access import (
    Actor,
    Releasability,
    encode_nations,
    require_coordinator,
    require_editor_for,
    require_member,
    validate_releasability,
)
from veille.nations.models import Nation

__all__ = [
    "ALERT_STREAM",
    "FIRST_DAY",
    "LAST_DAY",
    "MAX_RADIUS_KM",
    "NewActivity",
    "check_activity",
    "check_day_in_range",
    "check_import_activities",
    "check_raise_alerts",
    "check_raise_stored_alerts",
    "check_rule",
    "do_acknowledge",
    "do_add_rule",
    "do_delete_rule",
    "do_import_activities",
    "do_link_to_arctic_sentry",
    "do_raise_alerts",
    "do_raise_stored_alerts",
    "do_record_activity",
]

_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{1,79}$")
_URL = re.compile(r"^https?://\S+$")
MAX_RADIUS_KM = 3000


def check_day_in_range(day: dt.date | None, field: str) -> None:
    """Refuse a day outside ``FIRST_DAY``..``LAST_DAY``, naming the field."""
    if day is not None and not FIRST_DAY <= day <= LAST_DAY:
        raise InvalidInput(
            f"{day.isoformat()} is out of range: give a date from {FIRST_DAY.isoformat()} "
            f"to {LAST_DAY.isoformat()}",
            field=field,
        )


@dataclass
class NewActivity:
    """What an editor, the API or an import gives to record an activity."""

    key: str
    name: str
    kind: str
    owner_nation: str | None
    domains: list[str] = field(default_factory=list)
    participants: list[str] = field(default_factory=list)
    starts_on: dt.date | None = None
    starts_precision: str = Precision.DAY
    ends_on: dt.date | None = None
    ends_precision: str = Precision.DAY
    window_note: str = ""
    area: dict[str, Any] | None = None
    radius_km: float | None = None
    area_name: str = ""
    area_approximate: bool = False
    area_note: str = ""
    assets: list[dict[str, Any]] = field(default_factory=list)
    leading_command: str = ""
    sources: list[dict[str, str]] = field(default_factory=list)
    note: str = ""
    releasable_to: str = Releasability.NATO
    releasable_nations: list[str] = field(default_factory=list)
    arctic_sentry: bool | None = None  # only coordinators may set it


def _check_sizes(new: NewActivity) -> None:
    """Texts and lists within their limits (:mod:`veille.kit.limits`), naming the field."""
    for name, limit in (
        ("window_note", MAX_NOTE_CHARS),
        ("area_note", MAX_NOTE_CHARS),
        ("note", MAX_NOTE_CHARS),
        ("area_name", MAX_TITLE_CHARS),
        ("leading_command", MAX_TITLE_CHARS),
    ):
        text = getattr(new, name) or ""
        if len(text) > limit:
            raise InvalidInput(f"{len(text):,} characters; at most {limit:,}", field=name)
    for name in ("sources", "assets"):
        if len(getattr(new, name)) > MAX_SOURCES:
            raise InvalidInput(f"{len(getattr(new, name))} given; at most {MAX_SOURCES}", field=name)
    for i, s in enumerate(new.sources):
        if len(str(s.get("url", ""))) > MAX_URL_CHARS or len(str(s.get("title", ""))) > MAX_TITLE_CHARS:
            raise InvalidInput(
                f"source {i + 1}: an address of at most {MAX_URL_CHARS:,} characters and a title of at "
                f"most {MAX_TITLE_CHARS}",
                field="sources",
            )
    for i, a in enumerate(new.assets):
        if len(str(a.get("type", ""))) > MAX_TITLE_CHARS or len(str(a.get("note", ""))) > MAX_TITLE_CHARS:
            raise InvalidInput(
                f"asset {i + 1}: type and note of at most {MAX_TITLE_CHARS} characters", field="assets"
            )


def check_activity(actor: Actor, new: NewActivity) -> dict[str, Any]:
    """Validate an activity and the caller's right to record it; the model's field values."""
    if new.owner_nation is None:
        require_coordinator(actor, "record Alliance-level activities")
    else:
        require_editor_for(actor, new.owner_nation, "record activities")
        if not Nation.objects.filter(code=new.owner_nation).exists():
            raise InvalidInput(f"no nation has code {new.owner_nation!r}", field="owner_nation")
    if not _KEY.match(new.key):
        raise InvalidInput("use 2-80 lower-case letters, digits and hyphens", field="key")
    if not new.name.strip() or len(new.name) > 200:
        raise InvalidInput("give a name of 1 to 200 characters", field="name")
    if new.kind not in Kind.values:
        raise InvalidInput(f"must be one of {', '.join(Kind.values)}", field="kind")
    bad = [d for d in new.domains if d not in Domain.values]
    if bad:
        raise InvalidInput(f"{', '.join(bad)}: domains are among {', '.join(Domain.values)}", field="domains")
    for name, precision in (
        ("starts_precision", new.starts_precision),
        ("ends_precision", new.ends_precision),
    ):
        if precision not in Precision.values:
            raise InvalidInput("must be day or month", field=name)
    check_day_in_range(new.starts_on, "starts_on")
    check_day_in_range(new.ends_on, "ends_on")
    if new.starts_on and new.ends_on and new.ends_on < new.starts_on:
        raise InvalidInput("ends before it starts", field="ends_on")
    participants = encode_nations(new.participants)
    unknown = set(c for c in participants.split("|") if c) - set(
        Nation.objects.filter(code__in=[c for c in participants.split("|") if c]).values_list(
            "code", flat=True
        )
    )
    if unknown:
        raise InvalidInput(f"unknown nation code(s): {', '.join(sorted(unknown))}", field="participants")
    area, radius = None, None
    if new.area is not None:
        try:
            area = validate_geometry(new.area)
        except AreaError as exc:
            raise BadArea(str(exc), field="area") from exc
        if new.radius_km is not None:
            if area["type"] != "Point":
                raise BadArea(
                    f"a radius goes with a point, not a {area['type']}: give a point with a radius, "
                    "or a polygon without one",
                    field="radius_km",
                )
            if not 0 < new.radius_km <= MAX_RADIUS_KM:
                raise BadArea(
                    f"{new.radius_km:g} km is out of range: the radius is more than 0 and at most "
                    f"{MAX_RADIUS_KM:,} km",
                    field="radius_km",
                )
            radius = float(new.radius_km)
    elif new.radius_km is not None:
        raise BadArea("a radius needs a point: give its latitude and longitude", field="radius_km")
    assets = []
    for i, a in enumerate(new.assets):
        kind = str(a.get("type", "")).strip()
        number = a.get("number")
        if not kind:
            raise InvalidInput(f"asset {i + 1} has no type", field="assets")
        if number is not None and (not isinstance(number, int) or number < 0):
            raise InvalidInput(f"asset {i + 1}: the number must be a whole number ≥ 0", field="assets")
        assets.append({"type": kind, "number": number, "note": str(a.get("note", "")).strip()})
    _check_sizes(new)
    if not new.sources:
        raise InvalidInput("give at least one source", field="sources")
    sources = []
    for i, s in enumerate(new.sources):
        url, date = s.get("url", "").strip(), s.get("date", "").strip()
        if url and not _URL.match(url):
            raise InvalidInput(f"source {i + 1}: not an http(s) address: {url!r}", field="sources")
        if date:
            try:
                day = dt.date.fromisoformat(date)
            except ValueError as exc:
                raise InvalidInput(f"source {i + 1}: date must be YYYY-MM-DD", field="sources") from exc
            if not FIRST_DAY <= day <= LAST_DAY:
                raise InvalidInput(
                    f"source {i + 1}: {date} is out of range ({FIRST_DAY.isoformat()} to "
                    f"{LAST_DAY.isoformat()})",
                    field="sources",
                )
        if not url and not s.get("title", "").strip():
            raise InvalidInput(f"source {i + 1}: give an address or a reference", field="sources")
        sources.append({"url": url, "date": date, "title": s.get("title", "").strip()})
    releasable_to, nations = validate_releasability(new.releasable_to, new.releasable_nations)
    box = bbox_of(area, radius)
    values: dict[str, Any] = {
        "name": new.name.strip(),
        "kind": new.kind,
        "domains": sorted(set(new.domains), key=Domain.values.index),
        "owner_nation_id": new.owner_nation,
        "participants": participants,
        "starts_on": new.starts_on,
        "starts_precision": new.starts_precision,
        "ends_on": new.ends_on,
        "ends_precision": new.ends_precision,
        "window_note": new.window_note.strip(),
        "area": area,
        "radius_km": radius,
        "area_name": new.area_name.strip(),
        "area_approximate": bool(new.area_approximate),
        "area_note": new.area_note.strip(),
        "min_lon": box[0] if box else None,
        "min_lat": box[1] if box else None,
        "max_lon": box[2] if box else None,
        "max_lat": box[3] if box else None,
        "assets": assets,
        "leading_command": new.leading_command.strip(),
        "sources": sources,
        "note": new.note.strip(),
        "releasable_to": releasable_to,
        "releasable_nations": nations,
    }
    if new.arctic_sentry is not None:
        require_coordinator(actor, "link activities to Arctic Sentry")
        values["arctic_sentry"] = new.arctic_sentry
    return values


def _comparable(values: dict[str, Any], activity: Activity) -> bool:
    return all(getattr(activity, k) == v for k, v in values.items())


def _key_taken(key: str) -> Conflict:
    # the same answer whoever holds the key: it names no nation and tells nothing of the record
    return Conflict(
        f"the key {key!r} is taken by a record you may not change: choose another key", field="key"
    )


def _same_key(new: NewActivity) -> Any:
    """The record that ``new`` would update: the same key among its own nation's records (or among
    the Alliance-level ones), locked."""
    qs = Activity.objects.select_for_update().filter(key=new.key)
    if new.owner_nation is None:
        return qs.filter(owner_nation__isnull=True)
    return qs.filter(owner_nation_id=new.owner_nation)


def _sees(actor: Actor, activity: Activity) -> bool:
    if actor.is_coordinator:  # coordinators, admins and imports (system processes) see every record
        return True
    return Activity.objects.visible_to(actor.user).filter(pk=activity.pk).exists()


@transaction.atomic
def do_record_activity(actor: Actor, new: NewActivity, *, create_only: bool = False) -> tuple[Activity, str]:
    """Create the activity, or update the one with the same key; returns it and what happened
    (``created``, ``updated`` or ``unchanged``).

    Keys are unique across nations (imports match on them). A key held by a record the caller may
    not see is refused with :class:`Conflict`, the same whatever that record's nation or content,
    so the answer tells nothing about it; a record the caller sees but may not change is refused
    as before (the caller knows it). ``create_only`` (the editors' form) refuses any taken key the
    same way rather than change an existing record."""
    values = check_activity(actor, new)
    current = _same_key(new).first()
    if current is None:
        created = {**values}
        if created.get("arctic_sentry"):
            created["linked_at"], created["linked_by"] = timezone.now(), actor.label
        try:
            with transaction.atomic():  # a savepoint: the insert may lose a race for the key
                activity = Activity.objects.create(key=new.key, **created)
        except IntegrityError:
            # another writer created the key between the look-up and the insert: answer as if it
            # had been there first (an update, or the same refusal)
            current = _same_key(new).first()
            if current is None:
                raise
        else:
            do_audit(actor, "arctic.activity.create", activity, after=snapshot(activity))
            return activity, "created"
    if create_only or not _sees(actor, current):
        raise _key_taken(new.key)
    # changing another nation's record needs the rights on that nation too
    if current.owner_nation_id is None:
        require_coordinator(actor, "change Alliance-level activities")
    else:
        require_editor_for(actor, current.owner_nation_id, "change activities")
    if _comparable(values, current):
        return current, "unchanged"
    before = snapshot(current)
    if values.get("arctic_sentry") and not current.arctic_sentry:
        values["linked_at"], values["linked_by"] = timezone.now(), actor.label
    for k, v in values.items():
        setattr(current, k, v)
    current.save()
    do_audit(actor, "arctic.activity.update", current, before=before, after=snapshot(current))
    return current, "updated"


def check_import_activities(actor: Actor, path: Path) -> list[NewActivity]:
    """Every row of a registry file (:mod:`veille.arctic.activities_csv`), read and checked with the
    caller's rights before anything is written; one bad row rejects the file, naming every bad row
    with its line (:class:`RowsRejected`)."""
    from veille.arctic.activities_csv import read_activities

    activities, problems = read_activities(path, actor)
    if problems:
        raise RowsRejected(problems, path.name)
    return activities


def do_import_activities(
    actor: Actor, path: Path, progress: Callable[..., None], dry_run: bool = False
) -> ImportSummary:
    """Import the registry CSV in one transaction (all rows or none)."""
    activities = check_import_activities(actor, path)
    result = ImportSummary(source=str(path), read=len(activities))
    if dry_run:
        result.created = len(activities)
        return result
    progress(0, total=len(activities))
    with transaction.atomic():
        for new in activities:
            _, what = do_record_activity(actor, new)
            setattr(result, what, getattr(result, what) + 1)
            progress(1)
    return result


@transaction.atomic
def do_link_to_arctic_sentry(actor: Actor, activity_id: int, linked: bool = True) -> Activity:
    """A coordinator links an activity to Arctic Sentry (or removes the link)."""
    require_coordinator(actor, "link activities to Arctic Sentry")
    activity = Activity.objects.select_for_update().filter(pk=activity_id).first()
    if activity is None:
        raise NoSuchActivity(f"no activity {activity_id}", field="activity")
    before = snapshot(activity)
    activity.arctic_sentry = linked
    activity.linked_at = timezone.now() if linked else None
    activity.linked_by = actor.label if linked else ""
    activity.save(update_fields=["arctic_sentry", "linked_at", "linked_by", "updated_at"])
    do_audit(
        actor,
        "arctic.activity.link" if linked else "arctic.activity.unlink",
        activity,
        before=before,
        after=snapshot(activity),
    )
    return activity


# --- alert rules and acknowledgements ---------------------------------------------------------------


def check_rule(actor: Actor, zone: str, flag: str, event_type: str) -> tuple[str, str, str]:
    if actor.user is None:
        raise InvalidInput("only a logged-in user has alert rules", field="user")
    require_member(actor)
    from veille.arctic.layers import zone_ids
    from veille.core.events.schema import EVENT_TYPES

    zone, flag, event_type = zone.strip(), flag.strip().upper(), event_type.strip()
    if zone and zone not in zone_ids():
        raise InvalidInput(f"no zone {zone!r}", field="zone")
    if flag and flag != AlertRule.FOREIGN and not re.fullmatch(r"[A-Z]{3}", flag):
        raise InvalidInput("an ISO alpha-3 code, FOREIGN, or empty for any", field="flag")
    if event_type and event_type not in EVENT_TYPES:
        raise InvalidInput(f"must be one of {', '.join(EVENT_TYPES)} or empty", field="event_type")
    return zone, flag, event_type


@transaction.atomic
def do_add_rule(actor: Actor, zone: str = "", flag: str = "", event_type: str = "") -> AlertRule:
    zone, flag, event_type = check_rule(actor, zone, flag, event_type)
    rule, created = AlertRule.objects.get_or_create(
        user=actor.user, zone=zone, flag=flag, event_type=event_type
    )
    if created:
        do_audit(actor, "arctic.rule.create", rule, after=snapshot(rule))
    return rule


@transaction.atomic
def do_delete_rule(actor: Actor, rule_id: int) -> None:
    rule = AlertRule.objects.filter(pk=rule_id, user=actor.user).first() if actor.user else None
    if rule is None:
        raise NotFound(f"you have no rule {rule_id}", field="rule")
    before = snapshot(rule)
    rule.delete()
    do_audit(
        actor, "arctic.rule.delete", object_type="arctic.alertrule", object_id=str(rule_id), before=before
    )


@transaction.atomic
def do_acknowledge(actor: Actor, alert_id: int) -> Alert:
    """The user acknowledges one of their alerts (once); audited."""
    alert = (
        Alert.objects.select_for_update().filter(pk=alert_id, user=actor.user).first() if actor.user else None
    )
    if alert is None:
        raise NotFound(f"you have no alert {alert_id}", field="alert")
    if alert.acknowledged_at is None:
        alert.acknowledged_at = timezone.now()
        alert.save(update_fields=["acknowledged_at"])
        do_audit(
            actor,
            "arctic.alert.acknowledge",
            alert,
            after={"event_id": alert.event_id, "event_type": alert.event_type, "mmsi": alert.mmsi},
        )
    return alert


#: Who raises alerts: the matcher that runs in each open page's event stream, a named system
#: process of the web server (the user whose page it is asked for nothing; the audit says so).
ALERT_STREAM = Actor(system="arctic:alert-stream", via="web")


def check_raise_alerts(actor: Actor, user: Any) -> list[AlertRule]:
    """Only the matcher (a system process) raises alerts, for a user; returns the user's rules."""
    if actor.system is None:
        raise PermissionDenied(f"alerts are raised by the event matcher; {actor.label} may not", field="user")
    if user is None or not getattr(user, "pk", None):
        raise InvalidInput("alerts are raised for a user", field="user")
    return list(AlertRule.objects.filter(user=user))


def do_raise_alerts(actor: Actor, user: Any, events: list[dict[str, Any]]) -> int:
    """Create the user's alerts for the events that match one of their rules, once per user and
    event (whichever page sees it first); each creation is audited. Returns how many were created."""
    from veille.arctic.alerts import match_events

    return _create_alerts(actor, user, match_events(check_raise_alerts(actor, user), events))


def _create_alerts(actor: Actor, user: Any, matches: list[Any], stored: bool = False) -> int:
    created = 0
    for m in matches:
        e = m.event
        start = e.get("start")
        if isinstance(start, dt.datetime) and start.tzinfo is None:
            start = start.replace(tzinfo=dt.UTC)
        try:
            with transaction.atomic():
                alert, made = Alert.objects.get_or_create(
                    user=user,
                    event_id=str(e["event_id"])[:120],
                    defaults={
                        "rule": m.rule,
                        "event_type": e.get("type") or "",
                        "mmsi": e.get("mmsi"),
                        "flag": m.flag,
                        "zone": e.get("zone") or m.rule.zone,
                        "at": start or timezone.now(),
                        "lat": e.get("lat"),
                        "lon": e.get("lon"),
                        "synthetic": bool(e.get("synthetic")),
                        "detail": json.loads(json.dumps(e.get("detail") or {}, default=str)),
                    },
                )
                if made:
                    after = {
                        "user": user.get_username(),
                        "rule": m.rule.pk,
                        "event_id": alert.event_id,
                        "event_type": alert.event_type,
                        "mmsi": alert.mmsi,
                    }
                    if stored:
                        after["stored_event"] = True
                    do_audit(actor, "arctic.alert.raise", alert, after=after)
        except IntegrityError:  # another page of the same user created it in between
            made = False
        created += int(made)
    return created


#: the longest window of stored events one request may look through
MAX_STORED_WINDOW = dt.timedelta(days=366)


def check_raise_stored_alerts(
    actor: Actor, rule_id: int, since: dt.date | None, until: dt.date | None
) -> tuple[AlertRule, dt.datetime, dt.datetime]:
    """A member asks that one of their own rules be matched against the events already stored,
    those of the days ``since`` to ``until`` (both included); the rule and the window in UTC."""
    if actor.user is None:
        raise InvalidInput("only a logged-in user has alert rules", field="user")
    require_member(actor)
    rule = AlertRule.objects.filter(pk=rule_id, user=actor.user).first()
    if rule is None:
        raise NotFound(f"you have no rule {rule_id}", field="rule")
    if since is None:
        raise InvalidInput("give the first day of the window (YYYY-MM-DD)", field="since")
    if until is None:
        raise InvalidInput("give the last day of the window (YYYY-MM-DD)", field="until")
    if until < since:
        raise InvalidInput(f"the window ends ({until}) before it starts ({since})", field="until")
    start = dt.datetime.combine(since, dt.time(), dt.UTC)
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), dt.UTC)
    if end - start > MAX_STORED_WINDOW:
        raise InvalidInput(
            f"a window of {(end - start).days} days is too long: at most {MAX_STORED_WINDOW.days}",
            field="since",
        )
    return rule, start, end


@transaction.atomic
def do_raise_stored_alerts(
    actor: Actor, rule_id: int, since: dt.date | None, until: dt.date | None
) -> tuple[int, int]:
    """The user's alerts for the stored events (the AIS store's event files) of the window that
    match the rule, once per user and event as a live alert is (an event already alerted is not
    alerted again); each creation is audited, by the user who asked. Returns (events matched,
    alerts created)."""
    from veille.arctic.alerts import match_events
    from veille.arctic.layers import ais_store
    from veille.maritime.event_files import event_records

    rule, start, end = check_raise_stored_alerts(actor, rule_id, since, until)
    events = event_records(ais_store().root, None, start, end)
    matches = match_events([rule], events)
    return len(matches), _create_alerts(actor, actor.user, matches, stored=True)
