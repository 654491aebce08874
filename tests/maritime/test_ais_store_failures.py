"""The AIS store when things go wrong: writes cut short, parts left damaged, a source that fails
part-way. Real files, real stores in tmp_path, a real subprocess whose writes are limited."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.maritime.ais_inputs import DMA, positions, truncated_gz
from veille.core.ais.sources import Block, file_blocks
from veille.maritime.store import AisStore, StoreDamaged

# -- 1. no half-written part, and a clear error for one left by an older version -----------------


def test_a_write_cut_short_leaves_no_part_where_the_store_reads(tmp_path: Path) -> None:
    # a real write that fails half-way: the process may not write files over 16 KB (RLIMIT_FSIZE)
    script = f"""
import resource, signal, sys
from veille.core.ais.sources import file_blocks
from veille.maritime.store import AisStore
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (16_000, 16_000))
try:
    AisStore({str(tmp_path / "s")!r}).ingest_blocks(file_blocks({str(DMA)!r}), workers=1)
except Exception as exc:
    print(type(exc).__name__, exc)
    sys.exit(9)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 9, done.stderr
    parts = list((tmp_path / "s").rglob("*.parquet"))
    assert all(p.stat().st_size > 0 for p in parts)
    AisStore(tmp_path / "s").stats()  # every part the store reads is whole
    assert not list((tmp_path / "s").rglob("*.tmp"))  # and the failed write left nothing behind


def test_an_empty_part_from_an_older_version_is_named_not_a_traceback(tmp_path: Path) -> None:
    AisStore(tmp_path).ingest_blocks(file_blocks(DMA))
    empty = tmp_path / "positions" / "day=2010-06-11" / "part-0123456789ab-000001.parquet"
    empty.write_bytes(b"")
    with pytest.raises(StoreDamaged, match=r"part-0123456789ab-000001\.parquet"):
        AisStore(tmp_path).stats()
    with pytest.raises(StoreDamaged, match=r"part-0123456789ab-000001\.parquet"):
        AisStore(tmp_path).ingest_blocks(file_blocks(DMA))  # the registry is read first


# -- 2. an input error mid-file keeps what was decoded before it ---------------------------------


@pytest.mark.parametrize("workers", [1, 2])
def test_blocks_read_before_a_damaged_end_are_all_stored(tmp_path: Path, workers: int) -> None:
    cut = truncated_gz(tmp_path)
    given: list[Block] = []

    def recorded():  # the real reader; the blocks it gave are kept to compare with
        for block in file_blocks(cut):
            given.append(block)
            yield block

    with pytest.raises((EOFError, ValueError)):
        AisStore(tmp_path / "s").ingest_blocks(recorded(), workers=workers)
    assert len(given) >= 2
    whole = AisStore(tmp_path / "ref").ingest_blocks(given, workers=1)
    assert positions(tmp_path / "s") == whole.positions > 0
