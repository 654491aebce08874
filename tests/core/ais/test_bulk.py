"""The bulk reader gives exactly what the line-by-line reader gives: same positions, same times and
sources, same static reports, same rejects (line, reason, raw line), on every real capture and on
synthetic traffic with bad lines planted in it."""

from __future__ import annotations

import gzip
import io
import random
from pathlib import Path
from typing import Any

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from veille.core.ais.bulk import BulkReader, Decoded, decode_block, decode_raw_messages
from veille.core.ais.nmea import nmea_checksum
from veille.core.ais.reader import AisReader
from veille.core.ais.sources import Block, read_batches, read_blocks
from veille.core.ais.synth import generate

DATA = Path(__file__).resolve().parents[3] / "data" / "ais"
CAPTURES = sorted(p for p in DATA.iterdir() if p.suffix in (".nmea", ".aivdm"))


def by_reference(blocks: list[Block]) -> Decoded:
    reader = AisReader()
    out = Decoded.empty()
    for block in blocks:
        raws, rejects = reader.feed(block.split())
        out = out.merge(decode_raw_messages(raws).with_rejects(rejects))
    return out.merge(Decoded.empty().with_rejects(reader.close()))


def in_bulk(blocks: list[Block]) -> Decoded:
    bulk = BulkReader()
    out = Decoded.empty()
    lineno = 1
    for block in blocks:
        out = out.merge(bulk.feed(decode_block(block.data, block.lines, lineno)))
        lineno += block.lines
    return out.merge(bulk.close())


def essence(d: Decoded) -> dict[str, Any]:
    return {
        "positions": d.positions.sort("lineno").rows(),
        "statics": sorted((n, t, s, repr(m)) for n, t, s, m in d.static_records()),
        "rejects": sorted((r.lineno, r.reason.value, r.line) for r in d.rejects),
        "counts": (d.messages, d.decoded, d.untimed),
    }


def assert_same(data: bytes, read_bytes: int) -> dict[str, Any]:
    blocks = list(read_blocks(io.BytesIO(data), read_bytes))
    assert [b.split() for b in blocks] == list(read_batches(io.BytesIO(data), read_bytes))
    ref, fast = essence(by_reference(blocks)), essence(in_bulk(blocks))
    for key in ref:
        assert fast[key] == ref[key], key
    return ref


def sentence(body: bytes, tag: bytes | None = None, tail: bytes = b"") -> bytes:
    line = b"!" + body + b"*%02X" % nmea_checksum(body) + tail
    if tag is not None:
        line = b"\\" + tag + b"*%02X" % nmea_checksum(tag) + b"\\" + line
    return line


def planted(seed: int, messages: int = 2000) -> bytes:
    """Synthetic traffic (tag blocks, multi-part messages) with every kind of bad line planted."""
    rng = random.Random(seed)
    out: list[bytes] = []
    for line in generate(seed=seed, vessels=40, messages=messages):
        roll = rng.random()
        bare = line[line.index(b"\\", 1) + 1 :]
        if roll < 0.02:
            out.append(line[:-2] + b"00" if not line.endswith(b"00") else line[:-2] + b"11")  # checksum
        elif roll < 0.04:
            out.append(line[: rng.randrange(1, len(line))])  # truncated
        elif roll < 0.05:
            out.append(line[:20] + "é".encode() + line[20:])  # non-ASCII
        elif roll < 0.06:
            out.append(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 80))).replace(b"\n", b""))
        elif roll < 0.08:
            out.append(bare)  # no tag block: no time
        elif roll < 0.10:
            body = bare[1 : bare.index(b"*")]
            stamp = b"%d" % rng.randrange(1_200_000_000, 1_800_000_000)
            out.append(sentence(body, tail=b",s22,d-101,T40.1," + stamp))  # vendor fields and time
        elif roll < 0.12:
            t = rng.randrange(1_200_000_000, 1_800_000_000)
            out.append(b"$PGHP,1,2010,6,11,11,46,%d,390,231,45,992190934,1,2B" % (t % 61))
            out[-1] = b"$" + out[-1][1:] + b"*%02X" % nmea_checksum(out[-1][1:])
            if rng.random() < 0.5:
                out.append(bare)
            else:
                out.append(b"")  # the time waits for the next sentence
        elif roll < 0.13:
            body = bare[1 : bare.index(b"*")]
            out.append(sentence(body, tag=b"s:r%d,c:%d" % (rng.randrange(9), rng.randrange(10**12, 10**13))))
        elif roll < 0.14:
            body = bare[1 : bare.index(b"*")]
            out.append(sentence(body, tag=b"g:1-1-%d,s:rX,c:1600000000" % rng.randrange(99)))  # group
        elif roll < 0.15:
            out.append(b"# a comment")
        elif roll < 0.16:
            out.append(line + b"\r")
        elif roll < 0.17:
            out.append(line + b"  \t")
        elif roll < 0.175:
            out.append(b"!" + b"A" * 1500)  # over-long
        elif roll < 0.18:
            out.append(line.replace(b",1,1,,", b",1,1,12,"))  # two-digit sequence id
        elif roll < 0.19:
            continue  # a lost line: orphans and incomplete groups
        else:
            out.append(line)
    return b"\n".join(out)


