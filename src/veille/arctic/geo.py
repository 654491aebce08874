"""Geometry of the picture, without Django: areas, bounding boxes, overlaps, the shipped layers.

Areas are GeoJSON geometries in WGS 84 (longitude, latitude). A point with a radius is turned into
a polygon (a geodesic circle on the sphere) only when it is compared with other areas. Shapes
that cross the antimeridian are not expected in the High North data veille ships; an area's
bounding box is the plain min/max of coordinates. A bounding box asked for (``bbox=``) may wrap
across 180°: ``min_lon > max_lon`` is the box from ``min_lon`` east to ``max_lon`` (RFC 7946
§5.2), e.g. ``170,60,-170,70`` for the Bering Strait (:mod:`veille.core.geo` has the boxes'
arithmetic: ``bbox_parts``, ``in_bbox``, ``bbox_sql``…).
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import MultiPolygon, Point, Polygon, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

from veille.core.geo import BBox, bbox_intersects
from veille.kit.limits import MAX_POLYGON_VERTICES

EARTH_RADIUS_KM = 6371.0088
ARCTIC_BBOX: BBox = (-180.0, 45.0, 180.0, 90.0)


class AreaError(ValueError):
    """An area that cannot be read (the message says why)."""


def circle(lon: float, lat: float, radius_km: float, points: int = 64) -> Polygon:
    """A geodesic circle on the sphere as a polygon of ``points`` vertices.

    >>> c = circle(15.0, 69.0, 100.0)
    >>> round(c.bounds[3] - 69.0, 2)  # 100 km north is 0.9° of latitude
    0.9
    """
    if radius_km <= 0:
        raise AreaError("radius must be positive")
    d = radius_km / EARTH_RADIUS_KM
    la, lo = math.radians(lat), math.radians(lon)
    ring = []
    for i in range(points):
        b = 2 * math.pi * i / points
        lat2 = math.asin(math.sin(la) * math.cos(d) + math.cos(la) * math.sin(d) * math.cos(b))
        lon2 = lo + math.atan2(
            math.sin(b) * math.sin(d) * math.cos(la), math.cos(d) - math.sin(la) * math.sin(lat2)
        )
        ring.append((math.degrees(lon2), math.degrees(lat2)))
    return Polygon(ring)


def geometry_of(area: dict[str, Any] | None, radius_km: float | None = None) -> BaseGeometry | None:
    """The Shapely geometry of a stored area (a point with a radius becomes a circle)."""
    if not area:
        return None
    geom = shape(area)
    if radius_km and isinstance(geom, Point):
        return circle(geom.x, geom.y, radius_km)
    return geom


def bbox_of(area: dict[str, Any] | None, radius_km: float | None = None) -> BBox | None:
    """Bounding box of an area, the circle included.

    >>> bbox_of({"type": "Point", "coordinates": [10.0, 70.0]})
    (10.0, 70.0, 10.0, 70.0)
    """
    geom = geometry_of(area, radius_km)
    if geom is None:
        return None
    minx, miny, maxx, maxy = geom.bounds
    return (float(minx), float(miny), float(maxx), float(maxy))


def overlap(a: dict[str, Any] | None, ra: float | None, b: dict[str, Any] | None, rb: float | None) -> bool:
    """Whether two areas share any ground (touching counts; a point counts if it lies inside).

    >>> sq = {"type": "Polygon", "coordinates": [[[0, 60], [10, 60], [10, 70], [0, 70], [0, 60]]]}
    >>> overlap(sq, None, {"type": "Point", "coordinates": [5, 65]}, None)
    True
    >>> overlap(sq, None, {"type": "Point", "coordinates": [12, 65]}, 50.0)  # 2° of longitude at 65° N: 94 km
    False
    """
    ga, gb = geometry_of(a, ra), geometry_of(b, rb)
    if ga is None or gb is None:
        return False
    return bool(ga.intersects(gb))


def parse_bbox(text: str | None) -> BBox | None:
    """``"min_lon,min_lat,max_lon,max_lat"`` → a tuple; empty gives ``None``. ``min_lon > max_lon``
    is a box that wraps across 180° (RFC 7946 §5.2); latitudes need ``min_lat ≤ max_lat``.

    >>> parse_bbox("-30,60,40,85")
    (-30.0, 60.0, 40.0, 85.0)
    >>> parse_bbox("170,60,-170,70")  # the Bering Strait, across 180°
    (170.0, 60.0, -170.0, 70.0)
    >>> parse_bbox("0,70,10,60")
    Traceback (most recent call last):
    veille.arctic.geo.AreaError: bbox latitudes need min_lat ≤ max_lat (got 70, 60)
    """
    if not text:
        return None
    parts = text.split(",")
    if len(parts) != 4:
        raise AreaError("bbox is min_lon,min_lat,max_lon,max_lat")
    try:
        x0, y0, x1, y1 = (float(p) for p in parts)
    except ValueError as exc:
        raise AreaError("bbox values must be numbers") from exc
    if not (-180 <= x0 <= 180 and -180 <= x1 <= 180 and -90 <= y0 <= 90 and -90 <= y1 <= 90):
        raise AreaError("bbox must lie within -180..180 (longitudes), -90..90 (latitudes)")
    if y0 > y1:
        raise AreaError(f"bbox latitudes need min_lat ≤ max_lat (got {y0:g}, {y1:g})")
    return (x0, y0, x1, y1)


# --- the shipped files ---------------------------------------------------------------------------


@lru_cache(maxsize=8)
def read_geojson(path: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    return data


def country_geometry(countries_path: Path, code: str) -> BaseGeometry:
    """A country's Natural Earth polygon by its ADM0_A3 code (Natural Earth leaves ISO_A3 as -99
    for some states, Norway and France among them)."""
    for f in read_geojson(str(countries_path))["features"]:
        if f["properties"].get("ADM0_A3") == code:
            return shape(f["geometry"])
    raise AreaError(f"no Natural Earth country has code {code!r}")


@dataclass(frozen=True)
class ParsedArea:
    geometry: dict[str, Any]
    radius_km: float | None
    approximate: bool


_POINT = re.compile(r"^point:\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)$")


def parse_area(spec: str, radius_km: float | None, countries_path: Path) -> ParsedArea | None:
    """Read an area as written in the registry's CSV:

    * ``point:LAT,LON`` (with ``radius_km`` if the source gives one);
    * ``country:ISL|GRL``: the union of Natural Earth 1:110m country polygons, which stands for a
      region the source only names; always approximate;
    * ``wkt:POLYGON((lon lat, …))``: a polygon in well-known text.

    >>> parse_area("point:64.0,-22.6", None, Path("unused")).geometry
    {'type': 'Point', 'coordinates': (-22.6, 64.0)}
    """
    spec = spec.strip()
    if not spec:
        return None
    if m := _POINT.match(spec):
        lat, lon = float(m.group(1)), float(m.group(2))
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise AreaError(f"point {lat},{lon} is off the globe (write point:LAT,LON)")
        return ParsedArea(mapping(Point(lon, lat)), radius_km, False)
    if spec.startswith("country:"):
        codes = [c.strip().upper() for c in spec[len("country:") :].split("|") if c.strip()]
        if not codes:
            raise AreaError("country: needs at least one code")
        union = shapely.union_all([country_geometry(countries_path, c) for c in codes])
        return ParsedArea(_plain(mapping(union)), None, True)
    if spec.startswith("wkt:"):
        try:
            geom = shapely.from_wkt(spec[4:])
        except shapely.errors.GEOSException as exc:
            raise AreaError(f"not well-known text: {exc}") from exc
        if geom.is_empty or not geom.is_valid:
            raise AreaError("the polygon is empty or not valid")
        return ParsedArea(_plain(mapping(geom)), radius_km, False)
    raise AreaError("write point:LAT,LON, country:ISO3|ISO3 or wkt:POLYGON((…))")


def _plain(value: Any) -> Any:
    """Tuples from Shapely's mapping as lists, rounded to 1e-5° (about a metre), JSON-stable."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, float):
        return round(value, 5)
    return value


