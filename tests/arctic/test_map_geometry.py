"""Zones as the polar map draws them: the Arctic Circle is a cap around the pole, with no line from
the pole along 180°, and edges along parallels follow the parallel."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path
from typing import Any

from shapely.geometry import Point

from tests.arctic.conftest import ROOT
from veille.arctic import layers


def test_the_arctic_circle_is_drawn_as_a_cap_without_a_line_along_the_antimeridian(
    picture: dict[str, Path], client_as: Any
) -> None:
    shutil.copy(ROOT / "data/zones/arctic_circle.geojson", picture["zones"])
    data = client_as("pawel").get("/arctic/layers/zones.geojson").json()
    (zone,) = data["features"]
    (ring,) = zone["geometry"]["coordinates"]
    assert max(lat for _, lat in ring) < 89.999  # nothing at the pole
    assert {lat for _, lat in ring} == {66.5}  # only the parallel: no edge along a meridian
    steps = [a[0] - b[0] for a, b in itertools.pairwise(ring[:-1])]
    assert all(0 < s <= 1.0 for s in steps)  # westward (the pole on the right: d3's inside), by 1°
    assert ring[0] == [180.0, 66.5] and ring[-2] == [-180.0, 66.5] and ring[-1] == ring[0]
    # the computations keep the zone as written
    assert layers.zone_shapes()["arctic_circle"].contains(Point(10.0, 80.0))


def test_edges_along_parallels_are_cut_every_degree_and_keep_their_winding(
    picture: dict[str, Path], client_as: Any
) -> None:
    shutil.copy(ROOT / "data/zones/svalbard.geojson", picture["zones"])
    written = layers.zones()["features"][0]["geometry"]["coordinates"][0]
    (ring,) = (
        client_as("pawel")
        .get("/arctic/layers/zones.geojson")
        .json()["features"][0]["geometry"]["coordinates"]
    )
    assert all(abs(a[0] - b[0]) <= 1.0 for a, b in itertools.pairwise(ring))
    assert all(p in ring for p in written)  # every vertex kept, in the same order
    assert [p for p in ring if p in written] == written
