"""Event detectors at their boundaries, and their properties (order, purity, per-vessel runs)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veille.core.events.batch import Detectors, detect_all, grouped
from veille.core.events.cables import CableDetector
from veille.core.events.encounters import EncounterDetector
from veille.core.events.gaps import GapDetector
from veille.core.events.loitering import LoiteringDetector
from veille.core.events.testing import T0, steady, track
from veille.core.events.zones import ZoneDetector
from veille.core.tracks import Segmenter, clean

OPEN_SEA = (74.0, 35.0)  # Barents Sea, far from any coast


def _gap_after(seconds: int) -> pl.DataFrame:
    lat, lon = OPEN_SEA
    return track(273000001, [(0, lat, lon), (seconds, lat + 0.01, lon), (seconds + 600, lat + 0.02, lon)])


def test_a_gap_of_5h59_is_not_a_gap_and_6h00_is() -> None:
    assert GapDetector().detect(_gap_after(6 * 3600 - 60)).height == 0
    gaps = GapDetector().detect(_gap_after(6 * 3600))
    assert gaps.select("duration_s", "is_open", "likely_disabling").rows() == [(21600.0, False, False)]
    assert gaps["distance_km"][0] == pytest.approx(1.112, abs=0.001)
    assert gaps["speed_kn"][0] == pytest.approx(1.112 / 1.852 / 6, abs=0.001)


def test_a_vessel_still_silent_at_the_end_gets_an_open_gap_that_a_later_run_closes() -> None:
    lat, lon = OPEN_SEA
    silent = track(273000001, [(0, lat, lon)])
    other = steady(257000002, 0, 7 * 3600, 600, 70.0, 5.0)
    opened = GapDetector().detect(pl.concat([silent, other]))
    assert opened.select("mmsi", "is_open", "duration_s").rows() == [(273000001, True, 25200.0)]
    assert opened["end"][0] is None
    later = pl.concat([silent, other, track(273000001, [(9 * 3600, lat, lon)])])
    closed = GapDetector().detect(later)
    assert closed.select("is_open", "duration_s").rows() == [(False, 32400.0)]
    assert closed["event_id"][0] == opened["event_id"][0]


@pytest.mark.parametrize(("silent_s", "opened"), [(30 * 86400, True), (30 * 86400 + 1, False)])
def test_a_vessel_silent_for_more_than_30_days_at_the_end_gets_no_open_gap(
    silent_s: int, opened: bool
) -> None:
    """It has left coverage, or its fixes come from a capture long before the rest: an open gap
    of months would be listed in every window from its start on. Batch and stream agree."""
    from veille.core.events.stream import StreamEngine

    lat, lon = OPEN_SEA
    old = track(273000001, [(0, lat, lon), (7 * 3600, lat, lon)])  # and a closed gap before it
    until = T0 + timedelta(seconds=7 * 3600 + silent_s)
    gaps = GapDetector(until=until).detect(old)
    assert gaps.select("is_open", "duration_s").rows() == [(False, 25200.0)] + (
        [(True, float(silent_s))] if opened else []
    )
    engine = StreamEngine(Detectors())
    streamed = pl.concat([engine.feed(old), engine.close(until)])
    assert streamed.filter(pl.col("type") == "gap").sort("start")["is_open"].to_list() == (
        [False, True] if opened else [False]
    )


def _others(n: int, lat: float, lon: float) -> pl.DataFrame:
    return pl.concat(
        [steady(257000100 + k, 0, 14 * 3600, 900, lat + 0.1 * k, lon + 0.2, sog_kn=11.0) for k in range(n)]
    )


def test_a_long_gap_far_from_shore_with_others_heard_around_is_likely_disabling() -> None:
    lat, lon = OPEN_SEA
    dark = track(273000001, [(0, lat, lon), (13 * 3600, lat + 0.1, lon)])
    assert GapDetector().detect(pl.concat([dark, _others(3, lat, lon)])).filter(pl.col("mmsi") == 273000001)[
        "likely_disabling"
    ].to_list() == [True]
    # the same silence with only two other vessels around: reception not shown to be good
    assert GapDetector().detect(pl.concat([dark, _others(2, lat, lon)]))["likely_disabling"].to_list() == [
        False
    ]
    # 11 h 59 min is not long enough
    short = track(273000001, [(0, lat, lon), (12 * 3600 - 60, lat + 0.1, lon)])
    assert GapDetector().detect(pl.concat([short, _others(3, lat, lon)]))["likely_disabling"].to_list() == [
        False
    ]


def test_a_long_gap_near_the_coast_is_not_likely_disabling() -> None:
    near = (71.06, 25.8)  # 6.6 km off North Cape on Natural Earth's 1:110m coast
    dark = track(273000001, [(0, *near), (13 * 3600, near[0], near[1] + 0.01)])
    gaps = GapDetector().detect(pl.concat([dark, _others(4, *near)])).filter(pl.col("mmsi") == 273000001)
    assert gaps["likely_disabling"].to_list() == [False]


def _pair(
    minutes: int,
    *,
    lat: float = OPEN_SEA[0],
    lon: float = OPEN_SEA[1],
    sog: float = 1.0,
    sep_deg: float = 0.003,
) -> pl.DataFrame:
    a = steady(273000001, 0, minutes * 60 - 60, 60, lat, lon, sog_kn=sog)
    b = steady(257000002, 30, minutes * 60 - 30, 60, lat + sep_deg, lon, sog_kn=sog)
    return pl.concat([a, b])


def test_encounters_need_twelve_ten_minute_bins_together() -> None:
    assert EncounterDetector().detect(_pair(110)).height == 0  # last fixes at 01:49: 11 bins
    ev = EncounterDetector().detect(_pair(111))  # a fix at 01:50 opens the 12th bin
    assert ev.select("mmsi", "mmsi2", "duration_s").rows() == [(257000002, 273000001, 7200.0)]


def test_encounters_need_500_m_slow_speed_and_distance_from_the_coast() -> None:
    assert EncounterDetector().detect(_pair(180, sep_deg=0.0044)).height == 1  # 489 m
    assert EncounterDetector().detect(_pair(180, sep_deg=0.0046)).height == 0  # 511 m
    assert EncounterDetector().detect(_pair(180, sog=2.0)).height == 0
    assert EncounterDetector().detect(_pair(180, sog=1.9)).height == 1
    # 6.6 km off North Cape on Natural Earth's 1:110m coast, then 12 km off
    assert EncounterDetector().detect(_pair(180, lat=71.06, lon=25.8)).height == 0
    assert EncounterDetector().detect(_pair(180, lat=71.11, lon=25.8)).height == 1


def test_loitering_counts_whole_clock_hours_under_two_knots() -> None:
    lat, lon = OPEN_SEA
    slow = steady(273000001, 0, 2 * 3600 - 60, 60, lat, lon, sog_kn=1.9)
    assert LoiteringDetector().detect(slow)["duration_s"].to_list() == [7200.0]
    assert LoiteringDetector().detect(slow.head(60)).height == 0  # one hour only
    at_two = steady(273000001, 0, 2 * 3600 - 60, 60, lat, lon, sog_kn=2.0)
    assert LoiteringDetector().detect(at_two).height == 0
    mixed = pl.concat(
        [
            steady(273000001, 0, 3540, 60, lat, lon, sog_kn=1.0),
            steady(273000001, 3600, 7140, 60, lat, lon, sog_kn=3.1),
        ]
    )
    assert LoiteringDetector().detect(mixed).height == 0


def test_zone_entries_exits_and_dwell() -> None:
    north = steady(257000001, 0, 6 * 3600, 600, 66.2, 5.0, sog_kn=12.0, dlat_per_h=0.2)
    south = steady(257000001, 6 * 3600 + 600, 12 * 3600, 600, 67.4, 5.0, sog_kn=12.0, dlat_per_h=-0.2)
    ev = ZoneDetector().detect(pl.concat([north, south])).sort("start", "type")
    assert ev.select("type", "zone").rows() == [
        ("zone_entry", "arctic_circle"),
        ("zone_exit", "arctic_circle"),
    ]
    entry, exit_ = ev.row(0, named=True), ev.row(1, named=True)
    assert entry["lat"] >= 66.5 and exit_["lat"] < 66.5
    assert (
        exit_["start"] == entry["start"]
        and exit_["duration_s"] == (exit_["end"] - entry["start"]).total_seconds()
    )


def test_a_fix_exactly_on_the_arctic_circle_is_inside() -> None:
    pos = track(257000001, [(0, 66.49, 5.0), (600, 66.5, 5.0)])
    assert ZoneDetector().detect(pos).select("type", "zone").rows() == [("zone_entry", "arctic_circle")]


def test_time_near_a_cable_needs_slow_speed_within_one_km() -> None:
    on_cable = (71.5797, 14.4001)  # on the Svalbard Undersea Cable System's route
    assert CableDetector().detect(steady(273000001, 0, 3600, 300, *on_cable, sog_kn=4.9)).height == 1
    assert CableDetector().detect(steady(273000001, 0, 3600, 300, *on_cable, sog_kn=5.0)).height == 0
    assert CableDetector().detect(steady(273000001, 0, 3300, 300, *on_cable, sog_kn=1.0)).height == 0
    away = (on_cable[0], on_cable[1] + 0.04)  # about 1.3 km east
    assert CableDetector().detect(steady(273000001, 0, 3600, 300, *away, sog_kn=1.0)).height == 0


def test_a_position_jump_is_flagged_and_kept_and_does_not_split_the_track() -> None:
    pos = track(257000001, [(0, 70.0, 20.0), (600, 70.02, 20.0), (1200, 75.0, 20.0), (1800, 70.05, 20.0)])
    marked = Segmenter().mark(pos)
    assert marked.height == 4 and marked["jump"].to_list() == [False, False, True, False]
    assert marked["segment"].n_unique() == 1
    assert Segmenter().detect(pos)["type"].to_list() == ["position_jump"]


def test_two_ships_sharing_an_mmsi_are_flagged() -> None:
    fixes = []
    for k in range(12):
        fixes.append((k * 600, 70.0 + 0.01 * k, 20.0))
        fixes.append((k * 600 + 300, 72.0 + 0.01 * k, 25.0))
    ev = Segmenter().detect(track(257000001, fixes))
    assert "shared_mmsi" in ev["type"].to_list()
    assert ev.filter(pl.col("type") == "position_jump").height <= 1


def test_segments_split_after_24_hours_or_above_25_knots() -> None:
    pos = track(
        257000001,
        [
            (0, 70.0, 20.0),
            (24 * 3600, 70.0, 20.1),
            (24 * 3600 + 1, 70.0, 20.1),
            (24 * 3600 + 3602, 70.0, 20.2),
        ],
    )
    assert Segmenter().mark(pos)["segment"].to_list() == [1, 1, 1, 1]
    pos = track(
        257000001,
        [
            (0, 70.0, 20.0),
            (24 * 3600 + 1, 70.0, 20.1),
            (24 * 3600 + 3600, 70.5, 20.1),
            (24 * 3600 + 7200, 70.5, 20.2),
        ],
    )
    assert Segmenter().mark(pos)["segment"].to_list() == [1, 2, 3, 3]


def test_bad_input_is_sorted_deduplicated_and_flagged() -> None:
    t = datetime(2026, 1, 1, tzinfo=UTC)
    rows = {
        "mmsi": [1, 1, 1, 1, 1, 1],
        "timestamp": [
            t + timedelta(hours=2),
            t,
            t,
            t + timedelta(hours=1),
            t + timedelta(days=3),
            t + timedelta(hours=3),
        ],
        "lat": [70.0, 70.0, 70.0, 91.0, 70.0, 0.0],
        "lon": [20.0, 20.0, 20.0, 181.0, 20.0, 0.0],
    }
    df, report = clean(pl.DataFrame(rows), now=t + timedelta(days=1))
    assert report.as_dict() == {
        "rows": 6,
        "out_of_order": 2,
        "duplicates": 1,
        "flagged": {"future": 1, "no_position": 1, "null_island": 1},
    }
    assert df["timestamp"].is_sorted() and df.height == 5


def test_out_of_order_counts_each_vessel_s_late_fixes_not_the_interleaving_of_vessels() -> None:
    """Two receivers' streams merged: vessel 2's fixes come behind vessel 1's in time, but each
    vessel's own fixes arrive in order but one. Counted per vessel, the count is the same however
    the vessels are split (the Spark engine cleans buckets of vessels)."""
    t = datetime(2026, 1, 1, tzinfo=UTC)
    minutes = [10, 0, 11, 1, 12, 3, 2, 13]  # vessel 1: 10, 11, 12, 13; vessel 2: 0, 1, 3, 2 (one late)
    rows = {
        "mmsi": [1, 2, 1, 2, 1, 2, 2, 1],
        "timestamp": [t + timedelta(minutes=m) for m in minutes],
        "lat": [70.0 + m / 100 for m in minutes],
        "lon": [20.0] * 8,
    }
    frame = pl.DataFrame(rows)
    _, whole = clean(frame, now=t + timedelta(days=1))
    assert whole.out_of_order == 1
    parts = [clean(frame.filter(pl.col("mmsi") == m), now=t + timedelta(days=1))[1] for m in (1, 2)]
    assert sum(p.out_of_order for p in parts) == whole.out_of_order


# -- properties ------------------------------------------------------------------------------

fix = st.tuples(
    st.integers(0, 4),  # vessel
    st.integers(0, 40 * 3600 // 300),  # time step of 5 min
    st.floats(73.9, 74.1),
    st.floats(34.9, 35.1),
    st.sampled_from([0.5, 1.5, 4.0, 12.0]),
)


def _frame(fixes: list[tuple[int, int, float, float, float]]) -> pl.DataFrame:
    seen: dict[tuple[int, int], tuple[int, int, float, float, float]] = {}
    for f in fixes:
        seen.setdefault((f[0], f[1]), f)
    return pl.DataFrame(
        [(273000000 + v, T0 + timedelta(seconds=300 * k), la, lo, s) for v, k, la, lo, s in seen.values()],
        schema={
            "mmsi": pl.UInt32,
            "timestamp": pl.Datetime("us", "UTC"),
            "lat": pl.Float64,
            "lon": pl.Float64,
            "sog_kn": pl.Float64,
        },
        orient="row",
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(fix, min_size=1, max_size=200), st.randoms(use_true_random=False))
def test_detectors_are_pure_and_ignore_input_order(fixes: list, rnd: object) -> None:
    df = _frame(fixes)
    before = df.clone()
    events = detect_all(df)
    assert df.equals(before)  # never mutated
    shuffled = df.sample(fraction=1.0, shuffle=True, seed=rnd.randrange(1 << 30))  # type: ignore[attr-defined]
    assert detect_all(shuffled).equals(events)


@settings(max_examples=20, deadline=None)
@given(st.lists(fix, min_size=1, max_size=200))
def test_per_vessel_batches_give_the_same_events_as_the_whole(fixes: list) -> None:
    df = _frame(fixes)
    until = df["timestamp"].max()
    d = Detectors().with_until(until)  # type: ignore[arg-type]
    for det in (d.loitering, d.cables, d.zones):
        whole = det.detect(df).sort("event_id")
        fn = grouped(det)
        parts = [pl.DataFrame(pl.from_arrow(fn(g.to_arrow()))) for _, g in df.group_by("mmsi")]
        per_vessel = pl.concat(parts).sort("event_id") if parts else whole
        assert per_vessel.equals(whole)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    heard=st.lists(
        st.tuples(
            st.integers(1, 6),  # vessel
            st.integers(140, 142),  # cell latitude (0.5°)
            st.sampled_from([-180, -179, 0, 1, 178, 179]),  # cell longitude, across 180°
            st.integers(0, 30),  # hour
        ),
        max_size=80,
    ),
    starts=st.lists(
        st.tuples(
            st.integers(1, 6),
            st.floats(70.0, 71.49),
            st.sampled_from([-180.0, -179.0, 0.0, 1.0, 178.0, 179.0]).map(lambda x: x + 0.5),
            st.integers(0, 30),
        ),
        min_size=1,
        max_size=10,
    ),
)
def test_reception_counts_by_ranges_equal_the_join_of_every_cell_and_hour(heard: list, starts: list) -> None:
    """The reception test of gaps reads sorted ranges; the same counts as a join of every cell
    and hour of each gap's window (other vessels only, each once, longitude wrapping at 180°)."""
    import numpy as np

    reception = pl.DataFrame(
        {
            "cy": [h[1] for h in heard],
            "cx": [h[2] for h in heard],
            "hour": [h[3] for h in heard],
            "mmsi": [h[0] for h in heard],
        },
        schema={"cy": pl.Int32, "cx": pl.Int32, "hour": pl.Int64, "mmsi": pl.UInt32},
    ).unique()
    gaps = pl.DataFrame(
        {
            "mmsi": [s[0] for s in starts],
            "lat": [s[1] for s in starts],
            "lon": [s[2] for s in starts],
            "start_us": [s[3] * 3_600_000_000 + 1 for s in starts],
        },
        schema={"mmsi": pl.UInt32, "lat": pl.Float64, "lon": pl.Float64, "start_us": pl.Int64},
    )
    detector = GapDetector()
    expected = detector._reception_counts_join(gaps, reception)
    assert np.array_equal(detector.reception_counts(gaps, reception), expected)
