"""Encoder/decoder round trips, the fast path against the full decoder, flags from the MID table."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from veille.core.ais.decode import DecodeError, decode_payload
from veille.core.ais.encode import encode_message, encode_payload
from veille.core.ais.fast import decode_positions
from veille.core.ais.messages import ClassBPositionReport, LongRangeReport, PositionReport, StaticVoyageData
from veille.core.ais.mid import flag_state, load_mid_table
from veille.core.ais.reader import AisReader
from veille.core.ais.synth import generate

DATA = Path(__file__).resolve().parents[3] / "data" / "ais"
TEXT = st.text(st.sampled_from(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -.")), max_size=20).map(
    lambda s: s.rstrip(" ")
)
LON = st.one_of(st.none(), st.integers(-180 * 600_000, 180 * 600_000).map(lambda v: v / 600_000))
LAT = st.one_of(st.none(), st.integers(-90 * 600_000, 90 * 600_000).map(lambda v: v / 600_000))
SOG = st.one_of(st.none(), st.integers(0, 1022).map(lambda v: v / 10))
COG = st.one_of(st.none(), st.integers(0, 3599).map(lambda v: v / 10))
MMSI = st.integers(0, 2**30 - 1)

position_reports = st.builds(
    PositionReport,
    st.sampled_from([1, 2, 3]),
    st.integers(0, 3),
    MMSI,
    st.integers(0, 15),
    st.one_of(st.none(), st.integers(-127, 127)),
    SOG,
    st.booleans(),
    LON,
    LAT,
    COG,
    st.one_of(st.none(), st.integers(0, 359)),
    st.integers(0, 63),
    st.integers(0, 3),
    st.booleans(),
    st.integers(0, 2**19 - 1),
)
class_b = st.builds(
    ClassBPositionReport,
    st.just(18),
    st.integers(0, 3),
    MMSI,
    SOG,
    st.booleans(),
    LON,
    LAT,
    COG,
    st.one_of(st.none(), st.integers(0, 359)),
    st.integers(0, 63),
    *[st.booleans()] * 8,
    st.integers(0, 2**19 - 1),
)
long_range = st.builds(
    LongRangeReport,
    st.just(27),
    st.integers(0, 3),
    MMSI,
    st.booleans(),
    st.booleans(),
    st.integers(0, 15),
    st.one_of(st.none(), st.integers(-180 * 600, 180 * 600).map(lambda v: v / 600)),
    st.one_of(st.none(), st.integers(-90 * 600, 90 * 600).map(lambda v: v / 600)),
    st.one_of(st.none(), st.integers(0, 62)),
    st.one_of(st.none(), st.integers(0, 359)),
    st.booleans(),
)
static = st.builds(
    StaticVoyageData,
    st.just(5),
    st.integers(0, 3),
    MMSI,
    st.integers(0, 3),
    st.one_of(st.none(), st.integers(1, 2**30 - 1)),
    TEXT.map(lambda s: s[:7].rstrip(" ")),
    TEXT,
    st.integers(0, 255),
    st.integers(0, 511),
    st.integers(0, 511),
    st.integers(0, 63),
    st.integers(0, 63),
    st.integers(0, 15),
    st.one_of(st.none(), st.integers(1, 12)),
    st.one_of(st.none(), st.integers(1, 31)),
    st.one_of(st.none(), st.integers(0, 23)),
    st.one_of(st.none(), st.integers(0, 59)),
    st.one_of(st.none(), st.integers(1, 255).map(lambda v: v / 10)),
    TEXT,
    st.booleans(),
)


@given(st.one_of(position_reports, class_b, long_range, static), st.sampled_from("AB"), st.integers(0, 9))
@settings(max_examples=200, deadline=None)
def test_encoded_sentences_read_and_decode_back_to_the_same_record(msg, channel, seq) -> None:  # type: ignore[no-untyped-def]
    lines = encode_message(msg, channel=channel, seq_id=seq, source="synthetic", time_s=1.7e9)
    raws, rejects = AisReader().feed(lines)
    assert not rejects and len(raws) == 1
    assert raws[0].source == "synthetic" and raws[0].time_s == 1.7e9
    assert decode_payload(raws[0].payload, raws[0].fill_bits) == msg


@given(st.lists(st.one_of(position_reports, class_b, long_range), min_size=1, max_size=30))
@settings(max_examples=100, deadline=None)
def test_fast_path_equals_the_full_decoder(msgs) -> None:  # type: ignore[no-untyped-def]
    encoded = [encode_payload(m) for m in msgs]
    df = decode_positions([p for p, _ in encoded], [f for _, f in encoded])
    for row, m in zip(df.iter_rows(named=True), msgs, strict=True):
        assert row["valid"]
        assert (row["mmsi"], row["lon"], row["lat"], row["sog_kn"], row["cog_deg"]) == (
            m.mmsi,
            m.lon,
            m.lat,
            m.sog_kn,
            m.cog_deg,
        )
        assert row["heading_deg"] == getattr(m, "heading_deg", None)
        assert row["nav_status"] == getattr(m, "nav_status", None)


def test_fast_path_equals_the_full_decoder_on_every_real_capture() -> None:
    payloads, fills, full = [], [], []
    for path in sorted(DATA.glob("*.nmea")) + sorted(DATA.glob("*.aivdm")):
        raws, _ = AisReader().feed(path.read_bytes().split(b"\n"))
        for r in raws:
            payloads.append(r.payload)
            fills.append(r.fill_bits)
            try:
                full.append(decode_payload(r.payload, r.fill_bits))
            except DecodeError:
                full.append(None)
    df = decode_positions(payloads, fills)
    checked = 0
    for row, m in zip(df.iter_rows(named=True), full, strict=True):
        is_pos = m is not None and m.msg_type in (1, 2, 3, 18, 19, 27)
        assert row["valid"] == is_pos
        if is_pos:
            checked += 1
            assert (row["mmsi"], row["lat"], row["lon"], row["sog_kn"]) == (m.mmsi, m.lat, m.lon, m.sog_kn)
    assert checked > 3000


def test_synthetic_traffic_is_seeded_marked_and_decodes() -> None:
    lines = list(generate(seed=3, vessels=20, messages=500))
    assert lines == list(generate(seed=3, vessels=20, messages=500))
    assert lines != list(generate(seed=4, vessels=20, messages=500))
    raws, rejects = AisReader().feed(lines)
    assert not rejects and len(raws) == 500
    assert {r.source for r in raws} == {"synthetic"}
    assert {decode_payload(r.payload, r.fill_bits).msg_type for r in raws} == {1, 5, 18, 24}


def test_flag_states_of_arctic_neighbours() -> None:
    assert flag_state(257999000).iso3 == "NOR"  # type: ignore[union-attr]
    assert flag_state(273123456).iso3 == "RUS"  # type: ignore[union-attr]
    assert flag_state(992731234).iso3 == "RUS"  # type: ignore[union-attr]  # aid to navigation
    assert flag_state(200000000) is None  # MID 200 is not allocated
    table = load_mid_table()
    assert len(table) > 280 and all(len(f.iso3) == 3 for f in table.values())
