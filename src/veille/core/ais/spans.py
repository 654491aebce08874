"""Byte spans of a block of NMEA lines, read with NumPy for every line at once: decimal fields,
reductions over spans (checksums, counts), dates, strings, and IEC 62320-1 tag blocks of ``s:``,
``c:`` and ``g:`` fields (see :mod:`veille.core.ais.scan`)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyarrow as pa
from numpy.lib.stride_tricks import sliding_window_view

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
U8 = npt.NDArray[np.uint8]
PAD = 80  # bytes after a block's last line: room for fixed-width windows past any payload
HEX = np.full(256, -1, dtype=np.int64)
for _i, _c in enumerate(b"0123456789ABCDEF"):
    HEX[_c] = _i
for _i, _c in enumerate(b"abcdef"):
    HEX[_c] = 10 + _i
FAR = 1 << 40  # "not found" for a position; far past any block, and safe to add to
_POW10 = 10 ** np.arange(19, dtype=np.int64)


def distinct(values: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The distinct values, sorted: :func:`numpy.unique` for integers, without what it costs on its
    first call (it imports ``numpy.ma``: tens of milliseconds at each start of a short command).

    >>> distinct(np.array([3, 1, 3, 2, 1])).tolist(), distinct(np.array([], dtype=np.int64)).tolist()
    ([1, 2, 3], [])
    """
    ordered = np.sort(values)
    if len(ordered) < 2:
        return ordered
    keep = np.empty(len(ordered), dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def uint_fields(buf: U8, start: I64, end: I64, max_width: int) -> tuple[I64, npt.NDArray[np.bool_]]:
    """Decimal value of ``buf[start:end]`` per row; ok where 1..max_width digits and nothing else.

    >>> buf = np.frombuffer(b"12,x7,0042" + b"0" * 16, dtype=np.uint8)
    >>> v, ok = uint_fields(buf, np.array([0, 3, 6]), np.array([2, 5, 10]), 4)
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


def span_reduce(ufunc: np.ufunc, values: np.ndarray, a: I64, b: I64) -> np.ndarray:
    """``ufunc.reduce(values[a[i]:b[i]])`` for every row (0 where the span is empty), in one
    ``reduceat`` over the buffer; spans must not overlap and come in order (``a[i] <= b[i] <=
    a[i + 1]``).

    >>> v = np.frombuffer(b"abcdefghi", dtype=np.uint8)
    >>> span_reduce(np.bitwise_xor, v, np.array([0, 3, 5]), np.array([2, 3, 8])).tolist()
    [3, 0, 105]
    """
    if not len(a):
        return np.zeros(0, dtype=values.dtype)
    idx = np.empty(2 * len(a), dtype=np.int64)
    idx[0::2] = a
    idx[1::2] = b
    out = ufunc.reduceat(values, idx, dtype=values.dtype)[0::2]  # no widening: a byte each
    out[b <= a] = 0
    return out


def next_at(pos: I64, after: I64) -> I64:
    """The first of ``pos`` (sorted positions of one byte) at or after each of ``after``."""
    if len(pos) == 0:
        return np.full(len(after), FAR, dtype=np.int64)
    k = np.searchsorted(pos, after)
    return np.where(k < len(pos), pos[np.minimum(k, len(pos) - 1)], FAR)


def days_from_civil(y: I64, m: I64, d: I64) -> I64:
    """Days since 1970-01-01 of a proleptic Gregorian date; ``d`` may run past the month's end,
    as in :func:`calendar.timegm`."""
    y = y - (m <= 2)
    era = y // 400
    yoe = y - era * 400
    doy = (153 * np.where(m > 2, m - 3, m + 9) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146_097 + doe - 719_468


def strings(buf: U8, start: I64, length: I64) -> pa.Array:
    """The byte spans as an Arrow string array (null where the span is empty), without Python loops.

    >>> strings(np.frombuffer(b"abcdef", dtype=np.uint8), np.array([1, 0]), np.array([2, 0])).to_pylist()
    ['bc', None]
    """
    offsets = np.zeros(len(start) + 1, dtype=np.int64)
    np.cumsum(length, out=offsets[1:])
    idx = np.repeat(start - offsets[:-1], length) + np.arange(offsets[-1])
    null = length == 0
    bitmap = pa.py_buffer(np.packbits(~null, bitorder="little")) if null.any() else None
    return pa.LargeStringArray.from_buffers(
        len(start), pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(buf[idx])), bitmap
    )


def block_buffer(data: bytes) -> U8:
    """The block as a NumPy buffer: a final line end, then :data:`PAD` bytes, to a multiple of 8."""
    size = len(data)
    return np.frombuffer(data + b"\n" + b"0" * (PAD + (-(size + 1 + PAD) % 8)), dtype=np.uint8)


def tag_blocks(
    buf: U8, commas: I64, starts: I64, end: I64, ok: npt.NDArray[np.bool_]
) -> tuple[I64, F64, I64, I64, I64]:
    """Tag blocks of ``s:``, ``c:`` and ``g:`` fields with a good checksum, on the lines that
    start with a backslash: where each line's sentence starts, its time, source span and group.
    Other lines keep their start; a tag block of other fields, or a bad one, clears ``ok``."""
    lines = len(starts)
    body = starts.copy()
    tag_time = np.full(lines, np.nan)
    src_start = np.zeros(lines, dtype=np.int64)
    src_len = np.zeros(lines, dtype=np.int64)
    group = np.full((lines, 3), -1, dtype=np.int64)
    ti = np.flatnonzero((buf[starts] == 92) & ok)
    if not len(ti):
        return body, tag_time, src_start, src_len, group
    ts, te = starts[ti] + 1, end[ti]
    close = next_at(np.flatnonzero(buf == 92), ts)
    good = close < te
    close = np.where(good, close, ts + 3)
    cstar = close - 3
    good &= (cstar >= ts) & (buf[cstar] == 42) & (HEX[buf[close - 2]] >= 0) & (HEX[buf[close - 1]] >= 0)
    declared = HEX[buf[close - 2]] * 16 + HEX[buf[close - 1]]
    good &= declared == span_reduce(np.bitwise_xor, buf, ts, np.maximum(cstar, ts))
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
        value, vok = uint_fields(buf, f0[rows] + 2, f1[rows], 13)
        good[rows] &= vok
        t[rows] = np.where(value > 1e11, value / 1000.0, value.astype(np.float64))
        rows = np.flatnonzero(is_g)
        if len(rows):  # g:sentence-sentences-group id
            g0, g1 = f0[rows] + 2, f1[rows]
            d0 = next_at(dashes, g0)
            d1 = next_at(dashes, d0 + 1)
            d2 = next_at(dashes, d1 + 1)
            gok = (d1 < g1) & (d2 >= g1)
            d0, d1 = np.minimum(d0, g1), np.minimum(d1, g1)
            for k, (lo, hi) in enumerate(((g0, d0), (d0 + 1, d1), (d1 + 1, g1))):
                v, vok = uint_fields(buf, lo, hi, 9)
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
    return body, tag_time, src_start, src_len, group


__all__ = [
    "block_buffer",
    "days_from_civil",
    "distinct",
    "next_at",
    "span_reduce",
    "strings",
    "tag_blocks",
    "uint_fields",
]
