"""Reader and decoder on bad input: every bad line rejected with its reason, every good one kept."""

from __future__ import annotations

import contextlib
import functools
import gzip
import socket
import threading
import time
from collections import Counter
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from veille.core.ais.decode import DecodeError, decode_payload
from veille.core.ais.nmea import RejectReason, parse_line
from veille.core.ais.reader import AisReader, batch_checksums
from veille.core.ais.sources import LineSplitter, TcpStats, file_batches, tcp_batches

DATA = Path(__file__).resolve().parents[3] / "data" / "ais"
GOOD = b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A"
GOOD2 = b"!BSVDM,1,1,,A,13:WB@0vC2PmgjpP`WO=DbdF0<0U,0*5D"
PART1 = b"!AIVDM,2,1,1,,53cMa3@000010WSW?V105=<45B2222222222220t388151:9e2UiDm851DTh,0*65"
PART2 = b"!AIVDM,2,2,1,,j1C32CQp888,2*17"


def read_all(lines: list[bytes]) -> tuple[list, Counter[str]]:
    reader = AisReader()
    msgs, rejects = reader.feed(lines)
    rejects += reader.close()
    return msgs, Counter(r.reason.value for r in rejects)


def test_aegean_sample_keeps_every_good_message_and_counts_broken_payloads() -> None:
    lines = (DATA / "pyais_nmea_data_sample_aegean.nmea").read_bytes().split(b"\n")
    msgs, reasons = read_all(lines)
    assert reasons == {"empty_payload": 100, "incomplete_multipart": 20}
    decoded = [decode_payload(m.payload, m.fill_bits) for m in msgs]
    assert len(decoded) == len([x for x in lines if x.strip()]) - 120


def test_each_kind_of_bad_line_is_rejected_with_its_reason_and_line_number() -> None:
    bad = [
        GOOD,
        GOOD[:30],  # truncated: no checksum
        GOOD[:-2] + b"4B",  # wrong checksum
        PART2,  # orphan fragment
        "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g2é8CQ,0*4A".encode(),  # non-ASCII
        bytes(range(0, 256, 7)),  # binary garbage
        GOOD[5:],  # lost its beginning
        b"\\s:r1,c:notanumber*00\\" + GOOD,  # broken tag block
        b"$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47",  # not AIS
        GOOD2,
    ]
    reader = AisReader()
    msgs, rejects = reader.feed(bad)
    rejects += reader.close()
    assert [m.first_lineno for m in msgs] == [1, 10]
    got = {r.lineno: r.reason for r in rejects}
    assert got == {
        2: RejectReason.TRUNCATED,
        3: RejectReason.CHECKSUM,
        4: RejectReason.ORPHAN_FRAGMENT,
        5: RejectReason.NON_ASCII,
        6: RejectReason.NON_ASCII,
        7: RejectReason.TRUNCATED,
        8: RejectReason.BAD_TAG_BLOCK,
        9: RejectReason.NOT_AIS,
    }


def test_multipart_groups_interleaved_on_two_channels_are_reassembled() -> None:
    other1 = PART1.replace(b",2,1,1,,", b",2,1,1,B,")
    other2 = PART2.replace(b",2,2,1,,", b",2,2,1,B,")
    fix = [bytearray(x) for x in (other1, other2)]
    lines = []
    for raw in fix:
        body = bytes(raw[1 : raw.index(b"*")])
        lines.append(
            bytes(raw[: raw.index(b"*") + 1]) + f"{functools.reduce(int.__xor__, body, 0):02X}".encode()
        )
    msgs, reasons = read_all([PART1, lines[0], PART2, lines[1]])
    assert not reasons
    assert [(m.channel, m.first_lineno, m.last_lineno) for m in msgs] == [("", 1, 3), ("B", 2, 4)]


def test_an_incomplete_group_times_out_after_the_line_gap() -> None:
    reader = AisReader(max_line_gap=5)
    _, rejects = reader.feed([PART1] + [GOOD] * 10 + [PART2])
    assert [(r.lineno, r.reason.value) for r in rejects] == [
        (1, "incomplete_multipart"),
        (12, "orphan_fragment"),
    ]


def test_pghp_and_tag_block_times_reach_the_message() -> None:
    lines = (DATA / "dma_aislib_stream_example_2010-06-11.nmea").read_bytes().split(b"\n")[:2]
    msgs, _ = AisReader().feed(lines)
    assert msgs[0].time_s == 1276256771.39
    tagged = (DATA / "libais_tagblock_orbcomm.nmea").read_bytes().split(b"\n")
    msgs, _ = AisReader().feed(tagged)
    assert {m.source for m in msgs} == {"rORBCOMM008", "rORBCOMM104", "rORBCOMM007"}
    pair = [m for m in msgs if len(m.lines) == 2]
    assert [m.time_s for m in pair] == [1418169601.0]  # the two-part group, timed by its first fragment


def test_vendor_fields_after_the_checksum_are_accepted_and_give_the_receive_time() -> None:
    line = (
        b"!AIVDM,1,1,,A,403Ovl@000Htt<tSF0l4Q@100`Pq,0*28"
        b",d-109,S2105,t050056.00,T56.13718694,r003669946,1325394060"
    )
    s = parse_line(line, 1)
    assert s is not None and getattr(s, "time_s", None) == 1325394060.0


