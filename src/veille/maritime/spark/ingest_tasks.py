"""What Spark's executors run for ``veille ais ingest --engine spark``: plain Python, Polars and
veille's own decoder (this module imports no PySpark; :mod:`.ingest_job` hands these functions to
``mapInArrow`` and ``applyInArrow``).

One task reads one input file from its start, in the blocks of the embedded ingest
(:func:`veille.core.ais.sources.file_blocks`, or the same reading through a PyArrow file system for
``s3://``, ``hdfs://``, ``gs://`` inputs), decodes each block with
:func:`veille.core.ais.bulk.decode_block` and carries ``$PGHP`` times and multi-part groups from one
block to the next with :class:`veille.core.ais.bulk.BulkReader`, exactly as the embedded ingest does
for each file: a group split across two blocks is reassembled, what is left open at the end of the
file is ``incomplete_multipart``. Positions are written as the embedded ingest writes them
(:func:`veille.maritime.store.position_rows`, 200,000 rows at a time, one part per day) under the
run's temporary folder; static reports are kept there for the registry, which needs every file's
reports of a vessel in input order (:func:`registry_bucket`, grouped by vessel).
"""

from __future__ import annotations

import contextlib
import io
import json
import pickle
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from veille.core.ais.bulk import BulkReader, Decoded, decode_block
from veille.core.ais.registry import registry_changes, registry_values
from veille.core.ais.sources import (
    GZIP_MAGIC,
    Block,
    ChunkStream,
    InputDamaged,
    file_blocks,
    inflate,
    read_blocks,
)
from veille.maritime.store import POSITIONS_BATCH, VESSEL_SCHEMA, IngestSummary, position_rows

__all__ = [
    "BLOCK_BYTES",
    "FILE_RESULT",
    "filesystem",
    "ingest_file",
    "ingest_partition",
    "input_blocks",
    "registry_bucket",
    "vessel_rows",
    "write_frame",
]

#: the embedded ingest's block size (``veille.core.ais.sources``): the same blocks, the same batches
BLOCK_BYTES = 2 << 20
#: the row ``mapInArrow`` returns for each input file (Spark DDL)
FILE_RESULT = (
    "file_index long, lines long, messages long, decoded long, positions long, statics long, "
    "untimed long, first_s double, last_s double, rejected string, error string, "
    "mmsis array<long>, elapsed_s double"
)


def filesystem(location: str) -> tuple[Any, str]:
    """The PyArrow file system of a path or URL, and the path inside it.

    >>> fs, path = filesystem("/tmp/x")
    >>> (fs.type_name, path)
    ('local', '/tmp/x')
    """
    from pyarrow import fs

    if "://" in location and not location.startswith("file://"):
        return fs.FileSystem.from_uri(location)
    return fs.LocalFileSystem(), str(Path(location.removeprefix("file://")).absolute())


def input_blocks(location: str) -> Iterator[Block]:
    """Blocks of lines of one input (plain or gzip, detected by content), as the embedded ingest
    reads a file; a damaged gzip raises :class:`InputDamaged` after every line before the damage."""
    if "://" not in location or location.startswith("file://"):
        yield from file_blocks(location.removeprefix("file://"))
        return
    fs, path = filesystem(location)
    raw = fs.open_input_file(path)
    head = raw.read(2)
    raw.seek(0)
    stream: Any = ChunkStream(inflate(raw, location), raw.close) if head == GZIP_MAGIC else raw
    try:
        for block in read_blocks(stream, BLOCK_BYTES):
            yield Block(block.data, block.lines, from_file=True)
        if isinstance(stream, ChunkStream):
            stream.check()
    finally:
        stream.close()


