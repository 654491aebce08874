"""The bulk reader (what ``veille ais ingest FILE`` runs) against the per-message path
(``tests/core/ais_reference.py``: the line reader, then :func:`decode_payload` on every message):
same positions, static reports, rejects by reason and line, counts, on every shipped capture and on
the headline benchmark input (the captures mixed to 1,000,000 lines, ``bench/_ais_mix.py``)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from bench._ais_mix import real_mix

from tests.core.ais_reference import blocks_of, bulk_essence, essence, in_bulk, per_message

DATA = Path(__file__).resolve().parents[2] / "data" / "ais"
CAPTURES = sorted(p for p in DATA.iterdir() if p.suffix in (".nmea", ".aivdm"))


@pytest.mark.parametrize("path", CAPTURES, ids=lambda p: p.name)
@pytest.mark.parametrize("read_bytes", [1 << 11, 1 << 20])
def test_every_capture_decodes_as_message_by_message(path: Path, read_bytes: int) -> None:
    blocks = blocks_of(path.read_bytes(), read_bytes)
    ref, bulk = essence(per_message(blocks)), bulk_essence(in_bulk(blocks))
    for key in ref:
        assert bulk[key] == ref[key], key
    assert ref["counts"][0] > 0


def test_reject_counts_by_reason_on_every_capture_equal_the_per_message_path() -> None:
    seen: Counter[str] = Counter()
    for path in CAPTURES:
        blocks = blocks_of(path.read_bytes())
        ref = per_message(blocks).reject_counts()
        got = Counter(r.reason.value for r in in_bulk(blocks).rejects)
        assert got == ref, path.name
        seen += ref
    # the captures hold these kinds of bad input: the comparison above is not between empty sets
    assert {"empty_payload", "incomplete_multipart", "too_short", "truncated"} <= set(seen)


@pytest.mark.slow
def test_the_million_line_mix_counts_as_message_by_message() -> None:
    mix = real_mix()
    assert len(mix) > 999_000
    blocks = blocks_of(b"\n".join(mix) + b"\n")
    ref = per_message(blocks)
    bulk = in_bulk(blocks)
    assert bulk.positions.height == len(ref.positions) > 600_000
    assert bulk.positions["lineno"].sort().to_list() == sorted(r[0] for r in ref.positions)
    assert bulk.statics.height == len(ref.statics) > 80_000
    assert Counter(r.reason.value for r in bulk.rejects) == ref.reject_counts()
    assert (bulk.messages, bulk.untimed) == (ref.messages, ref.untimed)
    assert Counter(m.msg_type for *_, m in bulk.static_records()) == Counter(
        m.msg_type for *_, m in ref.statics
    )
