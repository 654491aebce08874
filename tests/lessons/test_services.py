"""The cycle through the services: each step by the role allowed to take it, skipped and repeated
steps refused, the remedial action a Council action whose evidence must show it done, notifications
to whoever takes the next step. Every refusal writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from veille.audit.models import AuditEvent
from veille.core.errors import PermissionDenied
from veille.council.models import Action
from veille.council.services import EvidenceData, do_attach_evidence
from veille.lessons import services
from veille.lessons.exceptions import ActionNotDone, BadObservation, SkippedStep, UnknownDomain, WrongRole
from veille.lessons.models import CycleStep, Lesson, Observation, SearchDoc
from veille.nations.access import Actor
from veille.nations.exceptions import WrongNation
from veille.notices.models import Notice

pytestmark = pytest.mark.django_db
Act = Callable[[str], Actor]


def counts() -> tuple[int, ...]:
    return (
        Observation.objects.count(),
        Lesson.objects.count(),
        CycleStep.objects.count(),
        Action.objects.count(),
        SearchDoc.objects.count(),
        AuditEvent.objects.count(),
    )


def observe(actor: Actor, nation: str = "NOR", **kw: Any) -> Observation:
    return services.do_record_observation(
        actor,
        nation,
        kw.pop("title", "Jammed drones"),
        kw.pop("text", "First-person-view drones lost their link near the front."),
        kw.pop("domains", ["drones", "electronic_warfare"]),
        kw.pop("observed_on", "2025-05-01"),
        **kw,
    )


@pytest.fixture
def identified(users: Any, actor_of: Act, jakub: Any) -> Lesson:
    """A lesson from a Norwegian observation released to NATO (JATEC's staff see it)."""
    obs = observe(actor_of("nora"), releasable_to="NATO")
    services.do_analyse(actor_of("alice"), obs.pk, "Links on one band only")
    return services.do_identify(Actor.for_user(jakub), obs.pk, "Train crews to hop bands", "Add band hopping")


def test_a_nation_records_observations_for_itself_only(users: Any, actor_of: Act) -> None:
    obs = observe(actor_of("nora"))
    assert (obs.owner_nation_id, obs.releasable_to, obs.releasable_nations) == ("NOR", "NATIONS", "|NOR|")
    assert obs.domain_list == ["drones", "electronic_warfare"]
    before = counts()
    with pytest.raises(WrongNation):
        observe(actor_of("olga"), "NOR")
    with pytest.raises(PermissionDenied):
        observe(actor_of("pawel"), "POL")
    with pytest.raises(UnknownDomain):
        observe(actor_of("nora"), domains=["cyber"])
    with pytest.raises(BadObservation) as err:
        observe(actor_of("nora"), observed_on="2099-01-01")
    assert err.value.field == "observed_on"
    assert counts() == before
    assert observe(actor_of("alice"), "POL").owner_nation_id == "POL"


def test_a_lesson_goes_through_the_whole_cycle_by_the_roles_allowed(
    identified: Lesson, nadia: Any, jakub: Any, actor_of: Act
) -> None:
    lesson = services.do_task(
        actor_of("alice"), identified.pk, "Update the drone course", "NSATU", "2099-01-01"
    )
    assert lesson.stage == "tasked" and lesson.action is not None
    action = lesson.action
    assert (action.owner, action.releasable_to, action.owner_nation_id) == ("NSATU", "NATO", "NOR")
    with pytest.raises(ActionNotDone) as err:
        services.do_implement(Actor.for_user(nadia), lesson.pk, "")
    assert err.value.field == "action" and "is open" in err.value.message
    do_attach_evidence(
        Actor.for_user(nadia),
        action.pk,
        EvidenceData(day=timezone.localdate(), note="Course updated", completes=True),
    )
    assert services.do_implement(Actor.for_user(nadia), lesson.pk, "done").stage == "implemented"
    assert services.do_validate(Actor.for_user(jakub), lesson.pk, "checked in exercise").stage == "validated"
    assert services.do_learn(actor_of("alice"), lesson.pk, "").stage == "learned"
    steps = list(CycleStep.objects.values_list("step", "by"))
    assert steps == [
        ("analyse", "alice"),
        ("identify", "jakub"),
        ("task", "alice"),
        ("implement", "nadia"),
        ("validate", "jakub"),
        ("learn", "alice"),
    ]


@pytest.mark.parametrize(("step", "who"), [("task", "jakub"), ("task", "nora"), ("learn", "jakub")])
def test_each_step_by_its_role_only(identified: Lesson, jakub: Any, users: Any, step: str, who: str) -> None:
    lesson = identified
    if step == "learn":
        lesson.stage = "validated"
        lesson.save()
    before = counts()
    with pytest.raises(WrongRole) as err:
        services.do_step(
            Actor.for_user(users[who]), lesson.pk, step, title="x", owner="NSATU", due="2099-01-01"
        )
    assert err.value.field == "step"
    assert counts() == before


def test_analysis_by_coordinators_and_jatec_only(users: Any, actor_of: Act, jakub: Any, nadia: Any) -> None:
    obs = observe(actor_of("nora"), releasable_to="NATO")
    for who in ("nora", "nadia"):
        with pytest.raises(WrongRole):
            services.do_analyse(Actor.for_user(users[who]), obs.pk, "mine")
    assert services.do_analyse(Actor.for_user(jakub), obs.pk, "JATEC's").stage == "analysed"


def test_skipping_a_step_of_the_cycle_is_refused_and_writes_nothing(
    identified: Lesson, actor_of: Act
) -> None:
    before = counts()
    for step in ("implement", "validate", "learn"):
        with pytest.raises(SkippedStep) as err:
            services.do_step(actor_of("alice"), identified.pk, step)
        assert err.value.field == "step" and '"task" comes before' in err.value.message
    obs = observe(actor_of("nora"), title="Second", releasable_to="NATO")
    before = counts()
    with pytest.raises(SkippedStep):
        services.do_identify(actor_of("alice"), obs.pk, "Too early", "no analysis yet")
    assert counts() == before
    identified.refresh_from_db()
    assert identified.stage == "identified"


def test_whoever_takes_the_next_step_is_told(
    users: Any, actor_of: Act, jakub: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        obs = observe(actor_of("nora"), releasable_to="NATO")
    assert set(Notice.objects.filter(kind="lesson_step").values_list("user__username", flat=True)) == {
        "alice",
        "jakub",
    }
    assert {m.to[0] for m in mail.outbox} >= {"jakub@example.org"}
    assert Notice.objects.get(user=jakub).url == obs.get_absolute_url()


def test_a_step_notice_is_cleared_once_the_step_is_taken(users: Any, actor_of: Act, jakub: Any) -> None:
    """jakub and alice are told an observation awaits analysis; once jakub analyses it, that notice
    leaves both lists and the next step (identify) is announced instead."""
    from veille.notices.queries import for_user

    obs = observe(actor_of("nora"), releasable_to="NATO")
    assert [n.key for n in for_user(users["alice"], "council").to_do] == [
        f"council:observation:{obs.pk}:observed"
    ]
    services.do_analyse(Actor.for_user(jakub), obs.pk, "JATEC's")
    for who in (users["alice"], jakub):
        assert [n.key for n in for_user(who, "council").to_do] == [f"council:observation:{obs.pk}:analysed"]
    lesson = services.do_identify(actor_of("alice"), obs.pk, "A lesson", "text")
    keys = {n.key for n in for_user(users["alice"], "council").to_do}
    assert keys == {f"council:lesson:{lesson.pk}:identified"}


def test_an_observation_hidden_from_jatec_is_neither_announced_to_it_nor_found_by_it(
    users: Any, actor_of: Act, jakub: Any
) -> None:
    from veille.lessons.exceptions import LessonNotFound

    obs = observe(actor_of("nora"))  # releasable to Norway only
    assert not Notice.objects.filter(user=jakub).exists()
    assert Notice.objects.filter(user=users["alice"]).exists()
    before = counts()
    with pytest.raises(LessonNotFound):
        services.do_analyse(Actor.for_user(jakub), obs.pk, "cannot see it")
    assert counts() == before


def test_a_public_summary_is_released_by_a_coordinator_and_the_lesson_keeps_its_marking(
    identified: Lesson, actor_of: Act, jakub: Any
) -> None:
    with pytest.raises(PermissionDenied):
        services.do_release_summary(Actor.for_user(jakub), identified.pk, "Title", "Text")
    summary = services.do_release_summary(actor_of("alice"), identified.pk, "Band hopping", "Crews learn it")
    identified.refresh_from_db()
    assert identified.releasable_to == "NATO" and summary.lesson_id == identified.pk
    doc = SearchDoc.objects.get(kind="summary", ref_id=identified.pk)
    assert (doc.releasable_to, doc.title) == ("PUBLIC", "Band hopping")
