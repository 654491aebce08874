"""Bulk reading: whole blocks of NMEA lines parsed with NumPy, for files and archives.

The common line of a feed is a single-part ``!--VDM``/``!--VDO`` sentence, with or without an
IEC 62320-1 tag block of ``s:`` and ``c:``, with or without vendor fields after the checksum, or a
``$PGHP`` time. :func:`scan_block` finds those lines in a block of lines at once: line ends, tag
blocks, checksums (one cumulative XOR over the block), fields, times, and the payload spans that
go straight to the vectorised position decoder (:func:`veille.core.ais.fast.position_columns`).
Every other line (multi-part fragments, comments, other tag fields, anything malformed) is parsed
by :func:`veille.core.ais.nmea.parse_line`, exactly as the line-by-line reader does, and the
multi-part fragments go through the same reassembly (:meth:`AisReader.feed_items`). Both readers
give the same messages, times and rejects (``tests/core/test_ais_bulk.py`` checks it on every
capture in ``data/ais`` and on synthetic traffic with planted bad lines).

The work is split so that blocks can be scanned and decoded in parallel: :func:`decode_block` is
pure (one block in, decoded rows out; safe in several threads, as NumPy and Polars release the
GIL for most of it); :class:`BulkReader` is the small sequential part that carries ``$PGHP``
times and multi-part groups from one block to the next.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa
from numpy.lib.stride_tricks import sliding_window_view

from .decode import DecodeError, decode_payload
from .fast import WIDTH, arrow_array, position_columns, position_frame
from .messages import ClassBExtendedReport, StaticDataReportA, StaticDataReportB, StaticVoyageData
from .nmea import Parsed, PghpTime, Reject, RejectReason, Sentence, parse_line
from .reader import MAX_LINE_BYTES, AisReader, RawMessage

__all__ = [
    "POSITION_COLUMNS",
    "STATIC_TYPES",
    "BlockResult",
    "BlockScan",
    "BulkReader",
    "Decoded",
    "decode_block",
    "decode_raw_messages",
    "scan_block",
]

I64 = npt.NDArray[np.int64]
U8 = npt.NDArray[np.uint8]
STATIC_TYPES = (StaticVoyageData, StaticDataReportA, StaticDataReportB, ClassBExtendedReport)
_PAD = 64
_WS = np.zeros(256, dtype=bool)
_WS[[9, 13, 32]] = True  # what parse_line strips at the end of a line (with \n)
_HEX = np.full(256, -1, dtype=np.int64)
for _i, _c in enumerate(b"0123456789ABCDEF"):
    _HEX[_c] = _i
for _i, _c in enumerate(b"abcdef"):
    _HEX[_c] = 10 + _i
_PGHP = np.frombuffer(b"$PGHP,", dtype=np.uint8)
_TIME_MIN, _TIME_MAX = 315_532_800, 4_102_444_800  # as veille.core.ais.nmea._tail_time
_POW10 = 10 ** np.arange(19, dtype=np.int64)
_FAR = 1 << 40  # "not found" for a position; far past any block, and safe to add to
_CHECK_EVERY = 256  # AisReader.feed looks for expired groups on these line numbers

POSITION_COLUMNS = {
    "lineno": pl.Int64,
    "time_s": pl.Float64,
    "source": pl.Utf8,
    "mmsi": pl.UInt32,
    "lat": pl.Float64,
    "lon": pl.Float64,
    "sog_kn": pl.Float64,
    "cog_deg": pl.Float64,
    "heading_deg": pl.UInt16,
    "nav_status": pl.UInt8,
    "msg_type": pl.UInt8,
}


@dataclass
class Decoded:
    """Decoded messages of a block: position rows, static reports, rejects and counts.

    ``positions`` has the columns of :data:`POSITION_COLUMNS` (``time_s`` and ``source`` null when
    the line had none); ``statics`` holds ``(last line number, time or None, source or None,
    record)`` for messages 5, 19 and 24.
    """

    positions: pl.DataFrame
    statics: list[tuple[int, float | None, str | None, Any]] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    messages: int = 0
    decoded: int = 0
    untimed: int = 0

    @staticmethod
    def empty() -> Decoded:
        """Nothing decoded.

        >>> Decoded.empty().positions.height
        0
        """
        return Decoded(pl.DataFrame(schema=POSITION_COLUMNS))

    def with_rejects(self, rejects: list[Reject]) -> Decoded:
        """The same, with ``rejects`` added in front."""
        self.rejects = rejects + self.rejects
        return self

    def merge(self, other: Decoded) -> Decoded:
        """Both blocks' rows and counts."""
        pos = other.positions if not self.positions.height else self.positions
        if self.positions.height and other.positions.height:
            pos = pl.concat([self.positions, other.positions])
        return Decoded(
            pos,
            self.statics + other.statics,
            self.rejects + other.rejects,
            self.messages + other.messages,
            self.decoded + other.decoded,
            self.untimed + other.untimed,
        )


