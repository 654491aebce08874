"""Vectorised decoding of whole batches of AIS payloads into columns, from the same declarations
as the per-message decoder (:func:`veille.core.ais.fields.compile_decoder`).

A batch of payloads becomes a bit matrix (:class:`BitRows`: one row per message, the payload's
bits with the fill bits and everything past the payload's end zeroed, as the per-message decoder
reads them); each declared field is then one gather and shift for all rows at once. 6-bit text
is mapped through the text alphabet and stripped of trailing ``@`` and spaces without a Python
loop. :func:`check_payloads` decides, for every message, what :func:`decode_payload` would say
(decodable, or its reject reason), so that only rejected messages ever go through the
per-message decoder (for the words of their reason).

Columns come back as Arrow arrays, null where the record holds ``None``; :func:`records` turns
them back into the typed records (for comparisons and for callers that want records).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from .armor import ARMOR, SIXBIT_TEXT
from .fields import Bits, layout, min_bits

U8 = npt.NDArray[np.uint8]
I64 = npt.NDArray[np.int64]

#: 6-bit value of every byte, 255 outside the armouring alphabet.
LUT = np.full(256, 255, dtype=np.uint8)
LUT[np.frombuffer(ARMOR, dtype=np.uint8)] = np.arange(64, dtype=np.uint8)
_TEXT = np.frombuffer(SIXBIT_TEXT.encode("ascii"), dtype=np.uint8)

# reasons, as codes: 0 decodable
OK, BAD_PAYLOAD, TOO_SHORT, UNKNOWN_TYPE, BAD_FIELD = 0, 1, 2, 3, 4
REASONS = {
    BAD_PAYLOAD: "bad_payload",
    TOO_SHORT: "too_short",
    UNKNOWN_TYPE: "unknown_type",
    BAD_FIELD: "bad_field",
}


def min_bits_by_type() -> I64:
    """The fewest bits each message type's payload may have (-1: no such type), from the record
    classes of the per-message decoder; :data:`MIN_BITS` is this table written out, so that a
    command decoding whole batches starts without building those classes (a test checks both
    agree)."""
    from .decode import MESSAGE_CLASSES

    table = np.full(64, -1, dtype=np.int64)  # -1: no such message type
    for cls in MESSAGE_CLASSES:
        for t in cls.TYPES:
            table[t] = max(table[t], min_bits(cls))
    table[24] = 40  # the part number decides between A and B (check_payloads)
    return table


#: message type -> fewest bits of its payload (:func:`min_bits_by_type`, written out)
MIN_BITS_BY_TYPE = {
    1: 168, 2: 168, 3: 168, 4: 168, 5: 422, 6: 88, 7: 72, 8: 56, 9: 168, 10: 70, 11: 168, 12: 71,
    13: 72, 14: 38, 15: 88, 16: 92, 17: 75, 18: 168, 19: 308, 20: 70, 21: 271, 22: 145, 23: 154,
    24: 40, 25: 40, 26: 40, 27: 95,
}  # fmt: skip
_MIN_BITS = np.full(64, -1, dtype=np.int64)
_MIN_BITS[list(MIN_BITS_BY_TYPE)] = list(MIN_BITS_BY_TYPE.values())


def check_payloads(msg_type: I64, nbits: I64, bad: npt.NDArray[np.bool_], bit38: I64, bit39: I64) -> I64:
    """What :func:`veille.core.ais.decode.decode_payload` says of each message, as a code:
    :data:`OK` or a reason of :data:`REASONS`. ``bad``: a character outside the armouring
    alphabet; ``bit38``/``bit39``: the payload's bits 38 and 39 (type 24's part number, types
    25 and 26's addressed and structured flags), read only where the payload has them.

    >>> check_payloads(np.array([1, 1, 0, 24, 24]), np.array([168, 100, 168, 168, 168]),
    ...     np.array([False, False, False, False, False]), np.array([0, 0, 0, 0, 1]),
    ...     np.array([0, 0, 0, 1, 0])).tolist()
    [0, 2, 3, 0, 4]
    """
    need = _MIN_BITS[msg_type & 63]
    code = np.where(need < 0, UNKNOWN_TYPE, np.where(nbits < need, TOO_SHORT, OK))
    code = np.where(nbits < 38, TOO_SHORT, code)
    t24 = (msg_type == 24) & (code == OK)
    if t24.any():  # part A (0) needs 160 bits, part B (1) 162, parts 2 and 3 do not exist
        part = bit38 * 2 + bit39
        code = np.where(t24 & (part >= 2), BAD_FIELD, code)
        code = np.where(t24 & (part == 0) & (nbits < 160), TOO_SHORT, code)
        code = np.where(t24 & (part == 1) & (nbits < 162), TOO_SHORT, code)
    t2526 = ((msg_type == 25) | (msg_type == 26)) & (code == OK)
    if t2526.any():  # the data must hold the communication state (26), the address, the app id
        width = nbits - 40
        short = (msg_type == 26) & (width < 20)
        width = np.where(msg_type == 26, width - 20, width)
        short |= (bit38 == 1) & (width < 30)
        width = np.where(bit38 == 1, width - 30, width)
        short |= (bit39 == 1) & (width < 16)
        code = np.where(t2526 & short, TOO_SHORT, code)
    return np.where(bad, BAD_PAYLOAD, code)


def payload_checks(buf: U8, starts: I64, lens: I64, skip: int = 0) -> npt.NDArray[np.bool_]:
    """Whether each payload ``buf[starts : starts + lens]`` holds a character outside the
    armouring alphabet past its first ``skip`` characters (read 64 characters at a time; ``buf``
    must extend 64 bytes past the last payload).

    >>> buf = np.frombuffer(b"15RT!gt0PA" + b"0" * 64, dtype=np.uint8)
    >>> payload_checks(buf, np.array([0, 5]), np.array([5, 5])).tolist()
    [True, False]
    """
    from numpy.lib.stride_tricks import sliding_window_view

    bad = np.zeros(len(starts), dtype=bool)
    rows = np.flatnonzero(lens > skip)
    off = skip
    window = sliding_window_view(buf, 64)
    while len(rows):
        chars = LUT[window[starts[rows] + off]]
        inside = np.arange(64) < (lens[rows] - off)[:, None]
        bad[rows] |= ((chars == 255) & inside).any(axis=1)
        off += 64
        rows = rows[lens[rows] > off]
    return bad


@dataclass
class BitRows:
    """The payloads of a batch as a matrix of 6-bit values: row ``i`` holds payload ``i``'s first
    ``width`` characters, every bit at or past ``nbits[i]`` zero (fill bits, short payloads).
    A field is read from the characters it spans: no per-bit matrix.

    >>> buf = np.frombuffer(b"15RTgt0PAso;90TKcjM8h6g208CQ" + b"0" * 28, dtype=np.uint8)
    >>> rows = BitRows.build(buf, np.array([0]), np.array([28]), np.array([0]), 28)
    >>> rows.uint(8, 30).tolist(), rows.nbits.tolist()
    ([371798000], [168])
    """

    six: U8  # (n, width + 2): 6-bit values, then two zero columns
    nbits: I64

    @staticmethod
    def build(buf: U8, starts: I64, lens: I64, fill: I64, width: int) -> BitRows:
        """Rows of the payloads ``buf[starts[i] : starts[i] + lens[i]]`` (``buf`` must extend
        ``width`` bytes past the last payload); characters outside the alphabet read as 0."""
        from numpy.lib.stride_tricks import sliding_window_view

        n = len(starts)
        six = np.zeros((n, width + 2), dtype=np.uint8)
        v6 = six[:, :width]
        v6[:] = LUT[sliding_window_view(buf, width)[starts]]
        nbits = (6 * lens - fill).astype(np.int64)
        # zero every bit at or past nbits: whole characters, then the low bits of the one cut
        col = np.arange(width)
        cut, keep = np.divmod(nbits, 6)
        v6[(col >= cut[:, None]) | (v6 == 255)] = 0
        rows = np.flatnonzero((keep > 0) & (cut < width))
        if len(rows):
            mask = (0x3F << (6 - keep[rows])) & 0x3F
            v6[rows, cut[rows]] = LUT[buf[starts[rows] + cut[rows]]] & mask.astype(np.uint8)
        return BitRows(six, nbits)

    def __len__(self) -> int:
        return len(self.nbits)

    def uint(self, start: int, width: int) -> I64:
        """Bits ``[start, start + width)`` of every row as an unsigned integer (width <= 52)."""
        first, last = start // 6, (start + width - 1) // 6
        value = np.zeros(len(self), dtype=np.uint64)
        for c in range(first, last + 1):
            value = (value << np.uint64(6)) | self.six[:, c]
        shift = 6 * (last + 1) - (start + width)
        return ((value >> np.uint64(shift)) & np.uint64((1 << width) - 1)).astype(np.int64)

    def text(self, start: int, nchars: int) -> pa.Array:
        """``nchars`` 6-bit characters from bit ``start``, trailing ``@`` and spaces dropped (as
        :func:`veille.core.ais.armor.sixbit_text`)."""
        n = len(self)
        if nchars <= 0:
            return pa.array([""] * n, pa.large_string())
        q, r = divmod(start, 6)
        six = self.six
        values: U8 = six[:, q : q + nchars]
        if r:  # each character straddles two payload characters
            values = (((values << r) | (six[:, q + 1 : q + 1 + nchars] >> (6 - r))) & 63).astype(np.uint8)
        chars = _TEXT[values]
        keep = (chars != 64) & (chars != 32)
        length = np.where(keep.any(axis=1), nchars - np.argmax(keep[:, ::-1], axis=1), 0)
        offsets = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(length, out=offsets[1:])
        data = chars[np.arange(nchars) < length[:, None]]
        return pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data.tobytes()))


def _column(rows: BitRows, spec: Bits, start: int) -> pa.Array:
    if spec.kind == "t":
        values: pa.Array = rows.text(start, spec.width // 6)
        return values
    raw = rows.uint(start, spec.width)
    short = rows.nbits < start + spec.width if spec.optional else None
    if spec.kind == "b":
        return _arrow(raw.astype(np.bool_), short)
    if spec.kind == "i":
        half = 1 << (spec.width - 1)
        raw = (raw ^ half) - half
    null = None if spec.na is None else raw == spec.na
    if short is not None:
        null = short if null is None else null | short
    if spec.divisor != 1:
        return _arrow(raw / spec.divisor, null)
    return _arrow(raw, null)


def _arrow(values: np.ndarray, null: npt.NDArray[np.bool_] | None) -> pa.Array:
    from .fast import arrow_array

    return arrow_array(values, null)


def decode_columns(cls: type, rows: BitRows, only: frozenset[str] | None = None) -> dict[str, pa.Array]:
    """Every field of the record class ``cls`` for every row, as the per-message decoder would
    give it (rows must have at least ``min_bits(cls)`` bits; variable-length fields are not
    decoded here); with ``only``, just those fields.

    >>> from veille.core.ais.messages import StaticDataReportA
    >>> p = b"H42O55i18tMET00000000000000"
    >>> buf = np.frombuffer(p + b"0" * 28, dtype=np.uint8)
    >>> rows = BitRows.build(buf, np.array([0]), np.array([27]), np.array([2]), 28)
    >>> cols = decode_columns(StaticDataReportA, rows)
    >>> cols["mmsi"].to_pylist(), cols["name"].to_pylist()
    ([271041815], ['PROGUY'])
    """
    out = {}
    for name, spec, start in _layout(cls):
        if only is not None and name not in only:
            continue
        if spec.rest:
            raise ValueError(f"{cls.__name__}.{name} has a variable length: not decoded in columns")
        out[name] = _column(rows, spec, start)
    return out


_LAYOUTS: dict[type, list[tuple[str, Bits, int]]] = {}


def _layout(cls: type) -> list[tuple[str, Bits, int]]:
    got = _LAYOUTS.get(cls)
    if got is None:
        got = _LAYOUTS[cls] = layout(cls)
    return got


def records(cls: type, columns: dict[str, list[Any]], extra: dict[str, list[Any]] | None = None) -> list[Any]:
    """The typed records from columns given as lists (``Array.to_pylist()``): ``extra`` holds
    fields outside the bit layout (``mothership_mmsi``).

    >>> from veille.core.ais.messages import StaticDataReportA
    >>> records(StaticDataReportA, {"msg_type": [24], "repeat_indicator": [0], "mmsi": [1],
    ...     "part_number": [0], "name": ["X"]})
    [StaticDataReportA(msg_type=24, repeat_indicator=0, mmsi=1, part_number=0, name='X')]
    """
    names = [n for n, _, _ in _layout(cls)] + list(extra or {})
    both = {**columns, **(extra or {})}
    return [
        cls(**dict(zip(names, values, strict=True))) for values in zip(*(both[n] for n in names), strict=True)
    ]


__all__ = [
    "MIN_BITS_BY_TYPE",
    "BitRows",
    "check_payloads",
    "decode_columns",
    "min_bits_by_type",
    "payload_checks",
    "records",
]
