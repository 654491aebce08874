"""Events (gaps, encounters, loitering, zone entries, time near cables) read from the AIS store.

The detectors write Parquet under ``<store>/events/``; this module reads every file there through
DuckDB (``union_by_name``) and maps the columns to one shape::

    event_id  event_type  mmsi  start  end  lat  lon  other_mmsi  zone  synthetic  detail

A column the files do not have is read as empty. An event is synthetic when its file says so (the
``synthetic`` column that ``veille ais watch --save`` and ``veille ais events`` write), else when
its source is the generator's or its vessel's positions in the store are synthetic. No Django models here.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path
from typing import Any

import duckdb

from veille.arctic.geo import BBox, bbox_sql, collection, feature
from veille.core.events.schema import EVENT_TYPES as EVENT_TYPES  # the detectors' own list, re-exported

# the first of each list that a file has is used
_COLUMNS: dict[str, tuple[str, ...]] = {
    "event_id": ("event_id", "id"),
    "event_type": ("event_type", "type", "kind"),
    "mmsi": ("mmsi",),
    "start": ("start", "start_time", "started_at", "timestamp"),
    "end": ("end", "end_time", "ended_at"),
    "lat": ("lat", "start_lat", "lat_deg"),
    "lon": ("lon", "start_lon", "lon_deg"),
    "other_mmsi": ("other_mmsi", "mmsi_2", "mmsi2"),
    "zone": ("zone", "zone_id"),
    "source": ("source",),
    "said_synthetic": ("synthetic",),
}


def events_dir(store_root: Path) -> Path:
    return Path(store_root) / "events"


def _files(store_root: Path) -> list[Path]:
    folder = events_dir(store_root)
    return sorted(folder.rglob("*.parquet")) if folder.is_dir() else []


def _relation(con: duckdb.DuckDBPyConnection, files: list[Path]) -> str:
    names = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
    con.sql(
        f"CREATE OR REPLACE VIEW raw_events AS SELECT * FROM read_parquet([{names}], union_by_name = true)"  # noqa: S608 (paths from the store, quoted)
    )
    have = {r[0] for r in con.execute("DESCRIBE raw_events").fetchall()}
    if "event_id" in have and "run_at" in have:
        # each `veille ais events` run writes its own file; an event seen open by one run and closed by
        # a later one keeps its id: the latest run's row stands (as veille.maritime.events' view)
        order = "run_at DESC NULLS LAST" + (", run_id DESC NULLS LAST" if "run_id" in have else "")
        con.sql(
            "CREATE OR REPLACE VIEW raw_events AS SELECT * FROM "  # noqa: S608 (paths from the store, quoted)
            f"read_parquet([{names}], union_by_name = true) QUALIFY event_id IS NULL OR "
            f"row_number() OVER (PARTITION BY event_id ORDER BY {order}) = 1"
        )
    select = []
    for name, candidates in _COLUMNS.items():
        col = next((c for c in candidates if c in have), None)
        select.append(f'"{col}" AS {name}' if col else f"NULL AS {name}")
    extra = sorted(have - {c for cs in _COLUMNS.values() for c in cs})
    detail = "to_json(struct_pack(" + ", ".join(f'"{c}" := "{c}"' for c in extra) + "))" if extra else "NULL"
    con.sql(
        f"CREATE OR REPLACE VIEW events AS SELECT {', '.join(select)}, {detail} AS detail FROM raw_events"  # noqa: S608 (column names read from the files)
    )
    return "events"


def read_events(
    store_root: Path,
    bbox: BBox | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    types: tuple[str, ...] | None = None,
    after_files: set[str] | None = None,
) -> list[dict[str, Any]]:
    """Events as dicts, ordered by start; ``after_files`` skips files already read (the stream)."""
    files = _files(store_root)
    if after_files is not None:
        files = [f for f in files if str(f) not in after_files]
    if not files:
        return []
    con = duckdb.connect()
    _relation(con, files)
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
    if types:
        where.append(f"event_type IN ({', '.join('?' for _ in types)})")
        params += list(types)
    rows = con.execute(
        f"SELECT * FROM events WHERE {' AND '.join(where)} ORDER BY start, mmsi",  # noqa: S608
        params,
    ).fetchall()
    cols = [d[0] for d in con.description or []]
    out = [dict(zip(cols, r, strict=True)) for r in rows]
    # an event that says whether it is synthetic (the detectors' runs do) is taken at its word: the
    # positions files are read only for the others (a live ingest writes them by the thousand)
    synthetic = _synthetic_vessels(store_root) if any(e["said_synthetic"] is None for e in out) else set()
    for e in out:
        said = e.pop("said_synthetic")
        e["synthetic"] = (
            bool(said) if said is not None else e.get("source") == "synthetic" or e.get("mmsi") in synthetic
        )
        if e.get("event_id") is None:
            e["event_id"] = f"{e['event_type']}:{e['mmsi']}:{_iso(e['start'])}"
        e["detail"] = _detail(e.get("detail"))
    return out


#: columns of the detectors' files that hold JSON as text (``veille.core.events.schema``)
JSON_TEXT_COLUMNS = ("detail", "params")


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
                "union_by_name = true) WHERE source = 'synthetic' GROUP BY filename"
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


def current_files(store_root: Path) -> set[str]:
    return {str(f) for f in _files(store_root)}


def _iso(value: Any) -> str | None:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    return None if value is None else str(value)


def as_features(events: list[dict[str, Any]], allies: set[str]) -> dict[str, Any]:
    from veille.arctic.layers import flag_group

    out = []
    for e in events:
        if e.get("lat") is None or e.get("lon") is None:
            continue
        flag, group = flag_group(int(e["mmsi"]), allies) if e.get("mmsi") is not None else ("", "UNKNOWN")
        props = {
            "layer": "event",
            "event_id": e["event_id"],
            "event_type": e["event_type"],
            "mmsi": e.get("mmsi"),
            "other_mmsi": e.get("other_mmsi"),
            "flag": flag,
            "group": group,
            "zone": e.get("zone") or "",
            "start": _iso(e.get("start")),
            "end": _iso(e.get("end")),
            "synthetic": e["synthetic"],
            "detail": e.get("detail") or {},
        }
        out.append(feature({"type": "Point", "coordinates": [e["lon"], e["lat"]]}, props, e["event_id"]))
    return collection(out)


def rows(events: list[dict[str, Any]], allies: set[str]) -> list[dict[str, Any]]:
    """Events as flat rows for CSV."""
    return [
        f["properties"] | {"lon": f["geometry"]["coordinates"][0], "lat": f["geometry"]["coordinates"][1]}
        for f in as_features(events, allies)["features"]
    ]
