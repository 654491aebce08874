"""AIS archives in CSV: the MarineCadastre (US BOEM/NOAA) and Danish Maritime Authority layouts.

Both publish one row per position report with the vessel's static data repeated on every row. The
layout is recognised by its header names, not by column order:

- MarineCadastre: ``MMSI, BaseDateTime, LAT, LON, SOG, COG, Heading, VesselName, IMO, CallSign,
  VesselType, Status, Length, Width, Draft, Cargo, TransceiverClass`` (times ISO 8601, UTC;
  ``Heading`` 511 and ``COG`` 360 for "not available"; ``VesselType`` the AIS ship type code).
- DMA: ``# Timestamp, Type of mobile, MMSI, Latitude, Longitude, Navigational status, ROT, SOG,
  COG, Heading, IMO, Callsign, Name, Ship type, Cargo type, Width, Length, Type of position fixing
  device, Draught, Destination, ETA, Data source type, A, B, C, D`` (times ``dd/mm/yyyy HH:MM:SS``,
  UTC; navigational status and ship type as text; ``A``-``D`` the distances from the reference
  point to bow, stern, port and starboard).

Rows are read in batches with exact line numbers: a batch without a double quote by Polars' CSV
reader once every line's field count is checked, any other by :mod:`csv` (quoted fields, line
breaks inside quotes); both are converted with Polars. A row whose MMSI, time or position cannot
be read is rejected with its line number and the reason (``bad_field``); a row with too few or too
many fields is ``malformed``. Ship types given as text (DMA) become the AIS code of their category
(Cargo 70, Tanker 80, Fishing 30...).
Length and width (metres) go to the registry as given; MarineCadastre gives no position of the
antenna, so its rows carry no bow/stern/port/starboard distances (DMA gives both).
"""

from __future__ import annotations

import csv
import io
import re
import struct
import zipfile
import zlib
from bisect import bisect_left
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from typing import IO, Any, cast

import polars as pl

from .bulk import POSITION_COLUMNS
from .nmea import Reject, RejectReason
from .sources import GZIP_MAGIC, ChunkStream, InputDamaged, inflate

__all__ = [
    "BATCH_ROWS",
    "DMA",
    "LAYOUTS",
    "MARINECADASTRE",
    "MAX_QUOTED_CHARS",
    "MAX_QUOTED_LINES",
    "NAV_STATUS",
    "SHIP_TYPE",
    "ArchiveBatch",
    "ArchiveError",
    "ArchiveStatic",
    "archive_lines",
    "detect_layout",
    "is_archive",
    "read_archive",
]

BATCH_ROWS = 100_000
#: A quoted field may hold line breaks, but a quote still open this many lines (or characters)
#: after the line that opened it is a stray quote: that line is rejected (``unterminated_quote``)
#: and reading resumes at the next one.
MAX_QUOTED_LINES = 100
MAX_QUOTED_CHARS = 64 * 1024


class ArchiveError(ValueError):
    """A file taken for a CSV archive that is not one of a known layout: a header not recognised
    (the message names the file and the columns missing), a zip without a ``.csv``."""


MARINECADASTRE = {
    "mmsi": "mmsi",
    "basedatetime": "time",
    "lat": "lat",
    "lon": "lon",
    "sog": "sog",
    "cog": "cog",
    "heading": "heading",
    "vesselname": "name",
    "imo": "imo",
    "callsign": "call_sign",
    "vesseltype": "ship_type",
    "status": "nav_status",
    "length": "length",
    "width": "width",
    "draft": "draught",
}
DMA = {
    "timestamp": "time",
    "mmsi": "mmsi",
    "latitude": "lat",
    "longitude": "lon",
    "navigationalstatus": "nav_status",
    "sog": "sog",
    "cog": "cog",
    "heading": "heading",
    "imo": "imo",
    "callsign": "call_sign",
    "name": "name",
    "shiptype": "ship_type",
    "draught": "draught",
    "destination": "destination",
    "length": "length",
    "width": "width",
    "a": "to_bow",
    "b": "to_stern",
    "c": "to_port",
    "d": "to_starboard",
}
LAYOUTS = {"marinecadastre": MARINECADASTRE, "dma": DMA}
_REQUIRED_NAMES = {
    "marinecadastre": {"mmsi": "MMSI", "time": "BaseDateTime", "lat": "LAT", "lon": "LON"},
    "dma": {"mmsi": "MMSI", "time": "# Timestamp", "lat": "Latitude", "lon": "Longitude"},
}
_REQUIRED = {"mmsi", "time", "lat", "lon"}
_TIME_FORMATS = {"marinecadastre": "%Y-%m-%dT%H:%M:%S", "dma": "%d/%m/%Y %H:%M:%S"}

