# No "from __future__ import annotations" here: django-ninja reads the annotations at run time.
"""Read endpoints of the ledger: events, chains, balances; CSV exports. Releasability applies."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from veille.kit.exports import export_response
from veille.kit.limits import Code, Note, PlainAmount
from veille.ledger import pools, queries
from veille.ledger.exceptions import EventNotFound
from veille.ledger.links import queries as link_queries
from veille.ledger.links import services as link_services
from veille.ledger.models import Kind
from veille.nations.access import Actor

router = Router(tags=["ledger"])


class EventOut(Schema):
    id: int
    kind: str
    counts_as: str
    party: str
    counterparty: str
    counterparty_name: str
    amount: str
    currency: str
    item: str
    quantity: int | None
    valuation_method: str
    value_date: dt.date
    effective_at: dt.datetime
    recorded_at: dt.datetime
    parent: int | None
    pass_through_of: int | None
    counted: bool
    synthetic: bool
    size: int | None
    drawn: int | None
    status: str
    sources: str
    note: str
    reference: str
    actor: str
    releasable_to: str


class TotalOut(Schema):
    party: str
    kind: str
    period: str
    original: dict[str, str]
    converted: str | None
    quantities: dict[str, int]


class StatusOut(Schema):
    party: str
    kind: str
    status: str
    count: int


class RateOut(Schema):
    currency: str
    to_currency: str
    value_date: dt.date
    rate_date: dt.date
    rate: str
    provisional: bool = False


class DeliveredOut(Schema):
    party: str
    currency: str
    shipped: str
    received: str


class CountedElsewhereOut(Schema):
    party: str
    currency: str
    amount: str


class BalanceOut(Schema):
    as_of: dt.datetime | None
    currency: str | None
    totals: list[TotalOut]
    pledged_open: dict[str, str]
    pledged_open_converted: str | None
    passed_through: list[TotalOut]
    statuses: list[StatusOut]
    rates: list[RateOut]
    rates_source: str
    include_synthetic: bool
    delivered: list[DeliveredOut]
    delivered_unattributed: DeliveredOut
    counted_elsewhere: list[CountedElsewhereOut]


def balances(
    user: Any, party: str | None, currency: str | None, as_of: Any, period: str | None, synthetic: bool
) -> dict[str, Any]:
    """The report, each donor's share of the materiel pools delivered (pro rata to its funding), and
    the money a tracker's record counts too (confirmed links): the same in the API and its CSV."""
    rep = queries.report(
        user, party=party, currency=currency, as_of=as_of, period=period, include_synthetic=synthetic
    )
    out = queries.report_dict(rep)
    delivered = pools.delivered_by_party(user, as_of=as_of, include_synthetic=synthetic, party=party)
    out["include_synthetic"] = synthetic
    out["delivered"] = [
        {
            "party": code,
            "currency": delivered["currency"],
            "shipped": str(row["shipped"].amount),
            "received": str(row["received"].amount),
        }
        for code, row in delivered["by_party"].items()
    ]
    out["delivered_unattributed"] = {
        "party": "",
        "currency": delivered["currency"],
        "shipped": str(delivered["unattributed"]["shipped"].amount),
        "received": str(delivered["unattributed"]["received"].amount),
    }
    overlaps = link_queries.overlaps(user, as_of=as_of, include_synthetic=synthetic)
    out["counted_elsewhere"] = [
        {"party": code, "currency": cur, "amount": str(money.amount)}
        for code, by_currency in sorted(overlaps.by_party.items())
        for cur, money in sorted(by_currency.items())
        if not party or code == party
    ]
    out["rates"] += [
        {
            "currency": r.currency,
            "to_currency": r.to_currency,
            "value_date": r.value_date.isoformat(),
            "rate_date": r.rate_date.isoformat(),
            "rate": str(r.rate),
        }
        for r in [*delivered["rates"], *overlaps.rates]
    ]
    return out


def _party(party: str | None) -> str | None:
    return party.strip().upper() if party else None


@router.get("/events", response=list[EventOut], summary="Ledger events you may see, oldest first")
@paginate
def ledger_events(
    request: HttpRequest, party: Code | None = None, kind: Kind | None = None, as_of: dt.date | None = None
) -> list[dict[str, Any]]:
    """``as_of``: only the events recorded by the end of that day (what the ledger said then)."""
    return queries.event_rows(
        request.user, party=_party(party), kind=kind.value if kind else None, as_of=as_of
    )


@router.get("/events.csv", summary="Ledger events as CSV")
def ledger_events_csv(
    request: HttpRequest, party: Code | None = None, kind: Kind | None = None, as_of: dt.date | None = None
) -> HttpResponse:
    rows = queries.event_rows(
        request.user, party=_party(party), kind=kind.value if kind else None, as_of=as_of
    )
    return export_response(rows, queries.EVENT_COLUMNS, "csv", "veille-ledger-events")


@router.get("/events/{event_id}", response=EventOut, summary="One ledger event with its derived status")
def ledger_event(request: HttpRequest, event_id: int, as_of: dt.date | None = None) -> dict[str, Any]:
    row = queries.event_detail(request.user, event_id, as_of)
    if row is None:
        raise EventNotFound(f"no event #{event_id} that you can see", field="event_id")
    return row


@router.get("/events/{event_id}/chain", summary="The whole chain an event belongs to, from its root")
def ledger_chain(request: HttpRequest, event_id: int, as_of: dt.date | None = None) -> dict[str, Any]:
    tree = queries.chain(request.user, event_id, as_of)
    if tree is None:
        raise EventNotFound(f"no event #{event_id} that you can see", field="event_id")
    return tree


