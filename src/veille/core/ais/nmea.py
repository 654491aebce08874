"""NMEA 0183 sentence level: checksums, IEC 62320-1 tag blocks, ``!xxVDM/VDO`` and ``$PGHP``.

One line of a feed becomes one :class:`Sentence` (an AIS fragment), one :class:`PghpTime`
(a Gatehouse timestamp for the next sentence), ``None`` (blank line or ``#`` comment) or one
:class:`Reject` carrying its line number and a stable :class:`RejectReason`. Nothing here raises
on bad input.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache, reduce
from operator import xor

__all__ = [
    "Parsed",
    "PghpTime",
    "Reject",
    "RejectReason",
    "Sentence",
    "TagBlock",
    "nmea_checksum",
    "parse_line",
]


class RejectReason(StrEnum):
    """Why a line or a message was not used. The values are stable keys for counting."""

    NON_ASCII = "non_ascii"
    MALFORMED = "malformed"
    TRUNCATED = "truncated"
    NO_CHECKSUM = "no_checksum"
    CHECKSUM = "checksum"
    BAD_TAG_BLOCK = "bad_tag_block"
    NOT_AIS = "not_ais"
    BAD_FRAGMENT = "bad_fragment"
    EMPTY_PAYLOAD = "empty_payload"
    BAD_PAYLOAD = "bad_payload"
    BAD_FILL = "bad_fill"
    ORPHAN_FRAGMENT = "orphan_fragment"
    INCOMPLETE = "incomplete_multipart"
    TOO_SHORT = "too_short"
    UNKNOWN_TYPE = "unknown_type"
    BAD_FIELD = "bad_field"
    LINE_TOO_LONG = "line_too_long"
    UNTERMINATED_QUOTE = "unterminated_quote"


@dataclass(frozen=True, slots=True)
class Reject:
    """A line that was not used, with its 1-based line number, the reason and the raw bytes.

    >>> Reject(3, RejectReason.CHECKSUM, b"!AIVDM,...", "declared 2B, computed 2C").reason.value
    'checksum'
    """

    lineno: int
    reason: RejectReason
    line: bytes
    detail: str = ""


@dataclass(frozen=True, slots=True)
class TagBlock:
    """IEC 62320-1 tag block fields: ``s:`` source, ``c:`` Unix time, ``g:`` group, others verbatim.

    >>> parse_tag_block(b"s:rORBCOMM008,c:1418169601*20").source
    'rORBCOMM008'
    """

    source: str | None = None
    time_s: float | None = None
    group: tuple[int, int, int] | None = None
    other: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Sentence:
    """One ``!--VDM``/``!--VDO`` sentence: a fragment ``number`` of ``count`` of one message.

    ``time_s`` is the receive time in Unix seconds when the line carries one (tag block ``c:``,
    or a trailing Unix time among vendor fields after the checksum).
    """

    lineno: int
    line: bytes
    talker: str
    formatter: str
    count: int
    number: int
    seq_id: int | None
    channel: str
    payload: bytes
    fill_bits: int
    source: str | None = None
    time_s: float | None = None
    group: tuple[int, int, int] | None = None


@dataclass(frozen=True, slots=True)
class PghpTime:
    """A Gatehouse ``$PGHP,1`` sentence: the UTC receive time of the sentence that follows.

    >>> parse_line(b"$PGHP,1,2010,6,11,11,46,11,390,231,45,992190934,1,2B*5B", 1).time_s
    1276256771.39
    """

    lineno: int
    time_s: float


Parsed = Sentence | PghpTime | Reject | None


def nmea_checksum(data: bytes) -> int:
    """XOR of the bytes between the start delimiter and ``*`` (pass exactly those bytes).

    >>> f"{nmea_checksum(b'AIVDM,1,1,,B,402=481uaUcf;OQ55JS9ITi025Jp,0'):02X}"
    '2B'
    """
    return reduce(xor, data, 0)


_CHECKSUM_END = re.compile(rb"\*[0-9A-Fa-f]{2}(,|$)")
_HEX = {f"{i:02X}".encode(): i for i in range(256)} | {f"{i:02x}".encode(): i for i in range(256)}
_TIME_TAIL_MIN, _TIME_TAIL_MAX = 315_532_800, 4_102_444_800  # 1980 .. 2100


@lru_cache(maxsize=4096)  # consecutive lines of a feed often share their tag block
def parse_tag_block(tag: bytes) -> TagBlock | None:
    """Parse the text between the two backslashes; ``None`` if the syntax or its checksum is wrong.

    ``c:`` above 10^11 is read as milliseconds (some networks send them).

    >>> tb = parse_tag_block(b"g:1-2-1604,s:rORBCOMM008,c:1418169601,T:2014-12-10 00.00.01*37")
    >>> (tb.group, tb.time_s, tb.other)
    ((1, 2, 1604), 1418169601.0, (('T', '2014-12-10 00.00.01'),))
    >>> parse_tag_block(b"s:r1,c:123*00") is None
    True
    """
    star = tag.rfind(b"*")
    if star >= 0:
        declared = _HEX.get(tag[star + 1 : star + 3])
        if declared is None or declared != nmea_checksum(tag[:star]) or len(tag) != star + 3:
            return None
        tag = tag[:star]
    source = None
    time_s = None
    group = None
    other: list[tuple[str, str]] = []
    for item in tag.split(b","):
        key, sep, value = item.partition(b":")
        if not sep:
            return None
        text = value.decode("ascii", "replace")
        try:
            if key == b"s":
                source = text
            elif key == b"c":
                t = float(text)
                time_s = t / 1000.0 if t > 1e11 else t
            elif key == b"g":
                a, b, c = (int(x) for x in text.split("-"))
                group = (a, b, c)
            else:
                other.append((key.decode("ascii", "replace"), text))
        except ValueError:
            return None
    return TagBlock(source, time_s, group, tuple(other))


def _tail_time(tail: bytes) -> float | None:
    """Receiver time among vendor fields after the checksum (USCG/NAIS: last field, Unix seconds)."""
    last = tail.rsplit(b",", 1)[-1]
    if last.isdigit() and len(last) == 10:
        t = int(last)
        if _TIME_TAIL_MIN <= t <= _TIME_TAIL_MAX:
            return float(t)
    return None


def _pghp(fields: list[bytes], lineno: int, line: bytes) -> PghpTime | Reject:
    # $PGHP,1,yyyy,mm,dd,hh,mm,ss,ms,country,region,pss,online,cc  (type 1 = timestamp)
    if len(fields) < 9 or fields[1] != b"1":
        return Reject(lineno, RejectReason.NOT_AIS, line, "PGHP sentence other than type 1")
    try:
        y, mo, d, h, mi, s, ms = (int(x) for x in fields[2:9])
        if not (1 <= mo <= 12 and 1 <= d <= 31 and h < 24 and mi < 60 and s < 61 and 0 <= ms < 1000):
            raise ValueError("out of range")
        t = calendar.timegm((y, mo, d, h, mi, s, 0, 0, 0)) + ms / 1000.0
    except (ValueError, OverflowError):
        return Reject(lineno, RejectReason.MALFORMED, line, "PGHP timestamp unreadable")
    return PghpTime(lineno, t)


def parse_line(line: bytes, lineno: int, computed: int | None = None) -> Parsed:
    """Parse one line (without its end of line). ``computed`` is the body's checksum when a caller
    has already computed it for a whole batch (see :func:`veille.core.ais.reader.batch_checksums`).

    >>> s = parse_line(b"!BSVDM,1,1,,A,13:WB@0vC2PmgjpP`WO=DbdF0<0U,0*5D", 7)
    >>> (s.talker, s.channel, s.payload, s.lineno)
    ('BS', 'A', b'13:WB@0vC2PmgjpP`WO=DbdF0<0U', 7)
    >>> parse_line(b"!AIVDM,1,1,,B,,0*24", 8).reason.value
    'checksum'
    """
    line = line.rstrip(b"\r\n \t")
    if not line or line[:1] == b"#":
        return None
    if not line.isascii():
        return Reject(lineno, RejectReason.NON_ASCII, line, "byte outside ASCII")
    tag = None
    body = line
    if line[:1] == b"\\":
        end = line.find(b"\\", 1)
        if end < 0:
            return Reject(lineno, RejectReason.BAD_TAG_BLOCK, line, "tag block not closed")
        tag = parse_tag_block(line[1:end])
        if tag is None:
            return Reject(lineno, RejectReason.BAD_TAG_BLOCK, line, "tag block syntax or checksum")
        body = line[end + 1 :]
    start = body[:1]
    if start not in (b"!", b"$"):
        # a line that lost its beginning (split reads, truncated captures) still shows the formatter
        cut = b"VDM," in body[:12] or b"VDO," in body[:12] or b"!" in body or _CHECKSUM_END.search(body)
        reason = RejectReason.TRUNCATED if cut else RejectReason.MALFORMED
        return Reject(lineno, reason, line, "no sentence start delimiter at the beginning")
    star = body.find(b"*")
    if star < 0:
        return Reject(lineno, RejectReason.TRUNCATED, line, "line ends before the checksum")
    declared = _HEX.get(body[star + 1 : star + 3])
    if declared is None:
        return Reject(lineno, RejectReason.NO_CHECKSUM, line, "checksum is not two hex digits")
    if computed is None:
        computed = nmea_checksum(body[1:star])
    if computed != declared:
        return Reject(
            lineno, RejectReason.CHECKSUM, line, f"declared {declared:02X}, computed {computed:02X}"
        )
    fields = body[1:star].split(b",")
    head = fields[0]
    if start == b"$":
        if head == b"PGHP":
            return _pghp(fields, lineno, line)
        return Reject(lineno, RejectReason.NOT_AIS, line, f"{head.decode()} sentence")
    if len(head) != 5 or head[2:] not in (b"VDM", b"VDO"):
        return Reject(lineno, RejectReason.NOT_AIS, line, f"{head.decode()} sentence")
    if len(fields) != 7:
        return Reject(lineno, RejectReason.TRUNCATED, line, f"{len(fields)} fields, 7 expected")
    _, f_count, f_number, f_seq, f_channel, payload, f_fill = fields
    if not (f_count.isdigit() and f_number.isdigit() and len(f_count) == 1 and len(f_number) == 1):
        return Reject(lineno, RejectReason.BAD_FRAGMENT, line, "fragment count/number not single digits")
    count, number = int(f_count), int(f_number)
    if not 1 <= number <= count:
        return Reject(lineno, RejectReason.BAD_FRAGMENT, line, f"fragment {number} of {count}")
    if f_seq and not f_seq.isdigit():
        return Reject(lineno, RejectReason.BAD_FRAGMENT, line, "sequential message id not a digit")
    if not payload:
        return Reject(lineno, RejectReason.EMPTY_PAYLOAD, line, "empty payload")
    if not (len(f_fill) == 1 and f_fill.isdigit() and int(f_fill) <= 5):
        return Reject(lineno, RejectReason.BAD_FILL, line, "fill bits not 0-5")
    tail = body[star + 3 :]
    time_s = _tail_time(tail) if tail else None
    source = group = None
    if tag is not None:
        source, group = tag.source, tag.group
        if tag.time_s is not None:
            time_s = tag.time_s
    return Sentence(
        lineno,
        line,
        head[:2].decode(),
        head[2:].decode(),
        count,
        number,
        int(f_seq) if f_seq else None,
        f_channel.decode(),
        payload,
        int(f_fill),
        source,
        time_s,
        group,
    )
