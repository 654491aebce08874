"""``veille demo`` makes the picture alive: real captures, a seeded synthetic scenario and the
detectors' events in the AIS store; a second run changes nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from tests.arctic.conftest import ROOT
from veille.arctic.demo import STAMP, load_ais


def _files(root: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in root.rglob("*")
        if p.is_file()
    }


def test_the_demo_loads_vessels_tracks_and_events_once(picture: dict[str, Path], client_as: Any) -> None:
    (picture["data"] / "ais").symlink_to(ROOT / "data" / "ais")
    store = picture["store"]
    said = load_ais(store, now=dt.datetime(2026, 3, 10, 18, tzinfo=dt.UTC), days=2, background=4)
    assert "5 captures" in said and "planted events" in said
    vessels = client_as("pawel").get("/arctic/layers/vessels.geojson").json()
    synthetic = [f for f in vessels["features"] if f["properties"]["synthetic"]]
    assert synthetic and vessels["meta"]["until"].startswith("2026-03-10")  # the scenario ends on the day
    assert client_as("pawel").get("/arctic/layers/tracks.geojson").json()["features"]
    events = client_as("pawel").get("/arctic/layers/events.geojson?since=2026-03-01T00:00:00Z").json()
    assert {"gap", "encounter"} <= {f["properties"]["event_type"] for f in events["features"]}
    assert all(
        f["properties"]["synthetic"] for f in events["features"] if f["properties"]["start"] >= "2026-03"
    )
    # no open gap from the 2010 capture's vessels, 16 years silent when the scenario ends
    assert min(f["properties"]["start"] for f in events["features"]) >= "2026-02"
    captured = (
        client_as("pawel")
        .get("/arctic/layers/vessels.geojson?since=2010-06-01T00:00:00Z&until=2010-06-12T00:00:00Z")
        .json()["features"]
    )
    assert captured  # the real DMA capture of 2010, with its own times, and its file as source
    dma = "dma_aislib_stream_example_2010-06-11.nmea"
    assert {(f["properties"]["source"], f["properties"]["time_basis"]) for f in captured} == {
        (dma, "sentence")
    }
    # the other captures' sentences carry no time: stamped on loading, and said so
    untimed = [f["properties"] for f in vessels["features"] if not f["properties"]["synthetic"]]
    assert untimed and all(p["time_basis"] == "reception" for p in untimed)
    assert {p["source"] for p in untimed} <= {p.name for p in (ROOT / "data" / "ais").glob("*.*")}
    before = _files(store)
    assert load_ais(store, now=dt.datetime(2026, 3, 11, tzinfo=dt.UTC), days=2, background=4).startswith(
        "unchanged"
    )
    assert _files(store) == before and STAMP in before


def test_the_demo_feed_replays_a_scenario_through_the_live_readers(
    picture: dict[str, Path], users: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Real processes: two ``veille ais replay`` serve a fresh seeded scenario, ``ingest tcp://``
    stores its positions and ``watch tcp:// --save`` its events, where open pages' streams read
    them; the demo users with a membership have a rule that turns them into alerts."""
    from veille.arctic.demo import DEMO_RULE, run_feed, seed_alert_rules
    from veille.arctic.models import AlertRule
    from veille.maritime.event_files import event_records
    from veille.maritime.readers import live_state, reader_states
    from veille.maritime.store import AisStore

    monkeypatch.setenv("PYTHONPATH", str(ROOT))  # the test run's settings name the tests' own apps
    assert seed_alert_rules().startswith("5 added") and seed_alert_rules().startswith("0 added")
    ruled = sorted(AlertRule.objects.values_list("user__username", "flag"))
    assert ruled == sorted((u, DEMO_RULE["flag"]) for u in ("alice", "nora", "pawel", "olga", "sam"))
    store = picture["store"]
    now = dt.datetime(2026, 3, 10, 18, tzinfo=dt.UTC)
    said = run_feed(store, now=now, days=2, background=2, speed=2 * 86400 / 4, margin_s=8)
    assert said["exit_codes"] == [0, 0, 0, 0] and said["lines"] > 1000, said
    # both live readers said they were reading, and that they stopped: the picture is not live now
    readers = reader_states(store)
    assert sorted(r["kind"] for r in readers) == ["ingest", "watch"]
    assert all(r["finished_at"] for r in readers) and any(r["sentences"] for r in readers), readers
    assert not live_state(store)["live"] and live_state(store)["last_sentence_at"]
    synthetic = AisStore(store).query("SELECT count(*) FROM positions WHERE source = 'synthetic'")
    assert said["positions"] == synthetic.fetchall()[0][0] > 0
    live = [e for e in event_records(store) if e["detail"].get("run_id", "").startswith("live-")]
    assert len(live) == said["events"] > 0 and all(e["synthetic"] for e in live)
    assert said["seed"] == 100 and (store / "demo-feed" / "feed-100.json").is_file()


def test_the_looped_demo_feed_replays_a_fresh_scenario_each_time_one_ends(
    picture: dict[str, Path], users: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``veille demo --feed --loop``: the feeds follow each other, each with the next seed."""
    from veille.arctic.demo import run_feeds

    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    store = picture["store"]
    feeds = run_feeds(store, 2, days=2, background=1, speed=2 * 86400 / 3, margin_s=6)
    said = list(feeds)
    assert [f["seed"] for f in said] == [100, 101]
    assert all(f["exit_codes"] == [0, 0, 0, 0] and f["lines"] > 0 for f in said), said
