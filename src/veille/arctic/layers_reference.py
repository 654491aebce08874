"""The vessels and tracks layers, straightforward: rows fetched into Python, one dict per feature.

This is the reference implementation: :mod:`veille.arctic.layers_fast` serves the same content,
written as GeoJSON text by DuckDB, to the pages; ``tests/arctic/test_layers_fast.py`` checks that the
two say the same, and ``bench/arctic.py`` measures the fast one against this one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from veille.arctic.geo import collection, feature
from veille.arctic.layers import ais_store, flag_group, store_extent
from veille.core.geo import BBox, bbox_sql

__all__ = ["tracks", "vessels"]


def _ts(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if value else None


def _window(
    since: dt.datetime | None, until: dt.datetime | None, default_hours: float
) -> tuple[dt.datetime | None, dt.datetime | None]:
    if until is None:
        _, until = store_extent()
        if until is None:
            return None, None
    if since is None:
        since = until - dt.timedelta(hours=default_hours)
    return since, until


def vessels(
    bbox: BBox,
    allies: Iterable[str],
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    limit: int = 20_000,
) -> dict[str, Any]:
    """Each vessel's latest position in ``[since, until]`` (default: the last 24 h of the store) inside
    ``bbox``, with its flag group, name, ship type, length and width (the registry's latest), and
    whether the data are synthetic."""
    since, until = _window(since, until, 24)
    if until is None:
        return collection([], meta={"since": None, "until": None, "vessels": 0})
    con = ais_store().connect()
    inside, box = bbox_sql(bbox)
    rows = con.execute(
        f"""
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
    ).fetchall()
    allies = set(allies)
    out = []
    for mmsi, lat, lon, sog, cog, at, synthetic, name, ship_type, length_m, width_m, source, at_rx in rows:
        flag, group = flag_group(mmsi, allies)
        props = {
            "layer": "vessel",
            "mmsi": mmsi,
            "flag": flag,
            "group": group,
            "name": name or "",
            "ship_type": ship_type,
            "length_m": length_m,
            "width_m": width_m,
            "sog_kn": sog,
            "cog_deg": cog,
            "at": _ts(at),
            "time_basis": "reception" if at_rx else "sentence",
            "source": source or "",
            "synthetic": bool(synthetic),
        }
        out.append(feature({"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]}, props, mmsi))
    return collection(out, meta={"since": _ts(since), "until": _ts(until), "vessels": len(out)})


def tracks(
    bbox: BBox,
    allies: Iterable[str],
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    max_points: int = 200_000,
) -> dict[str, Any]:
    """One line per vessel through its positions in ``[since, until]`` (default: the store's last
    24 h) inside ``bbox``; when there are more than ``max_points`` positions, every n-th is kept."""
    since, until = _window(since, until, 24)
    if until is None:
        return collection([], meta={"since": None, "until": None, "points": 0})
    con = ais_store().connect()
    inside, box = bbox_sql(bbox)
    params = [since, until, *box]
    where = f"timestamp BETWEEN ? AND ? AND {inside}"
    total = con.execute(f"SELECT count(*) FROM positions WHERE {where}", params).fetchone()  # noqa: S608
    n = int(total[0]) if total else 0
    step = max(1, -(-n // max_points))
    rows = con.execute(
        f"""
        SELECT mmsi, list(lon ORDER BY timestamp), list(lat ORDER BY timestamp),
               min(timestamp), max(timestamp), bool_or(source = 'synthetic')
        FROM (SELECT *, row_number() OVER (ORDER BY mmsi, timestamp) AS rn FROM positions WHERE {where})
        WHERE rn % ? = 0 OR ? = 1
        GROUP BY mmsi HAVING count(*) >= 2 ORDER BY mmsi
        """,  # noqa: S608 (the WHERE clause is a constant; values are parameters)
        [*params, step, step],
    ).fetchall()
    allies = set(allies)
    out = []
    for mmsi, lons, lats, first, last, synthetic in rows:
        flag, group = flag_group(mmsi, allies)
        coords = [[round(x, 5), round(y, 5)] for x, y in zip(lons, lats, strict=True)]
        props = {
            "layer": "track",
            "mmsi": mmsi,
            "flag": flag,
            "group": group,
            "from": _ts(first),
            "to": _ts(last),
            "points": len(coords),
            "synthetic": bool(synthetic),
        }
        out.append(feature({"type": "LineString", "coordinates": coords}, props, mmsi))
    meta = {"since": _ts(since), "until": _ts(until), "points": n, "kept_every": step}
    return collection(out, meta=meta)