def test_batch_checksums_agree_with_the_line_by_line_checksum() -> None:
    lines = (DATA / "gpsd_sample.aivdm").read_bytes().split(b"\n")
    fast = batch_checksums(lines)
    for line, c in zip(lines, fast, strict=True):
        if c >= 0:
            slow = parse_line(line, 1)
            assert slow is None or getattr(slow, "reason", None) != RejectReason.CHECKSUM


def test_gzip_and_plain_files_read_the_same(tmp_path: Path) -> None:
    raw = (DATA / "gpsd_sample.aivdm").read_bytes()
    gz = tmp_path / "x.gz"
    gz.write_bytes(gzip.compress(raw))
    plain = [line for b in file_batches(DATA / "gpsd_sample.aivdm", read_bytes=999) for line in b]
    assert plain == [line for b in file_batches(gz) for line in b] == raw.split(b"\n")[:-1]


def test_splitter_bounds_a_line_without_end() -> None:
    s = LineSplitter(max_line=100)
    out = s.feed(b"x" * 250) + s.feed(b"y" * 250 + b"\nok\n")
    assert out == [b"x" * 101, b"ok"]  # the over-long line is one line, cut; its end no line of its own


@given(st.lists(st.binary(max_size=120), max_size=40))
@settings(max_examples=300, deadline=None)
def test_random_bytes_never_escape_the_reader_or_the_decoder(chunks: list[bytes]) -> None:
    reader = AisReader()
    splitter = LineSplitter()
    for chunk in chunks:
        msgs, _ = reader.feed(splitter.feed(chunk))
        for m in msgs:
            with contextlib.suppress(DecodeError):
                decode_payload(m.payload, m.fill_bits)
    reader.feed(splitter.flush())
    reader.close()


@given(st.binary(max_size=200), st.integers(min_value=-2, max_value=8))
@settings(max_examples=500, deadline=None)
def test_random_payloads_decode_or_raise_decode_error(payload: bytes, fill: int) -> None:
    try:
        decode_payload(payload, fill)
    except DecodeError as exc:
        assert exc.reason in {"bad_payload", "too_short", "unknown_type", "bad_field"}


ARMOR_CHARS = st.sampled_from(list("0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVW`abcdefghijklmnopqrstuvw"))


@given(st.text(ARMOR_CHARS, max_size=200), st.integers(min_value=0, max_value=5))
@settings(max_examples=500, deadline=None)
def test_random_valid_armour_decodes_or_raises_decode_error(payload: str, fill: int) -> None:
    with contextlib.suppress(DecodeError):
        decode_payload(payload.encode(), fill)


def _serve(chunks_per_conn: list[list[bytes]]) -> tuple[socket.socket, threading.Thread]:
    srv = socket.create_server(("127.0.0.1", 0))
    srv.settimeout(5)

    def run() -> None:
        for chunks in chunks_per_conn:
            conn, _ = srv.accept()
            with conn:
                for c in chunks:
                    conn.sendall(c)
        srv.close()

    t = threading.Thread(target=run, daemon=True)
    t.start()
    return srv, t


def test_tcp_reader_loses_nothing_across_split_reads_and_reconnects() -> None:
    data = b"\r\n".join([GOOD, PART1, PART2, GOOD2]) + b"\r\n"
    cuts = [data[i : i + 7] for i in range(0, len(data), 7)]  # every sentence split across reads
    srv, thread = _serve([cuts, [GOOD + b"\n"]])
    port = srv.getsockname()[1]
    stats = TcpStats()
    received: list[bytes] = []
    reader = AisReader()
    msgs: list = []

    def enough() -> bool:
        return len(msgs) >= 4

    for batch in tcp_batches(
        "127.0.0.1", port, stop=enough, backoff_s=0.01, stats=stats, sleep=lambda s: None
    ):
        received += batch
        m, rej = reader.feed(batch)
        assert not rej
        msgs += m
    thread.join(5)
    assert len(msgs) == 4 and stats.connections == 2
    assert [m.payload[:4] for m in msgs] == [b"15RT", b"53cM", b"13:W", b"15RT"]


def test_tcp_reader_backs_off_when_nobody_listens() -> None:
    srv = socket.create_server(("127.0.0.1", 0))
    port = srv.getsockname()[1]
    srv.close()
    delays: list[float] = []
    stats = TcpStats()
    list(
        tcp_batches(
            "127.0.0.1",
            port,
            stop=lambda: len(delays) >= 5,
            backoff_s=0.1,
            max_backoff_s=0.5,
            stats=stats,
            sleep=delays.append,
        )
    )
    assert stats.failures == 5
    assert delays[3] > delays[0] and max(delays) <= 0.75


def test_tcp_reader_yields_an_empty_batch_while_the_feed_is_quiet() -> None:
    srv = socket.create_server(("127.0.0.1", 0))
    port = srv.getsockname()[1]

    def serve() -> None:
        conn, _ = srv.accept()
        with conn:
            conn.sendall(b"first\n")
            time.sleep(1.6)  # longer than the reader's one-second read timeout
            conn.sendall(b"second\n")
        srv.close()

    thread = threading.Thread(target=serve)
    thread.start()
    batches = list(tcp_batches("127.0.0.1", port, reconnect=False))
    thread.join(5)
    assert batches[0] == [b"first"] and batches[-1] == [b"second"]
    assert [] in batches[1:-1]