def decode_raw_messages(raws: list[RawMessage]) -> Decoded:
    """Decode reassembled messages: positions on the vectorised path, the rest one by one.

    >>> r = AisReader()
    >>> d = decode_raw_messages(r.feed([b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A"])[0])
    >>> (d.messages, d.decoded, d.positions["mmsi"].to_list(), d.untimed)
    (1, 1, [371798000], 1)
    """
    if not raws:
        return Decoded.empty()
    payloads = [r.payload for r in raws]
    lens = np.fromiter(map(len, payloads), dtype=np.int64, count=len(raws))
    starts = np.zeros(len(raws), dtype=np.int64)
    np.cumsum(lens[:-1], out=starts[1:])
    buf = np.frombuffer(b"".join(payloads) + b"0" * WIDTH, dtype=np.uint8)
    fill = np.fromiter((r.fill_bits for r in raws), dtype=np.int64, count=len(raws))
    cols = position_columns(buf, starts, lens, fill)
    out = Decoded.empty()
    need = np.flatnonzero(~cols["valid"] | (cols["msg_type"] == 19))  # message 19 also has static data
    for i in need.tolist():
        r = raws[i]
        try:
            msg = decode_payload(r.payload, r.fill_bits)
        except DecodeError as exc:
            out.rejects.append(
                Reject(r.first_lineno, RejectReason(exc.reason), b"\\n".join(r.lines), exc.detail)
            )
            continue
        if isinstance(msg, STATIC_TYPES):
            out.statics.append((r.last_lineno, r.time_s, r.source, msg))
    keep = np.flatnonzero(cols["valid"])
    frame = position_frame(cols, valid_only=True)
    out.positions = _with_meta(
        frame,
        np.fromiter((raws[i].last_lineno for i in keep), dtype=np.int64, count=len(keep)),
        np.array([_nan(raws[i].time_s) for i in keep], dtype=np.float64),
        pl.Series([raws[i].source for i in keep], dtype=pl.Utf8).to_arrow(),
    )
    out.messages = len(raws)
    out.decoded = len(raws) - len(out.rejects)
    out.untimed = sum(r.time_s is None for r in raws)
    return out


def _nan(t: float | None) -> float:
    return np.nan if t is None else t


def _with_meta(
    frame: pl.DataFrame, lineno: I64, time_s: npt.NDArray[np.float64], source: pa.Array
) -> pl.DataFrame:
    meta = pl.from_arrow(
        pa.table(
            {
                "lineno": arrow_array(np.asarray(lineno, dtype=np.int64)),
                "time_s": arrow_array(np.asarray(time_s, dtype=np.float64), np.isnan(time_s)),
                "source": source,
            }
        )
    )
    assert isinstance(meta, pl.DataFrame)
    both = pl.concat([meta, frame], how="horizontal")
    return both.select([pl.col(n).cast(t) for n, t in POSITION_COLUMNS.items()])


# -- scanning a block ----------------------------------------------------------------------------


