"""Demand against capacity (``/industry/demand/``): what Ukraine asks for in PURL, by category, beside
the stated production capacity of the products that answer each category.

It gathers two mechanisms (``veille.purl`` for the demand, ``veille.industry`` for the capacity and
the coordinators' mapping of PURL categories to products), so it is the shell's;
``veille.web.urls.MECHANISM_PAGES`` mounts it under ``industry``.

Demand is the active items of the approved requirement lists the reader may see, summed per
category and unit (a missile and a shell are never added together); its value is the list's own
estimate (quantity times estimated unit cost in USD). Capacity is the industry figures known as of the
day asked for, per product family and subject, converted to a yearly rate with the conversion shown.
No ratio is drawn between the two: a list's unit ("missiles", "rounds", "sets") and a capacity's
product family rarely speak of the same thing, and announced capacity is not production.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from veille.core.errors import InvalidInput
from veille.industry.models import CategoryMapping
from veille.industry.queries import capacity_rows, parse_as_of
from veille.kit.exports import export_response
from veille.purl.models import Category, ListState, RequirementItem, RequirementList

__all__ = ["DEMAND_COLUMNS", "demand", "demand_export", "demand_rows"]

DEMAND_COLUMNS = [
    "category",
    "category_label",
    "side",
    "what",
    "quantity",
    "unit",
    "value_usd",
    "lists",
    "subject",
    "per_year",
    "conversions",
    "refs",
    "conflicting",
    "synthetic",
]


def _demand(user: Any) -> dict[str, list[dict[str, Any]]]:
    """Per category: the approved demand the reader may see, summed per unit."""
    visible = RequirementList.objects.visible_to(user).filter(state=ListState.APPROVED)
    sums: dict[tuple[str, str, bool], dict[str, Any]] = {}
    for it in (
        RequirementItem.objects.filter(requirement_list__in=visible, active=True)
        .select_related("requirement_list")
        .order_by("requirement_list__month", "rank")
    ):
        synthetic = bool(it.requirement_list.synthetic)
        row = sums.setdefault(
            (it.category, it.unit, synthetic),
            {"quantity": 0, "value_usd": Decimal(0), "lists": set(), "items": [], "synthetic": synthetic},
        )
        row["quantity"] += it.quantity
        row["value_usd"] += it.unit_cost_usd * it.quantity
        row["lists"].add(it.requirement_list.month.strftime("%Y-%m"))
        row["items"].append(it.description)
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for (category, unit, synthetic), row in sorted(sums.items()):
        out[category].append(
            {
                "what": "; ".join(dict.fromkeys(row["items"])),
                "quantity": row["quantity"],
                "unit": unit,
                "value_usd": row["value_usd"],
                "lists": " ".join(sorted(row["lists"])),
                "synthetic": synthetic,
            }
        )
    return out


def _capacity(user: Any, as_of: dt.date) -> tuple[dict[str, list[dict[str, Any]]], dict[str, list[str]]]:
    """Per category: the capacity rows of the products mapped to it, and the products' names."""
    mapped: dict[str, list[str]] = defaultdict(list)
    families: dict[str, set[str]] = defaultdict(set)
    for m in CategoryMapping.objects.select_related("product").order_by("purl_category", "product__name"):
        mapped[m.purl_category].append(m.product.name)
        families[m.purl_category].add(m.product.family)
    rows = capacity_rows(user, as_of)  # once, for every category
    return (
        {cat: [r for r in rows if r["product"] in fams] for cat, fams in families.items()},
        dict(mapped),
    )


def demand_rows(user: Any, as_of: dt.date) -> list[dict[str, Any]]:
    """One section per PURL category: its demand lines and its capacity lines (flat, for exports)."""
    demand_by_cat = _demand(user)
    capacity_by_cat, _mapped = _capacity(user, as_of)
    out = []
    for category in Category.values:
        label = str(Category(category).label)
        for d in demand_by_cat.get(category, []):
            out.append({"category": category, "category_label": label, "side": "demand", **d})
        for c in capacity_by_cat.get(category, []):
            out.append(
                {
                    "category": category,
                    "category_label": label,
                    "side": "capacity",
                    "what": c["product"],
                    "subject": c["subject"],
                    "per_year": c["per_year"],
                    "unit": c["unit"],
                    "conversions": c["conversions"],
                    "refs": c["refs"],
                    "conflicting": c["conflicting"],
                    "synthetic": False,
                }
            )
    return out


def _as_of(request: HttpRequest) -> dt.date:
    text = request.GET.get("as_of", "")
    return parse_as_of(text) if text else dt.date.today()


def demand(request: HttpRequest) -> HttpResponse:
    try:
        as_of = _as_of(request)
    except InvalidInput as exc:
        context = {"title": _("Wrong value"), "status": 422, "message": exc.message}
        return render(request, "web/error.html", context, status=422)
    demand_by_cat = _demand(request.user)
    capacity_by_cat, mapped = _capacity(request.user, as_of)
    sections = [
        {
            "category": category,
            "label": Category(category).label,
            "demand": demand_by_cat.get(category, []),
            "capacity": capacity_by_cat.get(category, []),
            "products": mapped.get(category, []),
        }
        for category in Category.values
    ]
    return render(
        request,
        "web/demand.html",
        {
            "sections": [s for s in sections if s["demand"] or s["capacity"] or s["products"]],
            "empty": [s for s in sections if not (s["demand"] or s["capacity"] or s["products"])],
            "as_of": as_of,
        },
    )


def demand_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "json"):
        raise Http404(_("unknown export format"))
    try:
        as_of = _as_of(request)
    except InvalidInput as exc:
        return HttpResponse(exc.message, status=422, content_type="text/plain; charset=utf-8")
    meta = {
        "as_of": as_of.isoformat(),
        "demand": _("active items of approved PURL lists the reader may see, summed per category and unit"),
        "capacity": _(
            "stated capacity of the products mapped to each category, as of the day (industry figures)"
        ),
        "sources": _("PURL requirement lists; data/industry/capacity_announcements.csv (one source per row)"),
    }
    return export_response(demand_rows(request.user, as_of), DEMAND_COLUMNS, fmt, "demand-capacity", meta)
