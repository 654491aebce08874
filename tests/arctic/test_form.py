"""The editors' activity form: what it records, for whom, and the errors it names."""

from __future__ import annotations

import json
from typing import Any

import pytest

from veille.arctic.models import Activity
from veille.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Coastal patrol Vestfjorden",
    "kind": "patrol",
    "domains": ["maritime"],
    "starts_on": "2026-03-02",
    "ends_on": "2026-03-05",
    "area_name": "Vestfjorden",
    "lat": "68.2",
    "lon": "14.5",
    "radius_km": "60",
    "assets": "Patrol vessel; 2\nP-8A",
    "sources": "https://example.org/patrol 2026-03-01 Press release",
    "releasable_to": "NATIONS",
    "releasable_nations": "NOR, SWE",
}


def test_an_editor_records_an_activity_for_their_nation(client_as: Any) -> None:
    response = client_as("nora").post("/arctic/activities/new/", {**FORM, "nation": "NOR"})
    assert response.status_code == 302
    a = Activity.objects.get(name=FORM["name"])
    assert (a.owner_nation_id, a.kind, a.radius_km, a.releasable_nations) == (
        "NOR",
        "patrol",
        60.0,
        "|NOR|SWE|",
    )
    assert a.area == {"type": "Point", "coordinates": [14.5, 68.2]}
    assert a.assets[0] == {"type": "Patrol vessel", "number": 2, "note": ""}
    assert a.sources[0]["date"] == "2026-03-01" and a.sources[0]["title"] == "Press release"
    assert AuditEvent.objects.filter(action="arctic.activity.create", actor="nora").exists()
    assert client_as("pawel").get(f"/arctic/activities/{a.pk}/").status_code == 404


def test_an_editor_cannot_record_for_another_nation(client_as: Any) -> None:
    response = client_as("nora").post("/arctic/activities/new/", {**FORM, "nation": "POL"})
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    assert not Activity.objects.exists()


def test_viewers_and_outsiders_are_refused(client_as: Any) -> None:
    assert client_as("pawel").get("/arctic/activities/new/").status_code == 403
    assert client_as("eve").post("/arctic/activities/new/", FORM).status_code == 403
    assert not Activity.objects.exists()


def test_a_wrong_value_is_named_beside_its_field_and_nothing_is_written(client_as: Any) -> None:
    bad = {**FORM, "nation": "NOR", "ends_on": "2026-03-01", "sources": "not a link"}
    response = client_as("nora").post("/arctic/activities/new/", bad)
    assert response.status_code == 422
    assert "ends before it starts" in response.content.decode()
    assert not Activity.objects.exists()
    bad = {**FORM, "nation": "NOR", "sources": "ftp://x"}
    response = client_as("nora").post("/arctic/activities/new/", bad)
    assert "not an http(s) address" in response.content.decode()


def test_a_coordinator_records_an_alliance_level_activity(client_as: Any) -> None:
    response = client_as("alice").post(
        "/arctic/activities/new/", {**FORM, "nation": "", "releasable_to": "NATO"}
    )
    assert response.status_code == 302
    assert Activity.objects.get().owner_nation_id is None


def _errors(response: Any) -> dict[str, list[str]]:
    return {k: [str(m) for m in v] for k, v in response.context["form"].errors.items()}


POLYGON = '{"type": "Polygon", "coordinates": [[[10, 68], [20, 68], [20, 72], [10, 72], [10, 68]]]}'


@pytest.mark.parametrize("text", ["[1, 2]", '"x"', "12", "null", "true"])
def test_a_polygon_that_is_json_but_no_object_is_named_beside_its_field(client_as: Any, text: str) -> None:
    form = {**FORM, "nation": "NOR", "lat": "", "lon": "", "radius_km": "", "polygon": text}
    response = client_as("nora").post("/arctic/activities/new/", form)
    assert response.status_code == 422
    assert any(m.startswith("not a GeoJSON geometry: ") for m in _errors(response)["polygon"])
    assert not Activity.objects.exists()


