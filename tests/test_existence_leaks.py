"""What a reader may not see leaves no trace: no gap in the numbers it sees (PURL packages, national
plans' versions), no item counted as packaged by a package it may not see, and an activity key held
by a record it may not see gets the answer a free key gets (tests/arctic/test_registry.py)."""

from __future__ import annotations

from typing import Any

import pytest

from veille.kit.exports import read_csv_rows
from veille.purl.services import ItemData, do_add_item, do_create_list, do_create_package, do_decide
from veille.spending.services import do_record_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_packages(actor_of: Any) -> list[Any]:
    """Packages 1 and 3 releasable to NATO, package 2 to the United States only, from one list."""
    lst = do_create_list(actor_of("olga"), "2026-10", "October list", "NATO")
    item = ItemData(1, "air_defence", "Interceptors", 30, "missiles", "1000000", "prices", "grid")
    do_add_item(actor_of("olga"), lst.pk, item)
    for who, step in (("olga", "UKR"), ("alice", "NATO"), ("sam", "USA")):
        do_decide(actor_of(who), lst.pk, step, "approve", "ok")
    first = lst.items.get()
    alice = actor_of("alice")
    return [
        do_create_package(alice, "First", {first.pk: 5}),
        do_create_package(alice, "Hidden", {first.pk: 7}, None, "NATIONS", ["USA"]),
        do_create_package(alice, "Third", {first.pk: 3}),
    ]


def _csv(client: Any, path: str) -> list[dict[str, str]]:
    return read_csv_rows(client.get(path).content.decode())  # after the "# source: …" lines


def test_package_numbers_leave_no_gap_for_a_reader(three_packages: list[Any], client_as: Any) -> None:
    pawel = _csv(client_as("pawel"), "/purl/packages.csv")
    assert [(r["name"], r["number"]) for r in pawel] == [("First", "1"), ("Third", "2")]
    alice = _csv(client_as("alice"), "/purl/packages.csv")
    assert [r["number"] for r in alice] == ["1", "2", "3"]


def test_an_item_is_not_counted_as_packaged_by_a_package_the_reader_may_not_see(
    three_packages: list[Any], client_as: Any
) -> None:
    pawel = _csv(client_as("pawel"), "/purl/items.csv")
    assert [r["packaged"] for r in pawel] == ["8"]  # 5 + 3: the United States' package is not his
    sam = _csv(client_as("sam"), "/purl/items.csv")
    assert [r["packaged"] for r in sam] == ["15"]
    api = client_as("pawel").get(
        f"/api/v1/purl/lists/{three_packages[0].items.get().item.requirement_list_id}"
    )
    assert [r["packaged"] for r in api.json()["item_rows"]] == [8]


CREDIBLE = {2025: ("2.2", "0.3"), 2029: ("2.9", "1.0"), 2035: ("3.5", "1.5")}


def test_plan_versions_leave_no_gap_for_a_reader(actor_of: Any, client_as: Any) -> None:
    nora = actor_of("nora")
    do_record_plan(nora, "NOR", CREDIBLE, source="https://example.org/v1")
    do_record_plan(
        nora,
        "NOR",
        CREDIBLE,
        source="https://example.org/v2",
        releasable_to="NATIONS",
        releasable_nations=["NOR"],
    )
    do_record_plan(nora, "NOR", CREDIBLE, source="https://example.org/v3")
    pawel = _csv(client_as("pawel"), "/spending/plans/export.csv")
    versions = sorted({(r["version"], r["source"]) for r in pawel})
    assert versions == [("1", "https://example.org/v1"), ("2", "https://example.org/v3")]
    api = client_as("pawel").get("/api/v1/spending/plans").json()
    rows = api["items"] if isinstance(api, dict) else api
    assert sorted(p["version"] for p in rows) == [1, 2]
    alice = _csv(client_as("alice"), "/spending/plans/export.csv")
    assert sorted({r["version"] for r in alice}) == ["1", "2", "3"]
