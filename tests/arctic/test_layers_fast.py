"""The vessels and tracks layers served by DuckDB (``veille.arctic.layers_fast``) say exactly what the
straightforward Python versions (``veille.arctic.layers_reference``) say, and follow the store when it
changes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from tests.arctic.conftest import utc
from veille.arctic import layers_fast, layers_reference
from veille.maritime.store import AisStore

ROOT = Path(__file__).resolve().parents[2]
ALLIES = {"NOR", "DNK", "USA", "ISL"}
WIDE = (utc(2000, 1, 1), utc(2030, 1, 1))


def same(fast: bytes, slow: dict[str, Any]) -> bool:
    return bool(json.loads(fast) == json.loads(json.dumps(slow)))


@pytest.fixture
def store(picture: dict[str, Path], write_positions: Any) -> Path:
    """A real capture (names and ship types in the registry) beside positions written for the test:
    Russian, Chinese, allied, other and unknown flags, synthetic and not, microseconds, and
    coordinates whose rounding to 5 decimals falls on a half (AIS units are 1/600,000 degree)."""
    AisStore(picture["store"]).ingest(
        [(ROOT / "data/ais/dma_aislib_stream_example_2010-06-11.nmea").read_bytes().splitlines()]
    )
    t0 = utc(2026, 3, 1, 10)
    rows = []
    for i, mmsi in enumerate((273100001, 413100001, 257100001, 636100001, 970100001, 219100001)):
        for k in range(7):
            lat = (43_200_003 + 6 * (i * 7 + k)) / 600_000  # k * 6 + 3: exactly half a unit of 10^-5
            lon = 0.015625 * (k + 1) + i if k % 2 else (600_000 * (i + 10) + 6 * k + 3) / 600_000
            rows.append((mmsi, t0 + dt.timedelta(minutes=17 * k + i, microseconds=250 * k), lat, lon))
    write_positions(rows[:21], source="synthetic")
    write_positions(rows[21:])
    write_positions([(257100002, t0, 71.0, -8.0)])  # a single position: a vessel, no track
    # either side of 180° (and one vessel crossing it), for a box that wraps across it
    across = [(273100175, 175.0), (338100175, -175.0), (273100180, 179.99)]
    write_positions(
        [(m, t0 + dt.timedelta(minutes=5 * k), 65.0 + k / 10, lon + 0.02 * k - (360 * k if lon > 179 else 0))
         for m, lon in across for k in range(2)]
    )  # fmt: skip
    return picture["store"]


def test_the_fast_layers_say_what_the_straightforward_ones_say(store: Path) -> None:
    cases: list[tuple[Any, ...]] = [
        ((-180.0, 45.0, 180.0, 90.0), None, None),  # the store's last 24 h
        ((-180.0, -90.0, 180.0, 90.0), *WIDE),  # the capture of 2010 too
        ((-180.0, -90.0, 180.0, 90.0), utc(2026, 3, 1, 10, 30), utc(2026, 3, 1, 11, 10)),
        ((0.0, 70.0, 15.0, 80.0), *WIDE),
        ((100.0, 80.0, 120.0, 85.0), *WIDE),  # nothing inside
        ((170.0, 60.0, -170.0, 70.0), *WIDE),  # across 180° (RFC 7946 §5.2)
        ((170.0, 60.0, -170.0, 70.0), None, None),
    ]
    for bbox, since, until in cases:
        fast = layers_fast.vessels(bbox, ALLIES, since, until)
        slow = layers_reference.vessels(bbox, ALLIES, since, until)
        assert same(fast, slow), (bbox, since, until)
        assert same(
            layers_fast.tracks(bbox, ALLIES, since, until),
            layers_reference.tracks(bbox, ALLIES, since, until),
        )
        if bbox[0] > bbox[2]:  # both sides of 180° and nothing between, the same from both
            assert {f["id"] for f in slow["features"]} == {273100175, 338100175, 273100180}, (since, until)
            lines = {
                f["id"]: f["geometry"]["coordinates"]
                for f in layers_reference.tracks(bbox, ALLIES, since, until)["features"]
            }
            assert lines.keys() == {273100175, 338100175, 273100180}
            assert [p[0] for p in lines[273100180]] == [179.99, -179.99]  # its track across 180°
    wide = layers_reference.vessels((-180.0, -90.0, 180.0, 90.0), ALLIES, *WIDE)
    groups = {f["properties"]["group"] for f in wide["features"]}
    assert {"RUS", "CHN", "ALLY", "OTHER", "UNKNOWN"} <= groups  # every branch of the flag rule is compared
    # the registry's dimensions (A + B, C + D of message 5) are compared too, where the capture gives them
    sized = [f["properties"] for f in wide["features"] if f["properties"]["length_m"]]
    assert sized and all(p["width_m"] is None or p["width_m"] > 0 for p in sized)
    assert any(f["properties"]["name"] for f in wide["features"])  # and names from the registry
    # whose time is the sentence's own (the 2010 capture's) or its reception's (written with
    # received_at = timestamp, as a sentence without a time is stored), and the fix's source
    basis = {f["properties"]["mmsi"]: f["properties"]["time_basis"] for f in wide["features"]}
    assert basis[273100001] == "reception" and set(basis.values()) == {"sentence", "reception"}
    sources = {f["properties"]["mmsi"]: f["properties"]["source"] for f in wide["features"]}
    assert (sources[273100001], sources[219100001]) == ("synthetic", "test")


def test_thinned_tracks_keep_the_same_positions(store: Path) -> None:
    bbox = (-180.0, -90.0, 180.0, 90.0)
    for max_points in (5, 17, 40):
        fast = json.loads(layers_fast.tracks(bbox, ALLIES, *WIDE, max_points=max_points))
        assert fast["meta"]["kept_every"] > 1
        assert fast == json.loads(
            json.dumps(layers_reference.tracks(bbox, ALLIES, *WIDE, max_points=max_points))
        )


def test_the_answer_follows_the_store_and_the_allies(store: Path, write_positions: Any) -> None:
    bbox = (-180.0, 45.0, 180.0, 90.0)
    first = json.loads(layers_fast.vessels(bbox, ALLIES))
    assert layers_fast.vessels(bbox, ALLIES) == layers_fast.vessels(bbox, ALLIES)
    write_positions([(230100001, utc(2026, 3, 1, 12), 70.0, 25.0)])
    after = json.loads(layers_fast.vessels(bbox, ALLIES))
    assert {f["id"] for f in after["features"]} - {f["id"] for f in first["features"]} == {230100001}
    assert after == json.loads(json.dumps(layers_reference.vessels(bbox, ALLIES)))
    finland = {
        f["id"]: f["properties"]["group"] for f in json.loads(layers_fast.vessels(bbox, {"FIN"}))["features"]
    }
    assert finland[230100001] == "ALLY" and finland[257100001] == "OTHER"


def test_an_empty_store_serves_empty_layers(picture: dict[str, Path]) -> None:
    for name in ("vessels", "tracks"):
        fast = getattr(layers_fast, name)((-180.0, 45.0, 180.0, 90.0), ALLIES)
        assert same(fast, getattr(layers_reference, name)((-180.0, 45.0, 180.0, 90.0), ALLIES))
