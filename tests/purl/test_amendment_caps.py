"""One huge amendment no longer locks the database for everyone (issue: a 16,000-item amendment
took 73 s and 12 of 171 concurrent writes failed with "database is locked"): a list holds at most
``MAX_ITEMS_PER_LIST`` active items and an amendment makes at most ``MAX_CHANGES_PER_AMENDMENT``
changes (422 naming the cap beyond), an amendment reads the list's items once, and SQLite runs in
WAL mode with a busy timeout and ``BEGIN IMMEDIATE``: writers wait for each other, none fails."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.asgi_server import served
from tests.purl.conftest import item_data
from veille.purl import services
from veille.purl.exceptions import TooManyItems
from veille.purl.services import MAX_CHANGES_PER_AMENDMENT, MAX_ITEMS_PER_LIST


def test_an_amendment_past_the_cap_is_refused_naming_it(
    approved: Any, client_as: Callable[[str], Any]
) -> None:
    first = approved.items.get(rank=1)
    changes = [{"item": first.pk, "quantity": 11}] * (MAX_CHANGES_PER_AMENDMENT + 1)
    with pytest.raises(TooManyItems) as refused:
        services.do_amend_list(client_actor(client_as, "olga"), approved.pk, changes, "too much")
    assert refused.value.field == "changes" and str(MAX_CHANGES_PER_AMENDMENT) in refused.value.message
    response = client_as("olga").post(
        f"/api/v1/purl/lists/{approved.pk}/amendments",
        json.dumps({"changes": changes, "reason": "too much"}),
        content_type="application/json",
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["field"] == "changes" and str(MAX_CHANGES_PER_AMENDMENT) in error["message"]
    assert not approved.amendments.exists()
    schema = client_as("olga").get("/api/v1/openapi.json").json()["components"]["schemas"]["AmendmentIn"]
    assert schema["properties"]["changes"]["maxItems"] == MAX_CHANGES_PER_AMENDMENT


def client_actor(client_as: Any, name: str) -> Any:
    from django.contrib.auth import get_user_model

    from veille.nations.access import Actor

    client_as(name)
    return Actor.for_user(get_user_model().objects.get(username=name), via="web")


def test_a_list_holds_at_most_its_cap_of_items(
    draft: Any, approved: Any, actor_of: Callable[[str], Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services.lists, "MAX_ITEMS_PER_LIST", 3)
    adds = [{"add": vars(item_data(rank))} for rank in (3, 4)]
    with pytest.raises(TooManyItems) as refused:
        services.do_amend_list(actor_of("olga"), approved.pk, adds, "two more")
    assert refused.value.field == "items" and "at most 3" in refused.value.message
    services.do_amend_list(actor_of("olga"), approved.pk, adds[:1], "one more")
    reapprove(approved, actor_of)
    assert approved.items.filter(active=True).count() == 3
    # removing one and adding one in the same amendment keeps the count
    third = approved.items.get(rank=3)
    services.do_amend_list(actor_of("olga"), approved.pk, [{"remove": third.pk}, adds[1]], "swap")
    assert sorted(approved.items.filter(active=True).values_list("rank", flat=True)) == [1, 2, 4]


def reapprove(lst: Any, actor_of: Callable[[str], Any]) -> None:
    """Take the list through the approvals an amendment reopened."""
    from veille.purl.workflow import current_step

    deciders = {"UKR": "olga", "NATO": "alice", "USA": "sam"}
    lst.refresh_from_db()
    while (step := current_step(lst.state)) is not None:
        services.do_decide(actor_of(deciders[step]), lst.pk, step, "approve", "again")
        lst.refresh_from_db()


def test_the_draft_list_cap(
    actor_of: Callable[[str], Any], monkeypatch: pytest.MonkeyPatch, draft: Any
) -> None:
    monkeypatch.setattr(services.lists, "MAX_ITEMS_PER_LIST", 2)
    with pytest.raises(TooManyItems):
        services.do_add_item(actor_of("olga"), draft.pk, item_data(3))
    assert MAX_ITEMS_PER_LIST >= MAX_CHANGES_PER_AMENDMENT


def test_an_amendment_reads_the_items_once_whatever_their_number(
    approved: Any, actor_of: Callable[[str], Any]
) -> None:
    def queries_for(n: int, start_rank: int) -> int:
        adds = [{"add": vars(item_data(start_rank + i))} for i in range(n)]
        services.do_amend_list(actor_of("olga"), approved.pk, adds, "more lines")
        reapprove(approved, actor_of)
        changes = [
            {"item": i.pk, "quantity": i.quantity + 1}
            for i in approved.items.filter(rank__range=(start_rank, start_rank + n - 1)).order_by("rank")
        ]
        with CaptureQueriesContext(connection) as seen:
            services.do_amend_list(actor_of("olga"), approved.pk, changes, "quantities")
        reapprove(approved, actor_of)
        # each changed item is one UPDATE; everything else is read once
        return len(seen) - n

    assert queries_for(30, 100) == queries_for(3, 10)


# --- against a real server, on a SQLite file -----------------------------------------------------

SETUP_LIST = f"""
import json
from veille.nations.access import Actor
from django.contrib.auth import get_user_model
from veille.purl.services import ItemData, do_add_item, do_create_list, do_decide
def who(name):
    return Actor.for_user(get_user_model().objects.get(username=name), via="web")
