"""Every write of the Council's records: meetings, decisions, tasked actions, evidence, body members.

``check_*`` validates input and rights and raises a named error (:mod:`veille.council.exceptions`);
``do_*`` writes in one transaction and audits. Imports of the shipped files are in
:mod:`veille.council.imports`; they use the same checks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from veille.audit.services import do_audit, snapshot
from veille.core.errors import VeilleError
from veille.council import evidence as records
from veille.council.bodies import NATO_BODIES, body_label, check_owner
from veille.council.exceptions import (
    BadAction,
    BadDecision,
    BadEvidence,
    BadMeeting,
    BeforeCouncil,
    CouncilNotFound,
    DuplicateMeeting,
)
from veille.council.models import Action, BodyMember, Decision, Evidence, Level, Meeting
from veille.council.rights import editors_of_body, require_coordinator, require_owner_editor
from veille.council.services import notifications as notify
from veille.council.sources import source_class
from veille.nations.access import Actor, Releasability, Releasable, validate_releasability

#: The NATO-Ukraine Council was created at the Vilnius Summit and first met on 12 July 2023.
COUNCIL_FOUNDED = dt.date(2023, 7, 12)


def parse_date(value: Any, field_name: str, error: type[VeilleError], *, future: bool = True) -> dt.date:
    """A date from a date or ``YYYY-MM-DD`` text, or ``error`` naming the field."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        day = value
    else:
        try:
            day = dt.date.fromisoformat(str(value or "").strip())
        except ValueError:
            raise error(f"{value!r} is not a date (YYYY-MM-DD)", field=field_name) from None
    if not future and day > timezone.localdate():
        raise error("cannot be in the future", field=field_name)
    return day


def _text(
    value: Any, field_name: str, limit: int, error: type[VeilleError], *, required: bool = False
) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise error("is required", field=field_name)
    if len(text) > limit:
        raise error(f"is at most {limit} characters", field=field_name)
    return text


def _link(value: Any, field_name: str, error: type[VeilleError]) -> str:
    url = _text(value, field_name, 1000, error)
    if url and not url.lower().startswith(("https://", "http://")):
        raise error("must be a web address starting with https:// or http://", field=field_name)
    return url


def _flag(value: Any, field_name: str, error: type[VeilleError]) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("", "unknown", "none"):
        return None
    if text in ("true", "yes", "1", "on"):
        return True
    if text in ("false", "no", "0", "off"):
        return False
    raise error(f"{value!r} is not true, false or empty (not stated)", field=field_name)


def marking(to: Any, nations: Any, parent: Releasable | None, error: type[VeilleError]) -> tuple[str, str]:
    """A releasability, checked, and never wider than the record it belongs to."""
    codes = [c for c in (nations.split(",") if isinstance(nations, str) else nations or []) if c.strip()]
    releasable_to, encoded = validate_releasability(str(to or Releasability.NATO), codes)
    if releasable_to != Releasability.NATIONS:
        encoded = ""  # nations matter only to a record releasable to listed nations
    if parent is None or parent.releasable_to == Releasability.PUBLIC:
        return releasable_to, encoded
    if releasable_to == Releasability.PUBLIC:
        raise error(f"cannot be public: {parent} is {parent.releasable_to}", field="releasable_to")
    if parent.releasable_to == Releasability.NATIONS:
        wider = releasable_to == Releasability.NATO or not set(encoded.split("|")) <= set(
            parent.releasable_nations.split("|")
        )
        if wider:
            raise error(
                f"cannot reach beyond {', '.join(parent.releasable_nation_codes)}, to whom {parent} is "
                "releasable",
                field="releasable_nations",
            )
    return releasable_to, encoded


# --- meetings ------------------------------------------------------------------------------------


@dataclass
class MeetingData:
    date: Any
    level: str = ""
    chair: str = ""
    occasion: str = ""
    requested_by_ukraine: Any = None
    location: str = ""
    topics: str = ""
    statement: str = ""
    source_title: str = ""
    source_url: str = ""
    releasable_to: str = Releasability.PUBLIC
    releasable_nations: Any = field(default_factory=list)


