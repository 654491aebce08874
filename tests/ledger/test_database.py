"""The database itself refuses to change the ledger, and two writers cannot over-allocate."""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, connections, transaction

from veille.ledger import services
from veille.ledger.exceptions import ExceedsParent
from veille.ledger.models import LedgerEvent
from veille.nations.access import Actor

from .conftest import DAY, SRC

Write = Callable[..., LedgerEvent]
TABLE = LedgerEvent._meta.db_table


def test_the_database_rejects_a_raw_update(write: Write) -> None:
    c = write("commitment", amount="100", currency="EUR")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"UPDATE {TABLE} SET amount_minor = 1 WHERE id = %s", [c.pk])  # noqa: S608
    assert LedgerEvent.objects.get(pk=c.pk).amount_minor == 10000


def test_the_database_rejects_a_raw_delete(write: Write) -> None:
    c = write("commitment", amount="100", currency="EUR")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"DELETE FROM {TABLE} WHERE id = %s", [c.pk])  # noqa: S608
    assert LedgerEvent.objects.filter(pk=c.pk).exists()


def test_the_database_accepts_new_rows(write: Write) -> None:
    write("commitment", amount="100", currency="EUR")
    with connection.cursor() as cur:
        cur.execute(f"SELECT COUNT(*) FROM {TABLE}")  # noqa: S608
        assert cur.fetchone()[0] == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_writers_allocating_at_the_same_moment_never_exceed_the_commitment(nations: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks between two real connections: PostgreSQL only")
    actor = Actor.system_process("tests")
    commitment = services.do_commit(
        actor, services.NewEvent(party="NOR", value_date=DAY, sources=SRC, amount="100", currency="EUR")
    )
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def allocate(amount: str) -> None:
        try:
            barrier.wait(timeout=10)
            # Each thread has its own connection: two real PostgreSQL sessions.
            with transaction.atomic():
                services.do_allocate(
                    actor,
                    services.NewEvent(
                        party="NOR",
                        value_date=DAY,
                        sources=SRC,
                        amount=amount,
                        currency="EUR",
                        parent=commitment.pk,
                    ),
                )
            outcomes.append("ok")
        except ExceedsParent:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=allocate, args=(a,)) for a in ("70", "60")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["ok", "refused"]
    allocated = sum(e.amount.amount for e in LedgerEvent.objects.filter(parent=commitment))  # type: ignore[union-attr]
    assert allocated in (Decimal("70.00"), Decimal("60.00"))
    assert services.drawn_from(commitment.pk) <= services.size_of(commitment.pk)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_without_the_lock_the_same_race_would_over_allocate(nations: None) -> None:
    """The control experiment: the check alone, run by both writers before either writes, passes
    for both. This is why the services lock the parent row."""
    if connection.vendor != "postgresql":
        pytest.skip("two real connections: PostgreSQL only")
    actor = Actor.system_process("tests")
    commitment = services.do_commit(
        actor, services.NewEvent(party="NOR", value_date=DAY, sources=SRC, amount="100", currency="EUR")
    )
    barrier = threading.Barrier(2)
    passed: list[str] = []

    def check_only(amount: str) -> None:
        try:
            with transaction.atomic():
                services.check_allocation(
                    actor,
                    services.NewEvent(
                        party="NOR",
                        value_date=DAY,
                        sources=SRC,
                        amount=amount,
                        currency="EUR",
                        parent=commitment.pk,
                    ),
                )
                barrier.wait(timeout=10)
            passed.append(amount)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=check_only, args=(a,)) for a in ("70", "60")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(passed) == ["60", "70"]  # 130 > 100: both would have been written


def _race(work: Callable[[str], None], args: tuple[str, str]) -> None:
    threads = [threading.Thread(target=work, args=(a,)) for a in args]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_receipts_at_the_same_moment_never_exceed_the_shipment(nations: None) -> None:
    """Materiel keeps invariant 8 too: two receipts of one pooled shipment, each possible alone."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks between two real connections: PostgreSQL only")
    actor = Actor.system_process("tests")
    shipment = services.do_ship(
        actor,
        services.NewEvent(
            party="USA",
            counterparty="UKR",
            value_date=DAY,
            sources=SRC,
            item="interceptors [missiles]",
            quantity=10,
            amount="10000000",
            currency="USD",
            valuation_method="estimated unit cost",
            pool="purl:package:1",
        ),
    )
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def receive(quantity: str) -> None:
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                services.do_receive(
                    actor,
                    services.NewEvent(
                        party="USA",
                        value_date=DAY,
                        sources=SRC,
                        item="interceptors [missiles]",
                        quantity=int(quantity),
                        parent=shipment.pk,
                    ),
                )
            outcomes.append("ok")
        except ExceedsParent:
            outcomes.append("refused")
        finally:
            connections.close_all()

    _race(receive, ("7", "6"))
    assert sorted(outcomes) == ["ok", "refused"]
    assert services.drawn_from(shipment.pk) in (7, 6)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_links_into_one_total_at_the_same_moment_never_overfill_it(nations: None) -> None:
    """Two coordinators confirming two contributions inside one tracker total: the total is locked."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks between two real connections: PostgreSQL only")
    from veille.ledger.exceptions import LinkExceedsRecord
    from veille.ledger.links.services import LinkData, do_link
    from veille.ledger.models import LedgerLink

    actor = Actor.system_process("tests")

    def event(kind: str, amount: str) -> LedgerEvent:
        do = services.do_allocate if kind == "allocation" else services.do_commit
        return do(
            actor, services.NewEvent(party="NLD", value_date=DAY, sources=SRC, amount=amount, currency="EUR")
        )

    total = event("allocation", "100")
    parts = {"70": event("commitment", "70"), "60": event("commitment", "60")}
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def link(amount: str) -> None:
        try:
            barrier.wait(timeout=10)
            do_link(actor, LinkData(event=parts[amount].pk, counted_in=total.pk, scope="total"))
            outcomes.append("ok")
        except LinkExceedsRecord:
            outcomes.append("refused")
        finally:
            connections.close_all()

    _race(link, ("70", "60"))
    assert sorted(outcomes) == ["ok", "refused"]
    assert LedgerLink.objects.filter(counted_in=total).count() == 1
