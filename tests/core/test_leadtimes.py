"""Lead times of the delivery pipeline (veille.core.leadtimes)."""

from __future__ import annotations

import datetime as dt
import statistics
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from veille.core.leadtimes import STEPS, Milestones, ageing, distribution, grouped, steps

D = dt.date(2026, 10, 1)


def item(key: str, category: str = "drones", *days: int | None) -> Milestones:
    dates = [D + dt.timedelta(days=d) if d is not None else None for d in days]
    dates += [None] * (5 - len(dates))
    return Milestones(key, category, "2026-10", *dates)


def test_each_step_runs_from_one_milestone_to_the_next_and_total_from_approval_to_last_receipt() -> None:
    got = steps(item("a", "drones", 0, 5, 12, 20, 31))
    assert got == {
        "approved_composed": 5,
        "composed_funded": 7,
        "funded_first_shipment": 8,
        "first_shipment_last_receipt": 11,
        "total": 31,
    }


def test_a_package_that_ships_before_it_is_fully_funded_shows_a_negative_step() -> None:
    assert steps(item("a", "drones", 0, 5, 30, 20))["funded_first_shipment"] == -10


def test_a_step_whose_milestone_is_not_reached_is_unknown_and_left_out_of_the_distribution() -> None:
    stats = grouped([item("a", "drones", 0, 5), item("b", "drones", 0, 9, 10)], key=lambda m: m.category)
    assert stats["drones"]["approved_composed"].median == Decimal("7.0")
    assert stats["drones"]["composed_funded"].n == 1 and stats["drones"]["total"].n == 0
    assert set(stats["drones"]) == set(STEPS)


def test_open_items_age_from_approval_and_from_funding_oldest_first() -> None:
    today = D + dt.timedelta(days=40)
    rows = ageing(
        [
            item("done", "drones", 0, 1, 2, 3, 4),
            item("young", "drones", 30, 31),
            item("old", "armour", 0, 2, 10),
        ],
        today,
    )
    assert [(r.key, r.days_since_approval, r.days_since_funding, r.stage) for r in rows] == [
        ("old", 40, 30, "funded"),
        ("young", 10, None, "composed"),
    ]


@given(st.lists(st.integers(-400, 400), min_size=1, max_size=60))
def test_a_distribution_is_ordered_and_its_median_is_the_statistics_median(values: list[int]) -> None:
    d = distribution(values)
    assert d.n == len(values) and d.min == min(values) and d.max == max(values)
    assert d.min <= d.p25 <= d.median <= d.p75 <= d.max  # type: ignore[operator]
    exact = Decimal(str(statistics.median(values))).quantize(Decimal("0.1"))
    assert d.median == exact
    if len(values) >= 2:
        q = statistics.quantiles(values, n=4, method="inclusive")
        assert d.p25 == Decimal(str(q[0])).quantize(Decimal("0.1"))
    assert distribution(list(reversed(values))) == d  # the order of the items does not matter
