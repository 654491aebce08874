"""The audit trail records who acted, from where and through which channel, for any party that has
the four attributes of ``veille.kit.actors.ActorLike`` (``veille.nations.access.Actor`` has them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from veille.audit.models import AuditEvent
from veille.audit.services import do_audit, jsonable, snapshot
from veille.kit.actors import ActorLike
from veille.nations.access import Actor
from veille.nations.models import Nation

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Process:
    """A party that is not a nations Actor: the trail needs nothing more."""

    user: Any = None
    ip: str | None = "192.0.2.7"
    via: str = "cli"
    label: str = "system:harvest"


def test_any_actor_like_party_is_recorded_with_its_label_address_and_channel(nations: None) -> None:
    assert isinstance(Process(), ActorLike) and isinstance(Actor.system_process("x"), ActorLike)
    norway = Nation.objects.get(code="NOR")
    event = do_audit(Process(), "nation.touch", norway, before={"n": Decimal("1.50")}, note="checked")
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.actor, stored.address, stored.via, stored.user) == (
        "system:harvest",
        "192.0.2.7",
        "cli",
        None,
    )
    assert (stored.action, stored.object_type, stored.object_id) == ("nation.touch", "nations.nation", "NOR")
    assert (stored.before, stored.after, stored.note) == ({"n": "1.50"}, None, "checked")


def test_a_user_actor_is_recorded_with_the_user(users: dict[str, Any]) -> None:
    event = do_audit(Actor.for_user(users["nora"], via="api"), "token.create", object_type="t", object_id="9")
    assert (event.actor, event.via, event.user, event.object_id) == ("nora", "api", users["nora"], "9")


def test_snapshots_and_values_are_json_safe_without_losing_precision(nations: None) -> None:
    norway = snapshot(Nation.objects.get(code="NOR"))
    assert norway is not None and norway["id"] == "NOR" and norway["code"] == "NOR"
    assert snapshot(None) is None
    assert jsonable({"d": dt.date(2026, 3, 1), "x": [Decimal("0.10"), (1, 2)]}) == {
        "d": "2026-03-01",
        "x": ["0.10", [1, 2]],
    }
