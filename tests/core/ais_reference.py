"""The per-message path, the reference the bulk (vectorised) reader is held to: every line parsed
by the line reader (:class:`AisReader`), every complete message decoded on its own by
:func:`decode_payload` into its typed record. Nothing vectorised decides anything here."""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from veille.core.ais.bulk import BulkReader, Decoded, decode_block
from veille.core.ais.decode import DecodeError, decode_payload
from veille.core.ais.messages import (
    ClassBExtendedReport,
    ClassBPositionReport,
    LongRangeReport,
    PositionReport,
    StaticDataReportA,
    StaticDataReportB,
    StaticVoyageData,
)
from veille.core.ais.nmea import Reject, RejectReason
from veille.core.ais.reader import AisReader
from veille.core.ais.sources import BLOCK_BYTES, Block, read_blocks

POSITION_RECORDS = (PositionReport, ClassBPositionReport, ClassBExtendedReport, LongRangeReport)
STATIC_RECORDS = (StaticVoyageData, StaticDataReportA, StaticDataReportB, ClassBExtendedReport)


@dataclass
class Reference:
    """What the per-message path gives: position rows, static reports, rejects, counts."""

    positions: list[tuple[Any, ...]] = field(default_factory=list)
    statics: list[tuple[int, float | None, str | None, Any]] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    messages: int = 0
    untimed: int = 0

    def reject_counts(self) -> Counter[str]:
        return Counter(r.reason.value for r in self.rejects)


def position_row(lineno: int, t: float | None, source: str | None, m: Any) -> tuple[Any, ...]:
    """A record as a row of :data:`veille.core.ais.bulk.POSITION_COLUMNS`."""
    return (
        lineno,
        t,
        source,
        m.mmsi,
        m.lat,
        m.lon,
        None if m.sog_kn is None else float(m.sog_kn),
        None if m.cog_deg is None else float(m.cog_deg),
        getattr(m, "heading_deg", None),
        getattr(m, "nav_status", None),
        m.msg_type,
    )


def per_message(blocks: list[Block], **limits: Any) -> Reference:
    """Decode ``blocks`` (the reads of a file) message by message; ``limits`` are the line
    reader's ``timeout_s`` and ``max_line_gap``."""
    reader = AisReader(**limits)
    out = Reference()
    raws = []
    for block in blocks:
        got, rejects = reader.feed(block.split())
        raws += got
        out.rejects += rejects
    out.rejects += reader.close()
    for r in raws:
        out.messages += 1
        out.untimed += r.time_s is None
        try:
            msg = decode_payload(r.payload, r.fill_bits)
        except DecodeError as exc:
            out.rejects.append(Reject(r.first_lineno, RejectReason(exc.reason), b"\\n".join(r.lines)))
            continue
        if isinstance(msg, POSITION_RECORDS):
            out.positions.append(position_row(r.last_lineno, r.time_s, r.source, msg))
        if isinstance(msg, STATIC_RECORDS):
            out.statics.append((r.last_lineno, r.time_s, r.source, msg))
    return out


def in_bulk(blocks: list[Block], **limits: Any) -> Decoded:
    """Decode ``blocks`` with the bulk reader, as ``veille ais ingest`` does (one thread)."""
    bulk = BulkReader(**limits)
    out = Decoded.empty()
    lineno = 1
    for block in blocks:
        out = out.merge(bulk.feed(decode_block(block.data, block.lines, lineno)))
        lineno += block.lines
    return out.merge(bulk.close())


def blocks_of(data: bytes, read_bytes: int = BLOCK_BYTES) -> list[Block]:
    """The blocks ``veille ais ingest`` reads from a file of ``data``."""
    return list(read_blocks(io.BytesIO(data), read_bytes))


def essence(ref: Reference) -> dict[str, Any]:
    """Comparable form of the reference (see :func:`bulk_essence`)."""
    return {
        "positions": sorted(ref.positions, key=lambda r: r[0]),
        "statics": sorted(((n, t, s, repr(m)) for n, t, s, m in ref.statics), key=lambda x: x[0]),
        "rejects": sorted((r.lineno, r.reason.value, r.line) for r in ref.rejects),
        "counts": (ref.messages, ref.messages - sum(r.reason.value in _DECODING for r in ref.rejects)),
        "untimed": ref.untimed,
    }


_DECODING = {"bad_payload", "too_short", "unknown_type", "bad_field"}


def bulk_essence(d: Decoded) -> dict[str, Any]:
    """The same form from the bulk reader's result."""
    return {
        "positions": d.positions.sort("lineno").rows(),
        "statics": sorted(((n, t, s, repr(m)) for n, t, s, m in d.static_records()), key=lambda x: x[0]),
        "rejects": sorted((r.lineno, r.reason.value, r.line) for r in d.rejects),
        "counts": (d.messages, d.decoded),
        "untimed": d.untimed,
    }
