"""The Council's and lessons' notifications move onto veille.notices (migration council 0002): each
becomes a notice to do with its key, cleared when what it awaited is done; going back restores them."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.council.fixtures import task
from veille.nations.access import Actor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [
    ("council", "0001_initial"),
    ("notices", "0002_notice_synthetic"),
    ("lessons", "0002_full_text_index"),
]


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_notifications_go_back_and_return_as_notices_that_follow_the_state(
    decision: Any, nadia: Any, jakub: Any, users: dict[str, Any]
) -> None:
    from veille.council.services import EvidenceData, do_attach_evidence
    from veille.lessons import services as lessons

    alice = Actor.for_user(users["alice"])
    open_action = task(alice, decision, title="Still open")
    done_action = task(alice, decision, title="Done already")
    do_attach_evidence(
        Actor.for_user(nadia),
        done_action.pk,
        EvidenceData(day=timezone.localdate(), note="x", completes=True),
    )
    obs = lessons.do_record_observation(
        Actor.for_user(users["nora"]),
        "NOR",
        "Jammed drones",
        "Links lost.",
        ["drones"],
        "2025-05-01",
        releasable_to="NATO",
    )
    lessons.do_analyse(Actor.for_user(jakub), obs.pk, "JATEC's")
    try:
        old = _migrate(BEFORE)
        rows = sorted(old.get_model("council", "Notification").objects.values_list("user__username", "key"))
        assert ("nadia", f"action:{open_action.pk}:tasked") in rows
        assert ("nadia", f"action:{done_action.pk}:tasked") in rows
        assert ("jakub", f"observation:{obs.pk}:observed") in rows
        assert ("jakub", f"observation:{obs.pk}:analysed") in rows
        assert not old.get_model("notices", "Notice").objects.filter(app="council").exists()
    finally:
        new = _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    Notice = new.get_model("notices", "Notice")
    open_ = set(Notice.objects.filter(app="council", cleared_at=None).values_list("user__username", "key"))
    assert open_ == {
        ("nadia", f"council:action:{open_action.pk}:tasked"),
        ("alice", f"council:observation:{obs.pk}:analysed"),
        ("jakub", f"council:observation:{obs.pk}:analysed"),
    }
    cleared = set(Notice.objects.filter(cleared_by="migration: council 0002").values_list("key", flat=True))
    assert cleared == {f"council:action:{done_action.pk}:tasked", f"council:observation:{obs.pk}:observed"}
    assert set(Notice.objects.filter(app="council").values_list("title", flat=True)) == {
        "An action was tasked to your body",
        "A lesson awaits your step",
    }
