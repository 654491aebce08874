"""Pages, API and exports of lessons learned: a lesson not releasable to a nation is invisible to its
users everywhere; the steps' forms show the cycle's named errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from veille.kit.exports import read_csv_rows
from veille.lessons import services
from veille.lessons.models import Lesson, Observation
from veille.nations.access import Actor

pytestmark = pytest.mark.django_db
Act = Callable[[str], Actor]


@pytest.fixture
def norwegian(users: Any, actor_of: Act) -> Lesson:
    obs = services.do_record_observation(
        actor_of("nora"), "NOR", "Jammed drones", "Links lost near the front", ["drones"], "2025-05-01"
    )
    services.do_analyse(actor_of("alice"), obs.pk, "One band only")
    return services.do_identify(actor_of("alice"), obs.pk, "Hop bands", "Teach band hopping")


def test_a_lesson_hidden_from_poland_is_hidden_in_pages_search_api_and_exports(
    norwegian: Lesson, client_as: Any
) -> None:
    pawel, nora = client_as("pawel"), client_as("nora")
    assert pawel.get(f"/lessons/{norwegian.pk}/").status_code == 404
    assert nora.get(f"/lessons/{norwegian.pk}/").status_code == 200
    assert "Hop bands" not in pawel.get("/lessons/").content.decode()
    search = pawel.get("/lessons/search/?q=hop+bands").content.decode()
    assert 'data-testid="total">0 results' in search and "Hop bands" not in search
    assert "1 result" in nora.get("/lessons/search/?q=hop+bands").content.decode()
    assert pawel.get(f"/api/v1/lessons/{norwegian.pk}").status_code == 404
    assert pawel.get("/api/v1/lessons/").json()["count"] == 0
    assert pawel.get("/api/v1/lessons/search?q=bands").json()["total"] == 0
    assert nora.get("/api/v1/lessons/search?q=bands").json()["total"] == 2  # the lesson and its observation
    assert list(read_csv_rows(pawel.get("/lessons/lessons.csv").content.decode())) == []
    assert pawel.get("/lessons/observations.json").json()["rows"] == []
    assert len(nora.get("/lessons/observations.json").json()["rows"]) == 1


def test_the_page_offers_the_next_step_to_its_role_only(norwegian: Lesson, client_as: Any) -> None:
    assert 'data-testid="step"' in client_as("alice").get(f"/lessons/{norwegian.pk}/").content.decode()
    assert 'data-testid="step"' not in client_as("nora").get(f"/lessons/{norwegian.pk}/").content.decode()


def test_skipping_a_step_through_the_form_shows_the_named_error(norwegian: Lesson, client_as: Any) -> None:
    r = client_as("alice").post(f"/lessons/{norwegian.pk}/validate/", {"note": "too early"})
    assert r.status_code == 409 and "&quot;task&quot; comes before &quot;validate&quot;" in r.content.decode()
    norwegian.refresh_from_db()
    assert norwegian.stage == "identified"


def test_the_task_form_creates_the_remedial_action(norwegian: Lesson, client_as: Any) -> None:
    r = client_as("alice").post(
        f"/lessons/{norwegian.pk}/task/",
        {"title": "Update the course", "owner": "JATEC", "due": "2099-01-01"},
    )
    assert r.status_code == 302
    norwegian.refresh_from_db()
    assert norwegian.stage == "tasked" and norwegian.action is not None and norwegian.action.owner == "JATEC"
    page = client_as("alice").get(f"/council/actions/{norwegian.action.pk}/").content.decode()
    assert "the remedial action of a lesson" in page


def test_an_observation_through_the_form_and_the_api(users: Any, client_as: Any) -> None:
    r = client_as("olga").post(
        "/lessons/observations/new/",
        {
            "nation": "UKR",
            "title": "Glide bombs",
            "text": "Hit command posts",
            "domains": ["air_defence"],
            "observed_on": "2025-03-01",
            "releasable_to": "NATO",
        },
    )
    assert r.status_code == 302 and Observation.objects.get().domains == "|air_defence|"
    r = client_as("olga").post(
        "/api/v1/lessons/observations",
        {"nation": "NOR", "title": "Not ours", "text": "x", "observed_on": "2025-03-01"},
        content_type="application/json",
    )
    assert r.status_code == 403 and r.json()["error"]["type"] == "WrongNation"
    r = client_as("alice").post(
        f"/api/v1/lessons/observations/{Observation.objects.get().pk}/steps",
        {"step": "identify", "title": "x", "text": "y"},
        content_type="application/json",
    )
    assert r.status_code == 409 and r.json()["error"]["type"] == "SkippedStep"


def test_ageing_lessons_are_listed_for_coordinators(norwegian: Lesson, client_as: Any) -> None:
    import datetime as dt

    from django.utils import timezone

    Lesson.objects.filter(pk=norwegian.pk).update(stage_since=timezone.now() - dt.timedelta(days=120))
    html = client_as("alice").get("/lessons/").content.decode()
    assert 'data-testid="ageing"' in html and "Hop bands" in html
    assert 'data-testid="ageing"' not in client_as("nora").get("/lessons/").content.decode()


def test_what_waits_on_a_coordinator_is_read_in_queries_that_do_not_grow(
    norwegian: Lesson, users: Any, actor_of: Act
) -> None:
    """Observations and lessons at every stage are read in one query per model (it was one per stage):
    the count stays as records reach more stages, and the list keeps the stages' order."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from veille.lessons import queries

    def read() -> tuple[int, list[tuple[str, str]]]:
        with CaptureQueriesContext(connection) as seen:
            found = queries.awaiting(users["alice"])
        return len(seen), [(type(x).__name__, x.stage) for x in found]

    before, found = read()
    assert ("Lesson", "identified") in found
    first = services.do_record_observation(
        actor_of("nora"), "NOR", "Cold batteries", "Drones fail in frost", ["drones"], "2025-06-01"
    )
    services.do_record_observation(
        actor_of("nora"), "NOR", "Wet fuses", "Fuses fail in rain", ["logistics"], "2025-06-02"
    )
    services.do_analyse(actor_of("alice"), first.pk, "Heaters needed")
    after, found = read()
    assert after == before <= 3  # the observations, the lessons, the lessons' observations
    kinds = [k for k, _s in found]
    assert found[: kinds.count("Observation")] == [("Observation", "observed"), ("Observation", "analysed")]
    assert ("Lesson", "identified") in found
