"""The AIS store and the ``ais`` command on the real captures."""

from __future__ import annotations

import io
import json
import socket
import threading
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from veille.core.ais.encode import encode_message
from veille.core.ais.messages import StaticVoyageData
from veille.maritime.store import AisStore, StoreError

DATA = Path(__file__).resolve().parents[2] / "data" / "ais"


def test_ingest_writes_day_partitions_and_a_registry_with_history(tmp_path: Path) -> None:
    store = AisStore(tmp_path)
    summary = store.ingest([(DATA / "dma_aislib_stream_example_2010-06-11.nmea").read_bytes().split(b"\n")])
    assert summary.messages == summary.decoded == 4051 and not summary.rejected
    assert [p.name for p in (tmp_path / "positions").iterdir()] == ["day=2010-06-11"]
    con = store.connect()
    assert con.sql("SELECT count(*) FROM positions").fetchall() == [(summary.positions,)]
    first = StaticVoyageData(5, 0, 257000001, 0, None, "LA1", "POLAR 1", 70, 90, 20, 8, 8, 1, 6, 15, 12, 0,
                             7.5, "HAMMERFEST", False)  # fmt: skip
    moved = StaticVoyageData(5, 0, 257000001, 0, None, "LA1", "POLAR 1", 70, 90, 20, 8, 8, 1, 6, 16, 12, 0,
                             9.1, "LONGYEARBYEN", False)  # fmt: skip
    lines = [
        *encode_message(first, time_s=1.7e9, source="synthetic"),
        *encode_message(first, time_s=1.7e9 + 60, source="synthetic"),
        *encode_message(moved, time_s=1.7e9 + 120, source="synthetic"),
    ]
    AisStore(tmp_path).ingest([lines])
    history = store.query(
        "SELECT destination, draught_m FROM vessel_history WHERE mmsi = 257000001 ORDER BY valid_from"
    ).fetchall()
    assert history == [("HAMMERFEST", 7.5), ("LONGYEARBYEN", 9.1)]
    # length A + B and width C + D (ITU-R M.1371-5): 90 + 20 m by 8 + 8 m
    assert store.query("SELECT length_m, width_m FROM vessels WHERE mmsi = 257000001").fetchall() == [
        (110, 16)
    ]
    assert store.query("SELECT destination FROM vessels WHERE mmsi = 257000001").fetchall() == [
        ("LONGYEARBYEN",)
    ]


def test_ais_command_ingests_reports_rejects_and_stats(tmp_path: Path) -> None:
    out = io.StringIO()
    rejects = tmp_path / "rejects.tsv"
    aegean = DATA / "pyais_nmea_data_sample_aegean.nmea"
    call_command("ais", "ingest", str(aegean), "--store", str(tmp_path / "s"), "--rejects", str(rejects),
                 "--format", "json", stdout=out)  # fmt: skip
    summary = json.loads(out.getvalue())
    assert summary["rejected"] == {"empty_payload": 100, "incomplete_multipart": 20}
    assert summary["decoded"] == summary["messages"] == 778
    assert len(rejects.read_bytes().splitlines()) == 120
    out = io.StringIO()
    call_command("ais", "stats", "--format", "json", "--store", str(tmp_path / "s"), stdout=out)
    assert json.loads(out.getvalue())["positions"] == summary["positions"]


