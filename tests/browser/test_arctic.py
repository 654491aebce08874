"""The Arctic picture in Chromium: the polar map draws its layers, layers toggle, the time slider
replays the picture, an event written to the store reaches the open page as an alert."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.conf import settings as django_settings

from tests.browser.conftest import Watched
from veille.arctic import services
from veille.arctic.services import do_add_rule, do_import_activities
from veille.core.ais.synth import generate
from veille.kit.importers import no_progress
from veille.maritime.event_files import event_records
from veille.maritime.store import AisStore
from veille.nations.access import Actor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
STARTER = Path(__file__).resolve().parents[2] / "data" / "arctic" / "activities_2026.csv"
MID_MARCH = 1_773_576_000_000  # 2026-03-15T12:00Z in ms
EARLY_JANUARY = 1_768_046_400_000  # 2026-01-10T12:00Z


@pytest.fixture
def loaded(users: Any, settings: Any, tmp_path: Path) -> Path:
    do_import_activities(Actor.system_process("tests"), STARTER, no_progress)
    settings.AIS_STORE = tmp_path / "ais"
    AisStore(settings.AIS_STORE).ingest([list(generate(seed=7, vessels=25, messages=1500))])
    return Path(settings.AIS_STORE)


def drawn(w: Watched) -> dict[str, int]:
    return json.loads(w.page.locator("#arctic-map").get_attribute("data-drawn") or "{}")


def wait_drawn(w: Watched, layer: str, predicate: Callable[[int], bool]) -> dict[str, int]:
    for _ in range(100):
        counts = drawn(w)
        if layer in counts and predicate(counts[layer]):
            return counts
        w.page.wait_for_timeout(100)
    raise AssertionError(f"{layer}: {drawn(w)}")


def set_time(w: Watched, ms: int) -> None:
    w.page.eval_on_selector(
        "#arctic-time",
        "(el, v) => { el.value = String(v); el.dispatchEvent(new Event('input'));"
        " el.dispatchEvent(new Event('change')); }",
        ms,
    )


def test_the_map_draws_its_layers_and_the_slider_replays_them(
    open_page: Callable[..., Watched], live_server: Any, loaded: Path
) -> None:
    w = open_page("alice")
    w.page.goto(live_server.url + "/arctic/")
    w.page.wait_for_selector("#arctic-map[data-rendered=true]", timeout=15000)
    counts = wait_drawn(w, "vessels", lambda n: n == 25)
    assert counts["countries"] > 20 and counts["zones"] == len(
        list((django_settings.DATA_DIR / "zones").glob("*.geojson"))
    )
    # drawn, not blank: SVG paths for land and symbols for vessels exist in the map
    assert w.page.locator("#arctic-map svg g.m_countries path").count() > 20
    assert w.page.locator("#arctic-map svg g.m_vessels path").count() == 25
    # the Arctic Circle is a disc around the pole, not a line from the pole along 180° (nor the globe)
    box = "els => els.map(e => { const b = e.getBBox(); return [b.width, b.height]; })"
    cap = max(w.page.eval_on_selector_all("#arctic-map svg g.m_zones path", box))
    (land,) = w.page.eval_on_selector_all("#arctic-map svg g.m_countries", box)
    assert 0.95 < cap[0] / cap[1] < 1.05 and 0.3 < cap[0] / land[0] < 0.6, (cap, land)
    assert w.page.locator("#synthetic-note").is_visible()  # the generated traffic is labelled
    set_time(w, MID_MARCH)
    wait_drawn(w, "activities", lambda n: n == 5)
    assert w.page.locator("#arctic-map svg g.m_activities path").count() == 5
    w.screenshot("arctic-map")
    set_time(w, EARLY_JANUARY)
    wait_drawn(w, "activities", lambda n: n == 1)
    assert "2026-01-10 12:00 UTC" in w.page.locator("#arctic-time-out").inner_text()
    # layers toggle
    w.page.get_by_label("Allied activities").uncheck()
    wait_drawn(w, "activities", lambda n: n == 0)
    w.page.get_by_label("Vessels (latest positions)").uncheck()
    wait_drawn(w, "vessels", lambda n: n == 0)
    assert not w.page.locator("#cable-notice").is_visible()
    w.page.get_by_label("Cables and landing points").check()
    wait_drawn(w, "cables", lambda n: n > 5)
    assert "CC BY-NC-SA" in w.page.locator("#cable-notice").inner_text()
    # clicking a feature shows its details and sources
    w.page.get_by_label("Allied activities").check()
    set_time(w, MID_MARCH)
    wait_drawn(w, "activities", lambda n: n == 5)
    w.page.locator("#arctic-map svg g.m_activities path").first.click(force=True)
    w.page.wait_for_selector("#arctic-details h3")
    assert w.page.locator("#arctic-details ol li a").count() >= 1
    assert w.page.locator("#arctic-timeline[data-rendered=true] svg g.bars path").count() == 7
    w.screenshot("arctic-map-details")
    w.assert_clean()


def test_an_event_written_to_the_store_reaches_the_open_page_as_an_alert(
    open_page: Callable[..., Watched], live_server: Any, loaded: Path, users: Any
) -> None:
    do_add_rule(Actor.for_user(users["pawel"]), zone="barents_sea", flag="FOREIGN", event_type="encounter")
    w = open_page("pawel")
    w.page.goto(live_server.url + "/arctic/")
    w.page.wait_for_selector("#arctic-alerts[data-connected=true]", timeout=15000)
    folder = loaded / "events"
    folder.mkdir(parents=True, exist_ok=True)
    pl.DataFrame(
        {
            "event_id": ["e-browser-1"],
            "type": ["encounter"],
            "mmsi": [273100001],
            "mmsi2": [412100002],
            "start": [dt.datetime(2026, 3, 1, 6, tzinfo=dt.UTC)],
            "lat": [74.0],
            "lon": [35.0],
        }
    ).with_columns(pl.col("start").cast(pl.Datetime("us", "UTC"))).write_parquet(
        folder / "events-live.parquet"
    )
    # listed without a reload (how fast is measured by bench/arctic.py, not here)
    w.page.wait_for_selector("#alert-list li[data-alert]", timeout=30000)
    item = w.page.locator("#alert-list li").first
    # the event type and the zone by their names (the rule's zone: the event file names none)
    assert "Encounter" in item.inner_text() and "RUS" in item.inner_text()
    assert "Barents Sea" in item.inner_text() and "barents_sea" not in item.inner_text()
    assert w.page.locator("#alert-count").inner_text() == "1"
    w.screenshot("arctic-alert")
    item.get_by_role("button", name="Acknowledge").click()
    w.page.wait_for_selector("#alert-list li.acknowledged")
    assert w.page.locator("#alert-count").inner_text() == "0"
    w.assert_clean()


def test_a_replayed_capture_read_live_raises_an_alert_on_the_open_page(
    open_page: Callable[..., Watched], live_server: Any, loaded: Path, users: Any, tmp_path: Path
) -> None:
    """`veille ais replay` serves a small seeded scenario (planted events, tagged synthetic) on
    127.0.0.1; `veille ais watch tcp://… --save` detects its events as they complete and stores
    them; the open page lists the alerts they raise."""
    import os
    import subprocess
    import sys

    from veille.core.events.scenario import generate as scenario

    capture = tmp_path / "scenario.nmea"
    capture.write_bytes(b"".join(line + b"\r\n" for line in scenario(days=2, seed=5, background=0).lines()))
    do_add_rule(Actor.for_user(users["pawel"]))  # any zone, flag and event type
    w = open_page("pawel")
    w.page.goto(live_server.url + "/arctic/")
    w.page.wait_for_selector("#arctic-alerts[data-connected=true]", timeout=15000)
    veille = str(Path(sys.executable).parent / "veille")
    # the commands run as they do outside the tests (pytest's variables would load the test apps)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_SETTINGS"))}
    env["VEILLE_AIS_STORE"] = str(loaded)
    replay = subprocess.Popen(
        [veille, "ais", "replay", str(capture), "--port", "0"], env=env, stderr=subprocess.PIPE
    )
    watch = None
    try:
        assert replay.stderr is not None
        port = replay.stderr.readline().decode().rsplit(":", 1)[1].strip()  # "serving … on 127.0.0.1:PORT"
        watch = subprocess.Popen(
            [
                veille,
                "ais",
                "watch",
                f"tcp://127.0.0.1:{port}",
                "--save",
                "--store",
                str(loaded),
                "--until",
                "90s",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        w.page.wait_for_selector("#alert-list li[data-alert]", timeout=60000)
    finally:
        for proc in (watch, replay):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=10)
    assert list(loaded.glob("events/run=live-*/*.parquet"))  # stored by the live detectors
    assert int(w.page.locator("#alert-count").inner_text()) >= 1
    w.screenshot("arctic-live-alert")
    w.assert_clean()


def write_events(store: Path, name: str, rows: list[dict[str, Any]]) -> None:
    """An event file in the store, as the detectors write them (the columns the page reads; each
    event says it is not synthetic, so no positions file is read for it)."""
    folder = store / "events"
    folder.mkdir(parents=True, exist_ok=True)
    columns = ("event_id", "type", "mmsi", "mmsi2", "start", "end", "lat", "lon", "synthetic")
    data = {c: [r.get(c, False if c == "synthetic" else None) for r in rows] for c in columns}
    schema = {
        "event_id": pl.String,
        "type": pl.String,
        "mmsi": pl.Int64,
        "mmsi2": pl.Int64,
        "start": pl.Datetime("us", "UTC"),
        "end": pl.Datetime("us", "UTC"),
        "lat": pl.Float64,
        "lon": pl.Float64,
        "synthetic": pl.Boolean,
    }
    pl.DataFrame(data, schema=schema).write_parquet(folder / name)


def test_the_timeline_keeps_the_page_width_whatever_the_events_span(
    open_page: Callable[..., Watched], live_server: Any, loaded: Path
) -> None:
    """Gaps that began in 2010 (one closed within the slider's range, one closed long before) are
    drawn at the range's edge or not at all: the chart is not widened to reach 2010."""
    utc = dt.UTC
    write_events(
        loaded,
        "events-old-gaps.parquet",
        [
            {
                "event_id": "gap-2010-open-long",
                "type": "gap",
                "mmsi": 273100001,
                "start": dt.datetime(2010, 3, 1, tzinfo=utc),
                "end": dt.datetime(2026, 1, 1, 0, 5, tzinfo=utc),
                "lat": 74.0,
                "lon": 35.0,
            },
            {
                "event_id": "gap-2010-closed",
                "type": "gap",
                "mmsi": 273100002,
                "start": dt.datetime(2010, 3, 1, tzinfo=utc),
                "end": dt.datetime(2010, 4, 1, tzinfo=utc),
                "lat": 74.5,
                "lon": 36.0,
            },
        ],
    )
    w = open_page("alice")
    w.page.goto(live_server.url + "/arctic/")
    w.page.wait_for_selector("#arctic-timeline[data-rendered=true] svg g.marks path", timeout=15000)
    size = w.page.eval_on_selector(
        "#arctic-timeline",
        "el => { const s = el.querySelector('svg'); const b = s.getBoundingClientRect();"
        " return {box: el.clientWidth, width: Number(s.getAttribute('width')),"
        " shown: b.width, height: b.height}; }",
    )
    # the chart's own width fits the page (it was ~15,700 px), so it is not shrunk to a sliver
    assert size["width"] <= size["box"] + 1, size
    assert size["shown"] == pytest.approx(size["width"], abs=1) and size["height"] > 150, size
    # one event mark (the gap that ends in the range), drawn inside the plot, at its left edge
    marks = w.page.eval_on_selector_all(
        "#arctic-timeline svg g.marks path",
        "els => els.map(e => { const b = e.getBoundingClientRect(); return [b.left, b.right]; })",
    )
    bars = w.page.eval_on_selector_all(
        "#arctic-timeline svg g.bars path",
        "els => els.map(e => { const b = e.getBoundingClientRect(); return [b.left, b.right]; })",
    )
    assert len(marks) == 1, marks
    left = min(b[0] for b in bars)
    assert abs((marks[0][0] + marks[0][1]) / 2 - left) < 8, (marks, left)
    w.assert_clean()


def test_the_page_shows_as_many_vessels_as_the_api_for_the_same_window(
    open_page: Callable[..., Watched], live_server: Any, loaded: Path
) -> None:
    """The store's last position carries milliseconds (and microseconds): the slider opens on it and
    the page asks for a window that still holds it."""
    lines = list(generate(seed=11, vessels=1, messages=1))
    untagged = [line.rsplit(b"\\", 1)[1] for line in lines]  # no tag block: stamped with the clock
    summary = AisStore(loaded).ingest([untagged], clock=lambda: 1_767_226_636.181234)  # 00:17:16.181234Z
    assert summary.positions == 1
    w = open_page("alice")
    api = w.page.request.get(live_server.url + "/api/v1/arctic/layers/vessels").json()
    assert len(api["features"]) == 26
    w.page.goto(live_server.url + "/arctic/")
    w.page.wait_for_selector("#arctic-map[data-rendered=true]", timeout=15000)
    counts = wait_drawn(w, "vessels", lambda n: n > 0)
    w.page.wait_for_timeout(300)
    assert drawn(w)["vessels"] == len(api["features"]), counts
    assert "26 vessels" in w.page.locator("#map-status").inner_text()
    assert w.page.locator("#arctic-map svg g.m_vessels path").count() == 26
    w.assert_clean()


def test_a_vessel_whose_sentence_carries_no_time_says_so_and_names_its_source(
    open_page: Callable[..., Watched], live_server: Any, loaded: Path
) -> None:
    """Its time is when it was received (or a capture loaded): not to be taken for its own."""
    lines = list(generate(seed=11, vessels=1, messages=1))
    untagged = [line.rsplit(b"\\", 1)[1] for line in lines]  # no tag block: stamped with the clock
    AisStore(loaded).ingest([untagged], clock=lambda: 1_767_226_636.0, source="capture.nmea")
    w = open_page("alice")
    api = w.page.request.get(live_server.url + "/api/v1/arctic/layers/vessels").json()["features"]
    basis = [f["properties"]["time_basis"] for f in api]
    assert basis.count("reception") == 1 and basis.count("sentence") == len(api) - 1
    w.page.goto(live_server.url + "/arctic/")
    w.page.wait_for_selector("#arctic-map[data-rendered=true]", timeout=15000)
    wait_drawn(w, "vessels", lambda n: n == len(api))
    for k, kind in ((basis.index("reception"), "reception"), (basis.index("sentence"), "sentence")):
        w.page.locator("#arctic-map svg g.m_vessels path").nth(k).click(force=True)
        w.page.wait_for_function(
            "mmsi => document.querySelector('#arctic-details h3') && "
            "document.querySelector('#arctic-details').textContent.includes(String(mmsi))",
            arg=api[k]["properties"]["mmsi"],
        )
        details = w.page.locator("#arctic-details").inner_text()
        assert ("the sentence carries no time" in details) == (kind == "reception"), details
        assert ("AIS: capture.nmea" in details) == (kind == "reception"), details
    w.assert_clean()


def test_clicking_a_timeline_bar_shows_the_activity(
    open_page: Callable[..., Watched], live_server: Any, loaded: Path
) -> None:
    w = open_page("alice")
    w.page.goto(live_server.url + "/arctic/")
    w.page.wait_for_selector("#arctic-timeline[data-rendered=true] svg g.bars path", timeout=15000)
    rows = json.loads(w.page.locator("#arctic-timeline-data").text_content() or "[]")
    bar = w.page.locator("#arctic-timeline svg g.bars path").first
    bar.click(force=True)
    w.page.wait_for_selector("#arctic-details h3", timeout=5000)
    title = w.page.locator("#arctic-details h3").inner_text()
    (row,) = [r for r in rows if r["name"] == title]
    window = w.page.locator("#arctic-details dd").nth(2).inner_text()
    assert window.startswith(row["start"]), (window, row)
    link = w.page.locator("#arctic-details p a").get_attribute("href")
    assert link == f"/arctic/activities/{row['id']}/"
    w.assert_clean()


def test_every_pending_alert_is_drawn_on_the_map(
    open_page: Callable[..., Watched], live_server: Any, loaded: Path, users: Any
) -> None:
    """Two open alerts reach a fresh page together, while the map still loads its layers: both are
    listed and both are drawn (Vega kept only the second change to the alerts dataset)."""
    pawel = users["pawel"]
    do_add_rule(Actor.for_user(pawel), zone="barents_sea", flag="FOREIGN", event_type="encounter")
    start = dt.datetime(2026, 1, 1, 0, 2, tzinfo=dt.UTC)
    write_events(
        loaded,
        "events-two.parquet",
        [
            {"event_id": f"e-two-{k}", "type": "encounter", "mmsi": 273100001 + k, "mmsi2": 412100002,
             "start": start, "lat": 74.0 + k, "lon": 35.0 + k}
            for k in range(2)
        ],
    )  # fmt: skip
    assert services.do_raise_alerts(services.ALERT_STREAM, pawel, event_records(loaded)) == 2
    w = open_page("pawel")
    w.page.goto(live_server.url + "/arctic/")
    w.page.locator("#alert-list li[data-alert]").nth(1).wait_for(timeout=15000)  # both listed
    w.page.wait_for_selector("#arctic-map[data-rendered=true]", timeout=15000)
    for _ in range(50):
        if w.page.locator("#arctic-map svg g.m_alerts path").count() == 2:
            break
        w.page.wait_for_timeout(100)
    assert w.page.locator("#arctic-map svg g.m_alerts path").count() == 2
    w.assert_clean()


def test_a_note_says_when_the_slider_is_outside_the_observed_traffic(
    open_page: Callable[..., Watched], live_server: Any, loaded: Path
) -> None:
    w = open_page("alice", locale="fr-FR")
    w.page.goto(live_server.url + "/arctic/")
    w.page.wait_for_selector("#arctic-map[data-rendered=true]", timeout=15000)
    wait_drawn(w, "vessels", lambda n: n == 25)
    note = w.page.locator("#no-traffic-note")
    assert note.count() == 1 and not note.is_visible()
    set_time(w, MID_MARCH)  # months after the store's positions
    wait_drawn(w, "vessels", lambda n: n == 0)
    note.wait_for(state="visible", timeout=5000)
    assert "Aucun trafic observé" in note.inner_text()
    # with the layer off, nothing is missing: no note
    w.page.locator("#arctic-layers input[value=vessels]").uncheck()
    note.wait_for(state="hidden", timeout=5000)
    w.page.locator("#arctic-layers input[value=vessels]").check()
    note.wait_for(state="visible", timeout=5000)
    set_time(w, int(w.page.locator("#arctic-time").get_attribute("value") or "0"))  # the last position
    wait_drawn(w, "vessels", lambda n: n == 25)
    note.wait_for(state="hidden", timeout=5000)
    w.assert_clean()


def zone_events(store: Path) -> None:
    """A Russian-flag zone entry in the Barents Sea, as the zone detector writes it (with its zone)."""
    folder = store / "events"
    folder.mkdir(parents=True, exist_ok=True)
    pl.DataFrame(
        {
            "event_id": ["zone-entry-1"],
            "type": ["zone_entry"],
            "mmsi": [273100001],
            "start": [dt.datetime(2026, 1, 1, 0, 2, tzinfo=dt.UTC)],
            "end": [dt.datetime(2026, 1, 1, 0, 40, tzinfo=dt.UTC)],
            "lat": [74.0],
            "lon": [35.0],
            "zone": ["barents_sea"],
            "synthetic": [False],
        },
        schema={
            "event_id": pl.String,
            "type": pl.String,
            "mmsi": pl.Int64,
            "start": pl.Datetime("us", "UTC"),
            "end": pl.Datetime("us", "UTC"),
            "lat": pl.Float64,
            "lon": pl.Float64,
            "zone": pl.String,
            "synthetic": pl.Boolean,
        },
    ).write_parquet(folder / "events-zone.parquet")


def details(w: Watched) -> dict[str, str]:
    return w.page.eval_on_selector(
        "#arctic-details",
        "el => Object.fromEntries([...el.querySelectorAll('dt')].map(dt =>"
        " [dt.textContent, dt.nextElementSibling.textContent]))",
    )


def test_an_event_mark_on_the_timeline_shows_the_event_by_its_names(
    open_page: Callable[..., Watched], live_server: Any, loaded: Path
) -> None:
    """Clicking an event on the timeline shows its details as the map does: its type and zone by
    their names, the flag once."""
    zone_events(loaded)
    for locale, title, zone in (
        ("en-GB", "Event: Zone entry", "Barents Sea"),
        ("fr-FR", "Événement: Entrée en zone", "Mer de Barents"),  # the shipped zones are named in French
    ):
        w = open_page("alice", locale=locale)
        w.page.goto(live_server.url + "/arctic/")
        w.page.wait_for_selector("#arctic-timeline[data-rendered=true] svg g.marks path", timeout=15000)
        w.page.locator("#arctic-timeline svg g.marks path").first.click(force=True)
        w.page.wait_for_selector("#arctic-details h3", timeout=5000)
        assert w.page.locator("#arctic-details h3").inner_text() == title
        shown = details(w)
        assert zone in shown.values() and "barents_sea" not in shown.values(), shown
        assert "RUS" in shown.values() and "RUS (RUS)" not in shown.values(), shown
        # the same event clicked on the map gives the same details
        w.page.locator("#arctic-details h3").evaluate("el => el.remove()")
        set_time(w, 1_767_229_200_000)  # 2026-01-01T01:00Z, within the day after the event
        wait_drawn(w, "events", lambda n: n == 1)
        w.page.locator("#arctic-map svg g.m_events path").first.click(force=True)
        w.page.wait_for_selector("#arctic-details h3", timeout=5000)
        assert w.page.locator("#arctic-details h3").inner_text() == title
        assert details(w) == shown
        w.assert_clean()


def test_a_vessel_shows_its_flag_once_and_its_group_when_it_says_more(
    open_page: Callable[..., Watched], live_server: Any, loaded: Path
) -> None:
    w = open_page("alice")
    api = w.page.request.get(live_server.url + "/api/v1/arctic/layers/vessels").json()["features"]
    props = [f["properties"] for f in api]
    same = next(k for k, p in enumerate(props) if p["group"] == p["flag"])  # RUS or CHN
    other = next(k for k, p in enumerate(props) if p["flag"] and p["group"] in ("ALLY", "OTHER"))
    w.page.goto(live_server.url + "/arctic/")
    w.page.wait_for_selector("#arctic-map[data-rendered=true]", timeout=15000)
    wait_drawn(w, "vessels", lambda n: n == len(api))
    for k, expected in (
        (same, props[same]["flag"]),
        (other, props[other]["flag"] + (" (allied)" if props[other]["group"] == "ALLY" else " (other)")),
    ):
        w.page.locator("#arctic-map svg g.m_vessels path").nth(k).click(force=True)
        w.page.wait_for_function(
            "mmsi => document.querySelector('#arctic-details').textContent.includes(String(mmsi))",
            arg=props[k]["mmsi"],
        )
        assert details(w)["Flag"] == expected, (details(w), props[k])
    w.assert_clean()
