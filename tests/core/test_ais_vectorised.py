"""Fuzzing the vectorised paths against the per-message path (``tests/core/ais_reference.py``).

Static and voyage reports (5, 19, 24) from the shipped captures are damaged (characters
replaced, some outside the armouring alphabet or breaking the sentence, payloads cut or
lengthened, wrong fill bits, other message types), split into fragments, interleaved on two
channels and several sequential ids, duplicated, dropped or reordered, with and without tag
blocks (sources, times that jump, groups), read in blocks of random sizes: the bulk reader must
give exactly the positions, static reports (every field), rejects (line, reason, raw line) and
counts of the line reader followed by the per-message decoder. Small line and time limits make
groups expire inside these short inputs.
"""

from __future__ import annotations

import doctest
import io
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.core.ais_reference import bulk_essence, essence, in_bulk, per_message
from veille.core.ais import batch, bulk, columns, multipart, registry, scan, spans
from veille.core.ais.decode import DecodeError, decode_payload
from veille.core.ais.nmea import nmea_checksum
from veille.core.ais.reader import AisReader
from veille.core.ais.sources import read_blocks

DATA = Path(__file__).resolve().parents[2] / "data" / "ais"


def _static_payloads() -> list[tuple[bytes, int]]:
    lines = []
    for path in sorted(DATA.iterdir()):
        if path.suffix in (".nmea", ".aivdm"):
            lines += path.read_bytes().split(b"\n")
    out = []
    for r in AisReader().feed(lines)[0]:
        if r.payload[:1] in (b"5", b"C", b"H", b"4", b";"):  # 5, 19, 24, 4, 11
            out.append((r.payload, r.fill_bits))
    return out


PAYLOADS = _static_payloads()
KINDS: dict[bytes, list[tuple[bytes, int]]] = {}
for _p, _f in PAYLOADS:  # by message type, and type 24 by part (bits 38-39: in the 7th character)
    _six = _p[6] - 48 - 8 * (_p[6] >= 96) if len(_p) > 6 else 0
    _key = _p[:1] + (b"%d" % ((_six >> 2) & 3) if _p[:1] == b"H" else b"")
    KINDS.setdefault(_key, []).append((_p, _f))
ARMOR = b"0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVW`abcdefghijklmnopqrstuvw"
ODD = b"!xyz ~,*\\"  # outside the alphabet; ',' and '*' also break the sentence itself


def sentence(body: bytes, tag: bytes | None = None) -> bytes:
    line = b"!" + body + b"*%02X" % nmea_checksum(body)
    if tag is not None:
        line = b"\\" + tag + b"*%02X" % nmea_checksum(tag) + b"\\" + line
    return line


@st.composite
def damaged(draw: st.DrawFn) -> tuple[bytes, int]:
    kind = draw(st.sampled_from(sorted(KINDS)))  # each kind as often, however rare in the captures
    payload, fill = draw(st.sampled_from(KINDS[kind]))
    p = bytearray(payload)
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["char", "odd", "cut", "grow", "type", "part"]))
        if kind == "char" and p:
            p[draw(st.integers(0, len(p) - 1))] = draw(st.sampled_from(ARMOR))
        elif kind == "odd" and p:
            p[draw(st.integers(0, len(p) - 1))] = draw(st.sampled_from(ODD))
        elif kind == "cut":
            del p[draw(st.integers(0, len(p))) :]
        elif kind == "grow":
            p += bytes(draw(st.lists(st.sampled_from(ARMOR), max_size=20)))
        elif kind == "type" and p:
            p[0] = draw(st.sampled_from(b"0123456789:;<=>?@ABCDEFGHIJKLwx"))
        elif kind == "part" and len(p) > 6:
            p[6] = draw(st.sampled_from(ARMOR))  # bits 36-41: type 24's part number
    fill = draw(st.one_of(st.just(fill), st.integers(0, 5)))
    return bytes(p), fill


