"""PURL's notifications move onto veille.notices (migration purl 0003): each becomes a notice with
its key, and one that no longer matches the state is cleared; going back restores them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("purl", "0002_package_funding_release"), ("notices", "0001_initial")]
AT = dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC)


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_notifications_become_notices_that_follow_the_state(users: dict[str, Any]) -> None:
    old = _migrate(BEFORE)
    try:
        List, Notification = old.get_model("purl", "RequirementList"), old.get_model("purl", "Notification")
        common = {"round": "UKR,NATO,USA", "created_at": AT, "created_by": "olga", "owner_nation_id": "UKR"}
        waiting = List.objects.create(
            month=dt.date(2026, 10, 1), title="October", state="awaiting_nato", **common
        )
        done = List.objects.create(month=dt.date(2026, 9, 1), title="September", state="approved", **common)

        def note(who: str, kind: str, url: str, minutes: int = 0, **extra: Any) -> None:
            Notification.objects.create(
                user_id=users[who].pk,
                kind=kind,
                subject=f"{kind} {url}",
                url=url,
                created_at=AT + dt.timedelta(minutes=minutes),
                **extra,
            )

        note("alice", "awaiting", f"/purl/lists/{waiting.pk}/", 1)  # still awaited of her: open
        note("alice", "awaiting", f"/purl/lists/{waiting.pk}/", 0)  # an older copy: cleared
        note("sam", "awaiting", f"/purl/lists/{waiting.pk}/", 2)  # not the step of a US editor: cleared
        note("alice", "awaiting", f"/purl/lists/{done.pk}/", 3)  # approved since: cleared
        note("olga", "returned", f"/purl/lists/{done.pk}/", 4)  # approved since: cleared
        note("nora", "funded", "/purl/packages/7/", 5, read_at=AT, emailed=True)  # news, read
        note("sam", "received", "/purl/packages/7/", 6)  # news, unread
    finally:
        new = _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    Notice = new.get_model("notices", "Notice")
    assert Notice.objects.count() == 7 and set(Notice.objects.values_list("app", flat=True)) == {"purl"}
    key = f"purl:list:{waiting.pk}:decision"
    alice, nora, sam = users["alice"].pk, users["nora"].pk, users["sam"].pk
    received = Notice.objects.get(user_id=sam, kind="received").key
    assert received.startswith("purl:notification:")
    open_ = sorted(Notice.objects.filter(cleared_at=None).values_list("user_id", "key", "action"))
    assert open_ == sorted(
        [(alice, key, True), (nora, "purl:package:7:funded", False), (sam, received, False)]
    )
    funded = Notice.objects.get(user_id=nora)
    assert (funded.read_at, funded.emailed, funded.title) == (AT, True, "A package is fully funded")
    assert Notice.objects.filter(cleared_by="migration: purl 0003").count() == 4
    # The new code sees them: approving the list clears alice's notice.
    from veille.nations.access import Actor
    from veille.notices.services import do_clear

    assert do_clear(Actor.for_user(users["alice"]), key) == 1


def test_going_back_restores_purls_notifications(users: dict[str, Any]) -> None:
    from veille.nations.access import Actor
    from veille.notices.services import do_raise

    do_raise(
        Actor.system_process("tests"),
        "purl:package:3:funded",
        [users["nora"]],
        app="purl",
        kind="funded",
        title="A package is fully funded",
        subject="Package C",
        url="/purl/packages/3/",
    )
    try:
        old = _migrate(BEFORE)
        (row,) = old.get_model("purl", "Notification").objects.all()
        assert (row.user_id, row.kind, row.subject, row.read_at) == (
            users["nora"].pk,
            "funded",
            "Package C",
            None,
        )
        assert not old.get_model("notices", "Notice").objects.exists()
    finally:
        new = _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert new.get_model("notices", "Notice").objects.get().key == "purl:package:3:funded"
