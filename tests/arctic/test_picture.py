"""Every read path of the picture honours releasability; deconfliction, coverage, events, alerts."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from typing import Any

import duckdb
import pytest

from tests.arctic.conftest import square, utc
from veille.arctic import alerts as alert_stream
from veille.arctic import services
from veille.arctic.coverage import coverage
from veille.arctic.models import Activity, Alert
from veille.arctic.services import NewActivity, do_acknowledge, do_add_rule, do_record_activity
from veille.audit.models import AuditEvent
from veille.kit.exports import read_csv_rows
from veille.maritime.event_files import event_records

pytestmark = pytest.mark.django_db
SECRET = "Norwegian-only patrol"


def record(actor: Any, nation: str, key: str, name: str, **kw: Any) -> Activity:
    values: dict[str, Any] = {
        "key": key,
        "name": name,
        "kind": "patrol",
        "owner_nation": nation,
        "domains": ["maritime"],
        "starts_on": dt.date(2026, 3, 1),
        "ends_on": dt.date(2026, 3, 10),
        "area": square(10, 68, 20, 72),
        "sources": [{"url": "https://example.org/order", "date": "2026-02-20", "title": ""}],
        "releasable_to": "NATO",
    }
    values.update(kw)
    return do_record_activity(actor, NewActivity(**values))[0]


@pytest.fixture
def secret(actor_of: Any, picture: Any) -> Activity:
    """A Norwegian activity releasable to Norway alone, and a public one beside it."""
    record(actor_of("sam"), "USA", "us-public", "Public US patrol", releasable_to="PUBLIC")
    return record(
        actor_of("nora"), "NOR", "nor-secret", SECRET, releasable_to="NATIONS", releasable_nations=["NOR"]
    )


def names_in(body: bytes) -> str:
    return body.decode()


READ_PATHS = [
    "/arctic/",
    "/arctic/layers/activities.geojson?bbox=-180,45,180,90",
    "/arctic/activities.csv",
    "/arctic/activities.json",
    "/arctic/activities.geojson",
    "/api/v1/arctic/activities",
    "/api/v1/arctic/activities.csv",
    "/api/v1/arctic/activities.geojson",
    "/api/v1/arctic/layers/activities",
]


@pytest.mark.parametrize("path", READ_PATHS)
def test_an_activity_releasable_to_norway_never_reaches_poland(
    secret: Activity, client_as: Any, path: str
) -> None:
    for who, sees in (
        ("nora", True),
        ("alice", True),
        ("pawel", False),
        ("sam", False),
        ("olga", False),
        (None, False),
    ):
        response = client_as(who).get(path)
        if who is None and path.startswith("/api/"):
            assert response.status_code == 401
            continue
        assert response.status_code == 200, (who, path)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert (SECRET in names_in(body)) is sees, (who, path)
        assert "Public US patrol" in names_in(body), (who, path)


def test_the_activity_page_names_domains_and_nations_and_the_exports_keep_the_codes(
    actor_of: Any, picture: Any, client_as: Any
) -> None:
    a = record(
        actor_of("nora"), "NOR", "nor-joint", "Joint patrol", domains=["maritime", "air"],
        participants=["DNK", "ISL"], releasable_to="NATIONS", releasable_nations=["NOR", "DNK"],
    )  # fmt: skip
    html = client_as("nora").get(f"/arctic/activities/{a.pk}/").content.decode()
    assert "Air, Maritime" in html and "Denmark, Iceland" in html and "Denmark, Norway" in html
    assert "air|maritime" not in html and "DNK|ISL" not in html
    rows = list(read_csv_rows(client_as("nora").get("/arctic/activities.csv").content.decode()))
    joint = next(r for r in rows if r["key"] == "nor-joint")
    assert (joint["domains"], joint["participants"]) == ("air|maritime", "DNK|ISL")


def test_the_activity_page_and_api_detail_are_404_for_those_who_may_not_see(
    secret: Activity, client_as: Any
) -> None:
    assert client_as("nora").get(f"/arctic/activities/{secret.pk}/").status_code == 200
    assert client_as("pawel").get(f"/arctic/activities/{secret.pk}/").status_code == 404
    assert client_as("pawel").get(f"/api/v1/arctic/activities/{secret.pk}").status_code == 404
    assert client_as("alice").get(f"/api/v1/arctic/activities/{secret.pk}").json()["name"] == SECRET


def test_nato_releasable_activities_reach_allies_but_not_a_partner(
    actor_of: Any, client_as: Any, picture: Any
) -> None:
    record(actor_of("nora"), "NOR", "nor-nato", "Allied-only patrol")
    assert "Allied-only patrol" in client_as("pawel").get("/arctic/activities.csv").content.decode()
    assert "Allied-only patrol" not in client_as("olga").get("/arctic/activities.csv").content.decode()
    assert "Allied-only patrol" not in client_as(None).get("/arctic/activities.csv").content.decode()


def test_layer_filters_by_bounding_box_and_time(secret: Activity, client_as: Any) -> None:
    def keys(query: str) -> set[str]:
        data = client_as("alice").get("/arctic/layers/activities.geojson?" + query).json()
        return {f["properties"]["key"] for f in data["features"]}

    assert keys("bbox=-180,45,180,90") == {"us-public", "nor-secret"}
    assert keys("bbox=-60,60,-30,80") == set()
    assert keys("since=2026-04-01") == set()
    assert keys("until=2026-03-01") == {"us-public", "nor-secret"}
    bad = client_as("alice").get("/arctic/layers/activities.geojson?bbox=1,2,3")
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "bbox"


def test_polygons_are_served_clockwise_for_the_polar_map(secret: Activity, client_as: Any) -> None:
    from shapely.geometry import shape

    for f in client_as("alice").get("/arctic/layers/activities.geojson").json()["features"]:
        assert not shape(f["geometry"]).exterior.is_ccw


def test_the_csv_export_lists_sources_and_approximation(secret: Activity, client_as: Any) -> None:
    rows = list(read_csv_rows(client_as("nora").get("/arctic/activities.csv").content.decode()))
    row = next(r for r in rows if r["key"] == "nor-secret")
    assert row["sources"] == "2026-02-20 https://example.org/order"
    assert row["releasable_nations"] == "NOR"


# --- deconfliction ---------------------------------------------------------------------------------


def test_overlapping_activities_of_different_nations_are_flagged_to_coordinators(
    actor_of: Any, client_as: Any, picture: Any
) -> None:
    record(actor_of("nora"), "NOR", "a1", "Norwegian patrol")
    record(
        actor_of("sam"),
        "USA",
        "b1",
        "US exercise",
        area=square(18, 70, 25, 74),
        starts_on=dt.date(2026, 3, 8),
    )
    record(
        actor_of("sam"), "USA", "c1", "US later", starts_on=dt.date(2026, 3, 11), ends_on=dt.date(2026, 3, 20)
    )
    record(actor_of("sam"), "USA", "d1", "US far away", area=square(-60, 60, -50, 65))
    record(actor_of("nora"), "NOR", "e1", "Norwegian twin")  # same nation: not a conflict
    page = client_as("alice").get("/arctic/deconfliction/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Norwegian patrol" in text and "US exercise" in text
    assert "US later" not in text and "US far away" not in text
    api = client_as("alice").get("/api/v1/arctic/deconfliction").json()
    assert sorted(tuple(sorted((o["first"], o["second"]))) for o in api) == [("a1", "b1"), ("b1", "e1")]
    assert {o["since"] for o in api} == {"2026-03-08"}
    assert client_as("nora").get("/arctic/deconfliction/").status_code == 403
    assert client_as("nora").get("/api/v1/arctic/deconfliction").status_code == 403


def test_a_point_with_a_radius_overlaps_by_its_circle(actor_of: Any, client_as: Any, picture: Any) -> None:
    record(actor_of("nora"), "NOR", "a1", "Square", area=square(10, 68, 20, 72))
    record(
        actor_of("sam"),
        "USA",
        "near",
        "Circle reaching in",
        area={"type": "Point", "coordinates": [22.0, 70.0]},
        radius_km=120.0,
    )
    record(
        actor_of("sam"),
        "USA",
        "far",
        "Circle short",
        area={"type": "Point", "coordinates": [24.0, 70.0]},
        radius_km=60.0,
    )
    pairs = {
        tuple(sorted((o["first"], o["second"])))
        for o in client_as("alice").get("/api/v1/arctic/deconfliction").json()
    }
    assert pairs == {("a1", "near")}


# --- coverage --------------------------------------------------------------------------------------


def test_coverage_lists_days_with_foreign_activity_and_no_allied_presence(
    actor_of: Any, client_as: Any, write_zone: Any, write_positions: Any, write_events: Any
) -> None:
    write_zone("barents", square(20, 70, 40, 76))
    write_zone("iceland", square(-25, 62, -12, 67))
    record(actor_of("nora"), "NOR", "nor", "Barents patrol", area=square(25, 71, 30, 73),
           starts_on=dt.date(2026, 3, 2), ends_on=dt.date(2026, 3, 3), releasable_to="PUBLIC")  # fmt: skip
    write_positions(
        [
            (273100001, utc(2026, 3, 1, 10), 72.0, 30.0),  # Russian, barents, day 1: uncovered
            (273100001, utc(2026, 3, 1, 12), 72.1, 30.2),
            (412100001, utc(2026, 3, 2, 10), 72.0, 31.0),  # Chinese, barents, day 2: covered
            (257100001, utc(2026, 3, 3, 10), 72.0, 31.0),  # Norwegian flag: not foreign
            (273100002, utc(2026, 3, 3, 10), 64.0, -20.0),  # Russian near Iceland, day 3: uncovered
        ]
    )
    cells = {(c.zone, c.day.isoformat()): c for c in coverage(None, dt.date(2026, 3, 1), dt.date(2026, 3, 3))}
    assert len(cells) == 6
    assert (cells[("barents", "2026-03-01")].foreign_vessels, cells[("barents", "2026-03-01")].russian) == (
        1,
        1,
    )
    assert cells[("barents", "2026-03-01")].uncovered
    assert cells[("barents", "2026-03-02")].chinese == 1 and not cells[("barents", "2026-03-02")].uncovered
    assert cells[("barents", "2026-03-03")].foreign_vessels == 0
    assert cells[("iceland", "2026-03-03")].uncovered
    uncovered = sorted(k for k, c in cells.items() if c.uncovered)
    assert uncovered == [("barents", "2026-03-01"), ("iceland", "2026-03-03")]
    # an event by a foreign vessel in a zone counts as foreign activity too
    write_events([{"event_id": "g1", "event_type": "gap", "mmsi": 412100009, "start": utc(2026, 3, 2, 1),
                   "end": utc(2026, 3, 2, 9), "lat": 65.0, "lon": -18.0}])  # fmt: skip
    cells = {(c.zone, c.day.isoformat()): c for c in coverage(None, dt.date(2026, 3, 1), dt.date(2026, 3, 3))}
    assert cells[("iceland", "2026-03-02")].events == 1 and cells[("iceland", "2026-03-02")].uncovered
    page = client_as("pawel").get("/arctic/coverage/?since=2026-03-01&until=2026-03-03")
    assert page.status_code == 200 and 'data-spec="chart-coverage"' in page.content.decode()
    rows = list(read_csv_rows(
        client_as("pawel").get("/arctic/coverage.csv?since=2026-03-01&until=2026-03-03")
        .content.decode()))  # fmt: skip
    assert [(r["zone"], r["day"]) for r in rows if r["uncovered"] == "True"] == [
        ("barents", "2026-03-01"), ("iceland", "2026-03-02"), ("iceland", "2026-03-03")]  # fmt: skip


def test_the_coverage_chart_speaks_the_reader_s_language_and_marks_synthetic_days(
    write_zone: Any, write_positions: Any
) -> None:
    from django.utils import translation

    from veille.arctic.coverage import chart_spec

    write_zone("barents", square(20, 70, 40, 76))
    write_positions([(273100001, utc(2026, 3, 1, 10), 72.0, 30.0)], source="synthetic")
    write_positions([(273100002, utc(2026, 3, 2, 10), 72.0, 30.0)])
    cells = coverage(None, dt.date(2026, 3, 1), dt.date(2026, 3, 2))
    with translation.override("fr"):
        spec = chart_spec(cells, "titre")
    rows = {r["day"]: r for r in spec["data"]["values"]}
    assert (rows["2026-03-01"]["data"], rows["2026-03-02"]["data"]) == ("synthétique", "observées")
    assert rows["2026-03-01"]["presence"] == "aucune présence alliée"
    bar = spec["spec"]["layer"][0]["encoding"]
    assert bar["opacity"]["scale"]["domain"] == ["observées", "synthétique"]
    assert bar["color"]["legend"]["title"] == "Présence alliée" and bar["y"]["title"] == "navires étrangers"
    words = json.dumps(spec, ensure_ascii=False)
    english = ('"foreign vessels"', '"no allied presence"', '"Day"', '"Data"', "Blue ticks")
    assert not [w for w in english if w in words]


def test_the_shipped_zones_are_named_in_the_reader_s_language_on_the_coverage_page_and_chart(
    write_zone: Any, write_positions: Any, client_as: Any
) -> None:
    from django.utils import translation

    from veille.arctic.views import zone_names

    write_zone("barents_sea", square(20, 70, 40, 76))  # a shipped zone's id: its name is translated
    write_zone("my_box", square(-25, 62, -12, 67))  # a zone added later: named as its file names it
    write_positions([(273100001, utc(2026, 3, 1, 10), 72.0, 30.0)])
    with translation.override("fr"):
        assert zone_names() == {"barents_sea": "Mer de Barents", "my_box": "my_box"}
    with translation.override("en"):
        assert zone_names()["barents_sea"] == "Barents Sea"
    client = client_as("pawel")
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    html = client.get("/arctic/coverage/?since=2026-03-01&until=2026-03-01").content.decode()
    spec = json.loads(
        html.split('id="chart-coverage" type="application/json">', 1)[1].split("</script>", 1)[0]
    )
    assert spec["facet"]["row"]["field"] == "zone_name"
    assert {r["zone_name"] for r in spec["data"]["values"]} == {"Mer de Barents", "my_box"}
    assert "<td>Mer de Barents</td>" in html and "<td>barents_sea</td>" not in html


def test_allied_presence_in_coverage_respects_releasability(
    actor_of: Any, write_zone: Any, write_positions: Any, users: Any
) -> None:
    write_zone("barents", square(20, 70, 40, 76))
    record(actor_of("nora"), "NOR", "nor", "Secret Barents patrol", area=square(25, 71, 30, 73),
           releasable_to="NATIONS", releasable_nations=["NOR"])  # fmt: skip
    write_positions([(273100001, utc(2026, 3, 5, 10), 72.0, 30.0)])
    day = dt.date(2026, 3, 5)
    assert coverage(users["nora"], day, day)[0].allied == ["Secret Barents patrol (NOR)"]
    assert coverage(users["pawel"], day, day)[0].allied == []


# --- vessels, tracks, events -----------------------------------------------------------------------


def test_vessels_are_grouped_by_flag_and_synthetic_data_is_marked(
    client_as: Any, write_positions: Any
) -> None:
    write_positions([(273100001, utc(2026, 3, 1, 10), 72.0, 30.0),
                     (273100001, utc(2026, 3, 1, 11), 72.2, 30.5),
                     (413100001, utc(2026, 3, 1, 11), 70.0, 20.0)], source="synthetic")  # fmt: skip
    write_positions(
        [(257100001, utc(2026, 3, 1, 11), 69.0, 15.0), (636100001, utc(2026, 3, 1, 11), 69.5, 5.0)]
    )
    data = client_as("pawel").get("/arctic/layers/vessels.geojson").json()
    by = {f["properties"]["mmsi"]: f["properties"] for f in data["features"]}
    assert {m: p["group"] for m, p in by.items()} == {
        273100001: "RUS", 413100001: "CHN", 257100001: "ALLY", 636100001: "OTHER"}  # fmt: skip
    assert by[273100001]["at"] == "2026-03-01T11:00:00Z"  # the latest position
    assert next(f for f in data["features"] if f["id"] == 273100001)["geometry"]["coordinates"] == [
        30.5,
        72.2,
    ]
    assert by[273100001]["synthetic"] and not by[257100001]["synthetic"]
    early = client_as("pawel").get("/arctic/layers/vessels.geojson?until=2026-03-01T10:30:00Z").json()
    assert [f["properties"]["mmsi"] for f in early["features"]] == [273100001]
    tracks = client_as("pawel").get("/arctic/layers/tracks.geojson").json()
    assert [(f["properties"]["mmsi"], f["properties"]["points"]) for f in tracks["features"]] == [
        (273100001, 2)
    ]
    boxed = client_as("pawel").get("/arctic/layers/vessels.geojson?bbox=10,65,25,71").json()
    assert sorted(f["properties"]["mmsi"] for f in boxed["features"]) == [257100001, 413100001]


EVENTS = [
    {"event_id": "enc-1", "event_type": "encounter", "mmsi": 273100001, "other_mmsi": 412100002,
     "start": utc(2026, 3, 1, 6), "end": utc(2026, 3, 1, 9), "lat": 72.0, "lon": 30.0, "source": "synthetic"},
    {"event_id": "gap-1", "event_type": "gap", "mmsi": 257100001, "other_mmsi": None,
     "start": utc(2026, 3, 2, 6), "end": utc(2026, 3, 2, 20), "lat": 69.0, "lon": 15.0, "source": "test"},
]  # fmt: skip


def test_events_are_served_as_geojson_and_csv_with_filters(client_as: Any, write_events: Any) -> None:
    write_events(EVENTS)
    data = client_as("pawel").get("/arctic/layers/events.geojson").json()
    assert [f["properties"]["event_type"] for f in data["features"]] == ["encounter", "gap"]
    enc = data["features"][0]["properties"]
    assert (enc["group"], enc["other_mmsi"], enc["synthetic"]) == ("RUS", 412100002, True)
    assert enc["t0"] == int(utc(2026, 3, 1, 6).timestamp() * 1000)
    only_gaps = client_as("pawel").get("/api/v1/arctic/events.geojson?types=gap").json()
    assert [f["properties"]["event_id"] for f in only_gaps["features"]] == ["gap-1"]
    later = client_as("pawel").get("/arctic/events.csv?since=2026-03-02").content.decode()
    assert [r["event_id"] for r in read_csv_rows(later)] == ["gap-1"]


def test_requests_that_look_up_synthetic_vessels_at_once_do_not_share_a_connection(
    picture: Any, write_events: Any, write_positions: Any
) -> None:
    """For event files that do not say whether they are synthetic, the positions are read: the map
    and the timeline ask at the same moment, on two server threads."""
    from concurrent.futures import ThreadPoolExecutor

    from veille.maritime import event_files

    for day in range(1, 9):
        write_positions([(257100001, utc(2026, 3, day, 6), 69.0, 15.0)], source="synthetic")
    write_events(EVENTS)  # no synthetic column

    def read(_: int) -> dict[str, bool]:
        event_files._synthetic_by_file.clear()  # each call reads the positions files again
        return {e["event_id"]: e["synthetic"] for e in event_records(picture["store"])}

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(read, range(64)))
    assert all(a == answers[0] for a in answers) and answers[0]


def test_an_event_that_says_whether_it_is_synthetic_is_taken_at_its_word(
    picture: Any, write_events: Any, write_positions: Any
) -> None:
    """The live detectors' events say it (``synthetic``): the stream then reads no positions file,
    which a live ingest writes by the thousand (here one that cannot be read at all)."""
    write_positions([(257100001, utc(2026, 3, 2, 6), 69.0, 15.0)], source="synthetic")
    broken = picture["store"] / "positions" / "day=2026-03-02" / "part-broken.parquet"
    broken.write_bytes(b"not a parquet file")
    said = [
        {**EVENTS[0], "synthetic": False},  # its word, though its source is the generator's
        {**EVENTS[1], "synthetic": True},
    ]
    write_events(said)
    got = {e["event_id"]: e["synthetic"] for e in event_records(picture["store"])}
    assert got == {"enc-1": False, "gap-1": True}
    write_events([{**EVENTS[1], "event_id": "gap-2"}])  # a file that does not say: the positions are read
    with pytest.raises(duckdb.Error):
        event_records(picture["store"])


# --- alerts ---------------------------------------------------------------------------------------


def drain(gen: Any, until: str) -> list[tuple[str, dict[str, Any]]]:
    """Read server-sent events until one of kind ``until`` arrives."""
    got = []
    for chunk in gen:
        if chunk.startswith(":") or chunk.startswith("retry"):
            continue
        lines = dict(line.split(": ", 1) for line in chunk.strip().splitlines())
        got.append((lines["event"], json.loads(lines["data"])))
        if lines["event"] == until:
            return got
    return got


def test_a_new_event_raises_an_alert_on_the_open_stream_once(
    actor_of: Any, users: Any, write_events: Any, write_zone: Any
) -> None:
    write_zone("barents", square(20, 70, 40, 76))
    do_add_rule(actor_of("pawel"), zone="barents", flag="RUS", event_type="encounter")
    do_add_rule(actor_of("nora"), flag="CHN")
    pawel = alert_stream.stream(users["pawel"], max_seconds=5)
    nora = alert_stream.stream(users["nora"], max_seconds=1)
    assert drain(pawel, "hello")[-1][0] == "hello"
    assert drain(nora, "hello")[-1][0] == "hello"
    write_events(EVENTS)
    got = drain(pawel, "alert")
    assert got[-1][0] == "alert"
    alert = got[-1][1]
    assert (alert["event_id"], alert["flag"], alert["zone"], alert["synthetic"]) == (
        "enc-1",
        "RUS",
        "barents",
        True,
    )
    assert [e for e in drain(nora, "alert") if e[0] == "alert"] == []  # nora's rule wants Chinese vessels
    assert Alert.objects.filter(user=users["pawel"]).count() == 1
    # a second page of the same user gets the open alert, without a second alert being made
    again = drain(alert_stream.stream(users["pawel"], max_seconds=0), "alert")
    assert [e[1]["id"] for e in again if e[0] == "alert"] == [alert["id"]]
    assert Alert.objects.count() == 1


def test_open_streams_end_at_their_next_poll_once_ending_is_set(users: Any) -> None:
    """As before a server shuts down, or a browser test's database is emptied."""
    page = alert_stream.stream(users["pawel"], max_seconds=60)
    assert drain(page, "hello")[-1][0] == "hello"
    assert alert_stream.open_streams() == 1
    alert_stream.ENDING.set()
    try:
        started = time.monotonic()
        rest = list(page)  # the generator returns instead of polling for a minute
        assert time.monotonic() - started < 10 and all(not r.startswith("event: alert") for r in rest)
    finally:
        alert_stream.ENDING.clear()
    assert alert_stream.open_streams() == 0


