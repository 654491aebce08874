"""CSV archives in the MarineCadastre and DMA layouts go into the same store as NMEA."""

# ruff: noqa: E501  (the archive rows below are kept whole, as the publishers write them)

from __future__ import annotations

import gzip
import io
import itertools
import json
import zipfile
from pathlib import Path

import polars as pl
from django.core.management import call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from veille.core.ais.archive import detect_layout, is_archive
from veille.maritime.store import AisStore

MARINECADASTRE = """MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,Length,Width,Draft,Cargo,TransceiverClass
257000001,2024-01-01T00:00:00,70.66370,23.68210,10.2,45.3,44,POLAR ONE,IMO9301237,LAXY3,70,0,120,20,7.5,70,A
257000001,2024-01-01T00:10:00,70.68000,23.70000,10.1,45.0,511,POLAR ONE,IMO9301237,LAXY3,70,0,120,20,7.5,70,A
257000001,2024-01-01T01:00:00,70.70000,23.80000,0.0,360.0,511,POLAR ONE,IMO9301237,LAXY3,70,5,120,20,8.1,70,A
273123456,2024-01-01T00:05:00,69.50000,33.10000,5.0,180.0,180,KOLA,,UBXY7,30,7,40,9,4.0,,A
notanmmsi,2024-01-01T00:05:00,69.5,33.1,5.0,180.0,180,KOLA,,UBXY7,30,7,40,9,4.0,,A
257000002,2024-13-45T00:00:00,69.5,33.1,5.0,180.0,180,NORD,,LAAA1,30,7,40,9,4.0,,A
257000003,2024-01-01T00:00:00,95.0,33.1,5.0,180.0,180,NORD,,LAAA2,30,7,40,9,4.0,,A
257000004,2024-01-01T00:00:00,70.0
538000001,2024-01-02T23:59:59,-10.5,-170.25,12.5,90,90,"BERING, STAR",IMO1234567,V7AB2,80,0,200,30,11.2,80,A
"""

DMA = """# Timestamp,Type of mobile,MMSI,Latitude,Longitude,Navigational status,ROT,SOG,COG,Heading,IMO,Callsign,Name,Ship type,Cargo type,Width,Length,Type of position fixing device,Draught,Destination,ETA,Data source type,A,B,C,D
01/06/2024 00:00:00,Class A,219000001,55.670000,12.600000,Under way using engine,0.0,12.3,181.2,180,9123456,OXAB2,DANA,Cargo,,20,120,GPS,7.1,AARHUS,02/06/2024 10:00:00,AIS,100,20,10,10
01/06/2024 00:00:05,Class A,219000001,55.660000,12.600000,Moored,,0.0,,,9123456,OXAB2,DANA,Cargo,,20,120,GPS,7.1,AARHUS,02/06/2024 10:00:00,AIS,100,20,10,10
01/06/2024 00:01:00,Class B,219000002,55.700000,12.700000,Unknown value,,4.2,90.0,,Unknown,,SEAGULL,Pleasure,,3,10,Undefined,,,,AIS,,,,
31/06/2024 00:00:00,Class A,219000003,55.7,12.7,Moored,,0.0,,,Unknown,,X,Cargo,,3,10,GPS,,,,AIS,,,,
01/06/2024 00:02:00,Class A,219000004,91.000000,181.000000,Moored,,0.0,,,Unknown,,Y,Cargo,,3,10,GPS,,,,AIS,,,,
"""


def ingest(path: Path, store: Path, rejects: Path) -> dict:
    out = io.StringIO()
    args = [str(path), "--store", str(store), "--rejects", str(rejects), "--format", "json"]
    call_command("ais", "ingest", *args, stdout=out)
    return json.loads(out.getvalue())


