"""Properties of the spending computations (veille.core.spending), and their docstring examples."""

from __future__ import annotations

import doctest
from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from veille.core import spending as core

pct = st.decimals(min_value=Decimal("0"), max_value=Decimal("12"), places=2)
positive = st.decimals(min_value=Decimal("1"), max_value=Decimal("10000000"), places=3)
years = st.integers(min_value=2014, max_value=2034)


def test_docstring_examples_hold() -> None:
    result = doctest.testmod(core)
    assert result.attempted > 10 and result.failed == 0


@given(years, pct, pct)
def test_the_straight_path_starts_at_the_last_year_and_ends_at_the_target(
    year: int, last: Decimal, target: Decimal
) -> None:
    path = core.straight_path(year, last, target)
    assert [p.year for p in path] == list(range(year, core.TARGET_YEAR + 1))
    assert path[0].pct == last
    assert path[-1].pct == max(last, target)


@given(years, pct, pct)
def test_the_straight_path_never_falls_and_rises_by_equal_steps(
    year: int, last: Decimal, target: Decimal
) -> None:
    path = core.straight_path(year, last, target)
    steps = [b.pct - a.pct for a, b in pairwise(path)]
    assert all(s >= 0 for s in steps)
    if steps:
        assert max(steps) - min(steps) < Decimal("1e-20")
        assert abs(steps[0] - core.annual_step_pct(year, last, target)) < Decimal("1e-20")


@given(years, pct, pct, positive)
def test_increases_add_up_to_the_gap(year: int, last: Decimal, target: Decimal, gdp: Decimal) -> None:
    steps = core.path_in_usd(core.straight_path(year, last, target), gdp)
    assert steps[0].gap_usd == 0
    total = sum((s.increase_usd for s in steps), Decimal(0))
    assert abs(total - steps[-1].gap_usd) < Decimal("1e-12")
    expected_gap = (max(last, target) - last) * gdp / 100
    assert abs(steps[-1].gap_usd - expected_gap) < Decimal("1e-12")


@given(years, pct, positive, st.decimals(min_value=Decimal("0.1"), max_value=Decimal("5"), places=1))
def test_gdp_growth_raises_the_spending_a_share_implies(
    year: int, last: Decimal, gdp: Decimal, growth: Decimal
) -> None:
    assume(last > 0)
    flat = core.path_in_usd(core.straight_path(year, last, Decimal("3.5")), gdp)
    grown = core.path_in_usd(core.straight_path(year, last, Decimal("3.5")), gdp, growth)
    assert grown[0].spending_usd == flat[0].spending_usd
    assert all(g.spending_usd > f.spending_usd for g, f in zip(grown[1:], flat[1:], strict=True))


@given(positive, st.decimals(min_value=Decimal("-90"), max_value=Decimal("300"), places=2))
def test_real_growth_recovers_the_change_that_produced_it(before: Decimal, change_pct: Decimal) -> None:
    after = before * (1 + change_pct / 100)
    assume(after > 0)
    assert abs(core.real_growth_pct(before, after) - change_pct) < Decimal("1e-18")


@given(st.lists(st.tuples(positive, positive), min_size=1, max_size=40))
def test_alliance_aggregates_lie_between_the_extremes(pairs: list[tuple[Decimal, Decimal]]) -> None:
    rows = [core.AllyYear(f"A{i}", s / 100, g) for i, (s, g) in enumerate(pairs)]
    agg = core.aggregate(rows)
    shares = [core.share_of_gdp_pct(r.spending_usd, r.gdp_usd) for r in rows]
    tol = Decimal("1e-20")
    assert min(shares) - tol <= agg.weighted_pct <= max(shares) + tol
    assert min(shares) - tol <= agg.median_pct <= max(shares) + tol  # the mean of two middles rounds
    assert min(shares) - tol <= agg.mean_pct <= max(shares) + tol
    assert agg.total_spending_usd == sum(r.spending_usd for r in rows)
    assert agg.count == len(rows)
    counts = [
        agg.at_or_above[str(t)] for t in (core.GUIDELINE_PCT, core.CORE_TARGET_PCT, core.TOTAL_TARGET_PCT)
    ]
    assert counts == sorted(counts, reverse=True)