def test_ais_command_exit_codes(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as err:
        call_command("ais", "ingest", str(tmp_path / "missing.nmea"), "--store", str(tmp_path))
    assert err.value.returncode == 3
    junk = tmp_path / "junk.nmea"
    junk.write_bytes(b"!AIVDM,1,1,,A,0000000000,0*4A\nhello\n")
    with pytest.raises(CommandError) as err:
        call_command("ais", "ingest", str(junk), "--store", str(tmp_path), stdout=io.StringIO())
    assert err.value.returncode == 4


def test_replay_serves_a_capture_that_tcp_ingest_reads_back(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    capture = DATA / "gpsd_sample.aivdm"
    server = threading.Thread(
        target=call_command, args=("ais", "replay", str(capture), "--port", str(port)), daemon=True
    )
    server.start()
    time.sleep(0.3)
    out = io.StringIO()
    call_command("ais", "ingest", f"tcp://127.0.0.1:{port}", "--until", "3s", "--store", str(tmp_path),
                 "--format", "json", stdout=out)  # fmt: skip
    server.join(5)
    summary = json.loads(out.getvalue())
    assert summary["messages"] == 102


def test_replay_at_speed_n_paces_the_capture_by_its_receive_times(tmp_path: Path) -> None:
    from veille.core.ais.nmea import parse_line
    from veille.core.ais.synth import generate

    capture = tmp_path / "paced.nmea"
    lines = list(generate(seed=5, vessels=2, messages=12, report_s=1.0))
    capture.write_bytes(b"\n".join(lines) + b"\n")
    times = [t for t in (parse_line(x, 1).time_s for x in lines) if t is not None]  # type: ignore[union-attr]
    span_s, speed = max(times) - min(times), 4.0
    assert span_s >= 4.0
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = threading.Thread(
        target=call_command,
        args=("ais", "replay", str(capture), "--port", str(port), "--speed", str(speed)),
        daemon=True,
    )
    server.start()
    deadline = time.monotonic() + 10
    while True:  # wait for the server to listen
        try:
            conn = socket.create_connection(("127.0.0.1", port), timeout=1)
            break
        except OSError:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    received = b""
    arrivals = []
    with conn:
        conn.settimeout(10)
        while chunk := conn.recv(65536):
            received += chunk
            arrivals.append(time.monotonic())
    server.join(5)
    assert received.split(b"\r\n")[:-1] == lines
    # sleeping can only make a replay slower: the lower bound holds on any machine
    assert arrivals[-1] - arrivals[0] >= 0.9 * span_s / speed


def test_a_failed_position_write_in_a_worker_stops_the_ingest_with_its_error(tmp_path: Path) -> None:
    from veille.core.ais.sources import Block

    (tmp_path / "positions").write_text("a file where the day folders should go")
    line = b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A"
    blocks = [Block(b"\n".join([line] * 100), 100) for _ in range(8)]
    with pytest.raises(StoreError, match="cannot write positions") as err:
        AisStore(tmp_path).ingest_blocks(blocks, workers=2)
    assert isinstance(err.value.__cause__, OSError)


def test_a_registry_written_before_length_and_width_existed_still_reads_and_grows(tmp_path: Path) -> None:
    import polars as pl

    ship = StaticVoyageData(5, 0, 257000001, 0, None, "LA1", "POLAR 1", 70, 90, 20, 8, 8, 1, 6, 15, 12, 0,
                            7.5, "HAMMERFEST", False)  # fmt: skip
    AisStore(tmp_path).ingest([encode_message(ship, time_s=1.7e9, source="synthetic")])
    (old,) = (tmp_path / "vessels").glob("*.parquet")
    pl.read_parquet(old).drop("length_m", "width_m").write_parquet(old)  # as an earlier version wrote it
    # a store with old parts only still has the columns (as null)
    assert AisStore(tmp_path).query("SELECT length_m, width_m FROM vessels").fetchall() == [(None, None)]
    moved = StaticVoyageData(5, 0, 257000001, 0, None, "LA1", "POLAR 1", 70, 90, 20, 8, 8, 1, 6, 16, 12, 0,
                             9.1, "LONGYEARBYEN", False)  # fmt: skip
    AisStore(tmp_path).ingest([encode_message(moved, time_s=1.7e9 + 60, source="synthetic")])
    rows = (
        AisStore(tmp_path)
        .query("SELECT destination, length_m FROM vessel_history ORDER BY valid_from")
        .fetchall()
    )
    assert rows == [("HAMMERFEST", None), ("LONGYEARBYEN", 110)]


def _reads(n: int) -> list[list[bytes]]:
    """A live feed as it arrives: a few lines per read (the DMA capture)."""
    lines = [x for x in (DATA / "dma_aislib_stream_example_2010-06-11.nmea").read_bytes().split(b"\n") if x]
    return [lines[i : i + 3] for i in range(0, 3 * n, 3)]


def test_the_live_ingest_writes_held_rows_every_few_seconds_not_a_file_per_read(tmp_path: Path) -> None:
    reads = _reads(400)
    ticks = iter(range(10_000))
    one_each = AisStore(tmp_path / "each").ingest(reads, clock=lambda: 1.7e9 + next(ticks), flush_s=0)
    assert len(list((tmp_path / "each" / "positions").rglob("*.parquet"))) > 300  # reads with positions

    ticks = iter(range(10_000))  # one second per read: a write every 60 reads
    held = AisStore(tmp_path / "held").ingest(reads, clock=lambda: 1.7e9 + next(ticks), flush_s=60)
    files = list((tmp_path / "held" / "positions").rglob("*.parquet"))
    assert 1 < len(files) <= 7  # at most one write per 60 reads
    timing = ("elapsed_s", "messages_per_s")
    assert {k: v for k, v in held.as_dict().items() if k not in timing} == {
        k: v for k, v in one_each.as_dict().items() if k not in timing
    }
    query = "SELECT * EXCLUDE (day) FROM positions ORDER BY ALL"
    assert AisStore(tmp_path / "held").query(query).pl().equals(AisStore(tmp_path / "each").query(query).pl())
    history = "SELECT * FROM vessel_history ORDER BY ALL"
    assert (
        AisStore(tmp_path / "held")
        .query(history)
        .pl()
        .equals(AisStore(tmp_path / "each").query(history).pl())
    )


def test_rows_held_by_the_live_ingest_are_written_when_the_feed_fails(tmp_path: Path) -> None:
    def feed():
        yield from _reads(50)
        raise ConnectionResetError("feed lost")

    with pytest.raises(ConnectionResetError):
        AisStore(tmp_path / "failed").ingest(feed(), flush_s=3600)
    whole = AisStore(tmp_path / "whole").ingest(_reads(50))
    stored = AisStore(tmp_path / "failed").query("SELECT count(*) FROM positions").fetchall()[0][0]
    assert stored == whole.positions > 0
    assert len(list((tmp_path / "failed" / "positions").rglob("*.parquet"))) == 1
