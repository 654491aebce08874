"""The workflow's remaining steps through the API: amendments, package composition and versions,
allocation of general contributions; each with the same rights and named errors as the pages."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest

from veille.purl.models import Package

pytestmark = pytest.mark.django_db


def post(client: Any, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json")


def test_ukraine_amends_an_approved_list_and_the_answer_names_the_reopened_steps(
    approved: Any, client_as: Any
) -> None:
    first = approved.items.get(rank=1)
    response = post(
        client_as("olga"),
        f"/api/v1/purl/lists/{approved.pk}/amendments",
        {"changes": [{"item": first.pk, "rank": 3}], "reason": "drones first"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["reopened"] == ["NATO"] and response.json()["state"] == "awaiting_nato"


def test_only_ukraine_amends_and_the_error_is_the_one_body(approved: Any, client_as: Any) -> None:
    first = approved.items.get(rank=1)
    response = post(
        client_as("nora"),
        f"/api/v1/purl/lists/{approved.pk}/amendments",
        {"changes": [{"item": first.pk, "rank": 3}], "reason": "x"},
    )
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
    assert not approved.amendments.exists()


def test_a_coordinator_composes_and_changes_a_package(approved: Any, client_as: Any) -> None:
    first, second = approved.items.order_by("rank")
    client = client_as("alice")
    response = post(
        client, "/api/v1/purl/packages", {"name": "API package", "items": {first.pk: 5, second.pk: 10}}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    # Each item in its own unit (5 missiles and 10 kits are never added up as "15").
    assert (body["name"], body["received_by_unit"], body["version"]) == (
        "API package",
        "0 of 5 missiles; 0 of 10 kits",
        1,
    )
    assert Decimal(body["value_usd"]) == 5 * first.unit_cost_usd + 10 * second.unit_cost_usd
    changed = post(
        client,
        f"/api/v1/purl/packages/{body['id']}/versions",
        {"items": {second.pk: 20}, "reason": "more kits"},
    )
    assert changed.status_code == 201 and changed.json()["version"] == 2
    assert changed.json()["received_by_unit"] == "0 of 5 missiles; 0 of 20 kits"


def test_nobody_else_composes_packages(approved: Any, client_as: Any) -> None:
    first = approved.items.get(rank=1)
    for who in ("nora", "sam", "olga"):
        response = post(client_as(who), "/api/v1/purl/packages", {"items": {first.pk: 1}})
        assert response.status_code == 403, who
    assert not Package.objects.exists()


def test_a_package_holds_no_more_than_was_approved(approved: Any, client_as: Any) -> None:
    first = approved.items.get(rank=1)
    response = post(client_as("alice"), "/api/v1/purl/packages", {"items": {first.pk: first.quantity + 1}})
    assert response.status_code in (409, 422)
    assert response.json()["error"]["field"] in ("items", "quantity")
    assert not Package.objects.exists()


def test_a_general_contribution_is_allocated_to_a_package(
    package: Any, client_as: Any, actor_of: Any
) -> None:
    from veille.purl.services import ContributionData, do_commit

    general = do_commit(
        actor_of("nora"),
        ContributionData(
            nation="NOR",
            amount="100000000",
            currency="NOK",
            value_date=dt.date(2026, 10, 1),
            sources=["NOR MoD"],
        ),
    )
    body = {
        "package": package.pk,
        "amount": "40000000",
        "currency": "NOK",
        "value_date": "2026-10-02",
        "source": "coordinator's decision",
    }
    assert (
        post(client_as("nora"), f"/api/v1/purl/contributions/{general.pk}/allocations", body).status_code
        == 403
    )
    response = post(client_as("alice"), f"/api/v1/purl/contributions/{general.pk}/allocations", body)
    assert response.status_code == 201, response.content
    too_much = {**body, "amount": "70000000"}
    refused = post(client_as("alice"), f"/api/v1/purl/contributions/{general.pk}/allocations", too_much)
    assert refused.status_code in (409, 422) and refused.json()["error"]["field"]
