"""Hypothesis strategies of NMEA lines for fuzzing the AIS readers (the slow test beside this module
and ``bench/fuzz_nmea.py``, which reads a million lines).

An example is a batch: a few lines drawn by Hypothesis (sentences with odd fields, tag blocks,
``$PGHP`` times, bytes of every kind), plus a seed from which the batch is filled to its size with
mutations (bytes flipped, cut, doubled or dropped) of those lines and of real captured lines. Every
batch goes through each reader: the per-line parser, the line reader (multi-part groups) and the
bulk block decoder with its sequential part. A reader may reject a line, never raise or hang.
"""

from __future__ import annotations

import random
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache, reduce
from pathlib import Path

from hypothesis import strategies as st

from veille.core.ais.bulk import BulkReader, decode_block
from veille.core.ais.nmea import parse_line
from veille.core.ais.reader import AisReader

__all__ = ["Hang", "batch", "nmea_line", "read_everything", "time_limit"]

DATA = Path(__file__).resolve().parents[3] / "data" / "ais"
ARMOURED = "0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVW`abcdefghijklmnopqrstuvw"


@cache
def real_lines() -> list[bytes]:
    lines: list[bytes] = []
    for path in sorted(DATA.glob("*.*")):
        if path.suffix in (".nmea", ".aivdm"):
            lines += [x for x in path.read_bytes().splitlines() if x.strip()]
    return lines


def checksum(body: bytes) -> bytes:
    return b"%02X" % reduce(lambda a, b: a ^ b, body, 0)


_number = st.one_of(
    st.integers(-5, 12).map(str),
    st.sampled_from(["", "x", "99999999999999999999", "1e9", "-0", " 1", "nan", "\u0661"]),
)


@st.composite
def sentence(draw: st.DrawFn) -> bytes:
    talker = draw(st.sampled_from(["AI", "BS", "AB", "SA", "XX", ""]))
    kind = draw(st.sampled_from(["VDM", "VDO", "VDX", "ABM", ""]))
    payload = draw(
        st.one_of(
            st.text(ARMOURED, max_size=90),
            st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40),
        )
    )
    fields = [
        f"!{talker}{kind}",
        draw(_number),
        draw(_number),
        draw(st.sampled_from(["", "0", "9", "A", "123456"])),
        draw(st.sampled_from(["A", "B", "1", "2", "", "AB"])),
        payload,
        draw(_number),
    ]
    body = ",".join(fields).encode("ascii", "replace")
    if draw(st.booleans()):
        fields = fields[: draw(st.integers(0, len(fields)))]
        body = ",".join(fields).encode("ascii", "replace")
    good = draw(st.booleans())
    star = checksum(body[1:]) if good else draw(st.sampled_from([b"00", b"ZZ", b"", b"4", b"123"]))
    line = body + b"*" + star
    if draw(st.integers(0, 4)) == 0:
        tag_body = draw(
            st.sampled_from(
                [b"s:r003669945,c:1241544035", b"c:-1", b"c:9999999999999999", b"g:1-2-3", b"", b"c:"]
            )
        )
        tag_sum = checksum(tag_body) if draw(st.booleans()) else b"00"
        line = b"\\" + tag_body + b"*" + tag_sum + b"\\" + line
    return line


@st.composite
def pghp(draw: st.DrawFn) -> bytes:
    fields = [draw(_number) for _ in range(draw(st.integers(0, 14)))]
    body = ("PGHP," + ",".join(fields)).encode("ascii", "replace")
    return b"$" + body + b"*" + (checksum(body) if draw(st.booleans()) else b"00")


nmea_line = st.one_of(
    sentence(),
    pghp(),
    st.binary(max_size=120).map(lambda b: b.replace(b"\n", b" ")),
    st.sampled_from([b"", b"#comment", b"!", b"*", b"\\", b"!AIVDM", b"$PGHP", b"\r", b"\x00" * 8]),
)


def mutate(line: bytes, rnd: random.Random) -> bytes:
    b = bytearray(line)
    for _ in range(rnd.randint(0, 3)):
        op = rnd.randrange(6)
        at = rnd.randrange(len(b) + 1)
        if op == 0 and b:
            b[min(at, len(b) - 1)] = rnd.randrange(256)
        elif op == 1:
            del b[at:]
        elif op == 2:
            b[at:at] = bytes([rnd.choice(b",*!\\$0123456789AZaz \t\r")])
        elif op == 3 and b:
            del b[min(at, len(b) - 1)]
        elif op == 4:
            b += b[: rnd.randrange(len(b) + 1)]
        else:
            b[at:at] = b",,,,"
    return bytes(b).replace(b"\n", b" ")


@st.composite
def batch(draw: st.DrawFn, size: int = 1000) -> list[bytes]:
    """``size`` lines: the drawn ones, then mutations of them and of real captured lines."""
    drawn = draw(st.lists(nmea_line, min_size=1, max_size=12))
    rnd = random.Random(draw(st.integers(0, 2**32 - 1)))
    real = real_lines()
    lines = list(drawn)
    while len(lines) < size:
        pick = rnd.random()
        if pick < 0.3:
            lines.append(rnd.choice(real))
        elif pick < 0.7:
            lines.append(mutate(rnd.choice(real), rnd))
        else:
            lines.append(mutate(rnd.choice(drawn), rnd))
    rnd.shuffle(lines)
    return lines[:size]


class Hang(Exception):
    """A reader took longer than its time limit on one batch."""


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    def alarm(signum: int, frame: object) -> None:
        raise Hang(f"no answer in {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def read_everything(lines: list[bytes], first_lineno: int = 1) -> int:
    """Every reader over ``lines``; returns how many lines the parser accepted (a sentence or a time)."""
    accepted = 0
    for i, line in enumerate(lines):
        parsed = parse_line(line, first_lineno + i)
        if parsed is not None and type(parsed).__name__ != "Reject":
            accepted += 1
    reader = AisReader()
    reader.feed(lines)
    bulk = BulkReader()
    bulk.feed(decode_block(b"\n".join(lines), len(lines), first_lineno))
    bulk.close()
    return accepted
