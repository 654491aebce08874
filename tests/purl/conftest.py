"""PURL fixtures: a German editor (a euro nation) beside the named users, a list through its three
approvals, a package of its items, and the public record imported from the shipped file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from veille.kit.importers import no_progress
from veille.nations.access import Actor
from veille.nations.services import DEMO_PASSWORD, do_set_membership

CSV = Path(settings.DATA_DIR) / "purl" / "purl_contributions.csv"
SOURCE = ["test fixture"]


@pytest.fixture
def dieter(users: dict[str, Any]) -> Any:
    """Dieter, an editor of Germany (commits in EUR)."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("dieter", password=DEMO_PASSWORD, email="dieter@example.org")
    do_set_membership(Actor.system_process("tests"), user, "DEU", "editor")
    users["dieter"] = user
    return user


def item_data(rank: int = 1, **over: Any) -> Any:
    from veille.purl.services import ItemData

    values = {
        "rank": rank,
        "category": "air_defence",
        "description": f"Interceptor lot {rank}",
        "quantity": 10,
        "unit": "missiles",
        "unit_cost_usd": "4000000",
        "cost_source": "test price list",
        "justification": "protect the grid",
    }
    values.update(over)
    return ItemData(**values)


@pytest.fixture
def draft(actor_of: Callable[[str], Actor]) -> Any:
    """A draft list of October 2026 with two items (10 x 4 M USD, 100 x 1 M USD)."""
    from veille.purl.services import do_add_item, do_create_list

    lst = do_create_list(actor_of("olga"), "2026-10", "October list")
    do_add_item(actor_of("olga"), lst.pk, item_data(1))
    do_add_item(
        actor_of("olga"),
        lst.pk,
        item_data(
            2, description="Drone kits", quantity=100, unit="kits", unit_cost_usd="1000000", category="drones"
        ),
    )
    return lst


@pytest.fixture
def approved(draft: Any, actor_of: Callable[[str], Actor]) -> Any:
    from veille.purl.services import do_decide

    do_decide(actor_of("olga"), draft.pk, "UKR", "approve", "our priorities")
    do_decide(actor_of("alice"), draft.pk, "NATO", "approve", "validated")
    do_decide(actor_of("sam"), draft.pk, "USA", "approve", "available")
    draft.refresh_from_db()
    return draft


@pytest.fixture
def package(approved: Any, actor_of: Callable[[str], Actor]) -> Any:
    """A package of all 10 interceptors and 60 drone kits: 100 M USD."""
    from veille.purl.services import do_create_package

    first, second = approved.items.order_by("rank")
    return do_create_package(actor_of("alice"), "Package A", {first.pk: 10, second.pk: 60})


@pytest.fixture
def public_record(users: dict[str, Any]) -> Any:
    from veille.purl.services import do_import_announcements

    return do_import_announcements(Actor.system_process("import:purl-announcements"), CSV, no_progress)