#: DMA navigational status text -> ITU-R M.1371-5 code.
NAV_STATUS = {
    "underwayusingengine": 0,
    "atanchor": 1,
    "notundercommand": 2,
    "restrictedmanoeuverability": 3,
    "restrictedmaneuverability": 3,
    "restrictedmanoeuvrability": 3,
    "constrainedbyherdraught": 4,
    "moored": 5,
    "aground": 6,
    "engagedinfishing": 7,
    "underwaysailing": 8,
    "reservedforfutureamendmenthsc": 9,
    "reservedforfutureamendmentwig": 10,
    "powerdrivenvesseltowingastern": 11,
    "powerdrivenvesselpushingaheadortowingalongside": 12,
    "reservedforfutureuse": 13,
    "aissart": 14,
    "unknownvalue": 15,
    "undefined": 15,
}
#: DMA ship type text -> AIS ship type code of that category (ITU-R M.1371-5 Table 53).
SHIP_TYPE = {
    "wig": 20,
    "fishing": 30,
    "towing": 31,
    "towinglongwide": 32,
    "dredging": 33,
    "diving": 34,
    "military": 35,
    "sailing": 36,
    "pleasure": 37,
    "hsc": 40,
    "pilot": 50,
    "sar": 51,
    "tug": 52,
    "porttender": 53,
    "antipollution": 54,
    "lawenforcement": 55,
    "medical": 58,
    "notpartytoconflict": 59,
    "passenger": 60,
    "cargo": 70,
    "tanker": 80,
    "other": 90,
}


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def detect_layout(header: list[str]) -> tuple[str, dict[int, str]] | None:
    """Recognise a header; return the layout name and column index -> field, or ``None``.

    >>> detect_layout(["# Timestamp", "Type of mobile", "MMSI", "Latitude", "Longitude"])
    ('dma', {0: 'time', 2: 'mmsi', 3: 'lat', 4: 'lon'})
    >>> detect_layout(["mmsi", "lat"]) is None
    True
    """
    keys = [_key(h) for h in header]
    for name, layout in LAYOUTS.items():
        cols = {i: layout[k] for i, k in enumerate(keys) if k in layout}
        if set(cols.values()) >= _REQUIRED:
            return name, cols
    return None


@dataclass(frozen=True, slots=True)
class ArchiveStatic:
    """Static and voyage data of one vessel as an archive row gives it (fields as in the registry)."""

    mmsi: int
    name: str | None = None
    call_sign: str | None = None
    imo: int | None = None
    ship_type: int | None = None
    to_bow_m: int | None = None
    to_stern_m: int | None = None
    to_port_m: int | None = None
    to_starboard_m: int | None = None
    destination: str | None = None
    draught_m: float | None = None
    length_m: int | None = None
    width_m: int | None = None
    msg_type: int | None = None


@dataclass
class ArchiveBatch:
    """One batch of archive rows: position rows (as :data:`veille.core.ais.bulk.POSITION_COLUMNS`),
    static data per vessel (only distinct values), rejects."""

    rows: int
    positions: pl.DataFrame
    statics: list[tuple[int, float | None, str | None, ArchiveStatic]] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)


