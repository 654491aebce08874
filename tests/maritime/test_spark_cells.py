"""The space-time cells of the Spark encounters: every pair the encounter detector finds over the
whole frame is found once, in the cube of its first vessel, however near a cube's face or corner
the two lie (no Spark needed: the executors' functions on plain Arrow tables)."""

from __future__ import annotations

import numpy as np
import polars as pl
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from veille.core.events.encounters import pairs_within
from veille.maritime.spark.events_tasks import cell_pairs, to_cells


def _pairs_by_cells(reps: pl.DataFrame, max_km: float, cell_km: float) -> set[tuple[int, int, int]]:
    cells = pl.concat(
        [pl.from_arrow(b) for b in to_cells(max_km, 600.0, cell_km)(iter(reps.to_arrow().to_batches()))]  # type: ignore[misc]
    )
    found: list[tuple[int, int, int]] = []
    for _, group in cells.group_by("day", "cx", "cy", "cz"):
        out = cell_pairs(max_km, 2.0)(group.to_arrow())
        found += list(zip(out["a"].to_pylist(), out["b"].to_pylist(), out["bin"].to_pylist(), strict=True))
    assert len(found) == len(set(found))  # each pair once
    return set(found)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), cell_km=st.sampled_from([1.0, 2.0, 5.0]))
def test_pairs_near_cube_faces_are_found_once(seed: int, cell_km: float) -> None:
    rng = np.random.default_rng(seed)
    n = 300
    # points packed in a few km around one spot (cubes of 1-5 km: many faces, edges and corners)
    lat = 70.0 + rng.uniform(0, 0.05, n)
    lon = 20.0 + rng.uniform(0, 0.15, n)
    reps = pl.DataFrame(
        {
            "mmsi": rng.choice(np.arange(200_000_000, 200_000_060), n),
            "bin": rng.integers(0, 3, n) + 144 * rng.integers(0, 2, n),
            "lat": lat,
            "lon": lon,
            "speed_dk": rng.integers(0, 40, n),
        }
    ).unique(["mmsi", "bin"], keep="first")
    m = reps["mmsi"].to_numpy().astype(np.int64)
    i, j, _ = pairs_within(reps["bin"].to_numpy(), m, reps["lat"].to_numpy(), reps["lon"].to_numpy(), 0.5)
    whole = set(zip(m[i].tolist(), m[j].tolist(), reps["bin"].to_numpy()[i].tolist(), strict=True))
    assert whole  # the case is there
    assert _pairs_by_cells(reps, 0.5, cell_km) == whole


def test_a_pair_across_a_corner_of_three_cubes() -> None:
    # two fixes 300 m apart on either side of the plane x = 0 (lon 90°) and of z-faces
    reps = pl.DataFrame(
        {"mmsi": [1, 2], "bin": [5, 5], "lat": [0.0005, -0.0015], "lon": [89.999, 90.001], "speed_dk": [0, 0]}
    )
    assert _pairs_by_cells(reps, 0.5, 10.0) == {(1, 2, 5)}
    assert pa.types.is_int64(
        cell_pairs(0.5, 2.0)(reps.with_columns(home=pl.lit(True)).to_arrow()).schema.field("a").type
    )
