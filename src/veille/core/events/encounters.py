"""Encounters: two vessels close together, slow, for a long time, away from port.

Definition after Global Fishing Watch (Miller et al. 2018, "Identifying global patterns of
transshipment behavior", Frontiers in Marine Science 5:240): within 500 m of each other for at
least 2 h, at a median speed under 2 kn, more than 10 km from a coastal anchorage. veille has no
anchorage or port dataset, so "from port" is measured as distance from the coast (Natural Earth
1:110m land): every port is on the coast, so this never keeps an encounter inside a port, but it
also drops encounters less than 10 km off a coast far from any port.

How it is computed (the same in the batch and streaming engines): time is cut into 10-minute bins;
each vessel's last fix in a bin stands for the bin; two vessels are *together* in a bin when those
fixes are within ``max_distance_km``; an encounter is a run of consecutive bins together lasting
at least ``min_duration`` (12 bins = 2 h), in which each vessel's median speed (the upper median of
its bin speeds) is under ``max_median_speed_kn``, and whose first bin lies more than
``min_shore_km`` from the coast. The event starts at its first bin, ends with its last, and is
placed at the midpoint of the two vessels in the first bin.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import polars as pl

from veille.core.env import data_dir
from veille.core.geo import EARTH_RADIUS_KM, ShoreIndex, haversine_km, shore_index
from veille.core.tracks import US, Segmenter

from .schema import event_frame

__all__ = ["EncounterDetector", "cell3", "finish_runs", "pairs_within"]

# the cell itself and the 13 neighbours "after" it: every pair of cells is looked at once
_OFFSETS = np.array(
    [(a, b, c) for a in (-1, 0, 1) for b in (-1, 0, 1) for c in (-1, 0, 1) if (a, b, c) >= (0, 0, 0)],
    dtype=np.int64,
)


def cell3(lat: Any, lon: Any, size_km: float) -> tuple[Any, Any, Any]:
    """Cube of ``size_km`` holding each point on the Earth's surface (Earth-centred coordinates).

    >>> cell3(np.array([90.0]), np.array([0.0]), 0.5)[2].tolist()
    [12742]
    """
    p, lam = np.radians(lat), np.radians(lon)
    x = EARTH_RADIUS_KM * np.cos(p) * np.cos(lam)
    y = EARTH_RADIUS_KM * np.cos(p) * np.sin(lam)
    z = EARTH_RADIUS_KM * np.sin(p)
    return (
        np.floor(x / size_km).astype(np.int64),
        np.floor(y / size_km).astype(np.int64),
        np.floor(z / size_km).astype(np.int64),
    )


def pairs_within(
    key: np.ndarray, mmsi: np.ndarray, lat: np.ndarray, lon: np.ndarray, max_km: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Index pairs (i, j), ``mmsi[i] < mmsi[j]``, with equal ``key`` (time bin) within ``max_km``.

    Points fall into cubes of ``max_km`` (Earth-centred coordinates); two points that close lie
    in the same or neighbouring cubes. Columns of cubes (same bin, x and y) are found by binary
    search in the sorted column keys; the own column and four neighbours cover every pair once.

    >>> i, j, d = pairs_within(np.zeros(3, np.int64), np.array([3, 1, 2]), np.array([70.0, 70.001, 71.0]),
    ...                        np.array([5.0, 5.0, 5.0]), 0.5)
    >>> i.tolist(), j.tolist(), [round(float(x), 3) for x in d]
    ([1], [0], [0.111])
    """
    n = len(key)
    if n == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    cx, cy, cz = cell3(lat, lon, max_km)
    col = (np.asarray(key, dtype=np.int64) << 32) | ((cx + 32768) << 16) | (cy + 32768)
    order = np.argsort(col, kind="stable")
    sc = col[order]
    cz_s = cz[order]
    # where each run of equal column keys ends: a column found by one search is the run there
    new_run = np.flatnonzero(sc[1:] != sc[:-1]) + 1
    run_of = np.zeros(n, dtype=np.int64)
    run_of[new_run] = 1
    run_end = np.append(new_run, n)[np.cumsum(run_of)]
    ii_parts, jj_parts = [], []
    for ox, oy in ((0, 0), (0, 1), (1, -1), (1, 0), (1, 1)):
        probe = sc + ((ox << 16) + oy)  # sorted, like sc: the searches walk both arrays in order
        left = np.searchsorted(sc, probe, "left")
        at = np.minimum(left, n - 1)
        cnt = np.where(sc[at] == probe, run_end[at] - left, 0)
        total = int(cnt.sum())
        if total == 0:
            continue
        a = np.repeat(np.arange(n), cnt)
        b = np.repeat(left, cnt) + (np.arange(total) - np.repeat(np.cumsum(cnt) - cnt, cnt))
        ok = np.abs(cz_s[a] - cz_s[b]) <= 1
        if ox == 0 and oy == 0:
            ok &= a < b
        ii_parts.append(order[a[ok]])
        jj_parts.append(order[b[ok]])
    if not ii_parts:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    i, j = np.concatenate(ii_parts), np.concatenate(jj_parts)
    lo_first = mmsi[i] < mmsi[j]
    i, j = np.where(lo_first, i, j), np.where(lo_first, j, i)
    keep = mmsi[i] != mmsi[j]  # a vessel is never paired with itself
    i, j = i[keep], j[keep]
    d = haversine_km(lat[i], lon[i], lat[j], lon[j])
    ok = d <= max_km
    # a canonical order, so that results do not depend on the order of the input
    o = np.lexsort((mmsi[j][ok], mmsi[i][ok], np.asarray(key)[i][ok]))
    return i[ok][o], j[ok][o], d[ok][o]


