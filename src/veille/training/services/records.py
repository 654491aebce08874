"""Writes of training records: cohorts (coordinators, the host nation's editors, NSATU's editors).
Programmes, host nations and stated figures come from the shipped files (:mod:`veille.training.imports`).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from veille.audit.services import do_audit, snapshot
from veille.core.errors import PermissionDenied
from veille.council.rights import bodies_of
from veille.council.services import marking, parse_date
from veille.nations.access import Actor, Releasability
from veille.nations.models import Nation
from veille.training.exceptions import BadCohort, CohortEndsBeforeStart, NegativeCount, TrainingNotFound
from veille.training.models import Cohort, Programme


def may_record_cohort(actor: Actor, host: str) -> bool:
    return actor.is_coordinator or bool({host, "NSATU"} & bodies_of(actor))


def check_cohort(
    actor: Actor,
    programme_id: Any,
    host: Any,
    specialty: Any,
    starts_on: Any,
    ends_on: Any,
    trainees: Any,
    releasable_to: Any = Releasability.NATO,
    releasable_nations: Any = (),
) -> dict[str, Any]:
    try:
        programme = Programme.objects.filter(pk=int(str(programme_id))).first()
    except (TypeError, ValueError):
        programme = None
    if programme is None:
        raise TrainingNotFound(f"no programme {programme_id!r}", field="programme")
    code = str(host or "").strip().upper()
    nation = Nation.objects.filter(code=code).first()
    if nation is None:
        raise BadCohort(f"no nation has code {host!r}", field="host")
    if not may_record_cohort(actor, code):
        raise PermissionDenied(
            f"cohorts hosted by {code} are recorded by its editors, NSATU's editors or coordinators; "
            f"{actor.label} may not",
            field="host",
        )
    start = parse_date(starts_on, "starts_on", BadCohort)
    end = parse_date(ends_on, "ends_on", BadCohort)
    if end < start:
        raise CohortEndsBeforeStart(
            f"{end.isoformat()} is before the cohort starts ({start.isoformat()})", field="ends_on"
        )
    try:
        count = int(str(trainees).strip())
    except (TypeError, ValueError):
        raise BadCohort(f"{trainees!r} is not a whole number", field="trainees") from None
    if count < 0:
        raise NegativeCount(f"{count} is below zero: a cohort counts zero trainees or more", field="trainees")
    text = str(specialty or "").strip()
    if not text or len(text) > 200:
        raise BadCohort("name the specialty (1 to 200 characters)", field="specialty")
    to, encoded = marking(releasable_to, releasable_nations, None, BadCohort)
    return {
        "programme": programme,
        "host": nation,
        "specialty": text,
        "starts_on": start,
        "ends_on": end,
        "trainees": count,
        "releasable_to": to,
        "releasable_nations": encoded,
        "owner_nation": nation,
    }


def do_record_cohort(
    actor: Actor,
    programme_id: Any,
    host: Any,
    specialty: Any,
    starts_on: Any,
    ends_on: Any,
    trainees: Any,
    releasable_to: Any = Releasability.NATO,
    releasable_nations: Any = (),
    *,
    synthetic: bool = False,
) -> Cohort:
    with transaction.atomic():
        values = check_cohort(
            actor,
            programme_id,
            host,
            specialty,
            starts_on,
            ends_on,
            trainees,
            releasable_to,
            releasable_nations,
        )
        cohort = Cohort.objects.create(
            **values, synthetic=synthetic, created_at=timezone.now(), created_by=actor.label
        )
        do_audit(actor, "training.cohort.record", cohort, after=snapshot(cohort))
        return cohort


__all__ = [
    "check_cohort",
    "do_record_cohort",
    "may_record_cohort",
]
