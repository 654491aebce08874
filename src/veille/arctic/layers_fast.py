"""The vessels and tracks layers served fast: computed and written as GeoJSON text by DuckDB, cached
per store state.

:func:`veille.arctic.layers_reference.vessels` and :func:`veille.arctic.layers_reference.tracks`
are the straightforward versions (rows fetched into Python, one dict per feature, ``json.dumps``);
they stay as the reference that these must equal in content (``tests/arctic/test_layers_fast.py``)
and as the baseline of ``bench/arctic.py``. Here the store is read once per request by one SQL
query per layer that ends in ``string_agg(to_json(...))``: latest positions with ``arg_max``,
tracks with ``list(... ORDER BY timestamp)``, flag groups joined from a table of the MMSIs seen
(each computed once by :func:`veille.arctic.layers.flag_group`, so the rule lives in one place).

Coordinates are rounded to 5 decimals (about 1 m) exactly as Python's ``round`` does: DuckDB's
``round`` multiplies by 10^5 and rounds half away from zero, which differs from Python's correctly
rounded result only when ``x * 10^5`` lies within 10^-6 of a half; those few are formatted with
``{:.5f}`` (correctly rounded, as Python) and read back.

The answer for a given (layer, filters, allies) is kept in memory until a file of the store's
positions or vessels changes (path, size and modification time of every Parquet file), so repeated
requests, and every open page after an ingest run, cost one listing of the store's folders. At most
``CACHE_ENTRIES`` answers and ``CACHE_BYTES`` are kept, the least recently used leaving first.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from veille.arctic.layers import ais_store, flag_group
from veille.core.geo import BBox, bbox_sql
from veille.maritime.store import AisStore

CACHE_ENTRIES = 32
CACHE_BYTES = 64 * 2**20  # answers of a large store are megabytes each; older ones go first
_cache: OrderedDict[tuple[Any, ...], bytes] = OrderedDict()
_extent: dict[tuple[Any, ...], tuple[dt.datetime | None, dt.datetime | None]] = {}
_lock = threading.Lock()
_bases: dict[str, tuple[tuple[Any, ...], duckdb.DuckDBPyConnection]] = {}
_flags: dict[int, tuple[str, str]] = {}  # (mmsi) -> flag, group for the allies of _flags_allies
_flags_allies: frozenset[str] = frozenset()

# exact Python rounding to 5 decimals (see the module's docstring)
_R5 = """CREATE MACRO r5(x) AS CASE
  WHEN abs(x * 1e5 - floor(x * 1e5) - 0.5) < 1e-6 THEN format('{:.5f}', x)::DOUBLE
  ELSE round(x, 5) END"""
# datetime.isoformat() of a UTC time with Z: microseconds only when not zero
_TS = """CREATE MACRO ts(t) AS CASE WHEN t IS NULL THEN NULL ELSE
  strftime(make_timestamp(epoch_us(t)), '%Y-%m-%dT%H:%M:%S')
  || CASE WHEN epoch_us(t) % 1000000 = 0 THEN ''
     ELSE '.' || lpad((epoch_us(t) % 1000000)::VARCHAR, 6, '0') END
  || 'Z' END"""


def store_signature(root: Path) -> tuple[tuple[str, int, int], ...]:
    """Path, size and modification time of every Parquet file of positions and vessels."""
    out = []
    for pattern in ("positions/day=*/*.parquet", "vessels/*.parquet"):
        for path in root.glob(pattern):
            try:
                st = path.stat()
            except FileNotFoundError:  # replaced while listing; the next request sees the new state
                continue
            out.append((str(path), st.st_size, st.st_mtime_ns))
    return tuple(sorted(out))


def _connect(root: Path, sig: tuple[Any, ...]) -> tuple[duckdb.DuckDBPyConnection, duckdb.DuckDBPyConnection]:
    """A connection kept per store and a cursor on it: opening DuckDB costs tens of milliseconds, a
    cursor almost nothing, and each cursor has its own temporary tables (one per request). The
    store's views read their folders' globs at every query, so the connection is opened again only
    when a folder appears (an empty store has placeholder views). The caller holds both: a replaced
    connection is closed by the garbage collector once no request uses it, never under a query."""
    shape = (str(root), any("/positions/" in f for f, _, _ in sig), any("/vessels/" in f for f, _, _ in sig))
    with _lock:
        entry = _bases.get(str(root))
        if entry is None or entry[0] != shape:
            con = AisStore(root).connect()
            con.execute(_R5)
            con.execute(_TS)
            entry = _bases[str(root)] = (shape, con)
            while len(_bases) > 4:  # one store in service; tests and benchmarks open others
                _bases.pop(next(iter(_bases)))
        return entry[1], entry[1].cursor()


def _ts(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if value else None


def _window(
    con: duckdb.DuckDBPyConnection,
    sig: tuple[Any, ...],
    since: dt.datetime | None,
    until: dt.datetime | None,
    default_hours: float,
) -> tuple[dt.datetime | None, dt.datetime | None]:
    if until is None:
        with _lock:
            extent = _extent.get(sig)
        if extent is None:
            row = con.execute("SELECT min(timestamp), max(timestamp) FROM positions").fetchone()
            extent = (row[0], row[1]) if row else (None, None)
            with _lock:
                _extent.clear()
                _extent[sig] = extent
        until = extent[1]
        if until is None:
            return None, None
    if since is None:
        since = until - dt.timedelta(hours=default_hours)
    return since, until


def _register_flags(con: duckdb.DuckDBPyConnection, relation: str, allies: frozenset[str]) -> None:
    """A table ``flags(mmsi, flag, grp)`` for the MMSIs of ``relation``."""
    global _flags_allies
    mmsis = [int(r[0]) for r in con.execute(f"SELECT DISTINCT mmsi FROM {relation}").fetchall()]  # noqa: S608
    with _lock:
        if allies != _flags_allies:
            _flags.clear()
            _flags_allies = allies
        missing = [m for m in mmsis if m not in _flags]
        for m in missing:
            _flags[m] = flag_group(m, allies)
        rows = [_flags[m] for m in mmsis]
    frame = pl.DataFrame(
        {"mmsi": mmsis, "flag": [r[0] for r in rows], "grp": [r[1] for r in rows]},
        schema={"mmsi": pl.UInt32, "flag": pl.Utf8, "grp": pl.Utf8},
    )
    con.register("flags", frame)


def _cached(key: tuple[Any, ...]) -> bytes | None:
    with _lock:
        body = _cache.get(key)
        if body is not None:
            _cache.move_to_end(key)
        return body


def _keep(key: tuple[Any, ...], body: bytes) -> bytes:
    with _lock:
        _cache[key] = body
        total = sum(len(b) for b in _cache.values())
        while len(_cache) > 1 and (len(_cache) > CACHE_ENTRIES or total > CACHE_BYTES):
            total -= len(_cache.popitem(last=False)[1])
    return body


def _envelope(features: str | None, meta: dict[str, Any]) -> bytes:
    return (
        b'{"type":"FeatureCollection","features":['
        + (features or "").encode()
        + b'],"meta":'
        + json.dumps(meta, separators=(",", ":")).encode()
        + b"}"
    )


def vessels(
    bbox: BBox,
    allies: Iterable[str],
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    limit: int = 20_000,
) -> bytes:
    """The content of :func:`veille.arctic.layers_reference.vessels`, as GeoJSON bytes."""
    return _layer("vessels", _vessels, bbox, allies, since, until, limit)


def _layer(
    name: str,
    build: Any,
    bbox: BBox,
    allies: Iterable[str],
    since: dt.datetime | None,
    until: dt.datetime | None,
    limit: int,
) -> bytes:
    """A layer's answer from memory while the store is unchanged, else built by ``build`` in DuckDB."""
    root = ais_store().root
    sig = store_signature(root)
    ally_set = frozenset(allies)
    key = (name, tuple(bbox), since, until, ally_set, limit, str(root), sig)
    body = _cached(key)
    if body is not None:
        return body
    base, con = _connect(root, sig)
    try:
        result: bytes = _keep(key, build(con, sig, bbox, ally_set, since, until, limit))
        return result
    finally:
        con.close()
        del base


