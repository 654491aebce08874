# No "from __future__ import annotations" here: django-ninja reads the annotations at run time.
"""Read endpoints of the ledger: events, chains, balances; CSV exports. Releasability applies."""

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from ninja.pagination import paginate

from veille.kit.exports import export_response
from veille.ledger import queries
from veille.ledger.exceptions import EventNotFound
from veille.ledger.models import Kind

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


def _party(party: str | None) -> str | None:
    return party.strip().upper() if party else None


@router.get("/events", response=list[EventOut], summary="Ledger events you may see, oldest first")
@paginate
def ledger_events(
    request: HttpRequest, party: str | None = None, kind: Kind | None = None, as_of: dt.date | None = None
) -> list[dict[str, Any]]:
    """``as_of``: only the events recorded by the end of that day (what the ledger said then)."""
    return queries.event_rows(
        request.user, party=_party(party), kind=kind.value if kind else None, as_of=as_of
    )


@router.get("/events.csv", summary="Ledger events as CSV")
def ledger_events_csv(
    request: HttpRequest, party: str | None = None, kind: Kind | None = None, as_of: dt.date | None = None
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
    party: str | None = None,
    currency: str | None = None,
    as_of: dt.date | None = None,
    period: str | None = None,
) -> dict[str, Any]:
    rep = queries.report(request.user, party=_party(party), currency=currency, as_of=as_of, period=period)
    return queries.report_dict(rep)


@router.get("/balances.csv", summary="Totals by party and kind as CSV (the rates used follow the totals)")
def ledger_balances_csv(
    request: HttpRequest,
    party: str | None = None,
    currency: str | None = None,
    as_of: dt.date | None = None,
    period: str | None = None,
) -> HttpResponse:
    rep = queries.report(request.user, party=_party(party), currency=currency, as_of=as_of, period=period)
    rows = [t.as_row() for t in rep.totals]
    rows += [
        {**t.as_row(), "kind": f"{t.kind} (passed through, counted for the donor)"}
        for t in rep.passed_through
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
