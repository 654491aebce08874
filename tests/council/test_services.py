"""The Council's writes: coordinators record meetings and decisions and task actions; the owner body's
editors attach evidence; an action's status follows from its evidence and dates. Each refusal is a
named error and writes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from tests.council.fixtures import task
from veille.audit.models import AuditEvent
from veille.core.errors import PermissionDenied
from veille.council import queries
from veille.council.exceptions import (
    BadAction,
    BadDecision,
    BadEvidence,
    BeforeCouncil,
    CouncilNotFound,
    DuplicateMeeting,
    NotEvidence,
    UnknownOwner,
    WrongOwner,
)
from veille.council.models import Action, Decision, Evidence, Meeting
from veille.council.services import (
    DecisionData,
    EvidenceData,
    MeetingData,
    do_attach_evidence,
    do_record_decision,
    do_record_meeting,
)
from veille.nations.access import Actor
from veille.notices.models import Notice

pytestmark = pytest.mark.django_db
Act = Callable[[str], Actor]


def nothing_written(before: dict[str, int]) -> None:
    now = {
        "meetings": Meeting.objects.count(),
        "decisions": Decision.objects.count(),
        "actions": Action.objects.count(),
        "evidence": Evidence.objects.count(),
        "audit": AuditEvent.objects.count(),
    }
    assert now == before


def counts() -> dict[str, int]:
    return {
        "meetings": Meeting.objects.count(),
        "decisions": Decision.objects.count(),
        "actions": Action.objects.count(),
        "evidence": Evidence.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def test_a_coordinator_records_a_meeting_and_the_trail_says_who(users: Any, actor_of: Act) -> None:
    m = do_record_meeting(
        actor_of("alice"),
        MeetingData(
            date="2026-03-04", occasion="Extraordinary", requested_by_ukraine="true", level="ambassadors"
        ),
    )
    assert (m.key, m.requested_by_ukraine, m.created_by) == ("nuc-2026-03-04", True, "alice")
    assert AuditEvent.objects.filter(
        action="council.meeting.record", object_id=str(m.pk), actor="alice"
    ).exists()


def test_a_meeting_dated_before_the_council_existed_is_refused(users: Any, actor_of: Act) -> None:
    before = counts()
    with pytest.raises(BeforeCouncil) as err:
        do_record_meeting(actor_of("alice"), MeetingData(date="2023-07-11", occasion="Too early"))
    assert err.value.field == "date" and "2023-07-12" in err.value.message
    nothing_written(before)
    do_record_meeting(actor_of("alice"), MeetingData(date="2023-07-12", occasion="The first day"))


def test_one_meeting_a_day(meeting: Any, actor_of: Act) -> None:
    before = counts()
    with pytest.raises(DuplicateMeeting):
        do_record_meeting(actor_of("alice"), MeetingData(date="2026-03-04", occasion="Again"))
    nothing_written(before)


@pytest.mark.parametrize("who", ["nora", "pawel", "olga", "eve"])
def test_only_coordinators_record_meetings(users: Any, actor_of: Act, who: str) -> None:
    before = counts()
    with pytest.raises(PermissionDenied):
        do_record_meeting(actor_of(who), MeetingData(date="2026-03-04", occasion="Not mine"))
    nothing_written(before)


def test_a_decision_is_never_wider_releasable_than_its_meeting(users: Any, actor_of: Act) -> None:
    closed = do_record_meeting(
        actor_of("alice"),
        MeetingData(
            date="2026-03-05", occasion="Closed", releasable_to="NATIONS", releasable_nations=["NOR"]
        ),
    )
    before = counts()
    with pytest.raises(BadDecision) as err:
        do_record_decision(actor_of("alice"), closed.pk, DecisionData(text="x", releasable_to="PUBLIC"))
    assert err.value.field == "releasable_to"
    with pytest.raises(BadDecision) as err:
        do_record_decision(
            actor_of("alice"),
            closed.pk,
            DecisionData(text="x", releasable_to="NATIONS", releasable_nations=["POL"]),
        )
    assert err.value.field == "releasable_nations"
    nothing_written(before)
    d = do_record_decision(actor_of("alice"), closed.pk, DecisionData(text="inherits"))
    assert (d.releasable_to, d.releasable_nations) == ("NATIONS", "|NOR|")


def test_an_action_is_tasked_to_a_body_and_its_editors_are_told(
    decision: Any, nadia: Any, actor_of: Act, django_capture_on_commit_callbacks: Any
) -> None:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        action = task(actor_of("alice"), decision)
    note = Notice.objects.get(user=nadia, kind="tasked")
    assert note.url == action.get_absolute_url()
    assert [m.to for m in mail.outbox] == [["nadia@example.org"]]
    assert queries.status_of(action).status == "open"


@pytest.mark.parametrize(
    ("owner", "due", "error", "field"),
    [
        ("SHAPE", "2099-01-01", UnknownOwner, "owner"),
        ("NSATU", "2020-01-01", BadAction, "due"),
        ("NSATU", "", BadAction, "due"),
        ("XXX", "2099-01-01", UnknownOwner, "owner"),
    ],
)
def test_an_action_needs_a_known_body_and_a_due_date_not_before_it_is_tasked(
    decision: Any, actor_of: Act, owner: str, due: str, error: type[Exception], field: str
) -> None:
    before = counts()
    with pytest.raises(error) as err:
        task(actor_of("alice"), decision, owner=owner, due=due)
    assert err.value.field == field  # type: ignore[attr-defined]
    nothing_written(before)


def test_a_nation_can_own_an_action_and_its_editors_report_on_it(decision: Any, actor_of: Act) -> None:
    action = task(actor_of("alice"), decision, owner="nor")
    assert action.owner == "NOR"
    do_attach_evidence(actor_of("nora"), action.pk, EvidenceData(day=timezone.localdate(), note="Kits sent"))
    assert queries.status_of(action).status == "in_progress"


def test_the_status_follows_the_evidence_and_the_dates(decision: Any, nadia: Any, actor_of: Act) -> None:
    today = timezone.localdate()
    action = task(actor_of("alice"), decision, due=(today + dt.timedelta(days=5)).isoformat())
    assert queries.status_of(action).status == "open" and queries.status_of(action).due_soon
    assert queries.status_of(action, today + dt.timedelta(days=6)).status == "overdue"
    do_attach_evidence(Actor.for_user(nadia), action.pk, EvidenceData(day=today, note="Hubs chosen"))
    assert queries.status_of(action).status == "in_progress"
    assert queries.status_of(action, today + dt.timedelta(days=6)).status == "overdue"
    do_attach_evidence(
        Actor.for_user(nadia), action.pk, EvidenceData(day=today, note="Delivered", completes=True)
    )
    status = queries.status_of(action, today + dt.timedelta(days=30))
    assert (status.status, status.done_on, status.late) == ("done", today, False)


def test_evidence_for_an_action_of_another_owner_is_refused(
    decision: Any, nadia: Any, jakub: Any, actor_of: Act
) -> None:
    action = task(actor_of("alice"), decision, owner="NSATU")
    before = counts()
    for who in (Actor.for_user(jakub), actor_of("nora"), actor_of("alice"), actor_of("pawel")):
        with pytest.raises(WrongOwner) as err:
            do_attach_evidence(who, action.pk, EvidenceData(day=timezone.localdate(), note="not ours"))
        assert err.value.field == "action" and "NSATU" in err.value.message
    nothing_written(before)


@pytest.mark.parametrize(
    ("data", "error", "field"),
    [
        ({"day": "2099-01-01", "note": "later"}, BadEvidence, "day"),
        ({"day": "today"}, BadEvidence, "note"),
        ({"day": "today", "url": "ftp://example.org/x"}, BadEvidence, "url"),
        ({"day": "today", "record_type": "nations.nation", "record_id": "NOR"}, NotEvidence, "record_type"),
        ({"day": "today", "record_type": "purl.shipment", "record_id": "999"}, CouncilNotFound, "record_id"),
    ],
)
def test_bad_evidence_is_refused_naming_its_field(
    decision: Any, nadia: Any, actor_of: Act, data: dict[str, str], error: type[Exception], field: str
) -> None:
    action = task(actor_of("alice"), decision)
    values = {k: (timezone.localdate().isoformat() if v == "today" else v) for k, v in data.items()}
    before = counts()
    with pytest.raises(error) as err:
        do_attach_evidence(Actor.for_user(nadia), action.pk, EvidenceData(**values))
    assert err.value.field == field  # type: ignore[attr-defined]
    nothing_written(before)


def test_a_purl_delivery_serves_as_evidence_and_is_shown_only_to_who_may_see_it(
    decision: Any, delivery: Any, nadia: Any, actor_of: Act, users: Any
) -> None:
    action = task(actor_of("alice"), decision)
    do_attach_evidence(
        Actor.for_user(nadia),
        action.pk,
        EvidenceData(
            day=timezone.localdate(), record_type="purl.shipment", record_id=delivery.pk, completes=True
        ),
    )
    assert queries.status_of(action).status == "done"
    shown = queries.evidence_rows(users["alice"], action)[0]["record"]
    assert (
        shown.visible
        and shown.url == f"/purl/packages/{delivery.package_item.package_id}/#shipment-{delivery.pk}"
    )
    assert shown.label.startswith("PURL delivery")
    # a package releasable to the USA only: its delivery is cited, and hidden from Norway's editor
    package = delivery.package_item.package
    package.releasable_to, package.releasable_nations = "NATIONS", "|USA|"
    package.save()
    hidden = queries.evidence_rows(users["nora"], action)[0]["record"]
    assert not hidden.visible and hidden.url == "" and "Rzeszów" not in hidden.label


def test_an_editor_cannot_cite_a_record_they_may_not_see(
    decision: Any, delivery: Any, nadia: Any, actor_of: Act
) -> None:
    package = delivery.package_item.package
    package.releasable_to, package.releasable_nations = "NATIONS", "|USA|"
    package.save()
    action = task(actor_of("alice"), decision)
    with pytest.raises(CouncilNotFound):
        do_attach_evidence(
            Actor.for_user(nadia),
            action.pk,
            EvidenceData(day=timezone.localdate(), record_type="purl.shipment", record_id=delivery.pk),
        )


def test_an_action_not_releasable_to_a_nation_is_invisible_to_its_users(
    decision: Any, actor_of: Act, users: Any
) -> None:
    action = task(actor_of("alice"), decision, releasable_to="NATIONS", releasable_nations=["NOR"])
    assert [r["id"] for r in queries.actions(users["nora"])] == [action.pk]
    assert queries.actions(users["pawel"]) == []
    with pytest.raises(CouncilNotFound):
        do_attach_evidence(actor_of("olga"), action.pk, EvidenceData(day=timezone.localdate(), note="x"))


def test_every_model_offered_as_evidence_can_be_shown_and_filtered(users: Any) -> None:
    from veille.council.evidence import evidence_models

    offered = evidence_models()
    assert {"purl.package", "purl.shipment", "training.cohort", "industry.contract"} <= set(offered)
    for label, model in offered.items():
        assert callable(getattr(model, "get_absolute_url", None)), label
        assert model.objects.visible_to(users["pawel"]).count() == 0, (
            label
        )  # a queryset, nothing hidden leaks


def test_an_industry_contract_serves_as_evidence(
    decision: Any, nadia: Any, actor_of: Act, users: Any
) -> None:
    """A public contract of the shipped industry data, cited by NSATU's editor, links to its row."""
    from tests.industry.conftest import DATA
    from veille.industry.importers import IMPORTERS
    from veille.industry.models import Contract
    from veille.kit.importers import no_progress

    IMPORTERS["industry"].run(DATA, Actor.system_process("tests"), no_progress, False)
    contract = Contract.objects.filter(releasable_to="PUBLIC").first()
    assert contract is not None
    action = task(actor_of("alice"), decision)
    do_attach_evidence(
        Actor.for_user(nadia),
        action.pk,
        EvidenceData(day=timezone.localdate(), record_type="industry.contract", record_id=contract.pk),
    )
    shown = queries.evidence_rows(users["pawel"], action)[0]["record"]
    assert shown.visible and shown.url == f"/industry/contracts/#c-{contract.ref}"
    assert shown.label.startswith("industry contract")
