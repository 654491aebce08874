"""The contributions API answers with the work of the records it returns, not of all the others:
``POST /api/v1/purl/contributions`` answers with the record it made, and ``GET ?limit=1`` reads one
page from the database (the issue measured 0.8-1 s per request at 2,057 contributions, every
visible contribution recomputed). Counted, not timed: the queries made and the contributions and
ledger events read must stay the same with 10 and with 200 contributions."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext

from veille.ledger.models import LedgerEvent
from veille.purl.models import Contribution
from veille.purl.services import ContributionData, do_commit

START = dt.date(2025, 1, 1)


def commit_many(actor: Any, first: int, n: int) -> None:
    for i in range(first, first + n):
        data = ContributionData(
            nation="NOR",
            amount=str(1_000_000 + i),
            currency="NOK",
            value_date=START + dt.timedelta(days=i % 500),
            sources=["test fixture"],
        )
        do_commit(actor, data)


@contextmanager
def counted() -> Iterator[dict[str, int]]:
    """Queries made, and contributions and ledger events read from the database, inside the block."""
    got = {"queries": 0, "contributions": 0, "events": 0}

    def seen(sender: Any, **_: Any) -> None:
        got["contributions" if sender is Contribution else "events"] += 1

    post_init.connect(seen, sender=Contribution)
    post_init.connect(seen, sender=LedgerEvent)
    try:
        with CaptureQueriesContext(connection) as queries:
            yield got
        got["queries"] = len(queries)
    finally:
        post_init.disconnect(seen, sender=Contribution)
        post_init.disconnect(seen, sender=LedgerEvent)


def requests(client: Any, i: int) -> dict[str, dict[str, int]]:
    body = {
        "nation": "NOR",
        "kind": "commitment",
        "amount": str(9_000_000 + i),
        "currency": "NOK",
        "value_date": "2026-03-02",
        "source": "NOR MoD",
    }
    out = {}
    with counted() as out["post"]:
        response = client.post(
            "/api/v1/purl/contributions", json.dumps(body), content_type="application/json"
        )
        assert response.status_code == 201, response.content
        assert response.json()["committed"] == f"{9_000_000 + i:,}.00 NOK"
    with counted() as out["get"]:
        page = client.get("/api/v1/purl/contributions", {"limit": 1, "offset": 3})
        assert page.status_code == 200
        assert len(page.json()["items"]) == 1 and page.json()["count"] == Contribution.objects.count()
    return out


def test_work_per_request_does_not_grow_with_the_contributions(
    client_as: Callable[[str], Any], actor_of: Callable[[str], Any]
) -> None:
    nora = client_as("nora")
    commit_many(actor_of("nora"), 0, 10)
    with_10 = requests(nora, 1)
    commit_many(actor_of("nora"), 10, 190)
    with_200 = requests(nora, 2)
    assert Contribution.objects.count() == 202
    for kind in ("post", "get"):
        assert with_200[kind]["queries"] <= with_10[kind]["queries"], (kind, with_10, with_200)
        assert with_200[kind]["contributions"] <= with_10[kind]["contributions"] <= 3, (
            kind,
            with_10,
            with_200,
        )
        assert with_200[kind]["events"] <= with_10[kind]["events"] <= 6, (kind, with_10, with_200)


def test_a_page_of_contributions_is_the_same_rows_as_the_whole_list(
    client_as: Callable[[str], Any], actor_of: Callable[[str], Any], django_assert_max_num_queries: Any
) -> None:
    commit_many(actor_of("nora"), 0, 12)
    alice = client_as("alice")
    whole = alice.get("/api/v1/purl/contributions", {"limit": 100}).json()
    with django_assert_max_num_queries(12):
        page = alice.get("/api/v1/purl/contributions", {"limit": 5, "offset": 4}).json()
    assert page == {"items": whole["items"][4:9], "count": 12}
    assert [r["id"] for r in whole["items"]] == sorted(r["id"] for r in whole["items"])
    filtered = alice.get("/api/v1/purl/contributions", {"nation": "nor", "limit": 2}).json()
    assert filtered["count"] == 12 and filtered["items"] == whole["items"][:2]
    assert alice.get("/api/v1/purl/contributions", {"nation": "DEU"}).json() == {"items": [], "count": 0}
