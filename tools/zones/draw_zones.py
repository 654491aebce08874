"""Draw the shipped Arctic zones as GeoJSON into data/zones/ (one file per zone).

Each zone is drawn from the figures written below; data/PROVENANCE.md says, per file, how. Run
``python tools/zones/draw_zones.py`` to redraw them; the output is deterministic. Coordinates are
longitude/latitude in degrees (WGS 84), rounded to 1e-4 degree.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import LineString, Polygon, mapping, shape

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "data" / "zones"
R_KM = 6371.0088
KM_PER_DEG = R_KM * math.pi / 180.0
NM_KM = 1.852

# Barents Sea: simplified after the limits of IHO S-23 (3rd edition, 1953), § 25: North Cape -
# Bjørnøya - Sørkapp (Svalbard); Svalbard's east side to Franz Josef Land; Cape Zhelaniya down the
# west coast of Novaya Zemlya to the Kara Gate; the White Sea line Kanin Nos - Svyatoy Nos; the
# Kola and Finnmark coasts back to North Cape. Land inside the polygon is harmless for vessels.
BARENTS = [
    (25.78, 71.17),
    (19.00, 74.35),
    (16.50, 76.50),
    (27.00, 80.00),
    (44.00, 80.60),
    (55.00, 80.00),
    (68.50, 76.90),
    (58.00, 70.40),
    (43.30, 68.65),
    (39.80, 68.15),
    (33.00, 69.40),
    (30.00, 69.80),
    (25.78, 71.17),
]
# Greenland - Iceland - UK gap: the line Greenland (Denmark Strait) - Straumnes - Gerpir - Faroe
# Islands - Shetland, widened by one degree of latitude (111 km) either side.
GIUK_LINE = [(-30.0, 68.0), (-22.5, 66.4), (-13.5, 65.1), (-7.0, 62.0), (-1.3, 60.3)]


def _round(geom: Any) -> dict[str, Any]:
    def r(c: Any) -> Any:
        if isinstance(c, list | tuple) and c and isinstance(c[0], int | float):
            return [round(float(c[0]), 4), round(float(c[1]), 4)]
        return [r(x) for x in c]

    return {"type": geom["type"], "coordinates": r(geom["coordinates"])}


def _write(zone_id: str, name: str, how: str, geom: Any) -> None:
    feature = {
        "type": "Feature",
        "properties": {"id": zone_id, "name": name, "drawn": how},
        "geometry": _round(mapping(geom)),
    }
    doc = {"type": "FeatureCollection", "features": [feature]}
    (OUT / f"{zone_id}.geojson").write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n")


def _circle(lon: float, lat: float, radius_km: float, n: int = 72) -> Polygon:
    """A geodesic circle: points at ``radius_km`` on bearings 0, 5, ... 355 degrees."""
    d = radius_km / R_KM
    p1, l1 = math.radians(lat), math.radians(lon)
    pts = []
    for k in range(n):
        b = 2 * math.pi * k / n
        p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
        l2 = l1 + math.atan2(
            math.sin(b) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2)
        )
        pts.append((math.degrees(l2), math.degrees(p2)))
    return Polygon(pts)


def _polar(geom: Any, inverse: bool = False) -> Any:
    """North-polar azimuthal equidistant projection (km), and back."""

    def fwd(x: float, y: float) -> tuple[float, float]:
        r = (90.0 - y) * KM_PER_DEG
        return r * math.sin(math.radians(x)), -r * math.cos(math.radians(x))

    def inv(x: float, y: float) -> tuple[float, float]:
        return math.degrees(math.atan2(x, -y)), 90.0 - math.hypot(x, y) / KM_PER_DEG

    f = inv if inverse else fwd
    return shapely.transform(geom, lambda a: [f(float(x), float(y)) for x, y in a])


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    _write(
        "arctic_circle",
        "Arctic Circle (north of 66.5° N)",
        "every longitude from 66.5° N to the pole",
        Polygon([(-180, 66.5), (180, 66.5), (180, 90), (-180, 90)]),
    )
    _write("barents_sea", "Barents Sea", "simplified IHO S-23 (1953) limits, 12 vertices", Polygon(BARENTS))
    _write(
        "svalbard",
        "Svalbard (Treaty area)",
        "Svalbard Treaty (1920) art. 1: 10°-35° E, 74°-81° N",
        Polygon([(10, 74), (35, 74), (35, 81), (10, 81)]),
    )
    _write(
        "jan_mayen",
        "Jan Mayen waters",
        "geodesic circle of 100 km around 71.0° N 8.5° W",
        _circle(-8.5, 71.0, 100.0),
    )
    _write(
        "bering_strait",
        "Bering Strait",
        "171°-166.5° W, 65°-67° N (Cape Dezhnev to Cape Prince of Wales)",
        Polygon([(-171, 65), (-166.5, 65), (-166.5, 67), (-171, 67)]),
    )
    k = math.cos(math.radians(64.0))
    band = LineString([(x * k, y) for x, y in GIUK_LINE]).buffer(1.0, quad_segs=8)
    giuk = shapely.transform(band, lambda a: [(float(x) / k, float(y)) for x, y in a])
    _write(
        "giuk_gap",
        "Greenland-Iceland-UK gap",
        "band of 1° latitude either side of Greenland-Straumnes-Gerpir-Faroe-Shetland",
        giuk,
    )
    countries = json.loads((ROOT / "data" / "geo" / "ne_110m_admin_0_countries.geojson").read_text())
    grl = next(f for f in countries["features"] if f["properties"].get("ISO_A3") == "GRL")
    envelope = _polar(_polar(shape(grl["geometry"])).buffer(200 * NM_KM, quad_segs=4), inverse=True)
    envelope = shapely.simplify(envelope, 0.05)
    _write(
        "greenland_waters",
        "Greenland's waters (200 nm envelope)",
        "Natural Earth 1:110m Greenland buffered by 200 nm in a north-polar azimuthal equidistant "
        "plane; not clipped at median lines",
        envelope,
    )


if __name__ == "__main__":
    main()
