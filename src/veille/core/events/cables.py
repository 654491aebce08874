"""Time near undersea cables: a vessel within 1 km of a cable route at under 5 kn.

Routes are TeleGeography's submarine cable map (``data/geo/telegeography_cable-geo.json``,
CC BY-NC-SA 3.0: an optional layer, for non-commercial use with attribution; without the file the
detector returns no events). Routes are drawn schematically, so "within 1 km" of a route is
within 1 km of where the map draws it. The thresholds are veille's (no published standard):
1 km is about the spacing of a cable's charted protection corridor, 5 kn separates transit from
drifting, anchoring or working; ``min_duration`` keeps passages out (at 5 kn a ship crosses a
2 km corridor in 13 minutes).

An event is a run of consecutive kept fixes of one vessel, each within ``max_distance_km`` of a
route and under ``max_speed_kn``, no two more than ``max_gap`` apart, lasting ``min_duration`` or
more. ``zone`` names the cables seen during the run; ``distance_km`` is the closest approach.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from veille.core.env import data_dir
from veille.core.geo import LineIndex
from veille.core.tracks import US, Segmenter

from .schema import event_frame

__all__ = ["CABLE_FILE", "NOTICE", "CableDetector"]

CABLE_FILE = Path("geo") / "telegeography_cable-geo.json"
NOTICE = (
    "Submarine cable routes: TeleGeography, submarinecablemap.com, CC BY-NC-SA 3.0 "
    "(non-commercial use, attribution, share-alike)"
)


@lru_cache(maxsize=4)
def cable_index(path: str | None = None, cap_km: float = 1.0) -> LineIndex | None:
    """Cable routes as a :class:`LineIndex` labelled with cable names, ``None`` without the file.

    >>> idx = cable_index()
    >>> idx is not None and "Svalbard Undersea Cable System" in idx.labels
    True
    """
    file = Path(path) if path else data_dir() / CABLE_FILE
    if not file.is_file():
        return None
    doc = json.loads(file.read_text(encoding="utf-8"))
    lines, labels = [], []
    for feat in doc["features"]:
        geom = feat["geometry"]
        parts = geom["coordinates"] if geom["type"] == "MultiLineString" else [geom["coordinates"]]
        for part in parts:
            lines.append([(float(p[0]), float(p[1])) for p in part])
            labels.append(str(feat["properties"].get("name") or feat["properties"].get("id")))
    return LineIndex.from_lines(lines, labels, cap_km=cap_km)


@dataclass(frozen=True)
class CableDetector:
    """``CableDetector().detect(positions) -> events`` (type ``cable``).

    >>> from veille.core.events.testing import steady
    >>> pos = steady(273000001, 0, 2 * 3600, 300, 71.5797, 14.4001, sog_kn=1.0)  # on the Svalbard cable
    >>> CableDetector().detect(pos).select("zone", "duration_s").rows()
    [('Svalbard Undersea Cable System', 7200.0)]
    """

    max_distance_km: float = 1.0  # veille (issue 8)
    max_speed_kn: float = 5.0  # veille (issue 8)
    min_duration: timedelta = timedelta(hours=1)  # veille: longer than any passage
    max_gap: timedelta = timedelta(hours=1)  # veille: a longer silence ends the run
    until: datetime | None = None
    cables: LineIndex | None = field(default=None, compare=False, repr=False)
    segmenter: Segmenter = field(default_factory=Segmenter)

    def params(self) -> dict[str, Any]:
        return {
            "max_distance_km": self.max_distance_km,
            "max_speed_kn": self.max_speed_kn,
            "min_duration_s": self.min_duration.total_seconds(),
            "max_gap_s": self.max_gap.total_seconds(),
        }

    def index(self) -> LineIndex | None:
        return self.cables if self.cables is not None else cable_index(None, self.max_distance_km)

    def near(self, lat: np.ndarray, lon: np.ndarray, speed_dk: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Distance (km, ``inf`` when not near) and cable index (-1) for slow fixes."""
        dist = np.full(len(lat), np.inf)
        which = np.full(len(lat), -1, dtype=np.int64)
        idx = self.index()
        if idx is None:
            return dist, which
        slow = np.flatnonzero(speed_dk < round(self.max_speed_kn * 10))
        if len(slow):
            d, w = idx.nearest(lat[slow], lon[slow])
            ok = d <= self.max_distance_km
            dist[slow[ok]], which[slow[ok]] = d[ok], w[ok]
        return dist, which

    def detect(
        self, positions: pl.DataFrame, *, near: tuple[np.ndarray, np.ndarray] | None = None
    ) -> pl.DataFrame:
        df = positions if "jump" in positions.columns else self.segmenter.mark(positions)
        idx = self.index()
        if idx is None:
            return event_frame("cable", pl.DataFrame(schema={"mmsi": pl.UInt32}), self.params())
        keep = ~df["jump"].to_numpy()
        kept = df.filter(pl.Series(keep))
        m = kept["mmsi"].to_numpy()
        t = kept["timestamp"].dt.epoch("us").to_numpy()
        lat, lon = kept["lat"].to_numpy(), kept["lon"].to_numpy()
        if near is None:
            dist, which = self.near(lat, lon, kept["speed_dk"].to_numpy())
        else:
            dist, which = near[0][keep], near[1][keep]
        hit = np.flatnonzero(which >= 0)
        if len(hit) == 0:
            return event_frame("cable", pl.DataFrame(schema={"mmsi": pl.UInt32}), self.params())
        gap_us = int(self.max_gap.total_seconds() * US)
        cont = np.zeros(len(hit), dtype=bool)
        cont[1:] = (
            (hit[1:] == hit[:-1] + 1) & (m[hit[1:]] == m[hit[:-1]]) & (t[hit[1:]] - t[hit[:-1]] <= gap_us)
        )
        run = np.cumsum(~cont)
        last_of_vessel = np.append(m[1:] != m[:-1], True)
        until_us = int(self.until.timestamp() * US) if self.until is not None else int(t.max())
        runs = (
            pl.DataFrame(
                {
                    "run": run,
                    "mmsi": m[hit],
                    "t": t[hit],
                    "lat": lat[hit],
                    "lon": lon[hit],
                    "d": dist[hit],
                    "cable": [idx.labels[w] for w in which[hit]],
                    "tail": last_of_vessel[hit],
                }
            )
            .group_by("run", maintain_order=True)
            .agg(
                mmsi=pl.col("mmsi").first(),
                s=pl.col("t").first(),
                e=pl.col("t").last(),
                lat=pl.col("lat").first(),
                lon=pl.col("lon").first(),
                distance_km=pl.col("d").min(),
                zone=pl.col("cable").unique().sort().str.join("; "),
                tail=pl.col("tail").last(),
                n=pl.len(),
            )
            .filter(pl.col("e") - pl.col("s") >= int(self.min_duration.total_seconds() * US))
        )
        rows = runs.select(
            "mmsi",
            "lat",
            "lon",
            "distance_km",
            "zone",
            pl.col("s").cast(pl.Datetime("us", "UTC")).alias("start"),
            pl.col("e").cast(pl.Datetime("us", "UTC")).alias("end"),
            (pl.col("tail") & (until_us - pl.col("e") <= gap_us)).alias("is_open"),
            pl.format('{{"fixes": {}}}', "n").alias("detail"),
        )
        return event_frame("cable", rows, self.params())
