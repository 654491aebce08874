"""Ledger benchmark: 100,000 events; balances with derived statuses, and an "as of" query.

Runs on SQLite and on PostgreSQL (a database of its own, dropped afterwards). Each figure is
measured against a baseline in the same run: the obvious per-event Python loop (every event read
as a model instance, sizes and draws added up in dictionaries, each amount converted on its own).
Writes its section of docs/benchmarks.md between the ``bench:ledger`` markers.

Usage: python bench/ledger.py [--events 100000] [--backend sqlite|postgres|both]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from _common import machine  # bench/_common.py (the script folder is on the path)
from _common import write_section as put_section

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN = os.environ.get("VEILLE_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
TARGETS_MS = {"balances": 200, "as_of": 300}


def best(fn: Any, repeat: int = 5) -> float:
    fn()  # warm-up: caches of the rate table and of the database
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


# --- the child process: one backend -------------------------------------------------------------


def populate(n_events: int) -> dict[str, Any]:
    """Chains as the ledger writes them: commitments (some drawn from pledges), allocations,
    shipments, receipts; amendments and reversals. Derived columns are those the services set."""
    import datetime as dt
    import random

    from django.utils import timezone

    from veille.core.fx import RateTable
    from veille.core.money import Money
    from veille.ledger.models import Kind, LedgerEvent, Measure
    from veille.nations.access import Actor
    from veille.nations.models import Nation, NationKind
    from veille.nations.services import do_load_reference

    do_load_reference(Actor.system_process("bench"))
    rng = random.Random(2026)
    parties = list(Nation.objects.filter(kind=NationKind.ALLY).values_list("code", flat=True))
    table = RateTable.bundled()
    days = [d for d in table.publication_days() if d >= dt.date(2022, 2, 24)]
    currencies = ["EUR", "USD", "NOK", "GBP", "PLN", "SEK", "CAD", "DKK", "CZK"]
    start = dt.datetime(2022, 3, 1, tzinfo=dt.UTC)
    span = (timezone.now() - start).total_seconds()
    unit = n_events // 40  # 4 pledges, 4 commitments, 12 allocations, 12 shipments, 8 receipts … per unit

    def when(fraction: float) -> dt.datetime:
        return start + dt.timedelta(seconds=span * min(fraction, 0.999))

    def row(**kw: Any) -> LedgerEvent:
        kw.setdefault("measure", Measure.MONEY)
        kw.setdefault("sources", ["bench"])
        kw.setdefault("actor", "system:bench")
        kw.setdefault("releasable_to", "NATO")
        kw.setdefault("counts_as", kw["kind"])
        kw.setdefault("counted", True)
        kw.setdefault("effective_at", dt.datetime.combine(kw["value_date"], dt.time(), tzinfo=dt.UTC))
        kw["owner_nation_id"] = kw["party_id"]
        return LedgerEvent(**kw)

    def create(rows: list[LedgerEvent]) -> list[LedgerEvent]:
        return LedgerEvent.objects.bulk_create(rows, batch_size=2000)

    n_pledges = 2 * unit
    pledges = create(
        [
            row(
                kind=Kind.PLEDGE,
                party_id=rng.choice(parties),
                currency="EUR",
                amount_minor=rng.randint(10_000, 500_000) * 100_000,
                value_date=rng.choice(days[:400]),
                recorded_at=when(i / n_pledges * 0.3),
            )
            for i in range(n_pledges)
        ]
    )
    n_commit = 4 * unit
    commitments = []
    for i in range(n_commit):
        frac = i / n_commit * 0.6
        if i < n_pledges:  # half drawn from a pledge, for part of it
            p = pledges[i]
            amount = p.amount_minor // 2  # type: ignore[operator]
            commitments.append(
                row(
                    kind=Kind.COMMITMENT,
                    party_id=p.party_id,
                    currency="EUR",
                    amount_minor=amount,
                    value_date=p.value_date,
                    parent_id=p.pk,
                    draws_on_id=p.pk,
                    draw=amount,
                    recorded_at=when(max(frac, 0.31)),
                )
            )
        else:
            commitments.append(
                row(
                    kind=Kind.COMMITMENT,
                    party_id=rng.choice(parties),
                    currency=rng.choice(currencies),
                    counterparty_id="UKR",
                    amount_minor=rng.randint(1_000, 900_000) * 100_000,
                    value_date=rng.choice(days),
                    recorded_at=when(frac),
                )
            )
    commitments = create(commitments)
    allocations = []
    for c in commitments:
        parts = Money.from_minor(c.amount_minor, c.currency).allocate([1, 1, 1])  # type: ignore[arg-type]
        for part in parts:
            allocations.append(
                row(
                    kind=Kind.ALLOCATION,
                    party_id=c.party_id,
                    currency=c.currency,
                    amount_minor=part.minor_units,
                    value_date=c.value_date,
                    parent_id=c.pk,
                    draws_on_id=c.pk,
                    draw=part.minor_units,
                    recorded_at=c.recorded_at + dt.timedelta(days=10),
                )
            )
    allocations = create(allocations)
    shipments = []
    for a in allocations:
        amount = a.amount_minor * rng.choice([50, 80, 100]) // 100  # type: ignore[operator]
        shipments.append(
            row(
                kind=Kind.SHIPMENT,
                party_id=a.party_id,
                currency=a.currency,
                amount_minor=amount,
                value_date=a.value_date,
                parent_id=a.pk,
                draws_on_id=a.pk,
                draw=amount,
                counterparty_id="UKR",
                recorded_at=a.recorded_at + dt.timedelta(days=30),
            )
        )
    shipments = create(shipments)
    receipts = create(
        [
            row(
                kind=Kind.RECEIPT,
                party_id=s.party_id,
                currency=s.currency,
                amount_minor=s.amount_minor,
                value_date=s.value_date,
                parent_id=s.pk,
                draws_on_id=s.pk,
                draw=s.amount_minor,
                counterparty_id="UKR",
                recorded_at=s.recorded_at + dt.timedelta(days=20),
            )
            for s in shipments[: 8 * unit]
        ]
    )
    amendments = []
    for c in rng.sample(commitments[n_pledges:], unit * 2):
        amendments.append(
            row(
                kind=Kind.AMENDMENT,
                counts_as=Kind.COMMITMENT,
                party_id=c.party_id,
                currency=c.currency,
                amount_minor=100_000_00,
                value_date=c.value_date,
                parent_id=c.pk,
                size_of_id=c.pk,
                recorded_at=c.recorded_at + dt.timedelta(days=90),
            )
        )
    create(amendments)
    create(
        [
            row(
                kind=Kind.REVERSAL,
                counts_as=Kind.RECEIPT,
                party_id=r.party_id,
                currency=r.currency,
                amount_minor=-r.amount_minor,
                value_date=r.value_date,
                parent_id=r.pk,
                size_of_id=r.pk,  # type: ignore[operator]
                draws_on_id=r.draws_on_id,
                draw=-r.draw,
                recorded_at=r.recorded_at + dt.timedelta(days=5),
            )  # type: ignore[operator]
            for r in rng.sample(receipts, min(len(receipts), n_events - LedgerEvent.objects.count()))
        ]
    )
    # The rows above were written in bulk, not through the services: derive their figures as a
    # rebuild does (the services keep them with each write).
    from veille.ledger import figures

    t = time.perf_counter()
    figures.rebuild()
    return {"events": LedgerEvent.objects.count(), "rebuild_s": time.perf_counter() - t}


def naive_report(as_of: Any, party: str | None = None) -> dict[str, Any]:
    """The baseline: every event as a model instance, one conversion per event, dictionaries."""
    from collections import defaultdict

    from veille.ledger import rates
    from veille.ledger.models import FLOW_KINDS, Kind, LedgerEvent, derive_status

    fx = rates.converter()
    qs = LedgerEvent.objects.all()
    if party is not None:
        qs = qs.filter(party_id=party)
    if as_of is not None:
        qs = qs.filter(recorded_at__lte=as_of)
    rows = list(qs)
    sizes: dict[int, int] = defaultdict(int)
    drawn: dict[int, int] = defaultdict(int)
    reversed_ = set()
    totals: dict[tuple[str, str], Any] = {}
    counted: dict[tuple[str, str], int] = defaultdict(int)
    for e in rows:
        sizes[e.size_of_id or e.pk] += e.units
        if e.draws_on_id:
            drawn[e.draws_on_id] += e.draw or 0
        if e.kind == Kind.REVERSAL:
            reversed_.add(e.parent_id)
        if e.counted and e.amount is not None:
            converted = fx.convert(e.amount, "EUR", e.value_date).amount
            key = (e.party_id, e.counts_as)
            totals[key] = totals[key] + converted if key in totals else converted
            counted[key] += 1
    statuses: dict[tuple[str, str, str], int] = defaultdict(int)
    for e in rows:
        if e.kind in FLOW_KINDS:
            statuses[(e.party_id, e.kind, derive_status(sizes[e.pk], drawn[e.pk], e.pk in reversed_))] += 1
    return {"totals": totals, "statuses": dict(statuses), "events": counted}


def child(backend: str, n_events: int) -> dict[str, Any]:
    import datetime as dt

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    info = populate(n_events)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")

    from veille.ledger import queries
    from veille.ledger.models import LedgerEvent

    last = LedgerEvent.objects.order_by("-recorded_at").values_list("recorded_at", flat=True).first()
    first = LedgerEvent.objects.order_by("recorded_at").values_list("recorded_at", flat=True).first()
    assert last is not None and first is not None
    as_of = first + (last - first) / 2
    reader = queries.CONSOLE

    from django.db.models import Count

    party = (
        LedgerEvent.objects.values("party_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("party_id", flat=True)
        .first()
    )

    def whole() -> Any:
        return queries.report(reader, currency="EUR")

    def whole_as_of() -> Any:
        return queries.report(reader, currency="EUR", as_of=as_of)

    def one() -> Any:
        return queries.report(reader, party=party, currency="EUR")

    def one_as_of() -> Any:
        return queries.report(reader, party=party, currency="EUR", as_of=as_of)

    # Same answer both ways before any timing: statuses exactly, totals within the rounding of
    # converting groups rather than single events.
    for fn, args in (
        (whole, (None,)),
        (whole_as_of, (as_of,)),
        (one, (None, party)),
        (one_as_of, (as_of, party)),
    ):
        rep, naive = fn(), naive_report(*args)
        assert rep.statuses == naive["statuses"], "statuses differ from the baseline"
        for t in rep.totals:
            # The baseline rounds each event; veille rounds each total once: half a cent per event.
            allowed = Decimal("0.005") * naive["events"][(t.party, t.kind)] + Decimal("0.01")
            assert t.converted is not None
            assert abs(t.converted.amount - naive["totals"][(t.party, t.kind)].amount) <= allowed, (
                f"totals differ from the baseline: {t.party} {t.kind}"
            )
    # The whole-ledger report reads the tables the services keep; from the events alone (as of an
    # instant after the last event) it must be the same, field by field.
    kept, replayed = whole(), queries.report(reader, currency="EUR", as_of=last + dt.timedelta(seconds=1))
    kept.as_of = replayed.as_of
    assert kept == replayed, "the kept tables give another report than the events"
    measured = {
        "party": party,
        "party_events": LedgerEvent.objects.filter(party_id=party).count(),
        "one_ms": best(one) * 1000,
        "one_naive_ms": best(lambda: naive_report(None, party), repeat=3) * 1000,
        "one_as_of_ms": best(one_as_of) * 1000,
        "one_as_of_naive_ms": best(lambda: naive_report(as_of, party), repeat=3) * 1000,
        "whole_ms": best(whole) * 1000,
        "whole_naive_ms": best(lambda: naive_report(None), repeat=2) * 1000,
        "whole_as_of_ms": best(whole_as_of) * 1000,
        "whole_as_of_naive_ms": best(lambda: naive_report(as_of), repeat=2) * 1000,
        "as_of_events": LedgerEvent.objects.filter(recorded_at__lte=as_of).count(),
        "groups": len(whole().rates),
    }
    return {
        **info,
        **measured,
        "backend": backend,
        "version": connection.pg_version if backend == "postgres" else __import__("sqlite3").sqlite_version,
    }


# --- the parent process: both backends, then the report ---------------------------------------


def run_backend(backend: str, n_events: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "VEILLE_VAR_DIR": tmp,
            "DJANGO_SETTINGS_MODULE": "veille.settings",
            "VEILLE_TEST_DB": "sqlite",
            "PYTHONPATH": str(ROOT / "src"),
        }
        env.pop("PYTEST_VERSION", None)
        dbname = f"veille_bench_ledger_{os.getpid()}"
        if backend == "sqlite":
            env["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        else:
            import psycopg

            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{dbname}"')
            env["DATABASE_URL"] = PG_ADMIN.rsplit("/", 1)[0] + "/" + dbname
        try:
            out = subprocess.run(
                [sys.executable, __file__, "--child", backend, "--events", str(n_events)],
                env=env,
                capture_output=True,
                text=True,
            )
            if out.returncode != 0:
                raise SystemExit(f"{backend} run failed:\n{out.stderr}")
        finally:
            if backend == "postgres":
                import psycopg

                with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def write_section(results: list[dict[str, Any]], n_events: int) -> str:
    lines = [
        "## Ledger",
        "",
        f"`python bench/ledger.py` — {n_events:,} events (pledges, commitments, allocations, shipments, "
        "receipts, amendments, reversals) in chains over 29 allies and 9 currencies. Machine: "
        f"{machine()}, shared with other work while measuring (load average at the end of the run: "
        f"{' / '.join(f'{x:.1f}' for x in os.getloadavg())}). Each figure is the best of 5 runs after a "
        "warm-up; the baseline (best of 2 or 3) is the obvious per-event Python loop: every event read as a "
        "model instance, sizes and draws added up in dictionaries, each amount converted on its own. Both "
        "give the same statuses, and totals within rounding (checked before timing). The one-donor query "
        "is what `veille ledger balance --party` and the ledger page run. A report about the present for a "
        "reader who sees every event reads the figures and day sums the services keep with each write "
        "(checked, field by field, against the same report computed from the events); a report as of a past "
        "instant is computed from the events recorded by then. Rebuilding the kept tables from all the "
        "events (needed only after rows were written around the services, as this benchmark does) takes "
        + " and ".join(
            f"{r['rebuild_s']:.1f} s ({'PostgreSQL' if r['backend'] == 'postgres' else 'SQLite'})"
            for r in results
        )
        + ".",
        "",
        "| database | query | veille | target | baseline | speed-up |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for r in results:
        version = int(r["version"]) if r["backend"] == "postgres" else 0
        name = (
            f"PostgreSQL {version // 10000}.{version % 100}"
            if r["backend"] == "postgres"
            else f"SQLite {r['version']}"
        )
        rows = [
            (
                f"one donor's balances + derived statuses in EUR ({r['party']}, "
                f"{r['party_events']:,} of the events)",
                "one_ms",
                "one_naive_ms",
                "balances",
            ),
            (
                f"the same as of mid-history ({r['as_of_events']:,} events recorded by then)",
                "one_as_of_ms",
                "one_as_of_naive_ms",
                "as_of",
            ),
            (
                f"every donor's balances + derived statuses in EUR ({r['groups']:,} rates used)",
                "whole_ms",
                "whole_naive_ms",
                "balances",
            ),
            ("the same as of mid-history", "whole_as_of_ms", "whole_as_of_naive_ms", "as_of"),
        ]
        for label, mine, naive, target in rows:
            met = "met" if r[mine] < TARGETS_MS[target] else "**missed**"
            lines.append(
                f"| {name} | {label} | {r[mine]:.0f} ms | < {TARGETS_MS[target]} ms ({met}) "
                f"| {r[naive]:.0f} ms | {r[naive] / r[mine]:.1f}x |"
            )
    lines.append("")
    section = "\n".join(lines)
    put_section("ledger", section)
    return section


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--child", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.events), default=str))
        return
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    results = [run_backend(b, args.events) for b in backends]
    print(write_section(results, args.events))


if __name__ == "__main__":
    main()