def _vertices(coordinates: Any, depth: int = 0) -> int:
    """How many positions a GeoJSON ``coordinates`` array holds (before reading it as a shape)."""
    if not isinstance(coordinates, list) or depth > 4:
        return 0
    if coordinates and all(isinstance(c, int | float) for c in coordinates):
        return 1
    return sum(_vertices(c, depth + 1) for c in coordinates)


def validate_geometry(area: dict[str, Any]) -> dict[str, Any]:
    """A GeoJSON geometry given by a user or the API: Point, Polygon or MultiPolygon, valid."""
    if not isinstance(area, dict) or area.get("type") not in ("Point", "Polygon", "MultiPolygon"):
        raise AreaError("give a GeoJSON Point, Polygon or MultiPolygon")
    vertices = _vertices(area.get("coordinates"))
    if vertices > MAX_POLYGON_VERTICES:
        raise AreaError(f"{vertices:,} vertices; an area has at most {MAX_POLYGON_VERTICES:,}")
    try:
        geom = shape(area)
    except (KeyError, TypeError, ValueError, IndexError, shapely.errors.GEOSException) as exc:
        raise AreaError(f"not a GeoJSON geometry: {exc}") from exc
    if geom.is_empty or not geom.is_valid:
        raise AreaError("the geometry is empty or not valid")
    x0, y0, x1, y1 = geom.bounds
    if not (-180 <= x0 <= x1 <= 180 and -90 <= y0 <= y1 <= 90):
        raise AreaError("coordinates must be longitude, latitude in degrees")
    result: dict[str, Any] = _plain(mapping(geom))
    return result