@router.get(
    "/balances", response=BalanceOut, summary="Totals by party and kind, converted with the rates listed"
)
def ledger_balances(
    request: HttpRequest,
    party: Code | None = None,
    currency: Code | None = None,
    as_of: dt.date | None = None,
    period: Code | None = None,
    synthetic: bool = False,
) -> dict[str, Any]:
    """``synthetic=true`` adds the synthetic demo records to the totals (they are left out otherwise)."""
    return balances(request.user, _party(party), currency, as_of, period, synthetic)


@router.get("/balances.csv", summary="Totals by party and kind as CSV (the rates used follow the totals)")
def ledger_balances_csv(
    request: HttpRequest,
    party: Code | None = None,
    currency: Code | None = None,
    as_of: dt.date | None = None,
    period: Code | None = None,
    synthetic: bool = False,
) -> HttpResponse:
    rep = queries.report(
        request.user,
        party=_party(party),
        currency=currency,
        as_of=as_of,
        period=period,
        include_synthetic=synthetic,
    )
    rows = [t.as_row() for t in rep.totals]
    rows += [
        {**t.as_row(), "kind": f"{t.kind} (passed through, counted for the donor)"}
        for t in rep.passed_through
    ]
    extra = balances(request.user, _party(party), currency, as_of, period, synthetic)
    rows += [
        {
            "party": d["party"],
            "kind": "delivered (share of pooled materiel, pro rata to funding)",
            "period": "",
            "original": f"shipped {d['shipped']} {d['currency']}",
            "converted": f"received {d['received']} {d['currency']}",
            "quantities": "",
        }
        for d in extra["delivered"]
    ]
    rows += [
        {
            "party": c["party"],
            "kind": "counted in a tracker's record too (confirmed links; counted once)",
            "period": "",
            "original": f"{c['amount']} {c['currency']}",
            "converted": "",
            "quantities": "",
        }
        for c in extra["counted_elsewhere"]
    ]
    rows += [
        {
            "party": "rate",
            "kind": f"1 {r.currency} = {r.rate} {r.to_currency}",
            "period": "",
            "original": f"value date {r.value_date}",
            "converted": f"ECB rate of {r.rate_date}"
            + (" (provisional: revalued when the rate of the value date is loaded)" if r.provisional else ""),
            "quantities": rep.rates_source,
        }
        for r in rep.rates
    ]
    return export_response(
        rows,
        ["party", "kind", "period", "original", "converted", "quantities"],
        "csv",
        "veille-ledger-balances",
    )


# --- links between two sources' records of the same money ------------------------------------------


class LinkOut(Schema):
    id: int
    party: str
    event: int
    event_kind: str
    event_amount: str
    event_value_date: dt.date
    event_reference: str
    counted_in: int
    counted_in_kind: str
    counted_in_amount: str
    counted_in_value_date: dt.date
    counted_in_reference: str
    scope: str
    basis: str
    state: str
    tolerance_pct: Decimal
    window_days: int
    difference_pct: Decimal | None
    overlap: str
    proposed_at: dt.datetime
    proposed_by: str
    decided_at: dt.datetime | None
    decided_by: str
    note: str


class RecordLinkIn(Schema):
    event: int
    counted_in: int
    scope: Code = "record"
    tolerance_pct: PlainAmount = "5"
    window_days: int = 31
    note: Note = ""
    propose: bool = False  # a proposal (another coordinator confirms it) instead of a confirmed link


class LinkDecisionIn(Schema):
    note: Note = ""


def _link_out(user: Any, link_id: int) -> dict[str, Any]:
    return next(
        r.as_dict() for r in link_queries.link_rows(user, include_synthetic=True) if r.link.pk == link_id
    )


@router.get(
    "/links",
    response=list[LinkOut],
    summary="Links between two sources' records of the same money (both records visible to you)",
)
@paginate
def ledger_links(
    request: HttpRequest, party: Code | None = None, state: Code | None = None, as_of: dt.date | None = None
) -> list[dict[str, Any]]:
    """``as_of``: the links as they stood then (a link decided later was a proposal)."""
    rows = link_queries.link_rows(request.user, party=_party(party), state=state, as_of=as_of)
    return [r.as_dict() for r in rows]


@router.post(
    "/links",
    response={201: LinkOut},
    summary="Link a record to the record of another source that counts it (coordinators)",
)
def ledger_link(request: HttpRequest, body: RecordLinkIn) -> Any:
    data = link_services.LinkData(
        event=body.event,
        counted_in=body.counted_in,
        scope=body.scope,
        tolerance_pct=body.tolerance_pct,
        window_days=body.window_days,
        note=body.note,
    )
    actor = Actor.from_request(request, via="api")
    link = (link_services.do_propose_link if body.propose else link_services.do_link)(actor, data)
    return Status(201, _link_out(request.user, link.pk))


@router.post("/links/{link_id}/confirm", response=LinkOut, summary="Confirm a proposed link (coordinators)")
def ledger_link_confirm(request: HttpRequest, link_id: int, body: LinkDecisionIn) -> Any:
    link_services.do_confirm_link(Actor.from_request(request, via="api"), link_id, body.note)
    return _link_out(request.user, link_id)


@router.post(
    "/links/{link_id}/reject", response=LinkOut, summary="Reject a proposed link, saying why (coordinators)"
)
def ledger_link_reject(request: HttpRequest, link_id: int, body: LinkDecisionIn) -> Any:
    link_services.do_reject_link(Actor.from_request(request, via="api"), link_id, body.note)
    return _link_out(request.user, link_id)
