"""Scanning a block of NMEA lines at once: every line classified and parsed with NumPy.

The common line of a feed is a ``!--VDM``/``!--VDO`` sentence, single-part or a fragment of a
multi-part message, with or without an IEC 62320-1 tag block of ``s:``, ``c:`` and ``g:``
fields, with or without vendor fields after the checksum, or a ``$PGHP`` time.
:func:`scan_block` finds those lines in a block at once: line ends, tag blocks, checksums (one
running XOR over the block), fields, times, and the spans of the payloads. Single-part sentences
come back as arrays of spans (for :func:`veille.core.ais.batch.decode_batch`), fragments as a
:class:`Fragments` table (for :class:`veille.core.ais.multipart.Reassembler`), a sentence with an
empty payload as its reject. Every other line (comments, other tag fields, anything malformed)
is parsed by :func:`veille.core.ais.nmea.parse_line`, exactly as the line-by-line reader does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from numpy.lib.stride_tricks import sliding_window_view

from .nmea import PghpTime, Reject, RejectReason, Sentence, parse_line
from .reader import MAX_LINE_BYTES
from .spans import (
    HEX,
    PAD,
    block_buffer,
    days_from_civil,
    next_at,
    span_reduce,
    strings,
    tag_blocks,
    uint_fields,
)

__all__ = [
    "NO_SEQ",
    "PAD",
    "BlockScan",
    "Fragments",
    "block_buffer",
    "empty_fragments",
    "scan_block",
    "strings",
]

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
U8 = npt.NDArray[np.uint8]
NO_SEQ = -(1 << 62)  # a fragment without a sequential message id
_WS = np.zeros(256, dtype=bool)
_WS[[9, 13, 32]] = True  # what parse_line strips at the end of a line (with \n)
_PGHP = np.frombuffer(b"$PGHP,", dtype=np.uint8)
_TIME_MIN, _TIME_MAX = 315_532_800, 4_102_444_800  # as veille.core.ais.nmea._tail_time
_CHECK_EVERY = 256  # AisReader.feed looks for expired groups on these line numbers


@dataclass
class Fragments:
    """Fragments of multi-part messages in a block, in line order, as columns.

    Spans point into ``data`` (the block). ``channel`` is the channel's byte (0: none) or -1
    when the channel has more than one character; ``seq`` is :data:`NO_SEQ` without a sequential
    id; ``gid`` the tag block group id (-1: none); ``own_time`` the line's own receive time,
    ``time`` the time that applies (a ``$PGHP`` before it); NaN: none. ``parsed`` holds the
    :class:`Sentence` of fragments the line parser read (by row), for their text fields.
    """

    data: bytes
    lineno: I64
    line_start: I64
    line_end: I64
    pay_start: I64
    pay_len: I64
    fill: I64
    count: I64
    number: I64
    seq: I64
    channel: I64
    talker: I64
    formatter: I64
    src_start: I64
    src_len: I64
    group: I64
    own_time: F64
    time: F64
    parsed: dict[int, Sentence] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.lineno)

    def line(self, i: int) -> bytes:
        """Row ``i``'s line (without its end), as a reject gives it."""
        if i in self.parsed:
            return self.parsed[i].line
        return self.data[int(self.line_start[i]) : int(self.line_end[i])]

    def sentence(self, i: int) -> Sentence:
        """Row ``i`` as the line parser's :class:`Sentence`."""
        if i in self.parsed:
            return self.parsed[i]
        d = self.data
        ss, sl = int(self.src_start[i]), int(self.src_len[i])
        t = float(self.own_time[i])
        ch = int(self.channel[i])
        seq = int(self.seq[i])
        g = self.group[i].tolist()
        return Sentence(
            int(self.lineno[i]),
            d[int(self.line_start[i]) : int(self.line_end[i])],
            int(self.talker[i]).to_bytes(2, "big").decode(),
            "VD" + chr(int(self.formatter[i])),
            int(self.count[i]),
            int(self.number[i]),
            None if seq == NO_SEQ else seq,
            chr(ch) if ch else "",
            d[int(self.pay_start[i]) : int(self.pay_start[i]) + int(self.pay_len[i])],
            int(self.fill[i]),
            d[ss : ss + sl].decode() if sl else None,
            None if np.isnan(t) else t,
            None if g[0] < 0 else (g[0], g[1], g[2]),
        )


