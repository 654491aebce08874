"""The timeline: Council meetings (emergency ones marked), decisions, milestones and actions on one
axis; overdue actions and ageing lessons listed for coordinators."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from tests.council.fixtures import task
from veille.council.services import EvidenceData, do_attach_evidence
from veille.nations.access import Actor
from veille.training import charts, queries

pytestmark = pytest.mark.django_db
Act = Callable[[str], Actor]


def test_emergency_meetings_are_marked_on_the_axis(council_data: Any, users: Any) -> None:
    data = queries.timeline(users["pawel"])
    spec = charts.timeline_spec(data)
    meetings = next(layer for layer in spec["layer"] if layer["mark"].get("size") == 90)["data"]["values"]
    emergency = [m for m in meetings if m["what"] == "Emergency meeting at Ukraine's request"]
    assert len(meetings) == 26 and len(emergency) == 7
    assert {m["date"] for m in emergency} >= {"2023-07-26", "2024-04-19", "2025-09-01"}
    lanes = spec["encoding"]["y"]["scale"]["domain"]
    assert {"NSATU", "JATEC", "PURL", "CAP", "NUC", "Lessons learned"} <= set(lanes)


def test_actions_lie_from_tasking_to_their_due_or_done_day_coloured_by_status(
    decision: Any, nadia: Any, actor_of: Act, users: Any
) -> None:
    today = timezone.localdate()
    done = task(actor_of("alice"), decision, title="Done one")
    late = task(actor_of("alice"), decision, title="Late one", due=today.isoformat())
    do_attach_evidence(Actor.for_user(nadia), done.pk, EvidenceData(day=today, note="x", completes=True))
    data = queries.timeline(users["alice"], on=today + dt.timedelta(days=1))
    bars = {b["title"]: b for b in charts.timeline_spec(data)["layer"][-1]["data"]["values"]}
    assert bars["Done one"]["code"] == "done" and bars["Done one"]["end"] == today.isoformat()
    assert bars["Late one"]["code"] == "overdue"
    assert [a["id"] for a in data["overdue"]] == [late.pk]


def test_the_page_lists_overdue_actions_and_ageing_lessons_for_coordinators_only(
    decision: Any, actor_of: Act, client_as: Any
) -> None:
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    task(
        actor_of("alice"),
        decision,
        title="Past due",
        due=yesterday,
        tasked_on=yesterday - dt.timedelta(days=9),
    )
    page = client_as("alice").get("/training/timeline/").content.decode()
    assert "Overdue actions" in page and "Past due" in page and 'data-testid="ageing"' in page
    assert 'id="chart-timeline"' in page
    assert "Overdue actions" not in client_as("nora").get("/training/timeline/").content.decode()
