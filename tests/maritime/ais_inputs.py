"""Inputs the AIS failure tests share: the real DMA capture, a gzip of it cut short, counts."""

from __future__ import annotations

import gzip
from pathlib import Path

from veille.maritime.store import AisStore

DATA = Path(__file__).resolve().parents[2] / "data" / "ais"
DMA = DATA / "dma_aislib_stream_example_2010-06-11.nmea"


def truncated_gz(tmp_path: Path) -> Path:
    """A gzip of several MB of NMEA cut at 60 %: the readable part spans several blocks."""
    data = gzip.compress(DMA.read_bytes() * 12, compresslevel=1)
    path = tmp_path / "cut.nmea.gz"
    path.write_bytes(data[: len(data) * 6 // 10])
    return path


def positions(root: Path) -> int:
    """How many positions the store at ``root`` holds."""
    return int(AisStore(root).query("SELECT count(*) FROM positions").fetchall()[0][0])