def read_archive(
    lines: Iterable[str], *, source: str, batch_rows: int = BATCH_ROWS, fast: bool = True
) -> Iterator[ArchiveBatch]:
    """Read a CSV archive (text lines, header first) batch by batch.

    The lines are taken ``batch_rows`` at a time, cut where no quoted field is open. A batch
    without a double quote (the common case: quotes only appear around a name with a comma) is
    split by Polars' CSV reader after its field counts are checked line by line; any other batch
    (or every batch with ``fast=False``) goes through the standard :mod:`csv` module. Both give the
    same rows, line numbers and rejects (``tests/maritime/test_ais_archive.py`` checks it). A quote
    that opens a field and is not closed within :data:`MAX_QUOTED_LINES` lines as a record of the
    header's width rejects its line as ``unterminated_quote``; reading resumes at the next line.
    A header of no known layout raises :class:`ArchiveError` naming ``source`` and the columns
    missing.

    >>> rows = ["MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName",
    ...         "257000001,2024-01-01T00:00:00,70.5,20.1,10.2,45.0,511,POLAR",
    ...         "x,2024-01-01T00:00:00,70.5,20.1,,,,"]
    >>> b = next(read_archive(rows, source="mc"))
    >>> (b.positions.select("mmsi", "heading_deg").rows(), [(r.lineno, r.reason.value) for r in b.rejects])
    ([(257000001, None)], [(3, 'bad_field')])
    """
    damage: list[InputDamaged] = []

    def guarded() -> Iterator[str]:
        # damaged input ends the lines here; raised once every row read before it is given
        try:
            yield from lines
        except InputDamaged as exc:
            damage.append(exc)

    it = guarded()
    first = next(it, None)
    if first is None:
        return
    # the header is one line: a header with a quoted line break is not a known layout
    head = next(csv.reader([first]), [])
    found = detect_layout(head)
    if found is None:
        raise ArchiveError(f"{source}: {_not_recognised(head)}")
    layout, cols = found
    width = len(head)
    fast = fast and len(set(cols.values())) == len(cols)  # (a field named twice: csv keeps the last)
    offset = 1
    for chunk, quoted, stray in _record_chunks(it, batch_rows, width, offset + 1):
        if fast and not quoted:
            yield _fast_chunk(chunk, offset, width, cols, layout, source, stray)
        else:
            yield _csv_chunk(chunk, offset, width, cols, layout, source, stray)
        offset += len(chunk)
    if damage:
        raise damage[0]


def _not_recognised(head: list[str]) -> str:
    """What a header lacks to be each known layout.

    >>> print(_not_recognised(["mmsi", "lat", "lon", "when"]).replace(", #", ",\\n#"))
    CSV header not recognised: missing BaseDateTime for MarineCadastre,
    # Timestamp, Latitude, Longitude for DMA (header: 'mmsi', 'lat', 'lon', 'when')
    """
    keys = {_key(h) for h in head}
    missing = []
    for name, label in (("marinecadastre", "MarineCadastre"), ("dma", "DMA")):
        have = {LAYOUTS[name][k] for k in keys if k in LAYOUTS[name]}
        need = [col for f, col in _REQUIRED_NAMES[name].items() if f not in have]
        missing.append(f"{', '.join(need)} for {label}")
    shown = ", ".join(repr(h) for h in head[:8]) + (", ..." if len(head) > 8 else "")
    return f"CSV header not recognised: missing {', '.join(missing)} (header: {shown})"


def _opens_quote(line: str) -> bool:
    """Whether a line leaves a quoted field open at its end, as the :mod:`csv` module reads it.

    >>> _opens_quote('1,"BIG,2'), _opens_quote('1,"A, B",2'), _opens_quote('1,B"IG,2')
    (True, False, False)
    """
    reader = csv.reader([line.rstrip("\r\n"), ""])
    next(reader, None)
    return reader.line_num > 1


