"""Made-up demonstration records of the training mechanism, from a fixed seed, every one marked
``synthetic`` in the data and on the pages: actions tasked on some of the Council's real decisions
(with evidence), observations taken through the lessons-learned cycle, training cohorts.

Nothing here is a fact: no real body was tasked these actions, no nation made these observations.
Everything is written through the services, as a user would, by the demo's system process and two
demo editors (NSATU's and JATEC's).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from veille.council import services as council
from veille.council.models import Decision
from veille.lessons import services as lessons
from veille.lessons.models import Domain, Observation
from veille.nations.access import Actor, Releasability
from veille.nations.services import do_create_demo_users
from veille.training import services as training
from veille.training.models import Programme

#: Demo editors of NATO bodies (the named demo users edit for nations only).
BODY_EDITORS = (("nadia", "NSATU"), ("jakub", "JATEC"))

TOPICS = {
    Domain.AIR_DEFENCE: ("interceptor stocks ran low during mass strikes", "mobile fire groups covered gaps"),
    Domain.DRONES: ("first-person-view drones were jammed near the front", "drone crews rotated too rarely"),
    Domain.ELECTRONIC_WARFARE: (
        "GNSS jamming degraded guided munitions",
        "emitters were located within minutes",
    ),
    Domain.LOGISTICS: ("spare parts for donated systems took months", "fuel convoys were struck at night"),
    Domain.MEDICAL: (
        "evacuation within the golden hour failed under drones",
        "tourniquet training saved lives",
    ),
    Domain.TRAINING: (
        "recruits arrived without live-fire practice",
        "instructors lacked recent front experience",
    ),
}


def body_editors() -> list[Any]:
    users = []
    system = Actor.system_process("demo:training")
    do_create_demo_users(
        system,
        [(username, None, "editor", f"{username.title()}, {body} editor") for username, body in BODY_EDITORS],
    )
    for username, body in BODY_EDITORS:
        user = get_user_model().objects.get(username=username)
        council.do_assign_body(system, user, body)
        users.append(user)
    return users


def generate(seed: int = 2026) -> dict[str, int]:
    """Idempotent: nothing is made when synthetic observations exist already."""
    if Observation.objects.filter(synthetic=True).exists():
        return {"made": 0}
    rng = random.Random(seed)
    system = Actor.system_process("demo:training")
    _nsatu, jatec = body_editors()
    today = timezone.localdate()
    made = {"actions": 0, "evidence": 0, "observations": 0, "lessons": 0, "cohorts": 0}

    decisions = list(Decision.objects.order_by("key")[:8])
    for n, decision in enumerate(decisions):
        owner = rng.choice(["NSATU", "JATEC", "CAP", "PURL"])
        tasked = today - dt.timedelta(days=60)  # tasked in the past, so that statuses vary
        due = tasked + dt.timedelta(days=(20, 50, 63, 66, 90, 150, 45, 120)[n])
        action = council.do_task_action(
            system,
            decision.pk,
            f"Report on the implementation of {decision.key} (demo)",
            owner,
            due,
            tasked_on=tasked,
            synthetic=True,
        )
        made["actions"] += 1
        if n % 2 == 0:
            council.do_attach_evidence(
                system,
                action.pk,
                council.EvidenceData(
                    day=today - dt.timedelta(days=rng.randint(1, 30)),
                    completes=n % 4 == 0,
                    note="Progress report received (demo).",
                ),
                synthetic=True,
            )
            made["evidence"] += 1

    nations = ["UKR", "POL", "NOR", "DEU", "USA", "GBR"]
    for n, (domain, texts) in enumerate(TOPICS.items()):
        nation = nations[n % len(nations)]
        obs = lessons.do_record_observation(
            system,
            nation,
            f"{domain.label}: {texts[0]} (demo)",
            f"During the reporting period {texts[0]}; units noted that {texts[1]}. (Demo text.)",
            [domain.value],
            today - dt.timedelta(days=200 - 20 * n),
            Releasability.NATIONS,
            [nation, "UKR"],
            synthetic=True,
        )
        made["observations"] += 1
        if n >= 4:
            continue
        lessons.do_analyse(system, obs.pk, f"Seen in several units; root cause: {texts[1]}. (Demo.)")
        if n >= 3:
            continue
        lesson = lessons.do_identify(
            system,
            obs.pk,
            f"Lesson: {texts[0]} (demo)",
            f"Adapt doctrine and training: {texts[1]}. (Demo.)",
            releasable_to=Releasability.NATO if n == 0 else "",
            synthetic=True,
        )
        made["lessons"] += 1
        if n >= 2:
            continue
        lessons.do_task(
            system,
            lesson.pk,
            f"Update the course on {domain.label.lower()} (demo)",
            "JATEC",
            today + dt.timedelta(days=30),
        )
        if n == 0:
            lesson.refresh_from_db()
            assert lesson.action is not None
            council.do_attach_evidence(
                Actor.for_user(jatec),
                lesson.action.pk,
                council.EvidenceData(day=today, completes=True, note="Course updated (demo)."),
                synthetic=True,
            )
            lessons.do_implement(Actor.for_user(jatec), lesson.pk, "Course updated (demo).")

    for programme in Programme.objects.filter(hostings__isnull=False).distinct()[:4]:
        host = programme.hostings.first()
        assert host is not None
        start = today - dt.timedelta(days=rng.randint(20, 200))
        training.do_record_cohort(
            system,
            programme.pk,
            host.nation_id,
            rng.choice(["Infantry", "Combat medics", "Drone operators"]),
            start,
            start + dt.timedelta(days=35),
            rng.randint(40, 400),
            Releasability.NATO,
            synthetic=True,
        )
        made["cohorts"] += 1
    return made
