"""Deliveries as the ledger's materiel (issue 20, item 1) and honest package figures (issue 22, item 9):
each shipment and receipt is a ledger event valued at the item's estimated unit cost with its
source; funders' shares of what was delivered are derived pro rata; quantities of different units are
never added; bad input is refused with a named error and nothing is written."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from veille.audit.models import AuditEvent
from veille.core.money import Money
from veille.ledger import pools, queries
from veille.ledger.models import LedgerEvent
from veille.purl.exceptions import OverReceipt, WrongPackage
from veille.purl.models import Shipment
from veille.purl.services import ContributionData, do_commit, do_create_package, do_receive, do_ship, pool_of

Act = Callable[[str], Any]
Client = Callable[[str | None], Any]
DAY = dt.date(2026, 10, 15)


def commit(actor: Any, nation: str, amount: str, currency: str, package: Any) -> Any:
    return do_commit(actor, ContributionData(nation, amount, currency, DAY, ["test"], package=package.pk))


def written() -> tuple[int, int, int]:
    return Shipment.objects.count(), LedgerEvent.objects.count(), AuditEvent.objects.count()


def test_a_shipment_and_its_receipt_are_the_ledgers_materiel_valued_at_the_items_cost(
    package: Any, actor_of: Act
) -> None:
    interceptors = package.items.get(item__rank=1)
    s = do_ship(actor_of("sam"), interceptors.pk, 4, "Rzeszów", "2026-11-01")
    e = s.ledger_event
    assert (e.kind, e.party_id, e.counterparty_id, e.counted) == ("shipment", "USA", "UKR", False)
    assert (e.item, e.quantity) == ("Interceptor lot 1 [missiles]", 4)
    assert e.amount == Money.parse("16000000", "USD") and e.valuation_method == "estimated unit cost"
    assert e.sources[0] == "test price list" and e.reference == pool_of(package.pk)
    assert e.value_date == dt.date(2026, 10, 1)  # the estimate is the October list's
    assert e.effective_at.date() == dt.date(2026, 11, 1)
    received = do_receive(actor_of("olga"), s.pk, "2026-11-03", "all there")
    r = received.receipt_event
    assert (r.kind, r.parent_id, r.quantity, r.actor) == ("receipt", e.pk, 4, "olga")
    assert queries.event_detail(queries.CONSOLE, e.pk)["status"] == "complete"


def test_a_receipt_for_more_than_was_shipped_is_refused_and_nothing_is_written(
    package: Any, actor_of: Act
) -> None:
    s = do_ship(actor_of("sam"), package.items.get(item__rank=1).pk, 4, "Rzeszów", "2026-11-01")
    before = written()
    with pytest.raises(OverReceipt) as err:
        do_receive(actor_of("olga"), s.pk, "2026-11-03", "", quantity=5)
    assert err.value.field == "quantity" and "carried 4 missiles" in str(err.value)
    assert written() == before
    s.refresh_from_db()
    assert s.received_on is None and s.receipt_event is None


def test_fewer_than_shipped_needs_a_note_and_counts_what_arrived(package: Any, actor_of: Act) -> None:
    s = do_ship(actor_of("sam"), package.items.get(item__rank=1).pk, 4, "Rzeszów", "2026-11-01")
    with pytest.raises(Exception, match="say why"):
        do_receive(actor_of("olga"), s.pk, "2026-11-03", "", quantity=3)
    do_receive(actor_of("olga"), s.pk, "2026-11-03", "one damaged in transit", quantity=3)
    s.refresh_from_db()
    assert (s.received, s.receipt_event.quantity) == (3, 3)
    assert queries.event_detail(queries.CONSOLE, s.ledger_event_id)["status"] == "partial"


def test_a_shipment_for_an_item_of_another_package_is_refused_and_nothing_is_written(
    package: Any, approved: Any, actor_of: Act, client_as: Client
) -> None:
    second = approved.items.get(rank=2)
    other = do_create_package(actor_of("alice"), "Package B", {second.pk: 20})
    stray = other.items.get()
    before = written()
    with pytest.raises(WrongPackage) as err:
        do_ship(actor_of("sam"), stray.pk, 1, "Rzeszów", "2026-11-01", package=package.pk)
    assert err.value.field == "package_item" and "Package B" in str(err.value)
    page = client_as("sam").post(
        f"/purl/packages/{package.pk}/ship/",
        {"package_item": stray.pk, "quantity": 1, "hub": "Rzeszów", "shipped_on": "2026-11-01"},
    )
    assert page.status_code == 422 and b'data-testid="error-package_item"' in page.content
    api = client_as("sam").post(
        "/api/v1/purl/deliveries",
        {
            "package_item": stray.pk,
            "quantity": 1,
            "hub": "Rzeszów",
            "shipped_on": "2026-11-01",
            "package": package.pk,
        },
        content_type="application/json",
    )
    assert api.status_code == 422 and api.json()["error"]["type"] == "WrongPackage"
    assert written() == before


def test_each_funders_share_of_the_deliveries_is_pro_rata_and_counted_once(
    package: Any, actor_of: Act, dieter: Any, client_as: Client
) -> None:
    commit(actor_of("nora"), "NOR", "60000000", "USD", package)
    commit(actor_of("dieter"), "DEU", "20000000", "USD", package)
    s = do_ship(actor_of("sam"), package.items.get(item__rank=1).pk, 10, "Rzeszów", "2026-11-01")  # 40 M USD
    do_receive(actor_of("olga"), s.pk, "2026-11-03")
    p = pools.pool(queries.CONSOLE, pool_of(package.pk))
    assert p.shares_pct == {"DEU": Decimal("25.00"), "NOR": Decimal("75.00")}
    assert p.by_party()["NOR"]["received"] == Money.parse("30000000", "USD")
    assert p.by_party()["DEU"]["shipped"] == Money.parse("10000000", "USD")
    whole = pools.delivered_by_party(queries.CONSOLE)
    assert Money.total((r["shipped"] for r in whole["by_party"].values()), "USD") == whole["shipped"]
    page = client_as("alice").get(f"/purl/packages/{package.pk}/").content.decode()
    shares = page[page.index('data-testid="delivery-shares"') :]
    assert '<td>NOR</td><td class="num">75.00</td><td class="num">30.0</td>' in shares
    # The ledger's balances show the same shares beside the money.
    ledger_page = client_as("alice").get("/ledger/?party=NOR").content.decode()
    assert "30,000,000.00 USD" in ledger_page


def test_the_board_never_adds_missiles_to_kits_and_shows_progress_by_value(
    package: Any, actor_of: Act, client_as: Client
) -> None:
    do_receive(
        actor_of("olga"),
        do_ship(actor_of("sam"), package.items.get(item__rank=1).pk, 5, "Rzeszów", "2026-11-01").pk,
        "2026-11-02",
    )
    page = client_as("alice").get("/purl/").content.decode()
    card = page[page.index(f'data-testid="delivery-{package.pk}"') :][:400]
    assert "20.0 of 100.0 million USD received (by value)" in card
    assert "5 of 10 missiles; 0 of 60 kits" in page
    assert "of 70 received" not in page and "5 of 70" not in page
    csv = client_as("alice").get("/purl/packages.csv").content.decode()
    header = next(line for line in csv.splitlines() if not line.startswith("#")).split(",")
    assert "quantity" not in header and "received_by_unit" in header and "received_value_usd" in header


def test_the_package_page_fills_as_given_and_share_and_notes_over_funding(
    package: Any, actor_of: Act, dieter: Any, client_as: Client
) -> None:
    commit(actor_of("nora"), "NOR", "800000000", "NOK", package)  # about 79 M USD
    commit(actor_of("dieter"), "DEU", "30000000", "EUR", package)  # about 35 M USD: over the 100 M target
    from veille.purl.services import do_pledge

    do_pledge(actor_of("nora"), ContributionData("NOR", "1000000", "NOK", DAY, ["x"], package=package.pk))
    page = client_as("alice").get(f"/purl/packages/{package.pk}/").content.decode()
    start = page.index('data-testid="contributors"')
    table = page[start : page.index("</table>", start)]
    rows = [re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S) for row in table.split("<tr>")[2:]]
    assert [cells[0].split("<")[1].split(">")[1] for cells in rows] == ["NOR", "DEU"]
    for cells in rows:
        assert cells[1].strip() and cells[4].strip(), cells  # "As given" and "Share (%)" are never blank
    assert "800,000,000.00 NOK; pledged 1,000,000.00 NOK" in rows[0][1]
    shares = [Decimal(cells[4].split("<")[0]) for cells in rows]
    assert sum(shares) == Decimal("100.0") and shares[0] > shares[1]
    assert 'data-testid="over-funded"' in page and "Over-funded" in page
    rates = page[page.index('data-testid="rates"') :]
    assert "<td>NOK</td>" in rates and "<td>EUR</td>" in rates and "<td>CAD</td>" not in rates


def test_the_rates_list_only_the_currencies_the_package_uses(
    package: Any, actor_of: Act, client_as: Client, public_record: Any
) -> None:
    commit(actor_of("nora"), "NOR", "100000000", "NOK", package)
    page = client_as("alice").get(f"/purl/packages/{package.pk}/").content.decode()
    section = page[page.index('data-testid="rates"') :]
    for currency in ("CAD", "DKK", "AUD", "NZD", "EUR"):
        assert f"<td>{currency}</td>" not in section, currency
    assert "<td>NOK</td>" in section


def test_the_api_refuses_a_receipt_of_more_than_was_shipped_naming_the_field(
    package: Any, actor_of: Act, client_as: Client
) -> None:
    s = do_ship(actor_of("sam"), package.items.get(item__rank=1).pk, 2, "Rzeszów", "2026-11-01")
    before = written()
    response = client_as("olga").post(
        f"/api/v1/purl/deliveries/{s.pk}/receipt",
        {"received_on": "2026-11-02", "quantity": 3},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert (response.json()["error"]["type"], response.json()["error"]["field"]) == (
        "OverReceipt",
        "quantity",
    )
    assert written() == before
    ok = client_as("olga").post(
        f"/api/v1/purl/deliveries/{s.pk}/receipt",
        {"received_on": "2026-11-02"},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["received_quantity"] == 2 and ok.json()["receipt_event"]
