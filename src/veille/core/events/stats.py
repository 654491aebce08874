"""Statistics per day, zone and flag state: vessels present, vessel-hours, events by type.

A vessel is *present* in a zone on a day when one of its kept fixes lies in the zone that day;
its *vessel-hours* are the clock hours with at least one such fix. Events count on the day they
start, in the zone they belong to (entries and exits) or where they began (every other type);
an encounter counts for the flags of both vessels. The zone ``all`` covers every fix. Flags come
from the MMSI's MID; Russia (MID 273) and China (MIDs 412-414) are marked ``highlight``.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from veille.core.ais.mid import mid_expr, mid_frame

from .zones import Zones, shipped_zones

__all__ = ["HIGHLIGHT_MIDS", "statistics"]

HIGHLIGHT_MIDS = (273, 412, 413, 414)


def _flags(df: pl.DataFrame, col: str = "mmsi") -> pl.DataFrame:
    flags = mid_frame().select(pl.col("mid").cast(pl.Int64), "flag_iso3")
    return (
        df.with_columns(mid_expr(pl.col(col)).cast(pl.Int64))
        .join(flags, on="mid", how="left")
        .with_columns(pl.col("flag_iso3").fill_null("unknown"), highlight=pl.col("mid").is_in(HIGHLIGHT_MIDS))
    )


def _zone_rows(lat: np.ndarray, lon: np.ndarray, zones: Zones) -> tuple[np.ndarray, np.ndarray]:
    """(row index, zone index) for every zone containing each point, plus 'all' (index -1)."""
    c = zones.contains(lat, lon)
    r, z = np.nonzero(c)
    n = len(lat)
    return np.concatenate([np.arange(n), r]), np.concatenate([np.full(n, -1), z])


def statistics(positions: pl.DataFrame, events: pl.DataFrame, zones: Zones | None = None) -> pl.DataFrame:
    """One row per (day, zone, flag): vessels, vessel_hours, events of each type, highlight.

    >>> from veille.core.events.testing import steady
    >>> pos = steady(273000001, 0, 2 * 3600, 600, 74.0, 35.0)
    >>> from veille.core.events.schema import empty_events
    >>> statistics(pos, empty_events()).filter(pl.col("zone") == "barents_sea").select(
    ...     "zone", "flag_iso3", "vessels", "vessel_hours", "highlight").rows()
    [('barents_sea', 'RUS', 1, 3, True)]
    """
    zones = zones or shipped_zones()
    names = [*zones.ids, "all"]
    pos = positions
    if "jump" in pos.columns:
        pos = pos.filter(~pl.col("jump"))
    if "quality" in pos.columns:
        pos = pos.filter(pl.col("quality") == "ok")
    r, z = _zone_rows(pos["lat"].to_numpy(), pos["lon"].to_numpy(), zones)
    p = pos.select("mmsi", "timestamp")[r].with_columns(
        zone=pl.Series([names[k] for k in z]) if len(z) else pl.Series([], dtype=pl.Utf8),
        day=pl.col("timestamp").dt.date(),
        hour=pl.col("timestamp").dt.epoch("s") // 3600,
    )
    present = (
        _flags(p)
        .group_by("day", "zone", "flag_iso3", "highlight")
        .agg(vessels=pl.col("mmsi").n_unique(), vessel_hours=pl.struct("mmsi", "hour").n_unique())
    )
    ev = events.filter(pl.col("lat").is_not_null())
    if ev.height:
        er, ez = _zone_rows(ev["lat"].to_numpy(), ev["lon"].to_numpy(), zones)
        located = ev.select("type", "mmsi", "mmsi2", "start", "zone")[er].with_columns(
            where=pl.Series([names[k] for k in ez])
        )
        located = located.filter(
            ~pl.col("type").is_in(["zone_entry", "zone_exit"])
            | (pl.col("where") == pl.col("zone"))
            | (pl.col("where") == "all")
        )
        both = pl.concat(
            [
                located.select("type", "start", "where", pl.col("mmsi")),
                located.filter(pl.col("mmsi2").is_not_null()).select(
                    "type", "start", "where", pl.col("mmsi2").alias("mmsi")
                ),
            ]
        )
        counts = (
            _flags(both)
            .with_columns(day=pl.col("start").dt.date())
            .group_by("day", pl.col("where").alias("zone"), "flag_iso3", "highlight", "type")
            .len()
            .pivot(on="type", index=["day", "zone", "flag_iso3", "highlight"], values="len")
        )
        present = present.join(
            counts, on=["day", "zone", "flag_iso3", "highlight"], how="full", coalesce=True
        )
    event_cols = [
        c
        for c in present.columns
        if c not in ("day", "zone", "flag_iso3", "highlight", "vessels", "vessel_hours")
    ]
    return present.with_columns(
        pl.col("vessels", "vessel_hours").fill_null(0), *[pl.col(c).fill_null(0) for c in event_cols]
    ).sort("day", "zone", "flag_iso3")
