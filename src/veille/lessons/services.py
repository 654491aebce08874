"""Every write of lessons learned: observations, each step of the cycle, public summaries.

``check_*`` validates input and rights and raises a named error (:mod:`veille.lessons.exceptions`);
``do_*`` writes in one transaction, with the record's row locked, audits, keeps the search index in
step, and tells the users who take the next step (:mod:`veille.council.notify`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from veille.audit.services import do_audit, snapshot
from veille.core.actions import DONE, derive_status
from veille.core.errors import VeilleError
from veille.council import services as council
from veille.council.services import notifications as notify
from veille.lessons import cycle
from veille.lessons.exceptions import (
    ActionNotDone,
    BadLesson,
    BadObservation,
    LessonNotFound,
    UnknownDomain,
    UnknownStep,
)
from veille.lessons.models import CycleStep, DocKind, Domain, Lesson, Observation, PublicSummary, SearchDoc
from veille.lessons.rights import require_observer_for, require_step, users_for
from veille.nations.access import Actor, Releasability, Releasable, require_coordinator
from veille.nations.models import Nation


def check_domains(value: Any) -> str:
    """``["drones", "medical"]`` or ``"drones, medical"`` → ``"|drones|medical|"``."""
    items = value.replace(";", ",").split(",") if isinstance(value, str) else list(value or [])
    codes = sorted({str(v).strip().lower() for v in items if str(v).strip()})
    unknown = [c for c in codes if c not in Domain.values]
    if unknown:
        raise UnknownDomain(
            f"unknown domain(s) {', '.join(unknown)}; the domains are {', '.join(Domain.values)}",
            field="domains",
        )
    return "|" + "|".join(codes) + "|" if codes else ""


def _text(value: Any, field: str, limit: int, error: type[VeilleError]) -> str:
    text = str(value or "").strip()
    if not text:
        raise error("is required", field=field)
    if len(text) > limit:
        raise error(f"is at most {limit} characters", field=field)
    return text


def _one(model: Any, actor: Actor, pk: Any, what: str, lock: bool) -> Any:
    qs = model.objects.all() if actor.system else model.objects.visible_to(actor.user)
    if lock:
        qs = qs.select_for_update()
    try:
        found = qs.filter(pk=int(str(pk))).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise LessonNotFound(f"no {what} {pk!r} that you can see", field=what)
    return found


def get_observation(actor: Actor, pk: Any, *, lock: bool = False) -> Observation:
    found: Observation = _one(Observation, actor, pk, "observation", lock)
    return found


def get_lesson(actor: Actor, pk: Any, *, lock: bool = False) -> Lesson:
    found: Lesson = _one(Lesson, actor, pk, "lesson", lock)
    return found


def index(kind: str, obj: Releasable, title: str, body: str, day: dt.date, domains: str = "") -> None:
    """Write the record's searchable text with its releasability (same transaction)."""
    SearchDoc.objects.update_or_create(
        kind=kind,
        ref_id=obj.pk,
        defaults={
            "title": title,
            "body": body,
            "domains": domains,
            "day": day,
            "releasable_to": obj.releasable_to,
            "releasable_nations": obj.releasable_nations,
            "owner_nation_id": obj.owner_nation_id,
        },
    )


def _trail(actor: Actor, step: str, before: str, after: str, note: str, **target: Any) -> None:
    CycleStep.objects.create(
        step=step, from_stage=before, to_stage=after, note=note, at=timezone.now(), by=actor.label, **target
    )


def _announce(actor: Actor, obj: Observation | Lesson, stage: str, owner: str | None = None) -> None:
    """The step awaited before is taken (its notices are cleared); tell who takes the next one."""
    kind = "observation" if isinstance(obj, Observation) else "lesson"
    notify.clear_step(actor, kind, obj.pk, [s for s in cycle.STAGES if s != stage])
    step = cycle.next_step(stage)
    if step is None:
        return
    notify.send(
        actor,
        users_for(step, owner),
        "lesson_step",
        f"{obj.title}: {step}",
        obj.get_absolute_url(),
        notify.step_key(kind, obj.pk, stage),
        visible=obj,
    )


# --- observations --------------------------------------------------------------------------------


