"""Materiel on the ledger (DESIGN.md §4, invariants M1 to M4): pooled shipments and their receipts, each
funder's share derived pro rata from its funding at report time, delivered value counted once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veille.audit.models import AuditEvent
from veille.core.money import Money
from veille.ledger import pools, queries, services
from veille.ledger.exceptions import BadFigure, ExceedsParent, MeasureMismatch, WrongParent
from veille.ledger.models import LedgerEvent
from veille.nations.access import Actor

from .conftest import DAY, SRC

Write = Callable[..., LedgerEvent]
POOL = "purl:package:7"
ITEM = "155 mm rounds [rounds]"


def ship(write: Write, quantity: int = 10, unit_usd: str = "5000", **kw: object) -> LedgerEvent:
    fields: dict[str, object] = {
        "party": "USA",
        "counterparty": "UKR",
        "item": ITEM,
        "quantity": quantity,
        "amount": str(Decimal(unit_usd) * quantity),
        "currency": "USD",
        "valuation_method": "estimated unit cost",
        "pool": POOL,
    }
    fields.update(kw)
    return write("shipment", **fields)


def receive(write: Write, shipment: LedgerEvent, quantity: int, **kw: object) -> LedgerEvent:
    return write(
        "receipt",
        party="USA",
        parent=shipment.pk,
        item=ITEM,
        quantity=quantity,
        **kw,  # type: ignore[arg-type]
    )


def fund(write: Write, party: str, amount: str, currency: str = "USD", **kw: object) -> LedgerEvent:
    return write(
        "commitment", party=party, amount=amount, currency=currency, reference=POOL, counterparty="UKR", **kw
    )


def test_a_pooled_shipment_is_the_deliverers_pass_through_materiel_valued_with_its_method(
    write: Write,
) -> None:
    s = ship(write)
    stored = LedgerEvent.objects.get(pk=s.pk)
    assert (stored.kind, stored.party_id, stored.item, stored.quantity) == ("shipment", "USA", ITEM, 10)
    assert stored.amount == Money.parse("50000", "USD") and stored.valuation_method == "estimated unit cost"
    assert stored.reference == POOL and stored.counted is False and stored.parent is None
    rep = queries.report(queries.CONSOLE)
    assert [t.party for t in rep.totals] == []  # not the deliverer's aid
    assert [(t.party, t.kind, t.quantities) for t in rep.passed_through] == [("USA", "shipment", {ITEM: 10})]


def test_a_pooled_shipment_must_be_valued_so_that_shares_can_be_derived(write: Write) -> None:
    before = LedgerEvent.objects.count(), AuditEvent.objects.count()
    with pytest.raises(BadFigure) as err:
        write("shipment", party="USA", item=ITEM, quantity=3, pool=POOL)
    assert err.value.field == "amount"
    with pytest.raises(MeasureMismatch):
        write("shipment", party="USA", amount="10", currency="USD", pool=POOL, valuation_method="x")
    with pytest.raises(WrongParent):
        write("allocation", party="USA", amount="10", currency="USD", pool=POOL)
    assert (LedgerEvent.objects.count(), AuditEvent.objects.count()) == before


def test_a_shipment_without_a_pool_still_follows_a_commitment(write: Write) -> None:
    with pytest.raises(WrongParent):
        write("shipment", party="USA", item=ITEM, quantity=3)


def test_a_receipt_for_more_than_was_shipped_is_refused_and_writes_nothing(
    write: Write, users: object
) -> None:
    s = ship(write, quantity=10)
    receive(write, s, 6)
    before = LedgerEvent.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ExceedsParent) as err:
        receive(write, s, 5)
    assert err.value.field == "quantity" and "4 " + ITEM in str(err.value)
    assert (LedgerEvent.objects.count(), AuditEvent.objects.count()) == before


def test_a_receipt_counts_the_same_item_and_stays_in_the_pool(write: Write) -> None:
    s = ship(write, quantity=10)
    with pytest.raises(MeasureMismatch):
        write("receipt", party="USA", parent=s.pk, item="another item", quantity=1)
    r = receive(write, s, 10)
    assert (r.reference, r.counted, r.party_id) == (POOL, False, "USA")
    assert queries.event_detail(queries.CONSOLE, s.pk)["status"] == "complete"


def test_ukraines_editor_records_the_receipt_of_what_was_sent_to_ukraine(
    write: Write, actor_of: Callable[[str], Actor]
) -> None:
    s = ship(write, quantity=4)
    r = receive(write, s, 4, actor=actor_of("olga"))
    assert r.actor == "olga"


def test_each_funders_share_is_pro_rata_to_its_funding_at_report_time(write: Write) -> None:
    fund(write, "NOR", "300")
    deu = fund(write, "DEU", "100")
    s = ship(write, quantity=4, unit_usd="25")  # 100 USD
    receive(write, s, 2)
    p = pools.pool(queries.CONSOLE, POOL)
    assert p.attributed and p.shares_pct == {"DEU": Decimal("25.00"), "NOR": Decimal("75.00")}
    assert p.by_party() == {
        "DEU": {"shipped": Money.parse("25", "USD"), "received": Money.parse("12.50", "USD")},
        "NOR": {"shipped": Money.parse("75", "USD"), "received": Money.parse("37.50", "USD")},
    }
    # Shares move with the funding: Germany doubles its commitment, the same delivery is split anew.
    services.do_amend(Actor.system_process("tests"), services.Change(event=deu.pk, amount="200", sources=SRC))
    assert pools.pool(queries.CONSOLE, POOL).shares_pct == {"DEU": Decimal("50.00"), "NOR": Decimal("50.00")}
    # "As of" before the amendment gives the old shares (the ledger reproduces what it showed).
    later = LedgerEvent.objects.order_by("-recorded_at").first()
    assert later is not None
    before = later.recorded_at - dt.timedelta(microseconds=1)
    assert pools.pool(queries.CONSOLE, POOL, as_of=before).shares_pct["DEU"] == Decimal("25.00")


def test_funding_in_other_currencies_is_weighed_in_usd_at_each_value_date(write: Write) -> None:
    fund(write, "NOR", "1000000", "NOK")
    fund(write, "DEU", "100000", "EUR")
    ship(write, quantity=1, unit_usd="1000")
    p = pools.pool(queries.CONSOLE, POOL)
    assert {r.currency for r in p.rates} == {"NOK", "EUR"}
    assert sum(p.shares_pct.values()) in (Decimal("100.00"), Decimal("99.99"), Decimal("100.01"))
    assert Money.total((row["shipped"] for row in p.by_party().values()), "USD") == Money.parse("1000", "USD")


def test_an_allocation_inside_a_commitment_of_the_same_pool_is_not_added_again(write: Write) -> None:
    c = fund(write, "NOR", "300")
    write("allocation", party="NOR", amount="100", currency="USD", parent=c.pk, reference=POOL)
    fund(write, "DEU", "300")
    ship(write, quantity=1, unit_usd="60")
    assert pools.pool(queries.CONSOLE, POOL).shares_pct == {"DEU": Decimal("50.00"), "NOR": Decimal("50.00")}


def test_money_moved_to_another_pool_is_counted_there_not_here(write: Write) -> None:
    c = fund(write, "NOR", "300")
    write("allocation", party="NOR", amount="200", currency="USD", parent=c.pk, reference="purl:package:8")
    fund(write, "DEU", "100")
    ship(write, quantity=1, unit_usd="60")
    assert pools.pool(queries.CONSOLE, POOL).shares_pct == {"DEU": Decimal("50.00"), "NOR": Decimal("50.00")}


def test_a_delivery_without_funding_stays_unattributed_never_guessed(write: Write) -> None:
    ship(write, quantity=2, unit_usd="10")
    found = pools.delivered_by_party(queries.CONSOLE)
    assert found["by_party"] == {} and found["unattributed"]["shipped"] == Money.parse("20", "USD")
    assert pools.pool(queries.CONSOLE, POOL).why_not == pools.NO_FUNDING


def test_a_reader_who_cannot_see_all_the_funding_gets_no_shares(
    write: Write, users: dict[str, object]
) -> None:
    fund(write, "NOR", "300", releasable_to="PUBLIC")
    fund(write, "DEU", "100", releasable_to="NATIONS", releasable_nations=["DEU"])
    ship(write, quantity=1, unit_usd="100", releasable_to="PUBLIC")
    seen = pools.pool(users["pawel"], POOL)
    assert not seen.attributed and seen.why_not == pools.NOT_RELEASABLE
    assert all(not d.shipped_by_party for d in seen.deliveries)
    assert pools.pool(users["alice"], POOL).attributed


def test_synthetic_deliveries_are_left_out_unless_asked_for(write: Write) -> None:
    fund(write, "NOR", "100", synthetic=True)
    s = ship(write, quantity=1, unit_usd="100", synthetic=True)
    r = receive(write, s, 1)
    assert LedgerEvent.objects.get(pk=r.pk).synthetic is True  # a child of a demo record is one too
    assert pools.pools(queries.CONSOLE) == []
    assert pools.delivered_by_party(queries.CONSOLE, include_synthetic=True)["by_party"]["NOR"][
        "shipped"
    ] == (Money.parse("100", "USD"))
    assert queries.report(queries.CONSOLE).totals == []
    assert [t.party for t in queries.report(queries.CONSOLE, include_synthetic=True).totals] == ["NOR"]


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    funding=st.lists(
        st.tuples(st.sampled_from(["NOR", "DEU", "POL", "NLD"]), st.integers(1, 10**9)),
        min_size=1,
        max_size=6,
    ),
    shipments=st.lists(st.tuples(st.integers(1, 500), st.integers(1, 10**6)), min_size=1, max_size=5),
)
def test_shares_of_every_delivery_add_up_to_its_value_exactly(
    nations: None, funding: list[tuple[str, int]], shipments: list[tuple[int, int]]
) -> None:
    """M3: delivered value is counted once, whatever the funders and the deliveries."""
    actor = Actor.system_process("tests")
    try:  # each example in a transaction of its own, rolled back at its end
        with transaction.atomic():
            for party, cents in funding:
                services.do_commit(
                    actor,
                    services.NewEvent(
                        party=party,
                        value_date=DAY,
                        sources=SRC,
                        amount=Money.from_minor(cents, "USD"),
                        reference=POOL,
                    ),
                )
            for quantity, unit_cents in shipments:
                services.do_ship(
                    actor,
                    services.NewEvent(
                        party="USA",
                        value_date=DAY,
                        sources=SRC,
                        item=ITEM,
                        quantity=quantity,
                        amount=Money.from_minor(quantity * unit_cents, "USD"),
                        valuation_method="estimated unit cost",
                        pool=POOL,
                    ),
                )
            p = pools.pool(queries.CONSOLE, POOL)
            shipped = sum((Money.from_minor(q * u, "USD") for q, u in shipments), Money.zero("USD"))
            parts = p.by_party()
            assert Money.total((row["shipped"] for row in parts.values()), "USD") == shipped
            for d in p.deliveries:
                assert Money.total(d.shipped_by_party.values(), "USD") == d.value
            weights: dict[str, int] = {}
            for party, cents in funding:
                weights[party] = weights.get(party, 0) + cents
            biggest = max(weights, key=lambda k: (weights[k], k))
            smallest = min(weights, key=lambda k: (weights[k], k))
            assert parts[biggest]["shipped"] >= parts[smallest]["shipped"]
            raise _Rollback
    except _Rollback:
        pass


class _Rollback(Exception):
    """Ends an example's transaction without keeping its rows."""


def test_the_kept_figures_of_materiel_are_those_rebuilt_from_the_events(write: Write) -> None:
    """Invariant 7 for materiel: statuses and day sums kept with pooled shipments and receipts equal
    a rebuild from the events, and the kept report equals the one computed from the events."""
    from django.utils import timezone

    from veille.ledger import figures

    fund(write, "NOR", "300")
    s = ship(write, quantity=10)
    receive(write, s, 4)
    receive(write, s, 6)
    services.do_reverse(
        Actor.system_process("tests"), services.Change(event=ship(write, quantity=2).pk, sources=SRC)
    )
    assert figures.differences() == {}
    kept = queries.report(queries.CONSOLE, currency="EUR")
    replayed = queries.report(queries.CONSOLE, currency="EUR", as_of=timezone.now())
    kept.as_of = replayed.as_of
    assert kept == replayed
    assert queries.event_detail(queries.CONSOLE, s.pk)["status"] == "complete"
