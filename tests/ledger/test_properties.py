"""Property tests of the ledger against an independent replay of its rows.

Random sequences of commitments, children, amendments, reversals and pass-through legs are sent to
the services (some are refused, as they should be). Then: every chain conserves (no event gives
more than it has), pass-through legs are counted once, and an "as of" answer never changes when
later events arrive.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veille.core.errors import VeilleError
from veille.ledger import figures, queries, services
from veille.ledger.models import FLOW_KINDS, Kind, LedgerEvent
from veille.nations.access import Actor

from .conftest import DAY, SRC

ACTOR = Actor.system_process("tests")
CHILD_KINDS = ("commitment", "allocation", "contract", "disbursement", "shipment")
DO = {
    "commitment": services.do_commit,
    "allocation": services.do_allocate,
    "contract": services.do_contract,
    "disbursement": services.do_disburse,
    "shipment": services.do_ship,
}

amounts = st.integers(min_value=1, max_value=10_000).map(str)
ops = st.lists(
    st.one_of(
        st.tuples(st.just("commit"), amounts, st.sampled_from(["EUR", "USD"])),
        st.tuples(st.just("pledge"), amounts, st.sampled_from(["EUR", "NOK"])),
        st.tuples(
            st.just("child"),
            st.integers(0, 30),
            st.sampled_from(CHILD_KINDS),
            amounts,
            st.sampled_from(["EUR", "EUR", "USD"]),
        ),
        st.tuples(st.just("amend"), st.integers(0, 30), st.integers(-5_000, 5_000).filter(bool).map(str)),
        st.tuples(st.just("reverse"), st.integers(0, 30)),
        st.tuples(st.just("leg"), st.integers(0, 30), st.sampled_from(["USA", "POL"]), amounts),
    ),
    min_size=1,
    max_size=25,
)


def apply(steps: list[tuple[Any, ...]], written: list[LedgerEvent]) -> None:
    for step in steps:
        try:
            if step[0] == "pledge":
                written.append(
                    services.do_pledge(
                        ACTOR,
                        services.NewEvent(
                            party="NOR", value_date=DAY, sources=SRC, amount=step[1], currency=step[2]
                        ),
                    )
                )
            elif step[0] == "commit":
                written.append(
                    services.do_commit(
                        ACTOR,
                        services.NewEvent(
                            party="NOR", value_date=DAY, sources=SRC, amount=step[1], currency=step[2]
                        ),
                    )
                )
            elif not written:
                continue
            elif step[0] == "child":
                parent = written[step[1] % len(written)]
                written.append(
                    DO[step[2]](
                        ACTOR,
                        services.NewEvent(
                            party=parent.party_id,
                            value_date=DAY,
                            sources=SRC,
                            amount=step[3],
                            currency=step[4],
                            parent=parent.pk,
                        ),
                    )
                )
            elif step[0] == "amend":
                target = written[step[1] % len(written)]
                written.append(
                    services.do_amend(
                        ACTOR,
                        services.Change(
                            event=target.pk, sources=SRC, amount=step[2], currency=target.currency
                        ),
                    )
                )
            elif step[0] == "reverse":
                written.append(
                    services.do_reverse(
                        ACTOR, services.Change(event=written[step[1] % len(written)].pk, sources=SRC)
                    )
                )
            elif step[0] == "leg":
                origin = written[step[1] % len(written)]
                written.append(
                    services.do_commit(
                        ACTOR,
                        services.NewEvent(
                            party=step[2],
                            value_date=DAY,
                            sources=SRC,
                            amount=step[3],
                            currency="USD",
                            pass_through_of=origin.pk,
                        ),
                    )
                )
        except VeilleError:
            pass  # refused: and nothing may have been written (checked by the replay)


def replay(rows: list[LedgerEvent]) -> tuple[dict[int, int], dict[int, int]]:
    """Sizes and draws recomputed from the rows alone, the slow and obvious way."""
    by_id = {r.pk: r for r in rows}
    reversed_ = {r.parent_id for r in rows if r.kind == Kind.REVERSAL}
    live_amendments: dict[int, list[LedgerEvent]] = defaultdict(list)
    for r in rows:
        if r.kind == Kind.AMENDMENT and r.pk not in reversed_:
            live_amendments[r.parent_id].append(r)  # type: ignore[index]
    sizes, drawn = {}, defaultdict(int)
    for r in rows:
        if r.kind not in FLOW_KINDS:
            continue
        if r.pk in reversed_:
            sizes[r.pk] = 0
            continue
        sizes[r.pk] = r.units + sum(a.units for a in live_amendments[r.pk])
        if r.parent_id is not None and r.parent_id in by_id:
            drawn[r.parent_id] += (r.draw or 0) + sum(a.draw or 0 for a in live_amendments[r.pk])
    return sizes, dict(drawn)


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops, ops)
def test_chains_conserve_count_once_and_past_answers_never_change(
    nations: None, alice: Any, first: list[tuple[Any, ...]], later: list[tuple[Any, ...]]
) -> None:
    with transaction.atomic():
        written: list[LedgerEvent] = []
        apply(first, written)
        instant = timezone.now()
        before = queries.report(alice, currency="EUR", as_of=instant)
        statuses_before = queries.status_counts(alice, as_of=instant)
        apply(later, written)

        rows = list(LedgerEvent.objects.all())
        fig = queries.figures(LedgerEvent.objects.all())
        sizes, drawn = replay(rows)
        # Conservation: the database's sums are the replay's, and no event gives more than it has.
        assert {k: v for k, v in fig.sizes.items() if k in sizes} == sizes
        assert {k: v for k, v in fig.drawn.items() if v} == {k: v for k, v in drawn.items() if v}
        assert all(drawn.get(pk, 0) <= size for pk, size in sizes.items())
        assert all(size >= 0 for size in sizes.values())
        # The statuses counted in SQL follow the same rules as derive_status row by row.
        everything = LedgerEvent.objects.all()
        assert queries.status_counts(alice) == queries.count_statuses_in_python(everything, fig)
        # The figures the services kept are those rebuilt from the events alone, and the counts read
        # from them (a reader who sees everything, now) are those of the SQL over the events.
        assert figures.differences() == {}
        # The whole report read from the kept tables (a reader who sees everything, now) is the one
        # computed from the events (the same reader, as of an instant after every write).
        for currency in ("EUR", "NOK", None):
            kept = queries.report(queries.CONSOLE, currency=currency)
            replayed = queries.report(queries.CONSOLE, currency=currency, as_of=timezone.now())
            kept.as_of = replayed.as_of
            assert kept == replayed
        assert queries.status_counts(queries.CONSOLE) == queries._count_statuses_sql(everything)
        assert queries.status_counts(queries.CONSOLE) == queries.count_statuses_in_python(everything, fig)

        # Count once: legs (and what follows them) are never in the totals.
        after = queries.report(alice, currency="EUR")
        assert all(t.party == "NOR" for t in after.totals)
        counted = sum(
            (r.amount_minor or 0)
            for r in rows
            if r.counted and r.counts_as == Kind.COMMITMENT and r.currency == "EUR"
        )
        eur_total = sum(
            (t.by_currency.get("EUR").minor_units if t.by_currency.get("EUR") else 0)
            for t in after.totals
            if t.kind == Kind.COMMITMENT
        )
        assert eur_total == counted

        # As of the instant between the two batches, the ledger says what it said then.
        again = queries.report(alice, currency="EUR", as_of=instant)
        assert [t.as_row() for t in again.totals] == [t.as_row() for t in before.totals]
        assert again.rates == before.rates
        assert queries.status_counts(alice, as_of=instant) == statuses_before
        transaction.set_rollback(True)


@pytest.fixture
def alice(users: dict[str, Any]) -> Any:
    return users["alice"]