@dataclass(frozen=True)
class EncounterDetector:
    """``EncounterDetector().detect(positions) -> events`` (one row per pair, ``mmsi < mmsi2``).

    >>> from veille.core.events.testing import steady
    >>> a = steady(273000001, 0, 3 * 3600, 300, 74.0, 35.0, sog_kn=1.0)
    >>> b = steady(257000002, 0, 3 * 3600, 300, 74.001, 35.0, sog_kn=1.0)
    >>> EncounterDetector().detect(pl.concat([a, b])).select("mmsi", "mmsi2", "duration_s").rows()
    [(257000002, 273000001, 11400.0)]
    """

    max_distance_km: float = 0.5  # GFW (Miller et al. 2018): 500 m
    min_duration: timedelta = timedelta(hours=2)  # GFW: 2 h
    max_median_speed_kn: float = 2.0  # GFW: median speed under 2 kn
    min_shore_km: float = 10.0  # GFW: 10 km from a coastal anchorage (here: from the coast)
    bin: timedelta = timedelta(minutes=10)  # GFW resamples tracks to 10-minute steps
    until: datetime | None = None
    segmenter: Segmenter = field(default_factory=Segmenter)
    shore: ShoreIndex | None = field(default=None, compare=False, repr=False)

    def params(self) -> dict[str, Any]:
        return {
            "max_distance_km": self.max_distance_km,
            "min_duration_s": self.min_duration.total_seconds(),
            "max_median_speed_kn": self.max_median_speed_kn,
            "min_shore_km": self.min_shore_km,
            "bin_s": self.bin.total_seconds(),
        }

    @property
    def min_bins(self) -> int:
        return int(np.ceil(self.min_duration / self.bin))

    def representatives(self, positions: pl.DataFrame) -> pl.DataFrame:
        """Each vessel's last fix in each time bin (mmsi, bin, lat, lon, speed_dk)."""
        df = positions if "speed_dk" in positions.columns else self.segmenter.mark(positions)
        bin_us = int(self.bin.total_seconds() * US)
        m = df["mmsi"].to_numpy()
        b = df["timestamp"].dt.epoch("us").to_numpy() // bin_us
        last = np.ones(len(m), dtype=bool)  # rows are sorted by MMSI and time: the last of each run
        last[:-1] = (m[1:] != m[:-1]) | (b[1:] != b[:-1])
        keep = pl.Series(last)
        return (
            df.select("mmsi", "timestamp", "lat", "lon", "speed_dk")
            .filter(keep)
            .with_columns(bin=pl.Series(b[last]))
        )

    def detect(self, positions: pl.DataFrame) -> pl.DataFrame:
        reps = self.representatives(positions)
        m = reps["mmsi"].to_numpy().astype(np.int64)
        b = reps["bin"].to_numpy()
        lat, lon = reps["lat"].to_numpy(), reps["lon"].to_numpy()
        i, j, _ = pairs_within(b, m, lat, lon, self.max_distance_km)
        slow = reps["speed_dk"].to_numpy() < round(self.max_median_speed_kn * 10)
        tog = pl.DataFrame(
            {
                "a": m[i],
                "b": m[j],
                "bin": b[i],
                "slow_a": slow[i],
                "slow_b": slow[j],
                "lat": (lat[i] + lat[j]) / 2,
                "lon": _mid_lon(lon[i], lon[j]),
            }
        ).sort("a", "b", "bin")
        if self.until is not None:
            last_bin = int(self.until.timestamp() * US) // int(self.bin.total_seconds() * US)
        else:
            last_bin = int(b.max()) if len(b) else 0
        runs = finish_runs(tog, self.min_bins, last_bin)
        return self._events(runs)

    def _events(self, runs: pl.DataFrame) -> pl.DataFrame:
        bin_us = int(self.bin.total_seconds() * US)
        if runs.height:
            shore = self.shore or shore_index(str(data_dir()))
            far = shore.distance_km(runs["lat"].to_numpy(), runs["lon"].to_numpy()) > self.min_shore_km
            runs = runs.filter(pl.Series(far))
        rows = runs.select(
            pl.col("a").alias("mmsi"),
            pl.col("b").alias("mmsi2"),
            (pl.col("first") * bin_us).cast(pl.Datetime("us", "UTC")).alias("start"),
            ((pl.col("last") + 1) * bin_us).cast(pl.Datetime("us", "UTC")).alias("end"),
            "lat",
            "lon",
            "is_open",
            pl.format('{{"bins": {}, "slow_bins": [{}, {}]}}', "n", "slow_a", "slow_b").alias("detail"),
        )
        return event_frame("encounter", rows, self.params())


def _mid_lon(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    d = (b - a + 180.0) % 360.0 - 180.0
    return np.asarray((a + d / 2 + 180.0) % 360.0 - 180.0)


def finish_runs(tog: pl.DataFrame, min_bins: int, last_bin: int) -> pl.DataFrame:
    """Runs of consecutive bins per pair that qualify (long enough, slow upper medians)."""
    runs = (
        tog.with_columns(
            run=((pl.col("bin") - pl.col("bin").shift(1).over("a", "b")) != 1).fill_null(True).cum_sum()
        )
        .group_by("a", "b", "run")
        .agg(
            first=pl.col("bin").first(),
            last=pl.col("bin").last(),
            n=pl.len(),
            slow_a=pl.col("slow_a").sum(),
            slow_b=pl.col("slow_b").sum(),
            lat=pl.col("lat").first(),
            lon=pl.col("lon").first(),
        )
        .filter(
            (pl.col("n") >= min_bins)
            & (pl.col("slow_a") * 2 > pl.col("n"))
            & (pl.col("slow_b") * 2 > pl.col("n"))
        )
        .with_columns(is_open=pl.col("last") >= last_bin)
        .sort("a", "b", "first")
    )
    return runs