def d3_winding(geometry: dict[str, Any]) -> dict[str, Any]:
    """The same polygon(s) with clockwise exterior rings, the winding d3-geo (and so Vega) reads as
    "the inside" on the sphere; GeoJSON's counter-clockwise rings would fill the rest of the globe.

    >>> sq = {"type": "Polygon", "coordinates": [[[0, 60], [10, 60], [10, 70], [0, 70], [0, 60]]]}
    >>> d3_winding(sq)["coordinates"][0][1]
    [0.0, 70.0]
    """
    if geometry.get("type") not in ("Polygon", "MultiPolygon"):
        return geometry
    geom = shape(geometry)
    parts = list(geom.geoms) if geom.geom_type == "MultiPolygon" else [geom]
    oriented = [orient(p, sign=-1.0) for p in parts]
    result = MultiPolygon(oriented) if geom.geom_type == "MultiPolygon" else oriented[0]
    plain: dict[str, Any] = _plain(mapping(result))
    return plain


def feature(
    geometry: dict[str, Any] | None, properties: dict[str, Any], fid: str | int | None = None
) -> dict[str, Any]:
    f: dict[str, Any] = {"type": "Feature", "geometry": geometry, "properties": properties}
    if fid is not None:
        f["id"] = fid
    return f


def collection(features: Iterable[dict[str, Any]], **meta: Any) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features), **meta}


def clip_features(data: dict[str, Any], bbox: BBox) -> list[dict[str, Any]]:
    """The features of a collection whose bounding box meets ``bbox`` (cheap, conservative)."""
    out = []
    for f in data["features"]:
        g = f.get("geometry")
        if g is None:
            continue
        b = shape(g).bounds
        if bbox_intersects((b[0], b[1], b[2], b[3]), bbox):
            out.append(f)
    return out


POLE_LAT = 89.999
CUT_LON = 179.999


def for_the_sphere(geometry: dict[str, Any], step_deg: float = 1.0) -> dict[str, Any]:
    """Polygons drawn in longitude and latitude, made to draw the same on the sphere (d3-geo).

    d3-geo joins vertices by great circles, so an edge along a parallel would bow toward the pole:
    edges are cut every ``step_deg`` of longitude. A polar cap written as a lon/lat rectangle
    (``[-180, 66.5] … [180, 66.5], [180, 90], [-180, 90]``) has edges along the cut meridian and
    at the pole that are no edges on the sphere, and its first edge joins a point to itself: d3
    drew that as a line from the pole along 180°. Such a ring keeps its southern chain only,
    running west (the pole on its right, d3's inside). Other rings keep their winding (give them
    :func:`d3_winding`'s). Points, lines and holes of caps are returned as they are.

    >>> ring = [[-180, 66.5], [180, 66.5], [180, 90], [-180, 90], [-180, 66.5]]
    >>> ring = for_the_sphere({"type": "Polygon", "coordinates": [ring]}, step_deg=90.0)["coordinates"][0]
    >>> ring
    [[180.0, 66.5], [90.0, 66.5], [0.0, 66.5], [-90.0, 66.5], [-180.0, 66.5], [180.0, 66.5]]
    """
    kind = geometry.get("type")
    if kind == "Polygon":
        return {
            "type": "Polygon",
            "coordinates": [_sphere_ring(r, step_deg) for r in geometry["coordinates"]],
        }
    if kind == "MultiPolygon":
        return {
            "type": "MultiPolygon",
            "coordinates": [[_sphere_ring(r, step_deg) for r in poly] for poly in geometry["coordinates"]],
        }
    return geometry


def _is_cap(ring: list[list[float]]) -> bool:
    lons = [p[0] for p in ring]
    return min(lons) <= -CUT_LON and max(lons) >= CUT_LON and max(p[1] for p in ring) >= POLE_LAT


def _sphere_ring(ring: list[list[float]], step_deg: float) -> list[list[float]]:
    if _is_cap(ring):
        edges = [
            (a, b)
            for a, b in itertools.pairwise(ring)
            if not (a[1] >= POLE_LAT and b[1] >= POLE_LAT)  # along the pole
            and not (abs(a[0]) >= CUT_LON and abs(b[0]) >= CUT_LON and a[0] * b[0] > 0)  # along the cut
        ]
        chain = _densify(edges, step_deg)
        if chain and chain[0][0] < chain[-1][0]:  # eastward: the pole would be on the left
            chain.reverse()
        return [*chain, chain[0]] if chain else ring
    edges = list(itertools.pairwise(ring))
    return _densify(edges, step_deg) or ring


def _densify(edges: list[tuple[list[float], list[float]]], step_deg: float) -> list[list[float]]:
    out: list[list[float]] = []
    for a, b in edges:
        n = max(1, math.ceil(abs(b[0] - a[0]) / step_deg - 1e-9))
        if not out or out[-1] != [float(a[0]), float(a[1])]:
            out.append([float(a[0]), float(a[1])])
        for i in range(1, n + 1):
            t = i / n
            out.append([round(a[0] + (b[0] - a[0]) * t, 5), round(a[1] + (b[1] - a[1]) * t, 5)])
    return out
