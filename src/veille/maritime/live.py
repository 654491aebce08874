"""Live events: NMEA lines -> reader -> vectorised decoder -> streaming engine -> events.

:func:`watch` reads a file, standard input or a TCP feed batch by batch and yields the events each
batch completes, then those still open when the input ends (or the deadline passes). Each
message's time is its receive time (tag block, ``$PGHP`` or vendor field), else the time it was
read. Each event also carries ``received_at``: the wall-clock time (UTC, microseconds) at which
the batch of lines that completed it was read from the input, so that what follows (storing,
alerting, showing) can be timed from the sentence's arrival; it is empty for the events reported
when the input ends (those still open, and those only the end of the input completes, such as a
day's evidence of a shared MMSI), which no sentence completed. And each event says whether it is
``synthetic``: whether sentences of its vessel (or of either vessel of an encounter) were tagged
``s:synthetic`` (the generators' mark), so that readers need not look for the vessel's positions.
Nothing is stored here: ``veille ais ingest`` keeps the positions, ``veille ais watch --save``
(:class:`veille.maritime.event_runs.LiveRun`) the events.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

import polars as pl

from veille.core.ais.fast import decode_positions
from veille.core.ais.reader import AisReader, RawMessage
from veille.core.ais.synth import SOURCE as SYNTHETIC
from veille.core.events.batch import Detectors
from veille.core.events.schema import mark_synthetic
from veille.core.events.stream import StreamEngine

US = 1_000_000
RECEIVED_AT = pl.Datetime("us", "UTC")


@dataclass
class WatchStats:
    """Counts of one watch: lines, messages, positions, rejected lines, late or duplicate fixes;
    and when (Unix seconds, wall clock) its first and last batch of lines were read."""

    lines: int = 0
    messages: int = 0
    positions: int = 0
    rejected: int = 0
    events: int = 0
    first_read_s: float | None = None
    last_read_s: float | None = None
    engine: StreamEngine | None = field(default=None, repr=False)

    def as_dict(self) -> dict[str, float | int | None]:
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
            "first_read_s": round(self.first_read_s, 6) if self.first_read_s is not None else None,
            "last_read_s": round(self.last_read_s, 6) if self.last_read_s is not None else None,
        }


def positions_of(raws: list[RawMessage], now: float | None = None) -> pl.DataFrame:
    """The position reports among decoded messages, as the frame the detectors read, with whether
    each came in a sentence tagged ``s:synthetic``."""
    df = decode_positions([r.payload for r in raws], [r.fill_bits for r in raws])
    now = time.time() if now is None else now
    times = [int((r.time_s if r.time_s is not None else now) * US) for r in raws]
    return (
        df.with_columns(
            timestamp=pl.Series(times, dtype=pl.Int64),
            synthetic=pl.Series([r.source == SYNTHETIC for r in raws], dtype=pl.Boolean),
        )
        .filter(pl.col("valid"))
        .select(
            "mmsi",
            pl.col("timestamp").cast(pl.Datetime("us", "UTC")),
            pl.col("lat").fill_null(91.0),
            pl.col("lon").fill_null(181.0),
            "sog_kn",
            "synthetic",
        )
    )


def watch(
    batches: Iterable[list[bytes]],
    *,
    detectors: Detectors | None = None,
    until: datetime | None = None,
    stats: WatchStats | None = None,
    stop: Callable[[], bool] = lambda: False,
    clock: Callable[[], float] = time.time,
    every_s: float = 0.1,
) -> Iterator[pl.DataFrame]:
    """Events as they complete, batch after batch; at the end, the open ones up to ``until``.

    A read is decoded and fed to the detectors at once when the previous one was fed at least
    ``every_s`` seconds earlier; reads that arrive sooner wait and go together with the next read
    after that, or when the feed goes quiet (an empty batch). Each read's fixed cost (decoding,
    the detectors' frame operations) is then paid a few times a second, not once per read: a TCP
    feed at 1,000 lines/s delivers a few lines per read, and fed one read at a time the watch
    used most of a core.

    Each event has ``received_at``, the time the first read of the group that completed it was
    read (``clock()``, Unix seconds; so never later than the completing line's own read), empty
    for those reported at the end.
    """
    engine = StreamEngine(detectors or Detectors())
    stats = stats if stats is not None else WatchStats()
    stats.engine = engine
    reader = AisReader()
    synthetic: set[int] = set()  # vessels heard in sentences tagged s:synthetic
    group: list[bytes] = []
    group_s: float | None = None  # when the group's first read was read
    fed_s = read_s = float("-inf")  # when the detectors were last fed; when the last read was read

    def feed(lines: list[bytes], received_s: float) -> pl.DataFrame:
        raws, bad = reader.feed(lines)
        stats.lines += len(lines)
        stats.messages += len(raws)
        stats.rejected += len(bad)
        frame = positions_of(raws)
        stats.positions += frame.height
        synthetic.update(frame.filter(pl.col("synthetic"))["mmsi"].to_list())
        events = engine.feed(frame)
        stats.events += events.height
        return _stamped(events, received_s, synthetic)

    for lines in batches:
        if lines:  # (a quiet feed gives empty batches: nothing read, but time to act and stop)
            read_s = clock()  # as soon as the read is in, before any decoding
            if group_s is None:
                group_s = read_s
            if stats.first_read_s is None:
                stats.first_read_s = read_s
            stats.last_read_s = read_s
            group += lines
        if group_s is not None and (not lines or read_s - fed_s >= every_s):
            events = feed(group, group_s)
            group, group_s, fed_s = [], None, read_s
            if events.height:
                yield events
        if stop():
            break
    if group_s is not None:
        events = feed(group, group_s)
        if events.height:
            yield events
    stats.rejected += len(reader.close())
    events = engine.close(until)
    stats.events += events.height
    if events.height:
        yield _stamped(events, None, synthetic)


def _stamped(events: pl.DataFrame, received_s: float | None, synthetic: set[int]) -> pl.DataFrame:
    """``events`` with ``received_at`` (UTC, microseconds; null when ``received_s`` is None) and
    ``synthetic`` (either vessel heard in sentences tagged ``s:synthetic``)."""
    value = None if received_s is None else round(received_s * US)
    return mark_synthetic(
        events.with_columns(received_at=pl.lit(value, dtype=pl.Int64).cast(RECEIVED_AT)), synthetic
    )
