# No "from __future__ import annotations" here: django-ninja reads the annotations at run time.
"""PURL: requirement lists, packages, contributions, deliveries, the public record (releasability
applies to every read); the workflow's steps as writes through the same services as the pages."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from veille.kit.exports import export_response
from veille.kit.limits import MAX_CODES, Code, Codes, Note, PlainAmount, RecordId, Title, Url
from veille.nations.access import Actor, Releasability, require_coordinator
from veille.purl import queries, services, views_pipeline
from veille.purl.exceptions import PurlNotFound
from veille.purl.models import RequirementItem, RequirementList
from veille.purl.public_record import totals
from veille.purl.services import MAX_CHANGES_PER_AMENDMENT, MAX_ITEMS_PER_LIST
from veille.purl.views import COLUMNS, table_rows

router = Router(tags=["purl"])


class ListOut(Schema):
    id: int
    month: str
    title: str
    state: str
    version: int
    items: int
    estimated_cost_usd: Decimal
    delivery: str
    synthetic: bool
    releasable_to: str


class ItemOut(Schema):
    id: int
    rank: int
    category: str
    description: str
    quantity: int
    unit: str
    unit_cost_usd: Decimal
    estimated_cost_usd: Decimal
    cost_source: str
    justification: str
    packaged: int
    received: int
    delivery: str
    active: bool
    synthetic: bool


class TrailOut(Schema):
    at: dt.datetime
    step: str
    decision: str
    comment: str
    by: str
    list_version: int
    amendment: int | None
    synthetic: bool


class ListDetailOut(ListOut):
    round: str
    item_rows: list[ItemOut]
    trail: list[TrailOut]


class PackageOut(Schema):
    id: int
    number: int
    name: str
    origin: str
    version: int
    value_usd: Decimal | None
    target_usd: Decimal | None
    committed_usd: Decimal | None
    unattributed_usd: Decimal | None
    pledged_open_usd: Decimal | None
    coverage_pct: Decimal | None
    funded: str
    funding_access: str
    items: int
    shipped_value_usd: Decimal | None
    received_value_usd: Decimal | None
    delivered_pct: Decimal | None
    received_by_unit: str
    delivery: str
    provisional: bool
    synthetic: bool
    releasable_to: str


class ContributionOut(Schema):
    id: int
    nation: str
    package: str
    package_id: int | None
    value_date: dt.date | None
    pledged: str
    pledged_usd: Decimal | None
    committed: str
    committed_usd: Decimal | None
    allocated: str
    share_pct: Decimal | None
    origin: str
    amount_unknown: bool
    repeat_of: int | None
    ledger_events: str
    provisional: bool
    cancelled: bool
    source: str
    note: str
    synthetic: bool
    releasable_to: str


class ShipmentOut(Schema):
    id: int
    package: str
    package_id: int
    package_item: int
    description: str
    quantity: int
    hub: str
    shipped_on: dt.date
    received_on: dt.date | None
    received_by: str
    received_quantity: int
    unit: str
    value_usd: Decimal
    ledger_event: int | None
    receipt_event: int | None
    synthetic: bool


class StepDecisionIn(Schema):
    step: Code
    decision: Code
    comment: Note = ""


class ContributionIn(Schema):
    nation: Code
    kind: Code = "commitment"
    amount: PlainAmount
    currency: Code
    value_date: dt.date
    source: Url
    package: int | None = None
    share_pct: PlainAmount | None = None
    releasable_to: Code = Releasability.NATO
    confirm_duplicate: bool = False


class ShipmentIn(Schema):
    package_item: int
    quantity: int
    hub: Code
    shipped_on: dt.date
    package: int | None = None  # when given, the item must be of this package (WrongPackage otherwise)


class ReceiptIn(Schema):
    received_on: dt.date
    note: Note = ""
    quantity: int | None = None  # all that was shipped, unless fewer arrived (then the note says why)


class AmendmentIn(Schema):
    """``changes``: ``{"item": id, "quantity": 40, …}`` changes an item, ``{"add": {…}}`` adds one,
    ``{"remove": id}`` removes one."""

    changes: list[Annotated[dict[Code, Any], Field(max_length=MAX_CODES)]] = Field(
        max_length=MAX_CHANGES_PER_AMENDMENT,
        description=f"at most {MAX_CHANGES_PER_AMENDMENT} changes; the list keeps at most "
        f"{MAX_ITEMS_PER_LIST} active items (422 naming the cap beyond)",
    )
    reason: Note


class ItemIn(Schema):
    """An item of a draft list; amounts as text (``"4000000"``), never floats."""

    rank: int
    category: Code
    description: Title
    quantity: int
    unit: Code
    unit_cost_usd: PlainAmount
    cost_source: Url
    justification: Note


class ItemChangeIn(Schema):
    """The fields of a draft's item to change (the others stay as they are)."""

    changes: Annotated[dict[Code, Any], Field(max_length=MAX_CODES)]


