"""Crafted input never makes a server error, and the API always answers with its JSON error body."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from veille.nations.access import Actor

pytestmark = pytest.mark.django_db

JSON = "application/json"


def _is_api_error(response: Any, status: int, field: str | None = None) -> None:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith(JSON)
    error = response.json()["error"]
    assert {"code", "type", "message", "field", "where"} <= set(error)
    if field is not None:
        assert error["field"] == field, error


@pytest.mark.parametrize(
    "path, body",
    [
        ("/api/v1/arctic/activities", '{"key": "\\ud800", "name": "x", "kind": "patrol", "sources": []}'),
        (
            "/api/v1/purl/contributions",
            '{"nation": "NOR", "amount": "1", "currency": "NOK", '
            '"value_date": "2026-01-05", "source": "a \\udfff b"}',
        ),
        ("/api/v1/lessons/observations", '{"title": "\\ud83d"}'),
    ],
)
def test_a_lone_surrogate_in_json_is_refused_naming_the_field(path: str, body: str, client_as: Any) -> None:
    response = client_as("alice").post(path, body, content_type=JSON)
    _is_api_error(response, 422)
    assert "surrogate" in response.json()["error"]["message"]


def test_a_pair_of_surrogates_is_a_character_and_passes(client_as: Any) -> None:
    body = (
        '{"nation": "NOR", "amount": "1", "currency": "NOK", "value_date": "2026-01-05", '
        '"source": "\\ud83d\\ude00"}'
    )
    response = client_as("alice").post("/api/v1/purl/contributions", body, content_type=JSON)
    assert response.status_code != 400 or "surrogate" not in response.content.decode()


def test_a_value_date_of_year_one_is_a_clear_error(client_as: Any) -> None:
    body = {"nation": "NOR", "amount": "1000", "currency": "NOK", "value_date": "0001-01-01", "source": "s"}
    response = client_as("nora").post("/api/v1/purl/contributions", body, content_type=JSON)
    _is_api_error(response, 422, "value_date")


def test_a_conversion_on_the_first_day_of_the_calendar_raises_no_overflow() -> None:
    import datetime as dt

    from veille.core.errors import InvalidInput
    from veille.core.fx import FxConverter, RateTable
    from veille.core.money import Money

    with pytest.raises(InvalidInput) as caught:
        FxConverter(RateTable.bundled()).convert(Money.parse("1", "NOK"), "USD", dt.date.min)
    assert caught.value.field == "value_date"


@pytest.mark.parametrize("package", ["abc", "1e3", "99999999999999999999999", "-1", "٣"])
def test_a_package_that_is_not_a_number_on_the_contribute_form_is_named(package: str, client_as: Any) -> None:
    form = {
        "nation": "NOR",
        "package": package,
        "kind": "commitment",
        "amount": "1000",
        "currency": "NOK",
        "value_date": "2026-01-05",
        "source": "letter",
        "releasable_to": "NATO",
    }
    response = client_as("nora").post("/purl/contribute/", form)
    assert response.status_code in (400, 404, 422), response.status_code
    assert b'data-testid="error-package"' in response.content
    get = client_as("nora").get("/purl/contribute/", {"package": package})
    assert get.status_code == 200


@pytest.fixture
def general_contribution(actor_of: Callable[[str], Actor]) -> Any:
    import datetime as dt

    from veille.purl.services import ContributionData, do_commit

    data = ContributionData("NOR", "1000", "NOK", dt.date(2026, 1, 5), ["letter"])
    return do_commit(actor_of("nora"), data)


@pytest.mark.parametrize("package", ["abc", "99999999999999999999999", "-1", "٣"])
def test_a_package_that_is_not_a_number_on_the_allocate_form_is_named(
    package: str, client_as: Any, general_contribution: Any
) -> None:
    form = {"package": package, "amount": "10", "currency": "NOK", "value_date": "2026-01-05", "source": "s"}
    response = client_as("alice").post(f"/purl/contributions/{general_contribution.pk}/allocate/", form)
    assert response.status_code in (400, 404, 422), response.status_code
    assert b'data-testid="error-package"' in response.content


def test_an_unexpected_error_in_the_api_is_the_json_error_body(client_as: Any, monkeypatch: Any) -> None:
    """Whatever fails inside a route, the API answers JSON (the page shell's HTML error page is for
    pages): here a route whose query fails on a closed cursor."""
    from veille.ledger import api as ledger_api

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(ledger_api.queries, "event_rows", broken, raising=False)
    client = client_as("alice")
    client.raise_request_exception = False
    response = client.get("/api/v1/ledger/events")
    _is_api_error(response, 500)
    assert "boom" not in response.content.decode()
