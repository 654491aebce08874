"""Read models of the spending pages, the API, the exports and the command line.

Figures are read from the latest edition of each source; the official NATO tables and the
lower-confidence press transcriptions are returned side by side, never merged.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import F, Q, QuerySet

from veille.core import spending as core
from veille.kit.memo import per_request
from veille.nations.models import Nation, NationKind
from veille.spending.models import Figure, NationalPlan, Source, SourceKind
from veille.spending.workbooks import MEASURES as MEASURE_LABELS

__all__ = [
    "CITED",
    "FIGURE_COLUMNS",
    "FIRST_YEAR",
    "OVERVIEW_COLUMNS",
    "OVERVIEW_MEASURES",
    "PLAN_COLUMNS",
    "READ_FIELDS",
    "SIPRI_REFERENCES",
    "TABLE_COLUMNS",
    "Overview",
    "ally_series",
    "available_years",
    "figure_dict",
    "figure_rows",
    "home_figures",
    "last_actual_share",
    "latest_source",
    "nato_share_series",
    "overview",
    "overview_export_rows",
    "plan_rows",
    "press_series",
    "sipri_series",
    "source_meta",
    "visible_plans",
    "year_table",
]

#: What the overview shows for each ally, from NATO's tables.
OVERVIEW_MEASURES = (
    "share_gdp_pct",
    "spending_usd_constant",
    "spending_usd_current",
    "real_change_pct",
    "equipment_pct",
    "gdp_usd_constant",
)
#: Reference lines of the comparison page: SIPRI's figures, by SIPRI's definition.
SIPRI_REFERENCES = ("RUS", "CHN", "UKR")
FIRST_YEAR = 2014


@per_request
def latest_source(kind: str) -> Source | None:
    return (
        Source.objects.filter(kind=kind)
        .order_by(F("edition_date").desc(nulls_last=True), "-imported_at", "-id")
        .first()
    )


def source_meta(source: Source | None) -> dict[str, Any]:
    if source is None:
        return {}
    return {
        "dataset": source.title,
        "publisher": source.publisher,
        "edition": source.edition,
        "edition_date": source.edition_date.isoformat() if source.edition_date else None,
        "file": source.file_name,
        "sha256": source.sha256,
        "licence": source.licence,
        "url": source.url,
        "confidence": source.confidence,
        "imported_at": source.imported_at.isoformat(),
    }


def _figures(source: Source | None, measures: Sequence[str], **filters: Any) -> QuerySet[Figure]:
    if source is None:
        return Figure.objects.none()
    return Figure.objects.filter(source=source, measure__in=measures, **filters)


def last_actual_share(code: str) -> tuple[int, Decimal] | None:
    """The latest year and share of GDP NATO publishes for an ally (estimates included, as NATO does)."""
    f = _figures(latest_source(SourceKind.NATO), ["share_gdp_pct"], nation_id=code).order_by("-year").first()
    return (f.year, f.exact) if f else None


def available_years(
    kind: str = SourceKind.NATO, measure: str = "share_gdp_pct", source: Source | None = None
) -> list[int]:
    source = source or latest_source(kind)
    return sorted(set(_figures(source, [measure]).values_list("year", flat=True).distinct()))


#: The columns the pages read (``value`` is left out: ``exact`` comes from ``raw``, without rounding).
READ_FIELDS = (
    "id",
    "nation_id",
    "aggregate",
    "year",
    "measure",
    "raw",
    "scale",
    "estimate",
    "uncertain",
    "marker",
    "sheet",
    "table",
    "cell",
    "price_base",
    "edition",
    "source_url",
)

#: The figures each overview row cites in its "sources" drawer.
CITED = (
    "share_gdp_pct",
    "share_before",
    "spending_usd_constant",
    "real_change_pct",
    "equipment_pct",
    "gdp_usd_constant",
)


def _cite_line(f: Figure) -> dict[str, Any]:
    """One line of a row's "sources" drawer; the page writes the cell's value in the reader's format."""
    return {
        "table": f.table,
        "cell": f"{f.sheet}!{f.cell}",
        "raw": f.raw,
        "estimate": f.estimate,
        "label": str(MEASURE_LABELS.get(f.measure, f.measure)),
        "year": f.year,
    }


