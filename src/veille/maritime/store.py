"""The AIS store: positions as Parquet partitioned by day, a vessel registry with its history,
DuckDB views over both. No Django here: the ``ais`` command and the pages call these functions.

Layout under the store root::

    positions/day=YYYY-MM-DD/part-<run>-<n>.parquet   one row per position report
    vessels/part-<run>-<n>.parquet                     one row per change of a vessel's static data

Memory stays flat: the input is read, decoded and written batch by batch.

Every Parquet file is written under a hidden temporary name (``.part-….parquet.tmp``, which no
reader's glob matches) and renamed into place, so an interrupted run never leaves half a file
where the views read. A part that is still unreadable (left by an older version, or damaged on
disk) stops the reading with :class:`StoreDamaged` naming it: skipping it would silently change
counts and events.

The store itself de-duplicates nothing: ``veille ais ingest`` records each run and the content
hash of each file it read (:mod:`veille.maritime.ingest_runs`) so that a file is not stored twice,
and a run's files carry its id (``part-<run>-…``), so that an interrupted run can be resumed or
rolled back.
"""

from __future__ import annotations

import os
import time
import uuid
from collections import Counter, deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import polars as pl

from veille.core.ais.archive import archive_lines, read_archive
from veille.core.ais.bulk import BlockResult, BulkReader, Decoded, decode_block, decode_raw_messages
from veille.core.ais.reader import AisReader
from veille.core.ais.registry import STATIC_FIELDS, Known, records_frame, registry_changes
from veille.core.ais.sources import Block
from veille.kit.paths import resolve

if TYPE_CHECKING:  # imported when the store is read: an ingest never needs DuckDB
    import duckdb

_REASON = attrgetter("reason")

#: static reports put through the registry at once by a file ingest (and at its end)
STATICS_BATCH = 50_000
#: decoded positions a file ingest writes at once (one file per day): larger files, fewer of them
POSITIONS_BATCH = 200_000
#: The registry's columns (``valid_from`` is written as microseconds, then cast).
VESSEL_SCHEMA: dict[str, Any] = {
    "mmsi": pl.UInt32,
    "valid_from": pl.Datetime("us", "UTC"),
    "msg_type": pl.UInt8,
    "source": pl.Utf8,
    "name": pl.Utf8,
    "call_sign": pl.Utf8,
    "imo": pl.UInt32,
    "ship_type": pl.UInt8,
    "to_bow_m": pl.UInt16,
    "to_stern_m": pl.UInt16,
    "to_port_m": pl.UInt8,
    "to_starboard_m": pl.UInt8,
    "destination": pl.Utf8,
    "draught_m": pl.Float64,
    "length_m": pl.UInt16,
    "width_m": pl.UInt8,
}
POSITION_SCHEMA = {
    "mmsi": pl.UInt32,
    "timestamp": pl.Datetime("us", "UTC"),
    "lat": pl.Float64,
    "lon": pl.Float64,
    "sog_kn": pl.Float64,
    "cog_deg": pl.Float64,
    "heading_deg": pl.UInt16,
    "nav_status": pl.UInt8,
    "msg_type": pl.UInt8,
    "source": pl.Utf8,
    "received_at": pl.Datetime("us", "UTC"),
}


class StoreError(Exception):
    """The store (not the input) cannot be written or read: its folder is a file, read-only, full,
    or one of its parts is damaged. The message names the store or the part."""


class StoreDamaged(StoreError):
    """A Parquet part of the store is empty or unreadable (an older version's interrupted write)."""


#: Parts checked and found whole, by path: (size, mtime) when checked. A part is checked once.
_CHECKED: dict[Path, tuple[int, int]] = {}
_PARQUET_MAGIC = b"PAR1"


def check_parts(files: Iterable[Path]) -> None:
    """Raise :class:`StoreDamaged` naming the first part that cannot be a whole Parquet file
    (shorter than a header and footer, or without the closing ``PAR1``).

    >>> import tempfile
    >>> bad = Path(tempfile.mkdtemp()) / "part-x.parquet"; bad.write_bytes(b"")
    0
    >>> check_parts([bad])
    Traceback (most recent call last):
    ...
    veille.maritime.store.StoreDamaged: ...part-x.parquet: empty or unreadable Parquet part (0 bytes); ...
    """
    for f in files:
        st = f.stat()
        key = (st.st_size, st.st_mtime_ns)
        if _CHECKED.get(f) == key:
            continue
        tail = b""
        if st.st_size >= 12:
            with f.open("rb") as fh:
                fh.seek(-4, os.SEEK_END)
                tail = fh.read(4)
        if tail != _PARQUET_MAGIC:
            raise StoreDamaged(
                f"{f}: empty or unreadable Parquet part ({st.st_size:,} bytes); remove it "
                "(it was left by an interrupted write)"
            )
        _CHECKED[f] = key


