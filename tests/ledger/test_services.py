"""The ledger's invariants (DESIGN.md §4), each through the services that keep them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from veille.audit.models import AuditEvent
from veille.core.errors import PermissionDenied
from veille.core.fx import NoRateBefore, RateTable, UnsupportedCurrency
from veille.core.money import Money, TooManyDecimals, UnknownCurrency
from veille.ledger import queries, services
from veille.ledger.exceptions import (
    AlreadyReversed,
    AppendOnly,
    BadFigure,
    EventNotFound,
    ExceedsParent,
    HasLiveChildren,
    MeasureMismatch,
    MissingSource,
    PartyMismatch,
    UnknownParty,
    WrongParent,
)
from veille.ledger.models import Kind, LedgerEvent, Status
from veille.nations.access import Actor
from veille.nations.exceptions import WrongNation

from .conftest import DAY, SRC

Write = Callable[..., LedgerEvent]


def change(event: LedgerEvent, **kw: Any) -> services.Change:
    kw.setdefault("sources", SRC)
    return services.Change(event=event.pk, **kw)


def nothing_written(before_events: int, before_audit: int) -> bool:
    return LedgerEvent.objects.count() == before_events and AuditEvent.objects.count() == before_audit


# --- 2. amounts are stored as given --------------------------------------------------------------


def test_an_amount_is_stored_exactly_as_given_in_its_own_currency(write: Write) -> None:
    c = write("commitment", amount="1250000.55", currency="NOK", counterparty="UKR")
    stored = LedgerEvent.objects.get(pk=c.pk)
    assert stored.amount == Money.parse("1250000.55", "NOK")
    assert (stored.currency, stored.amount_minor) == ("NOK", 125000055)
    assert stored.recorded_at is not None and stored.actor == "system:tests"
    assert AuditEvent.objects.filter(action="ledger.commitment", object_id=str(c.pk)).exists()


def test_a_child_in_another_currency_keeps_its_amount_and_records_the_rate_it_was_compared_at(
    write: Write,
) -> None:
    c = write("commitment", amount="1000000", currency="EUR")
    a = write("allocation", parent=c.pk, amount="500000", currency="USD")
    assert a.amount == Money.parse("500000", "USD")
    assert a.draw_rate is not None and a.draw_rate_date == DAY
    usd_per_eur = RateTable.bundled().published("USD", DAY)
    assert usd_per_eur is not None
    assert a.draw == Money.rounded(Decimal(500000) / usd_per_eur, "EUR").minor_units
    assert services.drawn_from(c.pk) == a.draw


# --- bad input: named errors, nothing written ----------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "error", "field"),
    [
        ({"amount": "10.005", "currency": "EUR"}, TooManyDecimals, "amount"),
        ({"amount": "100.5", "currency": "JPY"}, TooManyDecimals, "amount"),
        ({"amount": "10", "currency": "EUX"}, UnknownCurrency, "currency"),
        ({"amount": "10", "currency": "UAH"}, UnsupportedCurrency, "currency"),
        ({"amount": "10", "currency": "USD", "value_date": dt.date(1998, 12, 1)}, NoRateBefore, "value_date"),
        ({"amount": "10", "currency": "USD", "value_date": dt.date(2099, 1, 4)}, NoRateBefore, "value_date"),
        ({"amount": "10", "currency": "EUR", "party": "XXX"}, UnknownParty, "party"),
        ({"amount": "10", "currency": "EUR", "counterparty": "ZZZ"}, UnknownParty, "counterparty"),
        ({"amount": "10", "currency": "EUR", "sources": []}, MissingSource, "sources"),
        ({"amount": "-10", "currency": "EUR"}, BadFigure, "amount"),
        ({"amount": 10.5, "currency": "EUR"}, BadFigure, "amount"),
        ({"currency": "EUR"}, BadFigure, "amount"),
        ({"amount": "10", "currency": "EUR", "parent": 999999}, EventNotFound, "parent"),
        ({"amount": "10", "currency": "EUR", "counterparty": "NOR"}, Exception, "counterparty"),
    ],
)
def test_bad_input_is_refused_with_a_named_error_and_nothing_is_written(
    write: Write, fields: dict[str, Any], error: type[Exception], field: str
) -> None:
    before = LedgerEvent.objects.count(), AuditEvent.objects.count()
    with pytest.raises(error) as exc:
        write("commitment", **fields)
    assert getattr(exc.value, "field", None) == field
    assert nothing_written(*before)


# --- 1. children never exceed their parent -------------------------------------------------------


def test_a_child_that_exceeds_its_parent_is_refused_and_nothing_is_written(write: Write) -> None:
    c = write("commitment", amount="100", currency="EUR")
    write("allocation", parent=c.pk, amount="60", currency="EUR")
    before = LedgerEvent.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ExceedsParent) as exc:
        write("allocation", parent=c.pk, amount="40.01", currency="EUR")
    assert exc.value.field == "amount" and "40.00 EUR left" in exc.value.message
    assert nothing_written(*before)
    write("allocation", parent=c.pk, amount="40", currency="EUR")
    assert services.size_of(c.pk) == services.drawn_from(c.pk) == 10000


def test_an_amendment_that_raises_the_parent_makes_room_for_more_children(
    write: Write, system: Actor
) -> None:
    c = write("commitment", amount="100", currency="EUR")
    write("allocation", parent=c.pk, amount="100", currency="EUR")
    with pytest.raises(ExceedsParent):
        write("allocation", parent=c.pk, amount="50", currency="EUR")
    services.do_amend(system, change(c, amount="50"))
    write("allocation", parent=c.pk, amount="50", currency="EUR")
    assert services.size_of(c.pk) == 15000


def test_an_amendment_cannot_lower_a_parent_below_its_children(write: Write, system: Actor) -> None:
    c = write("commitment", amount="100", currency="EUR")
    write("allocation", parent=c.pk, amount="70", currency="EUR")
    with pytest.raises(HasLiveChildren):
        services.do_amend(system, change(c, amount="-31"))
    services.do_amend(system, change(c, amount="-30"))
    assert services.size_of(c.pk) == 7000


def test_raising_a_child_beyond_what_its_parent_has_left_is_refused(write: Write, system: Actor) -> None:
    c = write("commitment", amount="100", currency="EUR")
    a = write("allocation", parent=c.pk, amount="90", currency="EUR")
    with pytest.raises(ExceedsParent):
        services.do_amend(system, change(a, amount="10.01"))
    services.do_amend(system, change(a, amount="10"))
    assert services.drawn_from(c.pk) == 10000


def test_materiel_is_counted_in_its_own_item(write: Write) -> None:
    c = write("commitment", item="155 mm shell", quantity=1000, counterparty="UKR")
    s = write("shipment", parent=c.pk, item="155 mm shell", quantity=600)
    with pytest.raises(ExceedsParent) as exc:
        write("shipment", parent=c.pk, item="155 mm shell", quantity=401)
    assert exc.value.field == "quantity"
    with pytest.raises(MeasureMismatch) as exc:
        write("shipment", parent=c.pk, item="Leopard 2A4", quantity=1)
    assert exc.value.field == "item"
    r = write("receipt", parent=s.pk, item="155 mm shell", quantity=600)
    assert r.counterparty_id == "UKR"


def test_valued_materiel_draws_its_value_from_money(write: Write) -> None:
    c = write("commitment", amount="3000000", currency="USD")
    with pytest.raises(MeasureMismatch):
        write("shipment", parent=c.pk, item="155 mm shell", quantity=1000)
    with pytest.raises(Exception, match="valued"):
        write("shipment", parent=c.pk, item="155 mm shell", quantity=1000, amount="3000000", currency="USD")
    s = write(
        "shipment",
        parent=c.pk,
        item="155 mm shell",
        quantity=1000,
        amount="3000000",
        currency="USD",
        valuation_method="contract price",
    )
    assert s.draw == 300000000
    assert queries.figures(LedgerEvent.objects.all()).status(c.pk) == Status.COMPLETE


def test_each_kind_follows_only_the_kinds_it_can(write: Write) -> None:
    p = write("pledge", amount="100", currency="EUR")
    with pytest.raises(WrongParent):
        write("allocation", parent=p.pk, amount="10", currency="EUR")
    with pytest.raises(WrongParent):
        write("shipment", amount="10", currency="EUR")
    with pytest.raises(WrongParent):
        write("pledge", parent=p.pk, amount="10", currency="EUR")


# --- 3. count once; 4. pledges apart; 5. aid counts for the donor ---------------------------------


def test_a_pass_through_leg_is_linked_not_counted_again(write: Write) -> None:
    nor = write("commitment", amount="100000000", currency="USD", counterparty_name="PURL package 1")
    usa = write(
        "commitment",
        party="USA",
        amount="100000000",
        currency="USD",
        counterparty="UKR",
        pass_through_of=nor.pk,
    )
    assert usa.counted is False
    shipped = write("shipment", party="USA", parent=usa.pk, amount="40000000", currency="USD")
    assert shipped.counted is False
    rep = queries.report(None if False else _coordinator(), currency="USD")
    committed = {t.party: t.converted for t in rep.totals if t.kind == Kind.COMMITMENT}
    assert committed == {"NOR": Money.parse("100000000", "USD")}
    assert {(t.party, t.kind) for t in rep.passed_through} == {("USA", "commitment"), ("USA", "shipment")}


def test_a_leg_must_link_to_the_donor_not_to_another_leg(write: Write) -> None:
    nor = write("commitment", amount="100", currency="USD")
    usa = write("commitment", party="USA", amount="100", currency="USD", pass_through_of=nor.pk)
    with pytest.raises(WrongParent) as exc:
        write("commitment", party="POL", amount="100", currency="USD", pass_through_of=usa.pk)
    assert exc.value.field == "pass_through_of"
    with pytest.raises(WrongParent) as exc:
        write("pledge", party="POL", amount="100", currency="USD", pass_through_of=nor.pk)
    assert exc.value.field == "pass_through_of"


def test_a_pledge_counts_only_once_committed(write: Write) -> None:
    p = write("pledge", amount="100", currency="EUR")
    write("commitment", parent=p.pk, amount="60", currency="EUR")
    rep = queries.report(_coordinator(), party="NOR", currency="EUR")
    by_kind = {t.kind: t.converted for t in rep.totals}
    assert by_kind["commitment"] == Money.parse("60", "EUR")
    assert by_kind["pledge"] == Money.parse("100", "EUR")
    assert rep.pledged_open == {"EUR": Money.parse("40", "EUR")}


def test_aid_counts_for_the_donor_never_the_recipient(write: Write) -> None:
    c = write("commitment", amount="100", currency="EUR", counterparty="UKR")
    s = write("shipment", parent=c.pk, amount="100", currency="EUR")
    write("receipt", parent=s.pk, amount="100", currency="EUR")
    assert queries.report(_coordinator(), party="UKR", currency="EUR").totals == []
    with pytest.raises(PartyMismatch) as exc:
        write("allocation", party="POL", parent=c.pk, amount="1", currency="EUR")
    assert exc.value.field == "party"


# --- 6. no update or delete; reversals ------------------------------------------------------------


def test_an_event_is_never_changed_or_deleted_through_the_model(write: Write) -> None:
    c = write("commitment", amount="100", currency="EUR")
    c.note = "changed"
    with pytest.raises(AppendOnly):
        c.save()
    with pytest.raises(AppendOnly):
        c.delete()
    with pytest.raises(AppendOnly):
        LedgerEvent.objects.filter(pk=c.pk).update(note="x")
    with pytest.raises(AppendOnly):
        LedgerEvent.objects.filter(pk=c.pk).delete()
    assert LedgerEvent.objects.get(pk=c.pk).note == ""


def test_a_correction_is_a_reversal_and_a_new_event(write: Write, system: Actor) -> None:
    wrong = write("commitment", amount="1000", currency="EUR")
    rev = services.do_reverse(system, change(wrong, note="typo: 100, not 1000"))
    right = write("commitment", amount="100", currency="EUR")
    assert rev.amount == Money.parse("-1000", "EUR") and rev.counts_as == Kind.COMMITMENT
    fig = queries.figures(LedgerEvent.objects.all())
    assert fig.status(wrong.pk) == Status.REVERSED and fig.sizes[wrong.pk] == 0
    rep = queries.report(_coordinator(), party="NOR", currency="EUR")
    assert [t.converted for t in rep.totals] == [Money.parse("100", "EUR")]
    with pytest.raises(AlreadyReversed):
        services.do_reverse(system, change(wrong))
    with pytest.raises(AlreadyReversed):
        write("allocation", parent=wrong.pk, amount="1", currency="EUR")
    assert LedgerEvent.objects.count() == 3 and right.pk > rev.pk


def test_an_event_with_live_children_is_reversed_after_them(write: Write, system: Actor) -> None:
    c = write("commitment", amount="100", currency="EUR")
    a = write("allocation", parent=c.pk, amount="100", currency="EUR")
    with pytest.raises(HasLiveChildren):
        services.do_reverse(system, change(c))
    services.do_reverse(system, change(a))
    assert services.drawn_from(c.pk) == 0
    services.do_reverse(system, change(c))
    assert services.size_of(c.pk) == 0


def test_reversing_an_amendment_restores_the_figure(write: Write, system: Actor) -> None:
    c = write("commitment", item="drone", quantity=10)
    am = services.do_amend(system, change(c, quantity=5))
    assert services.size_of(c.pk) == 15
    services.do_reverse(system, change(am))
    assert services.size_of(c.pk) == 10


# --- 7. statuses are derived ----------------------------------------------------------------------


def test_status_is_derived_from_quantities(write: Write) -> None:
    c = write("commitment", item="shell", quantity=10)
    fig = lambda: queries.figures(LedgerEvent.objects.all())  # noqa: E731
    assert fig().status(c.pk) == Status.NONE
    write("shipment", parent=c.pk, item="shell", quantity=4)
    assert fig().status(c.pk) == Status.PARTIAL
    write("shipment", parent=c.pk, item="shell", quantity=6)
    assert fig().status(c.pk) == Status.COMPLETE


# --- rights ---------------------------------------------------------------------------------------


def test_an_editor_records_for_their_own_nation_only(write: Write, actor_of: Callable[[str], Actor]) -> None:
    write("commitment", actor=actor_of("nora"), amount="10", currency="NOK")
    before = LedgerEvent.objects.count(), AuditEvent.objects.count()
    with pytest.raises(WrongNation):
        write("commitment", actor=actor_of("nora"), party="POL", amount="10", currency="PLN")
    with pytest.raises(PermissionDenied):
        write("commitment", actor=actor_of("pawel"), party="POL", amount="10", currency="PLN")
    assert nothing_written(*before)


def test_the_recipient_confirms_what_it_received(write: Write, actor_of: Callable[[str], Actor]) -> None:
    c = write("commitment", amount="10", currency="EUR", counterparty="UKR")
    s = write(
        "shipment",
        parent=c.pk,
        amount="10",
        currency="EUR",
        releasable_to="NATIONS",
        releasable_nations=["UKR"],
    )
    r = write("receipt", actor=actor_of("olga"), parent=s.pk, amount="10", currency="EUR")
    assert (r.party_id, r.counterparty_id, r.actor) == ("NOR", "UKR", "olga")


def test_an_event_the_user_cannot_see_cannot_be_a_parent(
    write: Write, actor_of: Callable[[str], Actor]
) -> None:
    c = write("commitment", amount="10", currency="EUR", releasable_to="NATIONS", releasable_nations=["NOR"])
    with pytest.raises(EventNotFound):
        write("allocation", actor=actor_of("sam"), party="USA", parent=c.pk, amount="1", currency="EUR")


def _coordinator() -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="alice")


@pytest.fixture(autouse=True)
def _users(users: dict[str, Any]) -> None:
    """Every test here has the named users (alice reads reports as a coordinator)."""
