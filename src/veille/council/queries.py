"""Read models of the Council's records for pages, the API, exports and the CLI. Every read goes
through ``visible_to(user)``; an action's status is derived here, on the day asked about."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from veille.core.actions import DONE, IN_PROGRESS, OPEN, OVERDUE, STATUSES, ActionStatus, derive_status
from veille.core.statements import row_references
from veille.council import evidence as records
from veille.council.bodies import body_label
from veille.council.models import Action, Decision, Level, Meeting, MeetingSource, Milestone, SourceFile

STATUS_LABELS = {
    OPEN: _("open"),
    IN_PROGRESS: _("in progress"),
    DONE: _("done"),
    OVERDUE: _("overdue"),
}

ACTION_COLUMNS = [
    "id",
    "title",
    "owner",
    "decision",
    "tasked_on",
    "due",
    "status",
    "done_on",
    "late",
    "days_left",
    "due_soon",
    "evidence",
    "releasable_to",
    "synthetic",
]
SOURCE_COLUMNS = ["source_title", "source_url", "source_class", "lower_confidence", "where"]
MEETING_COLUMNS = [
    "key",
    "date",
    "level",
    "chair",
    "occasion",
    "requested_by_ukraine",
    "location",
    "topics",
    "statement",
    "decisions",
    *SOURCE_COLUMNS,
    "releasable_to",
    "synthetic",
]
MEETING_SOURCE_COLUMNS = ["meeting", "supports", "note", *SOURCE_COLUMNS]
DECISION_COLUMNS = [
    "key",
    "meeting",
    "date",
    "text",
    "owner_text",
    "due_text",
    "status_text",
    "actions",
    *SOURCE_COLUMNS,
    "releasable_to",
    "synthetic",
]
MILESTONE_COLUMNS = ["key", "date", "precision", "body", "text", *SOURCE_COLUMNS]
TABLES = {
    "meetings": MEETING_COLUMNS,
    "meeting_sources": MEETING_SOURCE_COLUMNS,
    "decisions": DECISION_COLUMNS,
    "milestones": MILESTONE_COLUMNS,
    "actions": ACTION_COLUMNS,
}
LICENCE = (
    "Facts from public pages written in veille's words, with the page of each row (source_url); "
    "credit the row's source when a figure is shown. data/training_council/README.md; data/PROVENANCE.md"
)


def today() -> dt.date:
    return timezone.localdate()


def status_of(action: Action, on: dt.date | None = None) -> ActionStatus:
    """The action's status on ``on`` (today by default), from its evidence (prefetched or not)."""
    return derive_status(
        action.due, [(e.day, e.completes) for e in action.evidence.all()], today=on or today()
    )


def _source(obj: Any) -> dict[str, Any]:
    return {
        "source_title": obj.source_title,
        "source_url": obj.source_url,
        "source_class": obj.source_class,
        "lower_confidence": obj.lower_confidence,
        "source_reasons": obj.source_reasons,
        "where": obj.where,
    }


def lesson_of(action: Action) -> Any:
    """The lesson whose remedial action this is (the reverse link the lessons app declares)."""
    try:
        return getattr(action, "lesson", None)
    except ObjectDoesNotExist:
        return None


def action_row(action: Action, on: dt.date | None = None) -> dict[str, Any]:
    st = status_of(action, on)
    return {
        "id": action.pk,
        "title": action.title,
        "owner": action.owner,
        "owner_name": body_label(action.owner),
        "decision": action.decision.key if action.decision_id and action.decision else "",
        "decision_id": action.decision_id,
        "tasked_on": action.tasked_on,
        "due": action.due,
        "status": st.status,
        "status_label": str(STATUS_LABELS[st.status]),
        "done_on": st.done_on,
        "late": st.late,
        "days_left": st.days_left,
        "due_soon": st.due_soon,
        "evidence": len(action.evidence.all()),
        "releasable_to": action.releasable_to,
        "synthetic": action.synthetic,
        "url": action.get_absolute_url(),
        "action": action,
    }


def actions(
    user: Any,
    *,
    owner: str | None = None,
    status: str | None = None,
    overdue: bool = False,
    on: dt.date | None = None,
    ids: Iterable[int] | None = None,
) -> list[dict[str, Any]]:
    """Visible actions with their derived status; ``overdue`` keeps the overdue ones only."""
    qs = Action.objects.visible_to(user).select_related("decision").prefetch_related("evidence")
    if owner:
        qs = qs.filter(owner=owner.strip().upper())
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    rows = [action_row(a, on) for a in qs]
    if overdue:
        rows = [r for r in rows if r["status"] == OVERDUE]
    if status:
        rows = [r for r in rows if r["status"] == status]
    return rows


