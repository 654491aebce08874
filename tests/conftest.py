"""Shared fixtures: the reference nations and the named users of DESIGN.md §8.

``alice`` (NATO staff coordinator), ``nora`` (Norway editor), ``pawel`` (Poland viewer),
``olga`` (Ukraine editor), ``sam`` (United States editor) and ``eve`` (no membership).
Tests read as sentences and ask for the users they need: ``def test_x(users, client_as): ...``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client

from veille.nations.access import Actor
from veille.nations.services import DEMO_PASSWORD, do_create_demo_users, do_load_reference

NAMED_USERS = ("alice", "nora", "pawel", "olga", "sam", "eve")


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """Apache Spark for real, in local mode on two cores, started once for the run (PySpark and the
    machine's Java; ``make test`` installs Java). For the tests marked ``spark``."""
    from veille.maritime.spark.session import spark_session

    session = spark_session("local[2]", app="veille tests")
    yield session
    session.stop()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``spark`` use no database: they run in the SQLite pass of ``make test`` only."""
    if os.environ.get("VEILLE_TEST_DB") != "postgres":
        return
    keep = [i for i in items if i.get_closest_marker("spark") is None]
    if len(keep) < len(items):
        config.hook.pytest_deselected(items=[i for i in items if i.get_closest_marker("spark")])
        items[:] = keep


@pytest.fixture
def nations(db: Any) -> None:
    """The shipped reference nations (data/reference), loaded through the service. The migrations
    load them too (nations 0002), but a transactional test empties every table when it ends: the
    service puts them back (and changes nothing when they are there)."""
    do_load_reference(Actor.system_process("tests"))


@pytest.fixture
def users(nations: None) -> dict[str, Any]:
    """The named users, keyed by user name."""
    from django.contrib.auth import get_user_model

    do_create_demo_users(Actor.system_process("tests"))
    return {u.username: u for u in get_user_model().objects.filter(username__in=NAMED_USERS)}


@pytest.fixture
def client_as(users: dict[str, Any]) -> Callable[[str | None], Client]:
    """``client_as("nora")`` is a client logged in as nora; ``client_as(None)`` is anonymous."""

    def make(username: str | None) -> Client:
        client = Client()
        if username:
            client.force_login(users[username])
        return client

    return make


@pytest.fixture
def actor_of(users: dict[str, Any]) -> Callable[[str], Actor]:
    """``actor_of("nora")``: the Actor that services receive for nora."""

    def make(username: str) -> Actor:
        return Actor.for_user(users[username], via="web")

    return make


@pytest.fixture
def kiel_release28(users: dict[str, Any]) -> None:
    """Support to Ukraine's shipped Kiel release 28 (the summary), imported through the service: the
    support pages and the shell's pages that gather support with other mechanisms read it."""
    from django.conf import settings

    from veille.kit.importers import no_progress
    from veille.support.services import do_import_summary

    do_import_summary(
        Actor.system_process("tests"),
        settings.DATA_DIR / "ukraine_aid" / "kiel_release28_summary_engelde.json",
        no_progress,
    )


@pytest.fixture
def password() -> str:
    return DEMO_PASSWORD


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues() -> None:
    """Compile the French catalogues (make test does it too), so that a bare pytest run sees French."""
    from django.core.management import call_command

    call_command("compilemessages", verbosity=0, ignore_patterns=[".venv"])


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    """Each test starts with an empty cache (the write rate limit counts per address and minute)."""
    from django.core.cache import cache

    cache.clear()
