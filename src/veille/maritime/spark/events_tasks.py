"""What Spark's executors run for ``veille ais events --engine spark``: the core detectors on
batches of whole vessels, and the encounter pairs of each space-time cell (this module imports no
PySpark; :mod:`.events_job` hands these functions to ``applyInArrow`` and ``mapInArrow``).

Positions are grouped by a bucket of MMSIs (``groupBy(pmod(hash(mmsi), N)).applyInArrow``): each
call gets every position of its vessels, in the order the store holds them, and runs what the
embedded engine runs on the whole frame (:func:`veille.core.tracks.clean`, the segmenter's marking,
then the detectors), which works vessel by vessel. A bucket holds many vessels so that Polars and
NumPy work on large frames rather than one Python call per vessel. Two things need other vessels:

* the reception test of gaps (who else was heard around): the reception table of every vessel is
  gathered first (:func:`prepare_bucket`) and handed to every bucket (:func:`detect_bucket`);
* encounters: each vessel's representative fix per 10-minute bin (:func:`prepare_bucket`) goes to
  its cube of space (``CELL_KM``, Earth-centred) and day, and, when it lies within the encounter
  distance of a neighbouring cube, to that cube too (:func:`to_cells`); the pairs of each bin are
  found per cube (:func:`cell_pairs`) and kept only in the cube of their first vessel, so each is
  found once and none near a cube's face is missed; then each pair's consecutive bins make the
  encounters (:func:`pair_runs`), with the detector's own rules.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa

from veille.core.events.batch import Detectors
from veille.core.events.encounters import finish_runs, pairs_within
from veille.core.events.gaps import reception_table
from veille.core.geo import EARTH_RADIUS_KM
from veille.core.tracks import US, clean

__all__ = [
    "CELL_KM",
    "CELL_SCHEMA",
    "PAIR_SCHEMA",
    "PREPARED_SCHEMA",
    "cell_pairs",
    "detect_bucket",
    "frames_of",
    "pair_runs",
    "prepare_bucket",
    "to_cells",
]

#: edge of the cubes of space the encounter pairs are looked for in (km)
CELL_KM = 100.0
#: one row per vessel's representative fix, reception cell or bucket's quality report (Spark DDL)
PREPARED_SCHEMA = (
    "kind string, mmsi long, cy int, cx int, hour long, bin long, lat double, lon double, "
    "speed_dk long, n_rows long, n_out_of_order long, n_duplicates long, flagged string, max_ok_us long"
)
#: two vessels together in one bin (Spark DDL)
PAIR_SCHEMA = "a long, b long, bin long, slow_a boolean, slow_b boolean, lat double, lon double"
#: a representative in a cube of space and a day; ``home``: its own cube (Spark DDL)
CELL_SCHEMA = (
    "day long, cx long, cy long, cz long, home boolean, mmsi long, bin long, lat double, lon double, "
    "speed_dk long"
)

_PREPARED = pa.schema(
    [
        ("kind", pa.string()),
        ("mmsi", pa.int64()),
        ("cy", pa.int32()),
        ("cx", pa.int32()),
        ("hour", pa.int64()),
        ("bin", pa.int64()),
        ("lat", pa.float64()),
        ("lon", pa.float64()),
        ("speed_dk", pa.int64()),
        ("n_rows", pa.int64()),
        ("n_out_of_order", pa.int64()),
        ("n_duplicates", pa.int64()),
        ("flagged", pa.string()),
        ("max_ok_us", pa.int64()),
    ]
)


def _cleaned(table: pa.Table, now: datetime) -> tuple[pl.DataFrame, Any]:
    """A bucket's positions in the store's order (``_w``: the fixes before the window first, then
    file and row), cleaned as the embedded engine cleans the whole window."""
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    frame = frame.sort("_w", "_file", "_row").select(
        pl.col("mmsi").cast(pl.UInt32),
        pl.col("timestamp").cast(pl.Datetime("us", "UTC")),
        pl.col("lat").cast(pl.Float64),
        pl.col("lon").cast(pl.Float64),
        pl.col("sog_kn").cast(pl.Float64),
    )
    return clean(frame, now=now)


def _ipc(frame: pl.DataFrame) -> pa.Table:
    sink = io.BytesIO()
    frame.write_ipc(sink)
    return pa.table({"data": [sink.getvalue()]})


def frames_of(rows: list[Any]) -> list[pl.DataFrame]:
    """The frames the tasks returned as Arrow IPC bytes (column ``data``), those with rows."""
    frames = [pl.read_ipc(io.BytesIO(r["data"])) for r in rows]
    return [f for f in frames if f.height]


def prepare_bucket(detectors: Detectors, now: datetime) -> Any:
    """``applyInArrow`` over buckets of vessels: clean and mark, then give the bucket's quality
    report (with its latest kept fix), its reception cells and its encounter representatives."""

    def run(table: pa.Table) -> pa.Table:
        cleaned, quality = _cleaned(table, now)
        marked = detectors.segmenter.mark(cleaned)
        ok = cleaned.filter(pl.col("quality") == "ok")["timestamp"]
        max_ok = int(ok.dt.epoch("us").max()) if len(ok) else None  # type: ignore[arg-type]
        q = pl.DataFrame(
            {
                "kind": ["quality"],
                "n_rows": [quality.rows],
                "n_out_of_order": [quality.out_of_order],
                "n_duplicates": [quality.duplicates],
                "flagged": [json.dumps(quality.flagged)],
                "max_ok_us": [max_ok],
            },
            schema_overrides={"max_ok_us": pl.Int64},
        )
        rx = reception_table(marked).with_columns(kind=pl.lit("rx"))
        reps = detectors.encounters.representatives(marked).drop("timestamp").with_columns(kind=pl.lit("rep"))
        out = pl.concat([q, rx, reps], how="diagonal_relaxed")
        return out.to_arrow().select([f.name for f in _PREPARED]).cast(_PREPARED) if out.height else _empty()

    return run


def _empty() -> pa.Table:
    return _PREPARED.empty_table()


_RECEPTION: dict[str, pl.DataFrame] = {}  # by run: read once per Python worker


def detect_bucket(detectors: Detectors, now: datetime, reception: Any, key: str) -> Any:
    """``applyInArrow`` over buckets of vessels: every detector that works vessel by vessel (gaps,
    with the reception table of all vessels; zones, loitering, cables, jumps and shared MMSIs),
    as :func:`veille.core.events.batch.detect_all` runs them. ``detectors`` carry ``until``;
    ``reception`` is the broadcast table (Arrow IPC bytes) of the run named ``key``."""

    def run(table: pa.Table) -> pa.Table:
        rx = _RECEPTION.get(key)
        if rx is None:
            _RECEPTION.clear()
            rx = _RECEPTION[key] = pl.read_ipc(io.BytesIO(reception.value))
        cleaned, _ = _cleaned(table, now)
        d = detectors
        marked = d.segmenter.mark(cleaned)
        parts = [
            d.gaps.detect(marked, reception=rx),
            d.zones.detect(marked),
            d.loitering.detect(marked),
            d.cables.detect(marked),
            d.segmenter.detect(marked),
        ]
        parts = [p for p in parts if p.height]
        return _ipc(pl.concat(parts) if parts else pl.DataFrame())

    return run


def _xyz(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Earth-centred coordinates (km), as the encounter detector's cubes use them."""
    p, lam = np.radians(lat), np.radians(lon)
    return np.stack(
        [
            EARTH_RADIUS_KM * np.cos(p) * np.cos(lam),
            EARTH_RADIUS_KM * np.cos(p) * np.sin(lam),
            EARTH_RADIUS_KM * np.sin(p),
        ]
    )


