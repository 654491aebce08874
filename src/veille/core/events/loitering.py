"""Loitering: consecutive clock hours in which a vessel's average speed stays under 2 kn.

Global Fishing Watch defines loitering by an average speed under 2 kn (Miller et al. 2018,
Frontiers in Marine Science 5:240; GFW events API); the minimum duration here, 2 h, is veille's
default (GFW lets users filter by duration). Each clock hour with at least one fix has an average
speed (the mean of its fixes' speeds, in exact tenths of a knot); a loitering event is a run of
consecutive such hours all under ``max_speed_kn`` lasting ``min_duration`` or more. It starts at
the first hour, ends with the last, and is placed at the first fix of its first hour. A run that
reaches the hour of ``until`` is open.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import polars as pl

from veille.core.tracks import US, Segmenter

from .schema import event_frame

__all__ = ["LoiteringDetector"]


@dataclass(frozen=True)
class LoiteringDetector:
    """``LoiteringDetector().detect(positions) -> events``.

    >>> from veille.core.events.testing import steady
    >>> pos = steady(273000001, 0, 4 * 3600 - 300, 300, 74.0, 35.0, sog_kn=0.5)
    >>> LoiteringDetector().detect(pos).select("duration_s", "speed_kn").rows()
    [(14400.0, 0.5)]
    """

    max_speed_kn: float = 2.0  # GFW loitering: average speed under 2 kn
    min_duration: timedelta = timedelta(hours=2)  # veille (GFW lets users choose)
    until: datetime | None = None
    segmenter: Segmenter = field(default_factory=Segmenter)

    def params(self) -> dict[str, Any]:
        return {"max_speed_kn": self.max_speed_kn, "min_duration_s": self.min_duration.total_seconds()}

    def detect(self, positions: pl.DataFrame) -> pl.DataFrame:
        df = positions if "speed_dk" in positions.columns else self.segmenter.mark(positions)
        m = df["mmsi"].to_numpy()
        h = df["timestamp"].dt.epoch("s").to_numpy() // 3600
        first = np.ones(len(m), dtype=bool)  # rows are sorted by MMSI and time: hours are runs
        first[1:] = (m[1:] != m[:-1]) | (h[1:] != h[:-1])
        starts = np.flatnonzero(first)
        dk = df["speed_dk"].to_numpy()
        hours = pl.DataFrame(
            {
                "mmsi": m[starts],
                "hour": h[starts],
                "s": np.add.reduceat(dk, starts) if len(starts) else np.zeros(0, np.int64),
                "n": np.diff(np.append(starts, len(m))),
                "lat": df["lat"].to_numpy()[starts],
                "lon": df["lon"].to_numpy()[starts],
            }
        )
        limit = round(self.max_speed_kn * 10)
        if self.until is not None:
            last_hour = int(self.until.timestamp()) // 3600
        else:
            last_hour = int(df["timestamp"].dt.epoch("s").max() or 0) // 3600  # type: ignore[arg-type]
        min_hours = int(np.ceil(self.min_duration.total_seconds() / 3600))
        runs = (
            hours.filter(pl.col("s") < limit * pl.col("n"))
            .with_columns(
                run=((pl.col("hour") - pl.col("hour").shift(1).over("mmsi")) != 1).fill_null(True).cum_sum()
            )
            .group_by("mmsi", "run")
            .agg(
                first=pl.col("hour").first(),
                last=pl.col("hour").last(),
                h=pl.len(),
                s=pl.col("s").sum(),
                n=pl.col("n").sum(),
                lat=pl.col("lat").first(),
                lon=pl.col("lon").first(),
            )
            .filter(pl.col("h") >= min_hours)
        )
        rows = runs.select(
            "mmsi",
            (pl.col("first") * 3600 * US).cast(pl.Datetime("us", "UTC")).alias("start"),
            ((pl.col("last") + 1) * 3600 * US).cast(pl.Datetime("us", "UTC")).alias("end"),
            "lat",
            "lon",
            (pl.col("s") / pl.col("n") / 10.0).alias("speed_kn"),
            (pl.col("last") >= last_hour).alias("is_open"),
            pl.format('{{"hours": {}, "fixes": {}}}', "h", "n").alias("detail"),
        )
        return event_frame("loitering", rows, self.params())
