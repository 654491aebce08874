"""All detectors over one batch of positions, sharing the work they have in common.

:func:`detect_all` cleans nothing (see :func:`veille.core.tracks.clean`); it marks the tracks once
(jumps, segments, speeds) and hands the marked frame to every detector. The same call works on a
whole archive or on one vessel's sorted batch (Spark's grouped map: see :func:`grouped`), except
for the detectors that need other vessels (encounters; the reception test of gaps), which take
their context as arguments.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import polars as pl

from veille.core.tracks import Segmenter, valid

from .cables import CableDetector
from .encounters import EncounterDetector
from .gaps import GapDetector, reception_table
from .identity import IdentityDetector
from .loitering import LoiteringDetector
from .schema import EVENT_SCHEMA, empty_events, sort_events
from .zones import ZoneDetector


@dataclass(frozen=True)
class Detectors:
    """The detectors of one run and their parameters (defaults: published practice, see each)."""

    segmenter: Segmenter = field(default_factory=Segmenter)
    gaps: GapDetector = field(default_factory=GapDetector)
    encounters: EncounterDetector = field(default_factory=EncounterDetector)
    loitering: LoiteringDetector = field(default_factory=LoiteringDetector)
    zones: ZoneDetector = field(default_factory=ZoneDetector)
    cables: CableDetector = field(default_factory=CableDetector)
    identity: IdentityDetector = field(default_factory=IdentityDetector)

    def with_until(self, until: datetime | None) -> Detectors:
        """The same detectors with the end of the data set to ``until``."""
        return replace(
            self,
            gaps=replace(self.gaps, until=until),
            encounters=replace(self.encounters, until=until),
            loitering=replace(self.loitering, until=until),
            cables=replace(self.cables, until=until),
        )

    def params(self) -> dict[str, Any]:
        return {
            name: getattr(self, name).params()
            for name in ("segmenter", "gaps", "encounters", "loitering", "zones", "cables", "identity")
        }


def detect_all(
    positions: pl.DataFrame,
    *,
    history: pl.DataFrame | None = None,
    detectors: Detectors | None = None,
    types: set[str] | None = None,
) -> pl.DataFrame:
    """Every event of ``positions`` (and of the registry ``history``), in canonical order.

    >>> from veille.core.events.testing import steady
    >>> pos = steady(273000001, 0, 8 * 3600, 600, 74.0, 35.0, sog_kn=12.0, dlat_per_h=0.05)
    >>> detect_all(pos.filter(pl.col("timestamp").dt.hour() != 3))["type"].to_list()
    []
    """
    d = detectors or Detectors()
    want = types or {"gap", "encounter", "loitering", "zone", "cable", "identity_change", "track"}
    rows = valid(positions)
    pool = ThreadPoolExecutor(2) if rows.height >= _PARALLEL_MIN else None
    try:
        # who was heard where needs only the valid rows: found while the tracks are marked
        reception = pool.submit(reception_table, rows) if pool is not None and "gap" in want else None
        marked = d.segmenter.mark(rows, valid_rows=True)
        return _detect_marked(d, marked, history, want, pool, reception)
    finally:
        if pool is not None:
            pool.shutdown()


def _detect_marked(
    d: Detectors,
    marked: pl.DataFrame,
    history: pl.DataFrame | None,
    want: set[str],
    pool: ThreadPoolExecutor | None,
    reception: Future[pl.DataFrame] | None,
) -> pl.DataFrame:
    if d.gaps.until is None and marked.height:
        d = d.with_until(marked["timestamp"].max())  # type: ignore[arg-type]
    jobs: list[Callable[[], pl.DataFrame]] = []
    if "gap" in want:  # the longest first: the others fill the second thread meanwhile
        jobs.append(
            lambda: d.gaps.detect(
                marked, reception=reception.result() if reception is not None else reception_table(marked)
            )
        )
    if "encounter" in want:
        jobs.append(lambda: d.encounters.detect(marked))
    if "zone" in want:
        jobs.append(lambda: d.zones.detect(marked))
    if "loitering" in want:
        jobs.append(lambda: d.loitering.detect(marked))
    if "cable" in want:
        jobs.append(lambda: d.cables.detect(marked))
    if "track" in want:
        jobs.append(lambda: d.segmenter.detect(marked))
    if history is not None and "identity_change" in want:
        jobs.append(lambda: d.identity.detect(history))
    # the detectors read the same marked frame and write nothing shared: their NumPy work (which
    # runs without the GIL) and Polars' overlap on two threads
    if pool is not None and len(jobs) > 1:
        parts = list(pool.map(lambda job: job(), jobs))
    else:
        parts = [job() for job in jobs]
    parts = [p for p in parts if p.height]
    return sort_events(pl.concat(parts)) if parts else empty_events()


_PARALLEL_MIN = 100_000  # positions from which the detectors run in two threads


def grouped(detector: Any, **context: Any) -> Any:
    """A function for Spark's ``groupBy("mmsi").applyInArrow`` (or ``applyInPandas``): one
    vessel's positions in, its events out, through the same detector.

    >>> from veille.core.events.testing import track
    >>> fn = grouped(GapDetector())
    >>> fn(track(257000001, [(0, 70.0, 5.0), (7 * 3600, 70.1, 5.0)]).to_arrow()).num_rows
    1
    """

    def run(batch: Any) -> Any:
        import pyarrow as pa

        frame = pl.from_arrow(batch) if isinstance(batch, pa.Table) else pl.from_pandas(batch)
        assert isinstance(frame, pl.DataFrame)
        out = detector.detect(frame, **context)
        return out.to_arrow() if isinstance(batch, pa.Table) else out.to_pandas()

    return run


__all__ = ["EVENT_SCHEMA", "Detectors", "detect_all", "grouped"]
