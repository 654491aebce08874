# No "from __future__ import annotations" here: django-ninja reads the annotations at run time.
"""Training of Ukrainian personnel: programmes, stated figures (with qualifiers, sources and
conflicts), host nations, cohorts (releasability applies); the timeline's items."""

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from veille.kit.exports import export_response
from veille.kit.limits import Code, Codes, Title
from veille.nations.access import Actor, Releasability
from veille.training import queries, services
from veille.training.exceptions import TrainingNotFound
from veille.training.models import Programme

router = Router(tags=["training"])


class ProgrammeOut(Schema):
    id: int
    name: str
    provider: str
    coordinated_by_nsatu: bool | None
    hosts: list[str]
    figures: int


class TrainingFigureOut(Schema):
    key: str
    programme: str
    date: dt.date
    date_label: str
    precision: str
    provider: str
    trained_count: int
    qualifier: str
    shown: str
    cumulative: bool
    period_label: str
    conflicts_with: str
    falls_below: str
    conflict: bool
    source_title: str
    source_url: str
    source_class: str
    lower_confidence: bool
    where: str
    note: str


class HostOut(Schema):
    nation: str
    programme: str
    cohort_trainees: int | None
    source_title: str
    source_url: str
    source_class: str
    lower_confidence: bool
    note: str


class CohortOut(Schema):
    id: int
    programme: str
    host: str
    specialty: str
    starts_on: dt.date
    ends_on: dt.date
    trainees: int
    synthetic: bool


class CohortIn(Schema):
    programme: int
    host: Title
    specialty: Title
    starts_on: dt.date
    ends_on: dt.date
    trainees: int
    releasable_to: Code = Releasability.NATO
    releasable_nations: Codes = []


@router.get("/programmes", response=list[ProgrammeOut], summary="Training programmes and their host nations")
@paginate
def training_programmes(request: HttpRequest) -> Any:
    return queries.programmes()


@router.get(
    "/figures",
    response=list[TrainingFigureOut],
    summary="Stated figures of people trained, as stated (qualifier: exact, lower_bound, approximate, "
    "nearly), with sources, their confidence and conflicts",
)
@paginate
def training_figures(request: HttpRequest, programme: int | None = None) -> Any:
    found = None
    if programme is not None:
        found = Programme.objects.filter(pk=programme).first()
        if found is None:
            raise TrainingNotFound(f"no programme {programme}", field="programme")
    return queries.figure_rows(found)


@router.get("/hosts", response=list[HostOut], summary="Which nation hosts which training (sourced)")
@paginate
def training_hosts(request: HttpRequest) -> Any:
    return queries.host_rows(request.user)


@router.get("/cohorts", response=list[CohortOut], summary="Training cohorts you may see")
@paginate
def training_cohorts(request: HttpRequest) -> Any:
    return queries.cohort_rows(request.user)


@router.post(
    "/cohorts",
    response={201: CohortOut},
    summary="Record a cohort (coordinators, the host nation's editors, NSATU's editors)",
)
def training_record_cohort(request: HttpRequest, body: CohortIn) -> Any:
    c = services.do_record_cohort(
        Actor.from_request(request, via="api"),
        body.programme,
        body.host,
        body.specialty,
        body.starts_on,
        body.ends_on,
        body.trainees,
        body.releasable_to,
        body.releasable_nations,
    )
    return Status(201, next(r for r in queries.cohort_rows(request.user) if r["id"] == c.pk))


@router.get("/timeline", summary="The timeline's items: meetings, decisions, milestones, actions you may see")
def training_timeline(request: HttpRequest) -> Any:
    import json

    from veille.kit.exports import dumps

    data = queries.timeline(request.user)
    data["actions"] = [{k: v for k, v in a.items() if k != "action"} for a in data["actions"]]
    data["overdue"] = [{k: v for k, v in a.items() if k != "action"} for a in data["overdue"]]
    return json.loads(dumps(data))


@router.get("/{table}.csv", summary="A training table as CSV: figures, hosts, cohorts")
def training_export_csv(request: HttpRequest, table: Code) -> HttpResponse:
    if table not in queries.TABLES:
        raise TrainingNotFound(f"no table {table!r}; tables: {', '.join(queries.TABLES)}", field="table")
    return export_response(
        queries.table_rows(request.user, table), queries.TABLES[table], "csv", f"veille-training-{table}", {}
    )