class OrderIn(Schema):
    """Every active item of the draft, first to last."""

    items: list[RecordId] = Field(max_length=MAX_ITEMS_PER_LIST)


class ContributionAmendIn(Schema):
    """The new amount of a pledge or commitment, in its own currency (``event``: which, when the
    contribution has several)."""

    amount: PlainAmount
    source: Url
    note: Note = ""
    event: int | None = None


class CancellationIn(Schema):
    reason: Note
    source: Url


class AmendmentOut(Schema):
    id: int
    list_id: int
    reopened: list[str]
    state: str


class PackageIn(Schema):
    name: Title = ""
    items: Annotated[dict[int, int], Field(max_length=MAX_ITEMS_PER_LIST)]
    target_usd: PlainAmount | None = None
    releasable_to: Code = Releasability.NATO
    nations: Codes = []


class PackageChangeIn(Schema):
    items: Annotated[dict[int, int], Field(max_length=MAX_ITEMS_PER_LIST)] | None = None
    target_usd: PlainAmount | None = None
    reason: Note = ""


class ReleaseIn(Schema):
    """``release``: true releases the package's total funding to its recipient, false withholds it."""

    release: bool = True
    note: Note = ""


class AllocationIn(Schema):
    package: int
    amount: PlainAmount
    currency: Code
    value_date: dt.date
    source: Url


@router.get("/lists", response=list[ListOut], summary="Monthly requirement lists you may see")
@paginate
def purl_lists(request: HttpRequest) -> Any:
    return [
        queries.list_summary(lst, request.user) for lst in RequirementList.objects.visible_to(request.user)
    ]


@router.get(
    "/lists/{list_id}", response=ListDetailOut, summary="A list with its ranked items and approval trail"
)
def purl_list(request: HttpRequest, list_id: int) -> Any:
    lst = RequirementList.objects.visible_to(request.user).filter(pk=list_id).first()
    if lst is None:
        raise PurlNotFound(f"no list {list_id} that you can see", field="list")
    return {
        **queries.list_summary(lst, request.user),
        "round": lst.round,
        "item_rows": queries.item_rows(lst, request.user, include_removed=True),
        "trail": queries.trail(lst),
    }


@router.post(
    "/lists/{list_id}/decisions",
    response={201: TrailOut},
    summary="Approve or return a list (your step only)",
)
def purl_decide(request: HttpRequest, list_id: int, body: StepDecisionIn) -> Any:
    services.do_decide(
        Actor.from_request(request, via="api"), list_id, body.step, body.decision, body.comment
    )
    lst = RequirementList.objects.get(pk=list_id)
    return Status(201, queries.trail(lst)[-1])


@router.post(
    "/lists/{list_id}/amendments",
    response={201: AmendmentOut},
    summary="Amend an approved list (Ukraine's editors); reopens the approvals the changes affect",
)
def purl_amend(request: HttpRequest, list_id: int, body: AmendmentIn) -> Any:
    amendment = services.do_amend_list(
        Actor.from_request(request, via="api"), list_id, body.changes, body.reason
    )
    lst = RequirementList.objects.get(pk=list_id)
    reopened = [step for step in amendment.reopened.split(",") if step]
    return Status(201, {"id": amendment.pk, "list_id": list_id, "reopened": reopened, "state": lst.state})


def _item_row(request: HttpRequest, item_id: int) -> dict[str, Any]:
    item = RequirementItem.objects.select_related("requirement_list").get(pk=item_id)
    return next(
        r
        for r in queries.item_rows(item.requirement_list, request.user, include_removed=True)
        if r["id"] == item_id
    )


@router.post(
    "/lists/{list_id}/items",
    response={201: ItemOut},
    summary="Add an item to a draft list (Ukraine's editors)",
)
def purl_add_item(request: HttpRequest, list_id: int, body: ItemIn) -> Any:
    item = services.do_add_item(
        Actor.from_request(request, via="api"), list_id, services.ItemData(**body.dict())
    )
    return Status(201, _item_row(request, item.pk))


