# No "from __future__ import annotations" here: django-ninja reads the annotations at run time.
"""The NATO-Ukraine Council: meetings, decisions, actions with their derived status and evidence,
milestones; writes through the same services as the pages (releasability applies to every read)."""

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from veille.core.actions import STATUSES
from veille.council import queries, services
from veille.council.exceptions import CouncilNotFound
from veille.council.models import Action, Milestone
from veille.kit.exports import export_response
from veille.kit.limits import Code, Codes, LongText, Note, Title, Url
from veille.nations.access import Actor, Releasability

router = Router(tags=["council"])


class SourceOut(Schema):
    source_title: str
    source_url: str
    source_class: str
    lower_confidence: bool
    where: str


class MeetingOut(SourceOut):
    id: int
    key: str
    date: dt.date
    level: str
    chair: str
    occasion: str
    requested_by_ukraine: bool | None
    location: str
    topics: str
    statement: str
    decisions: int | None
    releasable_to: str
    synthetic: bool


class DecisionOut(SourceOut):
    id: int
    key: str
    meeting: str
    date: dt.date
    text: str
    owner_text: str
    due_text: str
    status_text: str
    references: list[str]
    actions: int | None
    releasable_to: str
    synthetic: bool


class ActionOut(Schema):
    id: int
    title: str
    owner: str
    owner_name: str
    decision: str
    tasked_on: dt.date
    due: dt.date | None
    status: str
    done_on: dt.date | None
    late: bool
    days_left: int | None
    due_soon: bool
    evidence: int
    releasable_to: str
    synthetic: bool


class EvidenceOut(Schema):
    id: int
    day: dt.date
    completes: bool
    note: str
    url: str
    record: str | None
    record_url: str | None
    recorded_by: str


class ActionDetailOut(ActionOut):
    evidence_rows: list[EvidenceOut]


class MilestoneOut(SourceOut):
    key: str
    date: dt.date
    date_label: str
    precision: str
    body: str
    text: str


class MeetingIn(Schema):
    date: dt.date
    occasion: LongText
    level: Code = ""
    chair: Title = ""
    requested_by_ukraine: bool | None = None
    location: Title = ""
    topics: Title = ""
    statement: LongText = ""
    source_title: Title = ""
    source_url: Url = ""
    releasable_to: Code = Releasability.PUBLIC
    releasable_nations: Codes = []


class DecisionIn(Schema):
    meeting: int
    text: LongText
    owner_text: Title = ""
    due_text: Title = ""
    source_title: Title = ""
    source_url: Url = ""
    releasable_to: Code = ""
    releasable_nations: Codes = []


class ActionIn(Schema):
    decision: int | None = None
    title: Title
    owner: Code
    due: dt.date
    note: Note = ""
    releasable_to: Code = ""
    releasable_nations: Codes = []


class EvidenceIn(Schema):
    day: dt.date
    completes: bool = False
    note: Note = ""
    url: Url = ""
    record_type: Code = ""
    record_id: Code = ""


class ActionQuery(Schema):
    owner: Code | None = None
    status: Code | None = None
    overdue: bool = False
    as_of: dt.date | None = None


def _evidence(request: HttpRequest, action: Action) -> list[dict[str, Any]]:
    rows = []
    for e in queries.evidence_rows(request.user, action):
        shown = e["record"]
        rows.append(
            {
                **e,
                "record": shown.label if shown else None,
                "record_url": shown.url if shown and shown.visible else None,
            }
        )
    return rows


@router.get("/meetings", response=list[MeetingOut], summary="Council meetings you may see, newest first")
@paginate
def council_meetings(request: HttpRequest) -> Any:
    return [queries.meeting_row(m) for m in queries.meetings(request.user)]


@router.get("/meetings/{meeting_id}", response=MeetingOut, summary="One meeting")
def council_meeting(request: HttpRequest, meeting_id: int) -> Any:
    found = queries.meetings(request.user).filter(pk=meeting_id).first()
    if found is None:
        raise CouncilNotFound(f"no meeting {meeting_id} that you can see", field="meeting")
    return queries.meeting_row(found)


