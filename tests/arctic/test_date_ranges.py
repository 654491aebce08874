"""Far-future and far-past dates: refused on input with a 422 naming the field, and a record written
before dates were checked never takes the Arctic pages down."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from veille.arctic.models import Activity
from veille.arctic.services import NewActivity, do_record_activity

pytestmark = pytest.mark.django_db

JSON = "application/json"


def _body(**over: Any) -> dict[str, Any]:
    body = {
        "key": "nor-far",
        "name": "Patrol",
        "kind": "patrol",
        "nation": "NOR",
        "starts_on": "2026-03-01",
        "ends_on": "2026-03-10",
        "area": {"type": "Point", "coordinates": [18.9, 69.6]},
        "radius_km": 50,
        "sources": [{"url": "https://example.org/a", "date": "2026-02-20"}],
        "releasable_to": "PUBLIC",
    }
    body.update(over)
    return body


@pytest.mark.parametrize(
    "field, change",
    [
        ("ends_on", {"ends_on": "9999-12-31"}),
        ("starts_on", {"starts_on": "0001-01-01"}),
        ("sources", {"sources": [{"url": "https://example.org/a", "date": "9999-12-31"}]}),
    ],
)
def test_a_date_out_of_range_is_refused_with_422_naming_the_field(
    field: str, change: dict[str, Any], client_as: Any
) -> None:
    response = client_as("nora").post("/api/v1/arctic/activities", _body(**change), content_type=JSON)
    assert response.status_code == 422, response.content
    assert response.json()["error"]["field"] == field
    assert not Activity.objects.exists()


def test_the_form_refuses_it_beside_the_field(client_as: Any) -> None:
    form = {
        "key": "nor-far",
        "name": "Patrol",
        "kind": "patrol",
        "nation": "NOR",
        "starts_on": "2026-03-01",
        "ends_on": "9999-12-31",
        "sources": "https://example.org/a 2026-02-20",
        "releasable_to": "PUBLIC",
    }
    response = client_as("nora").post("/arctic/activities/new/", form)
    assert response.status_code in (400, 422)
    assert b"out of range" in response.content
    assert not Activity.objects.exists()


@pytest.mark.parametrize(
    "query", ["?since=0001-01-01", "?until=9999-12-31", "?since=0001-01-01T00:00:00%2B14:00"]
)
def test_a_window_out_of_range_in_a_query_is_a_clear_error(query: str, client_as: Any) -> None:
    response = client_as("nora").get("/api/v1/arctic/activities" + query)
    assert response.status_code in (400, 422), response.content
    assert response.json()["error"]["field"] in ("since", "until")


@pytest.fixture
def ends_in_9999(actor_of: Any) -> Activity:
    """An activity ending on 9999-12-31, as the API accepted before dates were checked."""
    a, _ = do_record_activity(
        actor_of("nora"),
        NewActivity(
            key="nor-forever",
            name="Forever patrol",
            kind="patrol",
            owner_nation="NOR",
            starts_on=dt.date(2026, 3, 1),
            ends_on=dt.date(2026, 3, 10),
            area={"type": "Point", "coordinates": [18.9, 69.6]},
            radius_km=50.0,
            sources=[{"url": "https://example.org/a", "date": "2026-02-20", "title": ""}],
            releasable_to="PUBLIC",
        ),
    )
    Activity.objects.filter(pk=a.pk).update(ends_on=dt.date(9999, 12, 31))
    return a


@pytest.mark.parametrize("who", [None, "nora", "alice"])
@pytest.mark.parametrize(
    "path",
    [
        "/arctic/",
        "/arctic/activities.csv",
        "/arctic/layers/activities.geojson",
        "/api/v1/arctic/activities",
        "/arctic/activities/{pk}/",
    ],
)
def test_a_record_ending_in_9999_never_takes_a_page_down(
    path: str, who: str | None, ends_in_9999: Activity, client_as: Any, picture: Any
) -> None:
    client = client_as(who)
    if path.startswith("/api/") and who is None:
        return
    response = client.get(path.format(pk=ends_in_9999.pk))
    assert response.status_code == 200, path
