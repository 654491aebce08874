"""The ledger browser: a party's balances with the rates used, recent events, and chains."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from veille.core.errors import VeilleError
from veille.kit.exports import export_response
from veille.kit.synthetic import wants_synthetic
from veille.ledger import pools, queries
from veille.ledger.links import queries as link_queries
from veille.ledger.models import LedgerEvent
from veille.nations.models import Nation


def _filters(request: HttpRequest) -> tuple[dict[str, Any], str | None]:
    error = None
    as_of: dt.date | None = None
    raw = request.GET.get("as_of", "").strip()
    if raw:
        try:
            as_of = dt.date.fromisoformat(raw)
        except ValueError:
            error = _("'as_of' must be a date as YYYY-MM-DD, not %(value)r.") % {"value": raw}
    period = request.GET.get("period") or None
    if period not in (None, *queries.PERIODS):
        error, period = _("Unknown period %(value)r.") % {"value": period}, None
    return {
        "party": (request.GET.get("party") or "").strip().upper() or None,
        "currency": (request.GET.get("currency") or "").strip().upper() or None,
        "as_of": as_of,
        "period": period,
        "include_synthetic": wants_synthetic(request),
    }, error


def index(request: HttpRequest) -> HttpResponse:
    filters, error = _filters(request)
    report = None
    if not error:
        try:
            report = queries.report(request.user, **filters)
        except VeilleError as exc:
            error = str(exc)
    synthetic_parties = set(LedgerEvent.objects.filter(synthetic=True).values_list("party_id", flat=True))
    events = []
    delivered = None
    overlaps = None
    if not error:
        rows = queries.event_rows(request.user, party=filters["party"], as_of=filters["as_of"])
        events = rows[-50:][::-1]
        delivered = pools.delivered_by_party(
            request.user,
            as_of=filters["as_of"],
            include_synthetic=filters["include_synthetic"],
            party=filters["party"],
        )
        overlaps = link_queries.overlaps(
            request.user, as_of=filters["as_of"], include_synthetic=filters["include_synthetic"]
        )
    return render(
        request,
        "ledger/index.html",
        {
            "filters": filters,
            "error": error,
            "report": report,
            "events": events,
            "delivered": delivered,
            "counted_elsewhere": sorted(
                (
                    (party, money)
                    for party, by_currency in (overlaps.by_party.items() if overlaps else ())
                    for money in by_currency.values()
                    if not filters["party"] or party == filters["party"]
                ),
                key=lambda pm: (pm[0], pm[1].currency),
            ),
            "synthetic_exists": bool(synthetic_parties),
            "synthetic_parties": synthetic_parties,
            "nations": Nation.objects.order_by("code").values_list("code", "name"),
            "periods": queries.PERIODS,
            "query": request.GET.urlencode(),
        },
        status=400 if error else 200,
    )


def chain_page(request: HttpRequest, event_id: int) -> HttpResponse:
    filters, _error = _filters(request)
    tree = queries.chain(request.user, event_id, filters["as_of"])
    if tree is None:
        raise Http404(_("No such event, or not one you may see."))
    return render(request, "ledger/chain.html", {"tree": tree, "event_id": event_id, "filters": filters})


def export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "json"):
        raise Http404(f"no export as {fmt}")
    filters, _error = _filters(request)
    rows = queries.event_rows(request.user, party=filters["party"], as_of=filters["as_of"])
    return export_response(
        rows,
        queries.EVENT_COLUMNS,
        fmt,
        "veille-ledger-events",
        meta={
            "dataset": "veille ledger events",
            "as_of": str(filters["as_of"] or "now"),
            "visible_to": request.user.get_username() or "anonymous",
        },
    )