def _record_chunks(
    lines: Iterator[str], size: int, width: int, first_lineno: int
) -> Iterator[tuple[list[str], bool, list[Reject]]]:
    """Lists of about ``size`` lines, each ending where no quoted field is open, whether the list
    holds a double quote, and the lines rejected for a quote never closed (left in the list as
    empty lines, so line numbers stay right).

    A line that opens a quoted field takes the following lines up to the one that closes it (an
    odd count of double quotes: RFC 4180 escapes a quote by doubling it), when that is within
    :data:`MAX_QUOTED_LINES` lines and :data:`MAX_QUOTED_CHARS` characters, the record has the
    header's ``width`` fields and no line between is a whole row of its own (two stray quotes);
    otherwise the line alone is rejected and the next one read as
    a line of its own. Memory stays bounded whatever the stray quotes.
    """
    back: deque[str] = deque()

    def take() -> str | None:
        return back.popleft() if back else next(lines, None)

    lineno = first_lineno
    while True:
        chunk: list[str] = []
        stray: list[Reject] = []
        quoted = False
        while len(chunk) < size:
            line = take()
            if line is None:
                break
            if '"' not in line or not _opens_quote(line):
                quoted = quoted or '"' in line
                chunk.append(line)
                continue
            record, chars, closed = [line], len(line), False
            while len(record) <= MAX_QUOTED_LINES and chars <= MAX_QUOTED_CHARS:
                more = take()
                if more is None:
                    break
                record.append(more)
                chars += len(more)
                if more.count('"') % 2 == 1:
                    closed = True
                    break
            rows = list(csv.reader(record)) if closed else []
            whole = any(len(next(csv.reader([m]), [])) == width for m in record[1:-1])
            if len(rows) == 1 and len(rows[0]) == width and not whole:
                quoted = True
                chunk += record
                continue
            at = lineno + len(chunk)
            if not closed:
                why = f"quote opened here not closed within {MAX_QUOTED_LINES} lines"
            elif whole:
                why = f"quote opened here closes on line {at + len(record) - 1}, across whole rows"
            else:
                fields = sum(len(r) for r in rows)
                why = (
                    f"quote opened here closes on line {at + len(record) - 1}: "
                    f"{fields} fields, {width} in the header"
                )
            text = line.rstrip("\r\n")
            stray.append(Reject(at, RejectReason.UNTERMINATED_QUOTE, text.encode("utf-8", "replace"), why))
            chunk.append("")  # the line keeps its number; its record is no row
            back.extendleft(reversed(record[1:]))
        if not chunk:
            return
        yield chunk, quoted, stray
        lineno += len(chunk)


def _malformed(lineno: int, text: str, fields: int, width: int) -> Reject:
    return Reject(
        lineno,
        RejectReason.MALFORMED,
        text.encode("utf-8", "replace"),
        f"{fields} fields, {width} in the header",
    )


def _csv_chunk(
    chunk: list[str],
    offset: int,
    width: int,
    cols: dict[int, str],
    layout: str,
    source: str,
    stray: Sequence[Reject] = (),
) -> ArchiveBatch:
    reader = csv.reader(chunk)
    rows: list[list[str]] = []
    linenos: list[int] = []
    bad: list[Reject] = list(stray)
    for row in reader:
        if not row:
            continue
        lineno = offset + reader.line_num
        if len(row) != width:
            bad.append(_malformed(lineno, ",".join(row), len(row), width))
            continue
        rows.append(row)
        linenos.append(lineno)
    raw = pl.DataFrame(
        {n: pl.Series([r[i] for r in rows], dtype=pl.Utf8) for i, n in cols.items()},
        schema={n: pl.Utf8 for n in cols.values()},
    )
    return _convert(raw, linenos, lambda k: ",".join(rows[k]), bad, layout, source)


def _fast_chunk(
    chunk: list[str],
    offset: int,
    width: int,
    cols: dict[int, str],
    layout: str,
    source: str,
    stray: Sequence[Reject] = (),
) -> ArchiveBatch:
    # as the csv module: line ends stripped, an empty line is no row, a row needs `width` fields
    lines = pl.DataFrame(
        {
            "text": pl.Series(chunk, dtype=pl.Utf8).str.strip_chars_end("\r\n"),
            "lineno": pl.int_range(offset + 1, offset + 1 + len(chunk), eager=True),
        }
    ).filter(pl.col("text") != "")
    lines = lines.with_columns(fields=pl.col("text").str.count_matches(",", literal=True) + 1)
    wrong = lines.filter(pl.col("fields") != width)
    bad = [*stray, *(_malformed(k, text, n, width) for text, k, n in wrong.iter_rows())]
    good = lines.filter(pl.col("fields") == width)
    texts, linenos = good["text"], good["lineno"].to_list()
    if len(texts):
        raw = pl.read_csv(
            io.BytesIO(texts.str.join("\n").item().encode("utf-8")),
            has_header=False,
            schema={cols.get(i, f"_{i}"): pl.Utf8 for i in range(width)},
            columns=list(cols),
            quote_char=None,
            empty_string_is_null=False,  # as the csv module: an empty field is ""
        )
    else:
        raw = pl.DataFrame(schema={n: pl.Utf8 for n in cols.values()})
    return _convert(raw, linenos, lambda k: texts[k], bad, layout, source)


