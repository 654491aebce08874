"""CSV archives on bad input: damaged gzip and zip files give every row before the damage, then
InputDamaged; a stray quote rejects its own line only; a file taken for an archive whose header is
of no known layout is an ArchiveError, not a flood of NMEA rejects."""

from __future__ import annotations

import doctest
import gzip
import io
import zipfile
from pathlib import Path

import pytest

from veille.core.ais import archive
from veille.core.ais.archive import ArchiveError, archive_lines, is_archive, read_archive
from veille.core.ais.sources import InputDamaged

DATA = Path(__file__).resolve().parents[3] / "data" / "ais"
HEADER = (
    "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,"
    "Length,Width,Draft,Cargo,TransceiverClass"
)


def row(i: int, name: str = "POLAR ONE") -> str:
    return (
        f"{257000000 + i % 50},2024-01-01T{i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d},"
        f"70.{i:05d},23.5,10.2,45.3,44,{name},IMO9301237,LAXY3,70,0,120,20,7.5,70,A"
    )


def read(lines, batch_rows: int = 100_000, fast: bool = True) -> tuple[list[int], list[tuple]]:
    """(line numbers of the positions, rejects as (line, reason)), until the end or the damage."""
    linenos: list[int] = []
    rejects: list[tuple] = []
    for b in read_archive(lines, source="t", batch_rows=batch_rows, fast=fast):
        linenos += b.positions["lineno"].to_list()
        rejects += [(r.lineno, r.reason.value) for r in b.rejects]
    return sorted(linenos), sorted(rejects)


def test_archive_examples_run() -> None:
    assert doctest.testmod(archive).failed == 0


def test_a_truncated_csv_gz_gives_every_row_before_the_cut_then_names_it(tmp_path: Path) -> None:
    text = "\n".join([HEADER, *(row(i) for i in range(20_000))]) + "\n"
    packed = gzip.compress(text.encode())
    path = tmp_path / "cut.csv.gz"
    path.write_bytes(packed[: len(packed) // 2])
    linenos: list[int] = []
    with pytest.raises(InputDamaged) as err:
        for b in read_archive(archive_lines(path), source=path.name, batch_rows=1000):
            linenos += b.positions["lineno"].to_list()
    assert str(err.value).startswith(f"{path}: damaged at uncompressed byte {err.value.offset:,}: ")
    whole = text[: err.value.offset].count("\n")  # lines complete before the cut (header included)
    assert linenos[: whole - 1] == list(range(2, whole + 1))
    assert len(linenos) in (whole - 1, whole)  # the cut line may still hold MMSI, time and position


def test_a_truncated_zip_gives_every_row_before_the_cut_then_names_it(tmp_path: Path) -> None:
    text = "\n".join([HEADER, *(row(i) for i in range(20_000))]) + "\n"
    whole = tmp_path / "whole.zip"
    with zipfile.ZipFile(whole, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("readme.txt", "positions inside")
        zf.writestr("positions.csv", text)
    assert read(archive_lines(whole))[0] == list(range(2, 20_002))
    data = whole.read_bytes()
    path = tmp_path / "cut.zip"
    path.write_bytes(data[: len(data) * 2 // 3])
    lines: list[str] = []
    with pytest.raises(InputDamaged) as err:
        lines.extend(archive_lines(path))
    assert str(err.value).startswith(f"{path}:positions.csv: damaged at uncompressed byte ")
    assert "truncated" in str(err.value)
    assert "".join(lines) == text[: err.value.offset] and len(lines) > 5_000


def test_a_zip_whose_csv_is_corrupt_fails_its_checksum_after_its_rows(tmp_path: Path) -> None:
    text = "\n".join([HEADER, *(row(i) for i in range(100))]) + "\n"
    path = tmp_path / "stored.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("p.csv", text)
    data = bytearray(path.read_bytes())
    at = data.index(b"POLAR ONE", len(data) // 2)
    data[at : at + 5] = b"POLAR"[::-1]
    path.write_bytes(bytes(data))
    lines: list[str] = []
    with pytest.raises(InputDamaged, match="CRC-32"):
        lines.extend(archive_lines(path))
    assert len(lines) == 101


def test_a_zip_without_csv_and_an_unknown_header_are_archive_errors(tmp_path: Path) -> None:
    nocsv = tmp_path / "nocsv.zip"
    with zipfile.ZipFile(nocsv, "w") as zf:
        zf.writestr("readme.txt", "nothing")
    assert is_archive(nocsv)
    with pytest.raises(ArchiveError, match=r"no \.csv file in the zip archive"):
        list(archive_lines(nocsv))
    odd = tmp_path / "odd.csv"
    odd.write_text("ship,when,latitude,longitude\n1,2,3,4\n")
    assert is_archive(odd)
    with pytest.raises(ArchiveError) as err:
        list(read_archive(archive_lines(odd), source=odd.name))
    message = str(err.value)
    assert message.startswith("odd.csv: CSV header not recognised: missing MMSI, BaseDateTime, LAT, LON")
    assert "MMSI, # Timestamp for DMA" in message
    assert isinstance(err.value, ValueError)


def test_a_csv_header_is_recognised_by_name_or_first_line_and_nmea_is_not(tmp_path: Path) -> None:
    for name in ("a.csv", "a.CSV.GZ", "a.zip"):
        assert is_archive(tmp_path / name)  # by name, even before it exists
    header = tmp_path / "export.txt"
    header.write_text("Ship,Time,Lat,Lon,Speed\n")
    packed = tmp_path / "export.gz"
    packed.write_bytes(gzip.compress(b"MMSI,BaseDateTime,LAT,LON\n"))
    assert is_archive(header) and is_archive(packed)
    cut = tmp_path / "cut.nmea"
    cut.write_bytes(b"TKcjM8h6g208CQ,0*4A\n!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\n")
    assert not is_archive(cut)  # a capture started mid-sentence is still NMEA
    assert not any(is_archive(p) for p in DATA.iterdir() if p.suffix in (".nmea", ".aivdm"))


@pytest.mark.parametrize("fast", [True, False])
@pytest.mark.parametrize("batch_rows", [1, 7, 100, 100_000])
def test_a_stray_quote_rejects_its_line_and_keeps_every_other_row(fast: bool, batch_rows: int) -> None:
    rows = [row(i) for i in range(300)]
    rows[3] = row(3, '"BIG')  # line 5: a quote never closed
    rows[48] = row(48, '"SMALL')  # line 50: closes line 5's quote, as a record of the wrong width
    rows[200] = row(200, '"TWO\nLINES"')  # lines 202-203: a quoted line break, one row
    text = "\n".join([HEADER, *rows]) + "\n"
    linenos, rejects = read(io.StringIO(text), batch_rows, fast)
    assert rejects == [(5, "unterminated_quote"), (50, "unterminated_quote")]
    expected = [n for n in range(2, 303) if n not in (5, 50, 202)]
    assert linenos == expected


def test_a_stray_quote_before_a_long_file_is_no_oversized_field() -> None:
    # the csv module gave up with "field larger than field limit (131072)"
    rows = [row(0, '"BIG'), *(row(i) for i in range(1, 5000))]
    linenos, rejects = read(io.StringIO("\n".join([HEADER, *rows]) + "\n"))
    assert rejects == [(2, "unterminated_quote")]
    assert linenos == list(range(3, 5002))
