"""PURL's pages, API and exports: each shows only what the user may see; each form shows the
service's named error beside its field and writes nothing; the home page shows notifications."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.purl.conftest import item_data
from veille.ledger.models import LedgerEvent
from veille.notices.models import Notice
from veille.purl.models import Contribution, RequirementItem
from veille.purl.services import ContributionData, do_commit, do_create_package

Client = Callable[[str | None], Any]
Act = Callable[[str], Any]


@pytest.fixture
def secret(approved: Any, actor_of: Act) -> Any:
    """A package releasable to Ukraine, the United States and Norway only, with a Norwegian commitment."""
    second = approved.items.get(rank=2)
    package = do_create_package(
        actor_of("alice"), "Closed package", {second.pk: 10}, releasable_to="NATIONS", nations=["USA", "NOR"]
    )
    do_commit(
        actor_of("nora"),
        ContributionData(
            "NOR",
            "1000000",
            "NOK",
            dt.date(2026, 10, 15),
            ["x"],
            package=package.pk,
            releasable_to="NATIONS",
            releasable_nations=["USA", "NOR"],
        ),
    )
    return package


@pytest.mark.parametrize(
    "path",
    [
        "/purl/",
        "/purl/contributions/",
        "/purl/packages.csv",
        "/purl/packages.json",
        "/purl/contributions.csv",
        "/purl/months.csv",
        "/api/v1/purl/packages",
        "/api/v1/purl/contributions",
        "/api/v1/purl/packages.csv",
    ],
)
def test_a_package_not_releasable_to_a_nation_is_invisible_to_its_users(
    secret: Any, client_as: Client, path: str
) -> None:
    seen = client_as("nora").get(path).content.decode()
    assert "Closed package" in seen or "NOR" in seen
    for who in ("pawel", "eve", None):
        body = client_as(who).get(path).content.decode()
        assert "Closed package" not in body, (who, path)
        assert "1,000,000.00 NOK" not in body and "1000000.00" not in body, (who, path)


def test_the_package_page_itself_is_not_found_for_others(secret: Any, client_as: Client) -> None:
    url = f"/purl/packages/{secret.pk}/"
    assert client_as("nora").get(url).status_code == 200
    assert client_as("olga").get(url).status_code == 200  # Ukraine owns packages made for it
    assert client_as("pawel").get(url).status_code == 404
    assert client_as("pawel").get("/api/v1/purl/packages").json()["count"] == 0
    assert client_as("nora").get("/api/v1/purl/packages").json()["count"] == 1
    assert client_as("pawel").get(f"/purl/packages/{secret.pk}/ship/").status_code == 404


def test_the_list_page_shows_ranked_items_and_the_trail(approved: Any, client_as: Client) -> None:
    body = client_as("pawel").get(f"/purl/lists/{approved.pk}/").content.decode()
    assert body.index("Interceptor lot 1") < body.index("Drone kits")
    for who in ("olga", "alice", "sam"):
        assert f"<td>{who}</td>" in body
    assert "our priorities" in body and "Approved" in body


def test_a_form_shows_the_named_error_beside_its_field_and_writes_nothing(
    draft: Any, client_as: Client
) -> None:
    response = client_as("olga").post(
        f"/purl/lists/{draft.pk}/items/new/", {**vars(item_data(3)), "unit_cost_usd": "12.345"}
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert 'data-testid="error-unit_cost_usd"' in body and "has 3 decimals" in body
    assert RequirementItem.objects.filter(requirement_list=draft).count() == 2


def test_approving_out_of_order_in_the_page_names_the_step(draft: Any, client_as: Client) -> None:
    response = client_as("sam").post(
        f"/purl/lists/{draft.pk}/decide/", {"step": "USA", "decision": "approve"}
    )
    assert response.status_code == 409
    assert 'data-testid="error-step"' in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == "draft"


def test_a_viewer_changes_nothing(approved: Any, package: Any, client_as: Client) -> None:
    pawel = client_as("pawel")
    before = (LedgerEvent.objects.count(), Contribution.objects.count())
    assert pawel.get("/purl/contribute/").status_code == 403
    assert (
        pawel.post(
            "/purl/contribute/",
            {"nation": "POL", "amount": "1", "currency": "PLN", "value_date": "2026-10-15", "source": "x"},
        ).status_code
        == 403
    )
    assert (
        pawel.post(f"/purl/lists/{approved.pk}/decide/", {"step": "NATO", "decision": "approve"}).status_code
        == 403
    )
    assert (
        pawel.post(
            f"/purl/packages/{package.pk}/ship/",
            {"package_item": package.items.first().pk, "quantity": 1, "hub": "x", "shipped_on": "2026-11-01"},
        ).status_code
        == 403
    )
    api = pawel.post(
        "/api/v1/purl/contributions",
        {"nation": "POL", "amount": "1", "currency": "PLN", "value_date": "2026-10-15", "source": "x"},
        content_type="application/json",
    )
    assert api.status_code == 403 and api.json()["error"]["type"] == "PermissionDenied"
    assert (LedgerEvent.objects.count(), Contribution.objects.count()) == before


def test_the_api_refuses_an_unknown_currency_with_the_field_named(package: Any, client_as: Client) -> None:
    response = client_as("nora").post(
        "/api/v1/purl/contributions",
        {
            "nation": "NOR",
            "amount": "10",
            "currency": "KRONER",
            "value_date": "2026-10-15",
            "source": "x",
            "package": package.pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["error"] | {"message": ""} == {
        "code": "invalid",
        "type": "UnknownCurrency",
        "message": "",
        "field": "currency",
        "where": None,
    }
    assert not Contribution.objects.exists()


def test_the_api_walks_a_decision_and_a_commitment(draft: Any, package: Any, client_as: Client) -> None:
    assert client_as("olga").get(f"/api/v1/purl/lists/{draft.pk}").json()["state"] == "approved"
    created = client_as("nora").post(
        "/api/v1/purl/contributions",
        {
            "nation": "NOR",
            "amount": "1000000",
            "currency": "NOK",
            "value_date": "2026-10-15",
            "source": "x",
            "package": package.pk,
        },
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["committed"] == "1,000,000.00 NOK"


def test_the_home_page_shows_a_list_awaiting_the_users_approval(
    draft: Any, client_as: Client, actor_of: Act
) -> None:
    from veille.purl.services import do_decide

    do_decide(actor_of("olga"), draft.pk, "UKR", "approve")
    home = client_as("alice").get("/").content.decode()
    assert "PURL lists awaiting your decision" in home and "New PURL notifications" in home
    assert "PURL lists awaiting your decision" not in client_as("sam").get("/").content.decode()
    assert Notice.objects.filter(user__username="alice", kind="awaiting").count() == 1
    page = client_as("alice").get("/purl/notifications/").content.decode()
    assert draft.title in page
    client_as("alice").post("/purl/notifications/")
    assert "New PURL notifications" not in client_as("alice").get("/").content.decode()


def test_the_public_record_page_and_command_show_the_same_total(
    public_record: Any, client_as: Client
) -> None:
    from io import StringIO

    from django.core.management import call_command

    page = client_as(None).get("/purl/record/").content.decode()
    out = StringIO()
    call_command("purl", "summary", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    total = data["public_record"]["total_usd"]
    assert total.startswith("38") and len(total.split(".")[0]) == 10
    assert "17 countries" in page and "NATO, 3 December 2025" in page
    assert "amount unknown: a contributing country, nothing added" in page
    text = StringIO()
    call_command("purl", "summary", stdout=text)
    assert "Committed (counted once)" in text.getvalue() and "ECB rates used" in text.getvalue()


def test_the_french_pages_are_translated(approved: Any, client_as: Client) -> None:
    client = client_as("olga")
    client.cookies["django_language"] = "fr"
    body = client.get(f"/purl/lists/{approved.pk}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Éléments classés" in body and "Piste d’approbation" in body  # noqa: RUF001


def test_draft_forms_add_an_item_through_the_page(draft: Any, client_as: Client) -> None:
    response = client_as("olga").post(f"/purl/lists/{draft.pk}/items/new/", vars(item_data(3)))
    assert response.status_code == 302
    assert RequirementItem.objects.filter(requirement_list=draft).count() == 3


def test_the_claims_page_shows_natos_purl_statement_beside_the_record(
    public_record: Any, client_as: Client
) -> None:
    body = client_as(None).get("/support/claims/").content.decode()
    assert "more than 4 billion USD committed by 21 countries" in body
    from decimal import Decimal

    from veille.ledger.queries import CONSOLE
    from veille.purl.public_record import totals

    billions = (totals(CONSOLE)["total_usd"] / Decimal(1_000_000_000)).quantize(Decimal("0.001"))
    assert f"{billions} bn USD, 17 countries" in body


def test_a_coordinator_allocates_a_general_contribution_through_the_page(
    package: Any, client_as: Client, actor_of: Act
) -> None:
    general = do_commit(
        actor_of("nora"), ContributionData("NOR", "300000000", "NOK", dt.date(2026, 10, 15), ["x"])
    )
    url = f"/purl/contributions/{general.pk}/allocate/"
    assert client_as("nora").get(url).status_code == 403
    form = {
        "package": package.pk,
        "amount": "400000000",
        "currency": "NOK",
        "value_date": "2026-10-15",
        "source": "x",
    }
    too_much = client_as("alice").post(url, form)
    assert too_much.status_code == 409 and 'data-testid="error-amount"' in too_much.content.decode()
    assert client_as("alice").post(url, {**form, "amount": "100000000"}).status_code == 302
    assert LedgerEvent.objects.filter(kind="allocation", party_id="NOR").count() == 1


def test_the_first_version_s_reason_is_shown_in_the_reader_s_language(
    package: Any, client_as: Client
) -> None:
    """The first version's reason is written by veille ("composed", kept as stored); a person's
    reason is shown as they wrote it."""
    assert package.versions.get().reason == "composed"
    client = client_as("alice")
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    html = client.get(f"/purl/packages/{package.pk}/").content.decode()
    assert "<td>composé</td>" in html and "<td>composed</td>" not in html


def test_a_coordinator_changes_a_package_through_the_page_as_a_new_version(
    package: Any, client_as: Client
) -> None:
    url = f"/purl/packages/{package.pk}/change/"
    assert client_as("sam").get(url).status_code == 403
    refused = client_as("alice").post(url, {"target_usd": "500000000"})
    assert refused.status_code == 422 and 'data-testid="error-reason"' in refused.content.decode()
    assert (
        client_as("alice").post(url, {"target_usd": "500000000", "reason": "to 500 M USD"}).status_code == 302
    )
    package.refresh_from_db()
    assert package.version == 2 and package.versions.count() == 2
