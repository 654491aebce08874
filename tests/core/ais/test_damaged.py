"""Damaged compressed input: every line before the damage is read, then InputDamaged names the
file, the uncompressed byte offset and what was wrong. Real gzip files, cut or corrupted."""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from veille.core.ais.sources import InputDamaged, file_batches, file_blocks
from veille.core.ais.synth import generate

LINES = list(generate(seed=3, vessels=20, messages=30_000))
DATA = b"\n".join(LINES) + b"\n"


def read_lines(reader: Callable[..., Iterator], path: Path) -> tuple[list[bytes], InputDamaged | None]:
    got: list[bytes] = []
    try:
        for item in reader(path, read_bytes=1 << 16):
            got += item.split() if hasattr(item, "split") else item
    except InputDamaged as exc:
        return got, exc
    return got, None


def lines_before(offset: int) -> list[bytes]:
    """The lines of the first ``offset`` bytes, the last one maybe cut."""
    head = DATA[:offset]
    return head.split(b"\n")[:-1] + ([head.rsplit(b"\n", 1)[-1]] if not head.endswith(b"\n") else [])


READERS = [pytest.param(file_batches, id="lines"), pytest.param(file_blocks, id="blocks")]


@pytest.mark.parametrize("reader", READERS)
def test_a_truncated_gzip_gives_every_line_before_the_cut_then_names_it(tmp_path: Path, reader) -> None:
    packed = gzip.compress(DATA)
    path = tmp_path / "cut.nmea.gz"
    path.write_bytes(packed[: len(packed) * 2 // 3])  # as `gzip -c file | head -c N`
    got, err = read_lines(reader, path)
    assert err is not None and err.name == str(path)
    assert str(err).startswith(f"{path}: damaged at uncompressed byte {err.offset:,}: ")
    assert "truncated" in str(err)
    assert len(DATA) // 2 < err.offset < len(DATA)
    assert got == lines_before(err.offset)


@pytest.mark.parametrize("reader", READERS)
def test_garbage_after_the_gzip_magic_is_named_at_byte_0(tmp_path: Path, reader) -> None:
    path = tmp_path / "garbage.nmea.gz"
    path.write_bytes(b"\x1f\x8bgarbage")
    got, err = read_lines(reader, path)
    assert got == [] and err is not None
    assert str(err) == f"{path}: damaged at uncompressed byte 0: unknown compression method"


@pytest.mark.parametrize("reader", READERS)
def test_corrupt_gzip_data_gives_what_decompresses_before_it(tmp_path: Path, reader) -> None:
    packed = bytearray(gzip.compress(DATA))
    for i in range(len(packed) // 2, len(packed) // 2 + 40):
        packed[i] ^= 0x55
    path = tmp_path / "corrupt.nmea.gz"
    path.write_bytes(bytes(packed))
    got, err = read_lines(reader, path)
    assert err is not None and 0 < err.offset < len(DATA)
    assert str(err).startswith(f"{path}: damaged at uncompressed byte {err.offset:,}: ")
    # every byte decompressed before zlib noticed the damage is read (the bytes just before it
    # may already be wrong: the checksum at the end of a member is what tells)
    assert sum(len(line) + 1 for line in got) in (err.offset, err.offset + 1)
    assert got[:10_000] == LINES[:10_000]


@pytest.mark.parametrize("reader", READERS)
def test_whole_and_concatenated_gzip_files_read_to_the_end(tmp_path: Path, reader) -> None:
    path = tmp_path / "two.nmea.gz"
    path.write_bytes(gzip.compress(DATA) + gzip.compress(DATA) + b"\0" * 100)
    got, err = read_lines(reader, path)
    assert err is None and got == LINES + LINES
    (tmp_path / "after.nmea.gz").write_bytes(gzip.compress(DATA) + b"trailing")
    got, err = read_lines(reader, tmp_path / "after.nmea.gz")
    assert got == LINES and err is not None and err.offset == len(DATA)
    assert err.reason == "data after the end of the gzip stream"
