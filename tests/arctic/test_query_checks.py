"""Bad query values of the picture's layers, events, coverage and activities are refused, on pages and
in the API alike, with the project's one error body (``InvalidInput``: code ``invalid``, HTTP 422)
naming the parameter; nothing is read in part, cut short or silently matched by nothing."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import pytest

from veille.arctic import queries
from veille.arctic.coverage import MAX_DAYS
from veille.core.events.schema import EVENT_TYPES

pytestmark = pytest.mark.django_db

DATED = [
    "/arctic/layers/activities.geojson",
    "/arctic/layers/vessels.geojson",
    "/arctic/layers/tracks.geojson",
    "/arctic/layers/events.geojson",
    "/api/v1/arctic/layers/activities",
    "/api/v1/arctic/layers/events",
    "/arctic/events.csv",
    "/arctic/events.json",
    "/arctic/events.geojson",
    "/api/v1/arctic/events.csv",
    "/api/v1/arctic/events.geojson",
    "/arctic/coverage.csv",
    "/arctic/coverage.json",
    "/api/v1/arctic/coverage",
    "/arctic/activities.csv",
    "/arctic/activities.json",
    "/api/v1/arctic/activities",
    "/api/v1/arctic/activities.geojson",
]
BOXED = [p for p in DATED if "coverage" not in p]
EVENTS = [p for p in DATED if "events" in p]


def refused(client: Any, path: str, query: str, field: str) -> dict[str, Any]:
    response = client.get(f"{path}?{query}")
    assert response.status_code == 422, (path, query, response.status_code)
    error = response.json()["error"]
    assert (error["code"], error["type"], error["field"]) == ("invalid", "InvalidInput", field), (path, error)
    return dict(error)


@pytest.mark.parametrize("path", DATED)
@pytest.mark.parametrize("field", ["since", "until"])
def test_a_date_with_anything_after_it_is_refused_naming_the_parameter(
    client_as: Any, picture: Any, path: str, field: str
) -> None:
    error = refused(client_as("pawel"), path, f"{field}=2026-03-01garbage", field)
    assert "2026-03-01garbage" in error["message"]


@pytest.mark.parametrize("path", DATED)
def test_since_later_than_until_is_refused_naming_both(client_as: Any, picture: Any, path: str) -> None:
    error = refused(client_as("pawel"), path, "since=2026-03-05&until=2026-03-01", "since")
    assert "since (2026-03-05" in error["message"] and "until (2026-03-01" in error["message"]


@pytest.mark.parametrize("path", BOXED)
def test_a_bad_bbox_gets_the_same_code_and_status_as_a_bad_date(
    client_as: Any, picture: Any, path: str
) -> None:
    refused(client_as("pawel"), path, "bbox=1,2,3", "bbox")


@pytest.mark.parametrize("path", EVENTS)
def test_an_unknown_event_type_is_refused_listing_the_known_types(
    client_as: Any, picture: Any, path: str
) -> None:
    error = refused(client_as("pawel"), path, "types=gap,foo", "types")
    assert "foo" in error["message"]
    assert all(t in error["message"] for t in EVENT_TYPES)


@pytest.mark.parametrize("query, field", [("kind=invasion", "kind"), ("nation=XXX", "nation")])
def test_an_unknown_kind_or_nation_filter_is_refused(client_as: Any, query: str, field: str) -> None:
    for path in ("/arctic/layers/activities.geojson", "/api/v1/arctic/activities"):
        refused(client_as("pawel"), path, query, field)


@pytest.mark.parametrize("path", ["/arctic/coverage.csv", "/arctic/coverage.json", "/api/v1/arctic/coverage"])
def test_coverage_refuses_a_range_longer_than_its_limit_instead_of_cutting_it(
    client_as: Any, picture: Any, path: str
) -> None:
    until = dt.date(2026, 3, 1)
    longest = until - dt.timedelta(days=MAX_DAYS - 1)
    error = refused(
        client_as("pawel"), path, f"since={longest - dt.timedelta(days=1)}&until={until}", "since"
    )
    assert f"{MAX_DAYS + 1} days" in error["message"] and f"at most {MAX_DAYS} days" in error["message"]
    assert client_as("pawel").get(f"{path}?since={longest}&until={until}").status_code == 200


def test_the_coverage_page_shows_the_refusal_with_the_same_status(client_as: Any, picture: Any) -> None:
    for query, words in (
        ("since=2026-03-01garbage", "since: '2026-03-01garbage' is not a date"),
        ("since=2026-03-05&until=2026-03-01", "is later than until"),
        ("since=2024-01-01&until=2026-03-01", f"at most {MAX_DAYS} days"),
    ):
        page = client_as("pawel").get(f"/arctic/coverage/?{query}")
        assert page.status_code == 422 and words in html.unescape(page.content.decode()), query


def test_good_values_are_still_read(client_as: Any, picture: Any) -> None:
    assert queries.parse_day("2026-03-01", "since") == dt.date(2026, 3, 1)
    assert queries.parse_day("2026-03-01T23:30:00-02:00", "since") == dt.date(2026, 3, 2)  # its UTC day
    for path in DATED:
        query = "since=2026-03-01&until=2026-03-01"
        assert client_as("pawel").get(f"{path}?{query}").status_code == 200, path
    for path in EVENTS:
        assert client_as("pawel").get(f"{path}?types=gap, encounter").status_code == 200, path


def test_the_query_examples_hold() -> None:
    import doctest

    result = doctest.testmod(queries)
    assert result.attempted >= 2 and result.failed == 0