def check_meeting(actor: Actor, data: MeetingData, *, key: str | None = None) -> dict[str, Any]:
    require_coordinator(actor, "record Council meetings")
    day = parse_date(data.date, "date", BadMeeting)
    if day < COUNCIL_FOUNDED:
        raise BeforeCouncil(
            f"{day.isoformat()} is before the NATO-Ukraine Council existed (first meeting "
            f"{COUNCIL_FOUNDED.isoformat()}, Vilnius)",
            field="date",
        )
    level = str(data.level or "").strip()
    if level and level not in Level.values:
        raise BadMeeting(f"must be one of {', '.join(Level.values)} or empty (not stated)", field="level")
    key = key or f"nuc-{day.isoformat()}"
    releasable_to, encoded = marking(data.releasable_to, data.releasable_nations, None, BadMeeting)
    url = _link(data.source_url, "source_url", BadMeeting)
    title = _text(data.source_title, "source_title", 500, BadMeeting)
    cls = source_class(url, title)
    return {
        "key": key,
        "date": day,
        "level": level,
        "chair": _text(data.chair, "chair", 200, BadMeeting),
        "occasion": _text(data.occasion, "occasion", 4000, BadMeeting, required=True),
        "requested_by_ukraine": _flag(data.requested_by_ukraine, "requested_by_ukraine", BadMeeting),
        "location": _text(data.location, "location", 120, BadMeeting),
        "topics": _text(data.topics, "topics", 2000, BadMeeting),
        "statement": _text(data.statement, "statement", 8000, BadMeeting),
        "source_title": title,
        "source_url": url,
        "source_class": cls.kind,
        "source_reasons": "; ".join(cls.reasons),
        "releasable_to": releasable_to,
        "releasable_nations": encoded,
    }


def do_record_meeting(actor: Actor, data: MeetingData, *, synthetic: bool = False) -> Meeting:
    with transaction.atomic():
        values = check_meeting(actor, data)
        if Meeting.objects.filter(key=values["key"]).exists():
            raise DuplicateMeeting(
                f"a meeting on {values['date'].isoformat()} is recorded already: add to it", field="date"
            )
        meeting = Meeting.objects.create(
            **values, synthetic=synthetic, created_at=timezone.now(), created_by=actor.label
        )
        do_audit(actor, "council.meeting.record", meeting, after=snapshot(meeting))
        return meeting


# --- decisions -----------------------------------------------------------------------------------


def visible_meeting(actor: Actor, meeting_id: Any) -> Meeting:
    qs = Meeting.objects.all() if actor.system else Meeting.objects.visible_to(actor.user)
    try:
        found = qs.filter(pk=int(str(meeting_id))).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise CouncilNotFound(f"no meeting {meeting_id!r} that you can see", field="meeting")
    return found


@dataclass
class DecisionData:
    text: str
    owner_text: str = ""
    due_text: str = ""
    status_text: str = ""
    source_title: str = ""
    source_url: str = ""
    releasable_to: str = ""
    releasable_nations: Any = field(default_factory=list)


def check_decision(actor: Actor, meeting: Meeting, data: DecisionData) -> dict[str, Any]:
    require_coordinator(actor, "record Council decisions")
    to = data.releasable_to or meeting.releasable_to
    nations = data.releasable_nations or meeting.releasable_nation_codes
    releasable_to, encoded = marking(to, nations, meeting, BadDecision)
    url = _link(data.source_url, "source_url", BadDecision)
    title = _text(data.source_title, "source_title", 500, BadDecision)
    cls = source_class(url, title)
    return {
        "meeting": meeting,
        "text": _text(data.text, "text", 4000, BadDecision, required=True),
        "owner_text": _text(data.owner_text, "owner_text", 300, BadDecision),
        "due_text": _text(data.due_text, "due_text", 200, BadDecision),
        "status_text": _text(data.status_text, "status_text", 4000, BadDecision),
        "source_title": title,
        "source_url": url,
        "source_class": cls.kind,
        "source_reasons": "; ".join(cls.reasons),
        "releasable_to": releasable_to,
        "releasable_nations": encoded,
    }


