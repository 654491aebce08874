"""veille's decoder against pyais, an independent decoder, on every real capture in data/ais/.

For every message that both accept, every field that both decode must be identical once the
representation is aligned (:data:`RENAME` and :func:`normalise`: names, "not available" as None,
enums as their integer code, positions rounded to pyais' 6 decimals). Every message where the
two still differ, or where only one accepts, is listed in :data:`KNOWN` with the reason and the
clause of ITU-R M.1371-5 that decides it; the test fails on any difference not listed, and on any
listed difference that no longer occurs.
"""

from __future__ import annotations

import contextlib
import enum
from pathlib import Path
from typing import Any

import pytest

from veille.core.ais.decode import DecodeError, decode_payload
from veille.core.ais.reader import AisReader

pyais = pytest.importorskip("pyais")

DATA = Path(__file__).resolve().parents[3] / "data" / "ais"
CAPTURES = sorted(p for p in DATA.iterdir() if p.suffix in {".nmea", ".aivdm"})

#: pyais name -> veille name (same meaning, same unit once normalised).
RENAME = {
    "repeat": "repeat_indicator",
    "accuracy": "position_accuracy",
    "status": "nav_status",
    "speed": "sog_kn",
    "course": "cog_deg",
    "heading": "heading_deg",
    "maneuver": "special_manoeuvre",
    "radio": "radio_status",
    "shipname": "name",
    "callsign": "call_sign",
    "to_bow": "to_bow_m",
    "to_stern": "to_stern_m",
    "to_port": "to_port_m",
    "to_starboard": "to_starboard_m",
    "draught": "draught_m",
    "partno": "part_number",
    "vendorid": "vendor_id",
    "model": "unit_model",
    "serial": "serial_number",
    "seqno": "sequence_number",
    "dest_mmsi": "dest_mmsi",
    "alt": "altitude_m",
    "gnss": "position_latency",
    "cs": "cs_unit",
    "txrx": "txrx_mode",
    "zonesize": "zone_size",
    "quiet": "quiet_min",
    "virtual_aid": "virtual_aid",
    "off_position": "off_position",
    "reserved_1": "aton_status",
    "name_ext": "name_extension",
    "retransmit": "retransmit",
    "dest1": "dest_mmsi_1",
    "dest2": "dest_mmsi_2",
    "mmsi1": "dest_mmsi_1",
    "mmsi2": "dest_mmsi_2",
    "type1_1": "msg_type_1_1",
    "offset1_1": "slot_offset_1_1",
    "type1_2": "msg_type_1_2",
    "offset1_2": "slot_offset_1_2",
    "type2_1": "msg_type_2_1",
    "offset2_1": "slot_offset_2_1",
    "offset1": "offset_1",
    "number1": "number_1",
    "timeout1": "timeout_1",
    "increment1": "increment_1",
    "offset2": "offset_2",
    "number2": "number_2",
    "timeout2": "timeout_2",
    "increment2": "increment_2",
    "offset3": "offset_3",
    "number3": "number_3",
    "timeout3": "timeout_3",
    "increment3": "increment_3",
    "offset4": "offset_4",
    "number4": "number_4",
    "timeout4": "timeout_4",
    "increment4": "increment_4",
    "mmsi_1": "dest_mmsi_a",
    "offset_1_a": "offset_a",
}

#: Per type renames where pyais reuses a name with another meaning.
RENAME_BY_TYPE: dict[int, dict[str, str]] = {
    5: {"month": "eta_month", "day": "eta_day", "hour": "eta_hour", "minute": "eta_minute"},
    7: {f"mmsi{i}": f"mmsi_{i}" for i in range(1, 5)} | {f"mmsiseq{i}": f"sequence_{i}" for i in range(1, 5)},
    13: {f"mmsi{i}": f"mmsi_{i}" for i in range(1, 5)}
    | {f"mmsiseq{i}": f"sequence_{i}" for i in range(1, 5)},
    16: {
        "mmsi1": "dest_mmsi_a",
        "offset1": "offset_a",
        "increment1": "increment_a",
        "mmsi2": "dest_mmsi_b",
        "offset2": "offset_b",
        "increment2": "increment_b",
    },
    15: {"mmsi1": "dest_mmsi_1", "mmsi2": "dest_mmsi_2"},
}