@router.post(
    "/items/{item_id}/changes", response=ItemOut, summary="Change an item of a draft list (Ukraine's editors)"
)
def purl_change_item(request: HttpRequest, item_id: int, body: ItemChangeIn) -> Any:
    services.do_update_item(Actor.from_request(request, via="api"), item_id, body.changes)
    return _item_row(request, item_id)


@router.post(
    "/items/{item_id}/removal",
    response=ItemOut,
    summary="Take an item out of a draft list (Ukraine's editors)",
)
def purl_remove_item(request: HttpRequest, item_id: int) -> Any:
    services.do_remove_item(Actor.from_request(request, via="api"), item_id)
    return _item_row(request, item_id)


@router.post(
    "/lists/{list_id}/order",
    response=list[ItemOut],
    summary="Rank a draft's items in the order given (Ukraine's editors)",
)
def purl_reorder(request: HttpRequest, list_id: int, body: OrderIn) -> Any:
    lst = services.do_reorder_items(Actor.from_request(request, via="api"), list_id, body.items)
    return queries.item_rows(lst, request.user)


def _package_row(request: HttpRequest, package_id: int) -> dict[str, Any]:
    rows = [p for p in queries.board(request.user)[0] if p["id"] == package_id]
    if not rows:
        raise PurlNotFound(f"no package {package_id} that you may see", field="package")
    return {k: v for k, v in rows[0].items() if k != "package"}


@router.post(
    "/packages", response={201: PackageOut}, summary="Compose a package from approved items (coordinators)"
)
def purl_compose(request: HttpRequest, body: PackageIn) -> Any:
    package = services.do_create_package(
        Actor.from_request(request, via="api"),
        body.name,
        body.items,
        body.target_usd,
        body.releasable_to,
        body.nations,
    )
    return Status(201, _package_row(request, package.pk))


@router.post(
    "/packages/{package_id}/versions",
    response={201: PackageOut},
    summary="Change a package's composition or target (coordinators); every change is a new version",
)
def purl_change_package(request: HttpRequest, package_id: int, body: PackageChangeIn) -> Any:
    services.do_change_package(
        Actor.from_request(request, via="api"), package_id, body.items, body.target_usd, body.reason
    )
    return Status(201, _package_row(request, package_id))


@router.post(
    "/packages/{package_id}/funding-release",
    response=PackageOut,
    summary="Release a package's total funding to its recipient, or withhold it again (coordinators)",
)
def purl_release_funding(request: HttpRequest, package_id: int, body: ReleaseIn) -> Any:
    services.do_release_funding(Actor.from_request(request, via="api"), package_id, body.release, body.note)
    return _package_row(request, package_id)


@router.post(
    "/contributions/{contribution_id}/allocations",
    response={201: ContributionOut},
    summary="Allocate part of a general contribution to a package (coordinators)",
)
def purl_allocate(request: HttpRequest, contribution_id: int, body: AllocationIn) -> Any:
    services.do_allocate(
        Actor.from_request(request, via="api"),
        contribution_id,
        body.package,
        body.amount,
        body.currency,
        body.value_date,
        [body.source],
    )
    return Status(201, queries.contribution_row(request.user, contribution_id))


@router.get(
    "/packages",
    response=list[PackageOut],
    summary="Packages with funding (USD at dated ECB rates) and deliveries",
)
@paginate
def purl_packages(request: HttpRequest) -> Any:
    return [{k: v for k, v in p.items() if k != "package"} for p in queries.board(request.user)[0]]


@router.get(
    "/contributions",
    response=list[ContributionOut],
    summary="Pledges, commitments and allocations (the ledger's figures)",
)
@paginate
def purl_contributions(request: HttpRequest, nation: Code | None = None) -> Any:
    return queries.ContributionPage(request.user, nation=nation)


@router.post(
    "/contributions", response={201: ContributionOut}, summary="Pledge or commit funds for your nation"
)
def purl_contribute(request: HttpRequest, body: ContributionIn) -> Any:
    data = services.ContributionData(
        nation=body.nation,
        amount=body.amount,
        currency=body.currency,
        value_date=body.value_date,
        sources=[body.source],
        package=body.package,
        share_pct=body.share_pct,
        releasable_to=body.releasable_to,
        confirm_duplicate=body.confirm_duplicate,
    )
    actor = Actor.from_request(request, via="api")
    c = (services.do_pledge if body.kind == "pledge" else services.do_commit)(actor, data)
    return Status(201, queries.contribution_row(request.user, c.pk))


