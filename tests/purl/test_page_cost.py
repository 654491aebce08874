"""The PURL overview's queries do not grow with the packages: each package's funding events, their
ledger figures and its items with their shipments are read for all packages at once (the page made
about 14 queries per package on the demo data). Counted, not timed; the figures shown are those
each package's own reading gives."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from veille.nations.access import Actor
from veille.purl import queries
from veille.purl.services import ContributionData, do_commit, do_create_package, do_pledge


def add_packages(approved: Any, actor_of: Callable[[str], Actor], n: int, start: int) -> None:
    first, second = approved.items.order_by("rank")
    for i in range(start, start + n):
        package = do_create_package(actor_of("alice"), f"Package {i}", {first.pk: 1, second.pk: 1})
        for nation, who, currency in (("NOR", "nora", "NOK"), ("USA", "sam", "USD")):
            data = ContributionData(
                nation=nation,
                amount=str(1_000_000 + i),
                currency=currency,
                value_date=dt.date(2026, 3, 1) + dt.timedelta(days=i),
                sources=["test fixture"],
                package=package.pk,
            )
            (do_commit if nation == "NOR" else do_pledge)(actor_of(who), data)


def page_queries(client: Any) -> int:
    with CaptureQueriesContext(connection) as seen:
        assert client.get("/purl/").status_code == 200
    return len(seen)


def test_the_overview_queries_do_not_grow_with_the_packages(
    approved: Any, actor_of: Callable[[str], Actor], client_as: Callable[[str | None], Any]
) -> None:
    add_packages(approved, actor_of, 2, 0)
    readers = {name: client_as(name) for name in ("nora", "alice", "pawel")}
    with_2 = {name: page_queries(c) for name, c in readers.items()}
    add_packages(approved, actor_of, 4, 2)
    with_6 = {name: page_queries(c) for name, c in readers.items()}
    assert with_6 == with_2
    assert max(with_6.values()) <= 35, with_6


def test_the_board_gives_each_package_the_funding_of_its_own_reading(
    approved: Any, actor_of: Callable[[str], Actor], users: dict[str, Any]
) -> None:
    add_packages(approved, actor_of, 3, 0)
    for name in ("nora", "alice", "pawel", "eve"):
        rows, conv = queries.board(users[name])
        for row in rows:
            alone = queries.coverage(users[name], row["package"], queries.Rates(conv.fx))
            assert (row["committed_usd"], row["pledged_open_usd"], row["funding_access"]) == (
                alone.committed_usd if alone.known else None,
                alone.pledged_open_usd if alone.known else None,
                alone.access,
            ), (name, row["name"])
            assert row["items"] == len(queries.package_items(row["package"], users[name]))


def lists_page_queries(client: Any) -> int:
    with CaptureQueriesContext(connection) as seen:
        assert client.get("/purl/lists/").status_code == 200
    return len(seen)


def test_the_lists_page_queries_do_not_grow_with_the_packages(
    approved: Any, actor_of: Callable[[str], Actor], client_as: Callable[[str | None], Any]
) -> None:
    """The coverage per month reads every package's items and funding at once (it read them package
    by package)."""
    add_packages(approved, actor_of, 2, 0)
    readers = {name: client_as(name) for name in ("nora", "alice", "pawel")}
    with_2 = {name: lists_page_queries(c) for name, c in readers.items()}
    add_packages(approved, actor_of, 4, 2)
    with_6 = {name: lists_page_queries(c) for name, c in readers.items()}
    assert with_6 == with_2