#: Sentinel values pyais returns for "not available" where veille returns None (M.1371-5 Annex 8 Table 45 …).
NOT_AVAILABLE: dict[str, tuple[Any, ...]] = {
    "lon": (181.0,),
    "lat": (91.0,),
    "heading_deg": (511,),
    "imo": (0,),
    "draught_m": (0.0,),
    "altitude_m": (4095,),
    "eta_month": (0,),
    "eta_day": (0,),
    "eta_hour": (24,),
    "eta_minute": (60,),
}


def normalise(msg_type: int, name: str, theirs: Any) -> Any:
    """pyais' value in veille's representation (enums -> int, sentinels -> None)."""
    if isinstance(theirs, enum.Enum):
        theirs = theirs.value
    if name in NOT_AVAILABLE and theirs in NOT_AVAILABLE[name]:
        return None
    if name == "name_extension" and theirs is None:
        return ""  # no extension transmitted: veille uses the empty string, pyais None
    if name == "sog_kn":
        na = {27: 63, 9: 1023}.get(msg_type, 102.3)
        return None if theirs == na else theirs
    if name == "cog_deg":
        na = 511 if msg_type == 27 else 360.0
        return None if theirs == na else theirs
    if msg_type == 4 or msg_type == 11:
        na = {"year": 0, "month": 0, "day": 0, "hour": 24, "minute": 60, "second": 60}
        if name in na and theirs == na[name]:
            return None
    return theirs


def ours_value(msg: Any, name: str, msg_type: int) -> Any:
    value = getattr(msg, name)
    if name in ("lat", "lon") and value is not None:
        return round(value, 6)
    if msg_type in (9, 18) and name == "radio_status":
        return (int(msg.comm_state_selector) << 19) | value  # pyais keeps the selector flag in "radio"
    if msg_type == 9 and name == "aton_status":
        return value
    return value


def their_rot(theirs: Any) -> Any:
    return theirs.value if isinstance(theirs, enum.Enum) else theirs


