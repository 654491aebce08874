"""The AIS store's event files: where they are, and the one reader of them.

Layout under the store root (next to ``positions/`` and ``vessels/``)::

    events/run=<run_id>/events.parquet    the events of one run (schema of core.events.schema),
                                          each saying whether it is ``synthetic``
    events/run=live-…/events-NNNNNN.parquet  a live run's batches (``veille ais watch --save``),
                                          each event with ``received_at``, when the lines that
                                          completed it were read, and ``synthetic``
    events/runs/<run_id>.json             its stamp: code version, parameters, run time, time
                                          window, input files with their SHA-256, quality report

The runs that write them are :mod:`veille.maritime.event_runs`. Every Parquet file under
``events/`` is read, through DuckDB (``union_by_name``), with the detectors' column names
(:data:`veille.core.events.schema.EVENT_SCHEMA`): a file written by another tool may name a column
otherwise (each name of :data:`ALIASES`: the first of the list that a row has is used); a column
that no file has is read as empty. An event seen by several runs keeps its ``event_id`` (an open gap that a
later run sees closed, say): it is read once, as the latest run (``run_at``, then ``run_id``) wrote it.

Two shapes come out of that one reading:

* :func:`read_events`: a Polars frame with the columns of ``EVENT_SCHEMA``, the events that overlap
  ``[since, until)`` (an open event runs on): ``veille ais events --stored`` and the batch tools;
* :func:`event_records`: one dict per event for the Arctic picture and its alerts, with ``synthetic``
  settled and ``detail`` (every column beyond the picture's own, JSON text read as objects).
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from veille.core.ais.synth import SOURCE as SYNTHETIC
from veille.core.events.schema import EVENT_SCHEMA, empty_events, sort_events
from veille.core.geo import BBox, bbox_sql
from veille.maritime.store import AisStore

__all__ = [
    "ALIASES",
    "JSON_TEXT_COLUMNS",
    "UTC_TS",
    "as_utc",
    "current_files",
    "event_files",
    "event_records",
    "events_dir",
    "filter_zone",
    "iso_z",
    "read_events",
    "run_folder",
    "stamp_file",
]

UTC_TS = pl.Datetime("us", "UTC")

#: The columns of an event that other writers may name otherwise: of each list, the first name that a
#: row has a value in is read (the detectors' own name is among them). These are also the fields of
#: :func:`event_records`; every other column goes into its ``detail``.
ALIASES: dict[str, tuple[str, ...]] = {
    "event_id": ("event_id", "id"),
    "type": ("event_type", "type", "kind"),
    "mmsi": ("mmsi",),
    "start": ("start", "start_time", "started_at", "timestamp"),
    "end": ("end", "end_time", "ended_at"),
    "lat": ("lat", "start_lat", "lat_deg"),
    "lon": ("lon", "start_lon", "lon_deg"),
    "mmsi2": ("other_mmsi", "mmsi_2", "mmsi2"),
    "zone": ("zone", "zone_id"),
    "source": ("source",),
    "synthetic": ("synthetic",),
}

#: columns of the detectors' files that hold JSON as text (``veille.core.events.schema``)
JSON_TEXT_COLUMNS = ("detail", "params")


def events_dir(store_root: Path) -> Path:
    return Path(store_root) / "events"


def run_folder(store_root: Path, run_id: str) -> Path:
    """The folder of one run's event files."""
    return events_dir(store_root) / f"run={run_id}"


def stamp_file(store_root: Path, run_id: str) -> Path:
    """The stamp of one run (JSON)."""
    return events_dir(store_root) / "runs" / f"{run_id}.json"


def event_files(store_root: Path) -> list[Path]:
    """Every event file of the store, sorted."""
    folder = events_dir(store_root)
    return sorted(folder.rglob("*.parquet")) if folder.is_dir() else []


def current_files(store_root: Path) -> set[str]:
    """The paths of the event files there are now (the alert stream reads the new ones)."""
    return {str(f) for f in event_files(store_root)}


def as_utc(df: pl.DataFrame, *cols: str) -> pl.DataFrame:
    """``df`` with the time columns ``cols`` (those it has) in UTC, to the microsecond."""
    return df.with_columns(
        [pl.col(c).dt.convert_time_zone("UTC").cast(UTC_TS) for c in cols if c in df.columns]
    )


def iso_z(value: Any) -> str | None:
    """A time as ISO 8601 in UTC with ``Z`` (a naive time is taken as UTC); other values as text.

    >>> iso_z(dt.datetime(2026, 3, 2, 6, tzinfo=dt.UTC)), iso_z(dt.datetime(2026, 3, 2, 6, 30)), iso_z(None)
    ('2026-03-02T06:00:00Z', '2026-03-02T06:30:00Z', None)
    """
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    return None if value is None else str(value)