def test_an_event_written_while_the_page_reconnects_still_raises_its_alert(
    actor_of: Any, users: Any, write_events: Any
) -> None:
    do_add_rule(actor_of("pawel"))  # any zone, flag and event type
    first = alert_stream.stream(users["pawel"], max_seconds=0)
    assert [kind for kind, _ in drain(first, "alert")] == ["hello", "status"]  # the stream ended: no alert
    write_events(EVENTS[:1])  # the browser has not connected again yet
    again = alert_stream.stream(users["pawel"], last_alert_id=0, max_seconds=1)
    assert [d["event_id"] for kind, d in drain(again, "end") if kind == "alert"] == ["enc-1"]
    stale = write_events(EVENTS[1:])  # written long before the page opened: no alert
    os.utime(stale, (time.time() - 2 * alert_stream.RECENT_S,) * 2)
    later = alert_stream.stream(users["pawel"], max_seconds=1)  # the open alert, nothing more
    assert [d["event_id"] for kind, d in drain(later, "end") if kind == "alert"] == ["enc-1"]
    assert Alert.objects.filter(user=users["pawel"]).count() == 1


def test_acknowledging_an_alert_is_audited_and_only_by_its_owner(
    actor_of: Any, users: Any, client_as: Any, write_events: Any
) -> None:
    do_add_rule(actor_of("pawel"), flag="FOREIGN")
    write_events(EVENTS)
    assert (
        services.do_raise_alerts(
            services.ALERT_STREAM,
            users["pawel"],
            event_records(alert_stream.layers.ais_store().root),
        )
        == 1
    )
    alert = Alert.objects.get(user=users["pawel"])
    assert alert.event_id == "enc-1"  # the Norwegian-flag gap is not foreign
    assert client_as("nora").post(f"/arctic/alerts/{alert.pk}/acknowledge/").status_code == 404
    response = client_as("pawel").post(
        f"/arctic/alerts/{alert.pk}/acknowledge/", HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 200 and response.json()["acknowledged_at"]
    event = AuditEvent.objects.get(action="arctic.alert.acknowledge")
    assert (event.actor, event.object_id) == ("pawel", str(alert.pk))
    do_acknowledge(actor_of("pawel"), alert.pk)  # twice changes nothing
    assert AuditEvent.objects.filter(action="arctic.alert.acknowledge").count() == 1


def test_the_stream_carries_only_activities_the_user_may_see(actor_of: Any, users: Any) -> None:
    nora = alert_stream.stream(users["nora"], max_seconds=2)
    pawel = alert_stream.stream(users["pawel"], max_seconds=2)
    drain(nora, "hello")
    drain(pawel, "hello")
    record(actor_of("nora"), "NOR", "nor-secret", SECRET, releasable_to="NATIONS", releasable_nations=["NOR"])
    Activity.objects.filter(key="nor-secret").update(
        updated_at=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    )
    assert drain(nora, "activity")[-1] == (
        "activity",
        {"id": Activity.objects.get().pk, "name": SECRET, "nation": "NOR"},
    )
    assert [e for e in drain(pawel, "activity") if e[0] == "activity"] == []


def test_the_stream_needs_a_login_and_ends_when_asked(client_as: Any) -> None:
    assert client_as(None).get("/arctic/stream/").status_code == 302
    response = client_as("pawel").get("/arctic/stream/?max_seconds=0")
    assert response["Content-Type"].startswith("text/event-stream")
    body = b"".join(response.streaming_content).decode()
    assert "event: hello" in body


def test_an_event_seen_by_two_runs_is_shown_once_as_the_latest_run_saw_it(
    client_as: Any, write_events: Any
) -> None:
    gap = {"event_id": "gap-9", "event_type": "gap", "mmsi": 257100009, "start": utc(2026, 3, 2, 6),
           "lat": 69.0, "lon": 15.0}  # fmt: skip
    write_events([gap | {"end": None, "run_at": utc(2026, 3, 2, 13), "run_id": "a"}])  # still open
    write_events([gap | {"end": utc(2026, 3, 2, 20), "run_at": utc(2026, 3, 3, 1), "run_id": "b"}])
    data = client_as("pawel").get("/arctic/layers/events.geojson?since=2026-03-01T00:00:00Z").json()
    assert [(f["properties"]["event_id"], f["properties"]["end"]) for f in data["features"]] == [
        ("gap-9", "2026-03-02T20:00:00Z")
    ]


def test_a_user_without_membership_is_told_why_instead_of_offered_a_rule_form(
    client_as: Any, picture: Any
) -> None:
    """eve belongs to no nation: the page says why she has no rules (``can_add_rules`` off, the
    sentence in ``no_rules_reason``) and a rule posted anyway is refused as forbidden."""
    page = client_as("eve").get("/arctic/alerts/")
    assert page.status_code == 200
    assert page.context["can_add_rules"] is False
    assert "no membership" in page.context["no_rules_reason"]
    html = page.content.decode()
    assert 'id="rule-form"' not in html and page.context["no_rules_reason"] in html
    posted = client_as("eve").post("/arctic/alerts/", {"zone": "", "flag": "RUS", "event_type": ""})
    assert posted.status_code == 403
    member = client_as("pawel").get("/arctic/alerts/")
    assert member.context["can_add_rules"] is True and member.context["no_rules_reason"] is None
    assert 'id="rule-form"' in member.content.decode()


# --- provenance of the exports -----------------------------------------------------------------------

META_KEYS = {"dataset", "source", "note", "generated_at", "filters", "rows", "synthetic"}


def test_the_events_export_says_where_its_rows_come_from(client_as: Any, write_events: Any) -> None:
    write_events([{**EVENTS[0], "run_id": "20260301T120000-aaaa", "run_at": utc(2026, 3, 1, 12)}])
    write_events([{**EVENTS[1], "run_id": "live-20260302T000000-bbbb", "run_at": utc(2026, 3, 2, 21)}])
    data = client_as("pawel").get("/arctic/events.json?since=2026-03-01&types=encounter,gap").json()
    meta = data["meta"]
    assert META_KEYS | {"detector_runs"} <= set(meta)
    assert "events/" in " ".join(meta["source"])
    assert meta["detector_runs"] == ["20260301T120000-aaaa", "live-20260302T000000-bbbb"]
    assert (meta["rows"], meta["synthetic"]) == (2, 1) == (len(data["rows"]), 1)
    assert meta["filters"] == {"since": "2026-03-01", "types": "encounter,gap", "bbox": "-180,45,180,90"}
    at = dt.datetime.fromisoformat(meta["generated_at"].replace("Z", "+00:00"))
    assert abs((dt.datetime.now(dt.UTC) - at).total_seconds()) < 60
    only = client_as("pawel").get("/arctic/events.json?types=gap").json()["meta"]
    assert (only["detector_runs"], only["rows"], only["synthetic"]) == (["live-20260302T000000-bbbb"], 1, 0)


def test_the_coverage_export_says_what_it_was_computed_from(
    client_as: Any, write_zone: Any, write_positions: Any, write_events: Any
) -> None:
    write_zone("barents", square(20, 70, 40, 76))
    write_positions([(273100001, utc(2026, 3, 1, 10), 72.0, 30.0)], source="synthetic")
    write_positions([(412100001, utc(2026, 3, 2, 10), 72.0, 31.0)])
    write_events([{**EVENTS[0], "run_id": "run-1", "run_at": utc(2026, 3, 1, 12)}])
    data = client_as("pawel").get("/arctic/coverage.json?since=2026-03-01&until=2026-03-03").json()
    meta = data["meta"]
    assert META_KEYS | {"detector_runs", "zones"} <= set(meta)
    assert meta["filters"] == {"since": "2026-03-01", "until": "2026-03-03"}
    assert (meta["zones"], meta["detector_runs"]) == (["barents"], ["run-1"])
    assert (meta["rows"], meta["synthetic"]) == (3, 1)
    assert any("positions/" in s for s in meta["source"]) and any("events/" in s for s in meta["source"])
    defaulted = client_as("pawel").get("/arctic/coverage.json?until=2026-03-03").json()["meta"]
    assert defaulted["filters"] == {"since": "2026-02-18", "until": "2026-03-03"}  # the 14 days used


def test_every_json_export_of_the_picture_has_the_same_provenance_keys(
    secret: Activity, client_as: Any
) -> None:
    meta = client_as("nora").get("/arctic/activities.json?since=2026-03-01").json()["meta"]
    assert set(meta) >= META_KEYS
    assert (meta["rows"], meta["filters"]) == (2, {"since": "2026-03-01"})


def test_the_cable_licence_notice_is_in_the_reader_s_language(client_as: Any, picture: Any) -> None:
    client = client_as("pawel")
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    html = client.get("/arctic/").content.decode()
    assert (
        'Données des câbles sous-marins © TeleGeography (submarinecablemap.com), <span translate="no">'
        "CC BY-NC-SA 3.0</span> : usage non commercial"
    ) in html
    assert "non-commercial use" not in html
