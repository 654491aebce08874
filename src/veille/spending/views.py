"""Pages of the spending app: alliance overview, ally page, comparison, plans, figures and sources."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from veille.core import spending as core
from veille.core.errors import VeilleError
from veille.kit.exports import export_response
from veille.kit.forms import parse_form_amount
from veille.nations.access import Actor, Releasability, membership_of
from veille.nations.models import Nation, NationKind, Role
from veille.spending import charts, queries
from veille.spending.models import Source, SourceKind
from veille.spending.services import do_record_plan
from veille.spending.workbooks import MEASURES

SERIES_MEASURES = (
    "share_gdp_pct",
    "spending_usd_constant",
    "spending_usd_current",
    "spending_ncu_current",
    "real_change_pct",
    "equipment_pct",
    "personnel_pct",
    "infrastructure_pct",
    "other_pct",
    "gdp_usd_constant",
    "spending_per_capita_usd",
    "military_personnel_k",
)
DEFAULT_COMPARISON = ("USA", "POL", "DEU", "FRA", "GBR")
PLAN_YEARS = tuple(range(2025, core.TARGET_YEAR + 1))


def _year(request: HttpRequest) -> int | None:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() else None


def _fmt(fmt: str) -> str:
    if fmt not in ("csv", "json"):
        raise Http404(f"no export as {fmt}")
    return fmt


# --- overview ---------------------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    data = queries.overview(_year(request))
    spec = (
        charts.ranked_bars(
            data.rows, data.year, _("Defence expenditure as a share of GDP, %(year)s") % {"year": data.year}
        )
        if data.rows and data.year
        else None
    )
    return render(
        request,
        "spending/index.html",
        {
            "data": data,
            "spec": spec,
            "years": queries.available_years(),
            "meta": queries.source_meta(data.source),
            "press_meta": queries.source_meta(data.press),
            "at_2": sum(1 for r in data.rows if r["meets_2"]),
            "at_core": sum(1 for r in data.rows if r["meets_core"]),
            "at_equipment": sum(1 for r in data.rows if r["meets_equipment"]),
        },
    )


def export(request: HttpRequest, fmt: str) -> HttpResponse:
    data = queries.overview(_year(request))
    meta = {
        **queries.source_meta(data.source),
        "year": data.year,
        "note": "press_* columns come from press reports of later NATO releases (lower confidence)",
        "press_source": queries.source_meta(data.press),
    }
    return export_response(
        queries.overview_export_rows(data),
        queries.OVERVIEW_COLUMNS,
        _fmt(fmt),
        f"veille-spending-overview-{data.year or 'none'}",
        meta=meta,
    )


# --- one ally ---------------------------------------------------------------------------------


def _ally(code: str) -> Nation:
    nation = Nation.objects.filter(code=code.upper(), kind=NationKind.ALLY).first()
    if nation is None:
        raise Http404(f"no ally has code {code!r}")
    return nation


def _ally_context(request: HttpRequest, nation: Nation) -> dict[str, Any]:
    series = queries.ally_series(nation.code)
    by_year: dict[int, dict[str, Any]] = defaultdict(dict)
    for measure, figs in series.items():
        for f in figs:
            by_year[f.year][measure] = f
    years = [{"year": y, **{m: by_year[y].get(m) for m in SERIES_MEASURES}} for y in sorted(by_year)]
    share = series.get("share_gdp_pct", [])
    last = share[-1] if share else None
    gdp = next((f for f in series.get("gdp_usd_constant", []) if last and f.year == last.year), None)
    core_path = total_path = []
    core_steps = total_steps = []
    if last is not None:
        core_path = core.straight_path(last.year, last.exact, core.CORE_TARGET_PCT)
        total_path = core.straight_path(last.year, last.exact, core.TOTAL_TARGET_PCT)
        if gdp is not None:
            core_steps = core.path_in_usd(core_path, gdp.exact)
            total_steps = core.path_in_usd(total_path, gdp.exact)
    path_rows = [
        {
            "year": c.year,
            "core_pct": c.pct,
            "core_spending_usd_m": c.spending_usd,
            "core_gap_usd_m": c.gap_usd,
            "total_pct": t.pct,
            "total_spending_usd_m": t.spending_usd,
            "total_gap_usd_m": t.gap_usd,
            "review": c.year == core.REVIEW_YEAR,
        }
        for c, t in zip(core_steps, total_steps, strict=True)
    ]
    plans = list(queries.visible_plans(request.user, nation.code))
    latest_plan = plans[0] if plans else None
    plan_years = (
        [core.PlanYear(y.year, y.core_pct, y.resilience_pct) for y in latest_plan.years.all()]
        if latest_plan
        else []
    )
    press = queries.press_series(nation.code)
    spec = (
        charts.ally_chart(
            nation.display_name,
            [(f.year, f.exact, f.estimate) for f in share],
            core_path,
            total_path,
            plan_years,
            [(f.year, f.exact) for f in press],
        )
        if share
        else None
    )
    equipment = series.get("equipment_pct", [])
    return {
        "nation": nation,
        "years": years,
        "last": last,
        "gdp": gdp,
        "path_rows": path_rows,
        "core_increase": core.average_increase_usd(core_steps) if core_steps else None,
        "total_increase": core.average_increase_usd(total_steps) if total_steps else None,
        "step_core": core.annual_step_pct(last.year, last.exact, core.CORE_TARGET_PCT) if last else None,
        "step_total": core.annual_step_pct(last.year, last.exact, core.TOTAL_TARGET_PCT) if last else None,
        "equipment": core.check_equipment_pct(equipment[-1].exact) if equipment else None,
        "equipment_fig": equipment[-1] if equipment else None,
        "plans": plans,
        "latest_plan": latest_plan,
        "plan_years": plan_years,
        "press": press,
        "spec": spec,
        "meta": queries.source_meta(queries.latest_source(SourceKind.NATO)),
        "price_base": gdp.price_base if gdp else "",
        "can_record": _can_record(request, nation.code),
        "review_year": core.REVIEW_YEAR,
    }


def ally(request: HttpRequest, code: str) -> HttpResponse:
    return render(request, "spending/ally.html", _ally_context(request, _ally(code)))


ALLY_TABLES = {
    "series": ["year", *SERIES_MEASURES, "estimate", "cells"],
    "path": [
        "year",
        "core_pct",
        "core_spending_usd_m",
        "core_gap_usd_m",
        "total_pct",
        "total_spending_usd_m",
        "total_gap_usd_m",
        "review",
    ],
    "plans": queries.PLAN_COLUMNS,
}


def ally_export(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    nation = _ally(code)
    table = request.GET.get("table", "series")
    if table not in ALLY_TABLES:
        raise Http404(f"no table {table!r}: use series, path or plans")
    ctx = _ally_context(request, nation)
    if table == "series":
        rows = [
            {
                "year": y["year"],
                **{m: (y[m].exact if y[m] else None) for m in SERIES_MEASURES},
                "estimate": any(y[m].estimate for m in SERIES_MEASURES if y[m]),
                "cells": " ".join(f"{y[m].sheet}!{y[m].cell}" for m in SERIES_MEASURES if y[m]),
            }
            for y in ctx["years"]
        ]
    elif table == "path":
        rows = ctx["path_rows"]
    else:
        rows = queries.plan_rows(ctx["plans"])
    meta = {**ctx["meta"], "ally": nation.code, "table": table}
    if table == "path":
        meta["method"] = (
            "straight line in share of GDP from the last published year to 3.5 % (core) and 5 % "
            f"(total) in 2035; USD million at constant {ctx['price_base']} prices with GDP held at "
            "the last published year's level"
        )
    return export_response(
        rows, ALLY_TABLES[table], _fmt(fmt), f"veille-spending-{nation.code}-{table}", meta=meta
    )


# --- comparison -------------------------------------------------------------------------------


def _comparison(request: HttpRequest) -> dict[str, Any]:
    codes = [c.upper() for c in request.GET.getlist("ally") if c.strip()] or list(DEFAULT_COMPARISON)
    allies = {n.code: n for n in Nation.objects.filter(kind=NationKind.ALLY)}
    unknown = [c for c in codes if c not in allies]
    codes = [c for c in codes if c in allies]
    nato = queries.nato_share_series(codes)
    sipri = queries.sipri_series(queries.SIPRI_REFERENCES)
    names = {
        n.code: n.display_name for n in Nation.objects.filter(code__in=[*codes, *queries.SIPRI_REFERENCES])
    }
    rows = [
        {
            "series": f"{names[c]} (NATO)",
            "code": c,
            "source": "NATO",
            "year": f.year,
            "share_pct": f.exact,
            "estimate": f.estimate,
            "uncertain": False,
            "cell": f"{f.sheet}!{f.cell}",
        }
        for c in codes
        for f in nato[c]
    ]
    rows += [
        {
            "series": f"{names.get(c, c)} (SIPRI)",
            "code": c,
            "source": "SIPRI",
            "year": f.year,
            "share_pct": f.exact,
            "estimate": f.estimate,
            "uncertain": f.uncertain,
            "cell": f"{f.sheet}!{f.cell}",
        }
        for c, figs in sipri.items()
        for f in figs
    ]
    spec = (
        charts.comparison_chart(
            {names[c]: [(f.year, f.exact) for f in nato[c]] for c in codes if nato[c]},
            {names.get(c, c): [(f.year, f.exact) for f in figs] for c, figs in sipri.items()},
        )
        if rows
        else None
    )
    return {
        "codes": codes,
        "unknown": unknown,
        "allies": sorted(allies.values(), key=lambda n: n.name),
        "rows": rows,
        "spec": spec,
        "nato_meta": queries.source_meta(queries.latest_source(SourceKind.NATO)),
        "sipri_meta": queries.source_meta(queries.latest_source(SourceKind.SIPRI)),
    }


def compare(request: HttpRequest) -> HttpResponse:
    ctx = _comparison(request)
    return render(request, "spending/compare.html", ctx, status=400 if ctx["unknown"] else 200)


def compare_export(request: HttpRequest, fmt: str) -> HttpResponse:
    ctx = _comparison(request)
    return export_response(
        ctx["rows"],
        ["series", "code", "source", "year", "share_pct", "estimate", "uncertain", "cell"],
        _fmt(fmt),
        "veille-spending-comparison",
        meta={
            "nato": ctx["nato_meta"],
            "sipri": ctx["sipri_meta"],
            "note": "SIPRI's definition of military expenditure differs from NATO's",
        },
    )


# --- plans ------------------------------------------------------------------------------------


def _can_record(request: HttpRequest, code: str | None = None) -> bool:
    m = membership_of(request.user)
    if request.user.is_authenticated and getattr(request.user, "is_superuser", False):
        return True
    if m is None:
        return False
    if m.role in (Role.COORDINATOR, Role.ADMIN):
        return True
    return (
        m.role == Role.EDITOR
        and m.nation is not None
        and m.nation.kind == NationKind.ALLY
        and (code is None or m.nation_id == code)
    )


def plans(request: HttpRequest) -> HttpResponse:
    visible = list(queries.visible_plans(request.user))
    return render(request, "spending/plans.html", {"plans": visible, "can_record": _can_record(request)})


def plans_export(request: HttpRequest, fmt: str) -> HttpResponse:
    return export_response(
        queries.plan_rows(queries.visible_plans(request.user)),
        queries.PLAN_COLUMNS,
        _fmt(fmt),
        "veille-spending-plans",
        meta={
            "dataset": "national plans recorded in veille",
            "visible_to": request.user.get_username() or "anonymous",
        },
    )


def plan_new(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not _can_record(request):
        raise PermissionDenied(_("only an ally's editors and coordinators may record spending plans"))
    m = membership_of(request.user)
    own = m.nation_id if m and m.nation_id else None
    allies = list(Nation.objects.filter(kind=NationKind.ALLY).order_by("name"))
    choices = [n for n in allies if own is None or n.code == own]
    values: dict[str, Any] = {"nation": own or request.GET.get("nation", "").upper(), "releasable_to": "NATO"}
    error = None
    if request.method == "POST":
        values = {k: str(v).strip() for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
        try:
            # shares of GDP as written in the page's language (1,5 in French, 1.5 in English)
            years = {
                y: (
                    parse_form_amount(values.get(f"core_{y}", ""), field=f"core_{y}"),
                    parse_form_amount(values.get(f"resilience_{y}", ""), field=f"resilience_{y}"),
                )
                for y in PLAN_YEARS
                if values.get(f"core_{y}", "")
            }
            plan = do_record_plan(
                Actor.from_request(request),
                values.get("nation", ""),
                years,
                source=values.get("source", ""),
                note=values.get("note", ""),
                releasable_to=values.get("releasable_to", "NATO"),
                releasable_nations=[
                    c for c in values.get("releasable_nations", "").replace(";", ",").split(",") if c.strip()
                ],
            )
        except VeilleError as exc:
            error = exc
        else:
            return redirect(f"/spending/ally/{plan.nation_id}/?plan={plan.version}#plan")
    rows = [
        {"year": y, "core": values.get(f"core_{y}", ""), "resilience": values.get(f"resilience_{y}", "")}
        for y in PLAN_YEARS
    ]
    return render(
        request,
        "spending/plan_form.html",
        {
            "choices": choices,
            "values": values,
            "rows": rows,
            "error": error,
            "markings": Releasability.choices,
        },
        status=422 if error else 200,
    )


# --- figures and sources ----------------------------------------------------------------------


def _figure_filters(request: HttpRequest) -> dict[str, Any]:
    source = request.GET.get("source") or None
    measure = request.GET.get("measure") or None
    if source not in (None, *SourceKind.values):
        raise Http404(f"unknown source {source!r}")
    if measure not in (None, *MEASURES):
        raise Http404(f"unknown measure {measure!r}")
    return {
        "ally": (request.GET.get("ally") or "").upper() or None,
        "year": _year(request),
        "source": source,
        "measure": measure,
    }


def figures(request: HttpRequest) -> HttpResponse:
    filters = _figure_filters(request)
    page = Paginator(queries.figure_rows(**filters), 200).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "spending/figures.html",
        {
            "page": page,
            "filters": filters,
            "measures": MEASURES,
            "kinds": SourceKind.choices,
            "query": query.urlencode(),
        },
    )


def figures_export(request: HttpRequest, fmt: str) -> HttpResponse:
    filters = _figure_filters(request)
    rows = (queries.figure_dict(f) for f in queries.figure_rows(**filters).iterator(chunk_size=2000))
    return export_response(
        rows,
        queries.FIGURE_COLUMNS,
        _fmt(fmt),
        "veille-spending-figures",
        meta={
            "source": "NATO, Defence Expenditure of NATO Countries (tables as published); SIPRI Military "
            "Expenditure Database; NATO figures transcribed from press reports: each row names its file, "
            "sheet and cell (raw: the cell as read, kept to check it; value: the figure)",
            "licence": "each row's licence column (data/PROVENANCE.md)",
            "filters": {k: v for k, v in filters.items() if v},
        },
    )


def sources(request: HttpRequest) -> HttpResponse:
    rows = list(Source.objects.order_by("kind", "-imported_at"))
    return render(request, "spending/sources.html", {"sources": rows})


def sources_export(request: HttpRequest, fmt: str) -> HttpResponse:
    cols = [
        "kind",
        "title",
        "publisher",
        "edition",
        "edition_date",
        "file_name",
        "sha256",
        "licence",
        "url",
        "confidence",
        "imported_at",
    ]
    rows = [{c: getattr(s, c) for c in cols} for s in Source.objects.order_by("kind", "-imported_at")]
    return export_response(rows, cols, _fmt(fmt), "veille-spending-sources")