def _num(col: str, dtype: Any = pl.Float64) -> pl.Expr:
    return pl.col(col).str.strip_chars().cast(dtype, strict=False)


def _convert(
    raw: pl.DataFrame,
    linenos: list[int],
    text_of: Callable[[int], str],
    bad: list[Reject],
    layout: str,
    source: str,
) -> ArchiveBatch:
    """Rows as text columns named as the layout's fields (``linenos`` their line numbers,
    ``text_of(k)`` the text of row ``k`` for a reject) -> positions, statics, rejects."""
    for f in (*MARINECADASTRE.values(), *DMA.values()):
        if f not in raw.columns:
            raw = raw.with_columns(pl.lit(None, dtype=pl.Utf8).alias(f))
    raw = raw.with_columns(pl.Series("lineno", linenos, dtype=pl.Int64))
    nav_text = pl.col("nav_status").str.to_lowercase().str.replace_all(r"[^a-z0-9]", "")
    ship_text = pl.col("ship_type").str.to_lowercase().str.replace_all(r"[^a-z0-9]", "")
    df = raw.with_columns(
        mmsi_v=_num("mmsi", pl.Int64),
        time_v=pl.col("time").str.strip_chars().str.to_datetime(_TIME_FORMATS[layout], strict=False),
        lat_v=_num("lat"),
        lon_v=_num("lon"),
        sog_v=_num("sog"),
        cog_v=_num("cog"),
        heading_v=_num("heading", pl.Int64),
        nav_v=(
            _num("nav_status", pl.Int64)
            if layout == "marinecadastre"
            else nav_text.replace_strict(NAV_STATUS, default=None, return_dtype=pl.Int64)
        ),
        imo_v=pl.col("imo").str.replace_all(r"[^0-9]", "").cast(pl.Int64, strict=False),
        ship_v=(
            _num("ship_type", pl.Int64)
            if layout == "marinecadastre"
            else ship_text.replace_strict(SHIP_TYPE, default=None, return_dtype=pl.Int64)
        ),
        draught_v=_num("draught"),
        length_v=_num("length").round(0).cast(pl.Int64, strict=False),
        width_v=_num("width").round(0).cast(pl.Int64, strict=False),
        **{f"{d}_v": _num(d, pl.Int64) for d in ("to_bow", "to_stern", "to_port", "to_starboard")},
    )
    why = (
        pl.when(~pl.col("mmsi_v").is_between(1, 999_999_999) | pl.col("mmsi_v").is_null())
        .then(pl.lit("MMSI not a number from 1 to 999999999"))
        .when(pl.col("time_v").is_null())
        .then(pl.lit("time unreadable"))
        .when(~pl.col("lat_v").is_between(-90, 90) | pl.col("lat_v").is_null())
        .then(pl.lit("latitude missing or outside -90..90"))
        .when(~pl.col("lon_v").is_between(-180, 180) | pl.col("lon_v").is_null())
        .then(pl.lit("longitude missing or outside -180..180"))
        .otherwise(None)
    )
    df = df.with_columns(why=why)
    rejected = df.filter(pl.col("why").is_not_null())
    rejects = list(bad)
    for lineno, reason in rejected.select("lineno", "why").iter_rows():
        text = text_of(bisect_left(linenos, lineno))
        rejects.append(Reject(lineno, RejectReason.BAD_FIELD, text.encode("utf-8", "replace"), reason))
    good = df.filter(pl.col("why").is_null())
    t = (good["time_v"].dt.replace_time_zone("UTC").dt.epoch("us") / 1e6).alias("time_s")
    positions = pl.DataFrame(
        {
            "lineno": good["lineno"],
            "time_s": t,
            "source": pl.Series([source] * good.height, dtype=pl.Utf8),
            "mmsi": good["mmsi_v"],
            "lat": good["lat_v"],
            "lon": good["lon_v"],
            "sog_kn": good.select(pl.when(pl.col("sog_v") < 102.3).then(pl.col("sog_v"))).to_series(),
            "cog_deg": good.select(pl.when(pl.col("cog_v") < 360).then(pl.col("cog_v"))).to_series(),
            "heading_deg": good.select(
                pl.when(pl.col("heading_v").is_between(0, 359)).then("heading_v")
            ).to_series(),
            "nav_status": good.select(pl.when(pl.col("nav_v").is_between(0, 15)).then("nav_v")).to_series(),
            "msg_type": pl.Series([None] * good.height, dtype=pl.UInt8),
        }
    ).select([pl.col(n).cast(dt) for n, dt in POSITION_COLUMNS.items()])
    static = good.with_columns(
        name_s=_text("name"),
        call_s=_text("call_sign"),
        dest_s=_text("destination"),
        ship_s=pl.when(pl.col("ship_v").is_between(1, 99)).then("ship_v"),
        imo_s=pl.when(pl.col("imo_v").is_between(1, 999_999_999)).then("imo_v"),
        draught_s=pl.when(pl.col("draught_v") > 0).then("draught_v"),
        # the registry's types (as AIS: length up to 1,022 m, width up to 126 m; larger is an error)
        length_s=pl.when(pl.col("length_v").is_between(1, 1022)).then("length_v"),
        width_s=pl.when(pl.col("width_v").is_between(1, 126)).then("width_v"),
    )
    fields = [
        "name_s",
        "call_s",
        "imo_s",
        "ship_s",
        "to_bow_v",
        "to_stern_v",
        "to_port_v",
        "to_starboard_v",
        "dest_s",
        "draught_s",
        "length_s",
        "width_s",
    ]
    distinct = (
        static.filter(pl.any_horizontal([pl.col(f).is_not_null() for f in fields]))
        .sort("time_v", maintain_order=True)
        .unique(subset=["mmsi_v", *fields], keep="first", maintain_order=True)
    )
    statics: list[tuple[int, float | None, str | None, ArchiveStatic]] = []
    for srow in distinct.select("lineno", "time_v", "mmsi_v", *fields).iter_rows():
        lineno, when, mmsi, *values = cast(tuple[Any, ...], srow)
        dims = [v if v is not None and 0 <= v < 512 else None for v in values[4:8]]
        rec = ArchiveStatic(mmsi, *values[:4], *dims, *values[8:])
        statics.append((int(lineno), float(when.replace(tzinfo=UTC).timestamp()), source, rec))
    return ArchiveBatch(raw.height + len(bad), positions, statics, rejects)


