"""The approval state machine of requirement lists: three steps in order, by their roles only, and
changes after approval only through an amendment that reopens the approvals it affects."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.purl.conftest import item_data
from veille.audit.models import AuditEvent
from veille.core.errors import InvalidInput, PermissionDenied
from veille.purl import workflow
from veille.purl.exceptions import (
    AlreadyApproved,
    BadItem,
    DuplicateRank,
    EmptyList,
    ListLocked,
    NotAmendable,
    OutOfOrder,
    QuantityTaken,
    WrongApprover,
)
from veille.purl.models import Approval, RequirementItem, RequirementList
from veille.purl.services import do_add_item, do_amend_list, do_create_list, do_decide, do_update_item

Act = Callable[[str], Any]


def state(lst: RequirementList) -> str:
    lst.refresh_from_db()
    return lst.state


def test_the_three_approvals_pass_in_order_and_leave_a_trail(draft: Any, actor_of: Act) -> None:
    do_decide(actor_of("olga"), draft.pk, "UKR", "approve", "our priorities")
    assert state(draft) == "awaiting_nato"
    do_decide(actor_of("alice"), draft.pk, "NATO", "approve", "validated")
    assert state(draft) == "awaiting_usa"
    do_decide(actor_of("sam"), draft.pk, "USA", "approve", "available")
    assert state(draft) == "approved"
    trail = list(draft.trail.values_list("step", "decision", "by", "comment"))
    assert trail == [
        ("UKR", "approve", "olga", "our priorities"),
        ("NATO", "approve", "alice", "validated"),
        ("USA", "approve", "sam", "available"),
    ]
    assert AuditEvent.objects.filter(action="purl.list.approve", object_id=str(draft.pk)).count() == 3


@pytest.mark.parametrize(("who", "step"), [("sam", "USA"), ("alice", "NATO")])
def test_no_step_is_skipped(draft: Any, actor_of: Act, who: str, step: str) -> None:
    with pytest.raises(OutOfOrder):
        do_decide(actor_of(who), draft.pk, step, "approve")
    assert state(draft) == "draft" and not Approval.objects.exists()


def test_the_united_states_cannot_approve_before_nato(draft: Any, actor_of: Act) -> None:
    do_decide(actor_of("olga"), draft.pk, "UKR", "approve")
    with pytest.raises(OutOfOrder, match="awaits NATO"):
        do_decide(actor_of("sam"), draft.pk, "USA", "approve")
    assert state(draft) == "awaiting_nato" and Approval.objects.count() == 1


def test_approving_twice_is_refused(draft: Any, actor_of: Act) -> None:
    do_decide(actor_of("olga"), draft.pk, "UKR", "approve")
    do_decide(actor_of("alice"), draft.pk, "NATO", "approve")
    for who, step in (("olga", "UKR"), ("alice", "NATO")):
        with pytest.raises(AlreadyApproved) as exc:
            do_decide(actor_of(who), draft.pk, step, "approve")
        assert exc.value.field == "step"
    assert Approval.objects.count() == 2 and state(draft) == "awaiting_usa"


def test_an_approved_list_has_nothing_left_to_approve(approved: Any, actor_of: Act) -> None:
    with pytest.raises(AlreadyApproved):
        do_decide(actor_of("sam"), approved.pk, "USA", "approve")


@pytest.mark.parametrize(
    ("who", "step"),
    [("nora", "NATO"), ("olga", "NATO"), ("sam", "NATO"), ("pawel", "NATO")],
)
def test_natos_step_is_a_coordinators_only(draft: Any, actor_of: Act, who: str, step: str) -> None:
    do_decide(actor_of("olga"), draft.pk, "UKR", "approve")
    with pytest.raises(WrongApprover):
        do_decide(actor_of(who), draft.pk, step, "approve")
    assert state(draft) == "awaiting_nato"


def test_a_user_without_membership_does_not_even_see_the_list(draft: Any, actor_of: Act) -> None:
    from veille.purl.exceptions import PurlNotFound

    with pytest.raises(PurlNotFound):
        do_decide(actor_of("eve"), draft.pk, "UKR", "approve")
    assert state(draft) == "draft"


@pytest.mark.parametrize("who", ["alice", "nora", "olga", "pawel"])
def test_the_united_states_step_is_a_us_editors_only(draft: Any, actor_of: Act, who: str) -> None:
    do_decide(actor_of("olga"), draft.pk, "UKR", "approve")
    do_decide(actor_of("alice"), draft.pk, "NATO", "approve")
    with pytest.raises(WrongApprover):
        do_decide(actor_of(who), draft.pk, "USA", "approve")
    assert state(draft) == "awaiting_usa"


@pytest.mark.parametrize("who", ["alice", "sam", "nora"])
def test_ukraines_step_is_ukraines_editors_only(draft: Any, actor_of: Act, who: str) -> None:
    with pytest.raises(WrongApprover):
        do_decide(actor_of(who), draft.pk, "UKR", "approve")


@pytest.mark.parametrize("who", ["alice", "nora", "sam", "pawel", "eve"])
def test_only_ukraines_editors_draft_lists(users: Any, actor_of: Act, who: str) -> None:
    with pytest.raises(PermissionDenied):
        do_create_list(actor_of(who), "2026-10", "not theirs")
    assert not RequirementList.objects.exists()


def test_an_empty_list_cannot_be_approved(actor_of: Act, users: Any) -> None:
    lst = do_create_list(actor_of("olga"), "2026-09", "")
    with pytest.raises(EmptyList):
        do_decide(actor_of("olga"), lst.pk, "UKR", "approve")


def test_a_return_needs_a_comment_and_reopens_the_whole_round(draft: Any, actor_of: Act) -> None:
    do_decide(actor_of("olga"), draft.pk, "UKR", "approve")
    do_decide(actor_of("alice"), draft.pk, "NATO", "approve")
    with pytest.raises(InvalidInput) as exc:
        do_decide(actor_of("sam"), draft.pk, "USA", "return", "")
    assert exc.value.field == "comment"
    do_decide(actor_of("sam"), draft.pk, "USA", "return", "no stock before 2027")
    assert state(draft) == "returned"
    item = draft.items.get(rank=1)
    do_update_item(actor_of("olga"), item.pk, {"quantity": 5})
    do_decide(actor_of("olga"), draft.pk, "UKR", "approve", "fewer")
    with pytest.raises(OutOfOrder):
        do_decide(actor_of("sam"), draft.pk, "USA", "approve")
    do_decide(actor_of("alice"), draft.pk, "NATO", "approve")
    do_decide(actor_of("sam"), draft.pk, "USA", "approve")
    assert state(draft) == "approved"


def test_items_change_while_a_draft_only(draft: Any, actor_of: Act) -> None:
    item = draft.items.get(rank=1)
    do_update_item(actor_of("olga"), item.pk, {"quantity": 12})
    do_decide(actor_of("olga"), draft.pk, "UKR", "approve")
    with pytest.raises(ListLocked):
        do_update_item(actor_of("olga"), item.pk, {"quantity": 14})
    with pytest.raises(ListLocked):
        do_add_item(actor_of("olga"), draft.pk, item_data(3))
    item.refresh_from_db()
    assert item.quantity == 12 and draft.items.count() == 2


def test_editing_an_approved_list_is_refused(approved: Any, actor_of: Act) -> None:
    item = approved.items.get(rank=1)
    with pytest.raises(ListLocked):
        do_update_item(actor_of("olga"), item.pk, {"quantity": 1})
    item.refresh_from_db()
    assert item.quantity == 10


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("rank", "0", BadItem),
        ("quantity", "many", BadItem),
        ("unit_cost_usd", "1.005", BadItem),
        ("unit_cost_usd", "-3", BadItem),
        ("category", "nukes", BadItem),
        ("cost_source", " ", BadItem),
        ("rank", 2, DuplicateRank),
    ],
)
def test_bad_items_are_refused_with_the_field_named(
    draft: Any, actor_of: Act, field: str, value: Any, error: type
) -> None:
    with pytest.raises(error) as exc:
        do_add_item(actor_of("olga"), draft.pk, item_data(**{"rank": 3, field: value}))
    assert exc.value.field == field
    assert RequirementItem.objects.filter(requirement_list=draft).count() == 2


def test_a_change_of_rank_reopens_natos_approval_only(approved: Any, actor_of: Act) -> None:
    first = approved.items.get(rank=1)
    amendment = do_amend_list(actor_of("olga"), approved.pk, [{"item": first.pk, "rank": 3}], "drones first")
    assert amendment.reopened == "NATO" and state(approved) == "awaiting_nato"
    with pytest.raises(OutOfOrder, match="does not reopen"):
        do_decide(actor_of("sam"), approved.pk, "USA", "approve")
    do_decide(actor_of("alice"), approved.pk, "NATO", "approve")
    assert state(approved) == "approved"  # the United States' approval stands


def test_a_change_of_quantity_reopens_nato_and_the_united_states(approved: Any, actor_of: Act) -> None:
    first = approved.items.get(rank=1)
    amendment = do_amend_list(actor_of("olga"), approved.pk, [{"item": first.pk, "quantity": 20}], "more")
    assert amendment.reopened == "NATO,USA"
    assert amendment.changes == [{"item": first.pk, "quantity": ["10", "20"]}]
    do_decide(actor_of("alice"), approved.pk, "NATO", "approve")
    assert state(approved) == "awaiting_usa"
    do_decide(actor_of("sam"), approved.pk, "USA", "approve")
    assert state(approved) == "approved"
    assert list(approved.trail.values_list("decision", flat=True))[-3:] == ["amend", "approve", "approve"]


def test_a_change_of_cost_source_reopens_the_united_states_only(approved: Any, actor_of: Act) -> None:
    first = approved.items.get(rank=1)
    do_amend_list(
        actor_of("olga"), approved.pk, [{"item": first.pk, "cost_source": "FMS notification"}], "source"
    )
    assert state(approved) == "awaiting_usa"
    with pytest.raises(AlreadyApproved):
        do_decide(actor_of("olga"), approved.pk, "UKR", "approve")


def test_an_amendment_adds_and_removes_items(approved: Any, actor_of: Act) -> None:
    second = approved.items.get(rank=2)
    do_amend_list(
        actor_of("olga"),
        approved.pk,
        [{"add": vars(item_data(3, description="EW kits"))}, {"remove": second.pk}],
        "swap",
    )
    assert list(approved.items.filter(active=True).values_list("description", flat=True)) == [
        "Interceptor lot 1",
        "EW kits",
    ]
    assert state(approved) == "awaiting_nato"


def test_only_an_approved_list_is_amended_and_only_by_ukraine(
    draft: Any, approved: Any, actor_of: Act
) -> None:
    first = approved.items.get(rank=1)
    with pytest.raises(PermissionDenied):
        do_amend_list(actor_of("alice"), approved.pk, [{"item": first.pk, "rank": 5}], "not mine")
    do_amend_list(actor_of("olga"), approved.pk, [{"item": first.pk, "rank": 5}], "once")
    with pytest.raises(ListLocked):
        do_amend_list(actor_of("olga"), approved.pk, [{"item": first.pk, "rank": 6}], "twice while awaiting")


def test_an_amendment_changing_nothing_is_refused(approved: Any, actor_of: Act) -> None:
    first = approved.items.get(rank=1)
    with pytest.raises(NotAmendable):
        do_amend_list(actor_of("olga"), approved.pk, [{"item": first.pk, "quantity": 10}], "same")
    assert state(approved) == "approved" and not approved.amendments.exists()


def test_an_amendment_cannot_take_an_item_below_what_packages_hold(
    package: Any, approved: Any, actor_of: Act
) -> None:
    first = approved.items.get(rank=1)
    with pytest.raises(QuantityTaken):
        do_amend_list(actor_of("olga"), approved.pk, [{"item": first.pk, "quantity": 5}], "fewer")
    with pytest.raises(QuantityTaken):
        do_amend_list(actor_of("olga"), approved.pk, [{"remove": first.pk}], "drop")
    assert state(approved) == "approved" and first.quantity == 10


def test_the_pure_machine_names_each_refusal() -> None:
    assert workflow.transition("awaiting_usa", "UKR,NATO,USA", "USA", "approve").state == "approved"
    with pytest.raises(OutOfOrder):
        workflow.transition("draft", "", "UKR", "return")
    with pytest.raises(NotAmendable):
        workflow.amend("draft", ["rank"])
    assert workflow.amend("approved", ["unit_cost_usd"]).round == "UKR,NATO,USA"