def _cite(f: Figure) -> dict[str, Any]:
    return {
        "raw": f.raw,
        "price_base": f.price_base,
        "sheet": f.sheet,
        "table": f.table,
        "cell": f.cell,
        "estimate": f.estimate,
        "uncertain": f.uncertain,
        "source_url": f.source_url,
        "edition": f.edition,
    }


@dataclass
class Overview:
    year: int | None
    source: Source | None
    press: Source | None
    rows: list[dict[str, Any]]
    nato_total: dict[str, Any] | None
    computed: core.Aggregate | None


def overview(year: int | None = None) -> Overview:
    """Each ally's latest share of GDP with its spending, real change and equipment share; the NATO
    aggregates as published and as computed from the allies' rows.

    Imported figures never change in place (a new edition is a new source), so the result is cached
    under the sources it was built from; national plans, which are per user, are not part of it."""
    source = latest_source(SourceKind.NATO)
    press = latest_source(SourceKind.PRESS)
    nato_key = f"{source.pk}-{source.sha256}" if source else "-"
    press_key = f"{press.pk}-{press.sha256}" if press else "-"
    key = f"spending:overview:{nato_key}:{press_key}:{year}"
    cached = cache.get(key)
    if cached is None:
        cached = _overview(year, source, press)
        cache.set(key, cached, timeout=3600)
    result: Overview = cached
    return result


def _overview(year: int | None, source: Source | None, press: Source | None) -> Overview:
    years = available_years(source=source) if source else []
    if source is None or not years:
        return Overview(None, source, press, [], None, None)
    year = year if year in years else years[-1]
    nations = {n.code: n for n in Nation.objects.filter(kind=NationKind.ALLY)}
    by: dict[str, dict[str, Figure]] = defaultdict(dict)
    total: dict[str, Figure] = {}
    wanted = Q(year=year) | Q(year=year - 1, measure="share_gdp_pct")
    for f in _figures(source, OVERVIEW_MEASURES).filter(wanted).only(*READ_FIELDS).order_by():
        key = f.measure if f.year == year else "share_before"
        if f.aggregate == "NATO":
            total[key] = f
        elif f.nation_id:
            by[f.nation_id][key] = f
    press_rows: dict[str, Figure] = {}
    if press is not None:
        for f in _figures(press, ["share_gdp_pct"], year__gt=year).order_by("year"):
            if f.nation_id:
                press_rows[f.nation_id] = f  # the latest year the press reports
    rows: list[dict[str, Any]] = []
    for code, figs in by.items():
        share = figs.get("share_gdp_pct")
        if share is None:
            continue
        nation = nations.get(code)
        equipment = figs.get("equipment_pct")
        before = figs.get("share_before")
        step = core.annual_step_pct(year, share.exact, core.CORE_TARGET_PCT)
        gdp = figs.get("gdp_usd_constant")
        path = (
            core.path_in_usd(core.straight_path(year, share.exact, core.CORE_TARGET_PCT), gdp.exact)
            if gdp
            else []
        )
        p = press_rows.get(code)
        rows.append(
            {
                "code": code,
                "name": nation.name if nation else code,
                "name_fr": nation.name_fr if nation else code,
                "year": year,
                "share_pct": share.exact,
                "share_rounded": core.round_pct(share.exact),
                "estimate": share.estimate,
                "marker": share.marker,
                "share_before_pct": before.exact if before else None,
                "spending_usd_constant_m": figs["spending_usd_constant"].exact
                if "spending_usd_constant" in figs
                else None,
                "spending_usd_current_m": figs["spending_usd_current"].exact
                if "spending_usd_current" in figs
                else None,
                "real_change_pct": figs["real_change_pct"].exact if "real_change_pct" in figs else None,
                "equipment_pct": equipment.exact if equipment else None,
                "meets_equipment": equipment.exact >= core.EQUIPMENT_GUIDELINE_PCT if equipment else None,
                "meets_2": core.round_pct(share.exact) >= core.GUIDELINE_PCT,
                "meets_core": core.round_pct(share.exact) >= core.CORE_TARGET_PCT,
                "step_to_core_pct": step,
                "gap_to_core_usd_m": path[-1].gap_usd if path else None,
                "increase_per_year_usd_m": core.average_increase_usd(path) if path else None,
                "press_year": p.year if p else None,
                "press_pct": p.exact if p else None,
                "press_url": p.source_url if p else "",
                "cites": {k: _cite(figs[k]) for k in sorted(figs)},  # the same order on every database
                "cite_lines": [_cite_line(figs[k]) for k in CITED if k in figs],
            }
        )
    rows.sort(key=lambda r: (-r["share_pct"], r["name"]))
    computed = None
    allies = [
        core.AllyYear(r["code"], r["spending_usd_constant_m"], by[r["code"]]["gdp_usd_constant"].exact)
        for r in rows
        if r["spending_usd_constant_m"] is not None and "gdp_usd_constant" in by[r["code"]]
    ]
    if allies:
        computed = core.aggregate(allies)
    nato_total = None
    if "share_gdp_pct" in total:
        t = total["share_gdp_pct"]
        nato_total = {
            "share_pct": t.exact,
            "share_rounded": core.round_pct(t.exact),
            "estimate": t.estimate,
            "spending_usd_constant_m": total["spending_usd_constant"].exact
            if "spending_usd_constant" in total
            else None,
            "cites": {k: _cite(total[k]) for k in sorted(total)},
        }
    return Overview(year, source, press, rows, nato_total, computed)


