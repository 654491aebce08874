"""Map layers as GeoJSON: the shipped basemap, cables, landing points and zones; vessels and tracks
read from the AIS store. No Django models here; views pass in what they need (the allies).

AIS layers are public observations (AIS is broadcast in the clear); rows whose ``source`` is
``synthetic`` are marked ``synthetic: true`` and drawn as such.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import shapely
import shapely.affinity
from django.conf import settings
from shapely.geometry import box, mapping, shape

from veille.arctic.geo import (
    ARCTIC_BBOX,
    BBox,
    bbox_intersects,
    bbox_sql,
    collection,
    d3_winding,
    feature,
    for_the_sphere,
    in_bbox,
    read_geojson,
)
from veille.core.ais.mid import load_mid_table, station_mid
from veille.maritime.store import AisStore

#: How the picture groups flag states; Russia (MID 273) and China (MIDs 412-414) stand apart.
RUSSIA_MIDS = frozenset({273})
CHINA_MIDS = frozenset({412, 413, 414})
BASEMAP_SOUTH_LAT = 42.0  # the polar map is clipped at 40° N; nothing drawn reaches the clip circle


def geo_dir() -> Path:
    return Path(settings.DATA_DIR) / "geo"


def zones_dir() -> Path:
    return Path(settings.DATA_DIR) / "zones"


def ais_store() -> AisStore:
    return AisStore(settings.AIS_STORE)


@lru_cache(maxsize=4)
def basemap_bytes(name: str) -> bytes:
    """Natural Earth land or countries clipped to the north of 35° N, serialised once."""
    files = {"land": "ne_110m_land.geojson", "countries": "ne_110m_admin_0_countries.geojson"}
    data = read_geojson(str(geo_dir() / files[name]))
    clip = box(-180, BASEMAP_SOUTH_LAT, 180, 90)
    features = []
    for f in data["features"]:
        geom = shape(f["geometry"])
        if not geom.intersects(clip):
            continue
        part = _join_antimeridian(geom.intersection(clip))
        props = {"name": f["properties"].get("NAME", "")} if name == "countries" else {}
        if name == "countries":
            props["code"] = f["properties"].get("ADM0_A3", "")
        features.append(feature(d3_winding(mapping(shapely.set_precision(part, 0.001))), props))
    meta = {"source": "Natural Earth 1:110m", "licence": "public domain"}
    return json.dumps(collection(features, meta=meta), separators=(",", ":")).encode()


def _join_antimeridian(geom: Any) -> Any:
    """Natural Earth cuts Russia (and land) at 180°; a rotated polar projection cuts elsewhere, and the
    cut edge along the meridian then fills a wedge from the pole. Parts lying just west of -180°
    are moved east by 360° and joined to their neighbours (d3-geo reads longitudes beyond 180)."""
    parts = list(geom.geoms) if hasattr(geom, "geoms") else [geom]
    if not any(p.bounds[0] <= -179.99 for p in parts) or not any(p.bounds[2] >= 179.99 for p in parts):
        return geom
    moved = [shapely.affinity.translate(p, xoff=360) if p.bounds[0] <= -179.99 else p for p in parts]
    return shapely.union_all(moved)


CABLE_NOTICE = (
    "Submarine cable data © TeleGeography (submarinecablemap.com), CC BY-NC-SA 3.0: "
    "non-commercial use, attribution, share-alike."
)


def cables(bbox: BBox = ARCTIC_BBOX) -> dict[str, Any]:
    data = read_geojson(str(geo_dir() / "telegeography_cable-geo.json"))
    out = []
    for f in data["features"]:
        b = shape(f["geometry"]).bounds
        if bbox_intersects((b[0], b[1], b[2], b[3]), bbox):
            p = f["properties"]
            out.append(feature(f["geometry"], {"layer": "cable", "id": p.get("id"), "name": p.get("name")}))
    return collection(out, meta={"source": "TeleGeography", "licence": CABLE_NOTICE})


def landing_points(bbox: BBox = ARCTIC_BBOX) -> dict[str, Any]:
    data = read_geojson(str(geo_dir() / "telegeography_landing-point-geo.json"))
    out = []
    for f in data["features"]:
        lon, lat = f["geometry"]["coordinates"][:2]
        if in_bbox(lon, lat, bbox):
            p = f["properties"]
            out.append(feature(f["geometry"], {"layer": "landing", "id": p.get("id"), "name": p.get("name")}))
    return collection(out, meta={"source": "TeleGeography", "licence": CABLE_NOTICE})


def zone_files() -> list[Path]:
    folder = zones_dir()
    return sorted(folder.glob("*.geojson")) if folder.is_dir() else []


def zones(bbox: BBox = ARCTIC_BBOX) -> dict[str, Any]:
    """Named zones from ``data/zones/*.geojson``; each feature keeps its ``id`` and ``name``."""
    out = []
    for path in zone_files():
        data = json.loads(path.read_text(encoding="utf-8"))
        features = data["features"] if data.get("type") == "FeatureCollection" else [data]
        for f in features:
            geom = shape(f["geometry"])
            b = geom.bounds
            if not bbox_intersects((b[0], b[1], b[2], b[3]), bbox):
                continue
            p = f.get("properties") or {}
            zid = str(p.get("id") or f.get("id") or p.get("name") or path.stem)
            props = {"layer": "zone", "id": zid, "name": p.get("name") or zid, "file": path.name}
            props.update({k: v for k, v in p.items() if k in ("source", "note", "kind", "drawn")})
            out.append(feature(d3_winding(f["geometry"]), props))
    return collection(out)


def map_zones(bbox: BBox = ARCTIC_BBOX) -> dict[str, Any]:
    """The zones as the map draws them: edges along parallels cut every degree, polar caps without
    their edges along 180° and at the pole (:func:`veille.arctic.geo.for_the_sphere`). The
    computations (coverage, alerts) use :func:`zones`, the shapes as written."""
    data = zones(bbox)
    for f in data["features"]:
        f["geometry"] = for_the_sphere(f["geometry"])
    return data


def zone_ids() -> list[str]:
    return [f["properties"]["id"] for f in zones()["features"]]


def zone_shapes() -> dict[str, Any]:
    return {f["properties"]["id"]: shape(f["geometry"]) for f in zones()["features"]}


# --- AIS -------------------------------------------------------------------------------------------


def flag_group(mmsi: int, allies: Iterable[str]) -> tuple[str, str]:
    """(flag ISO alpha-3 or "", group): ``RUS``, ``CHN``, ``ALLY``, ``OTHER`` or ``UNKNOWN``.

    >>> flag_group(273355410, {"NOR"}), flag_group(413000001, {"NOR"})[1], flag_group(257000001, {"NOR"})
    (('RUS', 'RUS'), 'CHN', ('NOR', 'ALLY'))
    """
    mid = station_mid(int(mmsi))
    flag = load_mid_table().get(mid) if mid is not None else None
    iso3 = flag.iso3 if flag else ""
    if mid in RUSSIA_MIDS:
        return iso3, "RUS"
    if mid in CHINA_MIDS:
        return iso3, "CHN"
    if not iso3:
        return "", "UNKNOWN"
    return iso3, "ALLY" if iso3 in set(allies) else "OTHER"


def _ts(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if value else None


def store_extent() -> tuple[dt.datetime | None, dt.datetime | None]:
    """First and last position time in the store (``None`` when empty)."""
    row = ais_store().connect().execute("SELECT min(timestamp), max(timestamp) FROM positions").fetchone()
    return (row[0], row[1]) if row else (None, None)


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
