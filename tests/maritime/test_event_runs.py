"""Events over the store: a planted scenario found exactly, the CLI, stored runs, and the streaming
engine giving the batch's events on a replayed capture."""

from __future__ import annotations

import io
import itertools
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from veille.core.ais.sources import file_batches
from veille.core.events.batch import Detectors, detect_all
from veille.core.events.stream import StreamEngine
from veille.core.tracks import clean
from veille.maritime.event_files import event_records, read_events
from veille.maritime.event_runs import LiveRun, load_positions, run_events
from veille.maritime.live import WatchStats, watch
from veille.maritime.store import AisStore


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("scenario")
    buf = io.StringIO()
    call_command("ais", "scenario", "--days", "2", "--seed", "11", "--out", str(out), stdout=buf)
    info = json.loads(buf.getvalue())
    manifest = json.loads((out / "manifest.json").read_text())
    return {"out": out, "info": info, "manifest": manifest}


def test_the_scenario_is_synthetic_nmea_through_the_ingest_path(scenario: dict[str, Any]) -> None:
    nmea = (scenario["out"] / "scenario.nmea").read_bytes().splitlines()
    assert all(b"s:synthetic" in line.split(b"!")[0] for line in nmea)
    assert scenario["manifest"]["synthetic"] is True
    assert scenario["info"]["ingest"]["rejected_total"] == 0
    planted = {e["type"] for e in scenario["manifest"]["events"]}
    assert {"gap", "encounter", "loitering", "cable", "zone_entry", "zone_exit"} <= planted


def test_every_planted_event_is_found_and_nothing_else(scenario: dict[str, Any]) -> None:
    buf = io.StringIO()
    call_command(
        "ais", "evaluate", "--out", str(scenario["out"]), "--format", "json", "--require", "1.0", stdout=buf
    )
    result = json.loads(buf.getvalue())
    assert result["missed"] == [] and result["unexpected"] == []
    for kind, r in result["types"].items():
        assert (r["precision"], r["recall"]) == (1.0, 1.0), kind
    assert result["types"]["gap"]["planted"] == 5


def test_evaluate_fails_when_a_planted_event_is_missing(scenario: dict[str, Any], tmp_path: Path) -> None:
    manifest = dict(scenario["manifest"])
    manifest["events"] = [
        *manifest["events"],
        {"type": "gap", "mmsi": 1, "start": manifest["start"], "end": None},
    ]
    fake = tmp_path / "manifest.json"
    fake.write_text(json.dumps(manifest))
    with pytest.raises(CommandError) as err:
        call_command(
            "ais",
            "evaluate",
            "--out",
            str(scenario["out"]),
            "--manifest",
            str(fake),
            "--require",
            "1.0",
            stdout=io.StringIO(),
        )
    assert err.value.returncode == 5