def _text(col: str) -> pl.Expr:
    v = pl.col(col).str.strip_chars()
    return pl.when((v != "") & (v.str.to_lowercase() != "unknown")).then(v)


def _open_text(path: Path) -> IO[str]:
    """The text of a CSV archive: plain, gzip (read by :func:`~veille.core.ais.sources.inflate`,
    so damage ends the text and is raised by :func:`archive_lines` after the last lines) or the
    first ``.csv`` in a zip (also read from its local header when the zip was cut short)."""
    raw = path.open("rb")
    magic = raw.read(4)
    raw.seek(0)
    if magic[:2] == GZIP_MAGIC:
        stream = ChunkStream(inflate(raw, str(path)), raw.close)
        return io.TextIOWrapper(io.BufferedReader(stream), encoding="utf-8-sig", errors="replace", newline="")
    if magic == b"PK\x03\x04":
        try:
            chunks = _zip_member(raw, path)
        except BaseException:
            raw.close()
            raise
        stream = ChunkStream(chunks, raw.close)
        return io.TextIOWrapper(io.BufferedReader(stream), encoding="utf-8-sig", errors="replace", newline="")
    raw.close()
    return path.open(encoding="utf-8-sig", errors="replace", newline="")


def _zip_member(raw: IO[bytes], path: Path) -> Iterator[bytes]:
    """The bytes of the first ``.csv`` in a zip, decompressed here (stored or deflated) so that a
    damaged member gives every byte before its damage; the CRC-32 is checked at the end. A zip cut
    short has lost its central directory: the members are then found by their local headers."""
    infos: list[tuple[str, int, int | None, int | None]]
    try:
        with zipfile.ZipFile(raw) as zf:
            infos = [(i.filename, i.header_offset, i.CRC, i.compress_size) for i in zf.infolist()]
    except zipfile.BadZipFile:
        infos = []
        at = 0
        while True:  # walk the local headers while their sizes are known
            raw.seek(at)
            head = raw.read(30)
            if len(head) < 30 or head[:4] != b"PK\x03\x04":
                break
            flags, csize, nlen, xlen = struct.unpack("<6xH10xI4xHH", head)
            name = raw.read(nlen).decode("utf-8" if flags & 0x800 else "cp437", "replace")
            infos.append((name, at, None, None))
            if name.lower().endswith(".csv") or flags & 0x08:
                break
            at += 30 + nlen + xlen + csize
    member = next((m for m in infos if m[0].lower().endswith(".csv")), None)
    if member is None:
        raise ArchiveError(f"{path}: no .csv file in the zip archive")
    name, at, known_crc, known_size = member
    raw.seek(at)
    head = raw.read(30)
    if len(head) < 30 or head[:4] != b"PK\x03\x04":
        raise InputDamaged(f"{path}:{name}", 0, "local header missing")
    flags, method, crc, csize, _, nlen, xlen = struct.unpack("<6xHH4xIIIHH", head)
    if known_crc is not None and known_size is not None:  # the central directory's (a data
        crc, csize = known_crc, known_size  # descriptor leaves the local header's at 0)
    elif flags & 0x08:
        crc = None  # cut short: only the data descriptor, lost with the rest, had the CRC
    raw.seek(at + 30 + nlen + xlen)
    return _checked(raw, f"{path}:{name}", method, csize, crc)


