"""Map layers as GeoJSON: the shipped basemap, cables, landing points and zones, and the events read
from the AIS store; and what every layer shares: the data folder, the AIS store, flag groups. No
Django models here; views pass in what they need (the allies).

The vessels and tracks layers have two implementations of the same content:
:mod:`veille.arctic.layers_fast` (DuckDB writes the GeoJSON; the pages use it) and
:mod:`veille.arctic.layers_reference` (straightforward Python; the reference the fast one is tested
against, and the benchmarks' baseline).

AIS layers are public observations (AIS is broadcast in the clear); rows whose ``source`` is
``synthetic`` are marked ``synthetic: true`` and drawn as such.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import shapely
import shapely.affinity
from django.conf import settings
from shapely.geometry import box, mapping, shape

from veille.arctic.geo import ARCTIC_BBOX, collection, d3_winding, feature, for_the_sphere, read_geojson
from veille.core.ais.mid import load_mid_table, station_mid
from veille.core.geo import BBox, bbox_intersects, in_bbox
from veille.maritime.event_files import iso_z
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


_extents: dict[tuple[Any, ...], tuple[dt.datetime | None, dt.datetime | None]] = {}
_extents_lock = threading.Lock()


def _positions_signature(root: Path) -> tuple[Any, ...]:
    out = []
    for path in root.glob("positions/day=*/*.parquet"):
        try:
            st = path.stat()
        except FileNotFoundError:  # replaced while listing; the next request sees the new state
            continue
        out.append((path.name, path.parent.name, st.st_size, st.st_mtime_ns))
    return (str(root), *sorted(out))


def store_extent() -> tuple[dt.datetime | None, dt.datetime | None]:
    """First and last position time in the store (``None`` when empty). Kept per state of the
    positions' files (their names, sizes and times): opening DuckDB and reading every file's
    times took most of the picture page's time, for an answer that changes only with an ingest."""
    store = ais_store()
    key = _positions_signature(store.root)
    with _extents_lock:
        if key in _extents:
            return _extents[key]
    row = store.connect().execute("SELECT min(timestamp), max(timestamp) FROM positions").fetchone()
    extent = (row[0], row[1]) if row else (None, None)
    with _extents_lock:
        _extents.clear()  # only the store's present state is asked for
        _extents[key] = extent
    return extent


def event_features(events: list[dict[str, Any]], allies: set[str]) -> dict[str, Any]:
    """Stored events (:func:`veille.maritime.event_files.event_records`) as GeoJSON points where each
    began, with the vessel's flag group; an event without a position is left out."""
    out = []
    for e in events:
        if e.get("lat") is None or e.get("lon") is None:
            continue
        flag, group = flag_group(int(e["mmsi"]), allies) if e.get("mmsi") is not None else ("", "UNKNOWN")
        props = {
            "layer": "event",
            "event_id": e["event_id"],
            "event_type": e["type"],
            "mmsi": e.get("mmsi"),
            "other_mmsi": e.get("mmsi2"),
            "flag": flag,
            "group": group,
            "zone": e.get("zone") or "",
            "start": iso_z(e.get("start")),
            "end": iso_z(e.get("end")),
            "synthetic": e["synthetic"],
            "detail": e.get("detail") or {},
        }
        out.append(feature({"type": "Point", "coordinates": [e["lon"], e["lat"]]}, props, e["event_id"]))
    return collection(out)
