"""Live events: NMEA lines -> reader -> vectorised decoder -> streaming engine -> events.

:func:`watch` reads a file, standard input or a TCP feed batch by batch and yields the events each
batch completes, then those still open when the input ends (or the deadline passes). Each
message's time is its receive time (tag block, ``$PGHP`` or vendor field), else the time it was
read. Nothing is stored: ``veille ais ingest`` keeps the positions, ``veille ais events`` the
stored events.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

import polars as pl

from veille.core.ais.fast import decode_positions
from veille.core.ais.reader import AisReader, RawMessage
from veille.core.events.batch import Detectors
from veille.core.events.stream import StreamEngine

US = 1_000_000


@dataclass
class WatchStats:
    """Counts of one watch: lines, messages, positions, rejected lines, late or duplicate fixes."""

    lines: int = 0
    messages: int = 0
    positions: int = 0
    rejected: int = 0
    events: int = 0
    engine: StreamEngine | None = field(default=None, repr=False)

    def as_dict(self) -> dict[str, float | int]:
        e = self.engine
        return {
            "lines": self.lines,
            "messages": self.messages,
            "positions": self.positions,
            "rejected": self.rejected,
            "late_or_duplicate": e.late if e else 0,
            "invalid_position": e.invalid if e else 0,
            "vessels": len(e.vessels) if e else 0,
            "bytes_per_vessel": round(e.bytes_per_vessel()) if e else 0,
            "events": self.events,
        }


def positions_of(raws: list[RawMessage], now: float | None = None) -> pl.DataFrame:
    """The position reports among decoded messages, as the frame the detectors read."""
    df = decode_positions([r.payload for r in raws], [r.fill_bits for r in raws])
    now = time.time() if now is None else now
    times = [int((r.time_s if r.time_s is not None else now) * US) for r in raws]
    return (
        df.with_columns(timestamp=pl.Series(times, dtype=pl.Int64))
        .filter(pl.col("valid"))
        .select(
            "mmsi",
            pl.col("timestamp").cast(pl.Datetime("us", "UTC")),
            pl.col("lat").fill_null(91.0),
            pl.col("lon").fill_null(181.0),
            "sog_kn",
        )
    )


def watch(
    batches: Iterable[list[bytes]],
    *,
    detectors: Detectors | None = None,
    until: datetime | None = None,
    stats: WatchStats | None = None,
    stop: Callable[[], bool] = lambda: False,
) -> Iterator[pl.DataFrame]:
    """Events as they complete, batch after batch; at the end, the open ones up to ``until``."""
    engine = StreamEngine(detectors or Detectors())
    stats = stats if stats is not None else WatchStats()
    stats.engine = engine
    reader = AisReader()
    for lines in batches:
        raws, bad = reader.feed(lines)
        stats.lines += len(lines)
        stats.messages += len(raws)
        stats.rejected += len(bad)
        frame = positions_of(raws)
        stats.positions += frame.height
        events = engine.feed(frame)
        stats.events += events.height
        if events.height:
            yield events
        if stop():
            break
    stats.rejected += len(reader.close())
    events = engine.close(until)
    stats.events += events.height
    if events.height:
        yield events
