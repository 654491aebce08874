"""Decoding a batch of complete AIS messages at once into frames: positions, static reports,
base stations, and every other message kept as its raw payload with its type.

:func:`decode_batch` takes the payloads as spans of one buffer (a scanned block's single-part
sentences, or the messages a block's fragments completed) and decides for every message what the
per-message decoder (:func:`veille.core.ais.decode.decode_payload`) would: the reject reason
(:func:`veille.core.ais.columns.check_payloads`; only rejected messages go through the
per-message decoder, for the words of their reason), the position fields
(:func:`veille.core.ais.fast.position_columns`), and every field of static and voyage data
(5), class B extended reports (19), static data reports (24 A and B) and base station reports
(4, 11) from their declared layouts (:func:`veille.core.ais.columns.decode_columns`). No Python
runs per message that is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa

from .columns import OK, REASONS, BitRows, check_payloads, decode_columns, records
from .fast import arrow_array, position_columns, position_frame
from .messages import (
    BaseStationReport,
    ClassBExtendedReport,
    StaticDataReportA,
    StaticDataReportB,
    StaticVoyageData,
)
from .nmea import Reject, RejectReason
from .scan import strings

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
U8 = npt.NDArray[np.uint8]

POSITION_COLUMNS = {
    "lineno": pl.Int64,
    "time_s": pl.Float64,
    "source": pl.Utf8,
    "mmsi": pl.UInt32,
    "lat": pl.Float64,
    "lon": pl.Float64,
    "sog_kn": pl.Float64,
    "cog_deg": pl.Float64,
    "heading_deg": pl.UInt16,
    "nav_status": pl.UInt8,
    "msg_type": pl.UInt8,
}
META = {"lineno": pl.Int64, "time_s": pl.Float64, "source": pl.Utf8}
#: The static report record classes, by the code in the ``record`` column of a statics frame.
STATIC_RECORDS: dict[int, type] = {
    5: StaticVoyageData,
    19: ClassBExtendedReport,
    240: StaticDataReportA,
    241: StaticDataReportB,
}
#: (record code, characters read) of each static report
_WIDTH = {5: 71, 19: 52, 240: 27, 241: 28}
OTHER_COLUMNS = {**META, "msg_type": pl.UInt8, "mmsi": pl.UInt32, "payload": pl.Utf8, "fill_bits": pl.UInt8}


def empty_positions() -> pl.DataFrame:
    return pl.DataFrame(schema=POSITION_COLUMNS)


def meta_arrays(lineno: I64, time_s: F64, source: pa.Array) -> dict[str, pa.Array]:
    """The columns ``lineno``, ``time_s`` (null for NaN) and ``source`` as Arrow arrays."""
    return {
        "lineno": arrow_array(np.asarray(lineno, dtype=np.int64)),
        "time_s": arrow_array(np.asarray(time_s, dtype=np.float64), np.isnan(time_s)),
        "source": source,
    }


def _frame(arrays: dict[str, pa.Array]) -> pl.DataFrame:
    frame = pl.from_arrow(pa.table(arrays))
    assert isinstance(frame, pl.DataFrame)
    return frame


def decode_batch(
    buf: U8,
    starts: I64,
    lens: I64,
    fill: I64,
    lineno: I64,
    first_lineno: I64,
    time_s: F64,
    source: Callable[[I64], pa.Array],
    lines: Callable[[int], bytes],
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame, list[Reject]]:
    """Decode the messages ``buf[starts[i] : starts[i] + lens[i]]`` (``buf`` padded 80 bytes past
    the last one): positions, statics, base stations, others, and the rejects of decoding.

    ``lineno`` is each message's last line (rows take it), ``first_lineno`` its first (rejects
    take it), ``source(rows)`` the sources of those rows (an Arrow string array), ``lines(i)``
    message ``i``'s raw line(s) for a reject.

    >>> p = b"15RTgt0PAso;90TKcjM8h6g208CQ" + b"H42O55i18tMET00000000000000" + b"0" * 80
    >>> buf = np.frombuffer(p, dtype=np.uint8)
    >>> src = pa.array([None, "r1"], pa.large_string())
    >>> pos, st, bs, other, rej = decode_batch(buf, np.array([0, 28]), np.array([28, 27]),
    ...     np.array([0, 2]), np.array([1, 2]), np.array([1, 2]), np.array([np.nan, 5.0]),
    ...     lambda rows: src.take(pa.array(rows)), lambda i: b"")
    >>> pos["mmsi"].to_list(), st.select("lineno", "time_s", "source", "name").rows(), rej
    ([371798000], [(2, 5.0, 'r1', 'PROGUY')], [])
    """
    cols = position_columns(buf, starts, lens, fill)
    mtype = cols["msg_type"]
    nbits = 6 * lens - fill
    code = check_payloads(mtype, nbits, cols["bad"], cols["flags"] >> 1, cols["flags"] & 1)
    ok = code == OK
    rejects = []
    refused = np.flatnonzero(~ok).tolist()
    if refused:  # the per-message decoder names why; imported only when a message is refused
        from .decode import DecodeError, decode_payload
    for i in refused:
        try:
            decode_payload(buf[starts[i] : starts[i] + lens[i]].tobytes(), int(fill[i]))
            reason, detail = REASONS[int(code[i])], "refused by the batch decoder"
        except DecodeError as exc:
            reason, detail = exc.reason, exc.detail
        rejects.append(Reject(int(first_lineno[i]), RejectReason(reason), lines(i), detail))
    cols["valid"] = cols["valid"] & ok
    keep = np.flatnonzero(cols["valid"])

    def meta(rows: I64) -> dict[str, pa.Array]:
        return meta_arrays(lineno[rows], time_s[rows], source(rows))

    positions = position_frame(
        cols, valid_only=True, columns=tuple(POSITION_COLUMNS)[3:], meta=meta(keep)
    ).with_columns(pl.col("source").cast(pl.Utf8))
    record = np.where(mtype == 24, 240 + cols["flags"], mtype)
    frames = []
    for code_ in (5, 19, 240, 241):
        rows = np.flatnonzero(ok & (record == code_))
        if len(rows):
            frames.append(_statics(code_, buf, starts[rows], lens[rows], fill[rows], meta(rows)))
    statics = (
        pl.concat(frames, how="diagonal") if len(frames) > 1 else frames[0] if frames else pl.DataFrame()
    )
    if len(frames) > 1:
        statics = statics.sort("lineno")
    rows = np.flatnonzero(ok & ((mtype == 4) | (mtype == 11)))
    stations = pl.DataFrame()
    if len(rows):
        bits = BitRows.build(buf, starts[rows], lens[rows], fill[rows], 28)
        stations = _frame({**meta(rows), **decode_columns(BaseStationReport, bits)})
    rows = np.flatnonzero(ok & ~cols["valid"] & ~np.isin(mtype, (4, 5, 11, 24)))
    others = pl.DataFrame()
    if len(rows):
        others = _frame(
            {
                **meta(rows),
                "msg_type": arrow_array(mtype[rows].astype(np.uint8)),
                "mmsi": arrow_array(cols["mmsi"][rows].astype(np.uint32)),
                "payload": strings(buf, starts[rows], lens[rows]),
                "fill_bits": arrow_array(fill[rows].astype(np.uint8)),
            }
        )
    return positions, statics, stations, others, rejects


#: what a statics frame keeps of each report besides its payload: the registry's fields
REGISTRY_FIELDS = frozenset(
    (
        "msg_type",
        "mmsi",
        "imo",
        "call_sign",
        "name",
        "ship_type",
        "to_bow_m",
        "to_stern_m",
        "to_port_m",
        "to_starboard_m",
        "destination",
        "draught_m",
    )
)


def _static_columns(
    code: int, buf: U8, starts: I64, lens: I64, fill: I64, only: frozenset[str] | None
) -> dict[str, Any]:
    bits = BitRows.build(buf, starts, lens, fill, _WIDTH[code])
    cols: dict[str, Any] = decode_columns(STATIC_RECORDS[code], bits, only)
    if code == 241:  # auxiliary craft (MMSI 98MIDxxxx): the dimensions hold the mother ship's MMSI
        aux = bits.uint(8, 30) // 10_000_000 == 98
        cols["mothership_mmsi"] = arrow_array(bits.uint(132, 30), ~aux | (bits.nbits < 162))
        if aux.any():
            for name, (start, width) in (
                ("to_bow_m", (132, 9)),
                ("to_stern_m", (141, 9)),
                ("to_port_m", (150, 6)),
                ("to_starboard_m", (156, 6)),
            ):
                cols[name] = arrow_array(bits.uint(start, width), aux)
    return cols


def _statics(
    code: int, buf: U8, starts: I64, lens: I64, fill: I64, meta: dict[str, pa.Array]
) -> pl.DataFrame:
    cols = _static_columns(code, buf, starts, lens, fill, REGISTRY_FIELDS)
    cols["record"] = arrow_array(np.full(len(starts), code, dtype=np.int64))
    cols["payload"] = strings(buf, starts, lens)
    cols["fill_bits"] = arrow_array(fill.astype(np.int64))
    return _frame({**meta, **cols})


def static_records(statics: pl.DataFrame) -> list[tuple[int, float | None, str | None, Any]]:
    """The rows of a statics frame as ``(line, time, source, typed record)``, in line order: every
    field decoded (from the kept payload, by the same vectorised decoder), for comparisons with
    the per-message decoder and for callers that want records.

    >>> static_records(pl.DataFrame())
    []
    """
    if not statics.height:
        return []
    out = []
    for (code,), part in statics.group_by("record"):
        code = int(code)
        payload = part["payload"].to_list()
        lens = np.array([len(x) for x in payload], dtype=np.int64)
        starts = np.cumsum(lens) - lens
        buf = np.frombuffer("".join(payload).encode("ascii") + b"0" * 80, dtype=np.uint8)
        fill = part["fill_bits"].to_numpy().astype(np.int64)
        cols = _static_columns(code, buf, starts, lens, fill, None)
        extra = {"mothership_mmsi": cols.pop("mothership_mmsi").to_pylist()} if code == 241 else None
        recs = records(STATIC_RECORDS[code], {k: v.to_pylist() for k, v in cols.items()}, extra)
        rows = zip(
            part["lineno"].to_list(), part["time_s"].to_list(), part["source"].to_list(), recs, strict=True
        )
        out += list(rows)
    return sorted(out, key=lambda x: x[0])


__all__ = [
    "decode_batch",
    "empty_positions",
    "meta_arrays",
    "static_records",
]