@dataclass
class BlockScan:
    """What :func:`scan_block` found; the fast lines stay as arrays, the other lines as items.

    ``items`` are ``(line number, Sentence or Reject, time)`` for the lines parsed one by one;
    ``head`` is the line number of the block's first sentence when it has no time of its own and
    no ``$PGHP`` before it in the block (a ``$PGHP`` at the end of the previous block applies);
    ``pghp_out`` is the ``$PGHP`` time left for the next block, and ``events`` whether the block
    had any sentence or ``$PGHP`` at all.
    """

    lines: int
    first_lineno: int
    items: list[tuple[int, Sentence | Reject, float | None]]
    checkpoints: list[int]
    head: int | None
    pghp_out: float | None
    events: bool
    # fast lines: line number, line span, payload span, fill bits, time (NaN: none), source span
    lineno: I64
    line_start: I64
    line_end: I64
    pay_start: I64
    pay_len: I64
    fill: I64
    time_s: npt.NDArray[np.float64]
    src_start: I64
    src_len: I64


def _uint(buf: U8, start: I64, end: I64, max_width: int) -> tuple[I64, npt.NDArray[np.bool_]]:
    """Decimal value of ``buf[start:end]`` per row; ok where 1..max_width digits and nothing else.

    >>> buf = np.frombuffer(b"12,x7,0042" + b"0" * 16, dtype=np.uint8)
    >>> v, ok = _uint(buf, np.array([0, 3, 6]), np.array([2, 5, 10]), 4)
    >>> v.tolist(), ok.tolist()
    ([12, 0, 42], [True, False, True])
    """
    length = end - start
    ok = (length >= 1) & (length <= max_width)
    value = np.zeros(len(start), dtype=np.int64)
    rows = np.flatnonzero(ok)
    if len(rows):
        width = length[rows, None]
        j = np.arange(max_width)
        inside = j < width
        d = sliding_window_view(buf, max_width)[start[rows]].astype(np.int64) - 48
        digits = (((d >= 0) & (d <= 9)) | ~inside).all(axis=1)
        ok[rows] = digits
        power = _POW10[np.clip(width - 1 - j, 0, 18)]
        value[rows] = np.where(digits, (np.where(inside, d, 0) * power).sum(axis=1), 0)
    return value, ok


def _xor_ranges(buf: U8, cw: npt.NDArray[np.uint64], a: I64, b: I64) -> I64:
    """XOR of the bytes ``buf[a:b]`` per row (``b >= a``), from ``cw``, the running XOR of the
    buffer's 64-bit words with a leading zero: whole words come from ``cw``, the at most 7 bytes
    at each end from an 8-byte window. Eight times less running XOR than byte by byte."""
    wa = (a + 7) // 8
    wb = b // 8
    head_end = np.minimum(wa * 8, b)
    tail_start = np.maximum(wb * 8, head_end)
    x = np.where(wa < wb, cw[np.maximum(wb, wa)] ^ cw[wa], np.uint64(0))
    x ^= x >> np.uint64(32)
    x ^= x >> np.uint64(16)
    x ^= x >> np.uint64(8)
    out = (x & np.uint64(255)).astype(np.uint8)
    window = sliding_window_view(buf, 8)
    j = np.arange(8)
    for lo, hi in ((a, head_end), (tail_start, b)):
        edge = window[np.minimum(lo, len(buf) - 8)]
        out ^= np.bitwise_xor.reduce(np.where(j < (hi - lo)[:, None], edge, 0).astype(np.uint8), axis=1)
    return out.astype(np.int64)


def _next(pos: I64, after: I64) -> tuple[I64, I64]:
    """Index into ``pos`` (sorted positions of one byte) of the first at or after ``after``, and it."""
    k = np.searchsorted(pos, after)
    if len(pos) == 0:
        return k, np.full(len(after), _FAR, dtype=np.int64)
    return k, np.where(k < len(pos), pos[np.minimum(k, len(pos) - 1)], _FAR)


