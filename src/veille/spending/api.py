# No "from __future__ import annotations" here: django-ninja reads the annotations at run time.

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from veille.core.errors import NotFound
from veille.kit.limits import MAX_CODES, Code, Codes, Note, PlainAmount, Url
from veille.kit.paging import MappedQuerySet
from veille.nations.access import Actor
from veille.spending import queries
from veille.spending.models import SourceKind
from veille.spending.services import do_record_plan
from veille.spending.workbooks import MEASURES

router = Router(tags=["spending"])


class SpendingFigureOut(Schema):
    source: str
    ally: str | None
    entity: str
    year: int
    measure: str
    value: Decimal
    raw: str
    unit: str
    price_base: str
    estimate: bool
    uncertain: bool
    sheet: str
    table: str
    cell: str
    edition: str
    source_url: str
    file: str
    sha256: str
    edition_date: dt.date | None
    licence: str


class SpendingFigureQuery(Schema):
    ally: Code | None = None
    year: int | None = None
    source: SourceKind | None = None
    measure: Code | None = None


class OverviewRow(Schema):
    rank: int
    code: str
    name: str
    year: int
    share_pct: Decimal
    estimate: bool
    share_before_pct: Decimal | None
    spending_usd_constant_m: Decimal | None
    real_change_pct: Decimal | None
    equipment_pct: Decimal | None
    meets_2: bool
    meets_core: bool
    step_to_core_pct: Decimal
    gap_to_core_usd_m: Decimal | None
    press_year: int | None
    press_pct: Decimal | None
    share_cell: str


class PlanYearIn(Schema):
    year: int
    core_pct: PlainAmount
    resilience_pct: PlainAmount = "0"


class PlanIn(Schema):
    nation: Code
    years: Annotated[list[PlanYearIn], Field(max_length=MAX_CODES)]
    source: Url
    note: Note = ""
    releasable_to: Code = "NATO"
    releasable_nations: Codes = []


class PlanYearOut(Schema):
    year: int
    core_pct: Decimal
    resilience_pct: Decimal


class PlanOut(Schema):
    nation: str
    version: int
    recorded_at: dt.datetime
    recorded_by: str
    credible: bool
    reasons: list[str]
    review_year: int
    on_path_at_review: bool | None
    source: str
    note: str
    releasable_to: str
    years: list[PlanYearOut]


def _plan(p: Any) -> dict[str, Any]:
    return {
        "nation": p.nation_id,
        "version": p.version,
        "recorded_at": p.recorded_at,
        "recorded_by": p.recorded_by_label,
        "credible": p.credible,
        "reasons": p.reasons,
        "review_year": p.review_year,
        "on_path_at_review": p.on_path_at_review,
        "source": p.source,
        "note": p.note,
        "releasable_to": p.releasable_to,
        "years": [
            {"year": y.year, "core_pct": y.core_pct, "resilience_pct": y.resilience_pct}
            for y in p.years.all()
        ],
    }


@router.get("/figures", response=list[SpendingFigureOut], summary="Published figures with their source cells")
@paginate
def list_spending_figures(request: HttpRequest, filters: Query[SpendingFigureQuery]):
    if filters.measure and filters.measure not in MEASURES:
        raise NotFound(f"no measure {filters.measure!r}; known: {', '.join(MEASURES)}", field="measure")
    rows = queries.figure_rows(
        ally=filters.ally,
        year=filters.year,
        source=filters.source.value if filters.source else None,
        measure=filters.measure,
    )
    return MappedQuerySet(rows, queries.figure_dict)  # a page read from the database


@router.get("/overview", response=list[OverviewRow], summary="Allies ranked by share of GDP for a year")
@paginate
def spending_overview(request: HttpRequest, year: int | None = None):
    data = queries.overview(year)
    if year is not None and data.year != year:
        raise NotFound(f"NATO's tables give no figures for {year}", field="year")
    return queries.overview_export_rows(data)


@router.get(
    "/plans", response=list[PlanOut], summary="National plans releasable to the caller (every version)"
)
@paginate
def list_spending_plans(request: HttpRequest, ally: Code | None = None):
    return [_plan(p) for p in queries.visible_plans(request.user, ally.upper() if ally else None)]


@router.post(
    "/plans", response={201: PlanOut}, summary="Record a new version of a nation's plan (its editors)"
)
def record_spending_plan(request: HttpRequest, body: PlanIn) -> Status[dict[str, Any]]:
    plan = do_record_plan(
        Actor.from_request(request, via="api"),
        body.nation,
        {y.year: (y.core_pct, y.resilience_pct) for y in body.years},
        source=body.source,
        note=body.note,
        releasable_to=body.releasable_to,
        releasable_nations=body.releasable_nations,
    )
    return Status(201, _plan(plan))
