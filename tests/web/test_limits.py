"""Size limits on every text, list and geometry, and one written form of an amount on the API: each
refusal names the field, and the API schema documents the limits."""

from __future__ import annotations

from typing import Any

import pytest

from veille.arctic.models import Activity
from veille.core.errors import InvalidInput
from veille.core.money import Money
from veille.kit.limits import MAX_NOTE_CHARS, MAX_POLYGON_VERTICES, MAX_SOURCES, MAX_TEXT_CHARS

pytestmark = pytest.mark.django_db

JSON = "application/json"


def _activity(**over: Any) -> dict[str, Any]:
    body = {
        "key": "nor-limits",
        "name": "Patrol",
        "kind": "patrol",
        "nation": "NOR",
        "starts_on": "2026-03-01",
        "sources": [{"url": "https://example.org/a", "date": "2026-02-20"}],
    }
    body.update(over)
    return body


def _error(response: Any, status: int, field: str) -> None:
    assert response.status_code == status, response.content[:300]
    assert response.json()["error"]["field"] == field, response.json()


def test_a_body_over_the_limit_is_refused_with_413_naming_the_body(client_as: Any, settings: Any) -> None:
    settings.VEILLE_MAX_BODY_BYTES = 100_000
    body = _activity(note="x" * 200_000)
    response = client_as("nora").post("/api/v1/arctic/activities", body, content_type=JSON)
    _error(response, 413, "body")
    assert not Activity.objects.exists()


def test_any_text_of_a_json_body_over_the_generic_limit_is_named(client_as: Any) -> None:
    body = {"title": "x" * (MAX_TEXT_CHARS + 1), "nation": "NOR"}
    response = client_as("nora").post("/api/v1/lessons/observations", body, content_type=JSON)
    _error(response, 422, "title")


@pytest.mark.parametrize(
    "field, change",
    [
        ("note", {"note": "x" * (MAX_NOTE_CHARS + 1)}),
        ("window_note", {"window_note": "x" * (MAX_NOTE_CHARS + 1)}),
        ("title", {"sources": [{"url": "https://example.org/a", "date": "2026-02-20", "title": "t" * 501}]}),
        ("url", {"sources": [{"url": "https://example.org/" + "a" * 2000, "date": "2026-02-20"}]}),
        (
            "sources",
            {"sources": [{"url": f"https://example.org/{i}", "date": "2026-02-20"} for i in range(51)]},
        ),
        ("assets", {"assets": [{"type": "ship"} for _ in range(MAX_SOURCES + 1)]}),
        ("type", {"assets": [{"type": "s" * 501}]}),
    ],
)
def test_arctic_texts_and_lists_over_their_limits_are_named(
    field: str, change: dict[str, Any], client_as: Any
) -> None:
    response = client_as("nora").post("/api/v1/arctic/activities", _activity(**change), content_type=JSON)
    _error(response, 422, field)
    assert not Activity.objects.exists()


def test_a_polygon_with_too_many_vertices_is_refused_naming_the_area(client_as: Any) -> None:
    n = MAX_POLYGON_VERTICES + 10
    ring = [[10 + 5 * (i / n), 70 + (0.5 if i % 2 else 0)] for i in range(n)] + [[10, 70]]
    response = client_as("nora").post(
        "/api/v1/arctic/activities",
        _activity(area={"type": "Polygon", "coordinates": [ring]}),
        content_type=JSON,
    )
    _error(response, 422, "area")
    assert "vertices" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    "amount", ["\u0661\u0660\u0660\u0660", "1_000", "1,000", "1 000", "1e3", "0x10", "+5"]
)
def test_the_api_reads_amounts_as_plain_decimals_only(amount: str, client_as: Any) -> None:
    body = {"nation": "NOR", "amount": amount, "currency": "NOK", "value_date": "2026-01-05", "source": "s"}
    response = client_as("nora").post("/api/v1/purl/contributions", body, content_type=JSON)
    _error(response, 422, "amount")


def test_a_plain_decimal_amount_is_read(client_as: Any) -> None:
    body = {
        "nation": "NOR",
        "amount": "1000.50",
        "currency": "NOK",
        "value_date": "2026-01-05",
        "source": "s",
    }
    response = client_as("nora").post("/api/v1/purl/contributions", body, content_type=JSON)
    assert response.status_code == 201, response.content


@pytest.mark.parametrize("text", ["\u0661\u0660\u0660\u0660", "1_000", "\u0967\u0966"])
def test_forms_refuse_other_scripts_digits_and_underscores_too(text: str) -> None:
    with pytest.raises(InvalidInput):
        Money.parse(text, "EUR")


def test_forms_read_groups_of_thousands() -> None:
    assert Money.parse("1 234 567.50", "EUR") == Money.parse("1,234,567.50", "EUR")


def test_the_api_schema_documents_the_limits(client_as: Any) -> None:
    schema = client_as("nora").get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert schema["ActivityIn"]["properties"]["note"]["maxLength"] == MAX_NOTE_CHARS
    assert schema["ActivityIn"]["properties"]["sources"]["maxItems"] == MAX_SOURCES
    amount = schema["ContributionIn"]["properties"]["amount"]
    assert amount["pattern"].startswith("^-?[0-9]")
