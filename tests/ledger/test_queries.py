"""Balances, totals by period in any currency with the rates listed, chains, and "as of"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from veille.core.errors import InvalidInput
from veille.core.fx import RateTable, UnsupportedCurrency
from veille.core.money import Money
from veille.ledger import queries, services
from veille.ledger.models import LedgerEvent
from veille.nations.access import Actor

from .conftest import SRC

Write = Callable[..., LedgerEvent]


@pytest.fixture
def alice(users: dict[str, Any]) -> Any:
    return users["alice"]


def test_as_of_a_past_instant_the_ledger_says_what_it_said_then(
    write: Write, system: Actor, alice: Any
) -> None:
    c = write("commitment", amount="100", currency="EUR")
    then = timezone.now()
    services.do_amend(system, services.Change(event=c.pk, sources=SRC, amount="50"))
    services.do_reverse(system, services.Change(event=c.pk, sources=SRC))
    write("commitment", amount="70", currency="EUR")
    past = queries.report(alice, party="NOR", currency="EUR", as_of=then)
    now = queries.report(alice, party="NOR", currency="EUR")
    assert [t.converted for t in past.totals] == [Money.parse("100", "EUR")]
    assert [t.converted for t in now.totals] == [Money.parse("70", "EUR")]
    assert queries.status_counts(alice, as_of=then) == {("NOR", "commitment", "none"): 1}
    assert queries.status_counts(alice) == {
        ("NOR", "commitment", "reversed"): 1,
        ("NOR", "commitment", "none"): 1,
    }


def test_an_as_of_date_means_the_end_of_that_day(write: Write, alice: Any) -> None:
    write("commitment", amount="100", currency="EUR")
    today = timezone.now().date()
    assert queries.report(alice, as_of=today).totals
    assert not queries.report(alice, as_of=today - dt.timedelta(days=1)).totals


def test_totals_are_converted_at_each_value_date_and_list_their_rates(write: Write, alice: Any) -> None:
    d1, d2 = dt.date(2023, 3, 15), dt.date(2024, 3, 29)  # 2024-03-29: Good Friday, no ECB fixing
    write("commitment", amount="1000", currency="NOK", value_date=d1)
    write("commitment", amount="2000", currency="NOK", value_date=d2)
    write("commitment", amount="5", currency="USD", value_date=d2)
    rep = queries.report(alice, party="NOR", currency="USD", period="year")
    table = RateTable.bundled()
    nok_2023 = Money.rounded(1000 / table.published("NOK", d1) * table.published("USD", d1), "USD")  # type: ignore[operator]
    good_friday_rate_day = dt.date(2024, 3, 28)
    nok_2024 = Money.rounded(
        2000 / table.published("NOK", good_friday_rate_day) * table.published("USD", good_friday_rate_day),  # type: ignore[operator]
        "USD",
    )
    assert {t.period: t.converted for t in rep.totals} == {
        "2023": nok_2023,
        "2024": nok_2024 + Money.parse("5", "USD"),
    }
    assert {t.period: t.by_currency for t in rep.totals}["2024"] == {
        "NOK": Money.parse("2000", "NOK"),
        "USD": Money.parse("5", "USD"),
    }
    used = {(r.currency, r.value_date): r.rate_date for r in rep.rates}
    assert used == {("NOK", d1): d1, ("NOK", d2): good_friday_rate_day, ("USD", d2): d2}
    assert all("ECB" in r.source for r in rep.rates)


def test_a_report_in_a_currency_without_ecb_rates_is_refused(write: Write, alice: Any) -> None:
    write("commitment", amount="1000", currency="NOK")
    with pytest.raises(UnsupportedCurrency):
        queries.report(alice, currency="UAH")
    with pytest.raises(InvalidInput):
        queries.report(alice, period="week")


def test_a_chain_shows_each_stage_with_its_status(write: Write, system: Actor, alice: Any) -> None:
    p = write("pledge", amount="100", currency="EUR")
    c = write("commitment", parent=p.pk, amount="80", currency="EUR", counterparty="UKR")
    a = write("allocation", parent=c.pk, amount="80", currency="EUR")
    s = write("shipment", parent=a.pk, amount="30", currency="EUR")
    services.do_amend(system, services.Change(event=s.pk, sources=SRC, amount="10"))
    leg = write("commitment", party="USA", amount="80", currency="EUR", pass_through_of=c.pk)
    tree = queries.chain(alice, s.pk)
    assert tree is not None and tree["id"] == p.pk and tree["status"] == "partial"
    commitment = tree["children"][0]
    assert (commitment["id"], commitment["status"]) == (c.pk, "complete")
    assert [x["id"] for x in commitment["pass_through_legs"]] == [leg.pk]
    shipment = commitment["children"][0]["children"][0]
    assert shipment["size"] == 4000 and [x["kind"] for x in shipment["changes"]] == ["amendment"]
    assert commitment["children"][0]["status"] == "partial"


def test_what_a_user_may_not_see_is_not_in_their_balances(write: Write, users: dict[str, Any]) -> None:
    write("commitment", amount="100", currency="EUR", releasable_to="NATIONS", releasable_nations=["NOR"])
    write("commitment", amount="5", currency="EUR", releasable_to="PUBLIC")
    assert [t.converted for t in queries.report(users["pawel"], currency="EUR").totals] == [
        Money.parse("5", "EUR")
    ]
    assert [t.converted for t in queries.report(users["nora"], currency="EUR").totals] == [
        Money.parse("105", "EUR")
    ]
    assert [t.converted for t in queries.report(None, currency="EUR").totals] == [Money.parse("5", "EUR")]