def do_record_decision(
    actor: Actor, meeting_id: Any, data: DecisionData, *, synthetic: bool = False
) -> Decision:
    with transaction.atomic():
        meeting = visible_meeting(actor, meeting_id)
        values = check_decision(actor, meeting, data)
        n = Decision.objects.filter(meeting=meeting).count() + 1
        key = f"dec-{meeting.date.isoformat()}-{n}"
        while Decision.objects.filter(key=key).exists():
            n += 1
            key = f"dec-{meeting.date.isoformat()}-{n}"
        decision = Decision.objects.create(
            key=key, **values, synthetic=synthetic, created_at=timezone.now(), created_by=actor.label
        )
        do_audit(actor, "council.decision.record", decision, after=snapshot(decision))
        return decision


# --- actions -------------------------------------------------------------------------------------


def visible_action(actor: Actor, action_id: Any, *, lock: bool = False) -> Action:
    qs = Action.objects.all() if actor.system else Action.objects.visible_to(actor.user)
    if lock:
        qs = qs.select_for_update()
    try:
        found = qs.filter(pk=int(str(action_id))).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise CouncilNotFound(f"no action {action_id!r} that you can see", field="action")
    return found


def check_action(
    actor: Actor,
    parent: Releasable | None,
    title: Any,
    owner: Any,
    due: Any,
    *,
    tasked_on: Any = None,
    releasable_to: Any = "",
    releasable_nations: Any = (),
    note: Any = "",
) -> dict[str, Any]:
    """An action tasked to a body by a coordinator, from a decision or a lesson (``parent``)."""
    require_coordinator(actor, "task actions")
    start = parse_date(tasked_on, "tasked_on", BadAction) if tasked_on else timezone.localdate()
    if due in (None, ""):
        raise BadAction("give the date the action is due", field="due")
    due_on = parse_date(due, "due", BadAction)
    if due_on < start:
        raise BadAction(f"is before the day the action is tasked ({start.isoformat()})", field="due")
    to = releasable_to or (parent.releasable_to if parent is not None else Releasability.NATO)
    nations = releasable_nations or (parent.releasable_nation_codes if parent is not None else [])
    to, encoded = marking(to, nations, parent, BadAction)
    return {
        "title": _text(title, "title", 300, BadAction, required=True),
        "owner": check_owner(owner),
        "due": due_on,
        "tasked_on": start,
        "note": _text(note, "note", 4000, BadAction),
        "releasable_to": to,
        "releasable_nations": encoded,
        "owner_nation": getattr(parent, "owner_nation", None),
    }


def create_action(
    actor: Actor, values: dict[str, Any], decision: Decision | None = None, *, synthetic: bool = False
) -> Action:
    """Write a checked action and tell its body (inside the caller's transaction)."""
    action = Action.objects.create(
        decision=decision, **values, synthetic=synthetic, created_at=timezone.now(), created_by=actor.label
    )
    do_audit(actor, "council.action.task", action, after=snapshot(action))
    notify.send(
        actor,
        editors_of_body(action.owner),
        "tasked",
        f"{action.title} ({body_label(action.owner)}, due {action.due})",
        action.get_absolute_url(),
        notify.action_key(action.pk, "tasked"),
        visible=action,
    )
    return action


def do_task_action(
    actor: Actor,
    decision_id: Any,
    title: Any,
    owner: Any,
    due: Any,
    *,
    releasable_to: Any = "",
    releasable_nations: Any = (),
    note: Any = "",
    tasked_on: Any = None,
    synthetic: bool = False,
) -> Action:
    with transaction.atomic():
        decision = None
        if decision_id not in (None, ""):
            qs = Decision.objects.all() if actor.system else Decision.objects.visible_to(actor.user)
            try:
                decision = qs.filter(pk=int(str(decision_id))).first()
            except (TypeError, ValueError):
                decision = None
            if decision is None:
                raise CouncilNotFound(f"no decision {decision_id!r} that you can see", field="decision")
        values = check_action(
            actor,
            decision,
            title,
            owner,
            due,
            tasked_on=tasked_on,
            releasable_to=releasable_to,
            releasable_nations=releasable_nations,
            note=note,
        )
        return create_action(actor, values, decision, synthetic=synthetic)


# --- evidence ------------------------------------------------------------------------------------


