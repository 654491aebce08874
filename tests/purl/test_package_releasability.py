"""A package inherits its lists' releasability: it cannot be made more releasable than a list its
items come from, and a package composed before that rule shows such items only to the lists' readers
(its page, the API and the exports alike)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from veille.core.errors import InvalidInput
from veille.nations.access import Actor
from veille.purl.models import Package, RequirementList
from veille.purl.services import do_change_package, do_create_package

pytestmark = pytest.mark.django_db


@pytest.fixture
def usa_only(approved: Any) -> Any:
    """The approved list, releasable to the United States only (and its owner, Ukraine)."""
    RequirementList.objects.filter(pk=approved.pk).update(releasable_to="NATIONS", releasable_nations="|USA|")
    approved.refresh_from_db()
    return approved


def test_a_package_more_releasable_than_its_list_is_refused_naming_the_field(
    usa_only: Any, actor_of: Callable[[str], Actor]
) -> None:
    first = usa_only.items.order_by("rank").first()
    for wider in ("PUBLIC", "NATO"):
        with pytest.raises(InvalidInput) as caught:
            do_create_package(actor_of("alice"), "Too wide", {first.pk: 1}, releasable_to=wider)
        assert caught.value.field == "releasable_to"
        assert "October list" in caught.value.message
    with pytest.raises(InvalidInput):
        do_create_package(actor_of("alice"), "Too wide", {first.pk: 1}, "", "NATIONS", ["USA", "NOR"])
    assert not Package.objects.exists()
    narrow = do_create_package(actor_of("alice"), "Narrow", {first.pk: 1}, None, "NATIONS", ["USA"])
    assert narrow.releasable_nations == "|USA|"


def test_a_package_takes_no_item_of_a_narrower_list_in_a_change(
    package: Any, approved: Any, actor_of: Callable[[str], Actor]
) -> None:
    Package.objects.filter(pk=package.pk).update(releasable_to="PUBLIC")
    RequirementList.objects.filter(pk=approved.pk).update(releasable_to="NATIONS", releasable_nations="|USA|")
    first = approved.items.order_by("rank").first()
    with pytest.raises(InvalidInput) as caught:
        do_change_package(actor_of("alice"), package.pk, {first.pk: 9}, reason="fewer")
    assert caught.value.field == "releasable_to"


def test_the_api_refuses_it_with_422_naming_the_field(usa_only: Any, client_as: Any) -> None:
    first = usa_only.items.order_by("rank").first()
    body = {"name": "Public", "items": {str(first.pk): 1}, "releasable_to": "PUBLIC"}
    response = client_as("alice").post("/api/v1/purl/packages", body, content_type="application/json")
    assert response.status_code == 422, response.content
    assert response.json()["error"]["field"] == "releasable_to"