def _days_from_civil(y: I64, m: I64, d: I64) -> I64:
    """Days since 1970-01-01 of a proleptic Gregorian date; ``d`` may run past the month's end,
    as in :func:`calendar.timegm`."""
    y = y - (m <= 2)
    era = y // 400
    yoe = y - era * 400
    doy = (153 * np.where(m > 2, m - 3, m + 9) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146_097 + doe - 719_468


def _parse_one(line: bytes, lineno: int) -> Parsed:
    if len(line) > MAX_LINE_BYTES:
        return Reject(lineno, RejectReason.LINE_TOO_LONG, line[:MAX_LINE_BYTES], "line too long")
    return parse_line(line, lineno)


def scan_block(data: bytes, lines: int, first_lineno: int = 1) -> tuple[BlockScan, U8]:
    """Classify and parse every line of a block (``lines`` lines joined by ``\\n``).

    Returns the scan and the block as a padded NumPy buffer (the spans of the scan point into it).

    >>> pghp = b"$PGHP,1,2010,6,11,11,46,11,390,231,45,992190934,1,2B*5B"
    >>> data = pghp + b"\\n!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A"
    >>> scan, _ = scan_block(data, 2)
    >>> (scan.lineno.tolist(), scan.time_s.tolist(), scan.items)
    ([2], [1276256771.39], [])
    """
    size = len(data)
    buf = np.frombuffer(data + b"\n" + b"0" * (_PAD + (-(size + 1) % 8)), dtype=np.uint8)
    if lines == 0:
        return _empty_scan(first_lineno), buf
    nl = np.flatnonzero(buf[: size + 1] == 10)
    assert len(nl) == lines
    starts = np.empty(lines, dtype=np.int64)
    starts[0] = 0
    starts[1:] = nl[:-1] + 1
    raw_end = nl.astype(np.int64)
    end = raw_end.copy()
    for _ in range(4):
        strip = (end > starts) & _WS[buf[end - 1]]
        if not strip.any():
            break
        end -= strip
    empty = end == starts
    ok = ~empty & ~((end > starts) & _WS[buf[end - 1]]) & (raw_end - starts <= MAX_LINE_BYTES)
    high = np.flatnonzero(buf[:size] >= 128)
    if len(high):
        ok[np.searchsorted(nl, high)] = False  # non-ASCII: the line parser says why
    cw = np.zeros(len(buf) // 8 + 1, dtype=np.uint64)
    np.bitwise_xor.accumulate(buf.view(np.uint64), out=cw[1:])
    commas = np.flatnonzero(buf == 44)
    stars = np.flatnonzero(buf == 42)

    # tag blocks of s:, c: and g: fields, with their checksum; anything else goes to the line parser
    body = starts.copy()
    tag_time = np.full(lines, np.nan)
    src_start = np.zeros(lines, dtype=np.int64)
    src_len = np.zeros(lines, dtype=np.int64)
    group = np.full((lines, 3), -1, dtype=np.int64)
    tagged = buf[starts] == 92
    ti = np.flatnonzero(tagged & ok)
    if len(ti):
        ts, te = starts[ti] + 1, end[ti]
        _, close = _next(np.flatnonzero(buf == 92), ts)
        good = close < te
        close = np.where(good, close, ts + 3)
        cstar = close - 3
        good &= (cstar >= ts) & (buf[cstar] == 42) & (_HEX[buf[close - 2]] >= 0) & (_HEX[buf[close - 1]] >= 0)
        declared = _HEX[buf[close - 2]] * 16 + _HEX[buf[close - 1]]
        good &= declared == _xor_ranges(buf, cw, ts, np.maximum(cstar, ts))
        k0 = np.searchsorted(commas, ts)
        ncomma = np.searchsorted(commas, cstar) - k0
        good &= ncomma <= 2
        q = commas[np.minimum(k0[:, None] + np.arange(2), max(len(commas) - 1, 0))] if len(commas) else None
        field_from = [ts]
        field_to = []
        for j in range(2):
            qj = q[:, j] if q is not None else cstar
            field_to.append(np.where(ncomma > j, qj, cstar))
            field_from.append(np.where(ncomma > j, qj + 1, cstar))
        field_to.append(cstar)
        t = np.full(len(ti), np.nan)
        s_from = np.zeros(len(ti), dtype=np.int64)
        s_to = np.zeros(len(ti), dtype=np.int64)
        g = np.full((len(ti), 3), -1, dtype=np.int64)
        seen = np.zeros((len(ti), 3), dtype=np.int64)
        dashes = np.flatnonzero(buf == 45)
        for j in range(3):
            there = ncomma >= j
            f0, f1 = field_from[j], field_to[j]
            key = buf[f0]
            good &= ~there | ((buf[f0 + 1] == 58) & (f1 - f0 >= 3))
            is_s, is_c, is_g = there & (key == 115), there & (key == 99), there & (key == 103)
            good &= ~there | is_s | is_c | is_g
            seen += np.stack([is_s, is_c, is_g], axis=1)
            s_from = np.where(is_s, f0 + 2, s_from)
            s_to = np.where(is_s, f1, s_to)
            rows = np.flatnonzero(is_c)
            value, vok = _uint(buf, f0[rows] + 2, f1[rows], 13)
            good[rows] &= vok
            t[rows] = np.where(value > 1e11, value / 1000.0, value.astype(np.float64))
            rows = np.flatnonzero(is_g)
            if len(rows):  # g:sentence-sentences-group id
                g0, g1 = f0[rows] + 2, f1[rows]
                _, d0 = _next(dashes, g0)
                _, d1 = _next(dashes, d0 + 1)
                _, d2 = _next(dashes, d1 + 1)
                gok = (d1 < g1) & (d2 >= g1)
                d0, d1 = np.minimum(d0, g1), np.minimum(d1, g1)
                for k, (lo, hi) in enumerate(((g0, d0), (d0 + 1, d1), (d1 + 1, g1))):
                    v, vok = _uint(buf, lo, hi, 9)
                    gok &= vok
                    g[rows, k] = v
                good[rows] &= gok
        good &= (seen <= 1).all(axis=1)
        ok[ti] = good
        gi = ti[good]
        body[gi] = close[good] + 1
        tag_time[gi] = t[good]
        has_s = seen[good, 0] > 0
        src_start[gi] = np.where(has_s, s_from[good], 0)
        src_len[gi] = np.where(has_s, s_to[good] - s_from[good], 0)
        group[gi] = np.where(seen[good, 2:3] > 0, g[good], -1)

    body_c = np.minimum(body, size)
    _, star = _next(stars, body_c)
    has_star = star + 3 <= end
    star = np.where(has_star, star, body_c)
    declared = _HEX[buf[star + 1]] * 16 + _HEX[buf[star + 2]]
    computed = _xor_ranges(buf, cw, body_c + 1, np.maximum(star, body_c + 1))
    sum_ok = ok & has_star & (_HEX[buf[star + 1]] >= 0) & (_HEX[buf[star + 2]] >= 0) & (declared == computed)
    k0 = np.searchsorted(commas, body_c)
    ncomma = np.searchsorted(commas, star) - k0

    # single-part VDM/VDO sentences
    cand = np.flatnonzero(sum_ok & (buf[body_c] == 33) & (ncomma == 6))
    fast = np.zeros(lines, dtype=bool)
    fill = np.zeros(lines, dtype=np.int64)
    pay_start = np.zeros(lines, dtype=np.int64)
    pay_len = np.zeros(lines, dtype=np.int64)
    tail_time = np.full(lines, np.nan)
    fragments = np.zeros(0, dtype=np.int64)
    frag_fields: tuple[np.ndarray, ...] = ()
    if len(cand):
        b = body_c[cand]
        p = commas[np.minimum(k0[cand, None] + np.arange(6), len(commas) - 1)]
        s = star[cand]
        hdr = sliding_window_view(buf, 6)[b]
        good = (p[:, 0] == b + 6) & (hdr[:, 3] == 86) & (hdr[:, 4] == 68)  # 'VD'
        good &= (hdr[:, 5] == 77) | (hdr[:, 5] == 79)  # M or O
        count = buf[p[:, 0] + 1].astype(np.int64) - 48
        number = buf[p[:, 1] + 1].astype(np.int64) - 48
        good &= (p[:, 1] == p[:, 0] + 2) & (p[:, 2] == p[:, 1] + 2) & (count >= 1) & (count <= 9)
        good &= (number >= 1) & (number <= count)
        seq_len = p[:, 3] - p[:, 2] - 1
        seq_c = buf[p[:, 2] + 1]
        good &= (seq_len == 0) | ((seq_len == 1) & (seq_c >= 48) & (seq_c <= 57))
        good &= p[:, 4] - p[:, 3] - 1 <= 1  # channel
        good &= p[:, 5] - p[:, 4] - 1 >= 1  # payload
        fc = buf[p[:, 5] + 1]
        good &= (s == p[:, 5] + 2) & (fc >= 48) & (fc <= 53)
        single = good & (count == 1)
        frag = np.flatnonzero(good & (count > 1))
        gi = cand[single]
        fast[gi] = True
        pay_start[gi] = p[single, 4] + 1
        pay_len[gi] = p[single, 5] - p[single, 4] - 1
        fill[gi] = fc[single].astype(np.int64) - 48
        fragments = cand[frag]
        frag_fields = (p[frag], count[frag], number[frag], seq_len[frag], seq_c[frag], fc[frag])
        gi = cand[good]
        # a 10-digit Unix time as the last vendor field after the checksum
        e = end[gi]
        t0 = star[gi] + 3
        withtail = np.flatnonzero(e > t0)
        if len(withtail):
            e, t0, gt = e[withtail], t0[withtail], gi[withtail]
            k = np.searchsorted(commas, e) - 1
            last_comma = commas[np.maximum(k, 0)] if len(commas) else np.zeros_like(k)
            f0 = np.where((k >= 0) & (last_comma >= t0), last_comma + 1, t0)
            value, vok = _uint(buf, f0, e, 10)
            vok &= (e - f0 == 10) & (value >= _TIME_MIN) & (value <= _TIME_MAX)
            tail_time[gt[vok]] = value[vok].astype(np.float64)

    # $PGHP,1 times (untagged)
    pghp = np.zeros(lines, dtype=bool)
    pghp_time = np.full(lines, np.nan)
    cand = np.flatnonzero(sum_ok & ~tagged & (ncomma >= 8) & (buf[body_c] == 36))
    if len(cand):
        b = body_c[cand]
        good = (sliding_window_view(buf, 6)[b] == _PGHP).all(axis=1)
        p = commas[np.minimum(k0[cand, None] + np.arange(9), len(commas) - 1)]
        p[:, 8] = np.where(ncomma[cand] >= 9, p[:, 8], star[cand])
        good &= (p[:, 1] == p[:, 0] + 2) & (buf[p[:, 0] + 1] == 49)
        widths = (4, 2, 2, 2, 2, 2, 3)
        vals = []
        for j, w in enumerate(widths):
            v, vok = _uint(buf, p[:, j + 1] + 1, p[:, j + 2], w)
            good &= vok
            vals.append(v)
        y, mo, d, h, mi, sec, ms = vals
        good &= (y >= 1) & (mo >= 1) & (mo <= 12) & (d >= 1) & (d <= 31) & (h < 24) & (mi < 60) & (sec < 61)
        days = _days_from_civil(y, np.clip(mo, 1, 12), d)
        t = (((days * 24 + h) * 60 + mi) * 60 + sec).astype(np.float64) + ms / 1000.0
        pghp[cand[good]] = True
        pghp_time[cand[good]] = t[good]

    # everything else, line by line
    kind = np.zeros(lines, dtype=np.int8)  # 0 nothing, 1 sentence, 2 $PGHP
    kind[fast] = 1
    kind[pghp] = 2
    own = np.where(np.isnan(tag_time), tail_time, tag_time)
    event_time = np.where(pghp, pghp_time, own)
    skip = empty.copy()
    parsed: dict[int, Sentence | Reject] = {}
    if len(fragments):  # parts of multi-part messages: made into sentences here, reassembled later
        kind[fragments] = 1
        event_time[fragments] = own[fragments]
        fp, fcount, fnumber, fseq_len, fseq_c, ffill = (x.tolist() for x in frag_fields)
        fgroup = group[fragments].tolist()
        for k, i in enumerate(fragments.tolist()):
            at = int(body_c[i])
            pk = fp[k]
            ss, sl = int(src_start[i]), int(src_len[i])
            ti_ = own[i]
            parsed[i] = Sentence(
                first_lineno + i,
                data[starts[i] : end[i]],
                data[at + 1 : at + 3].decode(),
                data[at + 3 : at + 6].decode(),
                fcount[k],
                fnumber[k],
                fseq_c[k] - 48 if fseq_len[k] else None,
                data[pk[3] + 1 : pk[4]].decode(),
                data[pk[4] + 1 : pk[5]],
                ffill[k] - 48,
                data[ss : ss + sl].decode() if sl else None,
                None if np.isnan(ti_) else float(ti_),
                None if fgroup[k][0] < 0 else (fgroup[k][0], fgroup[k][1], fgroup[k][2]),
            )
    rest = ~fast & ~pghp & ~empty
    rest[fragments] = False
    for i in np.flatnonzero(rest).tolist():
        item = _parse_one(data[starts[i] : raw_end[i]], first_lineno + i)
        if item is None:
            skip[i] = True
        elif type(item) is Sentence:
            kind[i] = 1
            event_time[i] = _nan(item.time_s)
            parsed[i] = item
        elif type(item) is PghpTime:
            kind[i] = 2
            event_time[i] = item.time_s
        else:
            assert isinstance(item, Reject)
            if item.reason is RejectReason.LINE_TOO_LONG:
                skip[i] = True
            parsed[i] = item

    # a $PGHP time applies to the next sentence, unless another $PGHP comes first
    ev = np.flatnonzero(kind > 0)
    head: int | None = None
    pghp_out: float | None = None
    if len(ev):
        ek = kind[ev]
        sentences = ev[ek == 1]
        prev = np.searchsorted(ev, sentences) - 1
        after_pghp = (prev >= 0) & (ek[np.maximum(prev, 0)] == 2)
        t_prev = event_time[ev[np.maximum(prev, 0)]]
        need = np.isnan(event_time[sentences]) & after_pghp
        event_time[sentences[need]] = t_prev[need]
        if ek[0] == 1 and np.isnan(event_time[ev[0]]):
            head = first_lineno + int(ev[0])
        if ek[-1] == 2:
            pghp_out = float(event_time[ev[-1]])
    items: list[tuple[int, Sentence | Reject, float | None]] = []
    for i, item in sorted(parsed.items()):
        t = event_time[i]
        items.append((first_lineno + i, item, None if np.isnan(t) else float(t)))
    first_check = -(-first_lineno // _CHECK_EVERY) * _CHECK_EVERY
    checks = np.arange(first_check, first_lineno + lines, _CHECK_EVERY)
    checkpoints = checks[~skip[checks - first_lineno]].tolist()
    fi = np.flatnonzero(fast)
    scan = BlockScan(
        lines=lines,
        first_lineno=first_lineno,
        items=items,
        checkpoints=checkpoints,
        head=head,
        pghp_out=pghp_out,
        events=bool(len(ev)),
        lineno=fi + first_lineno,
        line_start=starts[fi],
        line_end=end[fi],
        pay_start=pay_start[fi],
        pay_len=pay_len[fi],
        fill=fill[fi],
        time_s=event_time[fi],
        src_start=src_start[fi],
        src_len=src_len[fi],
    )
    return scan, buf


def _empty_scan(first_lineno: int) -> BlockScan:
    z = np.zeros(0, dtype=np.int64)
    return BlockScan(0, first_lineno, [], [], None, None, False, z, z, z, z, z, z, np.zeros(0), z, z)


def _strings(buf: U8, start: I64, length: I64) -> pa.Array:
    """The byte spans as an Arrow string array (null where the span is empty), without Python loops."""
    offsets = np.zeros(len(start) + 1, dtype=np.int64)
    np.cumsum(length, out=offsets[1:])
    idx = np.repeat(start - offsets[:-1], length) + np.arange(offsets[-1])
    null = length == 0
    bitmap = pa.py_buffer(np.packbits(~null, bitorder="little")) if null.any() else None
    return pa.LargeStringArray.from_buffers(
        len(start), pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(buf[idx])), bitmap
    )


@dataclass
class BlockResult:
    """What a worker sends back for one block: the fast lines decoded, the other lines parsed."""

    decoded: Decoded
    items: list[tuple[int, Sentence | Reject, float | None]]
    checkpoints: list[int]
    head: int | None
    pghp_out: float | None
    events: bool
    lines: int
    first_lineno: int


def decode_block(data: bytes, lines: int, first_lineno: int = 1) -> BlockResult:
    """Scan a block and decode its fast lines (pure: runs in a worker thread).

    >>> data = b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\\n!AIVDM,2,2,3,A,00000000000,2*27"
    >>> r = decode_block(data, 2)
    >>> (r.decoded.positions["mmsi"].to_list(), [(n, type(x).__name__) for n, x, _ in r.items])
    ([371798000], [(2, 'Sentence')])
    """
    scan, buf = scan_block(data, lines, first_lineno)
    n = len(scan.lineno)
    out = Decoded.empty()
    out.messages = n
    if n:
        cols = position_columns(buf, scan.pay_start, scan.pay_len, scan.fill)
        valid = cols["valid"]
        for i in np.flatnonzero(~valid | (cols["msg_type"] == 19)).tolist():
            ps, pl_ = int(scan.pay_start[i]), int(scan.pay_len[i])
            try:
                msg = decode_payload(data[ps : ps + pl_], int(scan.fill[i]))
            except DecodeError as exc:
                line = data[int(scan.line_start[i]) : int(scan.line_end[i])]
                out.rejects.append(Reject(int(scan.lineno[i]), RejectReason(exc.reason), line, exc.detail))
                continue
            if isinstance(msg, STATIC_TYPES):
                t = scan.time_s[i]
                ss, sl = int(scan.src_start[i]), int(scan.src_len[i])
                source = data[ss : ss + sl].decode("ascii") if sl else None
                out.statics.append((int(scan.lineno[i]), None if np.isnan(t) else float(t), source, msg))
        keep = np.flatnonzero(valid)
        out.positions = _with_meta(
            position_frame(cols, valid_only=True),
            scan.lineno[keep],
            scan.time_s[keep],
            _strings(buf, scan.src_start[keep], scan.src_len[keep]),
        )
        out.decoded = n - len(out.rejects)
        out.untimed = int(np.isnan(scan.time_s).sum())
    return BlockResult(
        out, scan.items, scan.checkpoints, scan.head, scan.pghp_out, scan.events, lines, first_lineno
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
        self._pghp: float | None = None

    def feed(self, result: BlockResult) -> Decoded:
        """Finish one block: apply a ``$PGHP`` time carried in, reassemble, decode the rest."""
        dec = result.decoded
        items = result.items
        carried = self._pghp
        if result.events:
            self._pghp = result.pghp_out
        if result.head is not None and carried is not None:
            dec, items = _apply_head(dec, items, result.head, carried)
        raws, rejects = self.reader.feed_items(
            items, result.checkpoints, result.first_lineno + result.lines - 1
        )
        return dec.merge(decode_raw_messages(raws).with_rejects(rejects))

    def close(self) -> Decoded:
        """End of input: groups still open are rejected."""
        return Decoded.empty().with_rejects(self.reader.close())


def _apply_head(
    dec: Decoded, items: list[tuple[int, Sentence | Reject, float | None]], head: int, t: float
) -> tuple[Decoded, list[tuple[int, Sentence | Reject, float | None]]]:
    for k, (lineno, item, _) in enumerate(items):
        if lineno == head:
            return dec, [*items[:k], (head, item, t), *items[k + 1 :]]
    hit = dec.positions["lineno"] == head
    if hit.any():
        dec.positions = dec.positions.with_columns(
            time_s=pl.when(pl.Series(hit)).then(pl.lit(t)).otherwise(pl.col("time_s"))
        )
    dec.statics = [(n, t if n == head else tt, s, m) for n, tt, s, m in dec.statics]
    dec.untimed -= 1
    return dec, items
