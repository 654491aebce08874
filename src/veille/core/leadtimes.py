"""Lead times of a delivery pipeline: from a list's approval to the last receipt (pure, no Django).

Each item of a package passes five milestones, each a day (or not yet):

``approved``
    the day its list became approved with the item on it (the end of the approval round);
``composed``
    the day a package first took the item;
``funded``
    the day the package's counted funding first reached its target;
``first_shipment``
    the day the first shipment of the item left;
``last_receipt``
    the day the receipt that completed the item was confirmed (only once all of it arrived).

A *step* is the number of days from one milestone to the next (:data:`STEPS`); ``total`` runs from
approval to the last receipt. A step is known when both of its milestones are; it can be negative
when a package ships before it is fully funded (the pipeline does not force the order, it measures
it). Distributions give the count, the extremes, the quartiles and the median (linear interpolation
between the closest ranks, as ``statistics.quantiles(method="inclusive")``).

>>> m = Milestones("i1", "air_defence", "2026-10", dt.date(2026, 10, 3), dt.date(2026, 10, 8),
...                dt.date(2026, 10, 20), dt.date(2026, 11, 1), None)
>>> steps(m)["approved_composed"], steps(m)["funded_first_shipment"], steps(m)["total"]
(5, 12, None)
>>> distribution([3, 1, 4, 1, 5]).median
Decimal('3.0')
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

__all__ = [
    "MILESTONES",
    "STEPS",
    "Ageing",
    "Distribution",
    "Milestones",
    "ageing",
    "distribution",
    "grouped",
    "steps",
]

MILESTONES = ("approved", "composed", "funded", "first_shipment", "last_receipt")
#: Each step, from one milestone to the next, and the whole.
STEPS = (
    "approved_composed",
    "composed_funded",
    "funded_first_shipment",
    "first_shipment_last_receipt",
    "total",
)
_TENTH = Decimal("0.1")
_PAIRS = {
    "approved_composed": ("approved", "composed"),
    "composed_funded": ("composed", "funded"),
    "funded_first_shipment": ("funded", "first_shipment"),
    "first_shipment_last_receipt": ("first_shipment", "last_receipt"),
    "total": ("approved", "last_receipt"),
}


@dataclass(frozen=True)
class Milestones:
    """One item of one package on its way: the day of each milestone reached (None: not yet)."""

    key: str
    category: str
    month: str  # the list's month, YYYY-MM
    approved: dt.date | None
    composed: dt.date | None
    funded: dt.date | None
    first_shipment: dt.date | None
    last_receipt: dt.date | None


def steps(m: Milestones) -> dict[str, int | None]:
    """Days of each step (None when a milestone of it is not reached)."""
    out: dict[str, int | None] = {}
    for name, (start, end) in _PAIRS.items():
        a, b = getattr(m, start), getattr(m, end)
        out[name] = (b - a).days if a is not None and b is not None else None
    return out


@dataclass(frozen=True)
class Distribution:
    n: int
    min: int | None
    p25: Decimal | None
    median: Decimal | None
    p75: Decimal | None
    max: int | None


def _quantile(ordered: Sequence[int], q: Decimal) -> Decimal:
    """Linear interpolation between closest ranks (``statistics.quantiles(method="inclusive")``), to
    a tenth of a day."""
    position = q * (len(ordered) - 1)
    low = int(position)
    fraction = position - low
    value = Decimal(ordered[low])
    if low + 1 < len(ordered):
        value += (Decimal(ordered[low + 1]) - value) * fraction
    return value.quantize(_TENTH)


def distribution(values: Iterable[int]) -> Distribution:
    """Count, extremes, quartiles and median of whole days.

    >>> distribution([10, 20, 30, 40])
    Distribution(n=4, min=10, p25=Decimal('17.5'), median=Decimal('25.0'), p75=Decimal('32.5'), max=40)
    >>> distribution([]).median is None
    True
    """
    ordered = sorted(values)
    if not ordered:
        return Distribution(0, None, None, None, None, None)
    return Distribution(
        len(ordered),
        ordered[0],
        _quantile(ordered, Decimal("0.25")),
        _quantile(ordered, Decimal("0.5")),
        _quantile(ordered, Decimal("0.75")),
        ordered[-1],
    )


def grouped(
    items: Iterable[Milestones], key: Callable[[Milestones], str]
) -> dict[str, dict[str, Distribution]]:
    """The distribution of every step per group (``key``: the category, the month…)."""
    days: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for m in items:
        group = key(m)
        for name, value in steps(m).items():
            days[group][name]  # every step of a group is listed, known or not
            if value is not None:
                days[group][name].append(value)
    return {g: {s: distribution(days[g][s]) for s in STEPS} for g in sorted(days)}


@dataclass(frozen=True)
class Ageing:
    key: str
    category: str
    month: str
    days_since_approval: int | None
    days_since_funding: int | None
    stage: str  # the last milestone reached


def ageing(items: Iterable[Milestones], today: dt.date) -> list[Ageing]:
    """Items not yet completely received: how long since approval and since funding, oldest first."""
    out = []
    for m in items:
        if m.last_receipt is not None:
            continue
        reached = [name for name in MILESTONES if getattr(m, name) is not None]
        out.append(
            Ageing(
                m.key,
                m.category,
                m.month,
                (today - m.approved).days if m.approved else None,
                (today - m.funded).days if m.funded else None,
                reached[-1] if reached else "",
            )
        )
    return sorted(out, key=lambda a: (-(a.days_since_approval or -1), a.key))