def test_bulk_reader_agrees_with_the_line_reader_on_every_real_capture() -> None:
    seen = 0
    for path in CAPTURES:
        data = path.read_bytes()
        for read_bytes in (1 << 12, 1 << 20):
            ref = assert_same(data, read_bytes)
        seen += len(ref["positions"])
    assert seen > 3000


def test_bulk_reader_agrees_on_synthetic_traffic_with_planted_bad_lines() -> None:
    reasons: set[str] = set()
    for seed in (1, 2):
        data = planted(seed)
        for read_bytes in (1 << 12, 1 << 17):
            ref = assert_same(data, read_bytes)
        reasons |= {r[1] for r in ref["rejects"]}
        assert ref["counts"][2] > 0  # some messages without a time
    assert {
        "checksum",
        "non_ascii",
        "line_too_long",
        "orphan_fragment",
        "truncated",
        "bad_tag_block",
    } <= reasons


def test_pghp_time_carries_across_a_block_boundary() -> None:
    pghp = b"$PGHP,1,2010,6,11,11,46,11,390,231,45,992190934,1,2B*5B"
    good = b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A"
    blocks = [Block(pghp, 1), Block(b"\n" + good, 2)]
    fast = in_bulk(blocks)
    assert fast.positions["time_s"].to_list() == [1276256771.39]
    assert essence(fast) == essence(by_reference(blocks))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A",
                b"!AIVDM,2,1,1,,53cMa3@000010WSW?V105=<45B2222222222220t388151:9e2UiDm851DTh,0*65",
                b"!AIVDM,2,2,1,,j1C32CQp888,2*17",
                b"$PGHP,1,2010,6,11,11,46,11,390,231,45,992190934,1,2B*5B",
                b"$PGHP,1,2010,13,11,11,46,11,390,231,45,992190934,1,2B*5B",
                b"\\s:rORBCOMM008,c:1418169601*2F\\!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A",
                b"\\c:1418169601*1A\\!AIVDM,1,1,,B,KC5E2b@U19PFdLbL,0*6A",
                b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A,1276256771",
                b"",
                b"#",
                b"garbage",
            ]
        )
        | st.binary(max_size=60),
        max_size=40,
    ),
    st.integers(1, 200),
)
def test_bulk_reader_agrees_on_random_mixtures(lines: list[bytes], read_bytes: int) -> None:
    assert_same(b"\n".join(lines), read_bytes)


def test_store_ingest_in_blocks_and_in_two_threads_matches_the_line_reader(tmp_path: Path) -> None:
    from veille.core.ais.sources import file_batches, file_blocks
    from veille.maritime.store import AisStore

    path = tmp_path / "planted.nmea.gz"
    path.write_bytes(gzip.compress(planted(3, 3000)))
    stores = {}
    for name, run in {
        "lines": lambda s: s.ingest(file_batches(path, 1 << 16), clock=lambda: 1.7e9),
        "blocks": lambda s: s.ingest_blocks(file_blocks(path, 1 << 16), clock=lambda: 1.7e9),
        "threads": lambda s: s.ingest_blocks(file_blocks(path, 1 << 16), workers=2, clock=lambda: 1.7e9),
    }.items():
        store = AisStore(tmp_path / name)
        summary = run(store)
        con = store.connect()
        rows = con.sql("SELECT * EXCLUDE (day) FROM positions ORDER BY ALL").pl()
        history = con.sql("SELECT * FROM vessel_history ORDER BY ALL").pl()
        stores[name] = (summary.as_dict(), rows, history)
    ref_summary, ref_rows, ref_history = stores["lines"]
    assert ref_rows.height > 1000 and ref_history.height > 10
    for name in ("blocks", "threads"):
        summary, rows, history = stores[name]
        for key in (
            "lines",
            "messages",
            "decoded",
            "positions",
            "rejected",
            "vessels",
            "time_span",
            "without_time",
        ):
            assert summary[key] == ref_summary[key], (name, key)
        assert rows.equals(ref_rows), name
        assert history.equals(ref_history), name
    assert isinstance(ref_rows, pl.DataFrame)
