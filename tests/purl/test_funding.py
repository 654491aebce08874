"""Packages, contributions on the ledger (pledge, commitment, allocation), coverage in USD at dated
ECB rates, deliveries and their receipt, notifications."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail

from veille.core.errors import InvalidInput, PermissionDenied
from veille.core.fx import NoRateBefore
from veille.core.money import UnknownCurrency
from veille.ledger.exceptions import ExceedsParent
from veille.ledger.models import LedgerEvent
from veille.ledger.queries import CONSOLE
from veille.nations.exceptions import WrongNation
from veille.notices.models import Notice
from veille.purl.exceptions import AlreadyReceived, ItemNotApproved, OverDelivery, QuantityTaken
from veille.purl.models import Contribution, PackageVersion, Shipment
from veille.purl.queries import board, coverage, package_items
from veille.purl.services import (
    ContributionData,
    do_allocate,
    do_amend_pledge,
    do_change_package,
    do_commit,
    do_create_package,
    do_pledge,
    do_receive,
    do_ship,
)

Act = Callable[[str], Any]
DAY = dt.date(2026, 10, 15)  # the ECB published EUR, NOK and USD rates that day


def give(
    nation: str, amount: str, currency: str, package: Any = None, day: dt.date = DAY
) -> ContributionData:
    return ContributionData(nation, amount, currency, day, ["test"], package=package.pk if package else None)


def test_a_package_of_approved_items_is_versioned(package: Any, actor_of: Act, approved: Any) -> None:
    assert package.target_usd == Decimal("100000000.00")
    second = approved.items.get(rank=2)
    do_change_package(
        actor_of("alice"), package.pk, {second.pk: 40}, target_usd="500000000", reason="bigger target"
    )
    package.refresh_from_db()
    versions = list(
        PackageVersion.objects.filter(package=package).values_list("version", "value_usd", "target_usd")
    )
    assert versions == [
        (1, Decimal("100000000.00"), Decimal("100000000.00")),
        (2, Decimal("80000000.00"), Decimal("500000000.00")),
    ]
    assert PackageVersion.objects.get(package=package, version=1).composition[1]["quantity"] == 60


def test_an_items_quantity_may_be_split_across_packages_but_not_exceeded(
    package: Any, actor_of: Act, approved: Any
) -> None:
    second = approved.items.get(rank=2)
    other = do_create_package(actor_of("alice"), "Package B", {second.pk: 40})
    assert other.items.get().quantity == 40
    with pytest.raises(QuantityTaken):
        do_create_package(actor_of("alice"), "Package C", {second.pk: 1})


def test_only_items_of_approved_lists_are_packaged(draft: Any, actor_of: Act) -> None:
    with pytest.raises(ItemNotApproved):
        do_create_package(actor_of("alice"), "Too early", {draft.items.first().pk: 1})


@pytest.mark.parametrize("who", ["nora", "olga", "sam", "pawel"])
def test_only_coordinators_compose_packages(approved: Any, actor_of: Act, who: str) -> None:
    with pytest.raises(PermissionDenied):
        do_create_package(actor_of(who), "Not theirs", {approved.items.first().pk: 1})


def test_two_nations_commit_in_eur_and_nok_and_the_package_is_fully_funded(
    package: Any, actor_of: Act, dieter: Any, users: Any, django_capture_on_commit_callbacks: Any
) -> None:
    users["alice"].email = "alice@example.org"
    users["alice"].save()
    do_commit(actor_of("dieter"), give("DEU", "50000000", "EUR", package))
    assert not coverage(CONSOLE, package).fully_funded
    with django_capture_on_commit_callbacks(execute=True):
        do_commit(actor_of("nora"), give("NOR", "500000000", "NOK", package))
    fund = coverage(CONSOLE, package)
    # Each amount at the ECB rate of its value date, 2026-10-15.
    fx = {r["currency"]: r for r in fund.rates}
    assert set(fx) == {"EUR", "NOK"} and fx["EUR"]["rate_date"] == "2026-10-15"
    eur_usd = Decimal(fx["EUR"]["usd_per_unit"])
    assert fund.by_nation["DEU"]["committed_usd"] == (Decimal(50_000_000) * eur_usd).quantize(Decimal("0.01"))
    assert fund.fully_funded and fund.committed_usd > package.target_usd
    assert Notice.objects.filter(kind="funded", user=users["alice"]).count() == 1
    assert Notice.objects.filter(kind="funded", user=users["dieter"]).count() == 1
    assert not Notice.objects.filter(kind="funded", user=users["pawel"]).exists()
    funded = Notice.objects.filter(kind="funded").select_related("user")
    notified = sorted(n.user.email for n in funded if n.user.email)
    assert sorted(m.to[0] for m in mail.outbox) == notified
    assert {"alice@example.org", "dieter@example.org"} <= set(notified)
    assert users["pawel"].email not in notified
    # Money lives in the ledger, linked from PURL.
    events = LedgerEvent.objects.filter(reference=f"purl:package:{package.pk}")
    assert sorted(events.values_list("party_id", "currency", "kind")) == [
        ("DEU", "EUR", "commitment"),
        ("NOR", "NOK", "commitment"),
    ]


def test_an_editor_pledges_only_for_its_own_nation(package: Any, actor_of: Act) -> None:
    with pytest.raises(WrongNation):
        do_pledge(actor_of("nora"), give("POL", "10", "PLN", package))
    with pytest.raises(PermissionDenied):
        do_pledge(actor_of("pawel"), give("POL", "10", "PLN", package))
    assert not Contribution.objects.exists() and not LedgerEvent.objects.exists()


def test_pledging_in_an_unknown_currency_is_refused(package: Any, actor_of: Act) -> None:
    with pytest.raises(UnknownCurrency) as exc:
        do_pledge(actor_of("nora"), give("NOR", "10", "KRONER", package))
    assert exc.value.field == "currency"
    assert not Contribution.objects.exists() and not LedgerEvent.objects.exists()


def test_a_value_date_without_an_ecb_rate_is_refused(package: Any, actor_of: Act) -> None:
    with pytest.raises(NoRateBefore):
        do_commit(actor_of("nora"), give("NOR", "10", "NOK", package, day=dt.date(1998, 1, 5)))
    assert not Contribution.objects.exists()


def test_committing_more_than_pledged_needs_an_amendment(package: Any, actor_of: Act) -> None:
    pledge = do_pledge(actor_of("nora"), give("NOR", "100000000", "NOK", package))
    fund = coverage(CONSOLE, package)
    assert fund.committed_usd == 0 and fund.pledged_open_usd > 0  # a pledge is shown apart
    with pytest.raises(ExceedsParent):
        do_commit(actor_of("nora"), give("NOR", "100000001", "NOK"), contribution=pledge.pk)
    assert LedgerEvent.objects.count() == 1
    do_amend_pledge(actor_of("nora"), pledge.pk, "50000000", ["raised by the Storting"])
    do_commit(actor_of("nora"), give("NOR", "150000000", "NOK"), contribution=pledge.pk)
    fund = coverage(CONSOLE, package)
    assert fund.pledged_open_usd == 0 and fund.by_nation["NOR"]["original"] == ["150,000,000.00 NOK"]


def test_a_general_contribution_is_allocated_to_a_package_by_a_coordinator(
    package: Any, actor_of: Act
) -> None:
    general = do_commit(actor_of("nora"), give("NOR", "300000000", "NOK"))
    assert coverage(CONSOLE, package).committed_usd == 0
    with pytest.raises(PermissionDenied):
        do_allocate(actor_of("nora"), general.pk, package.pk, "100", "NOK", DAY, ["x"])
    with pytest.raises(ExceedsParent):
        do_allocate(actor_of("alice"), general.pk, package.pk, "300000001", "NOK", DAY, ["x"])
    do_allocate(actor_of("alice"), general.pk, package.pk, "100000000", "NOK", DAY, ["coordination board"])
    fund = coverage(CONSOLE, package)
    assert fund.by_nation["NOR"]["original"] == ["100,000,000.00 NOK"]


def test_shipments_and_receipt_derive_the_delivery_status(
    package: Any, actor_of: Act, users: Any, django_capture_on_commit_callbacks: Any
) -> None:
    interceptors = package.items.get(item__rank=1)
    first = do_ship(actor_of("sam"), interceptors.pk, 4, "Rzeszów", "2026-11-01")
    assert package_items(package, users["alice"])[0]["delivery"] == "none"
    with pytest.raises(PermissionDenied):
        do_receive(actor_of("alice"), first.pk, "2026-11-03")
    with pytest.raises(InvalidInput) as exc:
        do_receive(actor_of("olga"), first.pk, "2026-10-30")
    assert exc.value.field == "received_on"
    with django_capture_on_commit_callbacks(execute=True):
        do_receive(actor_of("olga"), first.pk, "2026-11-03", "all there")
    assert package_items(package, users["alice"])[0]["delivery"] == "partial"
    assert Notice.objects.filter(kind="received", user=users["sam"]).exists()
    with pytest.raises(AlreadyReceived):
        do_receive(actor_of("olga"), first.pk, "2026-11-04")
    rest = do_ship(actor_of("alice"), interceptors.pk, 6, "Rzeszów", "2026-11-05")
    do_receive(actor_of("olga"), rest.pk, "2026-11-06")
    row = next(p for p in board(CONSOLE)[0] if p["id"] == package.pk)
    # 10 missiles of 10 and 0 kits of 60: by value, never "10 of 70" across units.
    assert (row["received_by_unit"], row["delivery"]) == ("10 of 10 missiles; 0 of 60 kits", "partial")
    assert (row["received_value_usd"], row["value_usd"], row["delivered_pct"]) == (
        Decimal("40000000.00"),
        Decimal("100000000.00"),
        Decimal("40.0"),
    )
    assert package_items(package, users["alice"])[0]["delivery"] == "complete"


def test_over_delivering_an_item_is_refused(package: Any, actor_of: Act) -> None:
    interceptors = package.items.get(item__rank=1)
    do_ship(actor_of("sam"), interceptors.pk, 8, "Rzeszów", "2026-11-01")
    with pytest.raises(OverDelivery) as exc:
        do_ship(actor_of("sam"), interceptors.pk, 3, "Rzeszów", "2026-11-02")
    assert exc.value.field == "quantity" and Shipment.objects.count() == 1


@pytest.mark.parametrize("who", ["nora", "olga", "pawel"])
def test_only_the_united_states_and_coordinators_record_shipments(
    package: Any, actor_of: Act, who: str
) -> None:
    with pytest.raises(PermissionDenied):
        do_ship(actor_of(who), package.items.first().pk, 1, "Rzeszów", "2026-11-01")
    assert not Shipment.objects.exists()


def test_funding_coverage_per_month_shares_a_package_among_its_items(package: Any, actor_of: Act) -> None:
    from veille.purl.queries import coverage_by_month

    do_commit(actor_of("nora"), give("NOR", "50000000", "NOK", package))
    (row,) = coverage_by_month(CONSOLE)
    counted = coverage(CONSOLE, package).counted_usd
    # The list needs 140 M USD (10 x 4 M + 100 x 1 M); the package takes 100 M of it.
    assert (row["month"], row["needs_usd"], row["packaged_usd"]) == (
        "2026-10",
        Decimal(140_000_000),
        Decimal(100_000_000),
    )
    assert abs(row["funded_usd"] - counted) <= Decimal("0.02")  # two items' shares, each rounded to the cent
    assert row["coverage_pct"] == (row["funded_usd"] * 100 / row["needs_usd"]).quantize(Decimal("0.1"))