@pytest.mark.parametrize(
    "given, field, message",
    [
        ({"lat": "68.2", "lon": ""}, "lon", "give the longitude too"),
        ({"lat": "", "lon": "14.5"}, "lat", "give the latitude too"),
        (
            {"lat": "", "lon": "", "polygon": POLYGON},
            "radius_km",
            "a radius goes with a point, not a Polygon",
        ),
        ({"radius_km": "", "polygon": POLYGON}, "polygon", "a point (latitude and longitude) or a polygon"),
        ({"radius_km": "5000"}, "radius_km", "5000 km is out of range"),
        ({"radius_km": "0"}, "radius_km", "0 km is out of range"),
        ({"lat": "", "lon": ""}, "radius_km", "a radius needs a point"),
    ],
)
def test_an_area_given_in_part_or_twice_is_refused_not_dropped(
    client_as: Any, given: dict[str, str], field: str, message: str
) -> None:
    response = client_as("nora").post("/arctic/activities/new/", {**FORM, "nation": "NOR", **given})
    assert response.status_code == 422
    assert any(message in m for m in _errors(response)[field]), _errors(response)
    assert not Activity.objects.exists()


def test_a_point_with_a_radius_out_of_range_says_so_not_that_it_needs_a_point(client_as: Any) -> None:
    response = client_as("nora").post(
        "/arctic/activities/new/", {**FORM, "nation": "NOR", "radius_km": "5000"}
    )
    (message,) = _errors(response)["radius_km"]
    assert "goes with a point" not in message
    assert "more than 0 and at most 3,000 km" in message


def test_a_polygon_alone_and_a_point_alone_are_recorded(client_as: Any) -> None:
    polygon = {**FORM, "nation": "NOR", "lat": "", "lon": "", "radius_km": "", "polygon": POLYGON}
    assert client_as("nora").post("/arctic/activities/new/", polygon).status_code == 302
    point = {**FORM, "nation": "NOR", "name": "Point patrol", "radius_km": ""}
    assert client_as("nora").post("/arctic/activities/new/", point).status_code == 302
    areas = {a.name: (a.area["type"], a.radius_km) for a in Activity.objects.all()}
    assert areas == {FORM["name"]: ("Polygon", None), "Point patrol": ("Point", None)}


def test_the_form_records_a_new_activity_and_never_changes_one_whose_key_it_would_reuse(
    client_as: Any,
) -> None:
    """The form makes its key from nation, name and month; when that key is taken (here ``…-3`` too,
    while ``…-2`` is free) it takes the next free one and leaves the others alone."""
    for _ in range(2):
        assert client_as("nora").post("/arctic/activities/new/", {**FORM, "nation": "NOR"}).status_code == 302
    first, second = Activity.objects.order_by("pk")
    second.key = first.key + "-3"
    second.save()
    assert client_as("nora").post("/arctic/activities/new/", {**FORM, "nation": "NOR"}).status_code == 302
    assert sorted(Activity.objects.values_list("key", flat=True)) == sorted(
        [first.key, first.key + "-2", first.key + "-3"]
    )


API_BODY = {
    "key": "nor-api-patrol",
    "name": "API patrol",
    "kind": "patrol",
    "nation": "NOR",
    "sources": [{"url": "https://example.org/a", "date": "2026-03-01"}],
}


@pytest.mark.parametrize(
    "area, radius, field, message",
    [
        ([1, 2], None, "area", ""),
        ("x", None, "area", ""),
        ({}, None, "area", "give a GeoJSON Point, Polygon or MultiPolygon"),
        (json.loads(POLYGON), 50.0, "radius_km", "a radius goes with a point, not a Polygon"),
        ({"type": "Point", "coordinates": [14.5, 68.2]}, 5000.0, "radius_km", "out of range"),
    ],
)
def test_the_api_refuses_the_same_areas_with_the_field(
    client_as: Any, area: Any, radius: float | None, field: str, message: str
) -> None:
    body = {**API_BODY, "area": area, "radius_km": radius}
    response = client_as("nora").post("/api/v1/arctic/activities", body, content_type="application/json")
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["code"], error["field"]) == ("invalid", field)
    assert message in error["message"]
    assert not Activity.objects.exists()
