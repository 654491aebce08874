"""Demand against capacity: PURL's approved demand per category beside the stated capacity of the
products coordinators map to it (a page of the shell: it gathers purl and industry)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.industry.conftest import industry  # noqa: F401 (fixture)
from tests.purl.conftest import approved, draft  # noqa: F401 (fixtures)
from veille.industry.services import do_map_category
from veille.kit.exports import read_csv_rows
from veille.nations.access import Actor

pytestmark = pytest.mark.django_db


@pytest.fixture
def mapped(industry: Any, actor_of: Callable[[str], Actor]) -> None:  # noqa: F811
    do_map_category(actor_of("alice"), "air_defence", "PAC-3 MSE interceptor", "interceptors answer the list")


def rows_of(client: Client, as_of: str = "2026-02-28") -> list[dict[str, str]]:
    response = client.get(f"/industry/demand/export.csv?as_of={as_of}")
    assert response.status_code == 200, response.content
    return list(read_csv_rows(response.content.decode()))


def test_approved_demand_sits_beside_the_capacity_of_the_mapped_product(
    approved: Any,  # noqa: F811
    mapped: None,
    client_as: Callable[[str | None], Client],
) -> None:
    rows = rows_of(client_as("pawel"))
    demand = [r for r in rows if r["side"] == "demand"]
    capacity = [r for r in rows if r["side"] == "capacity"]
    # the fixture's list: 10 interceptors (4 M USD each) and 100 drone kits, per category and unit
    assert {(r["category"], r["quantity"], r["unit"], r["value_usd"]) for r in demand} == {
        ("air_defence", "10", "missiles", "40000000.00"),
        ("drones", "100", "kits", "100000000.00"),
    }
    assert capacity and {r["category"] for r in capacity} == {"air_defence"}
    assert {r["what"] for r in capacity} == {"PAC-3 MSE interceptor"}
    assert all(r["refs"].startswith("IND-") for r in capacity)
    page = client_as("pawel").get("/industry/demand/?as_of=2026-02-28").content.decode()
    assert "Interceptor lot 1" in page and "PAC-3 MSE interceptor" in page
    assert "No product is mapped to this category yet." in page  # drones: demand, nothing mapped


def test_demand_counts_only_approved_lists_the_reader_may_see(
    draft: Any,  # noqa: F811
    mapped: None,
    client_as: Callable[[str | None], Client],
) -> None:
    # a draft is no demand yet, for anyone
    assert [r for r in rows_of(client_as("alice")) if r["side"] == "demand"] == []


def test_a_list_released_to_the_united_states_only_is_no_demand_for_poland(
    actor_of: Callable[[str], Actor], mapped: None, client_as: Callable[[str | None], Client]
) -> None:
    from tests.purl.conftest import item_data
    from veille.purl.services import do_add_item, do_create_list, do_decide

    lst = do_create_list(
        actor_of("olga"), "2026-11", "November list", releasable_to="NATIONS", nations=["USA"]
    )
    do_add_item(actor_of("olga"), lst.pk, item_data(1, quantity=7))
    for who, step, why in (("olga", "UKR", "ours"), ("alice", "NATO", "ok"), ("sam", "USA", "ok")):
        do_decide(actor_of(who), lst.pk, step, "approve", why)
    assert [r["quantity"] for r in rows_of(client_as("sam")) if r["side"] == "demand"] == ["7"]
    assert [r for r in rows_of(client_as("pawel")) if r["side"] == "demand"] == []
    assert "Interceptor lot 1" not in client_as("pawel").get("/industry/demand/").content.decode()


def test_the_json_export_says_what_each_side_is(
    approved: Any,  # noqa: F811
    mapped: None,
    client_as: Callable[[str | None], Client],
) -> None:
    data = json.loads(client_as(None).get("/industry/demand/export.json?as_of=2026-02").content)
    assert data["meta"]["as_of"] == "2026-02-28"
    assert {"demand", "capacity", "sources"} <= set(data["meta"])


def test_a_wrong_day_is_named(client_as: Callable[[str | None], Client], users: Any) -> None:
    response = client_as(None).get("/industry/demand/?as_of=2026-13-45")
    assert response.status_code == 422
    assert "as_of" in response.content.decode()
    assert client_as(None).get("/industry/demand/export.csv?as_of=banana").status_code == 422
    assert client_as(None).get("/industry/demand/export.xml").status_code == 404
