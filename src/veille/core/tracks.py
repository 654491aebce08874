"""Tracks: cleaning a batch of positions and cutting each MMSI's positions into segments.

Positions are a Polars frame with at least ``mmsi`` (UInt32), ``timestamp`` (Datetime UTC),
``lat``, ``lon`` and optionally ``sog_kn``. Nothing is ever dropped silently:

- :func:`clean` sorts by MMSI and time, removes exact duplicates (same MMSI, time and position;
  for two different positions at the same time the first received is kept) and sets ``quality``
  to ``ok``, ``no_position`` (latitude 91, longitude 181 — AIS "not available" — or outside the
  globe), ``null_island`` (0°, 0°) or ``future`` (later than the run time plus a tolerance). It
  returns the frame and the counts of each case.
- :meth:`Segmenter.mark` adds ``jump`` (an isolated position jump: a fix that can be reached from
  the fix before it and left towards the fix after it only above ``max_speed_kn``, while those two
  fixes agree with each other; when such fixes follow one another — two tracks alternating fix by
  fix — every other one, starting with the first, is the jump), ``segment`` (a new segment after
  more than ``max_gap`` of silence or an implied speed above ``max_speed_kn``) and ``speed_dk``
  (speed over ground in tenths of a knot, the reported one or else the one implied from the
  previous fix; integers keep every speed threshold exact).
- :class:`Segmenter` turns jumps and breaks into events: ``position_jump`` for a jump that does not
  continue an earlier jump (a bad or spoofed fix), ``shared_mmsi`` for a UTC day on which an MMSI's
  fixes keep alternating between two tracks (two ships sending one MMSI).

Defaults follow Global Fishing Watch's segmenter (gpsdio-segment / pipe-segment: a new segment
beyond 24 h of silence or an implied speed the ship cannot sail).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import polars as pl

from veille.core.geo import EARTH_RADIUS_KM, KM_PER_NM, haversine_km

__all__ = [
    "QUALITY",
    "US",
    "QualityReport",
    "Segmenter",
    "clean",
    "implied_speed_kn",
    "mark_arrays",
    "step_speeds",
    "valid",
]

QUALITY = ("ok", "no_position", "null_island", "future")
US = 1_000_000


@dataclass
class QualityReport:
    """What :func:`clean` found: rows read; out of order (fixes earlier than the fix their vessel
    sent before them, in arrival order); duplicates; and flagged rows by reason."""

    rows: int = 0
    out_of_order: int = 0
    duplicates: int = 0
    flagged: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "out_of_order": self.out_of_order,
            "duplicates": self.duplicates,
            "flagged": dict(sorted(self.flagged.items())),
        }


def clean(
    positions: pl.DataFrame,
    *,
    now: datetime | None = None,
    future_tolerance: timedelta = timedelta(minutes=5),
) -> tuple[pl.DataFrame, QualityReport]:
    """Sorted, de-duplicated positions with a ``quality`` column, and what was found.

    >>> t = datetime(2026, 1, 1, tzinfo=UTC)
    >>> df = pl.DataFrame({"mmsi": [1, 1, 1, 2], "timestamp": [t + timedelta(minutes=1), t, t, t],
    ...                    "lat": [0.0, 70.0, 70.0, 91.0], "lon": [0.0, 20.0, 20.0, 181.0]})
    >>> out, report = clean(df, now=t + timedelta(hours=1))
    >>> out["quality"].to_list(), report.duplicates, report.out_of_order
    (['ok', 'null_island', 'no_position'], 1, 1)
    """
    now = now or datetime.now(UTC)
    report = QualityReport(rows=positions.height)
    if positions.height == 0:
        return positions.with_columns(quality=pl.lit("ok")), report
    t_in = positions["timestamp"].dt.epoch("us").to_numpy()
    n_rows = positions.height
    if (np.diff(t_in) >= 0).all():  # arrival in time order: a stable sort by MMSI keeps it (3x faster)
        df = positions.sort("mmsi", maintain_order=True)
    else:
        # a fix earlier than the one its vessel sent before it, in arrival order: a property of each
        # vessel's own fixes, so the same whether the vessels are read together or in buckets
        late = pl.col("timestamp").diff().over("mmsi") < timedelta(0)
        report.out_of_order = int(positions.select(late.sum()).item() or 0)
        df = positions.with_row_index("_order").sort(["mmsi", "timestamp", "_order"]).drop("_order")
    m = df["mmsi"].to_numpy()
    t = df["timestamp"].dt.epoch("us").to_numpy()
    dup = np.zeros(n_rows, dtype=bool)
    dup[1:] = (m[1:] == m[:-1]) & (t[1:] == t[:-1])
    if dup.any():  # the first received of each (MMSI, time) stays
        first = np.maximum.accumulate(np.where(dup, 0, np.arange(n_rows)))
        la = df["lat"].to_numpy().astype(np.float64)
        lo = df["lon"].to_numpy().astype(np.float64)

        def differs(x: np.ndarray) -> np.ndarray:
            y = x[first]
            return np.asarray((x != y) & ~(np.isnan(x) & np.isnan(y)))

        other = int((dup & (differs(la) | differs(lo))).sum())
        if other:
            report.flagged["same_time_other_position"] = other
        report.duplicates = int(dup.sum())
        df = df.filter(pl.Series(~dup))
    lat, lon = pl.col("lat"), pl.col("lon")
    df = df.with_columns(
        quality=pl.when(lat.is_null() | lon.is_null() | (lat.abs() > 90) | (lon.abs() > 180))
        .then(pl.lit("no_position"))
        .when((lat == 0) & (lon == 0))
        .then(pl.lit("null_island"))
        .when(pl.col("timestamp").dt.epoch("us") > int((now + future_tolerance).timestamp() * US))
        .then(pl.lit("future"))
        .otherwise(pl.lit("ok"))
    )
    counts = df.group_by("quality").len()
    for q, c in counts.iter_rows():
        if q != "ok":
            report.flagged[q] = int(c)
    return df, report


def valid(positions: pl.DataFrame) -> pl.DataFrame:
    """Rows usable for tracks, sorted by MMSI and time (sorting is skipped when already sorted).

    >>> t = datetime(2026, 1, 1, tzinfo=UTC)
    >>> df = pl.DataFrame({"mmsi": [1, 1], "timestamp": [t, t], "lat": [0.0, 70.0], "lon": [0.0, 5.0]})
    >>> valid(df).height
    1
    """
    df = positions
    if "quality" in df.columns:
        ok = pl.col("quality") == "ok"
    else:
        lat, lon = pl.col("lat"), pl.col("lon")
        ok = (
            lat.is_not_null()
            & lon.is_not_null()
            & (lat.abs() <= 90)
            & (lon.abs() <= 180)
            & ~((lat == 0) & (lon == 0))
        )
    if not df.select(ok.all()).item():  # a copy of the frame only when a row goes
        df = df.filter(ok)
    if df.height > 1:
        m = df["mmsi"].to_numpy().astype(np.int64)
        t = df["timestamp"].dt.epoch("us").to_numpy()
        dm = np.diff(m)
        if (dm < 0).any() or ((dm == 0) & (np.diff(t) < 0)).any():
            df = df.sort(["mmsi", "timestamp"])
            m = df["mmsi"].to_numpy().astype(np.int64)
            t = df["timestamp"].dt.epoch("us").to_numpy()
            dm = np.diff(m)
        if ((dm == 0) & (np.diff(t) == 0)).any():  # two fixes at one time: keep one, whatever the order
            df = df.sort(["mmsi", "timestamp", "lat", "lon"]).unique(
                ["mmsi", "timestamp"], keep="first", maintain_order=True
            )
    return df


def implied_speed_kn(dist_km: Any, dt_s: Any) -> Any:
    """Speed in knots over a distance and a time; times under one second count as one second.

    >>> float(implied_speed_kn(1.852, 3600.0))
    1.0
    """
    return dist_km / KM_PER_NM / (np.maximum(dt_s, 1.0) / 3600.0)


@dataclass(frozen=True)
class Segmenter:
    """Segments per MMSI; ``detect`` returns ``position_jump`` and ``shared_mmsi`` events.

    >>> from veille.core.events.testing import track
    >>> pos = track(257000001, [(0, 70.0, 20.0), (600, 70.02, 20.0), (1200, 75.0, 20.0), (1800, 70.05, 20.0)])
    >>> Segmenter().detect(pos)["type"].to_list()
    ['position_jump']
    """

    max_gap: timedelta = timedelta(hours=24)  # GFW gpsdio-segment: max_hours 24
    max_speed_kn: float = 25.0  # veille's issue 8 after GFW's segmenter: implied speed limit
    shared_min_evidence: int = 3  # veille: breaks + continued jumps per UTC day to call an MMSI shared

    def params(self) -> dict[str, Any]:
        return {
            "max_gap_s": self.max_gap.total_seconds(),
            "max_speed_kn": self.max_speed_kn,
            "shared_min_evidence": self.shared_min_evidence,
        }

    def mark(self, positions: pl.DataFrame, *, valid_rows: bool = False) -> pl.DataFrame:
        """Valid positions with ``jump``, ``brk``, ``segment``, ``speed_dk`` and ``cont`` columns;
        ``valid_rows``: ``positions`` are already what :func:`valid` returns (not checked again)."""
        df = positions if valid_rows else valid(positions)
        n = df.height
        if n == 0:
            return df.with_columns(
                jump=pl.lit(False),
                brk=pl.lit(False),
                cont=pl.lit(False),
                evidence=pl.lit(False),
                segment=pl.lit(0, pl.Int64),
                speed_dk=pl.lit(0, pl.Int64),
            )
        m = df["mmsi"].to_numpy().astype(np.int64)
        t = df["timestamp"].dt.epoch("us").to_numpy() / US
        lat = df["lat"].to_numpy()
        lon = df["lon"].to_numpy()
        jump, brk, cont, evidence, implied = mark_arrays(
            m, t, lat, lon, self.max_gap.total_seconds(), self.max_speed_kn
        )
        sog = df["sog_kn"].to_numpy() if "sog_kn" in df.columns else np.full(n, np.nan)
        sog = sog.astype(np.float64)
        speed_dk = np.rint(np.where(np.isnan(sog), implied, sog) * 10.0).astype(np.int64)
        first = np.ones(n, dtype=bool)
        first[1:] = m[1:] != m[:-1]
        segment = np.cumsum(brk | first)
        return df.with_columns(
            jump=pl.Series(jump),
            brk=pl.Series(brk),
            cont=pl.Series(cont),
            evidence=pl.Series(evidence),
            segment=pl.Series(segment, dtype=pl.Int64),
            speed_dk=pl.Series(speed_dk),
        )

    def detect(self, positions: pl.DataFrame) -> pl.DataFrame:
        """Events ``position_jump`` and ``shared_mmsi`` (see the module docstring)."""
        from veille.core.events.schema import event_frame

        df = positions if "jump" in positions.columns else self.mark(positions)
        jumps = df.filter(pl.col("jump") & ~pl.col("cont")).select(
            "mmsi", start=pl.col("timestamp"), end=pl.col("timestamp"), lat="lat", lon="lon"
        )
        day = pl.col("timestamp").dt.date()
        shared = (
            df.filter(pl.col("evidence"))
            .group_by("mmsi", day.alias("day"))
            .agg(
                start=pl.col("timestamp").min(),
                end=pl.col("timestamp").max(),
                lat=pl.col("lat").first(),
                lon=pl.col("lon").first(),
                evidence=pl.len(),
            )
            .filter(pl.col("evidence") >= self.shared_min_evidence)
            .with_columns(detail=pl.format('{{"evidence": {}}}', "evidence"))
            .drop("day", "evidence")
        )
        p = self.params()
        return pl.concat([event_frame("position_jump", jumps, p), event_frame("shared_mmsi", shared, p)])


def step_speeds(lat: np.ndarray, lon: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Implied speed (knots) from each fix to the next, as :func:`implied_speed_kn` of
    :func:`veille.core.geo.haversine_km` gives it, bit for bit: each fix's radians and cosine are
    computed once, the pairs are slices (no gathered copies), and a large array is cut in two
    halves computed in two threads (NumPy releases the GIL in its loops).

    >>> lat, lon, t = np.array([70.0, 70.1, 70.1]), np.array([5.0, 5.0, 5.2]), np.array([0.0, 3600.0, 7200.0])
    >>> step_speeds(lat, lon, t).round(3).tolist() == implied_speed_kn(
    ...     haversine_km(lat[:-1], lon[:-1], lat[1:], lon[1:]), np.diff(t)).round(3).tolist()
    True
    """
    n = len(lat)
    if n < 2:
        return np.zeros(0)
    if n < _PARALLEL_MIN:
        return _step_speeds(lat, lon, t)
    half = n // 2
    with ThreadPoolExecutor(2) as pool:  # the halves overlap by one fix
        a = pool.submit(_step_speeds, lat[: half + 1], lon[: half + 1], t[: half + 1])
        b = pool.submit(_step_speeds, lat[half:], lon[half:], t[half:])
        return np.concatenate([a.result(), b.result()])


