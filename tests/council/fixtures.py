"""Fixtures of the training mechanism, shared by tests/council, tests/lessons and tests/training:
the shipped files imported, editors of NSATU and JATEC beside the named users, a PURL delivery."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from veille.kit.importers import ImportSummary, no_progress
from veille.nations.access import Actor
from veille.nations.services import DEMO_PASSWORD, do_set_membership

FOLDER = Path(settings.DATA_DIR) / "training_council"


def body_editor(users: dict[str, Any], username: str, body: str) -> Any:
    """An editor (NATO staff) made a member of ``body`` through the services."""
    from django.contrib.auth import get_user_model

    from veille.council.services import do_assign_body

    user = get_user_model().objects.create_user(
        username, password=DEMO_PASSWORD, email=f"{username}@example.org"
    )
    do_set_membership(Actor.system_process("tests"), user, None, "editor")
    do_assign_body(Actor.system_process("tests"), user, body)
    users[username] = user
    return user


@pytest.fixture
def nadia(users: dict[str, Any]) -> Any:
    """Nadia, an editor of NSATU."""
    return body_editor(users, "nadia", "NSATU")


@pytest.fixture
def jakub(users: dict[str, Any]) -> Any:
    """Jakub, an editor of JATEC."""
    return body_editor(users, "jakub", "JATEC")


@pytest.fixture
def council_data(users: dict[str, Any]) -> ImportSummary:
    """The shipped folder, imported as ``veille import training-council`` does."""
    from veille.training.importers import run

    return run(FOLDER, Actor.system_process("import:training-council"), no_progress, False)


@pytest.fixture
def meeting(users: dict[str, Any], actor_of: Callable[[str], Actor]) -> Any:
    from veille.council.services import MeetingData, do_record_meeting

    return do_record_meeting(actor_of("alice"), MeetingData(date="2026-03-04", occasion="Defence ministers"))


@pytest.fixture
def decision(meeting: Any, actor_of: Callable[[str], Actor]) -> Any:
    from veille.council.services import DecisionData, do_record_decision

    return do_record_decision(actor_of("alice"), meeting.pk, DecisionData(text="Deliver winter kits"))


def task(actor: Actor, decision: Any, owner: str = "NSATU", due: str = "2099-01-31", **kw: Any) -> Any:
    from veille.council.services import do_task_action

    return do_task_action(actor, decision.pk, kw.pop("title", "Coordinate the winter kits"), owner, due, **kw)


@pytest.fixture
def delivery(users: dict[str, Any], actor_of: Callable[[str], Actor]) -> Any:
    """A PURL delivery (a shipment of a package), made through PURL's services."""
    from tests.purl.conftest import item_data
    from veille.purl.services import do_add_item, do_create_list, do_create_package, do_decide, do_ship

    lst = do_create_list(actor_of("olga"), "2026-10", "October list")
    do_add_item(actor_of("olga"), lst.pk, item_data(1))
    do_decide(actor_of("olga"), lst.pk, "UKR", "approve", "")
    do_decide(actor_of("alice"), lst.pk, "NATO", "approve", "")
    do_decide(actor_of("sam"), lst.pk, "USA", "approve", "")
    item = lst.items.get()
    package = do_create_package(actor_of("alice"), "Package A", {item.pk: 10})
    return do_ship(actor_of("sam"), package.items.get().pk, 4, "Rzeszów", "2026-01-10")
