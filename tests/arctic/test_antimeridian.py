"""A bounding box may cross 180° (``min_lon > max_lon``, RFC 7946 §5.2): ``bbox=170,60,-170,70``, the
Bering Strait, keeps what lies at 175° E and at 175° W, and not what lies at 0°, on every layer,
export and API route that takes a box. Latitudes still need min ≤ max."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from tests.arctic.conftest import square, utc
from veille.arctic import layers_fast, layers_reference
from veille.arctic.geo import parse_bbox
from veille.arctic.services import NewActivity, do_record_activity
from veille.core.geo import bbox_intersects, in_bbox
from veille.kit.exports import read_csv_rows

pytestmark = pytest.mark.django_db

BERING = "170,60,-170,70"
BOX = (170.0, 60.0, -170.0, 70.0)
ALLIES = {"NOR", "DNK", "USA", "ISL"}
EAST, WEST, ZERO = 273100175, 338100175, 257100000  # at 175° E, 175° W and 0°
T0 = utc(2026, 3, 1, 10)


def body(response: Any) -> str:
    return (b"".join(response.streaming_content) if response.streaming else response.content).decode()


def test_a_box_across_180_is_read_and_met_on_both_sides() -> None:
    assert parse_bbox(BERING) == BOX
    assert in_bbox(175.0, 65.0, BOX) and in_bbox(-175.0, 65.0, BOX) and in_bbox(180.0, 65.0, BOX)
    assert not in_bbox(0.0, 65.0, BOX) and not in_bbox(175.0, 71.0, BOX)
    assert bbox_intersects((172.0, 62.0, 178.0, 66.0), BOX) and bbox_intersects(
        BOX, (-178.0, 62.0, -172.0, 66.0)
    )
    assert not bbox_intersects((-5.0, 62.0, 5.0, 66.0), BOX) and not bbox_intersects(
        BOX, (-5.0, 62.0, 5.0, 66.0)
    )
    assert bbox_intersects(BOX, (175.0, 62.0, -175.0, 66.0))  # two boxes across 180°


@pytest.fixture
def positions(picture: dict[str, Path], write_positions: Any) -> Path:
    """Three vessels of two positions each: at 175° E, 175° W and 0°, all at 65° N."""
    rows = []
    for mmsi, lon in ((EAST, 175.0), (WEST, -175.0), (ZERO, 0.0)):
        rows += [(mmsi, T0, 65.0, lon), (mmsi, T0 + dt.timedelta(minutes=10), 65.1, lon + 0.1)]
    write_positions(rows)
    return picture["store"]


def mmsis(data: dict[str, Any] | bytes | str) -> set[int]:
    value = json.loads(data) if isinstance(data, bytes | str) else data
    return {f["properties"]["mmsi"] for f in value["features"]}


def test_vessels_and_tracks_across_180_are_the_same_from_both_implementations(positions: Path) -> None:
    for name in ("vessels", "tracks"):
        slow = getattr(layers_reference, name)(BOX, ALLIES)
        fast = getattr(layers_fast, name)(BOX, ALLIES)
        assert mmsis(slow) == {EAST, WEST} == mmsis(fast), name
        assert json.loads(fast) == json.loads(json.dumps(slow)), name


@pytest.mark.parametrize(
    "path",
    [
        "/arctic/layers/vessels.geojson",
        "/arctic/layers/tracks.geojson",
        "/api/v1/arctic/layers/vessels",
        "/api/v1/arctic/layers/tracks",
    ],
)
def test_the_vessel_layers_take_a_box_across_180(client_as: Any, positions: Path, path: str) -> None:
    response = client_as("pawel").get(f"{path}?bbox={BERING}")
    assert response.status_code == 200, body(response)
    assert mmsis(body(response)) == {EAST, WEST}


@pytest.fixture
def events(write_events: Any) -> None:
    write_events(
        [
            {"event_id": f"gap-{name}", "event_type": "gap", "mmsi": mmsi, "start": T0, "end": T0,
             "lat": 65.0, "lon": lon}
            for name, mmsi, lon in (("east", EAST, 175.0), ("west", WEST, -175.0), ("zero", ZERO, 0.0))
        ]
    )  # fmt: skip


def column(path: str, text: str, name: str) -> set[str]:
    """The values of ``name`` in a CSV, a JSON export (``rows``), an API list (``items``) or GeoJSON."""
    if path.endswith(".csv"):
        return {r[name] for r in read_csv_rows(text)}
    data = json.loads(text)
    if "features" in data:
        return {f["properties"][name] for f in data["features"]}
    return {r[name] for r in data.get("rows", data.get("items", []))}


@pytest.mark.parametrize(
    "path",
    [
        "/arctic/layers/events.geojson",
        "/api/v1/arctic/layers/events",
        "/arctic/events.geojson",
        "/api/v1/arctic/events.geojson",
        "/arctic/events.csv",
        "/api/v1/arctic/events.csv",
        "/arctic/events.json",
    ],
)
def test_events_across_180_are_kept_on_every_path(client_as: Any, events: None, path: str) -> None:
    response = client_as("pawel").get(f"{path}?bbox={BERING}&since=2026-03-01")
    assert response.status_code == 200, body(response)
    assert column(path, body(response), "event_id") == {"gap-east", "gap-west"}


@pytest.fixture
def activities(actor_of: Any, picture: Any) -> None:
    """Public activities at 175° E (a point), at 175° W (a polygon) and at 0° (a point)."""
    for key, area in (
        ("east", {"type": "Point", "coordinates": [175.0, 65.0]}),
        ("west", square(-176.0, 64.0, -174.0, 66.0)),
        ("zero", {"type": "Point", "coordinates": [0.0, 65.0]}),
    ):
        do_record_activity(
            actor_of("sam"),
            NewActivity(
                key=key, name=f"Patrol {key}", kind="patrol", owner_nation="USA",
                starts_on=dt.date(2026, 3, 1), ends_on=dt.date(2026, 3, 10), area=area,
                sources=[{"url": "https://example.org/order", "date": "2026-02-20", "title": ""}],
                releasable_to="PUBLIC",
            ),
        )  # fmt: skip


@pytest.mark.parametrize(
    "path",
    [
        "/arctic/layers/activities.geojson",
        "/api/v1/arctic/layers/activities",
        "/arctic/activities.geojson",
        "/api/v1/arctic/activities.geojson",
        "/arctic/activities.csv",
        "/api/v1/arctic/activities.csv",
        "/arctic/activities.json",
        "/api/v1/arctic/activities",
    ],
)
def test_activities_across_180_are_kept_on_every_path(client_as: Any, activities: None, path: str) -> None:
    response = client_as("pawel").get(f"{path}?bbox={BERING}")
    assert response.status_code == 200, body(response)
    assert column(path, body(response), "key") == {"east", "west"}


def test_zones_and_landing_points_across_180(client_as: Any, write_zone: Any) -> None:
    write_zone("east", square(172.0, 62.0, 178.0, 66.0))
    write_zone("west", square(-178.0, 62.0, -172.0, 66.0))
    write_zone("zero", square(-5.0, 62.0, 5.0, 66.0))
    for path in ("/arctic/layers/zones.geojson", "/api/v1/arctic/layers/zones"):
        data = client_as("pawel").get(f"{path}?bbox={BERING}").json()
        assert {f["properties"]["id"] for f in data["features"]} == {"east", "west"}, path
    landings = client_as("pawel").get(f"/arctic/layers/landings.geojson?bbox={BERING}").json()["features"]
    names = {f["properties"]["name"] for f in landings}
    assert "Anadyr, Russia" in names  # 177.5° E, 64.7° N
    assert all(in_bbox(*f["geometry"]["coordinates"][:2], BOX) for f in landings)
    cables = client_as("pawel").get(f"/arctic/layers/cables.geojson?bbox={BERING}").json()["features"]
    assert "Petropavlovsk-Kamchatsky - Anadyr" in {f["properties"]["name"] for f in cables}


@pytest.mark.parametrize(
    "path",
    [
        "/arctic/layers/vessels.geojson",
        "/arctic/layers/events.geojson",
        "/api/v1/arctic/layers/activities",
        "/api/v1/arctic/events.csv",
        "/arctic/activities.csv",
        "/api/v1/arctic/activities",
    ],
)
def test_latitudes_out_of_order_are_still_refused_naming_bbox(
    client_as: Any, picture: Any, path: str
) -> None:
    response = client_as("pawel").get(f"{path}?bbox=170,70,-170,60")
    assert response.status_code == 422, path
    error = response.json()["error"]
    assert (error["code"], error["type"], error["field"]) == ("invalid", "InvalidInput", "bbox"), path
    assert "min_lat ≤ max_lat" in error["message"]
