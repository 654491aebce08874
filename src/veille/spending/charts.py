"""Vega-Lite specifications of the spending pages (plain dicts; the page renders them with vega-embed).

Numbers go in as floats: charts draw, the tables beside them carry the exact published figures.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from veille.core import spending as core
from veille.nations.models import localised_name

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
LINES = (core.GUIDELINE_PCT, core.CORE_TARGET_PCT, core.TOTAL_TARGET_PCT)


def _f(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _threshold_layers(axis: str) -> list[dict[str, Any]]:
    # "3.5 %" in English, "3,5 %" in French
    rules = [
        {"v": float(v), "label": f"{number_format(Decimal(v).normalize(), use_l10n=True)} %"} for v in LINES
    ]
    return [
        {
            "data": {"values": rules},
            "mark": {"type": "rule", "strokeDash": [4, 3], "color": "#b3261e"},
            "encoding": {axis: {"field": "v", "type": "quantitative"}},
        },
        {
            "data": {"values": rules},
            "mark": (
                {"type": "text", "align": "left", "dx": 3, "dy": -4, "color": "#b3261e"}
                if axis == "y"
                else {"type": "text", "baseline": "bottom", "dy": -2, "color": "#b3261e"}
            ),
            "encoding": {
                axis: {"field": "v", "type": "quantitative"},
                "text": {"field": "label"},
                **({"x": {"value": 0}} if axis == "y" else {"y": {"value": 0}}),
            },
        },
    ]


def ranked_bars(rows: Sequence[Mapping[str, Any]], year: int, title: str) -> dict[str, Any]:
    """Allies ranked by share of GDP, with lines at 2 %, 3.5 % and 5 %."""
    values = [
        {
            "ally": localised_name(r["name"], r.get("name_fr") or ""),
            "code": r["code"],
            "share": _f(r["share_pct"]),
            "status": _("estimate") if r["estimate"] else _("published"),
        }
        for r in rows
    ]
    share = _("Share of GDP (%)")
    return {
        "$schema": SCHEMA,
        "title": title,
        "width": "container",
        "height": {"step": 16},
        "layer": [
            {
                "data": {"values": values},
                "mark": {"type": "bar", "tooltip": True},
                "encoding": {
                    "y": {"field": "ally", "type": "nominal", "sort": "-x", "title": None},
                    "x": {
                        "field": "share",
                        "type": "quantitative",
                        "title": share,
                        "scale": {"domain": [0, max(5.5, *(v["share"] or 0 for v in values))]},
                    },
                    "color": {
                        "field": "status",
                        "type": "nominal",
                        "title": str(year),
                        "scale": {"range": ["#1f6fb2", "#8fb8de"]},
                    },
                    "tooltip": [
                        {"field": "ally", "title": _("Ally")},
                        {"field": "share", "title": share, "format": ".2f"},
                        {"field": "status", "title": _("Status")},
                    ],
                },
            },
            *_threshold_layers("x"),
        ],
    }


def ally_chart(
    name: str,
    actual: Iterable[tuple[int, Decimal, bool]],
    core_path: Sequence[core.PathPoint],
    total_path: Sequence[core.PathPoint],
    plan: Sequence[core.PlanYear] = (),
    press: Iterable[tuple[int, Decimal]] = (),
) -> dict[str, Any]:
    """An ally's share of GDP since 2014, the straight paths to 3.5 % and 5 % in 2035, its plan."""
    actual_label = _("NATO, published (e = estimate)")
    series = [{"year": y, "pct": _f(v), "series": actual_label, "estimate": e} for y, v, e in actual]
    series += [
        {"year": p.year, "pct": _f(p.pct), "series": _("Straight path to 3.5 % (core)")} for p in core_path
    ]
    series += [
        {"year": p.year, "pct": _f(p.pct), "series": _("Straight path to 5 % (core and resilience)")}
        for p in total_path
    ]
    series += [{"year": p.year, "pct": _f(p.core_pct), "series": _("National plan, core")} for p in plan]
    series += [
        {"year": p.year, "pct": _f(p.total_pct), "series": _("National plan, core and resilience")}
        for p in plan
    ]
    points = [
        {"year": y, "pct": _f(v), "series": _("Press report of a later NATO release (lower confidence)")}
        for y, v in press
    ]
    share = _("Share of GDP (%)")
    return {
        "$schema": SCHEMA,
        "title": name,
        "width": "container",
        "height": 300,
        "encoding": {
            "x": {
                "field": "year",
                "type": "quantitative",
                "title": _("Year"),
                "axis": {"format": "d"},
                "scale": {"domain": [2014, 2035]},
            }
        },
        "layer": [
            {
                "data": {"values": series},
                "mark": {"type": "line", "point": True, "tooltip": True},
                "encoding": {
                    "y": {"field": "pct", "type": "quantitative", "title": share},
                    "color": {
                        "field": "series",
                        "type": "nominal",
                        "title": None,
                        "legend": {"orient": "bottom", "columns": 2},
                    },
                    "strokeDash": {"field": "series", "type": "nominal", "legend": None},
                },
            },
            {
                "data": {"values": points},
                "mark": {
                    "type": "point",
                    "shape": "diamond",
                    "size": 80,
                    "filled": True,
                    "color": "#a15c00",
                    "tooltip": True,
                },
                "encoding": {"y": {"field": "pct", "type": "quantitative"}},
            },
            {
                "data": {"values": [{"year": core.REVIEW_YEAR, "label": _("2029 review")}]},
                "mark": {"type": "rule", "color": "#5b6675", "strokeDash": [2, 2]},
            },
            {
                "data": {"values": [{"year": core.REVIEW_YEAR, "label": _("2029 review")}]},
                "mark": {"type": "text", "align": "left", "dx": 3, "y": 8, "color": "#5b6675"},
                "encoding": {"text": {"field": "label"}},
            },
        ],
    }


def comparison_chart(
    nato: Mapping[str, Sequence[tuple[int, Decimal]]], sipri: Mapping[str, Sequence[tuple[int, Decimal]]]
) -> dict[str, Any]:
    """Allies' shares of GDP (NATO) with reference lines from SIPRI, labelled with SIPRI's definition."""
    values = [
        {"year": y, "pct": _f(v), "series": f"{name} (NATO)", "kind": "NATO"}
        for name, pts in nato.items()
        for y, v in pts
    ]
    values += [
        {
            "year": y,
            "pct": _f(v),
            "series": _("%(name)s (SIPRI definition)") % {"name": name},
            "kind": "SIPRI",
        }
        for name, pts in sipri.items()
        for y, v in pts
    ]
    return {
        "$schema": SCHEMA,
        "width": "container",
        "height": 320,
        "data": {"values": values},
        "mark": {"type": "line", "point": True, "tooltip": True},
        "encoding": {
            "x": {"field": "year", "type": "quantitative", "title": _("Year"), "axis": {"format": "d"}},
            "y": {"field": "pct", "type": "quantitative", "title": _("Share of GDP (%)")},
            "color": {
                "field": "series",
                "type": "nominal",
                "title": None,
                "legend": {"orient": "bottom", "columns": 3},
            },
            "strokeDash": {
                "field": "kind",
                "type": "nominal",
                "title": _("Source"),
                "scale": {"domain": ["NATO", "SIPRI"], "range": [[1, 0], [6, 3]]},
            },
        },
    }
