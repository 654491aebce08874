"""AIS gaps: a vessel silent for ``min_gap`` or more.

Defaults after Global Fishing Watch: gap events from 6 h (GFW events API, "AIS off" gaps), and
*likely disabling* after Welch et al. 2022, "Hot spots of unseen fishing vessels" (Science
Advances 8, eabq2109): a gap of 12 h or more that begins more than 50 nm from shore where
reception was good. veille's concrete test of good reception (the paper used satellite reception
maps veille does not have): during the first ``reception_window`` of the silence, at least
``reception_min_vessels`` *other* vessels were heard in the cell where the gap began or the eight
cells around it (cells of 0.5° latitude x 1° longitude, about 170 x 115 km at 70° N; hours are
clock hours starting with the one the gap began in). Distance to shore uses Natural Earth 1:110m
land (approximate by a few km).

A vessel still silent at the end of the data (``until``, default the latest time in the input)
gets an open gap (no end; duration up to ``until``); a later run over more data closes it with
the same ``event_id``. A vessel silent for more than ``max_open`` (30 days) at ``until`` gets
none: it has left the receivers' coverage (or been laid up, renamed, scrapped), or its fixes come
from a capture long before the rest of the store, and an open gap of months or years would be
listed in every time window from its start on. Closed gaps have no such limit: the vessel was
heard again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import polars as pl

from veille.core.env import data_dir
from veille.core.geo import KM_PER_NM, ShoreIndex, haversine_km, shore_index
from veille.core.tracks import US, Segmenter, implied_speed_kn

from .schema import event_frame

__all__ = ["RX_CELL_LAT", "RX_CELL_LON", "GapDetector", "reception_table", "rx_cells"]

RX_CELL_LAT = 0.5
RX_CELL_LON = 1.0


def reception_table(positions: pl.DataFrame) -> pl.DataFrame:
    """Who was heard where and when: unique (cell_y, cell_x, hour, mmsi) of valid positions."""
    m = positions["mmsi"].to_numpy()
    cy = np.floor(positions["lat"].to_numpy() / RX_CELL_LAT).astype(np.int32)
    cx = np.floor(positions["lon"].to_numpy() / RX_CELL_LON).astype(np.int32)
    h = positions["timestamp"].dt.epoch("s").to_numpy() // 3600
    new = np.ones(len(m), dtype=bool)  # drop repeats of the previous row first (rows come in tracks)
    new[1:] = (m[1:] != m[:-1]) | (cy[1:] != cy[:-1]) | (cx[1:] != cx[:-1]) | (h[1:] != h[:-1])
    return pl.DataFrame({"cy": cy[new], "cx": cx[new], "hour": h[new], "mmsi": m[new]}).unique()


def rx_cells(lat: float, lon: float) -> list[tuple[int, int]]:
    """The 3 x 3 reception cells around a position (longitude wraps at 180°).

    >>> rx_cells(70.2, 179.5)[:3]
    [(139, 178), (139, 179), (139, -180)]
    """
    cy, cx = int(np.floor(lat / RX_CELL_LAT)), int(np.floor(lon / RX_CELL_LON))
    return [(cy + dy, (cx + dx + 180) % 360 - 180) for dy in (-1, 0, 1) for dx in (-1, 0, 1)]


@dataclass(frozen=True)
class GapDetector:
    """``GapDetector(min_gap=timedelta(hours=6)).detect(positions) -> events``.

    >>> from veille.core.events.testing import track
    >>> pos = track(257000001, [(0, 70.0, 5.0), (6 * 3600 - 60, 70.0, 5.1), (12 * 3600 - 60, 70.1, 5.1)])
    >>> GapDetector().detect(pos).select("duration_s", "is_open").rows()
    [(21600.0, False)]
    """

    min_gap: timedelta = timedelta(hours=6)  # GFW gap events
    disabling_min_gap: timedelta = timedelta(hours=12)  # Welch et al. 2022 (GFW)
    disabling_min_shore_km: float = 50 * KM_PER_NM  # Welch et al. 2022: 50 nm from shore
    reception_window: timedelta = timedelta(hours=12)  # veille: the first 12 h of the silence
    reception_min_vessels: int = 3  # veille: other vessels heard around
    max_open: timedelta = timedelta(days=30)  # veille: longer silences at ``until`` are no open gap
    until: datetime | None = None  # end of the data; default the latest time in the input
    segmenter: Segmenter = field(default_factory=Segmenter)
    shore: ShoreIndex | None = field(default=None, compare=False, repr=False)

    def params(self) -> dict[str, Any]:
        return {
            "min_gap_s": self.min_gap.total_seconds(),
            "disabling_min_gap_s": self.disabling_min_gap.total_seconds(),
            "disabling_min_shore_km": round(self.disabling_min_shore_km, 3),
            "reception_window_s": self.reception_window.total_seconds(),
            "reception_min_vessels": self.reception_min_vessels,
            "max_open_s": self.max_open.total_seconds(),
            "reception_cell_deg": [RX_CELL_LAT, RX_CELL_LON],
        }

    def detect(self, positions: pl.DataFrame, *, reception: pl.DataFrame | None = None) -> pl.DataFrame:
        """Gaps between consecutive kept fixes of each MMSI, and open gaps at ``until``.

        ``reception`` (from :func:`reception_table` over all vessels) is needed when
        ``positions`` holds one vessel only (a per-vessel batch under Spark); by default it is
        computed from ``positions``.
        """
        df = positions if "jump" in positions.columns else self.segmenter.mark(positions)
        if reception is None:
            reception = reception_table(df)
        kept = df.select("mmsi", "timestamp", "lat", "lon")
        if df["jump"].any():
            kept = kept.filter(~df["jump"])
        if kept.height == 0:
            return event_frame(
                "gap",
                pl.DataFrame(schema={"mmsi": pl.UInt32, "start": pl.Datetime("us", "UTC")}),
                self.params(),
            )
        m = kept["mmsi"].to_numpy()
        t = kept["timestamp"].dt.epoch("us").to_numpy()
        lat, lon = kept["lat"].to_numpy(), kept["lon"].to_numpy()
        min_us = int(self.min_gap.total_seconds() * US)
        same = m[1:] == m[:-1]
        i = np.flatnonzero(same & (t[1:] - t[:-1] >= min_us))
        until_us = int(self.until.timestamp() * US) if self.until is not None else int(t.max())
        last = np.flatnonzero(np.append(~same, True))
        silent = until_us - t[last]
        o = last[(silent >= min_us) & (silent <= int(self.max_open.total_seconds() * US))]
        dist = haversine_km(lat[i], lon[i], lat[i + 1], lon[i + 1])
        closed = pl.DataFrame(
            {
                "mmsi": m[i],
                "start_us": t[i],
                "end_us": t[i + 1],
                "lat": lat[i],
                "lon": lon[i],
                "end_lat": lat[i + 1],
                "end_lon": lon[i + 1],
                "distance_km": dist,
                "speed_kn": implied_speed_kn(dist, (t[i + 1] - t[i]) / US),
                "is_open": np.zeros(len(i), bool),
            }
        )
        opened = pl.DataFrame(
            {
                "mmsi": m[o],
                "start_us": t[o],
                "end_us": np.full(len(o), until_us),
                "lat": lat[o],
                "lon": lon[o],
                "is_open": np.ones(len(o), bool),
            }
        )
        gaps = pl.concat([closed, opened], how="diagonal_relaxed").with_columns(
            start=pl.col("start_us").cast(pl.Datetime("us", "UTC")),
            end=pl.when(pl.col("is_open"))
            .then(None)
            .otherwise(pl.col("end_us"))
            .cast(pl.Datetime("us", "UTC")),
            duration_s=(pl.col("end_us") - pl.col("start_us")) / US,
        )
        gaps = self._disabling(gaps, reception)
        return event_frame("gap", gaps, self.params())

    def _disabling(self, gaps: pl.DataFrame, reception: pl.DataFrame) -> pl.DataFrame:
        long = gaps["duration_s"].to_numpy() >= self.disabling_min_gap.total_seconds()
        flag = np.zeros(gaps.height, dtype=bool)
        rx = np.zeros(gaps.height, dtype=np.int64)
        shore_km = np.full(gaps.height, np.nan)
        idx = np.flatnonzero(long)
        if len(idx):
            shore = self.shore or shore_index(str(data_dir()))
            sub = gaps[idx]
            shore_km[idx] = shore.distance_km(sub["lat"].to_numpy(), sub["lon"].to_numpy())
            rx[idx] = self.reception_counts(sub, reception)
            flag[idx] = (shore_km[idx] > self.disabling_min_shore_km) & (
                rx[idx] >= self.reception_min_vessels
            )
        # the JSON that json.dumps writes for {"shore_km": …, "other_vessels_heard": …}, without
        # a dict and an encoder per gap (floats print with repr, as json does)
        detail: list[str | None] = [None] * gaps.height
        for k, s, r in zip(idx.tolist(), shore_km[idx].tolist(), rx[idx].tolist(), strict=True):
            km = repr(round(s, 3)) if np.isfinite(s) else "null"
            detail[k] = f'{{"shore_km": {km}, "other_vessels_heard": {r}}}'
        return gaps.with_columns(likely_disabling=pl.Series(flag), detail=pl.Series(detail, dtype=pl.Utf8))

    def reception_counts(self, gaps: pl.DataFrame, reception: pl.DataFrame) -> np.ndarray:
        """Other vessels heard around each gap's start during the reception window.

        The reception table is sorted once by cell and hour: a gap's window in one cell (its
        hours one after another) is then one range of rows, found by binary search, nine ranges
        per gap; the vessels of those ranges are counted once per gap.
        """
        hours = int(np.ceil(self.reception_window.total_seconds() / 3600))
        n = gaps.height
        out = np.zeros(n, dtype=np.int64)
        if n == 0 or reception.height == 0:
            return out
        cy = np.floor(gaps["lat"].to_numpy() / RX_CELL_LAT).astype(np.int64)
        cx = np.floor(gaps["lon"].to_numpy() / RX_CELL_LON).astype(np.int64)
        h0 = gaps["start_us"].to_numpy() // US // 3600
        r_hour = reception["hour"].to_numpy().astype(np.int64)
        if min(h0.min(), r_hour.min()) < 0 or max(h0.max() + hours, r_hour.max()) >= 1 << 32:
            return self._reception_counts_join(gaps, reception)  # hours outside the packed key

        def key(y: np.ndarray, x: np.ndarray, h: np.ndarray) -> np.ndarray:  # cells within +-1024
            return ((y + 1024) << 43) | ((x + 1024) << 32) | h

        rk = key(
            reception["cy"].to_numpy().astype(np.int64), reception["cx"].to_numpy().astype(np.int64), r_hour
        )
        o = np.argsort(rk, kind="stable")
        rk = rk[o]
        rm = reception["mmsi"].to_numpy().astype(np.int64)[o]
        dy, dx = np.repeat([-1, 0, 1], 3), np.tile([-1, 0, 1], 3)
        py = (cy[:, None] + dy).ravel()
        px = ((cx[:, None] + dx + 180) % 360 - 180).ravel()
        ph = np.repeat(h0, 9)
        lo = np.searchsorted(rk, key(py, px, ph))
        cnt = np.searchsorted(rk, key(py, px, ph + hours)) - lo
        total = int(cnt.sum())
        if total == 0:
            return out
        k = np.repeat(np.repeat(np.arange(n, dtype=np.int64), 9), cnt)
        heard = rm[np.repeat(lo - (np.cumsum(cnt) - cnt), cnt) + np.arange(total)]
        other = heard != gaps["mmsi"].to_numpy().astype(np.int64)[k]
        pairs = pl.Series((k[other] << 32) | heard[other]).unique().to_numpy()
        return np.bincount(pairs >> 32, minlength=n).astype(np.int64)

    def _reception_counts_join(self, gaps: pl.DataFrame, reception: pl.DataFrame) -> np.ndarray:
        """:meth:`reception_counts` as a join of every cell and hour of every gap's window."""
        hours = int(np.ceil(self.reception_window.total_seconds() / 3600))
        n = gaps.height
        cy = np.floor(gaps["lat"].to_numpy() / RX_CELL_LAT).astype(np.int64)
        cx = np.floor(gaps["lon"].to_numpy() / RX_CELL_LON).astype(np.int64)
        h0 = gaps["start_us"].to_numpy() // US // 3600
        grid = np.meshgrid([-1, 0, 1], [-1, 0, 1], np.arange(hours), indexing="ij")
        dy, dx, dh = (g.ravel() for g in grid)
        k = np.repeat(np.arange(n), len(dy))
        q = pl.DataFrame(
            {
                "k": k,
                "self": np.repeat(gaps["mmsi"].to_numpy(), len(dy)),
                "cy": (cy[k] + np.tile(dy, n)).astype(np.int32),
                "cx": ((cx[k] + np.tile(dx, n) + 180) % 360 - 180).astype(np.int32),
                "hour": h0[k] + np.tile(dh, n),
            }
        )
        hits = (
            q.join(reception.with_columns(pl.col("hour").cast(pl.Int64)), on=["cy", "cx", "hour"])
            .filter(pl.col("mmsi") != pl.col("self"))
            .group_by("k")
            .agg(pl.col("mmsi").n_unique().alias("n"))
        )
        out = np.zeros(gaps.height, dtype=np.int64)
        out[hits["k"].to_numpy()] = hits["n"].to_numpy()
        return out
