"""Vega-Lite specifications of the training pages (plain dicts; the page renders them with vega-embed):
the timeline of the Council, milestones and actions, and the curves of stated training figures.
No expression is used (the strict CSP runs Vega with its interpreter); each layer has its own data."""

from __future__ import annotations

from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from veille.core.statements import APPROXIMATE, EXACT, LOWER_BOUND, NEARLY, shown
from veille.council.queries import STATUS_LABELS
from veille.training.models import Qualifier


def _written(count: int) -> str:
    """A count in the reader's format ("80 000" in French) for a tooltip."""
    return number_format(count, use_l10n=True, force_grouping=True)


SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
STATUS_COLOURS = {"open": "#6b7280", "in_progress": "#a15c00", "done": "#1e7b34", "overdue": "#b3261e"}


def _layer(values: list[dict[str, Any]], mark: dict[str, Any], encoding: dict[str, Any]) -> dict[str, Any]:
    return {"data": {"values": values}, "mark": {**mark, "clip": True}, "encoding": encoding}


def timeline_spec(data: dict[str, Any]) -> dict[str, Any]:
    """Lanes: the Council (emergency meetings marked), its decisions, each body's milestones, then
    one lane per action from the day it was tasked to its due date, coloured by its derived status."""
    council, decisions = _("Council meetings"), _("Decisions")
    emergency_label = _("Emergency meeting at Ukraine's request")
    meeting_label = _("Council meeting")
    # from the Council's first year: earlier milestones (CAP 2016, lessons-learned background) are in
    # the table below the chart
    start = {"year": 2023, "month": 1, "date": 1}
    x = {
        "field": "date",
        "type": "temporal",
        "title": None,
        "axis": {"format": "%Y-%m"},
        "scale": {"domainMin": start},
    }
    y = {"field": "lane", "type": "nominal", "title": None, "sort": None}
    meetings = [
        {
            "lane": council,
            "date": m["date"].isoformat(),
            "what": emergency_label if m["requested_by_ukraine"] else meeting_label,
            "level": m["level_label"] or "?",
            "occasion": m["occasion"][:160],
        }
        for m in data["meetings"]
    ]
    decision_values = [
        {"lane": decisions, "date": d["date"].isoformat(), "key": d["key"], "text": d["text"][:160]}
        for d in data["decisions"]
    ]
    milestones = [
        {
            "lane": str(_("Lessons learned")) if m["body"] == "LessonsLearned" else m["body"],
            "date": m["date"].isoformat(),
            "when": m["date_label"],
            "text": m["text"][:200],
            "source": m["source_title"][:100],
        }
        for m in data["milestones"]
    ]
    actions = [
        {
            "lane": f"{_('Action')} {a['id']} ({a['owner']})",
            "date": a["tasked_on"].isoformat(),
            "end": (a["done_on"] or a["due"]).isoformat()
            if (a["done_on"] or a["due"])
            else a["tasked_on"].isoformat(),
            "due": a["due"].isoformat() if a["due"] else "",
            "title": a["title"][:120],
            "status": str(a["status_label"]),
            "code": a["status"],
        }
        for a in data["actions"]
    ]
    lanes = [council, decisions, *sorted({m["lane"] for m in milestones}), *[a["lane"] for a in actions]]
    status_domain = [str(STATUS_LABELS[s]) for s in STATUS_COLOURS]
    layers = [
        _layer(
            milestones,
            {"type": "point", "shape": "square", "filled": True, "color": "#4b5563", "tooltip": True},
            {
                "x": x,
                "y": y,
                "tooltip": [
                    {"field": "when", "title": _("Date")},
                    {"field": "text", "title": _("Milestone")},
                    {"field": "source", "title": _("Source")},
                ],
            },
        ),
        _layer(
            decision_values,
            {"type": "tick", "color": "#1f4e79", "thickness": 2, "tooltip": True},
            {
                "x": x,
                "y": y,
                "tooltip": [{"field": "key", "title": _("Decision")}, {"field": "text", "title": _("Text")}],
            },
        ),
        _layer(
            meetings,
            {"type": "point", "filled": True, "size": 90, "tooltip": True},
            {
                "x": x,
                "y": y,
                "shape": {
                    "field": "what",
                    "type": "nominal",
                    "title": None,
                    "scale": {"domain": [meeting_label, emergency_label], "range": ["circle", "triangle-up"]},
                },
                "color": {
                    "field": "what",
                    "type": "nominal",
                    "title": None,
                    "scale": {"domain": [meeting_label, emergency_label], "range": ["#1f4e79", "#b3261e"]},
                },
                "tooltip": [
                    {"field": "date", "type": "temporal", "title": _("Date")},
                    {"field": "what", "title": _("Meeting")},
                    {"field": "level", "title": _("Level")},
                    {"field": "occasion", "title": _("Occasion")},
                ],
            },
        ),
    ]
    if actions:
        status_colour = {
            "field": "status",
            "type": "nominal",
            "title": _("Action status"),
            "scale": {"domain": status_domain, "range": list(STATUS_COLOURS.values())},
        }
        # the end of each action as a point too: one tasked and done the same day has no length
        layers.append(
            _layer(
                actions,
                {"type": "point", "filled": True, "size": 60, "shape": "diamond"},
                {"x": {**x, "field": "end"}, "y": y, "color": {**status_colour, "legend": None}},
            )
        )
        layers.append(
            _layer(
                actions,
                {"type": "bar", "height": 8, "tooltip": True},
                {
                    "x": x,
                    "x2": {"field": "end"},
                    "y": y,
                    "color": status_colour,
                    "tooltip": [
                        {"field": "title", "title": _("Action")},
                        {"field": "status", "title": _("Status")},
                        {"field": "due", "title": _("Due")},
                    ],
                },
            )
        )
    return {
        "$schema": SCHEMA,
        "width": "container",
        "height": {"step": 22},
        "resolve": {"scale": {"color": "independent", "shape": "independent"}},
        "encoding": {"y": {"field": "lane", "type": "nominal", "scale": {"domain": lanes}, "title": None}},
        "layer": layers,
    }


