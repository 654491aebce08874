"""Recording a figure (editors for their own nation's producers, restricted if they wish) and
mapping PURL categories to products (coordinators)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from veille.audit.models import AuditEvent
from veille.core.errors import Conflict, PermissionDenied
from veille.industry import queries
from veille.industry.exceptions import InvalidFigure, InvalidMapping, NoSuchProduct, NoSuchSite, UnknownUnit
from veille.industry.models import CapacityFigure, CategoryMapping, Contract
from veille.industry.services import do_map_category, do_record_figure, do_unmap_category
from veille.nations.exceptions import WrongNation

RAUFOSS = {
    "product": "artillery-shell-calibre-not-stated",
    "kind": "production_actual",
    "quantity": "12000",
    "unit": "per year",
    "stated": "2025-03",
    "period_label": "2024",
    "site": "Raufoss",
    "source_title": "Nammo annual report 2024 (restricted copy)",
    "source_url": "ref:NOR-MOD-2025-17",
    "releasable_to": "NATIONS",
    "releasable_nations": ["NOR"],
}


def test_an_editor_records_a_restricted_figure_for_its_own_producer(industry: Any, actor_of: Any) -> None:
    figure = do_record_figure(actor_of("nora"), RAUFOSS)
    assert figure.ref == "NOR-0001" and figure.owner_nation_id == "NOR"
    assert AuditEvent.objects.filter(action="industry.figure.record", object_id=str(figure.pk)).exists()
    assert figure.releasable_to == "NATIONS" and figure.releasable_nations == "|NOR|"


def test_a_restricted_figure_is_seen_by_its_nation_and_coordinators_only(
    industry: Any, actor_of: Any, users: Any
) -> None:
    do_record_figure(actor_of("nora"), RAUFOSS)
    for name, sees in (("nora", True), ("alice", True), ("pawel", False), ("sam", False), ("eve", False)):
        refs = [r["ref"] for r in queries.figure_rows(users[name])]
        assert ("NOR-0001" in refs) is sees, name
    from django.contrib.auth.models import AnonymousUser

    assert "NOR-0001" not in [r["ref"] for r in queries.figure_rows(AnonymousUser())]


def test_an_editor_cannot_record_for_another_nations_site(industry: Any, actor_of: Any) -> None:
    with pytest.raises(WrongNation):
        do_record_figure(actor_of("sam"), RAUFOSS)
    with pytest.raises(PermissionDenied):
        do_record_figure(actor_of("pawel"), {**RAUFOSS, "site": "Bydgoszcz"})
    assert not CapacityFigure.objects.filter(ref__startswith="NOR-").exists()


@pytest.mark.parametrize(
    "change, error, field",
    [
        ({"product": "laser cannon"}, NoSuchProduct, "product"),
        ({"site": "Atlantis"}, NoSuchSite, "site"),
        ({"quantity": "-5"}, InvalidFigure, "quantity"),
        ({"unit": "per fortnight"}, UnknownUnit, "unit"),
        ({"stated": "2099-01"}, InvalidFigure, "date"),
        ({"kind": "target_capacity", "target_date": ""}, InvalidFigure, "target_date"),
        ({"source_url": ""}, InvalidFigure, "source_url"),
        ({"period_label": "x" * 121}, InvalidFigure, "period_label"),
    ],
)
def test_a_bad_figure_is_refused_naming_the_field(
    industry: Any, actor_of: Any, change: dict[str, str], error: type, field: str
) -> None:
    with pytest.raises(error) as err:
        do_record_figure(actor_of("nora"), {**RAUFOSS, **change})
    assert err.value.field == field
    assert not CapacityFigure.objects.filter(ref__startswith="NOR-").exists()


def test_the_form_shows_the_error_beside_the_field(industry: Any, client_as: Any) -> None:
    data = {**RAUFOSS, "quantity": "-5", "releasable_nations": "NOR"}
    response = client_as("nora").post("/industry/figures/new/", data)
    assert response.status_code == 422
    assert "expected a quantity of zero or more" in response.content.decode()
    ok = client_as("nora").post("/industry/figures/new/", {**data, "quantity": "12000"})
    assert ok.status_code == 302 and "#NOR-0001" in ok["Location"]


def test_the_api_records_a_figure_and_refuses_another_nation(industry: Any, client_as: Any) -> None:
    body = json.dumps(RAUFOSS)
    created = client_as("nora").post("/api/v1/industry/figures", body, content_type="application/json")
    assert created.status_code == 201 and created.json()["ref"] == "NOR-0001"
    refused = client_as("sam").post("/api/v1/industry/figures", body, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["error"]["field"] == "nation"


def test_a_coordinator_maps_a_purl_category_and_capacity_follows(industry: Any, actor_of: Any) -> None:
    m = do_map_category(actor_of("alice"), "artillery", "155-mm-artillery-shell", "155 mm rounds")
    assert AuditEvent.objects.filter(action="industry.mapping.create").exists()
    capacity = queries.capacity_for_category("artillery")
    subjects = {r["subject"] for r in capacity["155-mm-artillery-shell"]}
    assert {"EU", "USA"} <= subjects
    with pytest.raises(Conflict):
        do_map_category(actor_of("alice"), "artillery", "155-mm-artillery-shell")
    do_unmap_category(actor_of("alice"), m.pk)
    assert not CategoryMapping.objects.exists()
    assert queries.capacity_for_category("artillery") == {}


def test_only_coordinators_map_categories(industry: Any, actor_of: Any, client_as: Any) -> None:
    with pytest.raises(PermissionDenied):
        do_map_category(actor_of("nora"), "air_defence", "iris-t-missile")
    with pytest.raises(InvalidMapping):
        do_map_category(actor_of("alice"), "Air Defence!", "iris-t-missile")
    with pytest.raises(NoSuchProduct):
        do_map_category(actor_of("alice"), "air_defence", "death-ray")
    assert (
        client_as("nora")
        .post("/industry/mapping/", {"purl_category": "air_defence", "product": "iris-t-missile"})
        .status_code
        == 403
    )
    ok = client_as("alice").post(
        "/industry/mapping/", {"purl_category": "air_defence", "product": "iris-t-missile"}
    )
    assert ok.status_code == 302 and CategoryMapping.objects.get().product.slug == "iris-t-missile"


def test_capacity_for_products_answers_each_product_asked(industry: Any) -> None:
    out = queries.capacity_for_products(["pac-3-mse-interceptor", "stinger-missile"])
    lockheed = next(r for r in out["pac-3-mse-interceptor"] if r["subject"] == "Lockheed Martin")
    assert lockheed["refs"] == "IND-060" and lockheed["per_year"] == 620
    assert out["stinger-missile"] == []  # contracts only: no stated capacity


ORDER = {
    "product": "155-mm-artillery-shell",
    "buyer_kind": "nation",
    "buyer_nation": "NOR",
    "supplier": "Nammo",
    "quantity": "30000",
    "quantity_unit": "units",
    "signed": "2025-11-02",
    "deliveries": [{"due": "2026-06", "quantity": "10000"}, {"due": "2027", "quantity": "20000"}],
    "source_title": "Norwegian MoD press release",
    "source_url": "https://www.regjeringen.no/example",
}


def test_an_editor_records_her_nations_contract_with_its_delivery_lines(
    industry: Any, client_as: Any
) -> None:
    r = client_as("nora").post(
        "/api/v1/industry/contracts", json.dumps(ORDER), content_type="application/json"
    )
    assert r.status_code == 201, r.content
    assert r.json()["buyer"] == "Norway" and r.json()["delivery"] == "2026-06: 10000; 2027: 20000"
    assert CapacityFigure.objects.get(ref=r.json()["ref"]).kind == "contract"
    assert AuditEvent.objects.filter(action="industry.contract.record").exists()


@pytest.mark.parametrize(
    "who, change, status, field",
    [
        ("sam", {}, 403, "nation"),
        ("nora", {"buyer_kind": "nspa"}, 403, None),
        ("nora", {"deliveries": [{"due": "2026", "quantity": "40000"}]}, 422, "deliveries"),
        ("nora", {"quantity": "-1"}, 422, "quantity"),
        ("nora", {"signed": "2099-01"}, 422, "signed"),
        ("nora", {"quantity": "", "value_amount": None}, 422, "quantity"),
        ("nora", {"value_amount": "1,000"}, 422, "value_amount"),
        ("nora", {"quantity": "", "value_amount": "100", "value_currency": "XYZ"}, 422, "value_currency"),
        ("nora", {"product": "death-ray"}, 404, "product"),
    ],
)
def test_a_contract_that_cannot_be_recorded_says_why(
    industry: Any, client_as: Any, who: str, change: dict[str, Any], status: int, field: str | None
) -> None:
    before = Contract.objects.count()
    r = client_as(who).post(
        "/api/v1/industry/contracts", json.dumps({**ORDER, **change}), content_type="application/json"
    )
    assert r.status_code == status, r.content
    if field:
        assert r.json()["error"]["field"] == field
    assert Contract.objects.count() == before


def test_a_coordinator_places_a_site_with_its_source_and_the_map_draws_it(
    industry: Any, client_as: Any
) -> None:
    body = {"site": "Raufoss", "lat": "60.72", "lon": "10.61", "source": "a named public gazetteer entry"}
    refused = client_as("nora").post(
        "/api/v1/industry/sites/location", json.dumps(body), content_type="application/json"
    )
    assert refused.status_code == 403
    for bad, field in (
        ({"lat": "91"}, "lat"),
        ({"lon": "east"}, "lon"),
        ({"source": " "}, "source"),
        ({"site": "Atlantis"}, "site"),
    ):
        r = client_as("alice").post(
            "/api/v1/industry/sites/location", json.dumps({**body, **bad}), content_type="application/json"
        )
        assert r.status_code in (404, 422) and r.json()["error"]["field"] == field
    ok = client_as("alice").post(
        "/api/v1/industry/sites/location", json.dumps(body), content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["source"] == body["source"]
    page = client_as(None).get("/industry/producers/").content.decode()
    assert '"latitude"' in page and "a named public gazetteer entry" in page
    assert AuditEvent.objects.filter(action="industry.site.locate").exists()