def _vessels(
    con: duckdb.DuckDBPyConnection,
    sig: tuple[Any, ...],
    bbox: BBox,
    ally_set: frozenset[str],
    since: dt.datetime | None,
    until: dt.datetime | None,
    limit: int,
) -> bytes:
    since, until = _window(con, sig, since, until, 24)
    if until is None:
        return _envelope(None, {"since": None, "until": None, "vessels": 0})
    inside, box = bbox_sql(bbox)
    con.execute(
        f"""
        CREATE TEMP TABLE sel AS
        WITH latest AS (
          SELECT mmsi, arg_max(lat, timestamp) AS lat, arg_max(lon, timestamp) AS lon,
                 arg_max(sog_kn, timestamp) AS sog_kn, arg_max(cog_deg, timestamp) AS cog_deg,
                 max(timestamp) AS at, bool_or(source = 'synthetic') AS synthetic,
                 arg_max(source, timestamp) AS source,
                 arg_max(coalesce(timestamp = received_at, false), timestamp) AS at_reception
          FROM positions
          WHERE timestamp BETWEEN ? AND ? AND {inside}
          GROUP BY mmsi
        )
        SELECT l.mmsi, l.lat, l.lon, l.sog_kn, l.cog_deg, l.at, l.synthetic, v.name, v.ship_type,
               v.length_m, v.width_m, l.source, l.at_reception
        FROM latest l LEFT JOIN vessels v USING (mmsi)
        ORDER BY l.mmsi LIMIT ?
        """,  # noqa: S608 (a constant condition; values are parameters)
        [since, until, *box, limit],
    )
    _register_flags(con, "sel", ally_set)
    row = con.execute(
        """
        SELECT string_agg(to_json({
            type: 'Feature',
            geometry: {type: 'Point', coordinates: [r5(lon), r5(lat)]},
            properties: {layer: 'vessel', mmsi: mmsi, flag: f.flag, "group": f.grp,
                         name: coalesce(name, ''), ship_type: ship_type, length_m: length_m,
                         width_m: width_m, sog_kn: sog_kn,
                         cog_deg: cog_deg, "at": ts("at"),
                         time_basis: CASE WHEN at_reception THEN 'reception' ELSE 'sentence' END,
                         source: coalesce(source, ''), synthetic: coalesce(synthetic, false)},
            id: mmsi})::VARCHAR, ',' ORDER BY mmsi), count(*)
        FROM sel JOIN flags f USING (mmsi)
        """
    ).fetchone()
    features, n = (row[0], int(row[1])) if row else (None, 0)
    return _envelope(features, {"since": _ts(since), "until": _ts(until), "vessels": n})