def write_parquet(df: pl.DataFrame, path: Path) -> None:
    """Write ``df`` to ``path`` through a hidden temporary name in the same folder, renamed into
    place once complete: readers never see half a file. The temporary file is removed if the
    write fails."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        df.write_parquet(tmp, compression="zstd")
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def default_store() -> Path:
    """The store the pages read: ``VEILLE_AIS_STORE``, else ``VEILLE_VAR_DIR/ais``, as
    :func:`veille.kit.paths.resolve` gives it (relative values from the source tree's root, not
    from the current directory).

    >>> from veille.kit.paths import resolve
    >>> default_store() == resolve().ais_store
    True
    """
    return resolve().ais_store


@dataclass
class IngestSummary:
    """What a run did: counts, rejects by reason, vessels, time span, rate."""

    lines: int = 0
    messages: int = 0
    decoded: int = 0
    positions: int = 0
    statics: int = 0
    vessel_changes: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    mmsis: set[int] = field(default_factory=set)
    untimed: int = 0
    first_s: float | None = None
    last_s: float | None = None
    elapsed_s: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready summary."""
        rate = self.messages / self.elapsed_s if self.elapsed_s else 0.0
        span = [
            datetime.fromtimestamp(t, UTC).isoformat() if t is not None else None
            for t in (self.first_s, self.last_s)
        ]
        return {
            "lines": self.lines,
            "messages": self.messages,
            "decoded": self.decoded,
            "positions": self.positions,
            "static_reports": self.statics,
            "vessel_changes": self.vessel_changes,
            "rejected": dict(sorted(self.rejected.items())),
            "rejected_total": sum(self.rejected.values()),
            "vessels": len(self.mmsis),
            "time_span": span,
            "without_time": self.untimed,
            "elapsed_s": round(self.elapsed_s, 3),
            "messages_per_s": round(rate),
        }


def position_rows(pos: pl.DataFrame, source: str | None, now: float) -> pl.DataFrame:
    """Decoded position rows (:data:`veille.core.ais.bulk.POSITION_COLUMNS`) as stored
    (:data:`POSITION_SCHEMA`): a row without a time takes ``now``, also every row's ``received_at``."""
    return pos.select(
        pl.col("mmsi"),
        (pl.col("time_s").fill_null(now) * 1e6)
        .cast(pl.Int64)
        .cast(pl.Datetime("us", "UTC"))
        .alias("timestamp"),
        "lat",
        "lon",
        "sog_kn",
        "cog_deg",
        "heading_deg",
        "nav_status",
        "msg_type",
        pl.col("source").fill_null(pl.lit(source, dtype=pl.Utf8)),
        pl.lit(int(now * 1e6)).cast(pl.Datetime("us", "UTC")).alias("received_at"),
    )