@dataclass
class BlockScan:
    """What :func:`scan_block` found.

    Single-part sentences read here are arrays (``lineno`` … ``src_len``); ``singles`` are the
    single-part sentences the line parser read, with the time that applies; ``fragments`` every
    fragment; ``rejects`` every line refused. ``head`` is the line number of the block's first
    sentence when it has no time of its own and no ``$PGHP`` before it in the block (a ``$PGHP``
    at the end of the previous block applies); ``pghp_out`` is the ``$PGHP`` time left for the
    next block, and ``events`` whether the block had any sentence or ``$PGHP`` at all.
    ``checkpoints`` are the lines where the line reader looks for expired multi-part groups.
    """

    lines: int
    first_lineno: int
    singles: list[tuple[int, Sentence, float | None]]
    fragments: Fragments
    rejects: list[Reject]
    checkpoints: list[int]
    head: int | None
    pghp_out: float | None
    events: bool
    lineno: I64
    line_start: I64
    line_end: I64
    pay_start: I64
    pay_len: I64
    fill: I64
    time_s: F64
    src_start: I64
    src_len: I64


def _parse_one(line: bytes, lineno: int) -> Sentence | PghpTime | Reject | None:
    if len(line) > MAX_LINE_BYTES:
        return Reject(lineno, RejectReason.LINE_TOO_LONG, line[:MAX_LINE_BYTES], "line too long")
    return parse_line(line, lineno)


