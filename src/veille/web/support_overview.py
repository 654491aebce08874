"""The overview of support to Ukraine (``/support/``) and its donors export (``/support/donors.csv``):
support's figures beside the donors' GDP, which NATO's spending tables give.

They gather two mechanisms (``veille.support`` and ``veille.spending``), so they are the shell's;
``veille.web.urls.MECHANISM_PAGES`` keeps them at their addresses and URL names under ``support``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from veille.core.fx import RateUsed
from veille.core.money import Money
from veille.kit.exports import export_response
from veille.ledger.rates import converter
from veille.nations.access import sees_everything
from veille.spending.models import Figure, SourceKind
from veille.spending.queries import latest_source
from veille.support import charts, queries
from veille.support.models import TrackerRelease
from veille.support.purl_share import with_purl_inside

GDP_YEAR = 2021  # the last year before the full-scale invasion, as the Kiel tracker itself relates aid to GDP

DONOR_COLUMNS = [
    "donor",
    "name",
    "kind",
    "military",
    "financial",
    "humanitarian",
    "total",
    "purl_eur",
    "purl_pct",
    "release",
    "total_pct_gdp",
    "military_pct_gdp",
]


@dataclass(frozen=True)
class GdpBasis:
    """How the share of GDP is computed, for the page to state."""

    year: int
    source: str
    rate_used: RateUsed  # EUR to USD, as applied (to the cent of one euro)

    @property
    def rate(self) -> Decimal:
        return self.rate_used.rate

    @property
    def rate_date(self) -> dt.date:
        return self.rate_used.rate_date

    @property
    def rate_source(self) -> str:
        return self.rate_used.source


def with_gdp_share(rows: list[dict[str, Any]], release: TrackerRelease | None = None) -> GdpBasis | None:
    """Add ``total_pct_gdp`` (and per type) to donor rows: support in EUR converted to USD at the ECB
    rate of the release date, over the donor's GDP of 2021 in current USD (NATO, Table 5). Donors
    without a NATO GDP figure (partners, others) get None. Returns the basis used, or None when no
    NATO spending data are loaded."""
    release = release or queries.latest_release()
    source = latest_source(SourceKind.NATO)
    if release is None or source is None or not rows:
        return None
    gdp_musd = dict(
        Figure.objects.filter(
            source=source, measure="gdp_usd_current", year=GDP_YEAR, nation__isnull=False
        ).values_list("nation_id", "value")
    )
    if not gdp_musd:
        return None
    day = release.last_updated or release.imported_at.date()
    conversion = converter().convert(Money(Decimal(1), "EUR"), "USD", day)
    rate = conversion.amount.amount / conversion.original.amount
    for row in rows:
        gdp = gdp_musd.get(row["donor"])
        for key in ("military", "financial", "humanitarian", "total"):
            row[f"{key}_pct_gdp"] = (row[key] * rate / (gdp * 1_000_000) * 100) if gdp else None
    return GdpBasis(
        GDP_YEAR,
        f"{source.publisher}, {source.title}, Table 5 (current prices)",
        RateUsed.of(conversion, rate),
    )


def index(request: HttpRequest) -> HttpResponse:
    release = queries.latest_release()
    donors = queries.donor_table(release)
    with_purl_inside(donors, request.user)
    gdp = with_gdp_share(donors, release)
    months = queries.month_table(release)
    weapons = queries.weapon_table(release)
    context = {
        "release": release,
        "releases": queries.releases_in_use(),
        "donors": donors,
        "months": months,
        "weapons": weapons,
        "gdp": gdp,
        "share_spec": charts.donors_share_of_gdp(
            donors, _("Allocations as a share of the donor's 2021 GDP (top 30)")
        )
        if gdp
        else None,
        "donor_spec": charts.donors_stacked(donors, _("Allocations by donor (top 30), EUR billion")),
        "month_spec": charts.months_area(months, _("Allocations per month, all donors")),
        "weapon_spec": charts.weapons_bars(weapons, _("Military allocations by weapon category")),
        "can_reconcile": sees_everything(request.user),
    }
    return render(request, "web/support_overview.html", context)


def donors_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The donors ranked, as CSV or JSON, with their share of GDP when spending data are loaded."""
    if fmt not in ("csv", "json"):
        raise Http404(f"no export as {fmt}")
    rows = queries.donor_table()
    with_purl_inside(rows, request.user)
    gdp = with_gdp_share(rows)
    meta = queries.dataset_meta()
    meta["purl_eur"] = (
        "the part of the donor's allocations that is its PURL money: rows the tracker marks PURL-funded and "
        "PURL contributions a coordinator confirmed as counted in a Kiel record (inside the allocations, "
        "never added to them)"
    )
    if gdp:
        meta["pct_gdp"] = {
            "gdp_year": gdp.year,
            "gdp_source": gdp.source,
            "eur_usd": str(gdp.rate),
            "rate_date": gdp.rate_date.isoformat(),
            "rate_source": gdp.rate_source,
        }
    return export_response(rows, DONOR_COLUMNS, fmt, "veille-support-donors", meta)