OVERVIEW_COLUMNS = [
    "rank",
    "code",
    "name",
    "year",
    "share_pct",
    "estimate",
    "share_before_pct",
    "spending_usd_constant_m",
    "spending_usd_current_m",
    "real_change_pct",
    "equipment_pct",
    "meets_2",
    "meets_core",
    "step_to_core_pct",
    "gap_to_core_usd_m",
    "increase_per_year_usd_m",
    "press_year",
    "press_pct",
    "press_url",
    "share_cell",
]


def overview_export_rows(data: Overview) -> list[dict[str, Any]]:
    out = []
    for i, r in enumerate(data.rows, start=1):
        cite = r["cites"]["share_gdp_pct"]
        out.append({**r, "rank": i, "share_cell": f"{cite['sheet']}!{cite['cell']}"})
    return out


def ally_series(code: str) -> dict[str, list[Figure]]:
    """Every NATO measure for an ally, year by year, from the latest edition."""
    series: dict[str, list[Figure]] = defaultdict(list)
    for f in Figure.objects.filter(
        source=latest_source(SourceKind.NATO), nation_id=code, year__gte=FIRST_YEAR
    ).order_by("measure", "year"):
        series[f.measure].append(f)
    return series


def press_series(code: str) -> list[Figure]:
    press = latest_source(SourceKind.PRESS)
    return list(Figure.objects.filter(source=press, nation_id=code).order_by("year")) if press else []


def sipri_series(
    codes: Iterable[str], measure: str = "share_gdp_pct", first_year: int = FIRST_YEAR
) -> dict[str, list[Figure]]:
    out: dict[str, list[Figure]] = defaultdict(list)
    src = latest_source(SourceKind.SIPRI)
    if src is None:
        return out
    for f in Figure.objects.filter(
        source=src, nation_id__in=list(codes), measure=measure, year__gte=first_year
    ).order_by("year"):
        out[f.nation_id or f.entity].append(f)
    return out


def nato_share_series(codes: Iterable[str], first_year: int = FIRST_YEAR) -> dict[str, list[Figure]]:
    out: dict[str, list[Figure]] = defaultdict(list)
    for f in (
        _figures(latest_source(SourceKind.NATO), ["share_gdp_pct"], year__gte=first_year)
        .filter(nation_id__in=list(codes))
        .order_by("year")
    ):
        out[f.nation_id or ""].append(f)
    return out


def visible_plans(user: Any, code: str | None = None) -> list[NationalPlan]:
    """National plans this user may see (every version), newest first. Each plan's ``version`` is its
    place among the versions of its nation this user may see: a version the reader may not see leaves
    no gap in the numbering (coordinators see every version: theirs are the recorded numbers). The
    plans are read, never saved."""
    qs = NationalPlan.objects.visible_to(user).select_related("nation").prefetch_related("years")
    if code:
        qs = qs.filter(nation_id=code)
    plans = list(qs.order_by("nation_id", "-version"))
    left = Counter(p.nation_id for p in plans)
    for plan in plans:  # newest first: the newest seen is the highest number
        plan.version = left[plan.nation_id]
        left[plan.nation_id] -= 1
    return plans


PLAN_COLUMNS = [
    "nation",
    "version",
    "recorded_at",
    "recorded_by",
    "year",
    "core_pct",
    "resilience_pct",
    "total_pct",
    "credible",
    "reasons",
    "on_path_at_review",
    "source",
    "note",
    "releasable_to",
]