@dataclass
class EvidenceData:
    day: Any
    completes: Any = False
    note: str = ""
    url: str = ""
    record_type: str = ""
    record_id: Any = ""


def check_evidence(actor: Actor, action: Action, data: EvidenceData) -> dict[str, Any]:
    require_owner_editor(actor, action)
    day = parse_date(data.day, "day", BadEvidence, future=False)
    if day < action.tasked_on:
        raise BadEvidence(f"is before the action was tasked ({action.tasked_on.isoformat()})", field="day")
    note = _text(data.note, "note", 4000, BadEvidence)
    url = _link(data.url, "url", BadEvidence)
    ct, rid = None, ""
    if str(data.record_type or "").strip() or str(data.record_id or "").strip():
        ct, rid = records.check_record(actor, data.record_type, data.record_id)
    if not (note or url or ct):
        raise BadEvidence("cite one of veille's records, a public link or a note", field="note")
    return {
        "action": action,
        "day": day,
        "completes": bool(_flag(data.completes, "completes", BadEvidence)),
        "note": note,
        "url": url,
        "record_type": ct,
        "record_id": rid,
    }


def do_attach_evidence(
    actor: Actor, action_id: Any, data: EvidenceData, *, synthetic: bool = False
) -> Evidence:
    with transaction.atomic():
        action = visible_action(actor, action_id, lock=True)
        values = check_evidence(actor, action, data)
        item = Evidence.objects.create(
            **values, synthetic=synthetic, recorded_at=timezone.now(), recorded_by=actor.label
        )
        do_audit(actor, "council.evidence.attach", item, after=snapshot(item))
        if item.completes:
            notify.clear_action(actor, action)
        return item


# --- who edits for a NATO body -------------------------------------------------------------------


def do_assign_body(actor: Actor, user: Any, body: str) -> BodyMember:
    """Make ``user`` an editor of a NATO body (their role must be editor to act for it)."""
    require_coordinator(actor, "assign editors to bodies")
    code = str(body or "").strip().upper()
    if code not in NATO_BODIES:
        raise BadAction(
            f"must be one of {', '.join(NATO_BODIES)} (nations' editors need no assignment)", field="body"
        )
    with transaction.atomic():
        member, created = BodyMember.objects.get_or_create(
            user=user, body=code, defaults={"since": timezone.now()}
        )
        if created:
            do_audit(actor, "council.body.assign", member, after={"user": user.get_username(), "body": code})
        return member


# --- reminders -----------------------------------------------------------------------------------


def do_remind(actor: Actor, on: dt.date | None = None) -> dict[str, int]:
    """Tell each action's body when it is due within 7 days, and its body and the coordinators once
    it is overdue; each reminder once per action, kind and due date (``veille council remind``, daily)."""
    from veille.council.queries import actions
    from veille.council.rights import coordinators

    require_coordinator(actor, "send reminders")
    sent = {"due_soon": 0, "overdue": 0}
    with transaction.atomic():
        for row in actions(_Everyone(), on=on):
            action = row["action"]
            kind = "overdue" if row["status"] == "overdue" else "due_soon" if row["due_soon"] else None
            if kind is None:
                continue
            users = editors_of_body(action.owner) + (coordinators() if kind == "overdue" else [])
            subject = f"{action.title} ({body_label(action.owner)}, due {action.due})"
            key = notify.action_key(action.pk, kind, action.due)
            sent[kind] += len(
                notify.send(actor, users, kind, subject, action.get_absolute_url(), key, visible=action)
            )
        do_audit(actor, "council.remind", None, object_type="council.notification", after=sent)
    return sent


class _Everyone:
    """The reader of a reminder run: every action is considered; who is told still depends on
    what each recipient may see."""

    is_authenticated = True
    is_superuser = True
    pk = None


__all__ = [
    "DecisionData",
    "EvidenceData",
    "MeetingData",
    "check_action",
    "check_decision",
    "check_evidence",
    "check_meeting",
    "create_action",
    "do_assign_body",
    "do_attach_evidence",
    "do_record_decision",
    "do_record_meeting",
    "do_remind",
    "do_task_action",
    "marking",
    "parse_date",
    "visible_action",
    "visible_meeting",
]
