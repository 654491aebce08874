"""Vectorised decoding of position reports (messages 1, 2, 3, 18, 19, 27) for whole batches.

The payloads of a batch are joined into one buffer; NumPy gathers the first 28 characters of
every payload into a matrix, maps them to 6-bit values with a lookup table, and extracts each
field for all rows at once. No Python runs per message. Rows that are not position reports, are
too short or hold characters outside the armouring alphabet come back with ``valid`` false, for
the full decoder (:func:`veille.core.ais.decode.decode_payload`) to handle or reject.
Scaling and "not available" values are those of the typed records (null in the frame).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import polars as pl

from .armor import ARMOR

POSITION_TYPES = (1, 2, 3, 18, 19, 27)
_WIDTH = 28  # characters that hold every position field (168 bits)
_CHUNK = 65_536
_LUT = np.full(256, 255, dtype=np.uint8)
_LUT[np.frombuffer(ARMOR, dtype=np.uint8)] = np.arange(64, dtype=np.uint8)
_MIN_BITS = np.zeros(64, dtype=np.int64)
_MIN_BITS[[1, 2, 3, 18]] = 168
_MIN_BITS[19] = 312
_MIN_BITS[27] = 96
_IS_POS = np.zeros(64, dtype=bool)
_IS_POS[list(POSITION_TYPES)] = True

_SENTINEL = {"heading_deg": 511, "nav_status": 255}
U64 = npt.NDArray[np.uint64]


def _field(v6: npt.NDArray[np.uint8], start: int, width: int) -> U64:
    c0, c1 = start // 6, (start + width - 1) // 6
    acc = v6[:, c0].astype(np.uint64)
    for c in range(c0 + 1, c1 + 1):
        acc = (acc << np.uint64(6)) | v6[:, c]
    shift = (c1 + 1) * 6 - (start + width)
    return (acc >> np.uint64(shift)) & np.uint64((1 << width) - 1)


def _signed(x: U64, width: int) -> npt.NDArray[np.int64]:
    s = x.astype(np.int64)
    return np.where(s >= (1 << (width - 1)), s - (1 << width), s)


def _scaled(raw: npt.NDArray[np.int64], divisor: float, na: int) -> npt.NDArray[np.float64]:
    out = raw / divisor
    out[raw == na] = np.nan
    return out


def decode_positions(payloads: Sequence[bytes], fill_bits: Sequence[int] | None = None) -> pl.DataFrame:
    """Decode the position fields of every payload of a batch at once.

    Returns one row per input (same order) with ``valid`` telling which rows are complete
    position reports: ``msg_type``, ``mmsi``, ``nav_status``, ``lon``, ``lat`` (degrees),
    ``sog_kn``, ``cog_deg``, ``heading_deg`` (null when not available), ``second``.

    >>> df = decode_positions([b"15RTgt0PAso;90TKcjM8h6g208CQ", b"KC5E2b@U19PFdLbL", b"5abc"])
    >>> df.select("valid", "msg_type", "mmsi", "sog_kn").rows()
    [(True, 1, 371798000, 12.3), (True, 27, 206914217, 57.0), (False, 5, None, None)]
    """
    n = len(payloads)
    if n == 0:
        return _frame({})
    parts = [_decode_chunk(payloads[i : i + _CHUNK], fill_bits, i) for i in range(0, n, _CHUNK)]
    cols = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    return _frame(cols)


def _frame(cols: dict[str, np.ndarray]) -> pl.DataFrame:
    schema = {
        "valid": pl.Boolean,
        "msg_type": pl.UInt8,
        "mmsi": pl.UInt32,
        "nav_status": pl.UInt8,
        "lon": pl.Float64,
        "lat": pl.Float64,
        "sog_kn": pl.Float64,
        "cog_deg": pl.Float64,
        "heading_deg": pl.UInt16,
        "second": pl.UInt8,
    }
    if not cols:
        return pl.DataFrame(schema=schema)
    valid = cols["valid"]
    series = []
    for name, dtype in schema.items():
        s = pl.Series(name, cols[name])
        if dtype == pl.Float64:
            s = s.fill_nan(None)
        elif name in _SENTINEL:
            s = s.cast(pl.Int64).cast(dtype, strict=False)
            s = s.set(pl.Series(cols[name] == _SENTINEL[name]), None)
        else:
            s = s.cast(dtype)
        if name not in ("valid", "msg_type"):
            s = s.set(pl.Series(~valid), None)
        series.append(s)
    return pl.DataFrame(series)


def _decode_chunk(
    payloads: Sequence[bytes], fill_bits: Sequence[int] | None, offset: int
) -> dict[str, np.ndarray]:
    n = len(payloads)
    lens = np.fromiter(map(len, payloads), dtype=np.int64, count=n)
    flat = np.frombuffer(b"".join(payloads) + b"0" * _WIDTH, dtype=np.uint8)
    starts = np.zeros(n, dtype=np.int64)
    np.cumsum(lens[:-1], out=starts[1:])
    cols = np.arange(_WIDTH, dtype=np.int64)
    chars = flat[starts[:, None] + cols[None, :]]
    chars[cols[None, :] >= lens[:, None]] = 48  # pad short payloads with '0'
    v6 = _LUT[chars]
    bad = (v6 == 255).any(axis=1)
    v6[v6 == 255] = 0
    if fill_bits is None:
        fill = np.zeros(n, dtype=np.int64)
    else:
        fill = np.asarray(fill_bits[offset : offset + n] if len(fill_bits) > n else fill_bits, dtype=np.int64)
    nbits = 6 * lens - fill
    mtype = v6[:, 0].astype(np.int64)
    is27 = mtype == 27
    is_b = (mtype == 18) | (mtype == 19)
    valid = _IS_POS[mtype] & (nbits >= _MIN_BITS[mtype]) & ~bad
    mmsi = _field(v6, 8, 30).astype(np.int64)
    # Class A (1, 2, 3)
    nav_a = _field(v6, 38, 4).astype(np.int64)
    sog_a = _field(v6, 50, 10).astype(np.int64)
    lon_a = _signed(_field(v6, 61, 28), 28)
    lat_a = _signed(_field(v6, 89, 27), 27)
    cog_a = _field(v6, 116, 12).astype(np.int64)
    hdg_a = _field(v6, 128, 9).astype(np.int64)
    sec_a = _field(v6, 137, 6).astype(np.int64)
    # Class B (18, 19): same fields shifted by the 8 regional bits and without status/ROT
    sog_b = _field(v6, 46, 10).astype(np.int64)
    lon_b = _signed(_field(v6, 57, 28), 28)
    lat_b = _signed(_field(v6, 85, 27), 27)
    cog_b = _field(v6, 112, 12).astype(np.int64)
    hdg_b = _field(v6, 124, 9).astype(np.int64)
    sec_b = _field(v6, 133, 6).astype(np.int64)
    # Long range (27)
    nav_27 = _field(v6, 40, 4).astype(np.int64)
    lon_27 = _signed(_field(v6, 44, 18), 18)
    lat_27 = _signed(_field(v6, 62, 17), 17)
    sog_27 = _field(v6, 79, 6).astype(np.int64)
    cog_27 = _field(v6, 85, 9).astype(np.int64)

    def pick(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
        return np.where(is27, c, np.where(is_b, b, a))

    lon = np.where(
        is27,
        _scaled(lon_27, 600.0, 181 * 600),
        _scaled(np.where(is_b, lon_b, lon_a), 600_000.0, 181 * 600_000),
    )
    lat = np.where(
        is27,
        _scaled(lat_27, 600.0, 91 * 600),
        _scaled(np.where(is_b, lat_b, lat_a), 600_000.0, 91 * 600_000),
    )
    sog = np.where(is27, _scaled(sog_27, 1.0, 63), _scaled(np.where(is_b, sog_b, sog_a), 10.0, 1023))
    cog = np.where(is27, _scaled(cog_27, 1.0, 511), _scaled(np.where(is_b, cog_b, cog_a), 10.0, 3600))
    return {
        "valid": valid,
        "msg_type": mtype,
        "mmsi": mmsi,
        "nav_status": pick(nav_a, np.full(n, 255, dtype=np.int64), nav_27),  # class B: none
        "lon": lon,
        "lat": lat,
        "sog_kn": sog,
        "cog_deg": cog,
        "heading_deg": np.where(is27, 511, np.where(is_b, hdg_b, hdg_a)),
        "second": np.where(is27, 60, np.where(is_b, sec_b, sec_a)),
    }
