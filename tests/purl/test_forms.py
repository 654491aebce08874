"""PURL's Django forms: rights before fields, each field read by the service's own check (same
message, same status), everything written through the services and audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import translation

from tests.purl.conftest import item_data
from veille.audit.models import AuditEvent
from veille.nations.access import Actor
from veille.notices.models import Notice
from veille.purl.forms import ItemForm, ListForm, ShipmentForm
from veille.purl.models import RequirementItem, RequirementList

Client = Callable[[str | None], Any]
Act = Callable[[str], Actor]

pytestmark = pytest.mark.django_db


def test_a_caller_without_the_rights_learns_nothing_of_the_fields(draft: Any, client_as: Client) -> None:
    bad = {**vars(item_data(3)), "unit_cost_usd": "12.345", "rank": "first"}
    response = client_as("pawel").post(f"/purl/lists/{draft.pk}/items/new/", bad)
    assert response.status_code == 403
    body = response.content.decode()
    assert "only Ukraine&#x27;s editors may edit requirement lists" in body
    assert 'data-testid="error-' not in body and "has 3 decimals" not in body
    assert RequirementItem.objects.filter(requirement_list=draft).count() == 2


def test_each_wrong_field_is_named_beside_it_and_the_first_above_the_form(
    draft: Any, client_as: Client
) -> None:
    bad = {**vars(item_data(3)), "unit_cost_usd": "12.345", "rank": "first"}
    response = client_as("olga").post(f"/purl/lists/{draft.pk}/items/new/", bad)
    assert response.status_code == 422
    body = response.content.decode()
    assert "&#x27;first&#x27; is not a whole number</span>" in body
    assert "has 3 decimals; USD allows 2</span>" in body
    alert = body[body.index('data-testid="form-error"') :].split("</p>", 1)[0]
    assert "is not a whole number" in alert and "decimals" not in alert
    assert response.context["form"].errors.keys() == {"rank", "unit_cost_usd"}
    assert RequirementItem.objects.filter(requirement_list=draft).count() == 2


def test_a_form_writes_through_the_service_and_the_audit_trail(users: Any, actor_of: Act) -> None:
    olga = actor_of("olga")
    form = ListForm({"month": "2026-11", "title": " November ", "releasable_to": "NATO"}, actor=olga)
    assert form.is_valid(), form.errors
    made = form.submit()
    assert (made.title, made.month.isoformat()) == ("November", "2026-11-01")
    assert AuditEvent.objects.filter(action="purl.list.create", object_id=str(made.pk), actor="olga").exists()
    again = ListForm({"month": "2026-11", "title": "", "releasable_to": "NATO"}, actor=olga)
    assert not again.is_valid() and again.status == 422
    assert again.errors["month"] == ["a list for 2026-11 exists already; amend or edit it"]
    assert RequirementList.objects.count() == 1


def test_a_form_reads_its_field_as_the_service_does(draft: Any, actor_of: Act) -> None:
    form = ItemForm({**vars(item_data(3)), "category": "tanks"}, actor=actor_of("olga"), lst=draft)
    assert not form.is_valid()
    assert form.first_error is not None and type(form.first_error).__name__ == "BadItem"
    assert form.errors["category"][0].startswith("must be one of air_defence, artillery")


def test_a_shipment_in_the_future_is_refused_beside_its_date(package: Any, actor_of: Act) -> None:
    items = [(str(pi.pk), pi.item.description) for pi in package.items.all()]
    data = {"package_item": items[0][0], "quantity": "1", "hub": "Rzeszów", "shipped_on": "2999-01-01"}
    form = ShipmentForm(data, actor=actor_of("sam"), items=items)
    assert not form.is_valid() and form.error_placed
    assert form.errors["shipped_on"] == ["cannot be in the future"]
    viewer = ShipmentForm(data, actor=actor_of("pawel"), items=items)
    assert not viewer.is_valid() and viewer.status == 403 and not viewer.error_placed
    assert list(viewer.errors) == ["__all__"]


def test_a_form_posted_without_a_field_shows_what_was_offered(draft: Any, client_as: Client) -> None:
    response = client_as("olga").post(f"/purl/lists/{draft.pk}/decide/", {"comment": ""})
    assert response.status_code == 403  # no step given: an approval of nobody's, named beside it
    body = response.content.decode()
    assert 'data-testid="error-step"' in body
    assert '<option value="UKR" selected>' in body and '<option value="approve" selected>' in body


def test_marking_notifications_read_is_audited(draft: Any, client_as: Client, actor_of: Act) -> None:
    from veille.purl.services import do_decide

    do_decide(actor_of("olga"), draft.pk, "UKR", "approve")
    assert Notice.objects.filter(user__username="alice", read_at=None).count() == 1
    assert client_as("alice").post("/purl/notifications/").status_code == 302
    assert not Notice.objects.filter(user__username="alice", read_at=None).exists()
    (audited,) = AuditEvent.objects.filter(action="notices.read")
    assert (audited.actor, audited.after) == ("alice", {"read": 1, "app": "purl"})
    client_as("alice").post("/purl/notifications/")  # nothing unread: nothing to record
    assert AuditEvent.objects.filter(action="notices.read").count() == 1


# --- amounts as written in the page's language (veille.kit.forms) ---


@pytest.mark.parametrize(
    "language, written",
    [("fr", "4 000 000,50"), ("fr", "4000000,50"), ("en", "4,000,000.50"), ("en", "4000000.50")],
)
def test_an_item_reads_its_cost_in_the_pages_language(
    language: str, written: str, draft: Any, actor_of: Act
) -> None:
    with translation.override(language):
        data = {**vars(item_data(3)), "unit_cost_usd": written}
        form = ItemForm(data, actor=actor_of("olga"), lst=draft)
        assert form.is_valid(), form.errors
        item = form.submit()
    assert str(item.unit_cost_usd) == "4000000.50"


@pytest.mark.parametrize(
    "language, written", [("fr", "4.000"), ("en", "4000,50"), ("fr", "\u0664\u0660\u0660\u0660")]
)
def test_an_item_refuses_an_ambiguous_cost_beside_the_field(
    language: str, written: str, draft: Any, actor_of: Act
) -> None:
    with translation.override(language):
        data = {**vars(item_data(3)), "unit_cost_usd": written}
        form = ItemForm(data, actor=actor_of("olga"), lst=draft)
        assert not form.is_valid() and form.status == 422
        assert str(form.fields["unit_cost_usd"].label) in form.errors["unit_cost_usd"][0]
    assert RequirementItem.objects.filter(requirement_list=draft).count() == 2


def test_the_contribution_page_reads_a_french_amount(client_as: Client) -> None:
    page = client_as("nora").get("/purl/contribute/", HTTP_ACCEPT_LANGUAGE="fr")
    assert "1 000,50" in page.content.decode()
