"""``veille ais events --engine spark`` against the embedded engine on the same stores: the
held-out style scenario (every planted event, across day partitions, with and without a window)
and the shipped captures; events compared field by field. Apache Spark for real (``local[2]``)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from tests.maritime.ais_inputs import DATA
from veille.maritime.cli.runner import main as ais
from veille.maritime.event_runs import run_events
from veille.maritime.spark.events_job import spark_events
from veille.maritime.store import POSITION_SCHEMA, AisStore

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("scenario")
    assert ais(["scenario", "--days", "2", "--seed", "11", "--out", str(out)]) == 0
    return out


def _same(a: pl.DataFrame, b: pl.DataFrame) -> None:
    """Field by field: the same ids, types, times, positions and parameters."""
    a, b = a.sort("event_id"), b.sort("event_id")
    assert a["event_id"].to_list() == b["event_id"].to_list()
    assert a.schema == b.schema
    for column in a.columns:
        assert a[column].to_list() == b[column].to_list(), column


def test_the_scenario_s_events_through_the_command(
    spark: Any, scenario: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = str(scenario / "store")
    outputs = {}
    for engine in ("embedded", "spark"):
        out = tmp_path / f"{engine}.parquet"
        args = ["events", "--engine", engine, "--store", store, "--dry-run", "--format", "parquet"]
        assert ais([*args, "--output", str(out)]) == 0
        summary = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
        outputs[engine] = (pl.read_parquet(out), summary)
    embedded, on_spark = outputs["embedded"], outputs["spark"]
    _same(embedded[0], on_spark[0])
    assert on_spark[1]["by_type"] == embedded[1]["by_type"]
    assert on_spark[1]["quality"] == embedded[1]["quality"]
    events = on_spark[0]
    assert set(events["type"]) >= {"gap", "encounter", "loitering", "zone_entry", "cable", "identity_change"}


def test_a_window_starts_from_each_vessel_s_last_fix_before_it(spark: Any, scenario: Path) -> None:
    store = AisStore(scenario / "store")
    first = store.query("SELECT min(timestamp) FROM positions").fetchall()[0][0]
    since = (first + timedelta(hours=30)).astimezone(UTC)
    until = since + timedelta(hours=12)
    now = datetime.now(UTC)
    embedded = run_events(store, since=since, until=until, now=now, write=False)
    on_spark = spark_events(spark, store, since=since, until=until, now=now, write=False)
    assert embedded.events.height > 0
    _same(embedded.events, on_spark.events)
    assert on_spark.stamp["inputs"] == embedded.stamp["inputs"]
    assert on_spark.stamp["parameters"] == embedded.stamp["parameters"]


def _write(root: Path, rows: list[tuple[int, datetime, float, float]]) -> None:
    """Positions in the store's layout: one part per day, as an ingest writes them."""
    df = pl.DataFrame(
        {
            "mmsi": [r[0] for r in rows],
            "timestamp": [r[1] for r in rows],
            "lat": [r[2] for r in rows],
            "lon": [r[3] for r in rows],
            "sog_kn": [0.5] * len(rows),
            "cog_deg": [90.0] * len(rows),
            "heading_deg": [90] * len(rows),
            "nav_status": [0] * len(rows),
            "msg_type": [1] * len(rows),
            "source": ["test"] * len(rows),
            "received_at": [r[1] for r in rows],
        },
        schema=POSITION_SCHEMA,
    )
    for (day,), part in df.group_by(pl.col("timestamp").dt.date()):
        folder = root / "positions" / f"day={day}"
        folder.mkdir(parents=True, exist_ok=True)
        part.write_parquet(folder / "part-test-000001.parquet")


def test_events_that_cross_day_partitions(spark: Any, tmp_path: Path) -> None:
    """A gap from one day's part to the next day's, and an encounter going on over midnight."""
    t0 = datetime(2026, 2, 1, 18, tzinfo=UTC)
    rows = []
    for k in range(0, 14 * 6):  # two vessels drifting together, 18:00 to 08:00, every 10 minutes
        at = t0 + timedelta(minutes=10 * k)
        rows += [(273000001, at, 74.0 + k * 1e-4, 35.0), (257000002, at, 74.001 + k * 1e-4, 35.0)]
    # a third silent from 20:00 to 09:00 the next day, far out at sea
    rows += [(311000003, t0 + timedelta(hours=h), 73.0, 30.0) for h in (0, 1, 2)]
    rows += [(311000003, t0 + timedelta(hours=h), 73.1, 30.2) for h in (15, 16)]
    _write(tmp_path, rows)
    store = AisStore(tmp_path)
    now = datetime.now(UTC)
    embedded = run_events(store, now=now, write=False)
    on_spark = spark_events(spark, store, now=now, write=False)
    _same(embedded.events, on_spark.events)
    crossing = on_spark.events.filter(pl.col("start").dt.date() != pl.col("end").dt.date())
    assert set(crossing["type"]) >= {"gap", "encounter"}


def test_the_shipped_captures_events(spark: Any, tmp_path: Path) -> None:
    store = AisStore(tmp_path / "captures")
    from veille.core.ais.sources import file_blocks

    for capture in sorted(p for p in DATA.iterdir() if not p.name.startswith("LICENSE")):
        store.ingest_blocks(file_blocks(capture))
    now = datetime.now(UTC)
    embedded = run_events(store, now=now, write=False)
    on_spark = spark_events(spark, store, now=now, write=False)
    assert embedded.events.height > 0
    _same(embedded.events, on_spark.events)
    assert on_spark.quality.as_dict() == embedded.quality.as_dict()


def test_a_stored_spark_run_reads_as_an_embedded_one(spark: Any, scenario: Path, tmp_path: Path) -> None:
    """Stored with its stamp in the store's events folder, as the embedded engine stores a run."""
    store_dir = tmp_path / "store"
    capture = str(scenario / "scenario.nmea")
    assert ais(["ingest", "--engine", "spark", capture, "--store", str(store_dir)]) == 0
    output = str(tmp_path / "events.csv")
    assert ais(["events", "--engine", "spark", "--store", str(store_dir), "--output", output]) == 0
    runs = list((store_dir / "events").glob("run=*/events.parquet"))
    assert len(runs) == 1
    stored = pl.read_parquet(runs[0])
    assert stored.height > 0 and stored["synthetic"].all()
    stamp = json.loads(next((store_dir / "events" / "runs").glob("*.json")).read_text())
    assert stamp["events"] == stored.height and stamp["inputs"]