def write_frame(fs: Any, df: pl.DataFrame, path: str) -> None:
    """Write ``df`` as Parquet (zstd, as the embedded store) under a hidden name, then rename it."""
    folder, name = path.rsplit("/", 1)
    tmp = f"{folder}/.{name}.tmp"
    fs.create_dir(folder, recursive=True)
    try:
        pq.write_table(df.to_arrow(), tmp, filesystem=fs, compression="zstd")
        fs.move(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            fs.delete_file(tmp)
        raise


class _FileIngest:
    """One input file's ingest inside an executor: the embedded ``AisStore._store`` for a file,
    except that the registry is left to :func:`registry_bucket`."""

    def __init__(self, index: int, tmp: str, run: str, keep_rejects: bool) -> None:
        self.index, self.run, self.keep_rejects = index, run, keep_rejects
        self.fs, self.root = filesystem(tmp)
        self.summary = IngestSummary()
        self.pending: list[pl.DataFrame] = []
        self.pending_rows = 0
        self.part = 0
        self.statics: list[pl.DataFrame] = []
        self.rejects = io.BytesIO()

    def take(self, dec: Decoded, now: float) -> None:
        s = self.summary
        s.messages += dec.messages
        s.decoded += dec.decoded
        s.untimed += dec.untimed
        for r in dec.rejects:
            s.rejected[r.reason.value] += 1
        if self.keep_rejects and dec.rejects:
            self.rejects.write(
                b"".join(b"%d\t%s\t%s\n" % (r.lineno, r.reason.value.encode(), r.line) for r in dec.rejects)
            )
        pos = dec.positions
        if pos.height:
            timed = pos["time_s"].drop_nulls()
            if len(timed):
                lo, hi = float(timed.min()), float(timed.max())  # type: ignore[arg-type]
                s.first_s = lo if s.first_s is None else min(s.first_s, lo)
                s.last_s = hi if s.last_s is None else max(s.last_s, hi)
            s.positions += pos.height
            s.mmsis.update(pos["mmsi"].unique().to_list())
            self.pending.append(position_rows(pos, None, now))
            self.pending_rows += pos.height
            if self.pending_rows >= POSITIONS_BATCH:
                self.write_positions()
        if dec.statics.height:
            s.statics += dec.statics.height
            # as the embedded ingest keeps them: each block's reports in their turn, at its time
            held = dec.statics.with_columns(time_s=pl.col("time_s").fill_null(now))
            self.statics.append(
                registry_values(held).with_columns(
                    file_index=pl.lit(self.index, dtype=pl.Int64),
                    batch=pl.lit(len(self.statics), dtype=pl.Int64),
                )
            )

    def write_positions(self) -> None:
        if not self.pending:
            return
        self.part += 1
        rows = pl.concat(self.pending).with_columns(day=pl.col("timestamp").dt.date())
        self.pending, self.pending_rows = [], 0
        name = f"part-{self.run}-{self.index:06d}-{self.part:06d}.parquet"
        for (day,), chunk in rows.group_by("day"):
            write_frame(self.fs, chunk.drop("day"), f"{self.root}/positions/day={day}/{name}")

    def finish(self) -> None:
        self.write_positions()
        if self.statics:
            statics = pl.concat(self.statics, how="vertical_relaxed")
            write_frame(self.fs, statics, f"{self.root}/statics/f-{self.index:06d}.parquet")
        if self.keep_rejects:
            path = f"{self.root}/rejects/f-{self.index:06d}.tsv"
            self.fs.create_dir(path.rsplit("/", 1)[0], recursive=True)
            with self.fs.open_output_stream(path) as out:
                out.write(self.rejects.getvalue())


def ingest_file(index: int, location: str, tmp: str, run: str, keep_rejects: bool = False) -> dict[str, Any]:
    """Ingest one input file into the run's temporary folder ``tmp``; its counts (the row of
    :data:`FILE_RESULT`). A damaged or unreadable input is named in ``error``: what was read
    before the damage is stored, as the embedded ingest does."""
    job = _FileIngest(index, tmp, run, keep_rejects)
    started = time.perf_counter()
    bulk = BulkReader()
    error = None
    lineno = 1
    try:
        for block in input_blocks(location):
            job.summary.lines += block.lines
            job.take(bulk.feed(decode_block(block.data, block.lines, lineno)), time.time())
            lineno += block.lines
    except InputDamaged as exc:  # its message names the file
        error = str(exc)
    except (OSError, ValueError) as exc:
        error = f"{location}: {exc}"
    job.take(bulk.close(), time.time())
    job.finish()
    s = job.summary
    return {
        "file_index": index,
        "lines": s.lines,
        "messages": s.messages,
        "decoded": s.decoded,
        "positions": s.positions,
        "statics": s.statics,
        "untimed": s.untimed,
        "first_s": s.first_s,
        "last_s": s.last_s,
        "rejected": json.dumps(dict(s.rejected)),
        "error": error,
        "mmsis": sorted(s.mmsis),
        "elapsed_s": time.perf_counter() - started,
    }


def ingest_partition(tmp: str, run: str, keep_rejects: bool) -> Any:
    """The function ``mapInArrow`` runs over the tasks (``file_index``, ``location``)."""

    def run_tasks(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            for index, location in zip(
                batch.column("file_index").to_pylist(), batch.column("location").to_pylist(), strict=True
            ):
                row = ingest_file(index, location, tmp, run, keep_rejects)
                yield pa.RecordBatch.from_pylist([row], schema=_FILE_RESULT_ARROW)

    return run_tasks


_FILE_RESULT_ARROW = pa.schema(
    [
        ("file_index", pa.int64()),
        ("lines", pa.int64()),
        ("messages", pa.int64()),
        ("decoded", pa.int64()),
        ("positions", pa.int64()),
        ("statics", pa.int64()),
        ("untimed", pa.int64()),
        ("first_s", pa.float64()),
        ("last_s", pa.float64()),
        ("rejected", pa.string()),
        ("error", pa.string()),
        ("mmsis", pa.list_(pa.int64())),
        ("elapsed_s", pa.float64()),
    ]
)

#: files per input in the global order of blocks: ``batch`` of file ``f`` becomes f * 2^32 + batch
_FILE_SHIFT = 1 << 32


def registry_bucket(known: bytes) -> Any:
    """The function ``groupBy(bucket of MMSI).applyInArrow`` runs over the static reports: the
    registry's changes of whole vessels, each vessel's reports taken file by file and block by
    block as the embedded ingest takes them, from what the store knew before the run (``known``:
    a pickled ``{mmsi: values}``). Returns one row: the changes as Arrow IPC bytes (their exact
    types; the driver writes them)."""

    def run(table: pa.Table) -> pa.Table:
        seeds: dict[int, tuple[Any, ...]] = pickle.loads(known)  # noqa: S301 - made by the driver
        frame = pl.from_arrow(table)
        assert isinstance(frame, pl.DataFrame)
        frame = frame.with_columns(batch=pl.col("file_index") * _FILE_SHIFT + pl.col("batch"))
        mine = {m: seeds[m] for m in frame["mmsi"].unique().to_list() if m in seeds}
        changes = registry_changes(frame, mine, None, 0.0)
        sink = io.BytesIO()
        changes.write_ipc(sink)
        return pa.table({"data": [sink.getvalue()]})

    return run


def vessel_rows(changes: pl.DataFrame) -> pl.DataFrame:
    """Registry changes (``valid_from`` in microseconds) as the store keeps them (``VESSEL_SCHEMA``)."""
    return changes.with_columns(pl.col("valid_from").cast(pl.Datetime("us", "UTC"))).select(
        [pl.col(k).cast(t) for k, t in VESSEL_SCHEMA.items()]
    )
