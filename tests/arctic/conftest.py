"""Fixtures of the Arctic tests: a data folder (the shipped geo files, plus zones a test writes) and an
AIS store in a temporary folder, with positions and events written in the store's own layout."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from veille.maritime.store import POSITION_SCHEMA

ROOT = Path(__file__).resolve().parents[2]
STARTER = ROOT / "data" / "arctic" / "activities_2026.csv"


@pytest.fixture
def picture(tmp_path: Path, settings: Any) -> dict[str, Path]:
    data = tmp_path / "data"
    data.mkdir()
    for name in ("geo", "reference", "arctic"):
        (data / name).symlink_to(ROOT / "data" / name)
    (data / "zones").mkdir()
    store = tmp_path / "ais"
    settings.DATA_DIR = data
    settings.AIS_STORE = store
    return {"data": data, "zones": data / "zones", "store": store}


def square(lon0: float, lat0: float, lon1: float, lat1: float) -> dict[str, Any]:
    return {
        "type": "Polygon",
        "coordinates": [[[lon0, lat0], [lon1, lat0], [lon1, lat1], [lon0, lat1], [lon0, lat0]]],
    }


@pytest.fixture
def write_zone(picture: dict[str, Path]) -> Callable[..., None]:
    def write(zid: str, geometry: dict[str, Any]) -> None:
        fc = {
            "type": "FeatureCollection",
            "features": [{"type": "Feature", "properties": {"id": zid, "name": zid}, "geometry": geometry}],
        }
        (picture["zones"] / f"{zid}.geojson").write_text(json.dumps(fc))

    return write


@pytest.fixture
def write_positions(picture: dict[str, Path]) -> Callable[..., None]:
    """``write([(mmsi, time, lat, lon), ...], source="synthetic")`` into positions/day=…/"""
    counter = iter(range(1_000_000))

    def write(rows: list[tuple[int, dt.datetime, float, float]], source: str = "test") -> None:
        df = pl.DataFrame(
            {
                "mmsi": [r[0] for r in rows],
                "timestamp": [r[1] for r in rows],
                "lat": [r[2] for r in rows],
                "lon": [r[3] for r in rows],
                "sog_kn": [5.0] * len(rows),
                "cog_deg": [90.0] * len(rows),
                "heading_deg": [90] * len(rows),
                "nav_status": [0] * len(rows),
                "msg_type": [1] * len(rows),
                "source": [source] * len(rows),
                "received_at": [r[1] for r in rows],
            },
            schema=POSITION_SCHEMA,
        )
        for (day,), part in df.group_by(pl.col("timestamp").dt.date()):
            folder = picture["store"] / "positions" / f"day={day}"
            folder.mkdir(parents=True, exist_ok=True)
            part.write_parquet(folder / f"part-test-{next(counter)}.parquet")

    return write


@pytest.fixture
def write_events(picture: dict[str, Path]) -> Callable[..., Path]:
    """``write([{event_id, event_type, mmsi, start, end, lat, lon, ...}])`` into events/"""
    counter = iter(range(1_000_000))

    def write(events: list[dict[str, Any]]) -> Path:
        folder = picture["store"] / "events"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"events-test-{next(counter)}.parquet"
        pl.DataFrame(events).with_columns(
            pl.col("start").cast(pl.Datetime("us", "UTC")), pl.col("end").cast(pl.Datetime("us", "UTC"))
        ).write_parquet(path)
        return path

    return write


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)  # type: ignore[misc]
