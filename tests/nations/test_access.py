"""Releasability: visible_to(user) is the one read path, and who may write for whom."""

from __future__ import annotations

from typing import Any

import pytest

from tests.releasable_app.models import Dossier
from veille.core.errors import InvalidInput, PermissionDenied
from veille.nations.access import (
    Releasability,
    encode_nations,
    require_coordinator,
    require_editor_for,
    validate_releasability,
)
from veille.nations.exceptions import WrongNation

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossiers(users: dict[str, Any]) -> dict[str, Dossier]:
    return {
        "public": Dossier.objects.create(title="public", releasable_to=Releasability.PUBLIC),
        "nato": Dossier.objects.create(title="nato", releasable_to=Releasability.NATO),
        "nor-pol": Dossier.objects.create(
            title="nor-pol",
            releasable_to=Releasability.NATIONS,
            releasable_nations=encode_nations(["NOR", "POL"]),
        ),
        "ukr": Dossier.objects.create(
            title="ukr", releasable_to=Releasability.NATIONS, releasable_nations=encode_nations(["UKR"])
        ),
        "norway-own": Dossier.objects.create(
            title="norway-own",
            releasable_to=Releasability.NATIONS,
            releasable_nations=encode_nations(["USA"]),
            owner_nation_id="NOR",
        ),
    }


@pytest.mark.parametrize(
    "who, expected",
    [
        (None, {"public"}),
        ("eve", {"public"}),
        ("alice", {"public", "nato", "nor-pol", "ukr", "norway-own"}),
        ("nora", {"public", "nato", "nor-pol", "norway-own"}),
        ("pawel", {"public", "nato", "nor-pol"}),
        ("olga", {"public", "ukr"}),  # Ukraine is a partner: NATO-only records stay hidden
        ("sam", {"public", "nato", "norway-own"}),
    ],
)
def test_each_user_sees_exactly_what_is_releasable_to_them(
    users: dict[str, Any], dossiers: dict[str, Dossier], who: str | None, expected: set[str]
) -> None:
    from django.contrib.auth.models import AnonymousUser

    user = users[who] if who else AnonymousUser()
    seen = set(Dossier.objects.visible_to(user).values_list("title", flat=True))
    assert seen == expected


def test_a_nation_code_inside_another_does_not_leak(users: dict[str, Any]) -> None:
    Dossier.objects.create(title="x", releasable_to=Releasability.NATIONS, releasable_nations="|NORX|")
    assert not Dossier.objects.visible_to(users["nora"]).filter(title="x").exists()


def test_listed_nations_are_validated(nations: None) -> None:
    assert validate_releasability("NATIONS", ["nor", "POL"]) == ("NATIONS", "|NOR|POL|")
    with pytest.raises(InvalidInput, match="unknown nation code"):
        validate_releasability("NATIONS", ["NOR", "XXX"])
    with pytest.raises(InvalidInput) as err:
        validate_releasability("NATIONS", [])
    assert err.value.field == "releasable_nations"
    with pytest.raises(InvalidInput):
        validate_releasability("SECRET", [])


def test_editor_acts_for_their_own_nation_only(actor_of: Any) -> None:
    require_editor_for(actor_of("nora"), "NOR", "pledge")
    with pytest.raises(WrongNation, match="nora edits for NOR and may not pledge for POL"):
        require_editor_for(actor_of("nora"), "POL", "pledge")


def test_viewer_and_outsider_change_nothing(actor_of: Any) -> None:
    with pytest.raises(PermissionDenied, match="is a viewer"):
        require_editor_for(actor_of("pawel"), "POL", "pledge")
    with pytest.raises(PermissionDenied, match="belongs to no nation"):
        require_editor_for(actor_of("eve"), "NOR", "pledge")


def test_only_coordinators_coordinate(actor_of: Any) -> None:
    require_coordinator(actor_of("alice"), "approve lists")
    require_editor_for(actor_of("alice"), "POL", "pledge")  # coordinators act for any nation
    with pytest.raises(PermissionDenied, match="only coordinators may approve lists"):
        require_coordinator(actor_of("nora"), "approve lists")
