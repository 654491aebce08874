"""Line splitters: every line of the file is one line, whatever the reads cut, the line ends used,
an over-long line or a byte-order mark."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from veille.core.ais.bulk import BulkReader, decode_block
from veille.core.ais.reader import AisReader
from veille.core.ais.sources import (
    READ_BYTES,
    BlockSplitter,
    LineSplitter,
    file_batches,
    file_blocks,
    read_batches,
    read_blocks,
)

GOOD = b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A"
BAD_SUM = GOOD[:-1] + b"0"


def by_lines(data: bytes, read_bytes: int) -> list[bytes]:
    return [x for batch in read_batches(io.BytesIO(data), read_bytes) for x in batch]


def by_blocks(data: bytes, read_bytes: int) -> list[bytes]:
    return [x for block in read_blocks(io.BytesIO(data), read_bytes) for x in block.split()]


def rejects_of(path: Path) -> tuple[int, list[tuple[int, str]]]:
    """(lines, rejects as (line, reason)) of the bulk reader over a file."""
    bulk = BulkReader()
    lineno, rejects = 1, []
    for block in file_blocks(path):
        rejects += bulk.feed(decode_block(block.data, block.lines, lineno)).rejects
        lineno += block.lines
    rejects += bulk.close().rejects
    return lineno - 1, sorted((r.lineno, r.reason.value) for r in rejects)


@pytest.mark.parametrize("split", [by_lines, by_blocks])
@pytest.mark.parametrize("read_bytes", [7, 100, 1500, 4096])
def test_the_end_of_an_over_long_line_is_no_line_of_its_own(split, read_bytes: int) -> None:
    data = b"A" * 3000 + b"\n" + BAD_SUM + b"\n" + GOOD + b"\n" + b"B" * 2000 + b"\nlast"
    lines = split(data, read_bytes)
    assert len(lines) == 5
    assert lines[1:3] == [BAD_SUM, GOOD] and lines[4] == b"last"
    assert lines[0].startswith(b"AAA") and lines[3].startswith(b"BBB")


def test_splitters_agree_line_for_line_on_over_long_lines() -> None:
    data = (b"x" * 1100 + b"\n" + GOOD + b"\n") * 5
    for size in (1, 3, 64, 1024, 1025, 1100, 1101, 1102):
        line_splitter, block_splitter = LineSplitter(), BlockSplitter()
        lines: list[bytes] = []
        blocks: list[bytes] = []
        for i in range(0, len(data), size):
            lines += line_splitter.feed(data[i : i + size])
            blocks += block_splitter.feed(data[i : i + size]).split()
        lines += line_splitter.flush()
        blocks += block_splitter.flush().split()
        assert lines == blocks and len(lines) == 10, size


def test_a_line_longer_than_one_read_leaves_the_next_line_numbers_right(tmp_path: Path) -> None:
    path = tmp_path / "l.nmea"
    path.write_bytes(b"A" * (3 * READ_BYTES) + b"\n" + BAD_SUM + b"\n" + GOOD + b"\n")
    assert sum(len(b) for b in file_batches(path)) == 3
    assert sum(b.lines for b in file_blocks(path)) == 3
    reader = AisReader()
    rejects = []
    for batch in file_batches(path):
        rejects += reader.feed(batch)[1]
    assert sorted((r.lineno, r.reason.value) for r in rejects) == [(1, "line_too_long"), (2, "checksum")]
    assert rejects_of(path) == (3, [(1, "line_too_long"), (2, "checksum")])


LINES = [GOOD, BAD_SUM, b"", GOOD, b"# comment", GOOD]


@pytest.mark.parametrize("end", [b"\n", b"\r\n", b"\r"])
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
@pytest.mark.parametrize("read_bytes", [1, 2, 3, 5, 50, 1 << 16])
def test_lf_crlf_and_cr_line_ends_and_a_bom_give_the_same_lines(
    end: bytes, bom: bytes, read_bytes: int
) -> None:
    data = bom + end.join(LINES) + end
    for split in (by_lines, by_blocks):
        assert [x.rstrip(b"\r") for x in split(data, read_bytes)] == LINES, split.__name__


@pytest.mark.parametrize("end", [b"\n", b"\r\n", b"\r"])
def test_a_cr_file_with_a_bom_reads_every_sentence_at_its_line(tmp_path: Path, end: bytes) -> None:
    path = tmp_path / "cr.nmea"
    path.write_bytes(b"\xef\xbb\xbf" + end.join(LINES) + end)
    assert rejects_of(path) == (6, [(2, "checksum")])
    reader = AisReader()
    msgs, rejects = [], []
    for batch in file_batches(path):
        m, r = reader.feed(batch)
        msgs += m
        rejects += r
    assert [m.first_lineno for m in msgs] == [1, 4, 6]
    assert [(r.lineno, r.reason.value) for r in rejects] == [(2, "checksum")]


def test_crcrlf_stays_one_line_end_and_a_cr_only_file_keeps_its_empty_lines() -> None:
    assert by_lines(b"a\r\r\nb\r\r\n", 1) == [b"a\r\r", b"b\r\r"]
    assert by_blocks(b"a\r\rb\r", 2) == [b"a", b"", b"b"]
    assert by_lines(b"\xef\xbb", 1) == [b"\xef\xbb"]  # not a whole mark: kept
