"""The vessel registry's changes from a batch of static reports, computed with NumPy.

A static report (AIS message 5, 19 or 24, or an archive row's static columns) gives some of a
vessel's registry fields (:data:`STATIC_FIELDS`); what it does not give keeps its last known
value. A report that changes nothing known of its vessel is not a change. Reports are taken in
order of receive time, then line. Per vessel that is a forward fill of each field over its
reports, starting from what was known, and a comparison of each row with the row before: a few
frame operations for the whole batch, where a loop over every report cost seconds per million.

Length and width are the archive's ``length_m``/``width_m`` when it gives them, else the
distances to the reference point (ITU-R M.1371-5 §3.3.3: length A + B, width C + D; not
available when both are 0 or either is missing).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import polars as pl

from .spans import distinct as distinct_ints

STATIC_FIELDS = (
    "name",
    "call_sign",
    "imo",
    "ship_type",
    "to_bow_m",
    "to_stern_m",
    "to_port_m",
    "to_starboard_m",
    "destination",
    "draught_m",
    "length_m",
    "width_m",
)
FIELD_TYPES: dict[str, Any] = {
    "name": pl.Utf8,
    "call_sign": pl.Utf8,
    "imo": pl.Int64,
    "ship_type": pl.Int64,
    "to_bow_m": pl.Int64,
    "to_stern_m": pl.Int64,
    "to_port_m": pl.Int64,
    "to_starboard_m": pl.Int64,
    "destination": pl.Utf8,
    "draught_m": pl.Float64,
    "length_m": pl.Int64,
    "width_m": pl.Int64,
}
KNOWN_SCHEMA: dict[str, Any] = {"mmsi": pl.Int64, **FIELD_TYPES}


def _span(frame: pl.DataFrame, total: str, a: str, b: str) -> pl.Expr:
    sum_ = pl.col(a) + pl.col(b)
    computed = pl.when(sum_ != 0).then(sum_) if a in frame.columns and b in frame.columns else pl.lit(None)
    given = pl.col(total) if total in frame.columns else pl.lit(None)
    return pl.coalesce(given.cast(pl.Int64), computed.cast(pl.Int64))


def registry_values(statics: pl.DataFrame) -> pl.DataFrame:
    """``mmsi`` and the registry fields each report gives (null: not given), beside its ``lineno``,
    ``time_s``, ``source`` and ``msg_type``.

    >>> f = pl.DataFrame({"lineno": [1], "time_s": [None], "source": [None], "msg_type": [5],
    ...     "mmsi": [1], "to_bow_m": [90], "to_stern_m": [20], "to_port_m": [0], "to_starboard_m": [0]})
    >>> registry_values(f).select("length_m", "width_m", "name").rows()
    [(110, None, None)]
    """
    cols = [
        pl.col("lineno").cast(pl.Int64),
        pl.col("time_s").cast(pl.Float64),
        pl.col("source").cast(pl.Utf8),
        pl.col("msg_type").cast(pl.Int64),
        pl.col("mmsi").cast(pl.Int64),
    ]
    for f in STATIC_FIELDS:
        if f == "length_m":
            cols.append(_span(statics, "length_m", "to_bow_m", "to_stern_m").alias(f))
        elif f == "width_m":
            cols.append(_span(statics, "width_m", "to_port_m", "to_starboard_m").alias(f))
        elif f in statics.columns:
            cols.append(pl.col(f).cast(FIELD_TYPES[f]))
        else:
            cols.append(pl.lit(None, dtype=FIELD_TYPES[f]).alias(f))
    return statics.select(cols)


Known = dict[int, tuple[Any, ...]]


def registry_changes(statics: pl.DataFrame, known: Known, source: str | None, now: float) -> pl.DataFrame:
    """The registry rows of the reports that change what is known of their vessel; ``known``
    (MMSI -> values of :data:`STATIC_FIELDS`) is updated with them.

    Rows: ``mmsi``, ``valid_from`` (microseconds), ``msg_type``, ``source`` (the report's, else
    ``source``), then :data:`STATIC_FIELDS`; a report without a time is taken at ``now``. Reports
    are taken in order of time, then line; with a ``batch`` column (the batches of several calls
    put through at once), batch by batch, as those calls would have taken them.

    >>> f = pl.DataFrame({"lineno": [1, 2, 3], "time_s": [10.0, 11.0, 12.0], "source": [None] * 3,
    ...     "msg_type": [5] * 3, "mmsi": [7] * 3, "name": ["A", "A", "B"]})
    >>> known = {}
    >>> registry_changes(f, known, "x", 0.0).select("valid_from", "name", "source").rows()
    [(10000000, 'A', 'x'), (12000000, 'B', 'x')]
    >>> known[7][0]
    'B'
    """
    values = registry_values(statics)
    t = values["time_s"].fill_null(now).to_numpy()
    lineno = values["lineno"].to_numpy()
    mmsi = values["mmsi"].to_numpy()
    batch = statics["batch"].to_numpy() if "batch" in statics.columns else np.zeros(len(t), dtype=np.int64)
    # by vessel, then batch, time and line
    order = np.lexsort((lineno, t, batch, mmsi))
    mm = mmsi[order]
    n = len(order)
    at = np.arange(n)
    starts = np.ones(n, dtype=bool)
    starts[1:] = mm[1:] != mm[:-1]
    group = np.cumsum(starts) - 1
    first = np.flatnonzero(starts)
    seeds = [known.get(int(m)) for m in mm[first].tolist()]
    changed = np.zeros(n, dtype=bool)
    filled: dict[str, np.ndarray] = {}
    texts: dict[str, dict[float, str]] = {}  # a text field's codes and their strings
    for k, f in enumerate(STATIC_FIELDS):
        column = values[f]
        if FIELD_TYPES[f] == pl.Utf8:
            # a text as a number (equal texts, equal numbers; null: NaN), its reports' and what
            # was known alike: no Python string per report
            known_text = pl.Series([None if x is None else x[k] for x in seeds], dtype=pl.Utf8)
            both = pl.concat([column.cast(pl.Utf8), known_text])
            distinct = both.drop_nulls().unique().to_frame("s").with_row_index("c")
            codes = both.to_frame("s").join(distinct, on="s", how="left", maintain_order="left")["c"]
            texts[f] = dict(
                zip(distinct["c"].cast(pl.Float64).to_list(), distinct["s"].to_list(), strict=True)
            )
            every = codes.cast(pl.Float64).to_numpy()
            value, seed = every[: column.len()][order], every[column.len() :]
        else:
            value = column.cast(pl.Float64).to_numpy()[order]
            seed = np.array([np.nan if x is None or x[k] is None else x[k] for x in seeds], dtype=np.float64)
        null = np.isnan(value)
        # forward fill within each vessel, from what was known
        last = np.maximum.accumulate(np.where(null, -1, at))
        inside = last >= first[group]
        out = value[np.maximum(last, 0)]
        out = np.where(inside, out, seed[group])
        prev = np.roll(out, 1)
        prev[first] = seed
        changed |= ~((out == prev) | (np.isnan(out) & np.isnan(prev)))
        filled[f] = out

    def kept(f: str, rows: np.ndarray) -> np.ndarray:
        """Field ``f`` of ``rows`` (positions in ``order``), texts as strings again."""
        got = filled[f][rows]
        if f not in texts:
            return got
        strings = texts[f]
        return np.array([None if c != c else strings[c] for c in got.tolist()], dtype=object)

    pick = np.flatnonzero(changed)
    pick = pick[np.lexsort((lineno[order[pick]], t[order[pick]], batch[order[pick]]))]  # in time order
    rows = order[pick]
    out_frame = pl.DataFrame(
        {
            "mmsi": mmsi[rows],
            "valid_from": (t[rows] * 1e6).astype(np.int64),
            "msg_type": values["msg_type"].gather(rows),
            "source": values["source"].gather(rows),
        }
    ).with_columns(
        source=pl.when(pl.col("source").is_null() | (pl.col("source") == ""))
        .then(pl.lit(source, dtype=pl.Utf8))
        .otherwise(pl.col("source"))
    )
    out_frame = out_frame.with_columns([_series(f, kept(f, pick)) for f in STATIC_FIELDS])
    # what is known changes only for the vessels with a change: their last report's values
    ends = np.append(first[1:], n) - 1
    ends = ends[distinct_ints(group[changed])]
    latest = zip(*(_python(f, kept(f, ends)) for f in STATIC_FIELDS), strict=True)
    known.update(zip(mm[ends].tolist(), latest, strict=True))
    return out_frame


def _python(name: str, values: np.ndarray) -> list[Any]:
    if values.dtype == object:
        return values.tolist()
    kind = int if FIELD_TYPES[name] == pl.Int64 else float
    return [None if np.isnan(v) else kind(v) for v in values.tolist()]


def _series(name: str, values: np.ndarray) -> pl.Series:
    if values.dtype == object:
        return pl.Series(name, values.tolist(), dtype=pl.Utf8)
    return pl.Series(name, values, nan_to_null=True).cast(FIELD_TYPES[name])


def records_frame(statics: Iterable[tuple[int, float | None, str | None, Any]]) -> pl.DataFrame:
    """A statics frame from ``(line, time, source, record)`` (an archive's static rows, or typed
    records): the fields the registry reads, null where the record has none.

    >>> from veille.core.ais.archive import ArchiveStatic
    >>> records_frame([(4, 1.5, None, ArchiveStatic(257000001, name="X", length_m=20))]).select(
    ...     "lineno", "mmsi", "name", "length_m").rows()
    [(4, 257000001, 'X', 20)]
    """
    rows = [
        {
            "lineno": n,
            "time_s": t,
            "source": s,
            "msg_type": getattr(m, "msg_type", None),
            "mmsi": m.mmsi,
            **{f: getattr(m, f, None) for f in ("to_bow_m", "to_stern_m", "to_port_m", "to_starboard_m")},
            **{f: getattr(m, f, None) for f in STATIC_FIELDS},
        }
        for n, t, s, m in statics
    ]
    schema = {
        "lineno": pl.Int64,
        "time_s": pl.Float64,
        "source": pl.Utf8,
        "msg_type": pl.Int64,
        **KNOWN_SCHEMA,
    }
    return pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)


__all__ = [
    "records_frame",
    "registry_changes",
    "registry_values",
]