def test_the_weighted_share_is_total_spending_over_total_gdp() -> None:
    agg = core.aggregate(
        [core.AllyYear("BIG", Decimal(350), Decimal(10000)), core.AllyYear("SMALL", Decimal(1), Decimal(100))]
    )
    assert agg.weighted_pct == Decimal(351) * 100 / Decimal(10100)
    assert agg.mean_pct == Decimal("2.25")


@given(st.lists(pct, min_size=1, max_size=11, unique=True).map(sorted), st.data())
def test_a_plan_that_never_falls_and_reaches_the_targets_in_2035_is_credible(
    cores: list[Decimal], data: st.DataObject
) -> None:
    cores = [*cores[:-1], max(cores[-1], core.CORE_TARGET_PCT)]
    start = core.TARGET_YEAR - len(cores) + 1
    plan = [core.PlanYear(start + i, c, Decimal("1.5")) for i, c in enumerate(cores)]
    assessment = core.assess_plan(plan)
    assert assessment.credible, assessment.reasons
    assert assessment.reasons == ()


@given(st.lists(pct, min_size=2, max_size=11, unique=True), st.data())
def test_a_plan_that_falls_in_any_year_is_not_credible_and_says_when(
    cores: list[Decimal], data: st.DataObject
) -> None:
    assume(cores != sorted(cores))
    start = core.TARGET_YEAR - len(cores) + 1
    plan = [core.PlanYear(start + i, c, Decimal("1.5")) for i, c in enumerate(cores)]
    assessment = core.assess_plan(plan)
    assert not assessment.credible and not assessment.never_falls
    assert any("falls" in r for r in assessment.reasons)


def test_a_plan_short_of_the_targets_is_flagged_with_the_reason() -> None:
    a = core.assess_plan(
        [
            core.PlanYear(2030, Decimal("2.5"), Decimal("0.5")),
            core.PlanYear(2035, Decimal("3.0"), Decimal("1.0")),
        ]
    )
    assert not a.credible
    assert "core reaches 3.0 % by 2035, short of 3.5 %" in a.reasons
    assert "core and resilience reach 4.0 % by 2035, short of 5 %" in a.reasons


def test_a_plan_that_stops_before_2035_is_not_credible() -> None:
    a = core.assess_plan([core.PlanYear(2030, Decimal("3.5"), Decimal("1.5"))])
    assert not a.credible and "the plan stops in 2030, before 2035" in a.reasons


def test_resilience_counts_only_up_to_one_and_a_half_percent() -> None:
    a = core.assess_plan([core.PlanYear(2035, Decimal("3.0"), Decimal("2.0"))])
    assert not a.reaches_total and not a.credible
    assert core.PlanYear(2035, Decimal("3.0"), Decimal("2.0")).total_pct == Decimal("4.5")


def test_the_review_year_is_compared_with_the_straight_path() -> None:
    plan = [core.PlanYear(2029, Decimal("2.5")), core.PlanYear(2035, Decimal("3.5"), Decimal("1.5"))]
    a = core.assess_plan(plan, last_actual_year=2024, last_actual_pct=Decimal("2.0"))
    # straight path: 2.0 in 2024 + 5 * (1.5 / 11) in 2029 = 2.6818…
    assert a.path_at_review_pct is not None and abs(
        a.path_at_review_pct - Decimal("2.681818181818")
    ) < Decimal("1e-9")
    assert a.at_review == plan[0] and a.on_path_at_review is False


def test_equipment_share_against_the_guideline() -> None:
    assert core.equipment_share(Decimal(20), Decimal(100)).meets
    check = core.equipment_share(Decimal(15), Decimal(100))
    assert not check.meets and check.gap_pct == Decimal(5)


def test_floats_are_refused_where_published_digits_matter() -> None:
    with pytest.raises(TypeError):
        core.share_of_gdp_pct(4.12, Decimal(100))  # type: ignore[arg-type]


@given(st.lists(pct, max_size=40), pct)
def test_rounded_counts_are_never_below_unrounded_counts(shares: list[Decimal], threshold: Decimal) -> None:
    assert core.count_at_or_above(shares, threshold) >= core.count_at_or_above(shares, threshold, None)
