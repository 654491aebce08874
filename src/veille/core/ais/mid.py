"""MMSI -> flag state through the ITU table of Maritime Identification Digits (MID).

The MID sits at a place in the MMSI that depends on the kind of station (ITU-R M.585-9 Annex 1):
ships ``MIDxxxxxx``, group calls ``0MIDxxxxx``, coast stations ``00MIDxxxx``, SAR aircraft
``111MIDxxx``, aids to navigation ``99MIDxxxx``, craft associated with a parent ship
``98MIDxxxx``, handheld VHF with DSC ``8MIDxxxxx``. AIS-SART (970), MOB (972) and EPIRB-AIS (974)
devices carry no flag. The table ships as ``data/reference/itu_mid.csv``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import polars as pl

from veille.core.env import data_dir

__all__ = ["Flag", "flag_state", "mid_expr", "mid_frame", "station_mid"]


@dataclass(frozen=True, slots=True)
class Flag:
    """A flag state: MID, ISO 3166 alpha-3 code and the ITU name (territory noted in brackets)."""

    mid: int
    iso3: str
    name: str


@lru_cache(maxsize=4)
def load_mid_table(path: str | None = None) -> dict[int, Flag]:
    """Read the MID table (``mid,iso3,name``).

    >>> load_mid_table()[257]
    Flag(mid=257, iso3='NOR', name='Norway')
    """
    file = Path(path) if path else data_dir() / "reference" / "itu_mid.csv"
    with file.open(encoding="utf-8", newline="") as f:
        return {int(r["mid"]): Flag(int(r["mid"]), r["iso3"], r["name"]) for r in csv.DictReader(f)}


def station_mid(mmsi: int) -> int | None:
    """The MID inside an MMSI, or ``None`` when the MMSI carries none.

    >>> [station_mid(m) for m in (257123450, 2573456, 111257100, 992571234, 982571234, 970123456)]
    [257, 257, 257, 257, 257, None]
    """
    if not 0 < mmsi < 1_000_000_000:
        return None
    lead = mmsi // 100_000_000
    if 2 <= lead <= 7:
        return mmsi // 1_000_000
    if lead == 8:
        return (mmsi // 100_000) % 1000
    if mmsi < 10_000_000:  # 00MIDxxxx coast station
        return mmsi // 10_000
    if lead == 0:  # 0MIDxxxxx group
        return mmsi // 100_000
    if mmsi // 1_000_000 == 111:
        return (mmsi // 1000) % 1000
    if mmsi // 10_000_000 in (98, 99):
        return (mmsi // 10_000) % 1000
    return None


def flag_state(mmsi: int, table: dict[int, Flag] | None = None) -> Flag | None:
    """The flag state of an MMSI, ``None`` if its MID is not allocated or it has none.

    >>> flag_state(273355410).iso3, flag_state(331234000).name, flag_state(970123456)
    ('RUS', 'Greenland (Denmark)', None)
    """
    mid = station_mid(mmsi)
    if mid is None:
        return None
    return (table if table is not None else load_mid_table()).get(mid)


def mid_frame() -> pl.DataFrame:
    """The table as a Polars frame (``mid``, ``flag_iso3``, ``flag_name``) for joins.

    >>> mid_frame().filter(pl.col("mid") == 316).row(0)
    (316, 'CAN', 'Canada')
    """
    rows = list(load_mid_table().values())
    return pl.DataFrame(
        {
            "mid": [r.mid for r in rows],
            "flag_iso3": [r.iso3 for r in rows],
            "flag_name": [r.name for r in rows],
        },
        schema={"mid": pl.Int64, "flag_iso3": pl.Utf8, "flag_name": pl.Utf8},
    )


def mid_expr(mmsi: pl.Expr) -> pl.Expr:
    """Polars expression computing :func:`station_mid` for a whole column.

    >>> df = pl.DataFrame({"m": [257123450, 2573456, 111257100]})
    >>> df.select(mid_expr(pl.col("m"))).to_series().to_list()
    [257, 257, 257]
    """
    m = mmsi.cast(pl.Int64)
    lead = m // 100_000_000
    return (
        pl.when((m <= 0) | (m >= 1_000_000_000))
        .then(None)
        .when((lead >= 2) & (lead <= 7))
        .then(m // 1_000_000)
        .when(lead == 8)
        .then((m // 100_000) % 1000)
        .when(m < 10_000_000)
        .then(m // 10_000)
        .when(lead == 0)
        .then(m // 100_000)
        .when(m // 1_000_000 == 111)
        .then((m // 1000) % 1000)
        .when((m // 10_000_000 == 98) | (m // 10_000_000 == 99))
        .then((m // 10_000) % 1000)
        .otherwise(None)
        .alias("mid")
    )
