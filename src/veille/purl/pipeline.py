"""The delivery pipeline for coordinators: lead times from a list's approval to the last receipt,
per item and package, with medians and distributions per category and per month, and the ageing of
open items (the definitions are :mod:`veille.core.leadtimes`'s).

Where each milestone comes from:

* **approved**: the end of the approval round that approved the item's list with the item on it
  (replayed from the approval trail: a return restarts all three steps, an amendment reopens the
  steps it names; items an amendment added are approved at the end of that amendment's round);
* **composed**: the first version of the package that holds the item;
* **funded**: the first instant the package's counted funding (commitments and allocations to it, at
  their size then, in USD at each value date's ECB rate) reached its target of that instant, replayed
  from the ledger's events in the order they were recorded;
* **first shipment** and **last receipt**: the shipments of the item (the last receipt once every
  unit of it has arrived).

Synthetic demo records are listed, marked, and left out of the medians and distributions unless
the reader asks for them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone

from veille.core.leadtimes import STEPS, Milestones, ageing, distribution, grouped, steps
from veille.core.money import Money
from veille.ledger.models import Kind, LedgerEvent
from veille.purl.models import (
    FundingEvent,
    Origin,
    Package,
    PackageItem,
    RequirementItem,
    RequirementList,
    Role,
)
from veille.purl.queries import Rates

__all__ = [
    "STEPS_ORDER",
    "ItemPipeline",
    "ageing_chart",
    "ageing_rows",
    "approval_days",
    "distributions_of",
    "funded_at",
    "pipeline",
    "pipeline_chart",
    "stats_rows",
]

STEPS_ORDER = list(STEPS)


@dataclass(frozen=True)
class ItemPipeline:
    """One item of one package with its milestones."""

    package_item: PackageItem
    milestones: Milestones
    synthetic: bool

    def as_row(self) -> dict[str, Any]:
        pi, m = self.package_item, self.milestones
        return {
            "package_item": pi.pk,
            "package": pi.package.name,
            "package_id": pi.package_id,
            "item": pi.item.description,
            "category": m.category,
            "month": m.month,
            "quantity": pi.quantity,
            "unit": pi.item.unit,
            **{name: getattr(m, name) for name in ("approved", "composed", "funded", "first_shipment")},
            "last_receipt": m.last_receipt,
            **{f"{name}_days": days for name, days in steps(m).items()},
            "synthetic": self.synthetic,
        }


def _day(value: dt.datetime | None) -> dt.date | None:
    return value.astimezone(dt.UTC).date() if value is not None else None


def approval_days(lst: RequirementList) -> list[tuple[dt.datetime, int | None]]:
    """When the list became approved, each time: (instant, the amendment whose round it closed)."""
    pending = {"UKR", "NATO", "USA"}
    amendment: int | None = None
    out: list[tuple[dt.datetime, int | None]] = []
    amendments = {a.pk: a for a in lst.amendments.all()}
    for entry in lst.trail.order_by("at", "id"):
        if entry.decision == "return":
            pending, amendment = {"UKR", "NATO", "USA"}, None
            continue
        if entry.decision == "amend":
            a = amendments.get(entry.amendment_id or 0)
            pending = {s for s in (a.reopened.split(",") if a else []) if s}
            amendment = a.number if a else None
            if not pending:
                out.append((entry.at, amendment))
            continue
        if entry.decision == "approve" and entry.step in pending:
            pending.discard(entry.step)
            if not pending:
                out.append((entry.at, amendment))
    return out


def _added_by(lst: RequirementList) -> dict[int, int]:
    """Items an amendment added: {item id: the amendment's number} (matched by rank and description)."""
    found: dict[int, int] = {}
    items = list(lst.items.all())
    for a in lst.amendments.order_by("number"):
        for change in a.changes or []:
            added = change.get("add") if isinstance(change, dict) else None
            if not added:
                continue
            for it in items:
                if (
                    it.pk not in found
                    and str(it.rank) == str(added.get("rank"))
                    and it.description == added.get("description")
                ):
                    found[it.pk] = a.number
    return found


def _approved(
    item: RequirementItem, rounds: list[tuple[dt.datetime, int | None]], added: dict[int, int]
) -> dt.date | None:
    since = added.get(item.pk)
    for at, amendment in rounds:
        if since is None or (amendment is not None and amendment >= since):
            return _day(at)
    return None


def funded_at(user: Any, package: Package, conv: Rates) -> dt.datetime | None:
    """The first instant the package's counted funding reached its target of that instant."""
    ids = list(
        FundingEvent.objects.filter(package=package)
        .exclude(role=Role.PLEDGE)
        .values_list("event_id", flat=True)
    )
    visible = LedgerEvent.objects.visible_to(user)
    roots = {e.pk: e for e in visible.filter(pk__in=ids)}
    # (instant, 0 for a target or 1 for money, the new target or the change of funding in USD)
    changes: list[tuple[dt.datetime, int, Decimal]] = []
    for row in visible.filter(Q(pk__in=ids) | Q(size_of_id__in=ids)).order_by("recorded_at", "id"):
        root = roots.get(row.size_of_id or row.pk)
        if root is None or row.kind not in (Kind.COMMITMENT, Kind.ALLOCATION, Kind.AMENDMENT, Kind.REVERSAL):
            continue
        units = int(row.amount_minor or 0)
        usd = conv.usd(Money.from_minor(abs(units), root.currency), root.value_date)
        changes.append((row.recorded_at, 1, usd if units >= 0 else -usd))
    changes += [(v.at, 0, v.target_usd) for v in package.versions.all() if v.target_usd is not None]
    total, target = Decimal(0), None
    for at, what, value in sorted(changes, key=lambda c: (c[0], c[1])):
        if what == 0:
            target = value
        else:
            total += value
        if target and total >= target:
            return at
    return None


def pipeline(user: Any, *, include_synthetic: bool = True) -> list[ItemPipeline]:
    """Every item of every workflow package ``user`` may see, with its milestones."""
    conv = Rates()
    out: list[ItemPipeline] = []
    packages = Package.objects.visible_to(user).filter(origin=Origin.WORKFLOW)
    if not include_synthetic:
        packages = packages.filter(synthetic=False)
    rounds: dict[int, list[tuple[dt.datetime, int | None]]] = {}
    added: dict[int, dict[int, int]] = {}
    for package in packages.prefetch_related("items__shipments", "versions"):
        funded = _day(funded_at(user, package, conv))
        versions = list(package.versions.order_by("version"))
        for pi in package.items.select_related("item__requirement_list"):
            lst = pi.item.requirement_list
            if lst.pk not in rounds:
                rounds[lst.pk], added[lst.pk] = approval_days(lst), _added_by(lst)
            composed = next(
                (v.at for v in versions if any(r.get("item") == pi.item_id for r in v.composition or [])),
                package.created_at,
            )
            shipments = list(pi.shipments.all())
            received = sum(s.received for s in shipments)
            last = max((s.received_on for s in shipments if s.received_on), default=None)
            out.append(
                ItemPipeline(
                    pi,
                    Milestones(
                        key=f"{package.pk}:{pi.item_id}",
                        category=pi.item.category,
                        month=lst.month.strftime("%Y-%m"),
                        approved=_approved(pi.item, rounds[lst.pk], added[lst.pk]),
                        composed=_day(composed),
                        funded=funded,
                        first_shipment=min((s.shipped_on for s in shipments), default=None),
                        last_receipt=last if received >= pi.quantity else None,
                    ),
                    package.synthetic or lst.synthetic,
                )
            )
    return out


def stats_rows(items: list[ItemPipeline]) -> list[dict[str, Any]]:
    """Distributions of every step per category and per month (the page's tables, the CSV, the API)."""
    rows: list[dict[str, Any]] = []
    for by, key in (
        ("category", lambda m: m.category),
        ("month", lambda m: m.month),
        ("all", lambda m: "all"),
    ):
        for group, per_step in grouped((i.milestones for i in items), key).items():
            for step in STEPS_ORDER:
                d = per_step[step]
                rows.append(
                    {
                        "by": by,
                        "group": group,
                        "step": step,
                        "n": d.n,
                        "min_days": d.min,
                        "p25_days": d.p25,
                        "median_days": d.median,
                        "p75_days": d.p75,
                        "max_days": d.max,
                    }
                )
    return rows


def ageing_rows(items: list[ItemPipeline], today: dt.date | None = None) -> list[dict[str, Any]]:
    """Open items (not completely received), oldest first."""
    today = today or timezone.now().date()
    by_key = {i.milestones.key: i for i in items}
    out = []
    for a in ageing((i.milestones for i in items), today):
        it = by_key[a.key]
        out.append(
            {
                "package_item": it.package_item.pk,
                "package": it.package_item.package.name,
                "package_id": it.package_item.package_id,
                "item": it.package_item.item.description,
                "category": a.category,
                "month": a.month,
                "stage": a.stage,
                "days_since_approval": a.days_since_approval,
                "days_since_funding": a.days_since_funding,
                "synthetic": it.synthetic,
            }
        )
    return out


def pipeline_chart(rows: list[dict[str, Any]], title: str, labels: dict[str, str]) -> dict[str, Any]:
    """A Vega-Lite spec: the median days of each step per category, stacked (one bar per category)."""
    values = [
        {
            "group": r["group"],
            "step": labels.get(r["step"], r["step"]),
            "order": STEPS_ORDER.index(r["step"]),
            "days": float(r["median_days"]),
        }
        for r in rows
        if r["by"] == "category" and r["step"] != "total" and r["median_days"] is not None
    ]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "title": title,
        "width": "container",
        "height": 220,
        "data": {"values": values},
        "usermeta": {"embedOptions": {"tooltip": False}},
        "mark": "bar",
        "encoding": {
            "y": {"field": "group", "type": "nominal", "title": None},
            "x": {
                "field": "days",
                "type": "quantitative",
                "title": labels.get("days", "days"),
                "stack": "zero",
            },
            "color": {"field": "step", "type": "nominal", "title": None, "sort": {"field": "order"}},
            "order": {"field": "order"},
        },
    }


def ageing_chart(rows: list[dict[str, Any]], title: str, axis: str) -> dict[str, Any]:
    """A Vega-Lite spec: how many open items have waited how long since approval (30-day bins)."""
    values = [{"days": r["days_since_approval"]} for r in rows if r["days_since_approval"] is not None]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "title": title,
        "width": "container",
        "height": 180,
        "data": {"values": values},
        "usermeta": {"embedOptions": {"tooltip": False}},
        "mark": "bar",
        "encoding": {
            "x": {"field": "days", "bin": {"step": 30}, "type": "quantitative", "title": axis},
            "y": {"aggregate": "count", "type": "quantitative", "title": None},
        },
    }


def distributions_of(items: list[ItemPipeline]) -> dict[str, Any]:
    """The whole pipeline's distribution of each step (a summary line)."""
    per: dict[str, list[int]] = defaultdict(list)
    for i in items:
        for name, days in steps(i.milestones).items():
            if days is not None:
                per[name].append(days)
    return {name: distribution(per[name]) for name in STEPS_ORDER}
