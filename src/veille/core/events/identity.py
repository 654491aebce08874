"""Identity changes from the vessel registry: name, call sign, ship type per MMSI; flag per IMO.

A change of name, call sign or ship type is a new value where an earlier one was known (a first
value is not a change; an absent value, common in partial reports, is not a change either). A flag
change is seen through the IMO number, which stays with the hull: the same IMO reported by an MMSI
whose MID (hence flag) differs from the one before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from veille.core.ais.mid import mid_expr

from .schema import event_frame

__all__ = ["FIELDS", "IdentityDetector"]

FIELDS = ("name", "call_sign", "ship_type")


@dataclass(frozen=True)
class IdentityDetector:
    """``IdentityDetector().detect(history) -> events`` over ``vessel_history`` rows.

    >>> from datetime import datetime, UTC
    >>> t = [datetime(2026, 1, d, tzinfo=UTC) for d in (1, 2, 3)]
    >>> h = pl.DataFrame({"mmsi": [257000001, 257000001, 273000001], "valid_from": t,
    ...                   "name": ["POLAR", "NORD", "NORD"], "call_sign": ["LA1", "LA1", "UB1"],
    ...                   "ship_type": [70, 70, 70], "imo": [9000001, 9000001, 9000001]})
    >>> for row in IdentityDetector().detect(h).select("mmsi", "detail").rows():
    ...     print(row)
    (257000001, '{"field": "name", "from": "POLAR", "to": "NORD"}')
    (273000001, '{"field": "flag", "from": "NOR", "to": "RUS"}')
    """

    fields: tuple[str, ...] = FIELDS

    def params(self) -> dict[str, Any]:
        return {"fields": [*self.fields, "flag"]}

    def detect(self, history: pl.DataFrame) -> pl.DataFrame:
        h = history.sort("mmsi", "valid_from")
        if "imo" in h.columns:
            h = h.with_columns(pl.col("imo").cast(pl.Int64, strict=False))
        parts = []
        for f in self.fields:
            if f not in h.columns:
                continue
            s = h.filter(pl.col(f).is_not_null()).select(
                "mmsi",
                "valid_from",
                pl.col(f).cast(pl.Utf8).alias("to"),
                pl.col(f).cast(pl.Utf8).shift(1).over("mmsi").alias("from"),
            )
            parts.append(
                s.filter(pl.col("from").is_not_null() & (pl.col("from") != pl.col("to"))).with_columns(
                    field=pl.lit(f)
                )
            )
        if "imo" in h.columns:
            from veille.core.ais.mid import mid_frame

            flags = mid_frame().select(pl.col("mid").cast(pl.Int64), "flag_iso3")
            s = (
                h.filter(pl.col("imo").is_not_null() & (pl.col("imo") > 0))
                .with_columns(mid_expr(pl.col("mmsi")).cast(pl.Int64))
                .join(flags, on="mid", how="left")
                .sort("imo", "valid_from", "mmsi")
                .select(
                    "mmsi",
                    "valid_from",
                    pl.col("flag_iso3").alias("to"),
                    pl.col("flag_iso3").shift(1).over("imo").alias("from"),
                )
            )
            parts.append(
                s.filter(pl.col("from").is_not_null() & (pl.col("from") != pl.col("to"))).with_columns(
                    field=pl.lit("flag")
                )
            )
        if not parts:
            return event_frame("identity_change", pl.DataFrame(schema={"mmsi": pl.UInt32}), self.params())
        ch = pl.concat(parts).sort("valid_from", "mmsi", "field")
        rows = ch.select(
            "mmsi",
            pl.col("valid_from").alias("start"),
            pl.col("valid_from").alias("end"),
            pl.col("field").alias("zone"),
            pl.struct(pl.col("field"), pl.col("from"), pl.col("to")).struct.json_encode().alias("detail"),
        )
        out = event_frame("identity_change", rows, self.params())
        return out.with_columns(
            detail=pl.col("detail").str.replace_all(r'","', '", "').str.replace_all(r'":"', '": "')
        )
