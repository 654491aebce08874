"""Vega-Lite specifications of the industry pages (plain dicts; pages render them with vega-embed).

Points carry the row id, the source and the conversion, shown on hover; the tables beside each
chart carry the exact stated figures.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _

from veille.core import industry as core

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"


def kind_label(kind: str) -> str:
    return {
        "actual_capacity": _("capacity reached"),
        "production_actual": _("production"),
        "target_capacity": _("target"),
    }.get(kind, kind)


def bound_label(bound: str) -> str:
    return {
        "range_lower": _("lower bound of a range"),
        "upper_bound": _("upper bound"),
        "increment": _("increment, not a total"),
    }.get(bound, "")


def capacity_chart(
    title: str, figures: Sequence[core.Fig], meta: Mapping[str, Mapping[str, Any]]
) -> dict[str, Any]:
    """Stated capacity by date: actual figures as filled circles, targets as hollow triangles (at
    their date; undated targets at their statement, marked), one colour per subject."""
    values = []
    for p in core.chart_points(figures):
        m = meta.get(str(p["ref"]), {})
        values.append(
            {
                **p,
                "what": kind_label(str(p["kind"]))
                + (f" ({bound_label(str(p['bound']))})" if p["bound"] else ""),
                "actual": p["kind"] != "target_capacity",
                "series": _("actual") if p["kind"] != "target_capacity" else _("target"),
                "subject": m.get("subject", p["subject"]),
                "product": m.get("product", ""),
                "source": m.get("source", ""),
                "actor": m.get("actor", ""),
                "undated_label": _("no date given: shown at its statement") if p["undated"] else "",
            }
        )
    per_year = _("Per year (converted where stated per month)")
    tooltip = [
        {"field": "ref", "title": _("Row")},
        {"field": "what", "title": _("Kind")},
        {"field": "subject", "title": _("Whose")},
        {"field": "product", "title": _("Product")},
        {"field": "conversion", "title": _("Figure")},
        {"field": "date", "title": _("Date"), "type": "temporal", "format": "%Y-%m"},
        {"field": "actor", "title": _("Said by")},
        {"field": "source", "title": _("Source")},
        {"field": "undated_label", "title": _("Note")},
    ]
    encoding = {
        "x": {"field": "date", "type": "temporal", "title": _("Date the figure speaks of")},
        "y": {"field": "value", "type": "quantitative", "title": per_year},
        "color": {
            "field": "subject",
            "type": "nominal",
            "title": _("Whose"),
            "legend": {"orient": "bottom", "columns": 3},
        },
        "shape": {
            "field": "series",
            "type": "nominal",
            "title": None,
            "scale": {"domain": [_("actual"), _("target")], "range": ["circle", "triangle-up"]},
        },
        "tooltip": tooltip,
    }
    return {
        "$schema": SCHEMA,
        "title": title,
        "width": "container",
        "height": 260,
        "data": {"values": values},
        "encoding": encoding,
        "layer": [
            {
                "transform": [{"filter": "datum.actual"}],
                "mark": {"type": "point", "size": 90, "filled": True, "tooltip": True},
            },
            {
                "transform": [{"filter": "!datum.actual"}],
                "mark": {"type": "point", "size": 110, "filled": False, "strokeWidth": 2, "tooltip": True},
                "encoding": {
                    "strokeDash": {
                        "field": "undated",
                        "type": "nominal",
                        "scale": {"domain": [False, True], "range": [[1, 0], [3, 2]]},
                        "legend": None,
                    }
                },
            },
        ],
    }


def bottleneck_chart(inputs: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Each input: capacity against what the optimum uses; binding inputs in red."""
    values = []
    for i in inputs:
        values.append(
            {"input": i["name"], "what": _("capacity"), "tonnes": i["capacity"], "binding": i["binding"]}
        )
        values.append({"input": i["name"], "what": _("used"), "tonnes": i["used"], "binding": i["binding"]})
    return {
        "$schema": SCHEMA,
        "width": "container",
        "height": {"step": 18},
        "data": {"values": values},
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "y": {"field": "input", "type": "nominal", "title": None},
            "yOffset": {"field": "what"},
            "x": {"field": "tonnes", "type": "quantitative", "title": _("Tonnes per year")},
            "color": {
                "field": "what",
                "type": "nominal",
                "title": None,
                "scale": {"range": ["#8fb8de", "#1f6fb2"]},
            },
            "stroke": {"condition": {"test": "datum.binding", "value": "#b3261e"}, "value": None},
            "strokeWidth": {"value": 2},
        },
    }


def sites_map(basemap_url: str, title: str, located: Sequence[Mapping[str, Any]] = ()) -> dict[str, Any]:
    """Countries with named producers or sites, shaded by their number (the shipped Natural Earth
    basemap, served by veille: no tile server); sites whose coordinates have a source as points."""
    points = {
        "data": {"values": list(located)},
        "mark": {"type": "circle", "size": 70, "color": "#b3261e", "stroke": "#ffffff", "tooltip": True},
        "encoding": {
            "longitude": {"field": "lon", "type": "quantitative"},
            "latitude": {"field": "lat", "type": "quantitative"},
            "tooltip": [
                {"field": "name", "title": _("Site")},
                {"field": "source", "title": _("Coordinates from")},
            ],
        },
    }
    return {
        "$schema": SCHEMA,
        "title": title,
        "width": "container",
        "height": 420,
        "projection": {"type": "equalEarth", "center": [-30, 48], "scale": 420},
        "layer": [_countries_layer(basemap_url), *([points] if located else [])],
    }


def _countries_layer(basemap_url: str) -> dict[str, Any]:
    return {
        "data": {"url": basemap_url, "format": {"type": "json", "property": "features"}},
        "mark": {"type": "geoshape", "stroke": "#ffffff", "strokeWidth": 0.5, "tooltip": True},
        "encoding": {
            "color": {
                "field": "properties.sites",
                "type": "quantitative",
                "title": _("Sites and producers named"),
                "scale": {"scheme": "blues", "domainMin": 0},
            },
            "tooltip": [
                {"field": "properties.name", "title": _("Country")},
                {"field": "properties.sites", "title": _("Sites and producers named")},
                {"field": "properties.names", "title": _("Names")},
            ],
        },
    }