def _checked(raw: IO[bytes], name: str, method: int, csize: int, crc: int | None) -> Iterator[bytes]:
    if method == zipfile.ZIP_DEFLATED:
        pieces = inflate(cast(Any, raw), name, wbits=-15, members=False)
    elif method == zipfile.ZIP_STORED:
        pieces = iter(lambda: raw.read(min(1 << 16, csize)), b"")  # (bounded below)
    else:
        raise ArchiveError(f"{name}: zip compression method {method} not supported (stored or deflated)")
    total, check = 0, 0
    for piece in pieces:
        if method == zipfile.ZIP_STORED:
            piece = piece[: csize - total]
            if not piece:
                break
        total += len(piece)
        check = zlib.crc32(piece, check)
        yield piece
    if method == zipfile.ZIP_STORED and total < csize:
        raise InputDamaged(name, total, "stored data ends before its size (file truncated?)")
    if crc is not None and check != crc:
        raise InputDamaged(name, total, f"CRC-32 {check:08x}, the zip says {crc:08x}")


def is_archive(path: str | Path) -> bool:
    """Whether a file is to be read as a CSV archive: by its name (``.csv``, ``.csv.gz``, ``.zip``),
    a zip's magic number, or a first line that looks like a CSV header (at least four fields, each
    starting with a letter or ``#``, none with an NMEA start). Such a file is read as an archive,
    so a header of no known layout raises :class:`ArchiveError` instead of rejecting every row as
    NMEA.

    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "x.txt")
    >>> _ = open(p, "w").write("MMSI,BaseDateTime,LAT,LON\\n")
    >>> is_archive(p), is_archive(__file__), is_archive("positions.CSV.gz")
    (True, False, True)
    """
    name = Path(path).name.lower()
    if name.endswith((".csv", ".csv.gz", ".zip")):
        return True
    try:
        with Path(path).open("rb") as probe:
            if probe.read(4) == b"PK\x03\x04":
                return True
        with _open_text(Path(path)) as f:
            first = f.readline(4096)
    except (OSError, ValueError, zipfile.BadZipFile):
        return False
    return _looks_like_header(first)


def _looks_like_header(line: str) -> bool:
    """Whether a first line reads as a CSV header rather than NMEA.

    >>> _looks_like_header("# Timestamp,Type of mobile,MMSI,Lat"), _looks_like_header("VDM,1,1,,A,1,0*4A")
    (True, False)
    """
    if line[:1] in ("!", "\\", "$") or line.count(",") < 3:
        return False
    fields = [f.strip().strip('"').lstrip("#").strip() for f in line.rstrip("\r\n").split(",")]
    return all(f[:1].isalpha() for f in fields)


def archive_lines(path: str | Path) -> Iterator[str]:
    """The text lines of a CSV archive (plain, gzip or the first CSV inside a zip). Damage in a
    gzip or zip raises :class:`~veille.core.ais.sources.InputDamaged` once every line before it
    has been given."""
    with _open_text(Path(path)) as f:
        yield from f
        stream = getattr(f.buffer, "raw", None) if isinstance(f, io.TextIOWrapper) else None
        if isinstance(stream, ChunkStream):
            stream.check()
