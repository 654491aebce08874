"""Zone entries and exits (with dwell time) for polygons read from GeoJSON.

veille ships the Arctic zones in ``data/zones/*.geojson`` (how each was drawn is in
``data/PROVENANCE.md``); users add their own files (any GeoJSON Polygon or MultiPolygon features;
the zone id is the feature's ``id`` property, else the file name). A fix on a boundary is inside.

Between two consecutive kept fixes of a vessel, one outside a zone and one inside, a
``zone_entry`` is recorded at the first fix inside; from inside to outside, a ``zone_exit`` at the
first fix outside, with ``start`` the time of the entry (or of the first fix seen inside, when the
vessel was inside from its first fix: ``detail.entered`` is false) and ``duration_s`` the dwell
time. A vessel inside at the end of the data has no exit yet; the next run records it.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import shapely

from veille.core.env import data_dir
from veille.core.geo import PolygonIndex
from veille.core.tracks import Segmenter

from .schema import event_frame

__all__ = ["ZoneDetector", "Zones"]


@dataclass
class Zones:
    """Named polygons with a fast containment index."""

    ids: list[str]
    names: list[str]
    index: PolygonIndex

    @classmethod
    def from_files(cls, paths: Iterable[str | Path]) -> Zones:
        """Read GeoJSON files (or every ``*.geojson`` in folders), in name order."""
        files: list[Path] = []
        for p in map(Path, paths):
            files.extend(sorted(p.glob("*.geojson")) if p.is_dir() else [p])
        ids, names, geoms = [], [], []
        for f in files:
            doc = json.loads(f.read_text(encoding="utf-8"))
            feats = doc["features"] if doc.get("type") == "FeatureCollection" else [doc]
            for k, feat in enumerate(feats):
                props = feat.get("properties") or {}
                zid = str(props.get("id") or (f.stem if len(feats) == 1 else f"{f.stem}_{k}"))
                geom = shapely.from_geojson(json.dumps(feat["geometry"]))
                if zid in ids:
                    raise ValueError(f"{f}: zone id {zid!r} is used twice")
                ids.append(zid)
                names.append(str(props.get("name") or zid))
                geoms.append(geom)
        return cls(ids, names, PolygonIndex.from_geometries(geoms, ids))

    def contains(self, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        return self.index.contains(lat, lon)

    def mask(self, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        """One integer per point: bit ``j`` set when zone ``j`` contains it."""
        return self.index.mask(lat, lon)


@lru_cache(maxsize=8)
def shipped_zones(folder: str | None = None) -> Zones:
    """The zones in ``data/zones/`` (or ``folder``), cached.

    >>> shipped_zones().ids
    ['arctic_circle', 'barents_sea', 'bering_strait', 'giuk_gap', 'greenland_waters', 'jan_mayen', 'svalbard']
    """
    return Zones.from_files([folder or data_dir() / "zones"])


@dataclass(frozen=True)
class ZoneDetector:
    """``ZoneDetector(zones).detect(positions) -> events`` (``zone_entry`` and ``zone_exit``).

    >>> from veille.core.events.testing import steady
    >>> pos = steady(257000001, 0, 4 * 3600, 600, 66.0, 8.0, sog_kn=12.0, dlat_per_h=0.2)
    >>> ev = ZoneDetector().detect(pos)
    >>> ev.select("type", "zone").rows(), str(ev["start"][0].time())
    ([('zone_entry', 'arctic_circle')], '02:30:00')
    """

    zones: Zones | None = field(default=None, compare=False, repr=False)
    segmenter: Segmenter = field(default_factory=Segmenter)

    def params(self) -> dict[str, Any]:
        z = self.zones or shipped_zones()
        return {"zones": z.ids}

    def detect(self, positions: pl.DataFrame, *, masks: np.ndarray | None = None) -> pl.DataFrame:
        zones = self.zones or shipped_zones()
        df = positions if "jump" in positions.columns else self.segmenter.mark(positions)
        jumps = df["jump"].any()  # without a jump every fix is kept: no copy of the frame
        if masks is not None and jumps:
            masks = masks[~df["jump"].to_numpy()]
        kept = df.filter(~pl.col("jump")) if jumps else df
        m = kept["mmsi"].to_numpy()
        t = kept["timestamp"].dt.epoch("us").to_numpy()
        lat, lon = kept["lat"].to_numpy(), kept["lon"].to_numpy()
        if masks is None:
            masks = zones.mask(lat, lon)
        n = len(m)
        first = np.ones(n, dtype=bool)
        first[1:] = m[1:] != m[:-1]
        changed = np.zeros(n, dtype=bool)
        changed[1:] = (masks[1:] != masks[:-1]) & ~first[1:]
        rows: list[tuple[Any, ...]] = []
        ch = np.flatnonzero(changed | first)
        for j, zid in enumerate(zones.ids):
            bit = np.int64(1) << j
            ins = (masks[ch] & bit) != 0
            # previous state of this zone at each change point, within the same vessel
            prev = np.zeros(len(ch), dtype=bool)
            prev[1:] = ins[:-1]
            isfirst = first[ch]
            prev[isfirst] = False
            enter = ins & ~prev & ~isfirst
            leave = ~ins & prev & ~isfirst
            start_in = ins & ~prev  # a stay inside begins (entry or first fix)
            # for every exit, the start of the stay it ends: the last stay start before it
            k = np.flatnonzero(start_in | leave)
            for a, b in itertools.pairwise(k):
                if start_in[a] and leave[b]:
                    ia, ib = ch[a], ch[b]
                    rows.append(("zone_exit", m[ib], t[ia], t[ib], lat[ib], lon[ib], zid, bool(enter[a])))
            for a in np.flatnonzero(enter):
                ia = ch[a]
                rows.append(("zone_entry", m[ia], t[ia], t[ia], lat[ia], lon[ia], zid, True))
        frame = pl.DataFrame(
            rows,
            schema={
                "type": pl.Utf8,
                "mmsi": pl.UInt32,
                "s": pl.Int64,
                "e": pl.Int64,
                "lat": pl.Float64,
                "lon": pl.Float64,
                "zone": pl.Utf8,
                "entered": pl.Boolean,
            },
            orient="row",
        ).with_columns(
            start=pl.col("s").cast(pl.Datetime("us", "UTC")),
            end=pl.col("e").cast(pl.Datetime("us", "UTC")),
            detail=pl.when(pl.col("type") == "zone_exit")
            .then(pl.format('{{"entered": {}}}', pl.col("entered").cast(pl.Utf8)))
            .otherwise(None),
        )
        p = self.params()
        return pl.concat(
            [
                event_frame("zone_entry", frame.filter(pl.col("type") == "zone_entry"), p),
                event_frame("zone_exit", frame.filter(pl.col("type") == "zone_exit"), p),
            ]
        )
