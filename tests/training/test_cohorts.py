"""Cohorts: dates in order, no count below zero, recorded by the host nation's editors, NSATU's or
coordinators; a cohort can be an action's evidence."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone, translation

from tests.council.fixtures import task
from veille.audit.models import AuditEvent
from veille.core.errors import PermissionDenied
from veille.council import queries as council
from veille.council.exceptions import CouncilNotFound
from veille.council.services import EvidenceData, do_attach_evidence
from veille.nations.access import Actor
from veille.training.exceptions import CohortEndsBeforeStart, NegativeCount
from veille.training.models import Cohort, Programme
from veille.training.services import do_record_cohort
from veille.web.templatetags.veille_format import number

pytestmark = pytest.mark.django_db
Act = Callable[[str], Actor]


@pytest.fixture
def programme(users: Any) -> Programme:
    return Programme.objects.create(name="Operation Interflex", provider="UK")


def record(actor: Actor, programme: Programme, **kw: Any) -> Cohort:
    values = {"host": "NOR", "specialty": "Combat medics", "starts_on": "2025-03-01", "ends_on": "2025-04-05",
              "trainees": 120}  # fmt: skip
    values.update(kw)
    return do_record_cohort(actor, programme.pk, **values)


def test_a_cohort_ending_before_it_starts_is_refused_and_nothing_is_written(
    programme: Programme, actor_of: Act
) -> None:
    audit = AuditEvent.objects.count()
    with pytest.raises(CohortEndsBeforeStart) as err:
        record(actor_of("nora"), programme, starts_on="2025-03-01", ends_on="2025-02-28")
    assert err.value.field == "ends_on" and "2025-02-28" in err.value.message
    assert Cohort.objects.count() == 0 and AuditEvent.objects.count() == audit


def test_a_trainee_count_below_zero_is_refused_and_nothing_is_written(
    programme: Programme, actor_of: Act
) -> None:
    with pytest.raises(NegativeCount) as err:
        record(actor_of("nora"), programme, trainees=-1)
    assert err.value.field == "trainees"
    assert Cohort.objects.count() == 0
    assert record(actor_of("nora"), programme, trainees=0).trainees == 0


def test_who_records_a_cohort(programme: Programme, actor_of: Act, nadia: Any) -> None:
    assert record(actor_of("nora"), programme).owner_nation_id == "NOR"
    assert record(Actor.for_user(nadia), programme, host="GBR").host_id == "GBR"
    assert record(actor_of("alice"), programme, host="POL").host_id == "POL"
    for who in ("olga", "pawel", "eve"):
        with pytest.raises(PermissionDenied):
            record(actor_of(who), programme)
    assert Cohort.objects.count() == 3


def test_the_form_shows_the_date_error_beside_its_field(programme: Programme, client_as: Any) -> None:
    r = client_as("nora").post(
        "/training/cohorts/new/",
        {"programme": programme.pk, "host": "NOR", "specialty": "Sappers", "starts_on": "2025-03-01",
         "ends_on": "2025-01-01", "trainees": "10", "releasable_to": "NATO"},
    )  # fmt: skip
    assert r.status_code == 422 and 'data-testid="error-ends_on"' in r.content.decode()


def test_the_trainees_are_read_as_written_in_the_pages_language(programme: Programme, client_as: Any) -> None:
    client = client_as("nora")
    form = {"programme": programme.pk, "host": "NOR", "specialty": "Sappers", "starts_on": "2025-01-01",
            "ends_on": "2025-03-01", "releasable_to": "NATO"}  # fmt: skip
    r = client.post("/training/cohorts/new/", {**form, "trainees": "1 200"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert r.status_code == 302 and Cohort.objects.get().trainees == 1200
    with translation.override("fr"):
        written = number(1200)  # as the French reader writes it, grouped
    assert written != "1200"
    for page in (r["Location"], f"/training/programmes/{programme.pk}/", "/training/hosts/"):
        assert written in client.get(page, HTTP_ACCEPT_LANGUAGE="fr").content.decode(), page
    r = client.post("/training/cohorts/new/", {**form, "trainees": "2,5"}, HTTP_ACCEPT_LANGUAGE="fr")
    page = r.content.decode()
    assert r.status_code == 400 and 'data-testid="error-trainees"' in page and "nombre entier" in page
    r = client.post("/training/cohorts/new/", {**form, "trainees": "1,500"}, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 302 and Cohort.objects.filter(trainees=1500).exists()
    assert client.post("/training/cohorts/new/", {**form, "trainees": "-1"}).status_code == 400
    assert Cohort.objects.count() == 2


def test_a_cohort_is_evidence_of_an_action_and_hidden_cohorts_stay_hidden(
    programme: Programme, decision: Any, nadia: Any, actor_of: Act, users: Any, client_as: Any
) -> None:
    cohort = record(actor_of("nora"), programme, releasable_to="NATIONS", releasable_nations=["NOR"])
    action = task(actor_of("alice"), decision)
    # NSATU's editor cannot see a Norway-only cohort, so cannot cite it; Norway's own action can
    with pytest.raises(CouncilNotFound):
        do_attach_evidence(
            Actor.for_user(nadia),
            action.pk,
            EvidenceData(day=timezone.localdate(), record_type="training.cohort", record_id=cohort.pk),
        )
    norway = task(actor_of("alice"), decision, owner="NOR")
    do_attach_evidence(
        actor_of("nora"),
        norway.pk,
        EvidenceData(
            day=timezone.localdate(), record_type="training.cohort", record_id=cohort.pk, completes=True
        ),
    )
    assert council.status_of(norway).status == "done"
    assert council.evidence_rows(users["nora"], norway)[0]["record"].url == f"/training/cohorts/{cohort.pk}/"
    assert not council.evidence_rows(users["pawel"], norway)[0]["record"].visible
    assert client_as("pawel").get(f"/training/cohorts/{cohort.pk}/").status_code == 404
    assert client_as("pawel").get("/api/v1/training/cohorts").json()["count"] == 0