def check_observation(
    actor: Actor,
    nation: Any,
    title: Any,
    text: Any,
    domains: Any,
    observed_on: Any,
    releasable_to: Any = Releasability.NATIONS,
    releasable_nations: Any = (),
) -> dict[str, Any]:
    code = str(nation or "").strip().upper()
    if not Nation.objects.filter(code=code).exists():
        raise BadObservation(f"no nation has code {nation!r}", field="nation")
    require_observer_for(actor, code)
    day = council.parse_date(observed_on, "observed_on", BadObservation, future=False)
    nations = releasable_nations or [code]
    to, encoded = council.marking(releasable_to or Releasability.NATIONS, nations, None, BadObservation)
    return {
        "title": _text(title, "title", 300, BadObservation),
        "text": _text(text, "text", 20000, BadObservation),
        "domains": check_domains(domains),
        "observed_on": day,
        "owner_nation_id": code,
        "releasable_to": to,
        "releasable_nations": encoded,
    }


def do_record_observation(
    actor: Actor,
    nation: Any,
    title: Any,
    text: Any,
    domains: Any,
    observed_on: Any,
    releasable_to: Any = Releasability.NATIONS,
    releasable_nations: Any = (),
    *,
    synthetic: bool = False,
) -> Observation:
    with transaction.atomic():
        values = check_observation(
            actor, nation, title, text, domains, observed_on, releasable_to, releasable_nations
        )
        now = timezone.now()
        obs = Observation.objects.create(
            **values,
            stage=cycle.OBSERVED,
            stage_since=now,
            synthetic=synthetic,
            created_at=now,
            created_by=actor.label,
        )
        index(DocKind.OBSERVATION, obs, obs.title, obs.text, obs.observed_on, obs.domains)
        do_audit(actor, "lessons.observation.record", obs, after=snapshot(obs))
        _announce(actor, obs, cycle.OBSERVED)
        return obs


def _move(actor: Actor, obj: Observation | Lesson, step: str, note: str, owner: str | None = None) -> str:
    """Check the step (stage, then role) and move the record; returns the stage it left."""
    after = cycle.transition(obj.stage, step)
    require_step(actor, step, owner)
    before = obj.stage
    obj.stage = after
    obj.stage_since = timezone.now()
    obj.save(update_fields=["stage", "stage_since"])
    target = {"observation": obj} if isinstance(obj, Observation) else {"lesson": obj}
    _trail(actor, step, before, after, note, **target)
    return before


def do_analyse(actor: Actor, observation_id: Any, analysis: Any) -> Observation:
    with transaction.atomic():
        obs = get_observation(actor, observation_id, lock=True)
        cycle.transition(obs.stage, "analyse")
        text = _text(analysis, "analysis", 20000, BadObservation)
        before = snapshot(obs)
        _move(actor, obs, "analyse", text)
        obs.analysis = text
        obs.save(update_fields=["analysis"])
        index(DocKind.OBSERVATION, obs, obs.title, f"{obs.text}\n{text}", obs.observed_on, obs.domains)
        do_audit(actor, "lessons.observation.analyse", obs, before=before, after=snapshot(obs))
        _announce(actor, obs, obs.stage)
        return obs


def do_identify(
    actor: Actor,
    observation_id: Any,
    title: Any,
    text: Any,
    *,
    domains: Any = None,
    releasable_to: Any = "",
    releasable_nations: Any = (),
    synthetic: bool = False,
) -> Lesson:
    """Identify a lesson from an analysed observation (its marking by default)."""
    with transaction.atomic():
        obs = get_observation(actor, observation_id, lock=True)
        cycle.transition(obs.stage, "identify")
        require_step(actor, "identify")
        to = releasable_to or obs.releasable_to
        nations = releasable_nations or obs.releasable_nation_codes
        to, encoded = council.marking(to, nations, None, BadLesson)
        now = timezone.now()
        lesson = Lesson.objects.create(
            title=_text(title, "title", 300, BadLesson),
            text=_text(text, "text", 20000, BadLesson),
            domains=check_domains(obs.domain_list if domains is None else domains),
            stage=cycle.IDENTIFIED,
            stage_since=now,
            releasable_to=to,
            releasable_nations=encoded,
            owner_nation_id=obs.owner_nation_id,
            synthetic=synthetic,
            created_at=now,
            created_by=actor.label,
        )
        _move(actor, obs, "identify", lesson.title)
        obs.lesson = lesson
        obs.save(update_fields=["lesson"])
        index(DocKind.LESSON, lesson, lesson.title, lesson.text, now.date(), lesson.domains)
        do_audit(actor, "lessons.lesson.identify", lesson, after=snapshot(lesson))
        notify.clear_step(actor, "observation", obs.pk, cycle.STAGES)
        _announce(actor, lesson, lesson.stage)
        return lesson


