"""Pages of support to Ukraine: donors, months, weapons, and the claim checks."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from veille.core.claims import Definition
from veille.core.errors import InvalidInput
from veille.kit.exports import export_response
from veille.support import charts, queries

DONOR_COLUMNS = [
    "donor",
    "name",
    "kind",
    "military",
    "financial",
    "humanitarian",
    "total",
    "release",
    "total_pct_gdp",
    "military_pct_gdp",
]
MONTH_COLUMNS = ["month", "military", "financial", "humanitarian"]
WEAPON_COLUMNS = ["donor", "name", "category", "value_eur", "records", "where"]


def _meta() -> dict[str, object]:
    return {
        "dataset": [
            {
                "tracker": r.source_name,
                "release": r.number,
                "file": r.file_name,
                "sha256": r.sha256,
                "last_updated": r.last_updated,
                "licence": r.licence,
                "source": r.source_url,
            }
            for r in queries.releases_in_use()
        ],
        "unit": "EUR",
        "basis": "allocations",
    }


def index(request: HttpRequest) -> HttpResponse:
    release = queries.latest_release()
    donors = queries.donor_table(release)
    gdp = queries.with_gdp_share(donors, release)
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
    }
    return render(request, "support/index.html", context)


def claims(request: HttpRequest) -> HttpResponse:
    error = None
    try:
        definition = queries.parse_definition(request.GET)
    except InvalidInput as exc:
        definition, error = Definition(), str(exc)
    check = queries.military_share_check(definition)
    context = {
        "definition": definition,
        "check": check,
        "error": error,
        "labels": queries.definition_labels(definition),
        "sensitivity": queries.sensitivity(definition),
        "others": queries.other_checks(),
        "classes": [
            ("ally", _("NATO allies")),
            ("partner", _("NATO partners")),
            ("eu_institution", _("EU institutions")),
            ("other", _("Everyone else")),
        ],
        "share_spec": charts.shares_bar(
            check.detail["share_pct"],
            {
                "military": _("Share of military support by donor class"),
                "financial": _("Share of financial support by donor class"),
                "humanitarian": _("Share of humanitarian support by donor class"),
            }[definition.aid_type],
        )
        if check.detail
        else None,
    }
    return render(request, "support/claims.html", context, status=400 if error else 200)


def export(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "json"):
        raise Http404(f"no export as {fmt}")
    if table == "donors":
        rows = queries.donor_table()
        gdp = queries.with_gdp_share(rows)
        meta = _meta()
        if gdp:
            meta["pct_gdp"] = {
                "gdp_year": gdp.year,
                "gdp_source": gdp.source,
                "eur_usd": str(gdp.rate),
                "rate_date": gdp.rate_date.isoformat(),
                "rate_source": gdp.rate_source,
            }
        return export_response(rows, DONOR_COLUMNS, fmt, "veille-support-donors", meta)
    if table == "months":
        return export_response(queries.month_table(), MONTH_COLUMNS, fmt, "veille-support-months", _meta())
    if table == "weapons":
        rows = queries.weapon_table() + queries.weapon_table(by_donor=True)
        return export_response(rows, WEAPON_COLUMNS, fmt, "veille-support-weapons", _meta())
    if table == "claims":
        try:
            definition = queries.parse_definition(request.GET)
        except InvalidInput as exc:
            return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
        check = queries.military_share_check(definition)
        rows = [
            {"class": cls, "donor": d["donor"], "value_eur": d["value_eur"]}
            for cls, donors in check.detail.get("donors", {}).items()
            for d in donors
        ]
        meta = {
            **_meta(),
            "claim": check.sentence_en,
            "computed": check.computed,
            "definitions": check.definitions,
        }
        return export_response(rows, ["class", "donor", "value_eur"], fmt, "veille-claim-military-99", meta)
    raise Http404(f"no table {table}")