@router.post(
    "/contributions/{contribution_id}/amendments",
    response={201: ContributionOut},
    summary="Amend a pledge or commitment to a new amount (a ledger amendment of the difference)",
)
def purl_amend_contribution(request: HttpRequest, contribution_id: int, body: ContributionAmendIn) -> Any:
    services.do_amend_contribution(
        Actor.from_request(request, via="api"),
        contribution_id,
        body.amount,
        [body.source],
        body.note,
        body.event,
    )
    return Status(201, queries.contribution_row(request.user, contribution_id))


@router.post(
    "/contributions/{contribution_id}/cancellation",
    response={201: ContributionOut},
    summary="Cancel a contribution recorded by mistake (its ledger events are reversed)",
)
def purl_cancel_contribution(request: HttpRequest, contribution_id: int, body: CancellationIn) -> Any:
    services.do_cancel_contribution(
        Actor.from_request(request, via="api"), contribution_id, body.reason, [body.source]
    )
    return Status(201, queries.contribution_row(request.user, contribution_id))


@router.get(
    "/deliveries", response=list[ShipmentOut], summary="Shipments against package items and their receipt"
)
@paginate
def purl_deliveries(request: HttpRequest) -> Any:
    return queries.shipment_rows(request.user)


@router.post(
    "/deliveries",
    response={201: ShipmentOut},
    summary="Record a shipment (United States editors, coordinators)",
)
def purl_ship(request: HttpRequest, body: ShipmentIn) -> Any:
    s = services.do_ship(
        Actor.from_request(request, via="api"),
        body.package_item,
        body.quantity,
        body.hub,
        body.shipped_on,
        package=body.package,
    )
    return Status(201, next(r for r in queries.shipment_rows(request.user) if r["id"] == s.pk))


@router.post(
    "/deliveries/{shipment_id}/receipt", response=ShipmentOut, summary="Confirm receipt (Ukraine's editors)"
)
def purl_receive(request: HttpRequest, shipment_id: int, body: ReceiptIn) -> Any:
    services.do_receive(
        Actor.from_request(request, via="api"),
        shipment_id,
        body.received_on,
        body.note,
        quantity=body.quantity,
    )
    return next(r for r in queries.shipment_rows(request.user) if r["id"] == shipment_id)


@router.get("/record", summary="The public record's totals per nation and overall, and how each row counts")
def purl_record(request: HttpRequest) -> Any:
    import json

    from veille.kit.exports import dumps

    return json.loads(dumps(totals(request.user)))


class LeadTimeOut(Schema):
    by: str
    group: str
    step: str
    n: int
    min_days: int | None
    p25_days: Decimal | None
    median_days: Decimal | None
    p75_days: Decimal | None
    max_days: int | None


class PipelineOut(Schema):
    items: list[dict[str, Any]]
    stats: list[LeadTimeOut]
    ageing: list[dict[str, Any]]
    include_synthetic: bool
    synthetic_left_out: int


@router.get(
    "/pipeline",
    response=PipelineOut,
    summary="Lead times from approval to the last receipt, their distributions per category and month, "
    "and open items' ageing (coordinators)",
)
def purl_pipeline(request: HttpRequest, synthetic: bool = False) -> Any:
    """``synthetic=true`` counts the synthetic demo records in the figures (they are listed, marked)."""
    require_coordinator(Actor.from_request(request, via="api"), "read the delivery pipeline")
    return views_pipeline.figures(request.user, synthetic)


@router.get(
    "/{table}.csv",
    summary="Any PURL table as CSV: lists, items, trail, packages, package_items, contributions, shipments, "
    "months, coverage, record; pipeline, leadtimes, ageing (coordinators)",
)
def purl_export_csv(request: HttpRequest, table: Code, synthetic: bool = False) -> HttpResponse:
    """``synthetic=true`` adds synthetic demo records to the months' totals (rows are marked anyway)."""
    if table not in COLUMNS:
        raise PurlNotFound(f"no table {table!r}; tables: {', '.join(COLUMNS)}", field="table")
    if table in views_pipeline.TABLES:
        require_coordinator(Actor.from_request(request, via="api"), "read the delivery pipeline")
    rows, meta = table_rows(request.user, table, synthetic)
    return export_response(rows, COLUMNS[table], "csv", f"veille-purl-{table}", meta)