def status_counts(rows: list[dict[str, Any]]) -> dict[str, int]:
    return {s: sum(1 for r in rows if r["status"] == s) for s in STATUSES}


def evidence_rows(user: Any, action: Action) -> list[dict[str, Any]]:
    items = list(action.evidence.all())
    shown = records.resolve(user, [(e.record_type_id, e.record_id) for e in items if e.record_type_id])
    return [
        {
            "id": e.pk,
            "day": e.day,
            "completes": e.completes,
            "note": e.note,
            "url": e.url,
            "record": shown.get((e.record_type_id, e.record_id)) if e.record_type_id else None,
            "recorded_by": e.recorded_by,
            "recorded_at": e.recorded_at,
            "synthetic": e.synthetic,
        }
        for e in items
    ]


def meetings(user: Any) -> Any:
    decisions = Decision.objects.visible_to(user).values("pk")
    return Meeting.objects.visible_to(user).annotate(
        n_decisions=Count("decisions", filter=Q(decisions__in=decisions))
    )


def meeting_row(m: Meeting) -> dict[str, Any]:
    return {
        "id": m.pk,
        "url": m.get_absolute_url(),
        "key": m.key,
        "date": m.date,
        "level": m.level,
        "level_label": str(Level(m.level).label) if m.level else "",
        "chair": m.chair,
        "occasion": m.occasion,
        "requested_by_ukraine": m.requested_by_ukraine,
        "location": m.location,
        "topics": m.topics,
        "statement": m.statement,
        "decisions": getattr(m, "n_decisions", None),
        **_source(m),
        "releasable_to": m.releasable_to,
        "synthetic": m.synthetic,
    }


def decisions(user: Any) -> Any:
    visible = Meeting.objects.visible_to(user).values("pk")
    return (
        Decision.objects.visible_to(user)
        .filter(meeting__in=visible)
        .select_related("meeting")
        .annotate(
            n_actions=Count("actions", filter=Q(actions__in=Action.objects.visible_to(user).values("pk")))
        )
    )


def decision_row(d: Decision) -> dict[str, Any]:
    return {
        "id": d.pk,
        "url": d.get_absolute_url(),
        "key": d.key,
        "meeting": d.meeting.key,
        "date": d.meeting.date,
        "text": d.text,
        "owner_text": d.owner_text,
        "due_text": d.due_text,
        "status_text": d.status_text,
        "references": row_references(d.status_text),
        "actions": getattr(d, "n_actions", None),
        **_source(d),
        "releasable_to": d.releasable_to,
        "synthetic": d.synthetic,
    }


def milestone_row(m: Milestone) -> dict[str, Any]:
    return {
        "key": m.key,
        "date": m.date,
        "date_label": m.date_label,
        "precision": m.precision,
        "body": m.body,
        "text": m.text,
        **_source(m),
    }


def references(keys: list[str], user: Any) -> dict[str, str]:
    """Links for the row ids a published status cites (meetings, decisions; milestones by anchor)."""
    out: dict[str, str] = {}
    for m in Meeting.objects.visible_to(user).filter(key__in=keys):
        out[m.key] = m.get_absolute_url()
    for d in Decision.objects.visible_to(user).filter(key__in=keys):
        out[d.key] = d.get_absolute_url()
    for k in Milestone.objects.filter(key__in=keys).values_list("key", flat=True):
        out[k] = f"/council/milestones/#{k}"
    return out


def table_rows(user: Any, table: str) -> list[dict[str, Any]]:
    if table == "meetings":
        return [meeting_row(m) for m in meetings(user)]
    if table == "meeting_sources":
        visible = Meeting.objects.visible_to(user).values("pk")
        return [
            {"meeting": s.meeting.key, "supports": s.supports, "note": s.note, **_source(s)}
            for s in MeetingSource.objects.filter(meeting__in=visible).select_related("meeting")
        ]
    if table == "decisions":
        return [decision_row(d) for d in decisions(user)]
    if table == "milestones":
        return [milestone_row(m) for m in Milestone.objects.all()]
    return actions(user)


def files_meta() -> dict[str, Any]:
    return {
        "dataset": "data/training_council (NATO-Ukraine Council, NSATU, JATEC, PURL, CAP, training figures)",
        "licence": LICENCE,
        "files": [{"file": f.name, "sha256": f.sha256, "rows": f.rows} for f in SourceFile.objects.all()],
        "generated_at": timezone.now().isoformat(timespec="seconds"),
    }


__all__ = [
    "action_row",
    "actions",
    "decision_row",
    "decisions",
    "evidence_rows",
    "files_meta",
    "lesson_of",
    "meeting_row",
    "meetings",
    "milestone_row",
    "references",
    "status_counts",
    "status_of",
    "table_rows",
    "today",
]
