"""The rule that says which records of two sources are the same money (veille.core.reconcile)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from veille.core.reconcile import Candidate, Record, Rule, difference_pct, problem, propose

RULE = Rule(tolerance_pct=Decimal(5), window_days=31)
D = dt.date(2025, 8, 4)


def test_a_record_within_the_window_and_the_tolerance_is_the_same_aid() -> None:
    c = Candidate(1, "NLD", D, Decimal("500000000"))
    assert (
        problem(c, Record(9, "NLD", D + dt.timedelta(days=31), Decimal("524999999"), "record"), RULE) is None
    )


def test_another_donors_record_is_never_the_same_money() -> None:
    found = problem(Candidate(1, "NLD", D, Decimal(100)), Record(9, "NOR", D, Decimal(100), "record"), RULE)
    assert found is not None and found[0] == "party"


def test_amounts_further_apart_than_the_tolerance_are_refused_naming_both() -> None:
    found = problem(
        Candidate(1, "NLD", D, Decimal(100)), Record(9, "NLD", D, Decimal("105.01"), "record"), RULE
    )
    assert found == ("amount", "the amounts differ by 5.01 % (100 and 105.01); the tolerance is 5 %")


def test_dates_further_apart_than_the_window_are_refused() -> None:
    found = problem(
        Candidate(1, "NLD", D, Decimal(100)),
        Record(9, "NLD", D + dt.timedelta(days=32), Decimal(100), "record"),
        RULE,
    )
    assert found is not None and found[0] == "value_date"


def test_a_total_holds_money_dated_on_or_before_it_and_only_what_it_has_left() -> None:
    total = Record(9, "DEU", D, Decimal(1000), "total")
    assert problem(Candidate(1, "DEU", D, Decimal(1000)), total, RULE) is None
    assert problem(Candidate(1, "DEU", D + dt.timedelta(days=1), Decimal(1)), total, RULE)[0] == "value_date"  # type: ignore[index]
    assert problem(Candidate(1, "DEU", D, Decimal(600)), total, RULE, room=Decimal(500))[0] == "amount"  # type: ignore[index]


def test_a_rule_outside_its_bounds_is_refused() -> None:
    with pytest.raises(ValueError):
        Rule(tolerance_pct=Decimal(101))
    with pytest.raises(ValueError):
        Rule(window_days=-1)


def test_a_marked_record_is_preferred_and_a_record_over_a_total() -> None:
    c = Candidate(1, "NLD", D, Decimal(100))
    total = Record(5, "NLD", D + dt.timedelta(days=200), Decimal(10_000), "total")
    plain = Record(6, "NLD", D, Decimal(100), "record")
    marked = Record(7, "NLD", D + dt.timedelta(days=20), Decimal(103), "record", marked=True)
    assert [p.record for p in propose([c], [total, plain, marked], RULE)] == [7]
    assert [p.record for p in propose([c], [total, plain], RULE)] == [6]
    assert [(p.record, p.scope) for p in propose([c], [total], RULE)] == [(5, "total")]


def test_rejected_pairs_and_linked_candidates_are_not_proposed_again() -> None:
    c = Candidate(1, "NLD", D, Decimal(100))
    r = Record(6, "NLD", D, Decimal(100), "record")
    assert propose([c], [r], RULE, refused=[(1, 6)]) == []
    assert propose([c], [r], RULE, linked=[1]) == []
    assert propose([c], [r], RULE, taken={6: Decimal(100)}) == []


parties = st.sampled_from(["NLD", "NOR", "DEU"])
days = st.integers(0, 400).map(lambda n: D + dt.timedelta(days=n))
amounts = st.integers(1, 10**6).map(Decimal)
candidates = st.lists(
    st.builds(Candidate, st.integers(1, 50), parties, days, amounts), max_size=12, unique_by=lambda c: c.key
)
records = st.lists(
    st.builds(
        Record,
        st.integers(100, 150),
        parties,
        days,
        amounts,
        st.sampled_from(["record", "total"]),
        st.booleans(),
    ),
    max_size=12,
    unique_by=lambda r: r.key,
)


@given(candidates, records, st.integers(0, 20).map(Decimal), st.integers(0, 60))
def test_proposals_keep_the_rule_and_count_each_money_once(
    cs: list[Candidate], rs: list[Record], tolerance: Decimal, window: int
) -> None:
    rule = Rule(tolerance_pct=tolerance, window_days=window)
    found = propose(cs, rs, rule)
    by_c = {c.key: c for c in cs}
    by_r = {r.key: r for r in rs}
    assert len({p.candidate for p in found}) == len(found)  # a candidate is counted in one record
    singles = [p.record for p in found if p.scope == "record"]
    assert len(singles) == len(set(singles))  # a record is the same aid as one candidate only
    filled: dict[int, Decimal] = {}
    for p in found:
        c, r = by_c[p.candidate], by_r[p.record]
        assert c.party == r.party and p.scope == r.scope
        assert problem(c, r, rule) is None
        if r.scope == "record":
            assert p.difference_pct == difference_pct(c.amount, r.amount) <= tolerance
        filled[r.key] = filled.get(r.key, Decimal(0)) + c.amount
    assert all(filled[k] <= by_r[k].amount for k in filled if by_r[k].scope == "total")  # never over-filled
    # The proposals do not depend on the order the inputs came in.
    assert propose(list(reversed(cs)), list(reversed(rs)), rule) == found
