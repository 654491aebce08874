"""Vega-Lite specifications of the support pages (the same spec renders in the page and to PNG/SVG)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from veille.nations.queries import display_name

COLOURS = {"military": "#0b3d6b", "financial": "#4f8fc0", "humanitarian": "#a6c8e6"}


def _types() -> dict[str, str]:
    """The aid types as the reader says them (the legend shows these words, in this order)."""
    return {"military": _("military"), "financial": _("financial"), "humanitarian": _("humanitarian")}


def _colour(title: str) -> dict[str, Any]:
    names = _types()
    return {
        "field": "type",
        "type": "nominal",
        "title": title,
        "scale": {"domain": [names[t] for t in COLOURS], "range": list(COLOURS.values())},
    }


def _bn(value: Decimal) -> float:
    """EUR → billions of EUR for drawing only (tables and exports keep the exact Decimal)."""
    return round(float(value) / 1e9, 3)


def donors_stacked(rows: list[dict[str, Any]], title: str, limit: int = 30) -> dict[str, Any]:
    values = [
        {"donor": display_name(r["name"]), "type": _types()[t], "bn": _bn(r[t]), "rank": i}
        for i, r in enumerate(rows[:limit])
        for t in ("military", "financial", "humanitarian")
    ]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "title": title,
        "width": "container",
        "height": {"step": 16},
        "data": {"values": values},
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "y": {"field": "donor", "type": "nominal", "sort": {"field": "rank", "op": "min"}, "title": None},
            "x": {"field": "bn", "type": "quantitative", "title": _("EUR billion"), "stack": "zero"},
            "color": _colour(_("Aid")),
            "order": {"field": "type"},
        },
    }


def months_area(rows: list[dict[str, Any]], title: str) -> dict[str, Any]:
    values = [
        {"month": r["month"], "type": _types()[t], "bn": _bn(r[t])}
        for r in rows
        for t in ("military", "financial", "humanitarian")
    ]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "title": title,
        "width": "container",
        "height": 220,
        "data": {"values": values},
        "mark": {"type": "area", "tooltip": True},
        "encoding": {
            "x": {"field": "month", "type": "temporal", "timeUnit": "yearmonth", "title": None},
            "y": {
                "field": "bn",
                "type": "quantitative",
                "stack": "zero",
                "title": _("EUR billion per month"),
            },
            "color": _colour(_("Aid")),
        },
    }


def weapons_bars(rows: list[dict[str, Any]], title: str) -> dict[str, Any]:
    values = [{"category": r["category"], "bn": _bn(r["value_eur"])} for r in rows]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "title": title,
        "width": "container",
        "height": {"step": 18},
        "data": {"values": values},
        "mark": {"type": "bar", "tooltip": True, "color": COLOURS["military"]},
        "encoding": {
            "y": {"field": "category", "type": "nominal", "sort": "-x", "title": None},
            "x": {"field": "bn", "type": "quantitative", "title": _("EUR billion")},
        },
    }


def shares_bar(by_class_pct: dict[str, Any], title: str) -> dict[str, Any]:
    labels = {
        "ally": _("NATO allies"),
        "partner": _("NATO partners"),
        "eu_institution": _("EU institutions"),
        "other": _("Everyone else"),
    }
    values = [
        {"class": labels[c], "pct": float(by_class_pct[c]), "order": i}
        for i, c in enumerate(("ally", "partner", "eu_institution", "other"))
    ]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "title": title,
        "width": "container",
        "height": 60,
        "data": {"values": values},
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "x": {
                "field": "pct",
                "type": "quantitative",
                "stack": "zero",
                "title": _("% of the total"),
                "scale": {"domain": [0, 100]},
            },
            "color": {
                "field": "class",
                "type": "nominal",
                "title": None,
                "scale": {
                    "domain": list(labels.values()),
                    "range": ["#0b3d6b", "#4f8fc0", "#f2b600", "#b3261e"],
                },
            },
            "order": {"field": "order"},
        },
    }


def donors_share_of_gdp(rows: list[dict[str, Any]], title: str, limit: int = 30) -> dict[str, Any]:
    """The same stacked bars as a share of each donor's GDP (donors with a GDP figure only)."""
    ranked = sorted(
        (r for r in rows if r.get("total_pct_gdp") is not None), key=lambda r: -r["total_pct_gdp"]
    )
    values = [
        {"donor": display_name(r["name"]), "type": t, "pct": round(float(r[f"{t}_pct_gdp"]), 4), "rank": i}
        for i, r in enumerate(ranked[:limit])
        for t in ("military", "financial", "humanitarian")
    ]
    spec = donors_stacked([], title)
    spec["data"] = {"values": values}
    spec["encoding"]["x"] = {
        "field": "pct",
        "type": "quantitative",
        "title": _("Share of GDP (%)"),
        "stack": "zero",
    }
    return spec