def scan_block(data: bytes, lines: int, first_lineno: int = 1) -> tuple[BlockScan, U8]:
    """Classify and parse every line of a block (``lines`` lines joined by ``\\n``).

    Returns the scan and the block as a padded NumPy buffer (the spans of the scan point into it).

    >>> pghp = b"$PGHP,1,2010,6,11,11,46,11,390,231,45,992190934,1,2B*5B"
    >>> data = pghp + b"\\n!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\\n!AIVDM,1,1,,B,,0*25"
    >>> scan, _ = scan_block(data, 3)
    >>> (scan.lineno.tolist(), scan.time_s.tolist(), [(r.lineno, r.reason.value) for r in scan.rejects])
    ([2], [1276256771.39], [(3, 'empty_payload')])
    """
    size = len(data)
    buf = block_buffer(data)
    if lines == 0:
        return _empty_scan(data, first_lineno), buf
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
    stars = np.flatnonzero(buf == 42)
    tagged = buf[starts] == 92
    first = buf[starts]
    # commas are located only where a tag block or a $PGHP line needs them
    commas = np.flatnonzero(buf == 44) if (tagged | (first == 36)).any() else np.zeros(0, dtype=np.int64)

    # tag blocks of s:, c: and g: fields, with their checksum; anything else goes to the line parser
    body, tag_time, src_start, src_len, group = tag_blocks(buf, commas, starts, end, ok)

    body_c = np.minimum(body, size)
    star = next_at(stars, body_c)
    has_star = star + 3 <= end
    star = np.where(has_star, star, body_c)
    declared = HEX[buf[star + 1]] * 16 + HEX[buf[star + 2]]
    computed = span_reduce(np.bitwise_xor, buf, body_c + 1, np.maximum(star, body_c + 1))
    sum_ok = ok & has_star & (HEX[buf[star + 1]] >= 0) & (HEX[buf[star + 2]] >= 0) & (declared == computed)
    # commas of each sentence (between its start and the checksum), counted in bytes: a
    # sentence of 256 bytes or more gets -1 and goes to the line parser
    ncomma = span_reduce(np.add, (buf == 44).view(np.uint8), body_c, star).astype(np.int64)
    ncomma[star - body_c >= 256] = -1

    # VDM/VDO sentences (seven fields): single-part, fragments, and those with an empty payload.
    # Every field but the payload has a fixed width or one of two: its commas are found by offset.
    cand = np.flatnonzero(sum_ok & (buf[body_c] == 33) & (ncomma == 6))
    fast = np.zeros(lines, dtype=bool)
    fill = np.zeros(lines, dtype=np.int64)
    pay_start = np.zeros(lines, dtype=np.int64)
    pay_len = np.zeros(lines, dtype=np.int64)
    tail_time = np.full(lines, np.nan)
    fragments = np.zeros(0, dtype=np.int64)
    rejects: list[Reject] = []
    frag_cols: dict[str, I64] = {}
    skipped = np.zeros(lines, dtype=bool)
    if len(cand):
        b = body_c[cand]
        s = star[cand]
        hdr = sliding_window_view(buf, 13)[b]  # !xxVDM,c,n,s, (enough for the header and the id)
        good = (hdr[:, 6] == 44) & (hdr[:, 3] == 86) & (hdr[:, 4] == 68)  # ',' 'V' 'D'
        good &= (hdr[:, 5] == 77) | (hdr[:, 5] == 79)  # M or O
        count = hdr[:, 7].astype(np.int64) - 48
        number = hdr[:, 9].astype(np.int64) - 48
        good &= (hdr[:, 8] == 44) & (hdr[:, 10] == 44) & (count >= 1) & (count <= 9)
        good &= (number >= 1) & (number <= count)
        seq_c = hdr[:, 11].astype(np.int64)
        seq_one = (seq_c >= 48) & (seq_c <= 57) & (hdr[:, 12] == 44)
        good &= (seq_c == 44) | seq_one
        c3 = b + 11 + seq_one
        ch_one = buf[c3 + 1] != 44
        good &= ~ch_one | (buf[c3 + 2] == 44)  # a channel of one character at most
        c4 = c3 + 1 + ch_one
        c5 = s - 2  # the fill bits: one character before the checksum
        good &= (buf[c5] == 44) & (c5 > c4)
        no_payload = good & (c5 == c4 + 1)
        empties = cand[no_payload]  # the line parser's verdict, whatever the fill bits
        if len(empties):
            why = RejectReason.EMPTY_PAYLOAD
            rejects += [
                Reject(first_lineno + i, why, data[a:b], "empty payload")
                for i, a, b in zip(
                    empties.tolist(), starts[empties].tolist(), end[empties].tolist(), strict=True
                )
            ]
        skipped[cand[no_payload]] = True
        fc = buf[s - 1].astype(np.int64)
        good &= ~no_payload & (fc >= 48) & (fc <= 53)
        single = good & (count == 1)
        frag = good & (count > 1)
        gi = cand[single]
        fast[gi] = True
        pay_start[gi] = c4[single] + 1
        pay_len[gi] = c5[single] - c4[single] - 1
        fill[gi] = fc[single] - 48
        fragments = cand[frag]
        frag_cols = {
            "pay_start": c4[frag] + 1,
            "pay_len": c5[frag] - c4[frag] - 1,
            "fill": fc[frag] - 48,
            "count": count[frag],
            "number": number[frag],
            "seq": np.where(seq_one[frag], seq_c[frag] - 48, NO_SEQ),
            "channel": np.where(ch_one[frag], buf[c3[frag] + 1], 0).astype(np.int64),
            "talker": hdr[frag, 1].astype(np.int64) * 256 + hdr[frag, 2],
            "formatter": hdr[frag, 5].astype(np.int64),
        }
        gi = cand[good]
        # a 10-digit Unix time as the last vendor field after the checksum: the line's last ten
        # bytes, after a comma of the vendor fields or right after the checksum
        e = end[gi]
        t0 = star[gi] + 3
        withtail = np.flatnonzero(e - t0 >= 10)
        if len(withtail):
            e, t0, gt = e[withtail], t0[withtail], gi[withtail]
            f0 = e - 10
            value, vok = uint_fields(buf, f0, e, 10)
            vok &= (f0 == t0) | (buf[f0 - 1] == 44)
            vok &= (value >= _TIME_MIN) & (value <= _TIME_MAX)
            tail_time[gt[vok]] = value[vok].astype(np.float64)

    # $PGHP,1 times (untagged)
    pghp = np.zeros(lines, dtype=bool)
    pghp_time = np.full(lines, np.nan)
    cand = np.flatnonzero(sum_ok & ~tagged & (ncomma >= 8) & (buf[body_c] == 36))
    if len(cand):
        b = body_c[cand]
        good = (sliding_window_view(buf, 6)[b] == _PGHP).all(axis=1)
        k0 = np.searchsorted(commas, b)
        p = commas[np.minimum(k0[:, None] + np.arange(9), len(commas) - 1)]
        p[:, 8] = np.where(ncomma[cand] >= 9, p[:, 8], star[cand])
        good &= (p[:, 1] == p[:, 0] + 2) & (buf[p[:, 0] + 1] == 49)
        widths = (4, 2, 2, 2, 2, 2, 3)
        vals = []
        for j, w in enumerate(widths):
            v, vok = uint_fields(buf, p[:, j + 1] + 1, p[:, j + 2], w)
            good &= vok
            vals.append(v)
        y, mo, d, h, mi, sec, ms = vals
        good &= (y >= 1) & (mo >= 1) & (mo <= 12) & (d >= 1) & (d <= 31) & (h < 24) & (mi < 60) & (sec < 61)
        days = days_from_civil(y, np.clip(mo, 1, 12), d)
        t = (((days * 24 + h) * 60 + mi) * 60 + sec).astype(np.float64) + ms / 1000.0
        pghp[cand[good]] = True
        pghp_time[cand[good]] = t[good]

    # everything else, line by line
    kind = np.zeros(lines, dtype=np.int8)  # 0 nothing, 1 sentence, 2 $PGHP
    kind[fast] = 1
    kind[fragments] = 1
    kind[pghp] = 2
    own = np.where(np.isnan(tag_time), tail_time, tag_time)
    event_time = np.where(pghp, pghp_time, own)
    skip = empty.copy()
    parsed: dict[int, Sentence] = {}
    rest = ~fast & ~pghp & ~empty & ~skipped
    rest[fragments] = False
    for i in np.flatnonzero(rest).tolist():
        item = _parse_one(data[starts[i] : raw_end[i]], first_lineno + i)
        if item is None:
            skip[i] = True
        elif type(item) is Sentence:
            kind[i] = 1
            event_time[i] = np.nan if item.time_s is None else item.time_s
            own[i] = event_time[i]
            parsed[i] = item
        elif type(item) is PghpTime:
            kind[i] = 2
            event_time[i] = item.time_s
        else:
            assert isinstance(item, Reject)
            if item.reason is RejectReason.LINE_TOO_LONG:
                skip[i] = True
            rejects.append(item)

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
    singles: list[tuple[int, Sentence, float | None]] = []
    slow_frags: list[int] = []
    for i, item in parsed.items():
        if item.count == 1:
            t = event_time[i]
            singles.append((first_lineno + i, item, None if np.isnan(t) else float(t)))
        else:
            slow_frags.append(i)
    first_check = -(-first_lineno // _CHECK_EVERY) * _CHECK_EVERY
    checks = np.arange(first_check, first_lineno + lines, _CHECK_EVERY)
    checkpoints = checks[~skip[checks - first_lineno]].tolist()
    fi = np.flatnonzero(fast)
    frags = _fragments(
        data, first_lineno, fragments, frag_cols, slow_frags, parsed, starts, end, src_start, src_len, group
    )
    frags.own_time = own[frags.lineno - first_lineno].astype(np.float64)
    frags.time = event_time[frags.lineno - first_lineno].astype(np.float64)
    scan = BlockScan(
        lines=lines,
        first_lineno=first_lineno,
        singles=singles,
        fragments=frags,
        rejects=rejects,
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


def _fragments(
    data: bytes,
    first_lineno: int,
    rows: I64,
    cols: dict[str, I64],
    slow: list[int],
    parsed: dict[int, Sentence],
    starts: I64,
    end: I64,
    src_start: I64,
    src_len: I64,
    group: I64,
) -> Fragments:
    """The block's fragments, those scanned here and those the line parser read, in line order."""
    if not len(rows) and not slow:
        return empty_fragments(data)
    if not cols:
        cols = {k: np.zeros(0, dtype=np.int64) for k in _FRAG_INT}
    if slow:
        extra = [parsed[i] for i in slow]
        # the parser's fragments: the payload is the sentence's sixth field (after a tag block)
        pay_start = []
        for i in slow:
            line = data[starts[i] : end[i]]
            k = line.index(b"\\", 1) if line[:1] == b"\\" else 0
            for _ in range(5):
                k = line.index(b",", k + 1)
            pay_start.append(int(starts[i]) + k + 1)
        add = {
            "pay_start": np.array(pay_start, dtype=np.int64),
            "pay_len": np.array([len(s.payload) for s in extra], dtype=np.int64),
            "fill": np.array([s.fill_bits for s in extra], dtype=np.int64),
            "count": np.array([s.count for s in extra], dtype=np.int64),
            "number": np.array([s.number for s in extra], dtype=np.int64),
            "seq": np.array([NO_SEQ if s.seq_id is None else s.seq_id for s in extra], dtype=np.int64),
            "channel": np.array(
                [(ord(s.channel) if s.channel else 0) if len(s.channel) <= 1 else -1 for s in extra],
                dtype=np.int64,
            ),
            "talker": np.array([int.from_bytes(s.talker.encode(), "big") for s in extra], dtype=np.int64),
            "formatter": np.array([ord(s.formatter[2]) for s in extra], dtype=np.int64),
        }
        cols = {k: np.concatenate([cols[k], add[k]]) for k in _FRAG_INT}
        rows = np.concatenate([rows, np.array(slow, dtype=np.int64)])
    order = np.argsort(rows, kind="stable")
    rows = rows[order]
    cols = {k: v[order] for k, v in cols.items()}
    index = dict(zip(slow, np.searchsorted(rows, slow).tolist(), strict=True))
    group = group[rows]
    for i in slow:
        g = parsed[i].group
        group[index[i]] = g if g is not None else (-1, -1, -1)
    return Fragments(
        data=data,
        lineno=rows + first_lineno,
        line_start=starts[rows],
        line_end=end[rows],
        src_start=src_start[rows],
        src_len=src_len[rows],
        group=group,
        own_time=np.zeros(0),
        time=np.zeros(0),
        parsed={index[i]: parsed[i] for i in slow},
        **cols,
    )


_FRAG_INT = ("pay_start", "pay_len", "fill", "count", "number", "seq", "channel", "talker", "formatter")


def empty_fragments(data: bytes = b"") -> Fragments:
    """No fragment."""
    z = np.zeros(0, dtype=np.int64)
    f = np.zeros(0, dtype=np.float64)
    return Fragments(data, z, z, z, z, z, z, z, z, z, z, z, z, z, z, np.zeros((0, 3), np.int64), f, f)


def _empty_scan(data: bytes, first_lineno: int) -> BlockScan:
    z = np.zeros(0, dtype=np.int64)
    f = np.zeros(0)
    return BlockScan(
        0, first_lineno, [], empty_fragments(data), [], [], None, None, False, z, z, z, z, z, z, f, z, z
    )