def tracks(
    bbox: BBox,
    allies: Iterable[str],
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    max_points: int = 200_000,
) -> bytes:
    """The content of :func:`veille.arctic.layers_reference.tracks`, as GeoJSON bytes."""
    return _layer("tracks", _tracks, bbox, allies, since, until, max_points)


def _tracks(
    con: duckdb.DuckDBPyConnection,
    sig: tuple[Any, ...],
    bbox: BBox,
    ally_set: frozenset[str],
    since: dt.datetime | None,
    until: dt.datetime | None,
    max_points: int,
) -> bytes:
    since, until = _window(con, sig, since, until, 24)
    if until is None:
        return _envelope(None, {"since": None, "until": None, "points": 0})
    inside, box = bbox_sql(bbox)
    params = [since, until, *box]
    where = f"timestamp BETWEEN ? AND ? AND {inside}"
    total = con.execute(f"SELECT count(*) FROM positions WHERE {where}", params).fetchone()  # noqa: S608
    n = int(total[0]) if total else 0
    step = max(1, -(-n // max_points))
    # every step-th position in (mmsi, time) order, as the reference thins; the window only when needed
    kept = (
        f"(SELECT * FROM (SELECT *, row_number() OVER (ORDER BY mmsi, timestamp) AS rn FROM positions "  # noqa: S608
        f"WHERE {where}) WHERE rn % {step} = 0)"
        if step > 1
        else f"(SELECT * FROM positions WHERE {where})"  # noqa: S608
    )
    con.execute(
        f"""
        CREATE TEMP TABLE lines AS
        SELECT mmsi, list([r5(lon), r5(lat)] ORDER BY timestamp) AS coords, min(timestamp) AS first,
               max(timestamp) AS last, bool_or(source = 'synthetic') AS synthetic, count(*) AS points
        FROM {kept} GROUP BY mmsi HAVING count(*) >= 2
        """,  # noqa: S608 (constant clauses; values are parameters)
        params,
    )
    _register_flags(con, "lines", ally_set)
    row = con.execute(
        """
        SELECT string_agg(to_json({
            type: 'Feature',
            geometry: {type: 'LineString', coordinates: coords},
            properties: {layer: 'track', mmsi: mmsi, flag: f.flag, "group": f.grp, "from": ts(first),
                         "to": ts(last), points: points, synthetic: coalesce(synthetic, false)},
            id: mmsi})::VARCHAR, ',' ORDER BY mmsi)
        FROM lines JOIN flags f USING (mmsi)
        """
    ).fetchone()
    meta = {"since": _ts(since), "until": _ts(until), "points": n, "kept_every": step}
    return _envelope(row[0] if row else None, meta)


def clear_cache() -> None:
    with _lock:
        _cache.clear()
        _extent.clear()
