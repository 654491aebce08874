"""The Arctic picture on a store written by Apache Spark (``veille ais ingest --engine spark``, then
``veille ais events --engine spark``): its vessel and event layers work unchanged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from veille.maritime.cli.runner import main as ais

pytestmark = pytest.mark.spark


def test_the_picture_reads_a_store_written_by_spark(
    spark: Any, picture: dict[str, Path], client_as: Any, tmp_path: Path
) -> None:
    out = tmp_path / "scenario"
    assert ais(["scenario", "--days", "2", "--seed", "5", "--out", str(out)]) == 0
    store = str(picture["store"])
    assert ais(["ingest", "--engine", "spark", str(out / "scenario.nmea"), "--store", store]) == 0
    assert ais(["events", "--engine", "spark", "--store", store, "--output", str(tmp_path / "e.csv")]) == 0
    events = client_as("pawel").get("/arctic/layers/events.geojson").json()["features"]
    types = {f["properties"]["event_type"] for f in events}
    assert {"gap", "encounter", "loitering"} <= types
    assert all(f["properties"]["synthetic"] for f in events)  # the scenario's sentences are tagged
    vessels = client_as("pawel").get("/arctic/layers/vessels.geojson").json()["features"]
    assert vessels and all(f["properties"]["synthetic"] for f in vessels)