def curve_spec(rows: list[dict[str, Any]], title: str) -> dict[str, Any]:
    """Stated totals by programme as steps through the statements; the point's shape says whether
    the number is a lower bound (▲), approximate (●), just below (▼) or as stated (■); conflicting
    statements are ringed in red. Statements of people in training at the time are left out."""
    shape_domain = [str(Qualifier(q).label) for q in (LOWER_BOUND, APPROXIMATE, NEARLY, EXACT)]
    values = [
        {
            "programme": r["programme"],
            "date": r["date"].isoformat(),
            "count": r["trained_count"],
            "shown": shown(r["trained_count"], r["qualifier"], _written),
            "qualifier": str(r["qualifier_label"]),
            "key": r["key"],
            "source": r["source_title"][:100],
            "confidence": _("lower confidence") if r["lower_confidence"] else "",
            "conflict": _("conflicts with another statement") if r["conflict"] else "",
        }
        for r in rows
        if r["cumulative"]
    ]
    conflicts = [v for v in values if v["conflict"]]
    x = {"field": "date", "type": "temporal", "title": None}
    y = {"field": "count", "type": "quantitative", "title": _("People trained (as stated)")}
    colour = {"field": "programme", "type": "nominal", "title": _("Programme")}
    layers = [
        _layer(
            values,
            {"type": "line", "interpolate": "step-after", "opacity": 0.5},
            {"x": x, "y": y, "color": colour},
        ),
        _layer(
            values,
            {"type": "point", "filled": True, "size": 70, "tooltip": True},
            {
                "x": x,
                "y": y,
                "color": colour,
                "shape": {
                    "field": "qualifier",
                    "type": "nominal",
                    "title": _("The number is"),
                    "scale": {
                        "domain": shape_domain,
                        "range": ["triangle-up", "circle", "triangle-down", "square"],
                    },
                },
                "tooltip": [
                    {"field": "key", "title": _("Row")},
                    {"field": "shown", "title": _("Stated")},
                    {"field": "date", "type": "temporal", "title": _("Date")},
                    {"field": "source", "title": _("Source")},
                    {"field": "confidence", "title": _("Confidence")},
                    {"field": "conflict", "title": _("Conflict")},
                ],
            },
        ),
    ]
    if conflicts:
        layers.append(
            _layer(
                conflicts,
                {"type": "point", "size": 260, "stroke": "#b3261e", "strokeWidth": 2, "filled": False},
                {"x": x, "y": y},
            )
        )
    return {"$schema": SCHEMA, "title": title, "width": "container", "height": 320, "layer": layers}
