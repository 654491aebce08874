"""The editors' activity form: what it records, for whom, and the errors it names."""

from __future__ import annotations

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
