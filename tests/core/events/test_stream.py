"""The streaming engine against the batch detectors, on random time-ordered inputs."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veille.core.events.batch import Detectors, detect_all
from veille.core.events.stream import StreamEngine
from veille.core.events.testing import T0

fix = st.tuples(
    st.integers(0, 3),  # vessel
    st.integers(0, 36 * 3600 // 600),  # time step of 10 min
    st.floats(73.95, 74.05),
    st.floats(34.95, 35.05),
    st.sampled_from([0.3, 1.5, 4.0, 12.0, None]),
    st.booleans(),  # a far-away fix (a jump, or a second ship on the MMSI)
)


def _frame(fixes: list[tuple[int, int, float, float, float | None, bool]]) -> pl.DataFrame:
    seen: dict[tuple[int, int], tuple[int, int, float, float, float | None, bool]] = {}
    for f in fixes:
        seen.setdefault((f[0], f[1]), f)
    rows = [
        (273000000 + v, T0 + timedelta(seconds=600 * k), la + (1.5 if far else 0.0), lo, s)
        for v, k, la, lo, s, far in seen.values()
    ]
    schema: dict[str, Any] = {
        "mmsi": pl.UInt32,
        "timestamp": pl.Datetime("us", "UTC"),
        "lat": pl.Float64,
        "lon": pl.Float64,
        "sog_kn": pl.Float64,
    }
    return pl.DataFrame(rows, schema=schema, orient="row").sort("timestamp", "mmsi")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(fix, min_size=1, max_size=250), st.integers(1, 60))
def test_streamed_events_equal_the_batch_events(fixes: list, chunk: int) -> None:
    df = _frame(fixes)
    until = df["timestamp"].max()
    assert isinstance(until, datetime)
    batch = detect_all(df, detectors=Detectors().with_until(until)).sort("event_id")
    engine = StreamEngine()
    parts = [engine.feed(df.slice(i, chunk)) for i in range(0, df.height, chunk)]
    parts.append(engine.close(until))
    streamed = pl.concat(parts).sort("event_id")
    assert streamed.equals(batch)
