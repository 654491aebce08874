"""Properties of the capacity computations (veille.core.industry), and their docstring examples."""

from __future__ import annotations

import datetime as dt
import doctest
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from veille.core import industry as core
from veille.core.industry import Fig, PartialDate

quantities = st.decimals(min_value=Decimal(1), max_value=Decimal(10_000_000), places=0)
days = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31))
units = st.sampled_from(["per year", "per month"])


def test_docstring_examples_hold() -> None:
    result = doctest.testmod(core)
    assert result.attempted > 20 and result.failed == 0


@given(quantities, units, units)
def test_a_rate_converted_there_and_back_is_the_rate_stated(value: Decimal, a: str, b: str) -> None:
    there = core.normalise(value, a, b)
    back = core.normalise(there.value, b, a)
    assert abs(back.value - value) <= value * Decimal("1e-20")  # a division by 12 is not exact
    assert core.normalise(value, a, a).value == value
    assert there.stated_value == value and there.stated_unit == a
    assert core.fmt(value) in there.shown and b in there.shown


@given(quantities)
def test_a_monthly_rate_is_twelve_times_smaller_than_the_yearly_one(value: Decimal) -> None:
    assert core.normalise(value, "per month", "per year").value == value * 12
    assert core.normalise(value, "tonnes per year", "tonnes per month").value * 12 == value


@pytest.mark.parametrize("unit", ["per week", "barrels", "EURO", "", "tonnes per decade"])
def test_an_unknown_unit_is_refused_naming_the_field(unit: str) -> None:
    with pytest.raises(core.UnknownUnit) as err:
        core.unit_kind(unit)
    assert err.value.field == "unit" and repr(unit) in err.value.message


def test_tonnes_cannot_become_units() -> None:
    with pytest.raises(core.UnknownUnit):
        core.normalise(Decimal(5), "tonnes per year", "per year")


@pytest.mark.parametrize("text", ["2025-13", "25-01", "2025-02-30", "end 2025", ""])
def test_a_date_that_is_not_a_date_is_refused(text: str) -> None:
    with pytest.raises(core.BadDate):
        core.PartialDate.parse(text, field="target_date")


@given(days)
def test_a_partial_date_contains_its_days(day: dt.date) -> None:
    for text in (f"{day.year}", f"{day.year}-{day.month:02d}", day.isoformat()):
        d = PartialDate.parse(text)
        assert d.first_day <= day <= d.last_day
        assert str(d) == text


def fig(
    ref: str, value: Decimal, stated: dt.date, period_end: dt.date, subject: str = "eu", **kw: object
) -> Fig:
    return Fig(
        ref,
        str(kw.pop("kind", "production_actual")),
        value,
        str(kw.pop("unit", "per year")),
        PartialDate(stated.year, stated.month, stated.day),
        subject,
        core.Period(None, period_end, "test"),
        **kw,  # type: ignore[arg-type]
    )


figures = st.lists(
    st.builds(
        lambda i, v, s, p, subj: fig(f"R{i}", v, s, min(s, p), subj),
        st.integers(0, 10_000),
        quantities,
        days,
        days,
        st.sampled_from(["eu", "nation:USA", "company:X"]),
    ),
    max_size=12,
    unique_by=lambda f: f.ref,
)


@given(figures, days)
def test_capacity_as_of_a_date_uses_only_figures_then_known(figs: list[Fig], as_of: dt.date) -> None:
    for cap in core.capacity_as_of(figs, as_of):
        for f in cap.figures:
            assert f.stated.last_day <= as_of and f.speaks_of <= as_of
            assert f.subject == cap.subject
        # no figure of that subject known then speaks of a later period
        later = [
            f
            for f in figs
            if f.subject == cap.subject and f.known_on(as_of) and cap.speaks_of < f.speaks_of <= as_of
        ]
        assert later == []


@given(figures, days, quantities)
def test_a_figure_stated_later_changes_nothing_as_of_an_earlier_date(
    figs: list[Fig], as_of: dt.date, value: Decimal
) -> None:
    late = fig("LATE", value, as_of + dt.timedelta(days=40), as_of, "eu")
    assert core.capacity_as_of([*figs, late], as_of) == core.capacity_as_of(figs, as_of)