# --- the one reading ------------------------------------------------------------------------------


def _open(files: list[Path]) -> tuple[duckdb.DuckDBPyConnection, set[str]]:
    """A connection of its own (DuckDB's default one is shared by the process) with the view
    ``raw_events``: every row of ``files``, an event seen by several runs once, as the latest run
    wrote it; and the names of the columns the files have."""
    con = duckdb.connect()
    names = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
    source = f"read_parquet([{names}], union_by_name = true)"
    con.sql(f"CREATE VIEW raw_events AS SELECT * FROM {source}")  # noqa: S608 (paths from the store, quoted)
    have = {r[0] for r in con.execute("DESCRIBE raw_events").fetchall()}
    event_id = _value("event_id", have)
    if event_id != "NULL" and "run_at" in have:
        # each run writes its own file; an event seen open by one run and closed by a later one keeps
        # its id: the latest run's row stands
        order = "run_at DESC NULLS LAST" + (", run_id DESC NULLS LAST" if "run_id" in have else "")
        con.sql(
            f"CREATE OR REPLACE VIEW raw_events AS SELECT * FROM {source} QUALIFY "  # noqa: S608 (paths from the store, quoted)
            f"{event_id} IS NULL OR row_number() OVER (PARTITION BY {event_id} ORDER BY {order}) = 1"
        )
    return con, have


def _value(name: str, have: set[str]) -> str:
    """The SQL value of ``name`` in a row: its column, or the first of its aliases that the row has
    (files of different writers side by side), ``NULL`` when no file has any of them."""
    cols = [f'"{c}"' for c in ALIASES.get(name, (name,)) if c in have]
    if not cols:
        return "NULL"
    return f"coalesce({', '.join(cols)})" if len(cols) > 1 else cols[0]


def _select(names: Iterable[str], have: set[str]) -> str:
    """``value AS name`` for each of ``names`` (:func:`_value`)."""
    return ", ".join(f'{_value(name, have)} AS "{name}"' for name in names)


def _types_sql(types: Iterable[str] | None, where: list[str], params: list[Any]) -> None:
    if types:
        where.append('"type" IN (' + ", ".join("?" for _ in types) + ")")
        params.extend(types)


# --- the two shapes -------------------------------------------------------------------------------


def read_events(
    store: AisStore | Path,
    *,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    zone: str | None = None,
    types: list[str] | None = None,
) -> pl.DataFrame:
    """Stored events (each as its latest run saw it) that overlap ``[since, until)``, in the columns
    of ``EVENT_SCHEMA``, sorted; ``zone`` keeps those of a shipped zone (``KeyError`` if unknown).
    ``store`` is an :class:`veille.maritime.store.AisStore` or its root folder."""
    files = event_files(store.root if isinstance(store, AisStore) else Path(store))
    if not files:
        df = empty_events()
    else:
        con, have = _open(files)
        where: list[str] = ["true"]
        params: list[Any] = []
        if since is not None:
            where.append('("end" IS NULL OR "end" >= ?)')
            params.append(since)
        if until is not None:
            where.append("start < ?")
            params.append(until)
        _types_sql(types, where, params)
        columns = _select(EVENT_SCHEMA, have)
        sql = f"SELECT * FROM (SELECT {columns} FROM raw_events) WHERE {' AND '.join(where)}"  # noqa: S608 (column names read from the files)
        df = con.sql(sql, params=params).pl()
        df = as_utc(df, "start", "end").cast(EVENT_SCHEMA)  # type: ignore[arg-type]
    if zone:
        df = filter_zone(df, zone)
    return sort_events(df)


def filter_zone(events: pl.DataFrame, zone: str, zones: Any = None) -> pl.DataFrame:
    """Events of zone ``zone`` (entries and exits) or located in it (every other type)."""
    from veille.core.events.zones import shipped_zones

    zones = zones or shipped_zones()
    if zone not in zones.ids:
        raise KeyError(zone)
    j = zones.ids.index(zone)
    inside = zones.contains(
        events["lat"].fill_null(91.0).to_numpy(), events["lon"].fill_null(181.0).to_numpy()
    )[:, j]
    return events.filter(pl.Series(inside) | (pl.col("zone") == zone))