def test_marinecadastre_rows_become_positions_and_registry_changes(tmp_path: Path) -> None:
    path = tmp_path / "AIS_2024_01_01.csv"
    path.write_text(MARINECADASTRE)
    summary = ingest(path, tmp_path / "s", tmp_path / "rejects.tsv")
    assert summary["messages"] == 9 and summary["positions"] == 5
    assert summary["rejected"] == {"bad_field": 3, "malformed": 1}
    assert summary["time_span"] == ["2024-01-01T00:00:00+00:00", "2024-01-02T23:59:59+00:00"]
    rejects = [line.split(b"\t")[:2] for line in (tmp_path / "rejects.tsv").read_bytes().splitlines()]
    assert sorted(rejects) == [
        [b"6", b"bad_field"],
        [b"7", b"bad_field"],
        [b"8", b"bad_field"],
        [b"9", b"malformed"],
    ]
    store = AisStore(tmp_path / "s")
    rows = store.query(
        "SELECT mmsi, lat, heading_deg, cog_deg, nav_status, source, day FROM positions ORDER BY timestamp"
    ).fetchall()
    assert rows[0] == (257000001, 70.6637, 44, 45.3, 0, "AIS_2024_01_01.csv", rows[0][6])
    assert [r[2] for r in rows if r[0] == 257000001] == [44, None, None]  # 511: no heading
    assert rows[-1][0] == 538000001 and str(rows[-1][6]) == "2024-01-02"
    history = store.query(
        "SELECT draught_m, imo, ship_type, call_sign FROM vessel_history "
        "WHERE mmsi = 257000001 ORDER BY valid_from"
    ).fetchall()
    assert history == [(7.5, 9301237, 70, "LAXY3"), (8.1, 9301237, 70, "LAXY3")]
    assert store.query("SELECT name FROM vessels WHERE mmsi = 538000001").fetchall() == [("BERING, STAR",)]
    # MarineCadastre's Length and Width (metres) are kept; it gives no antenna distances
    dims = store.query("SELECT mmsi, length_m, width_m, to_bow_m FROM vessels ORDER BY mmsi").fetchall()
    assert dims == [(257000001, 120, 20, None), (273123456, 40, 9, None), (538000001, 200, 30, None)]


def test_dma_rows_map_text_codes_and_antenna_distances(tmp_path: Path) -> None:
    path = tmp_path / "aisdk-2024-06-01.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("aisdk-2024-06-01.csv", DMA)
    assert is_archive(path)
    summary = ingest(path, tmp_path / "s", tmp_path / "rejects.tsv")
    assert (summary["messages"], summary["positions"], summary["rejected"]) == (5, 3, {"bad_field": 2})
    store = AisStore(tmp_path / "s")
    rows = store.query(
        "SELECT mmsi, nav_status, cog_deg, heading_deg FROM positions ORDER BY timestamp"
    ).fetchall()
    assert rows == [(219000001, 0, 181.2, 180), (219000001, 5, None, None), (219000002, 15, 90.0, None)]
    vessels = store.query(
        "SELECT mmsi, ship_type, imo, to_bow_m, to_stern_m, to_port_m, to_starboard_m, destination, "
        "length_m, width_m FROM vessels ORDER BY mmsi"
    ).fetchall()
    assert vessels == [
        (219000001, 70, 9123456, 100, 20, 10, 10, "AARHUS", 120, 20),
        (219000002, 37, None, None, None, None, None, None, 10, 3),
    ]


def test_gzipped_archive_and_layout_detection_by_header_names(tmp_path: Path) -> None:
    # the same columns in another order are still recognised by name
    header, *rows = MARINECADASTRE.splitlines()
    names = header.split(",")
    order = [names.index(n) for n in ("LAT", "LON", "BaseDateTime", "MMSI")] + [
        i for i, n in enumerate(names) if n not in ("LAT", "LON", "BaseDateTime", "MMSI")
    ]
    shuffled = [",".join(names[i] for i in order)]
    for row in rows[:4]:
        fields = row.split(",")
        shuffled.append(",".join(fields[i] for i in order))
    path = tmp_path / "shuffled.csv.gz"
    path.write_bytes(gzip.compress("\n".join(shuffled).encode()))
    summary = ingest(path, tmp_path / "s", tmp_path / "r.tsv")
    assert (summary["positions"], summary["rejected"], summary["vessels"]) == (4, {}, 2)
    assert detect_layout(["MMSI", "LAT", "LON"]) is None
    assert not is_archive(Path(__file__).parents[2] / "data" / "ais" / "gpsd_sample.aivdm")