def plan_rows(plans: Iterable[NationalPlan]) -> list[dict[str, Any]]:
    rows = []
    for plan in plans:
        for y in plan.years.all():
            rows.append(
                {
                    "nation": plan.nation_id,
                    "version": plan.version,
                    "recorded_at": plan.recorded_at,
                    "recorded_by": plan.recorded_by_label,
                    "year": y.year,
                    "core_pct": y.core_pct,
                    "resilience_pct": y.resilience_pct,
                    "total_pct": core.PlanYear(y.year, y.core_pct, y.resilience_pct).total_pct,
                    "credible": plan.credible,
                    "reasons": "; ".join(plan.reasons),
                    "on_path_at_review": plan.on_path_at_review,
                    "source": plan.source,
                    "note": plan.note,
                    "releasable_to": plan.releasable_to,
                }
            )
    return rows


FIGURE_COLUMNS = [
    "source",
    "ally",
    "entity",
    "year",
    "measure",
    "value",
    "raw",
    "unit",
    "price_base",
    "estimate",
    "uncertain",
    "sheet",
    "table",
    "cell",
    "edition",
    "source_url",
    "file",
    "sha256",
    "edition_date",
    "licence",
]


def figure_rows(
    *,
    ally: str | None = None,
    year: int | None = None,
    source: str | None = None,
    measure: str | None = None,
    latest_only: bool = True,
) -> QuerySet[Figure]:
    """Figures filtered for the API and the exports, with their source joined."""
    qs = Figure.objects.select_related("source").order_by("source__kind", "measure", "entity", "year", "id")
    if latest_only:
        latest = [s.pk for k in SourceKind.values if (s := latest_source(k)) is not None]
        qs = qs.filter(source_id__in=latest)
    if ally:
        ally = ally.upper()
        qs = qs.filter(nation_id=ally) if ally not in ("NATO", "NATO-EUCA") else qs.filter(aggregate=ally)
    if year is not None:
        qs = qs.filter(year=year)
    if source:
        qs = qs.filter(source__kind=source)
    if measure:
        qs = qs.filter(measure=measure)
    return qs


def figure_dict(f: Figure) -> dict[str, Any]:
    s = f.source
    return {
        "source": s.kind,
        "ally": f.nation_id or f.aggregate or None,
        "entity": f.entity,
        "year": f.year,
        "measure": f.measure,
        "value": f.exact,
        "raw": f.raw,
        "unit": f.unit,
        "price_base": f.price_base,
        "estimate": f.estimate,
        "uncertain": f.uncertain,
        "sheet": f.sheet,
        "table": f.table,
        "cell": f.cell,
        "edition": f.edition or s.edition,
        "source_url": f.source_url,
        "file": s.file_name,
        "sha256": s.sha256,
        "edition_date": s.edition_date,
        "licence": s.licence,
    }


TABLE_COLUMNS = [
    "ally",
    "name",
    "year",
    "share_gdp_pct",
    "estimate",
    "spending_usd_constant_m",
    "price_base",
    "equipment_pct",
    "source",
    "cells",
]


def year_table(year: int) -> list[dict[str, Any]]:
    """The command line's table: ally, share of GDP, constant USD, equipment share and source for a year."""
    data = overview(year)
    if data.year != year:
        return []
    rows = []
    src = data.source
    for r in data.rows:
        c = r["cites"]
        base = c.get("spending_usd_constant")
        rows.append(
            {
                "ally": r["code"],
                "name": r["name"],
                "year": year,
                "share_gdp_pct": r["share_pct"],
                "estimate": r["estimate"],
                "spending_usd_constant_m": r["spending_usd_constant_m"],
                "price_base": base["price_base"] if base else "",
                "equipment_pct": r["equipment_pct"],
                "source": f"{src.title} {src.edition} ({src.file_name}, sha256 {src.sha256[:12]})"
                if src
                else "",
                "cells": " ".join(
                    f"{v['sheet']}!{v['cell']}"
                    for k, v in sorted(c.items())
                    if k in ("share_gdp_pct", "spending_usd_constant", "equipment_pct")
                ),
            }
        )
    return rows


def home_figures() -> dict[str, int]:
    return {
        "figures": Figure.objects.count(),
        "sources": Source.objects.count(),
        "plans": NationalPlan.objects.count(),
    }