def test_events_command_writes_csv_geojson_and_parquet(scenario: dict[str, Any], tmp_path: Path) -> None:
    store = str(scenario["out"] / "store")
    out = io.StringIO()
    call_command(
        "ais", "events", "--store", store, "--type", "gap", "--dry-run", stdout=out, stderr=io.StringIO()
    )
    rows = pl.read_csv(io.StringIO(out.getvalue()))
    assert rows["type"].unique().to_list() == ["gap"] and rows.height == 5
    assert {"mmsi", "start", "end", "lat", "lon", "params"} <= set(rows.columns)
    out = io.StringIO()
    call_command(
        "ais",
        "events",
        "--store",
        store,
        "--zone",
        "svalbard",
        "--format",
        "geojson",
        "--dry-run",
        stdout=out,
        stderr=io.StringIO(),
    )
    feats = json.loads(out.getvalue())["features"]
    assert feats and all(f["geometry"]["type"] == "Point" for f in feats)
    assert any(f["properties"]["zone"] == "svalbard" for f in feats)
    target = tmp_path / "ev.parquet"
    call_command(
        "ais",
        "events",
        "--store",
        store,
        "--format",
        "parquet",
        "--output",
        str(target),
        "--dry-run",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    assert pl.read_parquet(target).height >= 20


def test_a_later_run_closes_an_open_gap_and_keeps_its_id(scenario: dict[str, Any], tmp_path: Path) -> None:
    store = AisStore(tmp_path / "store")
    nmea = scenario["out"] / "scenario.nmea"
    lines = [line for batch in file_batches(str(nmea)) for line in batch]
    from datetime import datetime

    cut_s = (
        int(datetime.fromisoformat(scenario["manifest"]["start"]).timestamp()) + 34 * 3600
    )  # a 14 h gap is on
    half = next(
        i for i, line in enumerate(lines) if b",c:" in line and int(line.split(b",c:")[1][:10]) >= cut_s
    )
    store.ingest([lines[:half]])
    first = run_events(store)
    store.ingest([lines[half:]])
    cut = first.stamp["until"]
    second = run_events(store, since=datetime.fromisoformat(cut) - timedelta(hours=1))
    stored = read_events(store, types=["gap"])
    opened = first.events.filter(pl.col("type") == "gap", pl.col("is_open"))
    assert opened.height > 0
    closed_ids = set(second.events.filter(pl.col("type") == "gap", ~pl.col("is_open"))["event_id"])
    reclosed = [i for i in opened["event_id"] if i in closed_ids]
    assert reclosed, "no open gap of the first run was closed by the second"
    for event_id in reclosed:
        row = stored.filter(pl.col("event_id") == event_id)
        assert row.height == 1 and row["is_open"][0] is False
    stamp = json.loads((store.root / "events" / "runs" / f"{second.run_id}.json").read_text())
    assert stamp["code_version"] and stamp["inputs"] and all(len(f["sha256"]) == 64 for f in stamp["inputs"])
    assert stamp["parameters"]["gaps"]["min_gap_s"] == 21600


def test_a_replayed_capture_gives_identical_events_streamed_and_in_batch(scenario: dict[str, Any]) -> None:
    store = AisStore(scenario["out"] / "store")
    positions, _ = load_positions(store)
    replay = positions.sort("timestamp", "mmsi")  # arrival order of the capture
    end = scenario["manifest"]["end"]
    from datetime import datetime

    until = datetime.fromisoformat(end)
    cleaned, _ = clean(positions, now=until)
    batch = detect_all(cleaned, detectors=Detectors().with_until(until)).sort("event_id")
    engine = StreamEngine()
    parts = [engine.feed(replay.slice(i, 4000)) for i in range(0, replay.height, 4000)]
    parts.append(engine.close(until))
    streamed = pl.concat(parts).sort("event_id")
    assert streamed.height == batch.height > 15
    assert streamed.equals(batch)
    assert engine.bytes_per_vessel() <= 1024


def test_bad_input_is_counted_in_the_run_summary(tmp_path: Path) -> None:
    from veille.core.ais.encode import encode_message
    from veille.core.ais.messages import PositionReport

    def pos(t: float, lat: float, lon: float) -> list[bytes]:
        msg = PositionReport(1, 0, 257000001, 0, 0, 10.0, True, lon, lat, 90.0, 90, 0, 0, False, 0)
        return encode_message(msg, source="synthetic", time_s=t)

    t0 = 1_767_225_600.0
    lines = [
        *pos(t0 + 600, 70.0, 5.0),
        *pos(t0, 70.0, 4.99),
        *pos(t0, 70.0, 4.99),
        *pos(t0 + 1200, 91.0, 181.0),
        *pos(t0 + 1800, 0.0, 0.0),
        *pos(t0 + 86400 * 400, 70.0, 5.0),
    ]
    store = AisStore(tmp_path)
    store.ingest([lines])
    from datetime import UTC, datetime

    run = run_events(store, now=datetime.fromtimestamp(t0 + 3600, UTC), write=False)
    q = run.summary()["quality"]
    assert q["duplicates"] == 1 and q["out_of_order"] >= 1
    assert q["flagged"] == {"future": 1, "no_position": 1, "null_island": 1}


def test_statistics_per_day_zone_and_flag_highlight_russia_and_china(scenario: dict[str, Any]) -> None:
    out = io.StringIO()
    call_command(
        "ais",
        "events",
        "--store",
        str(scenario["out"] / "store"),
        "--stats",
        "--dry-run",
        stdout=out,
        stderr=io.StringIO(),
    )
    table = pl.read_csv(io.StringIO(out.getvalue()))
    barents = table.filter(pl.col("zone") == "barents_sea")
    assert barents.filter(pl.col("flag_iso3") == "RUS")["highlight"].all()
    assert not barents.filter(pl.col("flag_iso3") == "NOR")["highlight"].any()
    assert (barents["vessel_hours"] >= barents["vessels"]).all()
    everywhere = table.filter(pl.col("zone") == "all")
    assert everywhere["encounter"].sum() == 2  # one encounter, counted for both vessels' flags
    assert everywhere["gap"].sum() == 5


def test_users_add_their_own_zones(scenario: dict[str, Any], tmp_path: Path) -> None:
    box = {
        "type": "Feature",
        "properties": {"id": "my_box", "name": "Around the planted encounter"},
        "geometry": {
            "type": "Polygon",
            "coordinates": [[[36.5, 72.9], [37.5, 72.9], [37.5, 73.1], [36.5, 73.1], [36.5, 72.9]]],
        },
    }
    (tmp_path / "mine.geojson").write_text(json.dumps(box))
    out = io.StringIO()
    call_command(
        "ais",
        "events",
        "--store",
        str(scenario["out"] / "store"),
        "--zones",
        str(tmp_path),
        "--zone",
        "my_box",
        "--type",
        "encounter",
        "--dry-run",
        stdout=out,
        stderr=io.StringIO(),
    )
    rows = pl.read_csv(io.StringIO(out.getvalue()))
    assert rows["type"].to_list() == ["encounter"]


def test_watching_the_capture_gives_the_stored_batch_events(scenario: dict[str, Any]) -> None:
    end = scenario["manifest"]["end"]
    out, err = io.StringIO(), io.StringIO()
    call_command("ais", "watch", str(scenario["out"] / "scenario.nmea"), "--end", end, stdout=out, stderr=err)
    live = sorted((json.loads(line) for line in out.getvalue().splitlines()), key=lambda e: e["event_id"])
    summary = json.loads(err.getvalue())
    assert summary["late_or_duplicate"] == 0 and summary["bytes_per_vessel"] <= 1024
    # the live path's own column: when the lines completing each event were read (none for the
    # events reported when the input ends, e.g. those still open, which no sentence completed)
    received = [e.pop("received_at") for e in live]
    assert all(e.pop("synthetic") for e in live)  # the scenario's sentences are tagged s:synthetic
    assert all(r is None for r, e in zip(received, live, strict=True) if e["is_open"])
    assert sum(r is not None for r in received) > len(received) / 2
    from datetime import datetime

    batch = run_events(
        AisStore(scenario["out"] / "store"), until=datetime.fromisoformat(end), write=False
    ).events
    batch = batch.filter(pl.col("type") != "identity_change").sort(
        "event_id"
    )  # the registry's, not the feed's
    expected = [
        {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in row.items()}
        for row in batch.to_dicts()
    ]
    assert live == expected


def test_a_saved_watch_stores_each_event_where_the_arctic_picture_reads_it(
    scenario: dict[str, Any], tmp_path: Any
) -> None:
    store = tmp_path / "live-store"
    end = scenario["manifest"]["end"]
    out, err = io.StringIO(), io.StringIO()
    started = datetime.now(UTC)
    call_command(
        "ais",
        "watch",
        str(scenario["out"] / "scenario.nmea"),
        "--end",
        end,
        "--save",
        "--store",
        str(store),
        stdout=out,
        stderr=err,
    )
    finished = datetime.now(UTC)
    printed = {json.loads(line)["event_id"] for line in out.getvalue().splitlines()}
    runs = list((store / "events").glob("run=live-*"))
    assert len(runs) == 1 and not list(runs[0].glob(".*.tmp"))
    stored = pl.concat([pl.read_parquet(p) for p in sorted(runs[0].glob("events-*.parquet"))])
    assert set(stored["event_id"].to_list()) == printed and stored["run_id"].n_unique() == 1
    # each stored event keeps when the lines that completed it were read, during this command
    assert stored.schema["received_at"] == pl.Datetime("us", "UTC")
    done = stored.filter(pl.col("received_at").is_not_null())
    assert done.height > stored.height / 2 and not done["is_open"].any()
    assert started <= done["received_at"].min() <= done["received_at"].max() <= finished
    stamp = json.loads(next((store / "events" / "runs").glob("live-*.json")).read_text())
    assert stamp["mode"] == "live" and stamp["events"] == len(printed) and "finished_at" in stamp
    assert started.timestamp() <= stamp["stats"]["first_read_s"] <= stamp["stats"]["last_read_s"]
    seen = event_records(store)
    assert len(seen) >= len(printed) > 0
    # and the Arctic picture's events (alerts' detail) carry it too
    assert all("received_at" in e["detail"] for e in seen)


def test_each_live_event_is_stamped_with_the_read_time_of_the_batch_that_completed_it(
    scenario: dict[str, Any], tmp_path: Path
) -> None:
    lines = (scenario["out"] / "scenario.nmea").read_bytes().splitlines()
    fed: list[int] = []  # index of each batch handed to watch, in order

    def batches() -> Any:
        for k, i in enumerate(range(0, len(lines), 700)):
            yield []  # a read that timed out (a quiet feed): nothing was read
            fed.append(k)
            yield lines[i : i + 700]

    ticks = itertools.count()
    base = 1_800_000_000.0  # the watch's clock: read k-th batch at base + k seconds
    end = datetime.fromisoformat(scenario["manifest"]["end"])
    got = []
    stats = WatchStats()
    for events in watch(batches(), until=end, clock=lambda: base + next(ticks), stats=stats):
        got.append((len(fed), events))
    assert len(got) > 5
    assert (stats.first_read_s, stats.last_read_s) == (base, base + len(fed) - 1)
    *during, (after_end, at_close) = got
    for n_fed, events in during:  # completed by the batch just read: its read time, to the microsecond
        expected = datetime.fromtimestamp(base + n_fed - 1, UTC)
        assert events["received_at"].to_list() == [expected] * events.height
        assert not events["is_open"].any()
    assert after_end == len(fed) and at_close["received_at"].null_count() == at_close.height
    assert all(events["synthetic"].all() for _, events in got)  # every sentence is tagged s:synthetic
    # LiveRun stores the column as given
    saver = LiveRun(AisStore(tmp_path / "store"), Detectors(), "test")
    path = saver.save(during[0][1])
    assert pl.read_parquet(path)["received_at"].to_list() == during[0][1]["received_at"].to_list()


def _untagged(line: bytes) -> bytes:
    """The same line, its tag block without the source (``s:``), its checksum computed again."""
    if not line.startswith(b"\\"):
        return line
    end = line.index(b"\\", 1)
    tag = b",".join(f for f in line[1:end].split(b"*")[0].split(b",") if not f.startswith(b"s:"))
    checksum = 0
    for byte in tag:
        checksum ^= byte
    return b"\\" + tag + b"*%02X" % checksum + line[end:]


def test_live_events_say_whether_their_vessels_sentences_were_tagged_synthetic(
    scenario: dict[str, Any],
) -> None:
    lines = (scenario["out"] / "scenario.nmea").read_bytes().splitlines()
    assert b"s:synthetic" in lines[0] and b"s:" not in _untagged(lines[0])
    plain = [_untagged(line) for line in lines]
    end = datetime.fromisoformat(scenario["manifest"]["end"])
    # every read fed on its own (every_s=0): how reads group must not depend on the wall clock
    tagged = pl.concat(watch([lines[i : i + 5000] for i in range(0, len(lines), 5000)], until=end, every_s=0))
    untagged = pl.concat(
        watch([plain[i : i + 5000] for i in range(0, len(plain), 5000)], until=end, every_s=0)
    )
    assert tagged["synthetic"].all() and tagged.height > 10
    assert not untagged["synthetic"].any()
    key = ["event_id"]
    assert (
        tagged.drop("synthetic", "received_at")
        .sort(key)
        .equals(untagged.drop("synthetic", "received_at").sort(key))
    )


def test_reads_closer_than_every_s_are_fed_together_and_give_the_same_events(
    scenario: dict[str, Any],
) -> None:
    lines = (scenario["out"] / "scenario.nmea").read_bytes().splitlines()
    reads = [lines[i : i + 40] for i in range(0, len(lines), 40)]
    end = datetime.fromisoformat(scenario["manifest"]["end"])
    ticks = itertools.count()

    def clock() -> float:
        return 1_800_000_000 + next(ticks) / 64  # a read every 1/64 s (exact in binary)

    grouped_stats, single_stats = WatchStats(), WatchStats()
    grouped = pl.concat(watch(reads, until=end, clock=clock, every_s=0.125, stats=grouped_stats))
    single = pl.concat(watch(reads, until=end, every_s=0, stats=single_stats))
    assert grouped.height > 10
    key = ["event_id"]
    assert grouped.drop("received_at").sort(key).equals(single.drop("received_at").sort(key))
    times = ("first_read_s", "last_read_s")
    assert {k: v for k, v in grouped_stats.as_dict().items() if k not in times} == {
        k: v for k, v in single_stats.as_dict().items() if k not in times
    }
    # read 0 is fed at once; then reads 1-8, 9-16, ... go together (read 8 is the first read 1/8 s
    # after read 0): an event's received_at is the read time of its group's first read, 1 + 8k
    done = grouped.filter(pl.col("received_at").is_not_null())
    reads_at = {round((t.timestamp() - 1_800_000_000) * 64) for t in done["received_at"].to_list()}
    assert done.height > 10 and len(reads_at) > 5
    assert all(k % 8 == 1 for k in reads_at), sorted(reads_at)


def test_a_batch_run_stores_whether_each_event_is_synthetic(tmp_path: Path) -> None:
    """As a live run's events do: the Arctic picture then takes each at its word, and reads no
    positions file (here one that cannot be read at all)."""
    from veille.core.ais.encode import encode_message
    from veille.core.ais.messages import PositionReport

    def pos(mmsi: int, t: float, source: str | None) -> list[bytes]:
        msg = PositionReport(1, 0, mmsi, 0, 0, 10.0, True, 5.0, 70.0, 90.0, 90, 0, 0, False, 0)
        return encode_message(msg, source=source, time_s=t)

    t0 = 1_767_225_600.0
    gap_s = 8 * 3600  # longer than the gap detector's 6 h
    lines = [
        line
        for mmsi, source in ((257000001, "synthetic"), (257000002, None), (257000003, "rx-bodo"))
        for t in (t0, t0 + 600, t0 + 600 + gap_s, t0 + 1200 + gap_s)
        for line in pos(mmsi, t, source)
    ]
    store = AisStore(tmp_path)
    store.ingest([lines])
    from datetime import UTC, datetime

    run = run_events(store, now=datetime.fromtimestamp(t0 + 2 * gap_s, UTC))
    stored = pl.read_parquet(store.root / "events" / f"run={run.run_id}" / "events.parquet")
    gaps = dict(stored.filter(pl.col("type") == "gap").select("mmsi", "synthetic").iter_rows())
    assert gaps == {257000001: True, 257000002: False, 257000003: False}
    day = next((store.root / "positions").glob("day=*"))
    (day / "part-broken.parquet").write_bytes(b"not a parquet file")
    seen = {e["mmsi"]: e["synthetic"] for e in event_records(store.root) if e["type"] == "gap"}
    assert seen == gaps
