"""The demo loader: the shipped files, two editors of NATO bodies, synthetic records marked as such;
a second run adds nothing."""

from __future__ import annotations

from typing import Any

import pytest

from veille.council.models import Action, BodyMember, Meeting
from veille.lessons.models import Lesson, Observation
from veille.training.demo import load
from veille.training.models import Cohort

pytestmark = pytest.mark.django_db


def test_the_demo_loads_once_and_marks_what_it_made_up(users: Any, client_as: Any) -> None:
    first = load(None)
    assert Meeting.objects.count() == 26 and not Meeting.objects.filter(synthetic=True).exists()
    assert Action.objects.exists() and not Action.objects.filter(synthetic=False).exists()
    assert (
        not Observation.objects.filter(synthetic=False).exists()
        and not Lesson.objects.filter(synthetic=False).exists()
    )
    assert not Cohort.objects.filter(synthetic=False).exists()
    assert set(BodyMember.objects.values_list("body", flat=True)) == {"NSATU", "JATEC"}
    made = first["synthetic actions, lessons and cohorts"]
    assert Action.objects.filter(decision__isnull=False).count() == made["actions"]
    assert {a.owner for a in Action.objects.filter(lesson__isnull=False)} == {"JATEC"}  # remedial actions
    counts = (Action.objects.count(), Observation.objects.count(), Cohort.objects.count())
    load(None)
    assert (Action.objects.count(), Observation.objects.count(), Cohort.objects.count()) == counts
    page = client_as("alice").get("/council/actions/").content.decode()
    assert page.count('class="synthetic"') == Action.objects.count()
