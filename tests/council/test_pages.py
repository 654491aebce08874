"""The Council's pages, API, exports and commands: what each user sees, the forms' named errors,
``veille council actions`` and ``veille council remind``."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.council.fixtures import task
from veille.council.models import Action, Evidence, Meeting
from veille.council.services import EvidenceData, do_attach_evidence
from veille.nations.access import Actor
from veille.notices.models import Notice

pytestmark = pytest.mark.django_db
Act = Callable[[str], Actor]


def test_the_meetings_page_marks_emergency_meetings_and_lower_confidence(
    council_data: Any, client_as: Any
) -> None:
    html = client_as(None).get("/council/").content.decode()
    assert html.count('data-testid="emergency"') == 7
    assert "state news agency: lower confidence" in html
    meeting = Meeting.objects.get(key="nuc-2024-11-26")
    page = client_as("pawel").get(f"/council/meetings/{meeting.pk}/").content.decode()
    assert "KUNA" in page and "virtual" in page  # the contradicting location stays shown beside the main one


def test_a_decision_links_the_rows_its_published_status_cites(council_data: Any, client_as: Any) -> None:
    from veille.council.models import Decision, Milestone

    decision = Decision.objects.get(key="dec-013")
    page = client_as(None).get(f"/council/decisions/{decision.pk}/").content.decode()
    assert Milestone.objects.filter(key="ms-040").exists()
    assert 'href="/council/milestones/#ms-040"' in page


def test_a_coordinator_records_a_meeting_and_a_too_early_date_is_named_beside_its_field(
    users: Any, client_as: Any
) -> None:
    alice = client_as("alice")
    r = alice.post(
        "/council/meetings/new/", {"date": "2023-06-30", "occasion": "x", "releasable_to": "PUBLIC"}
    )
    assert r.status_code == 422
    assert 'data-testid="error-date"' in r.content.decode() and Meeting.objects.count() == 0
    r = alice.post(
        "/council/meetings/new/", {"date": "2026-03-04", "occasion": "Ministers", "releasable_to": "PUBLIC"}
    )
    assert r.status_code == 302 and r["Location"] == f"/council/meetings/{Meeting.objects.get().pk}/"


def test_only_the_owner_body_sees_the_evidence_form(
    decision: Any, nadia: Any, actor_of: Act, client_as: Any
) -> None:
    action = task(actor_of("alice"), decision)
    assert client_as("nadia").get(f"/council/actions/{action.pk}/evidence/new/").status_code == 200
    assert client_as("nora").get(f"/council/actions/{action.pk}/evidence/new/").status_code == 403
    assert client_as("alice").get(f"/council/actions/{action.pk}/evidence/new/").status_code == 403
    r = client_as("nadia").post(
        f"/council/actions/{action.pk}/evidence/new/",
        {"day": timezone.localdate().isoformat(), "record_type": "nations.nation", "record_id": "NOR"},
    )
    assert r.status_code == 400  # the form offers only the evidence models: the choice is refused
    assert Evidence.objects.count() == 0


def test_hidden_actions_stay_out_of_pages_exports_and_the_api(
    decision: Any, actor_of: Act, client_as: Any
) -> None:
    hidden = task(
        actor_of("alice"), decision, title="Norway only", releasable_to="NATIONS", releasable_nations=["NOR"]
    )
    task(actor_of("alice"), decision, title="Everyone in NATO")
    pawel = client_as("pawel")
    assert pawel.get(f"/council/actions/{hidden.pk}/").status_code == 404
    assert "Norway only" not in pawel.get("/council/actions/").content.decode()
    rows = list(csv.DictReader(io.StringIO(pawel.get("/council/actions.csv").content.decode())))
    assert [r["title"] for r in rows] == ["Everyone in NATO"]
    assert pawel.get("/api/v1/council/actions").json()["count"] == 1
    assert pawel.get(f"/api/v1/council/actions/{hidden.pk}").status_code == 404
    assert client_as("nora").get("/api/v1/council/actions").json()["count"] == 2


def test_the_api_tasks_an_action_and_filters_by_status_and_owner(
    decision: Any, nadia: Any, client_as: Any
) -> None:
    alice = client_as("alice")
    past = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    r = alice.post(
        "/api/v1/council/actions",
        {"decision": decision.pk, "title": "Late", "owner": "JATEC", "due": past},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["error"]["type"] == "BadAction"
    for title, owner in (("One", "NSATU"), ("Two", "JATEC")):
        r = alice.post(
            "/api/v1/council/actions",
            {"decision": decision.pk, "title": title, "owner": owner, "due": "2099-01-01"},
            content_type="application/json",
        )
        assert r.status_code == 201 and r.json()["status"] == "open"
    assert [a["title"] for a in alice.get("/api/v1/council/actions?owner=JATEC").json()["items"]] == ["Two"]
    action = Action.objects.get(title="One")
    r = client_as("nadia").post(
        f"/api/v1/council/actions/{action.pk}/evidence",
        {"day": timezone.localdate().isoformat(), "note": "done", "completes": True},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["status"] == "done"
    assert [a["title"] for a in alice.get("/api/v1/council/actions?status=done").json()["items"]] == ["One"]
    r = client_as("nora").post(
        f"/api/v1/council/actions/{action.pk}/evidence",
        {"day": timezone.localdate().isoformat(), "note": "x"},
        content_type="application/json",
    )
    assert r.status_code == 403 and r.json()["error"]["type"] == "WrongOwner"


def test_the_command_lists_overdue_actions_of_a_body_as_csv_and_json(
    decision: Any, nadia: Any, actor_of: Act, capsys: Any
) -> None:
    today = timezone.localdate()
    late = task(actor_of("alice"), decision, title="Late one", due=today.isoformat())
    task(actor_of("alice"), decision, title="Later one", due="2099-01-01")
    task(actor_of("alice"), decision, title="JATEC's", owner="JATEC", due=today.isoformat())
    as_of = (today + dt.timedelta(days=2)).isoformat()
    call_command("council", "actions", "--overdue", "--owner", "nsatu", "--format", "csv", "--as-of", as_of)
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["title"], r["status"], r["owner"]) for r in rows] == [("Late one", "overdue", "NSATU")]
    call_command("council", "actions", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert {d["title"]: d["status"] for d in data} == {
        "Late one": "open",
        "Later one": "open",
        "JATEC's": "open",
    }
    do_attach_evidence(Actor.for_user(nadia), late.pk, EvidenceData(day=today, note="x", completes=True))
    call_command("council", "actions", "--status", "done")
    assert "Late one" in capsys.readouterr().out


def test_reminders_go_once_to_the_body_and_overdue_ones_to_coordinators_too(
    decision: Any, nadia: Any, actor_of: Act, users: Any, capsys: Any
) -> None:
    today = timezone.localdate()
    task(actor_of("alice"), decision, title="Due soon", due=(today + dt.timedelta(days=3)).isoformat())
    task(actor_of("alice"), decision, title="Due today", due=today.isoformat())
    call_command("council", "remind")
    assert "2 due soon, 0 overdue" in capsys.readouterr().out
    call_command("council", "remind", "--as-of", (today + dt.timedelta(days=4)).isoformat())
    assert "0 due soon, 4 overdue" in capsys.readouterr().out  # both actions, to nadia and to alice
    kinds = sorted(Notice.objects.filter(user=nadia).values_list("kind", flat=True))
    assert kinds == ["due_soon", "due_soon", "overdue", "overdue", "tasked", "tasked"]
    assert Notice.objects.filter(user=users["alice"], kind="overdue").count() == 2
    assert not Notice.objects.filter(user=users["nora"]).exists()
    call_command("council", "remind", "--as-of", (today + dt.timedelta(days=4)).isoformat())
    assert "0 due soon, 0 overdue" in capsys.readouterr().out


def test_the_home_page_shows_the_actions_of_my_body_that_press(
    decision: Any, nadia: Any, actor_of: Act, client_as: Any
) -> None:
    task(actor_of("alice"), decision, due=(timezone.localdate() + dt.timedelta(days=2)).isoformat())
    html = client_as("nadia").get("/").content.decode()
    assert "Actions of your body due within 7 days or overdue" in html
    assert "Actions of your body" not in client_as("nora").get("/").content.decode()


def test_notifications_are_read_on_their_page(
    decision: Any, nadia: Any, actor_of: Act, client_as: Any
) -> None:
    task(actor_of("alice"), decision)
    client = client_as("nadia")
    assert "Coordinate the winter kits" in client.get("/council/notifications/").content.decode()
    assert client.post("/council/notifications/").status_code == 302
    assert not Notice.objects.filter(user=nadia, read_at=None).exists()


def test_exports_carry_the_files_they_come_from(council_data: Any, client_as: Any) -> None:
    data = client_as(None).get("/council/meetings.json").json()
    assert len(data["rows"]) == 26 and {f["file"] for f in data["meta"]["files"]} >= {"nuc_meetings.csv"}
    assert all(len(f["sha256"]) == 64 for f in data["meta"]["files"])
    milestones = list(
        csv.DictReader(io.StringIO(client_as(None).get("/council/milestones.csv").content.decode()))
    )
    assert {r["key"] for r in milestones if r["lower_confidence"] == "True"} >= {"ms-018", "ms-057"}


def test_an_actions_notices_are_cleared_when_evidence_shows_it_done(
    decision: Any, nadia: Any, actor_of: Act, users: Any
) -> None:
    """Notices follow the state: the body's "tasked" and every reminder stay to do until the
    action is done, then leave everyone's list (the coordinator's overdue one too)."""
    from veille.notices.queries import for_user

    today = timezone.localdate()
    action = task(actor_of("alice"), decision, title="Late one", due=today.isoformat())
    call_command("council", "remind", "--as-of", (today + dt.timedelta(days=1)).isoformat())
    assert {n.kind for n in for_user(nadia, "council").to_do} == {"tasked", "overdue"}
    assert [n.kind for n in for_user(users["alice"], "council").to_do] == ["overdue"]
    do_attach_evidence(Actor.for_user(nadia), action.pk, EvidenceData(day=today, note="x", completes=True))
    assert not for_user(nadia, "council") and not for_user(users["alice"], "council")
    assert Notice.objects.filter(app="council", cleared_at=None).count() == 0
    # A later reminder run does not raise them again.
    call_command("council", "remind", "--as-of", (today + dt.timedelta(days=2)).isoformat())
    assert not for_user(nadia, "council")