@st.composite
def traffic(draw: st.DrawFn) -> list[bytes]:
    """Lines of damaged static reports, as single sentences or fragments, interleaved."""
    messages = draw(st.lists(damaged(), min_size=1, max_size=12))
    groups: list[list[bytes]] = []
    for k, (payload, fill) in enumerate(messages):
        parts = draw(st.integers(1, 3)) if payload else 1
        size = -(-len(payload) // parts) if payload else 0
        pieces = [payload[i : i + size] for i in range(0, len(payload), size)] if size else [b""]
        count = len(pieces)
        seq = b"" if count == 1 and draw(st.booleans()) else b"%d" % draw(st.integers(0, 3))
        channel = draw(st.sampled_from([b"A", b"B", b""]))
        tagged = draw(st.integers(0, 3))  # none, a time, a source and time, a group
        lines = []
        for n, piece in enumerate(pieces, 1):
            f = fill if n == count else draw(st.integers(0, 5))
            body = b"AIVDM,%d,%d,%s,%s,%s,%d" % (count, n, seq, channel, piece, f)
            tag = None
            t = 1_600_000_000 + k * draw(st.sampled_from([0, 1, 7, 30])) + n
            if tagged == 1:
                tag = b"c:%d" % t
            elif tagged == 2:
                tag = b"s:r%d,c:%d" % (k % 2, t)
            elif tagged == 3:
                tag = b"g:%d-%d-%d,c:%d" % (n, count, k % 3, t)
                if n == 1:
                    tag += b",s:rG"
            lines.append(sentence(body, tag))
        groups.append(lines)
    # interleave the messages' lines, keeping each one's fragments in order
    order = draw(st.permutations([g for g, lines in enumerate(groups) for _ in lines]))
    taken = [0] * len(groups)
    out = []
    for g in order:
        out.append(groups[g][taken[g]])
        taken[g] += 1
    # duplicate, drop and swap lines
    for _ in range(draw(st.integers(0, 4))):
        if not out:
            break
        i = draw(st.integers(0, len(out) - 1))
        op = draw(st.sampled_from(["dup", "drop", "swap"]))
        if op == "dup":
            out.insert(draw(st.integers(0, len(out))), out[i])
        elif op == "drop":
            del out[i]
        elif len(out) > 1:
            j = draw(st.integers(0, len(out) - 1))
            out[i], out[j] = out[j], out[i]
    return out


def assert_same(lines: list[bytes], read_bytes: int, **limits: float) -> dict:
    blocks = list(read_blocks(io.BytesIO(b"\n".join(lines)), read_bytes))
    ref, got = essence(per_message(blocks, **limits)), bulk_essence(in_bulk(blocks, **limits))
    for key in ref:
        assert got[key] == ref[key], key
    return ref


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(traffic(), st.integers(40, 4000), st.sampled_from([(10.0, 1000), (5.0, 4), (0.5, 2)]))
def test_damaged_static_reports_in_fragments_decode_as_message_by_message(
    lines: list[bytes], read_bytes: int, limits: tuple[float, int]
) -> None:
    assert_same(lines, read_bytes, timeout_s=limits[0], max_line_gap=limits[1])


@settings(max_examples=100, deadline=None)
@given(st.lists(damaged(), min_size=1, max_size=30))
def test_damaged_static_payloads_decode_as_message_by_message(messages: list[tuple[bytes, int]]) -> None:
    lines = [sentence(b"AIVDM,1,1,,A,%s,%d" % (p, f)) for p, f in messages]
    assert_same(lines, 1 << 20)


def test_the_fuzzed_inputs_reach_every_outcome() -> None:
    """The strategies above are not idle: they produce static reports of every kind, rejects of
    every decoding reason, orphans and incomplete groups, and both ways of reassembling."""
    kinds: set[str] = set()
    reasons: set[str] = set()
    used = {"vectorised": 0, "fallback": 0}

    @settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(traffic(), st.integers(40, 4000))
    def run(lines: list[bytes], read_bytes: int) -> None:
        blocks = list(read_blocks(io.BytesIO(b"\n".join(lines)), read_bytes))
        ref = assert_same(lines, read_bytes, timeout_s=5.0, max_line_gap=4)
        kinds.update(s[3].split("(")[0] for s in ref["statics"])
        reasons.update(r[1] for r in ref["rejects"])
        reader = bulk.BulkReader(timeout_s=5.0, max_line_gap=4)
        lineno = 1
        for b in blocks:
            reader.feed(bulk.decode_block(b.data, b.lines, lineno))
            lineno += b.lines
        used["vectorised"] += reader.assembler.vectorised
        used["fallback"] += reader.assembler.fallback

    run()
    assert {"StaticVoyageData", "StaticDataReportA", "StaticDataReportB"} <= kinds
    assert {"bad_payload", "too_short", "orphan_fragment", "incomplete_multipart", "bad_field"} <= reasons
    assert used["vectorised"] > 0 and used["fallback"] > 0


def test_statics_frame_holds_the_registry_fields_of_the_records() -> None:
    """What the store reads from a statics frame is what the typed records say."""
    lines = [sentence(b"AIVDM,1,1,,A,%s,%d" % (p, f)) for p, f in PAYLOADS]
    d = in_bulk(list(read_blocks(io.BytesIO(b"\n".join(lines)))))
    assert d.statics.height > 100
    recs = d.static_records()
    for name in sorted(batch.REGISTRY_FIELDS):
        got = d.statics.sort("lineno")[name].to_list()
        want = [getattr(m, name, None) for *_, m in recs]
        assert got == want, name


def test_the_batch_verdict_is_the_per_message_verdict_on_random_payloads() -> None:
    rng = np.random.default_rng(7)
    alphabet = np.frombuffer(ARMOR + b"!x ", dtype=np.uint8)
    payloads = [bytes(rng.choice(alphabet, size=rng.integers(1, 90))) for _ in range(20_000)]
    fill = rng.integers(0, 6, len(payloads))
    lens = np.array([len(p) for p in payloads])
    starts = np.cumsum(lens) - lens
    buf = np.frombuffer(b"".join(payloads) + b"0" * 80, dtype=np.uint8)
    from veille.core.ais.fast import position_columns

    cols = position_columns(buf, starts, lens, fill)
    code = columns.check_payloads(
        cols["msg_type"], 6 * lens - fill, cols["bad"], cols["flags"] >> 1, cols["flags"] & 1
    )
    for i, p in enumerate(payloads):
        try:
            decode_payload(p, int(fill[i]))
            want = "ok"
        except DecodeError as exc:
            want = exc.reason
        assert (columns.REASONS.get(int(code[i])) or "ok") == want, (p, int(fill[i]))


@pytest.mark.parametrize(
    "module", [batch, bulk, columns, multipart, registry, scan, spans], ids=lambda m: m.__name__
)
def test_docstring_examples(module: object) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)  # type: ignore[arg-type]
    assert result.failed == 0 and result.attempted > 0