lst = do_create_list(who("olga"), "2026-10", "October list")
for rank in range(1, {MAX_CHANGES_PER_AMENDMENT} + 1):
    do_add_item(who("olga"), lst.pk, ItemData(rank, "air_defence", f"Lot {{rank}}", 10, "missiles",
                "4000000", "test price list", "protect the grid"))
do_decide(who("olga"), lst.pk, "UKR", "approve", "ours")
do_decide(who("alice"), lst.pk, "NATO", "approve", "ok")
do_decide(who("sam"), lst.pk, "USA", "approve", "ok")
print(json.dumps({{"list": lst.pk, "items": list(lst.items.values_list("pk", flat=True))}}))
"""


@pytest.mark.slow
def test_writes_during_the_largest_amendment_wait_their_turn_none_fails(tmp_path: Path) -> None:
    with served(tmp_path, setup=SETUP_LIST) as server:
        assert isinstance(server.prepared, dict)
        database = tmp_path / "veille.sqlite3"
        with sqlite3.connect(database) as db:
            assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        list_id, items = server.prepared["list"], server.prepared["items"]
        answers: list[tuple[str, int, bytes]] = []
        lock = threading.Lock()

        def amend(round_: int) -> None:
            changes = [{"item": pk, "quantity": 20 + round_} for pk in items]
            got = server.post_json(
                f"/api/v1/purl/lists/{list_id}/amendments",
                {"changes": changes, "reason": f"round {round_}"},
                "olga",
            )
            with lock:
                answers.append(("amend", *got))

        def contribute(i: int) -> None:
            body = {
                "nation": "NOR",
                "kind": "commitment",
                "amount": str(1_000_000 + i),
                "currency": "NOK",
                "value_date": "2026-03-02",
                "source": "NOR MoD",
            }
            got = server.post_json("/api/v1/purl/contributions", body, "nora")
            with lock:
                answers.append(("contribute", *got))

        threads = [threading.Thread(target=amend, args=(0,))]
        threads += [threading.Thread(target=contribute, args=(i,)) for i in range(24)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
        assert len(answers) == 25
        failed = [(kind, status, body[:300]) for kind, status, body in answers if status != 201]
        assert not failed, failed
        too_big = [{"item": items[0], "quantity": 30}] * 16_000
        status, body = server.post_json(
            f"/api/v1/purl/lists/{list_id}/amendments", {"changes": too_big, "reason": "huge"}, "olga"
        )
        assert status == 422 and json.loads(body)["error"]["field"] == "changes"
        assert b"database is locked" not in (tmp_path / "server.log").read_bytes()