def test_conflicting_figures_of_one_period_are_both_kept() -> None:
    a = fig("A", Decimal(1_000_000), dt.date(2024, 3, 15), dt.date(2024, 1, 31))
    b = fig("B", Decimal(500_000), dt.date(2024, 7, 8), dt.date(2024, 1, 31))
    (cap,) = core.capacity_as_of([a, b], dt.date(2024, 12, 31))
    assert [f.ref for f in cap.figures] == ["A", "B"] and cap.conflicting
    assert sorted(r.value for r in cap.rates) == [Decimal(500_000), Decimal(1_000_000)]


def test_targets_and_increments_are_no_capacity() -> None:
    t = fig("T", Decimal(9), dt.date(2024, 1, 1), dt.date(2024, 1, 1), kind="target_capacity")
    i = fig("I", Decimal(9), dt.date(2024, 1, 1), dt.date(2024, 1, 1), bound="increment")
    assert core.capacity_as_of([t, i], dt.date(2025, 1, 1)) == []


@given(
    quantities,
    st.decimals(min_value=Decimal("0.1"), max_value=Decimal(20), places=2),
    st.integers(1, 2000),
    st.integers(180, 3000),
)
def test_the_growth_needed_reaches_the_target_on_its_date(
    latest: Decimal, ratio: Decimal, start_offset: int, span: int
) -> None:
    goal = latest * ratio
    start = dt.date(2022, 1, 1) + dt.timedelta(days=start_offset)
    due = start + dt.timedelta(days=span)
    pct = core.annual_growth_pct(latest, goal, core.years_between(start, due))
    assert pct is not None
    years = float(core.years_between(start, due))
    growth = 1 + float(pct) / 100
    reached = float(latest) * growth**years
    # the percentage is rounded to 0.1 (0.0005 of growth either way): allow that much per year
    slack = (1 + 0.0005 / (growth - 0.0005)) ** years - 1 + 1e-9
    assert abs(reached - float(goal)) <= float(goal) * slack * 1.01


def test_a_target_without_a_date_is_reported_not_tracked() -> None:
    t = Fig("T", "target_capacity", Decimal(1900), "per year", PartialDate(2026, 2, 4), "company:Raytheon")
    track = core.track_target(t, [], dt.date(2026, 12, 1))
    assert track.status == "undated" and track.on_track is None


def test_a_target_reached_on_time_and_its_lag() -> None:
    goal = Fig(
        "G",
        "target_capacity",
        Decimal(600),
        "per year",
        PartialDate(2025, 8, 9),
        "c",
        target=PartialDate(2025, 12),
    )
    made = Fig(
        "M",
        "production_actual",
        Decimal(620),
        "per year",
        PartialDate(2026, 1, 6),
        "c",
        core.parse_period("2025"),
    )
    older = Fig(
        "O",
        "production_actual",
        Decimal(500),
        "per year",
        PartialDate(2025, 8, 9),
        "c",
        core.parse_period("2024"),
    )
    track = core.track_target(goal, [older, made], dt.date(2026, 6, 1))
    assert track.status == "reached" and track.reached_by is made and track.on_track is True
    assert core.track_target(goal, [older, made], dt.date(2025, 9, 1)).status == "no_trend"
    lag = core.announcement_lag(goal, [older, made])
    assert lag.reached_by is made and lag.days == (dt.date(2026, 1, 6) - dt.date(2025, 8, 9)).days


@given(quantities, quantities, days, st.integers(1, 900))
def test_a_lag_is_never_negative(goal: Decimal, value: Decimal, stated: dt.date, after: int) -> None:
    t = Fig(
        "G", "target_capacity", goal, "per month", PartialDate(stated.year, stated.month, stated.day), "s"
    )
    later = stated + dt.timedelta(days=after)
    a = Fig(
        "A", "production_actual", value, "per month", PartialDate(later.year, later.month, later.day), "s"
    )
    lag = core.announcement_lag(t, [a])
    if value >= goal:
        assert lag.days == after
    else:
        assert lag.reached_by is None and lag.days is None


def test_the_period_labels_of_the_dataset_read() -> None:
    assert core.parse_period("before February 2022") == core.Period(
        None, dt.date(2022, 1, 31), "before February 2022"
    )
    assert core.parse_period("end 2025").end == dt.date(2025, 12, 31)  # type: ignore[union-attr]
    assert core.parse_period("early 2026").end == dt.date(2026, 3, 31)  # type: ignore[union-attr]
    assert core.parse_period("multi-year") is None
