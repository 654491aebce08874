"""Bulk reading: whole blocks of NMEA lines parsed and decoded with NumPy, for files and archives.

A block (about 1 MB of lines) is scanned at once (:func:`veille.core.ais.scan.scan_block`): its
single-part sentences are decoded there and then (:func:`veille.core.ais.batch.decode_batch`:
positions, static reports, base stations, every other message as its raw payload), its
fragments of multi-part messages are kept as a table, every bad line as its reject.
:func:`decode_block` does that and is pure (one block in, decoded rows out; safe in several
threads, as NumPy and Polars release the GIL for most of it). :class:`BulkReader` is the small
sequential part: it carries ``$PGHP`` times and open multi-part groups from one block to the
next, reassembles each block's fragments at once (:class:`veille.core.ais.multipart.Reassembler`)
and decodes the messages they complete the same way.

Both readers give the same messages, times and rejects as the line-by-line reader followed by the
per-message decoder (``tests/core/test_ais_bulk.py`` and ``tests/core/test_ais_per_message.py``
check it on every capture in ``data/ais``, on synthetic traffic with planted bad lines and on
random input).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa

from .batch import POSITION_COLUMNS, decode_batch, empty_positions, static_records
from .multipart import Assembled, Reassembler
from .nmea import Reject
from .reader import AisReader, RawMessage
from .scan import Fragments, scan_block, strings

__all__ = ["POSITION_COLUMNS", "BlockResult", "BulkReader", "Decoded", "decode_block", "decode_raw_messages"]


@dataclass
class Decoded:
    """Decoded messages: frames of position rows, static reports, base stations and other
    messages, the rejects and the counts.

    ``positions`` has the columns of :data:`POSITION_COLUMNS` (``time_s`` and ``source`` null when
    the line had none). ``statics`` holds one row per static report (messages 5, 19 and 24, or an
    archive's static columns): ``lineno`` (the message's last line), ``time_s``, ``source``, the
    record's fields, and ``record`` (which record class; :meth:`static_records` gives the typed
    records). ``stations`` holds messages 4 and 11 (:class:`BaseStationReport` fields); ``others``
    every other message as ``msg_type``, ``mmsi``, ``payload`` and ``fill_bits``.
    """

    positions: pl.DataFrame
    statics: pl.DataFrame = field(default_factory=pl.DataFrame)
    rejects: list[Reject] = field(default_factory=list)
    messages: int = 0
    decoded: int = 0
    untimed: int = 0
    stations: pl.DataFrame = field(default_factory=pl.DataFrame)
    others: pl.DataFrame = field(default_factory=pl.DataFrame)

    @staticmethod
    def empty() -> Decoded:
        """Nothing decoded.

        >>> Decoded.empty().positions.height
        0
        """
        return Decoded(empty_positions())

    def with_rejects(self, rejects: list[Reject]) -> Decoded:
        """The same, with ``rejects`` added in front."""
        self.rejects = rejects + self.rejects
        return self

    def merge(self, other: Decoded) -> Decoded:
        """Both blocks' rows and counts."""
        return Decoded(
            _concat(self.positions, other.positions),
            _concat(self.statics, other.statics),
            self.rejects + other.rejects,
            self.messages + other.messages,
            self.decoded + other.decoded,
            self.untimed + other.untimed,
            _concat(self.stations, other.stations),
            _concat(self.others, other.others),
        )

    def static_records(self) -> list[tuple[int, float | None, str | None, Any]]:
        """The static reports as ``(last line number, time or None, source or None, record)``."""
        return static_records(self.statics)


def _concat(a: pl.DataFrame, b: pl.DataFrame) -> pl.DataFrame:
    if not b.height:
        return a
    if not a.height:
        return b
    return pl.concat([a, b], how="diagonal")


def _decoded(batch: Assembled) -> Decoded:
    """Decode assembled (or single-part) messages."""
    n = len(batch)
    if not n:
        return Decoded.empty()
    sources = batch.source
    none = sources.count(None) == len(sources)

    def source(rows: npt.NDArray[np.int64]) -> pa.Array:
        if none:
            return pa.nulls(len(rows), pa.large_string())
        return pa.array([sources[i] for i in rows.tolist()], pa.large_string())

    pos, statics, stations, others, rejects = decode_batch(
        batch.buf,
        batch.starts,
        batch.lens,
        batch.fill,
        batch.last_lineno,
        batch.first_lineno,
        batch.time_s,
        source,
        batch.lines,
    )
    return Decoded(
        pos, statics, rejects, n, n - len(rejects), int(np.isnan(batch.time_s).sum()), stations, others
    )