@router.post("/meetings", response={201: MeetingOut}, summary="Record a meeting (coordinators)")
def council_record_meeting(request: HttpRequest, body: MeetingIn) -> Any:
    data = services.MeetingData(**body.model_dump())
    meeting = services.do_record_meeting(Actor.from_request(request, via="api"), data)
    return Status(201, queries.meeting_row(queries.meetings(request.user).get(pk=meeting.pk)))


@router.get("/decisions", response=list[DecisionOut], summary="Decisions you may see, by meeting")
@paginate
def council_decisions(request: HttpRequest, meeting: Code | None = None) -> Any:
    qs = queries.decisions(request.user)
    if meeting:
        qs = qs.filter(meeting__key=meeting)
    return [queries.decision_row(d) for d in qs]


@router.post(
    "/decisions", response={201: DecisionOut}, summary="Record a decision of a meeting (coordinators)"
)
def council_record_decision(request: HttpRequest, body: DecisionIn) -> Any:
    values = body.model_dump()
    meeting = values.pop("meeting")
    decision = services.do_record_decision(
        Actor.from_request(request, via="api"), meeting, services.DecisionData(**values)
    )
    return Status(201, queries.decision_row(queries.decisions(request.user).get(pk=decision.pk)))


@router.get(
    "/actions",
    response=list[ActionOut],
    summary="Actions with their status derived from evidence and dates (open, in_progress, done, "
    "overdue); as_of gives the status on a past day",
)
@paginate
def council_actions(request: HttpRequest, filters: Query[ActionQuery]) -> Any:
    if filters.status and filters.status not in STATUSES:
        raise CouncilNotFound(
            f"no status {filters.status!r}; statuses: {', '.join(STATUSES)}", field="status"
        )
    return queries.actions(
        request.user, owner=filters.owner, status=filters.status, overdue=filters.overdue, on=filters.as_of
    )


@router.get("/actions/{action_id}", response=ActionDetailOut, summary="An action with its evidence")
def council_action(request: HttpRequest, action_id: int) -> Any:
    found = Action.objects.visible_to(request.user).filter(pk=action_id).first()
    if found is None:
        raise CouncilNotFound(f"no action {action_id} that you can see", field="action")
    return {**queries.action_row(found), "evidence_rows": _evidence(request, found)}


@router.post("/actions", response={201: ActionOut}, summary="Task an action to a body (coordinators)")
def council_task_action(request: HttpRequest, body: ActionIn) -> Any:
    action = services.do_task_action(
        Actor.from_request(request, via="api"),
        body.decision,
        body.title,
        body.owner,
        body.due,
        releasable_to=body.releasable_to,
        releasable_nations=body.releasable_nations,
        note=body.note,
    )
    return Status(201, queries.action_row(Action.objects.get(pk=action.pk)))


@router.post(
    "/actions/{action_id}/evidence",
    response={201: ActionDetailOut},
    summary="Attach evidence: one of veille's records (record_type, e.g. purl.shipment, and record_id), a "
    "public link or a note (the owner body's editors)",
)
def council_attach_evidence(request: HttpRequest, action_id: int, body: EvidenceIn) -> Any:
    services.do_attach_evidence(
        Actor.from_request(request, via="api"), action_id, services.EvidenceData(**body.model_dump())
    )
    found = Action.objects.get(pk=action_id)
    return Status(201, {**queries.action_row(found), "evidence_rows": _evidence(request, found)})


@router.get(
    "/milestones", response=list[MilestoneOut], summary="Milestones of NSATU, JATEC, PURL, the CAP, the NUC"
)
@paginate
def council_milestones(request: HttpRequest, body: Code | None = None) -> Any:
    qs = Milestone.objects.all()
    if body:
        qs = qs.filter(body=body)
    return [queries.milestone_row(m) for m in qs]


@router.get(
    "/{table}.csv",
    summary="A Council table as CSV: meetings, meeting_sources, decisions, milestones, actions",
)
def council_export_csv(request: HttpRequest, table: Code) -> HttpResponse:
    if table not in queries.TABLES:
        raise CouncilNotFound(f"no table {table!r}; tables: {', '.join(queries.TABLES)}", field="table")
    return export_response(
        queries.table_rows(request.user, table),
        queries.TABLES[table],
        "csv",
        f"veille-council-{table}",
        queries.files_meta(),
    )
