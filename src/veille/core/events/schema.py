"""The one table of events every detector returns, and the helpers that build it.

One row per event: ``event_id`` (stable: type, MMSIs, zone or cable, start), ``type``, ``mmsi``,
``mmsi2`` (the other vessel of an encounter), ``start``, ``end`` (null while open), ``duration_s``,
``lat``/``lon`` (where the event began), ``end_lat``/``end_lon``, ``distance_km``,
``speed_kn`` (implied speed of a gap, average or median speed otherwise), ``zone`` (zone id or
cable names), ``is_open`` (still going on at the end of the data: a later run closes it and keeps
its id), ``likely_disabling`` (gaps), ``detail`` (JSON, per type) and ``params`` (JSON: the
parameters that produced it).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

import numpy as np
import polars as pl

__all__ = [
    "EVENT_SCHEMA",
    "EVENT_TYPES",
    "TS",
    "empty_events",
    "event_frame",
    "event_ids",
    "mark_synthetic",
    "sort_events",
]

EVENT_TYPES = (
    "gap",
    "encounter",
    "loitering",
    "zone_entry",
    "zone_exit",
    "cable",
    "identity_change",
    "position_jump",
    "shared_mmsi",
)
TS = pl.Datetime("us", "UTC")
EVENT_SCHEMA: dict[str, Any] = {
    "event_id": pl.Utf8,
    "type": pl.Utf8,
    "mmsi": pl.UInt32,
    "mmsi2": pl.UInt32,
    "start": TS,
    "end": TS,
    "duration_s": pl.Float64,
    "lat": pl.Float64,
    "lon": pl.Float64,
    "end_lat": pl.Float64,
    "end_lon": pl.Float64,
    "distance_km": pl.Float64,
    "speed_kn": pl.Float64,
    "zone": pl.Utf8,
    "is_open": pl.Boolean,
    "likely_disabling": pl.Boolean,
    "detail": pl.Utf8,
    "params": pl.Utf8,
}


def empty_events() -> pl.DataFrame:
    """An event table with no rows.

    >>> empty_events().columns[:4]
    ['event_id', 'type', 'mmsi', 'mmsi2']
    """
    return pl.DataFrame(schema=EVENT_SCHEMA)


def _event_id(kind: str, mmsi: Any, mmsi2: Any, zone: Any, start: Any) -> str:
    key = f"{kind}|{mmsi}|{mmsi2 or ''}|{zone or ''}|{start.isoformat() if start is not None else ''}"
    return hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:16]


def event_frame(kind: str, rows: pl.DataFrame, params: dict[str, Any]) -> pl.DataFrame:
    """Complete ``rows`` (any subset of the columns) into the event table for type ``kind``.

    Floats are rounded (1 m, 0.001 kn, 0.001 s) so that both engines print the same numbers.

    >>> from datetime import datetime, UTC
    >>> t = datetime(2026, 1, 1, tzinfo=UTC)
    >>> ev = event_frame("gap", pl.DataFrame({"mmsi": [1], "start": [t], "end": [t]}), {"min_gap_s": 21600})
    >>> ev.select("type", "duration_s", "is_open").row(0), ev["params"][0]
    (('gap', 0.0, False), '{"min_gap_s": 21600}')
    """
    cols = []
    for name, dtype in EVENT_SCHEMA.items():
        if name in ("event_id", "type", "params"):
            continue
        if name in rows.columns:
            cols.append(pl.col(name).cast(dtype))
        elif name == "duration_s" and "end" in rows.columns:
            cols.append(((pl.col("end") - pl.col("start")).dt.total_microseconds() / 1e6).alias(name))
        elif name == "is_open":
            cols.append(pl.lit(False).alias(name))
        else:
            cols.append(pl.lit(None, dtype).alias(name))
    df = rows.select(cols)
    df = df.with_columns(
        pl.col("duration_s").round(3),
        pl.col("distance_km").round(3),
        pl.col("speed_kn").round(3),
        type=pl.lit(kind),
        params=pl.lit(json.dumps(params, sort_keys=True)),
    )
    return df.with_columns(event_id=pl.Series(event_ids(kind, df), dtype=pl.Utf8)).select(list(EVENT_SCHEMA))


def event_ids(kind: str, df: pl.DataFrame) -> list[str]:
    """The ``event_id`` of every row of ``df`` (columns ``mmsi``, ``mmsi2``, ``zone``, ``start``), as
    :func:`_event_id` gives it one row at a time: the keys are built from whole columns (the start
    as ``datetime.isoformat`` writes it), only the hash runs per event.

    >>> from datetime import datetime, UTC
    >>> t = [datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, 0, 0, 1, 500, tzinfo=UTC), None]
    >>> df = pl.DataFrame({"mmsi": [1, 2, 3], "mmsi2": [None, 7, 0], "zone": ["z", None, ""], "start": t})
    >>> rows = df.select("mmsi", "mmsi2", "zone", "start").rows()
    >>> event_ids("gap", df) == [_event_id("gap", *r) for r in rows]
    True
    """
    if not df.height:
        return []
    us = df["start"].cast(pl.Datetime("us", "UTC")).dt.epoch("us")
    null = us.is_null().to_numpy()
    stamp = us.fill_null(0).to_numpy().astype("datetime64[us]")
    whole = np.datetime_as_string(stamp, unit="s")
    frac = np.datetime_as_string(stamp, unit="us")
    iso = np.where(stamp.astype(np.int64) % 1_000_000 == 0, whole, frac).astype(object) + "+00:00"
    iso[null] = ""
    mmsi2 = [str(x) if x else "" for x in df["mmsi2"].to_list()]
    zone = [z or "" for z in df["zone"].to_list()]
    sha1 = hashlib.sha1
    return [
        sha1(f"{kind}|{m}|{m2}|{z}|{t}".encode(), usedforsecurity=False).hexdigest()[:16]
        for m, m2, z, t in zip(df["mmsi"].to_list(), mmsi2, zone, iso.tolist(), strict=True)
    ]


def sort_events(events: pl.DataFrame) -> pl.DataFrame:
    """Events in a canonical order (start, type, MMSIs, zone) for comparison and output."""
    return events.sort(["start", "type", "mmsi", "mmsi2", "zone", "event_id"], nulls_last=True)


def mark_synthetic(events: pl.DataFrame, synthetic: Iterable[int]) -> pl.DataFrame:
    """``events`` with ``synthetic``: whether its vessel, or either vessel of an encounter, is
    among ``synthetic`` (the MMSIs heard in sentences tagged ``s:synthetic``, the generators' mark)."""
    tagged = sorted(set(synthetic))
    return events.with_columns(
        synthetic=pl.col("mmsi").is_in(tagged).fill_null(False)
        | pl.col("mmsi2").is_in(tagged).fill_null(False)
    )
