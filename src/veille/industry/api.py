# No "from __future__ import annotations" here: django-ninja reads the annotations at run time.
"""Industry: figures (what the caller may see), capacity as of a date, targets, contracts, the
bottleneck programme (the shipped example or the caller's scenario), the PURL category mapping."""

from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from veille.industry import queries, scenarios
from veille.industry.models import CategoryMapping, Kind, Product
from veille.industry.services import do_locate_site, do_map_category, do_record_contract, do_record_figure
from veille.kit.limits import MAX_CODES, MAX_TEXT_CHARS, Code, Codes, Note, PlainAmount, Title, Url
from veille.nations.access import Actor

router = Router(tags=["industry"])


class FigureOut(Schema):
    ref: str
    revision: int
    product: str
    category: str
    kind: str
    quantity: Decimal
    unit: str
    bound: str
    per_year: Decimal | None
    conversion: str
    period_label: str
    target_date: str
    stated: str
    subject: str
    actor: str
    country: str
    site: str
    source_title: str
    source_url: str
    source_date: str
    note: str
    contradicts: str
    releasable_to: str


class FigureQuery(Schema):
    product: Code | None = None
    kind: Kind | None = None
    undated: bool = False


class FigureIn(Schema):
    product: Code
    kind: Code
    quantity: Code
    unit: Code
    stated: Code
    period_label: Title = ""
    target_date: Code = ""
    site: Title = ""
    producer: Title = ""
    source_title: Title
    source_url: Url
    note: Note = ""
    releasable_to: Code = "NATO"
    releasable_nations: Codes = []


class CapacityQuery(Schema):
    product: Code | None = None
    as_of: Code | None = None


class ScenarioIn(Schema):
    scenario: Annotated[dict[Code, Any], Field(max_length=MAX_CODES)] | None = Field(
        None,
        description=f"a scenario as its files write it; each text at most {MAX_TEXT_CHARS:,} characters",
    )
    what_if: Annotated[dict[Title, PlainAmount], Field(max_length=MAX_CODES)] = {}


class DeliveryIn(Schema):
    due: Code
    quantity: Code


class ContractIn(Schema):
    product: Code
    buyer_kind: Code
    buyer_nation: Code = ""
    buyer_label: Title = ""
    supplier: Title = ""
    quantity: Code = ""
    quantity_unit: Code = "units"
    value_amount: PlainAmount | None = None
    value_currency: Code = ""
    signed: Code
    deliveries: Annotated[list[DeliveryIn], Field(max_length=MAX_CODES)] = []
    source_title: Title
    source_url: Url
    note: Note = ""


class LocationIn(Schema):
    site: Title
    lat: Code
    lon: Code
    source: Url


class MappingIn(Schema):
    purl_category: Code
    product: Code
    note: Note = ""


@router.get("/figures", response=list[FigureOut], summary="Stated figures with their sources")
@paginate
def industry_figures(request: HttpRequest, filters: Query[FigureQuery]):
    return queries.figure_rows(
        request.user,
        product=filters.product,
        kind=filters.kind.value if filters.kind else None,
        undated=filters.undated,
    )


@router.post("/figures", response={201: FigureOut}, summary="Record a new figure (editors: their nation's)")
def industry_record_figure(request: HttpRequest, body: FigureIn) -> Status[dict[str, Any]]:
    figure = do_record_figure(Actor.from_request(request, via="api"), body.dict())
    return Status(201, queries.figure_dict(figure))


@router.get(
    "/capacity", response=list[dict[str, Any]], summary="Capacity by product and subject as of a date"
)
def industry_capacity(request: HttpRequest, filters: Query[CapacityQuery]):
    return queries.capacity_rows(request.user, queries.parse_as_of(filters.as_of), filters.product)


@router.get("/targets", response=list[dict[str, Any]], summary="Targets tracked against actual figures")
def industry_targets(request: HttpRequest, filters: Query[CapacityQuery]):
    return queries.target_rows(request.user, queries.parse_as_of(filters.as_of), filters.product)


@router.get("/contracts", response=list[dict[str, Any]], summary="Contracts as reported")
def industry_contracts(request: HttpRequest, product: Code | None = None):
    return queries.contract_rows(request.user, product)


@router.post(
    "/contracts",
    response={201: dict[str, Any]},
    summary="Record a contract and its delivery lines (buyer's editors)",
)
def industry_record_contract(request: HttpRequest, body: ContractIn) -> Status[dict[str, Any]]:
    contract = do_record_contract(Actor.from_request(request, via="api"), body.dict())
    row = next(r for r in queries.contract_rows(request.user) if r["ref"] == contract.ref)
    return Status(201, row)


@router.get("/products", response=list[dict[str, Any]], summary="Products, their category and family")
def industry_products(request: HttpRequest):
    return [
        {"slug": p.slug, "name": p.name, "category": p.category, "family": p.family}
        for p in Product.objects.all()
    ]


@router.get("/bottlenecks", response=dict[str, Any], summary="The shipped example scenario, solved")
def industry_bottlenecks(request: HttpRequest):
    return scenarios.result(scenarios.build(scenarios.example(), request.user))


@router.post(
    "/bottlenecks",
    response=dict[str, Any],
    summary="Solve a scenario (the example when none is given), with a what-if",
)
def industry_run_bottlenecks(request: HttpRequest, body: ScenarioIn):
    built = scenarios.build(body.scenario or scenarios.example(), request.user)
    return scenarios.result(built, scenarios.what_if_values(built, body.what_if))


@router.post(
    "/sites/location",
    response=dict[str, Any],
    summary="Place a site on the map, with the source (coordinators)",
)
def industry_locate_site(request: HttpRequest, body: LocationIn):
    site = do_locate_site(Actor.from_request(request, via="api"), body.site, body.lat, body.lon, body.source)
    return {"site": site.name, "lat": site.lat, "lon": site.lon, "source": site.coordinates_source}


@router.get(
    "/mappings", response=list[dict[str, Any]], summary="PURL categories and the products mapped to them"
)
def industry_mappings(request: HttpRequest):
    return [
        {"id": m.pk, "purl_category": m.purl_category, "product": m.product.slug, "note": m.note}
        for m in CategoryMapping.objects.select_related("product")
    ]


@router.post(
    "/mappings", response={201: dict[str, Any]}, summary="Map a PURL category to a product (coordinators)"
)
def industry_map_category(request: HttpRequest, body: MappingIn) -> Status[dict[str, Any]]:
    m = do_map_category(Actor.from_request(request, via="api"), body.purl_category, body.product, body.note)
    return Status(
        201, {"id": m.pk, "purl_category": m.purl_category, "product": m.product.slug, "note": m.note}
    )
