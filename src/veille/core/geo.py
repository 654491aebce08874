"""Distances on the Earth and fast look-ups against shipped line and polygon layers.

- :func:`haversine_km` is the one distance formula of veille's event cores (spherical Earth,
  mean radius 6371.0088 km); both event engines call it, so their numbers agree to the bit.
- :class:`LineIndex` answers "how far is the nearest line, and which one?" for many points at
  once, up to a cap (a few km for cables, 200 km for the coast). A global raster of 0.05° cells
  marks where a line may be within the cap, so most points are answered by one array look-up;
  only points in marked cells get the exact point-to-segment distance (computed in a local
  equirectangular plane around each point, exact to better than 0.1 % at these distances).
- :class:`PolygonIndex` answers "which polygons contain these points?" with a raster of cells
  known to be fully inside, fully outside or on the boundary; only boundary cells are tested
  exactly with Shapely.
- Bounding boxes (:data:`BBox`: ``min_lon, min_lat, max_lon, max_lat``) may wrap across 180°:
  ``min_lon > max_lon`` is the box from ``min_lon`` east to ``max_lon`` (RFC 7946 §5.2), e.g.
  ``(170, 60, -170, 70)`` for the Bering Strait; :func:`bbox_parts` splits such a box in two, and
  :func:`in_bbox`, :func:`bbox_intersects` and :func:`bbox_sql` (a DuckDB condition) honour it.
- :func:`shore_index` builds the coast from Natural Earth's 1:110m land polygons
  (``data/geo/ne_110m_land.geojson``). At that scale the coast is generalised by a few km, so
  "distance to shore" is approximate (see docs/events.md).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely

__all__ = [
    "EARTH_RADIUS_KM",
    "KM_PER_DEG",
    "KM_PER_NM",
    "BBox",
    "LineIndex",
    "PolygonIndex",
    "ShoreIndex",
    "bbox_intersects",
    "bbox_parts",
    "bbox_sql",
    "haversine_km",
    "in_bbox",
    "wraps",
]

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]
BBox = tuple[float, float, float, float]  # min_lon, min_lat, max_lon, max_lat

EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius
KM_PER_NM = 1.852
KM_PER_DEG = EARTH_RADIUS_KM * math.pi / 180.0
_CELL_DEG = 0.05
_RASTER_MAX_KM = 20.0


def haversine_km(lat1: Any, lon1: Any, lat2: Any, lon2: Any) -> F64:
    """Great-circle distance in km between arrays (or scalars) of points in degrees.

    >>> round(float(haversine_km(69.65, 18.96, 78.22, 15.65)), 1)  # Tromsø - Longyearbyen
    958.0
    """
    p1 = np.radians(np.asarray(lat1, dtype=np.float64))
    p2 = np.radians(np.asarray(lat2, dtype=np.float64))
    dp = p2 - p1
    dl = np.radians(np.asarray(lon2, dtype=np.float64) - np.asarray(lon1, dtype=np.float64))
    a = np.sin(dp * 0.5) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl * 0.5) ** 2
    return np.asarray(2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0))), dtype=np.float64)


def _cells(lat: F64, lon: F64) -> tuple[I64, I64]:
    iy = np.clip(((lat + 90.0) / _CELL_DEG).astype(np.int64), 0, int(180 / _CELL_DEG) - 1)
    ix = np.clip(((lon + 180.0) / _CELL_DEG).astype(np.int64), 0, int(360 / _CELL_DEG) - 1)
    return iy, ix


@dataclass
class LineIndex:
    """Nearest line within ``cap_km`` for many points; ``labels[i]`` names line ``i``.

    >>> idx = LineIndex.from_lines([[(10.0, 70.0), (11.0, 70.0)]], ["a"], cap_km=5.0)
    >>> d, which = idx.nearest(np.array([70.01, 72.0]), np.array([10.5, 10.5]))
    >>> round(float(d[0]), 3), int(which[0]), bool(np.isinf(d[1])), int(which[1])
    (1.112, 0, True, -1)
    """

    labels: list[str]
    cap_km: float
    seg: F64  # (n, 4): lon1, lat1, lon2, lat2
    seg_line: I64
    tree: shapely.STRtree
    mask: B = field(repr=False)

    @classmethod
    def from_lines(
        cls, lines: Sequence[Sequence[tuple[float, float]]], labels: Sequence[str], *, cap_km: float
    ) -> LineIndex:
        """Build from lines given as ``(lon, lat)`` vertex lists."""
        segs, owner = [], []
        for i, line in enumerate(lines):
            a = np.asarray(line, dtype=np.float64)
            if len(a) < 2:
                continue
            segs.append(np.hstack([a[:-1], a[1:]]))
            owner.append(np.full(len(a) - 1, i, dtype=np.int64))
        seg = np.vstack(segs) if segs else np.zeros((0, 4))
        seg_line = np.concatenate(owner) if owner else np.zeros(0, dtype=np.int64)
        keep = np.abs(seg[:, 0] - seg[:, 2]) <= 180.0  # a jump across the antimeridian is no segment
        seg, seg_line = seg[keep], seg_line[keep]
        geoms = shapely.linestrings(np.stack([seg[:, [0, 2]], seg[:, [1, 3]]], axis=-1))
        tree = shapely.STRtree(geoms)
        return cls(list(labels), cap_km, seg, seg_line, tree, _line_mask(seg, cap_km))

    def candidates(self, lat: F64, lon: F64) -> B:
        """Points that may lie within ``cap_km`` of a line (a cheap raster look-up)."""
        iy, ix = _cells(lat, lon)
        return self.mask[iy, ix]

    def nearest(self, lat: F64, lon: F64) -> tuple[F64, I64]:
        """Distance in km to the nearest line and its index, or ``inf`` and -1 beyond the cap."""
        lat = np.asarray(lat, dtype=np.float64)
        lon = np.asarray(lon, dtype=np.float64)
        dist = np.full(len(lat), np.inf)
        which = np.full(len(lat), -1, dtype=np.int64)
        cand = np.flatnonzero(self.candidates(lat, lon)) if len(lat) else np.zeros(0, dtype=np.int64)
        if len(cand) == 0 or len(self.seg) == 0:
            return dist, which
        la, lo = lat[cand], lon[cand]
        dlat = self.cap_km / KM_PER_DEG
        dlon = dlat / np.maximum(np.cos(np.radians(np.minimum(np.abs(la) + dlat, 89.9))), 1e-6)
        boxes = shapely.box(lo - dlon, la - dlat, lo + dlon, la + dlat)
        pi, si = self.tree.query(boxes)
        if len(pi) == 0:
            return dist, which
        d = _point_segment_km(la[pi], lo[pi], self.seg[si])
        ok = d <= self.cap_km
        pi, si, d = pi[ok], si[ok], d[ok]
        # smallest distance per point; ties go to the lower line index (deterministic)
        order = np.lexsort((self.seg_line[si], d, pi))
        pi, si, d = pi[order], si[order], d[order]
        first = np.ones(len(pi), dtype=bool)
        first[1:] = pi[1:] != pi[:-1]
        dist[cand[pi[first]]] = d[first]
        which[cand[pi[first]]] = self.seg_line[si[first]]
        return dist, which


def _point_segment_km(lat: F64, lon: F64, seg: F64) -> F64:
    """Distance from each point to its segment, in a local equirectangular plane (km)."""
    k = np.cos(np.radians(lat)) * KM_PER_DEG

    def dx(x: F64) -> F64:
        return np.asarray(((x - lon + 180.0) % 360.0 - 180.0) * k, dtype=np.float64)

    ax, ay = dx(seg[:, 0]), (seg[:, 1] - lat) * KM_PER_DEG
    bx, by = dx(seg[:, 2]), (seg[:, 3] - lat) * KM_PER_DEG
    vx, vy = bx - ax, by - ay
    vv = vx * vx + vy * vy
    t = np.where(vv > 0, np.clip(-(ax * vx + ay * vy) / np.where(vv > 0, vv, 1.0), 0.0, 1.0), 0.0)
    px, py = ax + t * vx, ay + t * vy
    return np.asarray(np.sqrt(px * px + py * py), dtype=np.float64)


def _line_mask(seg: F64, cap_km: float) -> B:
    """Raster of the 0.05° cells that may hold a point within ``cap_km`` of a segment."""
    ny, nx = int(180 / _CELL_DEG), int(360 / _CELL_DEG)
    mask = np.zeros((ny, nx), dtype=bool)
    if len(seg) == 0:
        return mask
    if cap_km > _RASTER_MAX_KM:  # the raster would cover most of the map: test every point exactly
        mask[:] = True
        return mask
    length = np.hypot(seg[:, 2] - seg[:, 0], seg[:, 3] - seg[:, 1])
    steps = np.maximum(np.ceil(length / (_CELL_DEG / 2)).astype(np.int64), 1)
    rep = np.repeat(np.arange(len(seg)), steps + 1)
    starts = np.concatenate([[0], np.cumsum(steps + 1)[:-1]])
    frac = (np.arange(len(rep)) - starts[rep]) / steps[rep]
    s = seg[rep]
    lon = s[:, 0] + frac * (s[:, 2] - s[:, 0])
    lat = s[:, 1] + frac * (s[:, 3] - s[:, 1])
    iy, ix = _cells(lat, lon)
    mask[iy, ix] = True
    # dilate by the cap: along latitude by a fixed number of rows, then along each row by the
    # number of columns the cap spans at that row's latitude
    pad_y = math.ceil(cap_km / KM_PER_DEG / _CELL_DEG) + 1
    rows = np.flatnonzero(mask.any(axis=1))
    grown = mask.copy()
    for oy in range(-pad_y, pad_y + 1):
        src = rows[(rows + oy >= 0) & (rows + oy < ny)]
        grown[src + oy] |= mask[src]
    mask = grown
    row_lat = -90.0 + (np.arange(ny) + 0.5) * _CELL_DEG
    coslat = np.maximum(np.cos(np.radians(np.minimum(np.abs(row_lat) + _CELL_DEG, 89.99))), 1e-4)
    pad_x = np.minimum(np.ceil(cap_km / (KM_PER_DEG * coslat) / _CELL_DEG).astype(np.int64) + 1, nx // 2)
    rows = np.flatnonzero(mask.any(axis=1))
    for p in np.unique(pad_x[rows]):
        r = rows[pad_x[rows] == p]
        m = mask[r]
        out = m.copy()
        for ox in range(1, int(p) + 1):
            out |= np.roll(m, ox, axis=1) | np.roll(m, -ox, axis=1)
        mask[r] = out
    return mask


@dataclass
class PolygonIndex:
    """Which of several polygons contain each point (``names[j]`` is polygon ``j``).

    A global raster of ``res``-degree cells holds, per cell, a bit per polygon that covers the
    whole cell and a bit per polygon whose boundary crosses it; only points in crossed cells are
    tested exactly. With ``res=0`` (or more than 62 polygons) every point in a polygon's bounding
    box is tested exactly.

    >>> idx = PolygonIndex.from_geometries([shapely.box(0, 60, 10, 70)], ["box"])
    >>> idx.contains(np.array([65.0, 75.0, 70.0]), np.array([5.0, 5.0, 10.0]))[:, 0].tolist()
    [True, False, True]
    """

    names: list[str]
    geoms: list[Any]
    res: float = 0.25
    inside: npt.NDArray[np.int64] | None = field(default=None, repr=False)
    edge: npt.NDArray[np.int64] | None = field(default=None, repr=False)

    @classmethod
    def from_geometries(cls, geoms: Sequence[Any], names: Sequence[str], res: float = 0.25) -> PolygonIndex:
        for g in geoms:
            shapely.prepare(g)
        if res <= 0 or len(geoms) > 62:
            return cls(list(names), list(geoms), 0.0)
        ny, nx = round(180 / res), round(360 / res)
        inside = np.zeros((ny, nx), dtype=np.int64)
        edge = np.zeros((ny, nx), dtype=np.int64)
        for j, g in enumerate(geoms):
            x0, y0, x1, y1 = g.bounds
            ix0, ix1 = max(int((x0 + 180) // res), 0), min(int((x1 + 180) // res), nx - 1)
            iy0, iy1 = max(int((y0 + 90) // res), 0), min(int((y1 + 90) // res), ny - 1)
            gx, gy = np.meshgrid(np.arange(ix0, ix1 + 1), np.arange(iy0, iy1 + 1))
            bx, by = gx.ravel() * res - 180.0, gy.ravel() * res - 90.0
            boxes = shapely.box(bx, by, bx + res, by + res)
            full = shapely.covers(g, boxes)
            touch = shapely.intersects(g, boxes) & ~full
            bit = np.int64(1) << j
            inside[gy.ravel()[full], gx.ravel()[full]] |= bit
            edge[gy.ravel()[touch], gx.ravel()[touch]] |= bit
        return cls(list(names), list(geoms), res, inside, edge)

    def mask(self, lat: F64, lon: F64) -> npt.NDArray[np.int64]:
        """One integer per point: bit ``j`` set when polygon ``j`` contains it."""
        lat = np.asarray(lat, dtype=np.float64)
        lon = np.asarray(lon, dtype=np.float64)
        if self.inside is None or self.edge is None:
            c = self.contains(lat, lon)
            return (c.astype(np.int64) << np.arange(len(self.geoms), dtype=np.int64)).sum(axis=1)
        ny, nx = self.inside.shape
        iy = np.clip(((lat + 90.0) / self.res).astype(np.int64), 0, ny - 1)
        ix = np.clip(((lon + 180.0) / self.res).astype(np.int64), 0, nx - 1)
        out = self.inside[iy, ix]
        e = self.edge[iy, ix]
        rows = np.flatnonzero(e)
        if len(rows):
            er = e[rows]
            for j, g in enumerate(self.geoms):
                bit = np.int64(1) << j
                sel = rows[(er & bit) != 0]
                if len(sel):
                    hit = shapely.intersects_xy(g, lon[sel], lat[sel])
                    out[sel[hit]] |= bit
        return out

    def contains(self, lat: F64, lon: F64) -> B:
        """Boolean matrix (points x polygons); a point on a boundary counts as inside."""
        lat = np.asarray(lat, dtype=np.float64)
        lon = np.asarray(lon, dtype=np.float64)
        if self.inside is not None:
            m = self.mask(lat, lon)
            return ((m[:, None] >> np.arange(len(self.geoms), dtype=np.int64)) & 1).astype(bool)
        out = np.zeros((len(lat), len(self.geoms)), dtype=bool)
        for j, g in enumerate(self.geoms):
            x0, y0, x1, y1 = g.bounds
            idx = np.flatnonzero((lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1))
            if len(idx):
                out[idx, j] = shapely.intersects_xy(g, lon[idx], lat[idx])
        return out


def _land_lines(path: Path) -> list[list[tuple[float, float]]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    lines: list[list[tuple[float, float]]] = []
    for f in data["features"]:
        geom = f["geometry"]
        polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        for poly in polys:
            for ring in poly:
                lines.append([(float(x), float(y)) for x, y, *_ in ring])
    return lines


@dataclass
class ShoreIndex:
    """Distance to the nearest coast in km (0 on land), ``inf`` beyond ``cap_km``.

    >>> from veille.core.env import data_dir
    >>> shore = shore_index(str(data_dir()))
    >>> d = shore.distance_km(np.array([74.0, 69.0]), np.array([35.0, 25.0]))  # Barents Sea; Finnmark
    >>> bool(d[0] > 100), float(d[1])
    (True, 0.0)
    """

    lines: LineIndex
    land: PolygonIndex

    def distance_km(self, lat: F64, lon: F64) -> F64:
        d, _ = self.lines.nearest(lat, lon)
        on_land = self.land.contains(lat, lon).any(axis=1)
        return np.where(on_land, 0.0, d)


@lru_cache(maxsize=4)
def shore_index(data: str, cap_km: float = 200.0) -> ShoreIndex:
    """The coast of ``<data>/geo/ne_110m_land.geojson`` (cached per data folder and cap)."""
    path = Path(data) / "geo" / "ne_110m_land.geojson"
    lines = _land_lines(path)
    polys = shapely.from_geojson(path.read_text(encoding="utf-8"))
    geoms = list(shapely.get_parts(polys)) if polys is not None else []
    geoms = [g for g in geoms if not g.is_empty]
    land = PolygonIndex.from_geometries(geoms, [str(i) for i in range(len(geoms))], res=0)
    return ShoreIndex(LineIndex.from_lines(lines, [str(i) for i in range(len(lines))], cap_km=cap_km), land)


# --- bounding boxes ------------------------------------------------------------------------------


def wraps(bbox: BBox) -> bool:
    """Whether a box crosses 180° (``min_lon > max_lon``)."""
    return bbox[0] > bbox[2]


def bbox_parts(bbox: BBox) -> list[BBox]:
    """A box as boxes that do not wrap: itself, or its parts east and west of 180°.

    >>> bbox_parts((170.0, 60.0, -170.0, 70.0))
    [(170.0, 60.0, 180.0, 70.0), (-180.0, 60.0, -170.0, 70.0)]
    """
    if not wraps(bbox):
        return [bbox]
    return [(bbox[0], bbox[1], 180.0, bbox[3]), (-180.0, bbox[1], bbox[2], bbox[3])]


def in_bbox(lon: float, lat: float, bbox: BBox) -> bool:
    """Whether a point lies in a box (edges included; a wrapping box too).

    >>> in_bbox(175.0, 65.0, (170.0, 60.0, -170.0, 70.0)), in_bbox(0.0, 65.0, (170.0, 60.0, -170.0, 70.0))
    (True, False)
    """
    return any(b[0] <= lon <= b[2] and b[1] <= lat <= b[3] for b in bbox_parts(bbox))


def bbox_intersects(a: BBox, b: BBox) -> bool:
    """Whether two boxes meet (touching counts); either may wrap across 180°."""
    pairs = ((p, q) for p in bbox_parts(a) for q in bbox_parts(b))
    return any(p[0] <= q[2] and q[0] <= p[2] and p[1] <= q[3] and q[1] <= p[3] for p, q in pairs)


def bbox_sql(bbox: BBox, lon: str = "lon", lat: str = "lat") -> tuple[str, list[float]]:
    """A SQL condition (``?`` parameters) keeping the points of columns ``lon``, ``lat`` in ``bbox``.

    >>> bbox_sql((170.0, 60.0, -170.0, 70.0))
    ('lat BETWEEN ? AND ? AND (lon >= ? OR lon <= ?)', [60.0, 70.0, 170.0, -170.0])
    """
    if wraps(bbox):
        return f"{lat} BETWEEN ? AND ? AND ({lon} >= ? OR {lon} <= ?)", [bbox[1], bbox[3], bbox[0], bbox[2]]
    return f"{lat} BETWEEN ? AND ? AND {lon} BETWEEN ? AND ?", [bbox[1], bbox[3], bbox[0], bbox[2]]
