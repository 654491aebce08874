"""Property tests of the claim computation (pure)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from veille.core.claims import Contribution, Definition, shares

STATUSES = ["ally", "partner", "multilateral", "other", "recipient"]
contribution = st.builds(
    Contribution,
    donor=st.sampled_from(["USA", "DEU", "SWE", "AUS", "EUI", "TWN", "AUT"]),
    status=st.sampled_from(STATUSES),
    aid_type=st.sampled_from(["military", "financial"]),
    value_eur=st.decimals(min_value=0, max_value=10**11, places=2),
    basis=st.sampled_from(["allocation", "commitment"]),
    day=st.one_of(st.none(), st.dates(dt.date(2022, 1, 1), dt.date(2026, 1, 31))),
    status_on_date=st.one_of(st.none(), st.sampled_from(STATUSES)),
    eu_member=st.booleans(),
)
definition = st.builds(
    Definition,
    aid_type=st.sampled_from(["military", "financial"]),
    basis=st.sampled_from(["allocation", "commitment"]),
    membership=st.sampled_from(["present", "dated"]),
    eu_institutions=st.sampled_from(["own", "exclude", "redistribute"]),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(contribution, max_size=25), definition)
def test_class_shares_add_up_to_the_whole(rows: list[Contribution], d: Definition) -> None:
    r = shares(rows, d)
    assert sum(r.by_class_eur.values()) == r.total_eur
    assert sum(r.by_donor_eur.values()) == r.total_eur
    if r.total_eur:
        total = sum(r.share(c) for c in ("ally", "partner", "eu_institution", "other"))
        assert abs(total - 1) < Decimal("1e-20")


@settings(max_examples=60, deadline=None)
@given(st.lists(contribution, max_size=25), definition)
def test_spreading_the_eu_keeps_the_total_and_leaving_it_out_removes_exactly_it(
    rows: list[Contribution], d: Definition
) -> None:
    own = shares(rows, Definition(d.aid_type, d.basis, d.membership, "own"))
    spread = shares(rows, Definition(d.aid_type, d.basis, d.membership, "redistribute"))
    left_out = shares(rows, Definition(d.aid_type, d.basis, d.membership, "exclude"))
    assert abs(spread.total_eur - own.total_eur) < Decimal("1e-9")
    assert left_out.total_eur == own.total_eur - own.by_class_eur["eu_institution"]
    assert left_out.by_class_eur["eu_institution"] == 0


def test_sweden_before_accession_counts_as_a_partner_under_dated_membership() -> None:
    rows = [
        Contribution(
            "SWE", "ally", "military", Decimal(10), day=dt.date(2023, 5, 1), status_on_date="partner"
        ),
        Contribution("SWE", "ally", "military", Decimal(30), day=dt.date(2024, 5, 1), status_on_date="ally"),
    ]
    present = shares(rows, Definition())
    dated = shares(rows, Definition(membership="dated"))
    assert present.by_class_eur["ally"] == 40
    assert (dated.by_class_eur["ally"], dated.by_class_eur["partner"]) == (30, 10)


def test_the_period_selects_dated_records_only() -> None:
    rows = [
        Contribution("USA", "ally", "military", Decimal(5), day=dt.date(2022, 3, 1)),
        Contribution("USA", "ally", "military", Decimal(7), day=dt.date(2025, 3, 1)),
    ]
    r = shares(rows, Definition(since=dt.date(2024, 1, 1)))
    assert r.total_eur == 7