def event_records(
    store_root: Path,
    bbox: BBox | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    types: Iterable[str] | None = None,
    after_files: set[str] | None = None,
) -> list[dict[str, Any]]:
    """Stored events as dicts (the keys of :data:`ALIASES` and ``detail``), ordered by start: those
    located in ``bbox`` (a box may cross 180°), of ``types``, with a start up to ``until`` and an end
    (the start for an open event) from ``since``. ``after_files`` skips files already read (the
    alert stream). An event that does not say whether it is synthetic is, when its source is the
    generator's or its vessel's positions in the store are synthetic."""
    files = event_files(store_root)
    if after_files is not None:
        files = [f for f in files if str(f) not in after_files]
    if not files:
        return []
    con, have = _open(files)
    extra = sorted(have - {c for cs in ALIASES.values() for c in cs})
    detail = "to_json(struct_pack(" + ", ".join(f'"{c}" := "{c}"' for c in extra) + "))" if extra else "NULL"
    where: list[str] = ["true"]
    params: list[Any] = []
    if bbox:
        inside, box = bbox_sql(bbox)  # a box across 180° too
        where.append(inside)
        params += box
    if since:
        where.append('coalesce("end", start) >= ?')
        params.append(since)
    if until:
        where.append("start <= ?")
        params.append(until)
    _types_sql(types, where, params)
    rows = con.execute(
        f"SELECT * FROM (SELECT {_select(ALIASES, have)}, {detail} AS detail FROM raw_events) "  # noqa: S608 (column names read from the files)
        f"WHERE {' AND '.join(where)} ORDER BY start, mmsi",
        params,
    ).fetchall()
    cols = [d[0] for d in con.description or []]
    out = [dict(zip(cols, r, strict=True)) for r in rows]
    # an event that says whether it is synthetic (the detectors' runs do) is taken at its word: the
    # positions files are read only for the others (a live ingest writes them by the thousand)
    synthetic = _synthetic_vessels(store_root) if any(e["synthetic"] is None for e in out) else set()
    for e in out:
        said = e["synthetic"]
        e["synthetic"] = (
            bool(said) if said is not None else e.get("source") == SYNTHETIC or e.get("mmsi") in synthetic
        )
        if e.get("event_id") is None:
            e["event_id"] = f"{e['type']}:{e['mmsi']}:{iso_z(e['start'])}"
        e["detail"] = _detail(e.get("detail"))
    return out


def _detail(text: Any) -> dict[str, Any]:
    """An event's other columns as one object; the detectors' ``detail`` and ``params`` (JSON
    written as text) read as the objects they are, other values kept as they are (so is text in
    those columns that is not a JSON object or array)."""
    if not isinstance(text, str):
        return {}
    detail: dict[str, Any] = json.loads(text)
    for key in JSON_TEXT_COLUMNS:
        value = detail.get(key)
        if isinstance(value, str):
            try:
                parsed = json.loads(value)
            except ValueError:
                continue
            if isinstance(parsed, dict | list):
                detail[key] = parsed
    return detail


_synthetic_by_file: dict[tuple[str, int, int], frozenset[int]] = {}
_synthetic_lock = threading.Lock()


def _synthetic_vessels(store_root: Path) -> set[int]:
    """MMSIs whose positions in the store come from the synthetic generator: their events are
    synthetic too (for the event files that do not say where their positions came from).

    A live ingest adds small files all the time, and the stream asks on every new event file: each
    file is read once (kept by path, size and modification time), not the whole store each time."""
    positions = Path(store_root) / "positions"
    keys = []
    for path in positions.glob("day=*/*.parquet"):
        try:
            st = path.stat()
        except FileNotFoundError:
            continue
        keys.append((str(path), st.st_size, st.st_mtime_ns))
    with _synthetic_lock:
        new = [k for k in keys if k not in _synthetic_by_file]
    if new:
        names = ", ".join("'" + k[0].replace("'", "''") + "'" for k in new)
        found: dict[str, set[int]] = {k[0]: set() for k in new}
        with duckdb.connect() as con:  # its own: DuckDB's default connection is one per process
            rows = con.execute(
                f"SELECT filename, list(DISTINCT mmsi) FROM read_parquet([{names}], filename = true, "  # noqa: S608 (paths from the store, quoted)
                f"union_by_name = true) WHERE source = '{SYNTHETIC}' GROUP BY filename"
            ).fetchall()
        for name, mmsis in rows:
            found[name] = {int(m) for m in mmsis}
        with _synthetic_lock:
            for k in new:
                _synthetic_by_file[k] = frozenset(found.get(k[0], ()))
    with _synthetic_lock:
        out: set[int] = set()
        for k in keys:
            out |= _synthetic_by_file.get(k, frozenset())
        if len(_synthetic_by_file) > 4 * max(len(keys), 1000):  # files gone: forget them
            live = set(keys)
            for k in [k for k in _synthetic_by_file if k not in live]:
                del _synthetic_by_file[k]
    return out