def test_registry_changes_follow_each_vessel_in_time_order() -> None:
    f = pl.DataFrame(
        {
            "lineno": [1, 2, 3, 4, 5],
            "time_s": [30.0, 10.0, 20.0, 40.0, 15.0],
            "source": [None] * 5,
            "msg_type": [5, 5, 24, 5, 24],
            "mmsi": [7, 7, 7, 7, 8],
            "name": ["B", "A", None, "B", "Z"],
            "call_sign": [None, None, "C1", None, None],
        }
    )
    known: registry.Known = {}
    rows = registry.registry_changes(f, known, None, 0.0)
    # 7: A (t10), then call sign C1 (t20), then B (t30); the report at t40 changes nothing; 8: Z
    assert rows.select("mmsi", "valid_from", "name", "call_sign").rows() == [
        (7, 10_000_000, "A", None),
        (8, 15_000_000, "Z", None),
        (7, 20_000_000, "A", "C1"),
        (7, 30_000_000, "B", "C1"),
    ]
    assert known[7][:2] == ("B", "C1") and known[8][0] == "Z"
    again = f.filter(pl.col("lineno").is_in([1, 3, 5]))  # B, C1 and Z: what is known already
    assert registry.registry_changes(again, known, None, 0.0).height == 0


def test_registry_batches_of_several_blocks_take_them_in_turn() -> None:
    """Reports put through at once keep the order block by block would give, even when a later
    block holds earlier times."""
    first = pl.DataFrame(
        {"lineno": [1], "time_s": [100.0], "source": [None], "msg_type": [5], "mmsi": [7], "name": ["A"]}
    )
    second = pl.DataFrame(
        {"lineno": [2], "time_s": [50.0], "source": [None], "msg_type": [5], "mmsi": [7], "name": ["B"]}
    )
    one_by_one: registry.Known = {}
    rows = [registry.registry_changes(f, one_by_one, None, 0.0) for f in (first, second)]
    together: registry.Known = {}
    both = pl.concat([first.with_columns(batch=pl.lit(0)), second.with_columns(batch=pl.lit(1))])
    at_once = registry.registry_changes(both, together, None, 0.0)
    assert at_once.rows() == pl.concat(rows).rows()
    assert together == one_by_one and together[7][0] == "B"


def test_the_written_out_payload_sizes_are_those_of_the_record_classes() -> None:
    from veille.core.ais.columns import MIN_BITS_BY_TYPE, min_bits_by_type

    computed = {t: int(bits) for t, bits in enumerate(min_bits_by_type().tolist()) if bits != -1}
    assert computed == MIN_BITS_BY_TYPE