# Lines of a MarineCadastre archive, good and bad, for the two readers' agreement.
_VARIANTS = [
    "257000001,2024-01-01T00:00:00,70.66370,23.68210,10.2,45.3,44,POLAR ONE,IMO9301237,LAXY3,70,0,120,20,7.5,70,A",
    "257000001,2024-01-01T00:10:00,70.68000,23.70000,10.1,45.0,511,POLAR ONE,IMO9301237,LAXY3,70,0,121,20,7.6,70,A\r",
    '538000001,2024-01-02T23:59:59,-10.5,-170.25,12.5,90,90,"BERING, STAR",IMO1234567,V7AB2,80,0,200,30,11.2,80,A',
    '538000002,2024-01-02T23:59:59,-10.5,-170.25,12.5,90,90,"TWO\nLINES",,V7AB3,80,0,200,30,11.2,80,A',
    "273123456,2024-01-01T00:05:00,69.50000,33.10000,5.0,180.0,180,KÓLA,,UBXY7,30,7,40,9,4.0,,A",
    "273123457,2024-01-01T00:05:00,69.5,33.1,,,,,,,,,,,,,",
    "notanmmsi,2024-01-01T00:05:00,69.5,33.1,5.0,180.0,180,KOLA,,UBXY7,30,7,40,9,4.0,,A",
    "257000002,2024-13-45T00:00:00,69.5,33.1,5.0,180.0,180,NORD,,LAAA1,30,7,40,9,4.0,,A",
    "257000003,2024-01-01T00:00:00,95.0,33.1,5.0,180.0,180,NORD,,LAAA2,30,7,40,9,4.0,,A",
    "257000004,2024-01-01T00:00:00,70.0",
    "257000005,2024-01-01T00:00:00,70.0,20.0,1,1,1,X,,Y,30,7,40,9,4.0,,A,EXTRA",
    "",
    " ",
    "\r",
]


def _both_readers(text: str, batch_rows: int) -> None:
    from veille.core.ais.archive import read_archive

    def run(fast: bool) -> tuple[pl.DataFrame, list, list]:
        batches = list(read_archive(io.StringIO(text), source="t", batch_rows=batch_rows, fast=fast))
        positions = pl.concat([b.positions for b in batches]) if batches else None
        statics = [s for b in batches for s in b.statics]
        rejects = sorted((r.lineno, r.reason.value, r.line, r.detail) for b in batches for r in b.rejects)
        return positions, statics, rejects

    (fast_pos, fast_statics, fast_rejects), (csv_pos, csv_statics, csv_rejects) = run(True), run(False)
    assert (fast_pos is None) == (csv_pos is None)
    if fast_pos is not None:
        assert fast_pos.sort("lineno").equals(csv_pos.sort("lineno"))
    assert sorted(fast_statics, key=lambda s: s[0]) == sorted(csv_statics, key=lambda s: s[0])
    assert fast_rejects == csv_rejects


def test_the_polars_and_csv_module_readers_agree_on_every_kind_of_row() -> None:
    header = MARINECADASTRE.splitlines()[0]
    text = "\n".join([header, *(_VARIANTS * 3)]) + "\n"
    for batch_rows in (1, 2, 5, 100):
        _both_readers(text, batch_rows)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_VARIANTS), max_size=30), st.integers(1, 8))
def test_the_two_readers_agree_on_random_archives(rows: list[str], batch_rows: int) -> None:
    _both_readers("\n".join([MARINECADASTRE.splitlines()[0], *rows]) + "\n", batch_rows)


def test_a_quoted_line_break_is_never_cut_between_two_batches() -> None:
    from veille.core.ais.archive import read_archive

    text = "\n".join([MARINECADASTRE.splitlines()[0], _VARIANTS[0], _VARIANTS[3], _VARIANTS[4]]) + "\n"
    for fast, batch_rows in itertools.product((True, False), (1, 2, 3)):
        batches = list(read_archive(io.StringIO(text), source="t", batch_rows=batch_rows, fast=fast))
        assert [r for b in batches for r in b.rejects] == []
        rows = pl.concat([b.positions for b in batches]).select("lineno", "mmsi").rows()
        assert rows == [(2, 257000001), (4, 538000002), (5, 273123456)]  # the record on lines 3-4
        names = {s[3].mmsi: s[3].name for b in batches for s in b.statics}
        assert names[538000002] == "TWO\nLINES"
