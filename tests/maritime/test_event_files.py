"""The one reader of the AIS store's event files: the detectors' runs and other writers' files side by
side, each event once as its latest run saw it, in the two shapes (a Polars frame for the batch tools,
records for the Arctic picture and its alerts)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from veille.core.events.schema import EVENT_SCHEMA
from veille.maritime.event_files import event_records, read_events, run_folder, stamp_file
from veille.maritime.store import AisStore

T = dt.datetime(2026, 3, 2, 6, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)
UTC = pl.Datetime("us", "UTC")


def detector_file(root: Path, run_id: str, run_at: dt.datetime, **event: object) -> None:
    """One event as a detector run writes it (events/run=<id>/events.parquet, the detectors' names)."""
    row = {"event_id": "gap-1", "type": "gap", "mmsi": 257000001, "start": T, "end": T + 8 * HOUR,
           "lat": 70.0, "lon": 10.0, "synthetic": False, "run_id": run_id, "run_at": run_at,
           "detail": '{"gap_s": 28800}'} | event  # fmt: skip
    folder = run_folder(root, run_id)
    folder.mkdir(parents=True, exist_ok=True)
    pl.DataFrame([row]).with_columns(pl.col("end").cast(UTC)).write_parquet(folder / "events.parquet")


def other_file(root: Path) -> None:
    """An event table written by another tool: other column names, no run, no synthetic column."""
    (root / "events").mkdir(parents=True, exist_ok=True)
    pl.DataFrame(
        {"id": ["enc-1"], "event_type": ["encounter"], "mmsi": [273000001], "other_mmsi": [412000002],
         "start_time": [T + HOUR], "end_time": [T + 3 * HOUR], "lat_deg": [71.0], "lon_deg": [30.0],
         "source": ["synthetic"], "note": ["seen from the air"]}
    ).write_parquet(root / "events" / "other-tool.parquet")  # fmt: skip


def test_both_writers_files_are_read_with_the_detectors_names(tmp_path: Path) -> None:
    detector_file(tmp_path, "r1", T + 9 * HOUR)
    other_file(tmp_path)
    frame = read_events(tmp_path)
    assert frame.columns == list(EVENT_SCHEMA)
    assert frame.select("event_id", "type", "mmsi", "mmsi2", "lat").rows() == [
        ("gap-1", "gap", 257000001, None, 70.0),
        ("enc-1", "encounter", 273000001, 412000002, 71.0),
    ]
    records = {r["event_id"]: r for r in event_records(tmp_path)}
    gap, enc = records["gap-1"], records["enc-1"]
    assert (gap["type"], gap["synthetic"], gap["detail"]["detail"]) == ("gap", False, {"gap_s": 28800})
    assert (enc["type"], enc["mmsi2"], enc["lon"], enc["end"]) == ("encounter", 412000002, 30.0, T + 3 * HOUR)
    assert enc["synthetic"] is True  # its source is the generator's
    assert enc["detail"]["note"] == "seen from the air"


def test_the_store_or_its_folder_gives_the_same_events(tmp_path: Path) -> None:
    detector_file(tmp_path, "r1", T + 9 * HOUR)
    assert read_events(AisStore(tmp_path)).equals(read_events(tmp_path))
    assert read_events(tmp_path).height == 1
    assert read_events(tmp_path / "elsewhere").height == 0


def test_an_event_seen_by_two_runs_is_read_once_as_the_latest_run_saw_it(tmp_path: Path) -> None:
    detector_file(tmp_path, "a", T + 2 * HOUR, end=None, detail='{"open": true}')
    detector_file(tmp_path, "b", T + 9 * HOUR)
    frame = read_events(tmp_path)
    assert frame.select("event_id", "end").rows() == [("gap-1", T + 8 * HOUR)]
    (record,) = event_records(tmp_path)
    assert (record["end"], record["detail"]["run_id"]) == (T + 8 * HOUR, "b")
    assert stamp_file(tmp_path, "b") == tmp_path / "events" / "runs" / "b.json"


def test_each_shape_keeps_its_window(tmp_path: Path) -> None:
    """The batch view: events that overlap [since, until), an open one running on. The picture: an
    event from its start to its end, an open one at its start (its timeline draws it there)."""
    detector_file(tmp_path, "r1", T + 9 * HOUR, end=None)
    later = T + 2 * HOUR
    assert read_events(tmp_path, since=later).height == 1
    assert event_records(tmp_path, since=later) == []
    assert read_events(tmp_path, until=T).height == 0 and len(event_records(tmp_path, until=T)) == 1
    assert read_events(tmp_path, types=["encounter"]).height == 0
    assert len(event_records(tmp_path, types=["gap"], bbox=(5.0, 65.0, 15.0, 75.0))) == 1
    assert event_records(tmp_path, bbox=(170.0, 60.0, -170.0, 70.0)) == []  # across 180°, elsewhere
    with pytest.raises(KeyError):
        read_events(tmp_path, zone="no_such_zone")


def test_the_alert_stream_reads_only_the_files_it_has_not_seen(tmp_path: Path) -> None:
    detector_file(tmp_path, "r1", T + 9 * HOUR)
    seen = {str(p) for p in (tmp_path / "events").rglob("*.parquet")}
    assert event_records(tmp_path, after_files=seen) == []
    other_file(tmp_path)
    assert [r["event_id"] for r in event_records(tmp_path, after_files=seen)] == ["enc-1"]
