"""Small builders of position frames for examples and tests (synthetic, seeded by hand)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import polars as pl

__all__ = ["SCHEMA", "T0", "steady", "track"]

T0 = datetime(2026, 1, 5, tzinfo=UTC)
SCHEMA: dict[str, Any] = {
    "mmsi": pl.UInt32,
    "timestamp": pl.Datetime("us", "UTC"),
    "lat": pl.Float64,
    "lon": pl.Float64,
    "sog_kn": pl.Float64,
}


def track(
    mmsi: int,
    fixes: Sequence[tuple[float, float, float] | tuple[float, float, float, float]],
    t0: datetime = T0,
) -> pl.DataFrame:
    """A frame of positions for one MMSI from ``(seconds after t0, lat, lon[, sog_kn])`` tuples.

    >>> track(257000001, [(0, 70.0, 20.0)]).row(0)[:2]
    (257000001, datetime.datetime(2026, 1, 5, 0, 0, tzinfo=zoneinfo.ZoneInfo(key='UTC')))
    """
    rows = [
        (mmsi, t0 + timedelta(seconds=f[0]), float(f[1]), float(f[2]), float(f[3]) if len(f) > 3 else 10.0)
        for f in fixes
    ]
    return pl.DataFrame(rows, schema=SCHEMA, orient="row")


def steady(
    mmsi: int,
    start_s: float,
    end_s: float,
    every_s: float,
    lat: float,
    lon: float,
    *,
    sog_kn: float = 10.0,
    dlat_per_h: float = 0.0,
    dlon_per_h: float = 0.0,
    t0: datetime = T0,
) -> pl.DataFrame:
    """Fixes every ``every_s`` from ``start_s`` to ``end_s`` (inclusive) on a straight line."""
    fixes = []
    t = start_s
    while t <= end_s + 1e-9:
        h = (t - start_s) / 3600.0
        fixes.append((t, lat + dlat_per_h * h, lon + dlon_per_h * h, sog_kn))
        t += every_s
    return track(mmsi, fixes, t0)