def decode_raw_messages(raws: list[RawMessage]) -> Decoded:
    """Decode reassembled messages (the line reader's) in one batch.

    >>> r = AisReader()
    >>> d = decode_raw_messages(r.feed([b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A"])[0])
    >>> (d.messages, d.decoded, d.positions["mmsi"].to_list(), d.untimed)
    (1, 1, [371798000], 1)
    """
    return _decoded(Assembled.from_raw(raws))


@dataclass
class BlockResult:
    """What a worker sends back for one block: the single-part sentences decoded, the fragments
    as a table, the rest as the line parser left it (see :class:`veille.core.ais.scan.BlockScan`)."""

    decoded: Decoded
    singles: list[Any]
    fragments: Fragments
    checkpoints: list[int]
    head: int | None
    pghp_out: float | None
    events: bool
    lines: int
    first_lineno: int


def decode_block(data: bytes, lines: int, first_lineno: int = 1) -> BlockResult:
    """Scan a block and decode its single-part sentences (pure: runs in a worker thread).

    >>> data = b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\\n!AIVDM,2,2,3,A,00000000000,2*27"
    >>> r = decode_block(data, 2)
    >>> (r.decoded.positions["mmsi"].to_list(), r.fragments.lineno.tolist())
    ([371798000], [2])
    """
    scan, buf = scan_block(data, lines, first_lineno)
    n = len(scan.lineno)
    out = Decoded.empty()
    if n:
        pos, statics, stations, others, rejects = decode_batch(
            buf,
            scan.pay_start,
            scan.pay_len,
            scan.fill,
            scan.lineno,
            scan.lineno,
            scan.time_s,
            lambda rows: strings(buf, scan.src_start[rows], scan.src_len[rows]),
            lambda i: data[int(scan.line_start[i]) : int(scan.line_end[i])],
        )
        out = Decoded(
            pos, statics, rejects, n, n - len(rejects), int(np.isnan(scan.time_s).sum()), stations, others
        )
    out.rejects = scan.rejects + out.rejects
    return BlockResult(
        out,
        scan.singles,
        scan.fragments,
        scan.checkpoints,
        scan.head,
        scan.pghp_out,
        scan.events,
        lines,
        first_lineno,
    )


class BulkReader:
    """The sequential part of bulk reading: ``$PGHP`` times and multi-part groups across blocks.

    Feed it the :class:`BlockResult` of every block in order; it returns everything decoded.

    >>> r = BulkReader()
    >>> d = r.feed(decode_block(b"$PGHP,1,2010,6,11,11,46,11,390,231,45,992190934,1,2B*5B", 1, 1))
    >>> d = r.feed(decode_block(b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A", 1, 2))
    >>> (d.positions["time_s"].to_list(), d.untimed, r.close().rejects)
    ([1276256771.39], 0, [])
    """

    def __init__(self, *, timeout_s: float = 10.0, max_line_gap: int = 1000) -> None:
        self.reader = AisReader(timeout_s=timeout_s, max_line_gap=max_line_gap)
        self.assembler = Reassembler(self.reader)
        self._pghp: float | None = None

    def feed(self, result: BlockResult) -> Decoded:
        """Finish one block: apply a ``$PGHP`` time carried in, reassemble, decode the rest."""
        dec = result.decoded
        carried = self._pghp
        if result.events:
            self._pghp = result.pghp_out
        singles = result.singles
        if result.head is not None and carried is not None:
            singles = _apply_head(dec, result, result.head, carried)
        raws = [
            RawMessage(s.payload, s.fill_bits, s.talker, s.formatter, s.channel, s.source, t, n, n, (s.line,))
            for n, s, t in singles
        ]
        assembled, rejects = self.assembler.feed(
            result.fragments, result.checkpoints, result.first_lineno + result.lines - 1
        )
        self.reader.sentences += result.decoded.messages + len(singles)
        out = dec.merge(_decoded(Assembled.from_raw(raws))).merge(_decoded(assembled))
        return out.with_rejects(rejects)

    def close(self) -> Decoded:
        """End of input: groups still open are rejected."""
        return Decoded.empty().with_rejects(self.assembler.close())


def _apply_head(dec: Decoded, result: BlockResult, head: int, t: float) -> list[Any]:
    """Give the block's first sentence, which has no time, the ``$PGHP`` time of the block before."""
    singles = result.singles
    for k, (lineno, item, _) in enumerate(singles):
        if lineno == head:
            return [*singles[:k], (head, item, t), *singles[k + 1 :]]
    f = result.fragments
    if len(f) and f.lineno[0] == head:
        f.time = f.time.copy()
        f.time[0] = t
        return singles
    for name in ("positions", "statics", "stations", "others"):
        frame = getattr(dec, name)
        if frame.height and (frame["lineno"] == head).any():
            hit = pl.col("lineno") == head
            setattr(
                dec, name, frame.with_columns(time_s=pl.when(hit).then(pl.lit(t)).otherwise(pl.col("time_s")))
            )
    dec.untimed -= 1
    return singles
