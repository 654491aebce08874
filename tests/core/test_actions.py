"""An action's status is derived from its due date and evidence; partial dates keep their precision."""

from __future__ import annotations

import datetime as dt
import doctest

from hypothesis import given, settings
from hypothesis import strategies as st

import veille.core.actions as actions_module
from veille.core.actions import DONE, IN_PROGRESS, OPEN, OVERDUE, STATUSES, PartialDate, derive_status

days = st.dates(min_value=dt.date(2023, 7, 12), max_value=dt.date(2030, 12, 31))
evidence = st.lists(st.tuples(days, st.booleans()), max_size=6)


def test_the_docstring_examples_hold() -> None:
    result = doctest.testmod(actions_module, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 10 and result.failed == 0


@settings(deadline=None)  # no timing in a unit test
@given(due=st.none() | days, items=evidence, today=days)
def test_done_exactly_when_completing_evidence_is_dated_by_then(
    due: dt.date | None, items: list[tuple[dt.date, bool]], today: dt.date
) -> None:
    status = derive_status(due, items, today=today)
    assert status.status in STATUSES
    completing = [d for d, c in items if c and d <= today]
    assert (status.status == DONE) == bool(completing)
    if completing:
        assert status.done_on == min(completing)
        assert status.late == (due is not None and min(completing) > due)


@settings(deadline=None)  # no timing in a unit test
@given(due=days, items=evidence, today=days)
def test_overdue_only_after_the_due_date_and_never_when_done(
    due: dt.date, items: list[tuple[dt.date, bool]], today: dt.date
) -> None:
    status = derive_status(due, items, today=today)
    if status.status == OVERDUE:
        assert today > due
    if today > due and not any(c and d <= today for d, c in items):
        assert status.status == OVERDUE


@settings(deadline=None)  # no timing in a unit test
@given(due=days, items=evidence, today=days, later=st.lists(st.tuples(days, st.booleans()), max_size=3))
def test_evidence_dated_after_the_day_asked_about_changes_nothing(
    due: dt.date, items: list[tuple[dt.date, bool]], today: dt.date, later: list[tuple[dt.date, bool]]
) -> None:
    future = [(max(d, today + dt.timedelta(days=1)), c) for d, c in later]
    assert derive_status(due, items + future, today=today) == derive_status(due, items, today=today)


def test_the_four_statuses_on_one_action() -> None:
    due = dt.date(2025, 3, 1)
    assert derive_status(due, [], today=dt.date(2025, 2, 1)).status == OPEN
    assert derive_status(due, [(dt.date(2025, 2, 2), False)], today=dt.date(2025, 2, 3)).status == IN_PROGRESS
    assert derive_status(due, [(dt.date(2025, 2, 2), False)], today=dt.date(2025, 3, 2)).status == OVERDUE
    done = derive_status(due, [(dt.date(2025, 2, 20), True)], today=dt.date(2025, 3, 2))
    assert (done.status, done.late) == (DONE, False)


def test_due_soon_counts_the_next_seven_days() -> None:
    due = dt.date(2025, 3, 8)
    assert derive_status(due, [], today=dt.date(2025, 3, 1)).due_soon
    assert not derive_status(due, [], today=dt.date(2025, 2, 28)).due_soon
    assert not derive_status(due, [(dt.date(2025, 3, 1), True)], today=dt.date(2025, 3, 1)).due_soon


@settings(deadline=None)  # no timing in a unit test
@given(day=days, precision=st.sampled_from(["day", "month", "year"]))
def test_a_partial_date_reads_back_as_written(day: dt.date, precision: str) -> None:
    label = {"day": day.isoformat(), "month": f"{day:%Y-%m}", "year": f"{day:%Y}"}[precision]
    parsed = PartialDate.parse(label)
    assert parsed.label == label and parsed.precision == precision and parsed.start <= day