_PARALLEL_MIN = 200_000


def _step_speeds(lat: np.ndarray, lon: np.ndarray, t: np.ndarray) -> np.ndarray:
    p = np.radians(np.asarray(lat, dtype=np.float64))
    cp = np.cos(p)
    dp = p[1:] - p[:-1]
    dl = np.radians(np.asarray(lon[1:], dtype=np.float64) - np.asarray(lon[:-1], dtype=np.float64))
    a = np.sin(dp * 0.5) ** 2 + cp[:-1] * cp[1:] * np.sin(dl * 0.5) ** 2
    d = 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))
    return np.asarray(implied_speed_kn(d, t[1:] - t[:-1]))


def mark_arrays(
    m: np.ndarray, t: np.ndarray, lat: np.ndarray, lon: np.ndarray, max_gap_s: float, max_speed_kn: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Jumps, breaks, continued jumps, evidence of a shared MMSI (speed breaks and continued jumps)
    and the implied speed from the previous fix (arrays, one MMSI after another, in time order)."""
    n = len(m)
    same_prev = np.zeros(n, dtype=bool)
    same_prev[1:] = m[1:] == m[:-1]
    same_next = np.zeros(n, dtype=bool)
    same_next[:-1] = same_prev[1:]

    def speed(i: np.ndarray, j: np.ndarray) -> np.ndarray:
        return np.asarray(implied_speed_kn(haversine_km(lat[i], lon[i], lat[j], lon[j]), t[j] - t[i]))

    step = np.zeros(n)
    if n > 1:
        step[1:] = step_speeds(lat, lon, t)  # fix i-1 -> fix i, computed once
    v_prev = np.where(same_prev, step, 0.0)
    v_next = np.zeros(n)
    v_next[:-1] = np.where(same_next[:-1], step[1:], 0.0)
    mid = same_prev & same_next & (v_prev > max_speed_kn) & (v_next > max_speed_kn)
    cand = np.flatnonzero(mid)
    ok = (speed(cand - 1, cand + 1) <= max_speed_kn) & (t[cand + 1] - t[cand - 1] <= max_gap_s)
    cand = cand[ok]
    # in a run of consecutive candidates (two tracks alternating fix by fix) every other one is
    # the jump, starting with the first: a fix right after a jump is judged against the jump
    run_start = np.ones(len(cand), dtype=bool)
    run_start[1:] = cand[1:] != cand[:-1] + 1
    pos_in_run = np.arange(len(cand)) - np.maximum.accumulate(np.where(run_start, np.arange(len(cand)), 0))
    jump = np.zeros(n, dtype=bool)
    jump[cand[pos_in_run % 2 == 0]] = True
    # breaks between consecutive kept (non-jump) fixes of one MMSI
    if not len(cand):  # no jump (the common case): every fix is kept, the arrays serve as they are
        same = same_prev
        dt = np.zeros(n)
        dt[1:] = t[1:] - t[:-1]
        vk = step
        brk = same & ((dt > max_gap_s) | (vk > max_speed_kn))
        sbrk = same & (dt <= max_gap_s) & (vk > max_speed_kn)
    else:
        keep = np.flatnonzero(~jump)
        km = m[keep]
        same = np.zeros(len(keep), dtype=bool)
        same[1:] = km[1:] == km[:-1]
        pk = np.maximum(np.arange(len(keep)) - 1, 0)
        dt = t[keep] - t[keep[pk]]
        vk = step[keep].copy()  # the previous kept fix is the previous fix, except right after a jump
        after = np.flatnonzero(keep[pk] != keep - 1)
        if len(after):
            a, b = keep[pk[after]], keep[after]
            vk[after] = implied_speed_kn(haversine_km(lat[a], lon[a], lat[b], lon[b]), t[b] - t[a])
        brk = np.zeros(n, dtype=bool)
        brk[keep] = same & ((dt > max_gap_s) | (vk > max_speed_kn))
        sbrk = np.zeros(n, dtype=bool)
        sbrk[keep] = same & (dt <= max_gap_s) & (vk > max_speed_kn)
    implied = np.where(same_prev, v_prev, 0.0)
    # a jump that continues the previous jump of the same MMSI (a second track)
    cont = np.zeros(n, dtype=bool)
    j = np.flatnonzero(jump)
    if len(j) > 1:
        sj = m[j[1:]] == m[j[:-1]]
        vj = np.asarray(
            implied_speed_kn(
                haversine_km(lat[j[:-1]], lon[j[:-1]], lat[j[1:]], lon[j[1:]]), t[j[1:]] - t[j[:-1]]
            )
        )
        cont[j[1:]] = sj & (vj <= max_speed_kn) & (t[j[1:]] - t[j[:-1]] <= max_gap_s)
    return jump, brk, cont, sbrk | cont, implied