def do_task(actor: Actor, lesson_id: Any, title: Any, owner: Any, due: Any, note: Any = "") -> Lesson:
    """Task the remedial action to a body: an action of the Council's register, as releasable as
    the lesson."""
    with transaction.atomic():
        lesson = get_lesson(actor, lesson_id, lock=True)
        cycle.transition(lesson.stage, "task")
        require_step(actor, "task")
        values = council.check_action(actor, lesson, title, owner, due, note=note)
        lesson.action = council.create_action(actor, values, None, synthetic=lesson.synthetic)
        lesson.save(update_fields=["action"])
        _move(actor, lesson, "task", str(values["title"]))
        do_audit(actor, "lessons.lesson.task", lesson, after=snapshot(lesson))
        _announce(actor, lesson, lesson.stage, lesson.action.owner)
        return lesson


def do_implement(actor: Actor, lesson_id: Any, note: Any = "") -> Lesson:
    """The owner body declares the remedial action implemented: its evidence must show it done."""
    with transaction.atomic():
        lesson = get_lesson(actor, lesson_id, lock=True)
        cycle.transition(lesson.stage, "implement")
        action = lesson.action
        if action is None:  # tasked lessons always have one; kept for data written around the services
            raise ActionNotDone("the lesson has no remedial action", field="action")
        require_step(actor, "implement", action.owner)
        status = derive_status(
            action.due, [(e.day, e.completes) for e in action.evidence.all()], today=timezone.localdate()
        )
        if status.status != DONE:
            raise ActionNotDone(
                f"action {action.pk} is {status.status.replace('_', ' ')}: attach the evidence that "
                "shows it done first",
                field="action",
            )
        _move(actor, lesson, "implement", str(note or "").strip(), action.owner)
        do_audit(actor, "lessons.lesson.implement", lesson, after=snapshot(lesson))
        _announce(actor, lesson, lesson.stage)
        return lesson


def _simple(step: str) -> Any:
    def do(actor: Actor, lesson_id: Any, note: Any = "") -> Lesson:
        with transaction.atomic():
            lesson = get_lesson(actor, lesson_id, lock=True)
            _move(actor, lesson, step, str(note or "").strip())
            do_audit(actor, f"lessons.lesson.{step}", lesson, after=snapshot(lesson))
            _announce(actor, lesson, lesson.stage)
            return lesson

    do.__name__ = f"do_{step}"
    return do


do_validate = _simple("validate")
do_learn = _simple("learn")


def do_step(actor: Actor, lesson_id: Any, step: str, **fields: Any) -> Lesson:
    """One of the lesson's steps by name (pages and the API)."""
    if step == "task":
        return do_task(
            actor,
            lesson_id,
            fields.get("title"),
            fields.get("owner"),
            fields.get("due"),
            fields.get("note", ""),
        )
    if step == "implement":
        return do_implement(actor, lesson_id, fields.get("note", ""))
    if step in ("validate", "learn"):
        done: Lesson = (do_validate if step == "validate" else do_learn)(
            actor, lesson_id, fields.get("note", "")
        )
        return done
    if step in cycle.STEPS:  # analyse and identify move observations
        lesson = get_lesson(actor, lesson_id)
        cycle.transition(lesson.stage, step)
    raise UnknownStep(
        f"unknown step {step!r}; a lesson's steps are {', '.join(cycle.LESSON_STEPS)}", field="step"
    )


def do_release_summary(actor: Actor, lesson_id: Any, title: Any, text: Any) -> PublicSummary:
    """Release a public summary of a lesson (coordinators); the lesson keeps its releasability."""
    with transaction.atomic():
        lesson = get_lesson(actor, lesson_id, lock=True)
        require_coordinator(actor, "release public summaries of lessons")
        heading = _text(title, "title", 300, BadLesson)
        body = _text(text, "text", 4000, BadLesson)
        now = timezone.now()
        summary, _created = PublicSummary.objects.update_or_create(
            lesson=lesson,
            defaults={"title": heading, "text": body, "released_at": now, "released_by": actor.label},
        )
        public = Lesson(pk=lesson.pk, releasable_to=Releasability.PUBLIC)
        index(DocKind.SUMMARY, public, heading, body, now.date(), lesson.domains)
        do_audit(actor, "lessons.summary.release", summary, after=snapshot(summary))
        return summary


__all__ = [
    "check_domains",
    "check_observation",
    "do_analyse",
    "do_identify",
    "do_implement",
    "do_learn",
    "do_record_observation",
    "do_release_summary",
    "do_step",
    "do_task",
    "do_validate",
    "get_lesson",
    "get_observation",
    "index",
]