class AisStore:
    """Append decoded AIS to the store; query it through DuckDB."""

    def __init__(self, root: str | Path, *, run: str | None = None, part: int = 0) -> None:
        """``run`` and ``part`` continue a run (its id, the number of its last part written)."""
        self.root = Path(root)
        self.run = run or uuid.uuid4().hex[:12]
        self._part = part
        # while ingest_blocks runs with workers, position files are written in its pool
        self._pool: ThreadPoolExecutor | None = None
        self._writes: deque[Future[None]] = deque()
        # the live ingest holds rows and writes them every few seconds, not a file per read
        self._held_pos: list[pl.DataFrame] = []
        self._held_static: list[pl.DataFrame] = []
        self._held_rows = 0
        self._held_since: float | None = None
        self._known: Known | None = None  # the registry's latest fields per vessel
        self._statics: list[pl.DataFrame] = []  # static reports not yet through the registry
        self._statics_rows = 0
        self._positions: list[tuple[pl.DataFrame, str | None, float]] = []  # decoded, not yet written
        self._positions_rows = 0

    # -- writing -------------------------------------------------------------------------------

    def ingest(
        self,
        batches: Iterable[list[bytes]],
        *,
        rejects: BinaryIO | None = None,
        progress: Callable[[IngestSummary], None] | None = None,
        stop: Callable[[], bool] = lambda: False,
        source: str | None = None,
        clock: Callable[[], float] = time.time,
        flush_s: float = 2.0,
        flush_rows: int = 50_000,
        summary: IngestSummary | None = None,
    ) -> IngestSummary:
        """Read, decode and store every batch of lines; write rejects as ``line<TAB>reason<TAB>raw``.

        This is the line-by-line reader, for live feeds (each batch is what a read delivered);
        :meth:`ingest_blocks` gives the same result faster for files. ``clock`` gives the time
        stamped on messages that carry none, and on ``received_at``.

        Decoded rows are held and written together once ``flush_s`` seconds have passed since the
        first of them was held, or ``flush_rows`` are waiting, and at the end (also when the run
        stops on an error): a feed delivering a few lines per read would otherwise leave a file
        per read. A quiet TCP feed still yields empty batches, so rows never wait much longer than
        ``flush_s``.

        ``summary``, when given, is filled in as the run goes, so that a caller still has the
        counts of what was stored when the source raises (the error is re-raised).

        >>> import tempfile
        >>> store = AisStore(tempfile.mkdtemp())
        >>> s = store.ingest([[b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A", b"garbage"]])
        >>> (s.messages, s.positions, dict(s.rejected), s.untimed)
        (1, 1, {'malformed': 1}, 1)
        """
        summary = summary if summary is not None else IngestSummary()
        reader = AisReader()
        started = time.perf_counter()
        try:
            for lines in batches:
                raws, bad = reader.feed(lines)
                summary.lines += len(lines)
                decoded = decode_raw_messages(raws)
                decoded.rejects = bad + decoded.rejects
                now = clock()
                self._store(decoded, summary, rejects, source, now, hold=True)
                if self._held_since is not None and (
                    self._held_rows >= flush_rows or now - self._held_since >= flush_s
                ):
                    self._flush()
                summary.elapsed_s = time.perf_counter() - started
                if progress is not None:
                    progress(summary)
                if stop():
                    break
            self._store(Decoded.empty().with_rejects(reader.close()), summary, rejects, source, clock())
        finally:
            self._flush()
        summary.elapsed_s = time.perf_counter() - started
        return summary

    def ingest_blocks(
        self,
        blocks: Iterable[Block],
        *,
        workers: int = 1,
        rejects: BinaryIO | None = None,
        progress: Callable[[IngestSummary], None] | None = None,
        stop: Callable[[], bool] = lambda: False,
        source: str | None = None,
        clock: Callable[[], float] = time.time,
        summary: IngestSummary | None = None,
    ) -> IngestSummary:
        """Like :meth:`ingest`, for blocks of lines (files, archives, stdin), scanned in bulk.

        With ``workers`` > 1 the blocks are scanned and decoded in that many threads while the
        calling thread reassembles multi-part messages and writes Parquet; results are taken in
        input order and at most two blocks per worker are in flight, so memory stays flat.

        If ``blocks`` raises (a damaged file, an interrupt while reading), every block it gave
        before is still decoded and written, multi-part groups left open are rejected as at the
        end of input, and then the error is re-raised (``summary``, when given, holds the counts).

        >>> import tempfile
        >>> from veille.core.ais.sources import Block
        >>> store = AisStore(tempfile.mkdtemp())
        >>> s = store.ingest_blocks([Block(b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\\ngarbage", 2)])
        >>> (s.messages, s.positions, dict(s.rejected))
        (1, 1, {'malformed': 1})
        """
        summary = summary if summary is not None else IngestSummary()
        bulk = BulkReader()
        started = time.perf_counter()
        # NumPy and Polars release the GIL for the bulk of the work: threads share the cores
        # without starting processes or copying blocks between them
        pool = ThreadPoolExecutor(workers) if workers > 1 else None
        inflight: deque[tuple[Future[BlockResult], bool]] = deque()
        self._pool = pool

        def finish(result: BlockResult, from_file: bool) -> None:
            summary.lines += result.lines
            self._store(bulk.feed(result), summary, rejects, source, clock())
            if not from_file:  # a live source (stdin): its rows are written as they come
                self._write_pending()
            summary.elapsed_s = time.perf_counter() - started
            if progress is not None:
                progress(summary)

        source_error: BaseException | None = None
        try:
            lineno = 1
            it = iter(blocks)
            while True:
                try:
                    block = next(it)
                except StopIteration:
                    break
                except BaseException as exc:  # the source failed: keep what it gave before
                    source_error = exc
                    break
                if pool is None:
                    finish(decode_block(block.data, block.lines, lineno), block.from_file)
                else:
                    inflight.append(
                        (pool.submit(decode_block, block.data, block.lines, lineno), block.from_file)
                    )
                    while len(inflight) >= 2 * workers:
                        done, from_file = inflight.popleft()
                        finish(done.result(), from_file)
                lineno += block.lines
                if stop():
                    break
            while inflight:
                done, from_file = inflight.popleft()
                finish(done.result(), from_file)
            self._store(bulk.close(), summary, rejects, source, clock())
            self._registry(summary)
            self._write_pending()
            self._drain(0)
        finally:
            self._pool = None
            if pool is not None:
                pool.shutdown(cancel_futures=True)
            self._writes.clear()
            self._positions, self._positions_rows = [], 0  # left by a failed run: not written
            self._statics, self._statics_rows = [], 0
        summary.elapsed_s = time.perf_counter() - started
        if source_error is not None:
            raise source_error
        return summary

    def ingest_archive(
        self,
        path: str | Path,
        *,
        rejects: BinaryIO | None = None,
        progress: Callable[[IngestSummary], None] | None = None,
        stop: Callable[[], bool] = lambda: False,
        clock: Callable[[], float] = time.time,
        summary: IngestSummary | None = None,
    ) -> IngestSummary:
        """Store a CSV archive (MarineCadastre or DMA layout, see :mod:`veille.core.ais.archive`).

        Every row is a message; its static columns go to the vessel registry when they change.
        Each batch is written as it is read, so an error raised by the reader leaves every earlier
        batch stored (``summary``, when given, holds their counts).
        """
        summary = summary if summary is not None else IngestSummary()
        started = time.perf_counter()
        source = Path(path).name
        try:
            for batch in read_archive(archive_lines(path), source=source):
                summary.lines += batch.rows
                dec = Decoded(
                    batch.positions,
                    records_frame(batch.statics),
                    batch.rejects,
                    batch.rows,
                    batch.positions.height,
                )
                self._store(dec, summary, rejects, source, clock())
                summary.elapsed_s = time.perf_counter() - started
                if progress is not None:
                    progress(summary)
                if stop():
                    break
        finally:
            self._registry(summary)
            self._write_pending()
        summary.elapsed_s = time.perf_counter() - started
        return summary

    def _store(
        self,
        dec: Decoded,
        summary: IngestSummary,
        rejects: BinaryIO | None,
        source: str | None,
        now: float,
        *,
        hold: bool = False,
    ) -> None:
        summary.messages += dec.messages
        summary.decoded += dec.decoded
        summary.untimed += dec.untimed
        if dec.rejects:
            for reason, k in Counter(map(_REASON, dec.rejects)).items():
                summary.rejected[reason.value] += k
        if rejects is not None and dec.rejects:
            rejects.write(
                b"".join(b"%d\t%s\t%s\n" % (r.lineno, r.reason.value.encode(), r.line) for r in dec.rejects)
            )
        pos = dec.positions
        if pos.height:
            timed = pos["time_s"].drop_nulls()
            if len(timed):
                lo, hi = float(timed.min()), float(timed.max())  # type: ignore[arg-type]
                summary.first_s = lo if summary.first_s is None else min(summary.first_s, lo)
                summary.last_s = hi if summary.last_s is None else max(summary.last_s, hi)
            summary.positions += pos.height
            summary.mmsis.update(pos["mmsi"].unique().to_list())
            if hold:
                self._held_pos.append(position_rows(pos, source, now))
                self._held_rows += pos.height
            else:
                # written together once POSITIONS_BATCH rows wait: fewer, larger files per day
                self._positions.append((pos, source, now))
                self._positions_rows += pos.height
                if self._positions_rows >= POSITIONS_BATCH:
                    self._write_pending()
        if dec.statics.height:
            summary.statics += dec.statics.height
            if hold:
                changes = registry_changes(dec.statics, self._known_static(), source, now)
                summary.vessel_changes += changes.height
                self._held_static.append(changes)
                self._held_rows += changes.height
            else:
                # the registry's changes are found for many blocks at once (the work per call
                # hardly depends on its size); each report keeps this block's time and source
                self._statics.append(
                    dec.statics.with_columns(
                        batch=pl.lit(len(self._statics), dtype=pl.Int64),  # each block's in its turn
                        time_s=pl.col("time_s").fill_null(now),
                        source=pl.when(pl.col("source").is_null() | (pl.col("source") == ""))
                        .then(pl.lit(source, dtype=pl.Utf8))
                        .otherwise(pl.col("source")),
                    )
                )
                self._statics_rows += dec.statics.height
                if self._statics_rows >= STATICS_BATCH:
                    self._registry(summary)
        if hold and self._held_since is None and (self._held_pos or self._held_static):
            self._held_since = now

    def _registry(self, summary: IngestSummary) -> None:
        """Write the registry's changes from the static reports held (see :meth:`_store`)."""
        if not self._statics:
            return
        statics = pl.concat(self._statics, how="diagonal_relaxed")
        self._statics, self._statics_rows = [], 0
        changes = registry_changes(statics, self._known_static(), None, 0.0)
        summary.vessel_changes += changes.height
        self._write_static_rows(changes)

    def _flush(self) -> None:
        """Write the rows the live ingest holds."""
        if self._held_pos:
            self._write_positions(pl.concat(self._held_pos), self._name())
        if self._held_static:
            self._write_static_rows(pl.concat(self._held_static))
        self._held_pos, self._held_static, self._held_rows, self._held_since = [], [], 0, None

    def _write_pending(self) -> None:
        """Write the decoded positions waiting (see :meth:`_store`); while ``ingest_blocks`` runs
        with workers, one of them converts and writes (Polars does it without the GIL)."""
        if not self._positions:
            return
        batch, name = self._positions, self._name()
        self._positions, self._positions_rows = [], 0
        if self._pool is None:
            self._convert_and_write(batch, name)
        else:
            self._drain(2)
            self._writes.append(self._pool.submit(self._convert_and_write, batch, name))

    def _convert_and_write(self, batch: list[tuple[pl.DataFrame, str | None, float]], name: str) -> None:
        rows = [position_rows(pos, source, now) for pos, source, now in batch]
        self._write_positions(pl.concat(rows) if len(rows) > 1 else rows[0], name)

    def _drain(self, keep: int) -> None:
        """Wait for position writes until at most ``keep`` are pending (a failed write raises)."""
        while len(self._writes) > keep:
            self._writes.popleft().result()

    @property
    def last_part(self) -> int:
        """The number of the last part this run has named (0 before any)."""
        return self._part

    def _name(self) -> str:
        self._part += 1
        return f"part-{self.run}-{self._part:06d}.parquet"

    def _write_positions(self, rows: pl.DataFrame, name: str) -> None:
        """Stored position rows (:data:`POSITION_SCHEMA`) to one file ``name`` per day."""
        rows = rows.with_columns(day=pl.col("timestamp").dt.date())
        for (day,), part in rows.group_by("day"):
            folder = self.root / "positions" / f"day={day}"
            try:
                folder.mkdir(parents=True, exist_ok=True)
                write_parquet(part.drop("day"), folder / name)
            except OSError as exc:
                raise StoreError(f"store {self.root}: cannot write positions: {exc}") from exc

    def _known_static(self) -> Known:
        """The latest registry fields of every vessel in the store (read once, then kept)."""
        if self._known is None:
            self._known = {}
            if any((self.root / "vessels").glob("*.parquet")):
                latest = self.query(f"SELECT mmsi, {', '.join(STATIC_FIELDS)} FROM vessels").pl()  # noqa: S608
                for row in latest.iter_rows():
                    self._known[row[0]] = tuple(row[1:])
        return self._known

    def _write_static_rows(self, rows: pl.DataFrame) -> None:
        if not rows.height:
            return
        df = rows.with_columns(pl.col("valid_from").cast(pl.Datetime("us", "UTC"))).select(
            [pl.col(k).cast(t) for k, t in VESSEL_SCHEMA.items()]
        )
        folder = self.root / "vessels"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            write_parquet(df, folder / self._name())
        except OSError as exc:
            raise StoreError(f"store {self.root}: cannot write the vessel registry: {exc}") from exc

    # -- reading -------------------------------------------------------------------------------

    def connect(self) -> duckdb.DuckDBPyConnection:
        """An in-memory DuckDB with views ``positions``, ``vessel_history`` and ``vessels`` (latest).

        >>> import tempfile
        >>> store = AisStore(tempfile.mkdtemp())
        >>> _ = store.ingest([[b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A"]])
        >>> store.connect().sql("SELECT mmsi, sog_kn FROM positions").fetchall()
        [(371798000, 12.3)]
        """
        import duckdb

        con = duckdb.connect()
        pos = self.root / "positions"
        ves = self.root / "vessels"
        pos_parts = list(pos.glob("day=*/*.parquet"))
        ves_parts = list(ves.glob("*.parquet"))
        check_parts([*pos_parts, *ves_parts])
        if pos_parts:
            con.sql(
                f"CREATE VIEW positions AS SELECT * FROM read_parquet('{pos}/day=*/*.parquet', "  # noqa: S608
                "hive_partitioning = true)"
            )
        else:
            cols = ", ".join(f"NULL::{_duck(t)} AS {n}" for n, t in POSITION_SCHEMA.items())
            con.sql(f"CREATE VIEW positions AS SELECT {cols}, NULL::DATE AS day WHERE false")
        if ves_parts:
            # paths come from the store's own root, not from users
            # union_by_name: parts written before a column existed read it as NULL; a column that
            # no part has yet (a store older than it) is added as NULL
            source = f"read_parquet('{ves}/*.parquet', union_by_name = true)"
            have = {r[0] for r in con.sql(f"DESCRIBE SELECT * FROM {source}").fetchall()}  # noqa: S608
            extra = "".join(
                f", NULL::{_duck(VESSEL_SCHEMA[f])} AS {f}" for f in STATIC_FIELDS if f not in have
            )
            con.sql(f"CREATE VIEW vessel_history AS SELECT *{extra} FROM {source}")  # noqa: S608
        else:
            cols = ", ".join(f"NULL::{_duck(t)} AS {n}" for n, t in VESSEL_SCHEMA.items())
            con.sql(f"CREATE VIEW vessel_history AS SELECT {cols} WHERE false")
        con.sql(
            "CREATE VIEW vessels AS SELECT * FROM vessel_history "
            "QUALIFY row_number() OVER (PARTITION BY mmsi ORDER BY valid_from DESC) = 1"
        )
        return con

    def query(self, sql: str) -> duckdb.DuckDBPyRelation:
        """Run SQL against the views of :meth:`connect`."""
        return self.connect().sql(sql)

    def stats(self) -> dict[str, Any]:
        """Counts and extent of the store.

        >>> import tempfile
        >>> AisStore(tempfile.mkdtemp()).stats()["positions"]
        0
        """
        con = self.connect()
        n, vessels, lo, hi, days = con.execute(
            "SELECT count(*), count(DISTINCT mmsi), min(timestamp), max(timestamp), count(DISTINCT day) "
            "FROM positions"
        ).fetchone()  # type: ignore[misc]
        registry, changes = con.execute(  # type: ignore[misc]
            "SELECT count(DISTINCT mmsi), count(*) FROM vessel_history"
        ).fetchone()
        files = list(self.root.rglob("*.parquet"))
        return {
            "store": str(self.root),
            "positions": n,
            "vessels_with_positions": vessels,
            "vessels_in_registry": registry,
            "registry_changes": changes,
            "first": lo.isoformat() if lo else None,
            "last": hi.isoformat() if hi else None,
            "days": days,
            "files": len(files),
            "bytes": sum(f.stat().st_size for f in files),
        }


def _duck(t: Any) -> str:
    return {
        pl.UInt32: "UINTEGER",
        pl.Float64: "DOUBLE",
        pl.UInt16: "USMALLINT",
        pl.UInt8: "UTINYINT",
        pl.Utf8: "VARCHAR",
    }.get(t, "TIMESTAMPTZ")