def to_cells(max_km: float, bin_s: float, cell_km: float = CELL_KM) -> Any:
    """``mapInArrow`` over the representatives: each to its cube and day (``home``), and to every
    neighbouring cube it lies within ``max_km`` of (a partner there may be that close)."""
    bins_per_day = round(86400 / bin_s)
    schema = pa.schema(
        [
            ("day", pa.int64()),
            ("cx", pa.int64()),
            ("cy", pa.int64()),
            ("cz", pa.int64()),
            ("home", pa.bool_()),
            ("mmsi", pa.int64()),
            ("bin", pa.int64()),
            ("lat", pa.float64()),
            ("lon", pa.float64()),
            ("speed_dk", pa.int64()),
        ]
    )

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            if not batch.num_rows:
                continue
            lat = batch.column("lat").to_numpy(zero_copy_only=False)
            lon = batch.column("lon").to_numpy(zero_copy_only=False)
            xyz = _xyz(lat, lon) / cell_km
            home = np.floor(xyz).astype(np.int64)
            frac = xyz - home
            near = max_km / cell_km
            # per axis: -1, 0 or +1 towards the face the point lies near
            side = np.where(frac < near, -1, np.where(frac > 1 - near, 1, 0))
            rows = np.arange(batch.num_rows)
            picks, offsets = [rows], [np.zeros((3, batch.num_rows), dtype=np.int64)]
            for ox in (0, 1):
                for oy in (0, 1):
                    for oz in (0, 1):
                        if ox == oy == oz == 0:
                            continue
                        mask = ((side[0] != 0) | (ox == 0)) & ((side[1] != 0) | (oy == 0))
                        mask &= (side[2] != 0) | (oz == 0)
                        sel = rows[mask]
                        picks.append(sel)
                        offsets.append(np.stack([side[0][sel] * ox, side[1][sel] * oy, side[2][sel] * oz]))
            idx = np.concatenate(picks)
            off = np.concatenate(offsets, axis=1)
            bins = batch.column("bin").to_numpy(zero_copy_only=False)
            cells = home[:, idx] + off
            yield pa.RecordBatch.from_arrays(
                [
                    pa.array(bins[idx] // bins_per_day),
                    pa.array(cells[0]),
                    pa.array(cells[1]),
                    pa.array(cells[2]),
                    pa.array((off == 0).all(axis=0)),
                    pa.array(batch.column("mmsi").to_numpy(zero_copy_only=False)[idx]),
                    pa.array(bins[idx]),
                    pa.array(lat[idx]),
                    pa.array(lon[idx]),
                    pa.array(batch.column("speed_dk").to_numpy(zero_copy_only=False)[idx]),
                ],
                schema=schema,
            )

    return run


def _mid_lon(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The midpoint's longitude, as the encounter detector places an encounter."""
    d = (b - a + 180.0) % 360.0 - 180.0
    return np.asarray((a + d / 2 + 180.0) % 360.0 - 180.0)


def cell_pairs(max_km: float, max_median_speed_kn: float) -> Any:
    """``applyInArrow`` over (day, cube): the pairs of vessels together in each bin, kept in the
    cube of their first vessel (the one with the lower MMSI) only."""

    def run(table: pa.Table) -> pa.Table:
        f = pl.from_arrow(table)
        assert isinstance(f, pl.DataFrame)
        m = f["mmsi"].to_numpy().astype(np.int64)
        b = f["bin"].to_numpy()
        lat, lon = f["lat"].to_numpy(), f["lon"].to_numpy()
        home = f["home"].to_numpy()
        i, j, _ = pairs_within(b, m, lat, lon, max_km)
        keep = home[i]
        i, j = i[keep], j[keep]
        slow = f["speed_dk"].to_numpy() < round(max_median_speed_kn * 10)
        return pa.table(
            {
                "a": pa.array(m[i], pa.int64()),
                "b": pa.array(m[j], pa.int64()),
                "bin": pa.array(b[i], pa.int64()),
                "slow_a": pa.array(slow[i], pa.bool_()),
                "slow_b": pa.array(slow[j], pa.bool_()),
                "lat": pa.array((lat[i] + lat[j]) / 2, pa.float64()),
                "lon": pa.array(_mid_lon(lon[i], lon[j]), pa.float64()),
            }
        )

    return run


def pair_runs(detectors: Detectors) -> Any:
    """``applyInArrow`` over buckets of pairs: each pair's runs of consecutive bins together, made
    into encounters by the detector's own rules (length, slow medians, distance from the coast).
    ``detectors`` carry ``until`` (the last bin: an encounter going on then is open)."""
    det = detectors.encounters

    def run(table: pa.Table) -> pa.Table:
        tog = pl.from_arrow(table)
        assert isinstance(tog, pl.DataFrame)
        tog = tog.sort("a", "b", "bin")
        assert det.until is not None
        bin_us = int(det.bin.total_seconds() * US)
        last_bin = int(det.until.timestamp() * US) // bin_us
        runs = finish_runs(tog, det.min_bins, last_bin)
        return _ipc(det._events(runs))  # the detector's own rows: shared, not copied

    return run