def compare(msg: Any, theirs: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Fields both decoders produce whose values differ: name -> (veille, pyais)."""
    diffs: dict[str, tuple[Any, Any]] = {}
    t = msg.msg_type
    renames = RENAME | RENAME_BY_TYPE.get(t, {})
    for key, value in theirs.items():
        if key == "turn":
            rot = msg.rot_ais
            mine = None if rot is None else (rot if abs(rot) >= 127 else round(msg.rot_deg_min))
            other = their_rot(value)
            if rot is None and other == -128:
                other = None
            if mine != other and not (mine is not None and other is not None and float(mine) == float(other)):
                diffs["rot_ais"] = (mine, other)
            continue
        if t == 9 and key == "reserved_1":
            if (value >> 7) != int(msg.altitude_sensor):
                diffs["altitude_sensor"] = (msg.altitude_sensor, value >> 7)
            continue
        name = renames.get(key, key)
        if not hasattr(msg, name):
            continue  # decoded by only one side (pyais' application-specific DAC/FI fields)
        mine = ours_value(msg, name, t)
        other = normalise(t, name, value)
        if name == "data" and isinstance(other, bytes) and other[len(mine) :].strip(b"\0") == b"":
            other = other[: len(mine)]  # pyais may append a zero padding byte
        if mine != other:
            diffs[name] = (mine, other)
    return diffs


#: Why veille and pyais differ: rule -> (fields allowed to differ, reason, deciding clause of ITU-R M.1371-5).
RULES: dict[str, tuple[frozenset[str], str, str]] = {
    "partial_field": (
        frozenset(
            {f"offset_{i}" for i in (2, 3, 4)}
            | {"mmsi_3", "dest_mmsi_2", "slot_offset_1_2", "slot_offset_2_1"}
        ),
        "the message ends inside this field; pyais pads the missing bits with zeros and returns a value, "
        "veille returns None (field not transmitted)",
        "Annex 8 §3.5/§3.11 (messages 7 and 13: 72, 104, 136 or 168 bits), §3.13 (message 15: 88, 110 or "
        "160 bits), §3.18 (message 20: one to four complete 30-bit reservations)",
    ),
    "partial_character": (
        frozenset({"text"}),
        "4 bits remain after the last whole 6-bit character; pyais turns them into a character",
        "Annex 8 §3.12 (message 14: safety text in 6-bit ASCII characters) and Table 47 (6-bit ASCII)",
    ),
    "reserved_code": (
        frozenset({"ship_type", "epfd", "station_type"}),
        "pyais replaces codes it has no name for by 0 'not available' (or by 6 for station types); veille "
        "keeps the transmitted code: a reserved or regional code is not 'not available'",
        "Annex 8 §3.3 Table 53 (type of ship: 0 not available, 1-19 and 38-39 reserved), EPFD codes 9-14 "
        "not used, §3.21 (message 23 station type 6-9 regional, 10-15 future use)",
    ),
    "tenth_minutes": (
        frozenset({"lat", "lon", "ne_lat", "ne_lon", "sw_lat", "sw_lon", "station_type", "data"}),
        "these positions are sent in 1/10 min; pyais divides by 10 and returns minutes, veille divides "
        "by 600 and returns degrees like every other position",
        "Annex 8 §3.15 (message 17 longitude/latitude in 1/10 min), §3.20 and §3.21 (messages 22 and 23 "
        "corners in 1/10 min)",
    ),
    "leading_space": (
        frozenset({"destination", "name"}),
        "pyais strips leading spaces of text fields; they are transmitted characters, only trailing '@' "
        "(and trailing spaces) are padding",
        "Annex 8 §3.3 (message 5 name and destination: 6-bit ASCII, '@' = not available) and Table 47",
    ),
    "at_padding": (
        frozenset({"name", "name_extension", "full_name"}),
        "the name is '@'-padded then space-filled; pyais keeps the '@' because spaces follow them, and "
        "decodes 4 leftover bits of the extension as a character",
        "Annex 8 §3.19 (message 21: name '@'-padded, extension 0-88 bits = at most 14 whole characters)",
    ),
    "msg26_comm_state": (
        frozenset({"data", "radio_status", "app_id"}),
        "the last 20 bits of message 26 are the communication state selector and state, which veille "
        "decodes and pyais leaves inside the binary data; an unstructured message has no application "
        "identifier, which pyais reads anyway",
        "Annex 8 §3.24 (message 26: binary data, then communication state selector flag and "
        "communication state; binary data flag 0 = unstructured)",
    ),
    "too_short": (
        frozenset({"accept"}),
        "a message 1 of 163 bits: veille rejects it as too_short, pyais pads it with zeros",
        "Annex 8 §3.1 (messages 1, 2 and 3 are 168 bits)",
    ),
}

#: Every message where the decoders differ after alignment: rule -> capture -> first line numbers.
KNOWN_BY_RULE: dict[str, dict[str, list[int]]] = {
    "partial_field": {
        "dma_aislib_stream_example_2010-06-11.nmea": [
            213,
            234,
            316,
            491,
            493,
            498,
            500,
            502,
            619,
            648,
            650,
            652,
            654,
            811,
            904,
            911,
            958,
            1015,
            1017,
            1040,
            1065,
            1130,
            1145,
            1147,
            1149,
            1192,
            1277,
            1299,
            1305,
            1307,
            1309,
            1316,
            1318,
            1322,
            1324,
            1326,
            1333,
            1335,
            1417,
            1429,
            1431,
            1433,
            1748,
            1752,
            1757,
            1759,
            1761,
            1854,
            1928,
            2044,
            2046,
            2052,
            2054,
            2056,
            2060,
            2261,
            2335,
            2337,
            2349,
            2351,
            2355,
            2369,
            2481,
            2930,
            2957,
            2979,
            3197,
            3345,
            3349,
            3418,
            3473,
            3481,
            3597,
            3948,
            3955,
            3969,
            3973,
            3977,
            4028,
            4220,
            4241,
            4245,
            4252,
            4458,
            4544,
            4546,
            4550,
            4619,
            4677,
            4679,
            4758,
            4769,
            4839,
            5081,
            5177,
            5187,
            5193,
            5221,
            5434,
            5446,
            5450,
            5452,
            5525,
            5527,
            5540,
            5554,
            5615,
            5642,
            5658,
            5671,
            5673,
            5675,
            5811,
            5870,
            5967,
            5978,
            6128,
            6148,
            6282,
            6408,
            6412,
            6414,
            6416,
            6472,
            6581,
            6605,
            6696,
            6705,
            6707,
            6861,
            6884,
            6917,
            7009,
            7121,
            7123,
            7125,
            7133,
            7135,
            7155,
            7274,
            7276,
            7278,
            7282,
            7292,
            7422,
            7424,
            7428,
            7432,
            7437,
            7439,
            7598,
            7878,
            8192,
            8432,
        ],
        "gpsd_sample.aivdm": [230, 240, 649, 798, 809],
        "libais_typeexamples.nmea": [14, 15],
        "pyais_nmea_data_sample_aegean.nmea": [807],
    },
    "reserved_code": {
        "dma_aislib_stream_example_2010-06-11.nmea": [852, 1339, 2275, 3299],
        "gpsd_sample.aivdm": [1026],
    },
    "tenth_minutes": {
        "dma_aislib_stream_example_2010-06-11.nmea": [1196, 2353, 2477, 3085, 4059, 6031, 6400, 6863, 6960],
        "gpsd_sample.aivdm": [687, 697, 861, 886],
        "libais_typeexamples.nmea": [12, 19, 25],
    },
    "leading_space": {
        "dma_aislib_stream_example_2010-06-11.nmea": [2510, 3119, 4525, 7506, 7602, 8163],
    },
    "at_padding": {
        "dma_aislib_stream_example_2010-06-11.nmea": [7294],
    },
    "msg26_comm_state": {
        "gpsd_sample.aivdm": [926, 946, 951, 956, 961],
        "libais_typeexamples.nmea": [18],
    },
    "too_short": {
        "gpsd_sample.aivdm": [1098],
    },
    "partial_character": {
        "libais_typeexamples.nmea": [13],
    },
}
KNOWN: dict[tuple[str, int], str] = {
    (capture, line): rule
    for rule, files in KNOWN_BY_RULE.items()
    for capture, lines in files.items()
    for line in lines
}


def outcomes() -> dict[tuple[str, int], tuple[str, dict[str, tuple[Any, Any]]]]:
    found: dict[tuple[str, int], tuple[str, dict[str, tuple[Any, Any]]]] = {}
    for path in CAPTURES:
        reader = AisReader()
        raws, _ = reader.feed(path.read_bytes().split(b"\n"))
        for raw in raws:
            key = (path.name, raw.first_lineno)
            try:
                msg = decode_payload(raw.payload, raw.fill_bits)
            except DecodeError as exc:
                msg, err = None, exc.reason
            try:
                theirs = pyais.decode(*raw.lines).asdict()
            except Exception:  # pyais signals bad input with several exception types
                theirs = None
            if msg is None and theirs is None:
                continue
            if msg is None:
                found[key] = ("accept", {"veille": (err, "decoded")})
            elif theirs is None:
                found[key] = ("accept", {"pyais": ("decoded", "rejected")})
            else:
                diffs = compare(msg, theirs)
                if diffs:
                    found[key] = (",".join(sorted(diffs)), diffs)
    return found


def test_captures_are_present() -> None:
    assert len(CAPTURES) >= 5


def test_veille_and_pyais_agree_on_every_real_capture() -> None:
    found = outcomes()
    unexplained = {
        k: v for k, v in found.items() if k not in KNOWN or not set(v[0].split(",")) <= RULES[KNOWN[k]][0]
    }
    stale = sorted(k for k in KNOWN if k not in found)
    assert not unexplained, "differences not listed in KNOWN:\n" + "\n".join(
        f"{k}: {v}" for k, v in sorted(unexplained.items())
    )
    assert not stale, f"listed differences that no longer occur: {stale}"


def test_every_listed_difference_names_a_rule_with_reason_and_clause() -> None:
    assert set(KNOWN_BY_RULE) <= set(RULES)
    for allowed, reason, clause in RULES.values():
        assert allowed and reason and clause.startswith("Annex 8")


def test_agreement_covers_every_message_type_in_the_captures() -> None:
    types = set()
    for path in CAPTURES:
        raws, _ = AisReader().feed(path.read_bytes().split(b"\n"))
        for raw in raws:
            with contextlib.suppress(DecodeError):
                types.add(decode_payload(raw.payload, raw.fill_bits).msg_type)
    assert types == set(range(1, 28))
