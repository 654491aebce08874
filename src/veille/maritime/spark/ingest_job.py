"""``veille ais ingest --engine spark``: many NMEA files read and decoded in parallel by Spark's
executors, stored in the layout of the embedded ingest.

1. The inputs are listed on the driver (folders walked, globs expanded; local paths or any URL a
   PyArrow file system reads: ``s3://``, ``hdfs://``, ``gs://``), in the order given.
2. ``mapInArrow`` over one task per file (:func:`.ingest_tasks.ingest_file`): veille's own block
   decoder, multi-part groups carried from block to block, positions written as Parquet parts by
   day under the run's temporary folder ``<store>/.spark-<run>/`` (hidden: no reader's glob sees
   it). Each task returns its counts (rejects by reason, time span, vessels).
3. The registry: static reports grouped by vessel (``groupBy(bucket of MMSI).applyInArrow``,
   :func:`.ingest_tasks.registry_bucket`), each vessel's reports in input order from what the store
   knew, as the embedded ingest finds its changes.
4. Only when all that has succeeded are the parts moved into ``positions/day=…/`` and
   ``vessels/``; a failed job removes the temporary folder and leaves the store as it was.

A damaged or unreadable input (a corrupt ``.gz`` among a thousand) does not stop the others: what
was read before the damage is stored (as the embedded ingest does), and it is named and counted.
"""

from __future__ import annotations

import contextlib
import glob
import io
import json
import pickle
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from veille.core.ais.registry import STATIC_FIELDS
from veille.maritime.spark.ingest_tasks import (
    FILE_RESULT,
    filesystem,
    ingest_partition,
    registry_bucket,
    vessel_rows,
    write_frame,
)
from veille.maritime.store import AisStore, IngestSummary

__all__ = ["InputsMissing", "SparkIngest", "list_inputs", "spark_ingest"]

_GLOB = set("*?[")


class InputsMissing(ValueError):
    """An input given on the command line that names no file (a path, folder or glob)."""


def _is_url(item: str) -> bool:
    return "://" in item and not item.startswith("file://")


def list_inputs(items: list[str]) -> list[str]:
    """Every input file, in the order given: a folder gives its files (recursively, sorted, hidden
    ones left out), a glob its matches (sorted); local paths or URLs.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); (d / "b.nmea").write_text(""); (d / "a.nmea.gz").write_text("")
    0
    0
    >>> [pathlib.Path(p).name for p in list_inputs([str(d)])]
    ['a.nmea.gz', 'b.nmea']
    """
    out: list[str] = []
    for item in items:
        found = _list_url(item) if _is_url(item) else _list_local(item)
        if not found:
            raise InputsMissing(f"{item}: no such file" + (" (nothing matches)" if _GLOB & set(item) else ""))
        out.extend(found)
    return out


def _list_local(item: str) -> list[str]:
    path = Path(item.removeprefix("file://"))
    if _GLOB & set(item):
        return sorted(p for p in glob.glob(str(path), recursive=True) if Path(p).is_file())
    if path.is_dir():
        return sorted(
            str(p)
            for p in path.rglob("*")
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
        )
    return [str(path)] if path.is_file() else []


def _list_url(item: str) -> list[str]:
    import fnmatch

    from pyarrow import fs as pafs

    if _GLOB & set(item):
        base = item[: min(item.index(c) for c in _GLOB if c in item)].rsplit("/", 1)[0]
    else:
        base = item
    filesys, path = filesystem(base)
    # the URL's part before the file system's path ("s3://", "hdfs://namenode:8020")
    prefix = base[: len(base) - len(path)] if base.endswith(path) else base.split("://", 1)[0] + "://"
    info = filesys.get_file_info(path)
    if base == item and info.type == pafs.FileType.File:
        return [item]
    if info.type != pafs.FileType.Directory:
        return []
    infos = filesys.get_file_info(pafs.FileSelector(path, recursive=True))
    files = [i for i in infos if i.type == pafs.FileType.File]
    if base != item:
        pattern = item[len(prefix) :]
        return sorted(prefix + i.path for i in files if fnmatch.fnmatch(i.path, pattern))
    return sorted(prefix + i.path for i in files if not i.base_name.startswith("."))


@dataclass
class SparkIngest:
    """What a Spark ingest did: the summary (as the embedded ingest's), the run id, and the inputs
    that were damaged or unreadable (each with its message, which names it)."""

    summary: IngestSummary
    run: str
    inputs: int
    errors: list[str] = field(default_factory=list)


def spark_ingest(
    spark: Any,
    inputs: list[str],
    store_root: str | Path,
    *,
    rejects: io.BufferedWriter | Any | None = None,
    run: str | None = None,
) -> SparkIngest:
    """Ingest ``inputs`` (files, as :func:`list_inputs` gives them) into the store at
    ``store_root`` on the Spark session ``spark``; rejected lines to ``rejects`` (file by file, in
    input order) when given."""
    from pyspark.sql import functions as F

    run = run or uuid.uuid4().hex[:12]
    root = str(store_root)
    fs, base = filesystem(root)
    tmp_path = f"{base}/.spark-{run}"
    tmp = f"{root.rstrip('/')}/.spark-{run}" if _is_url(root) else tmp_path
    started = time.perf_counter()
    summary = IngestSummary()
    errors: list[str] = []
    try:
        sc = spark.sparkContext
        tasks = spark.createDataFrame(
            sc.parallelize(list(enumerate(inputs)), max(1, len(inputs))), "file_index long, location string"
        )
        results = tasks.mapInArrow(ingest_partition(tmp, run, rejects is not None), FILE_RESULT).collect()
        for row in sorted(results, key=lambda r: r["file_index"]):
            _add(summary, row)
            if row["error"]:
                errors.append(row["error"])
        changes = _registry(spark, F, fs, tmp_path, tmp, store_root)
        summary.vessel_changes = changes.height
        if changes.height:
            write_frame(fs, vessel_rows(changes), f"{tmp_path}/vessels/part-{run}-000000.parquet")
        if rejects is not None:
            for index in range(len(inputs)):
                path = f"{tmp_path}/rejects/f-{index:06d}.tsv"
                if fs.get_file_info(path).is_file:
                    with fs.open_input_stream(path) as part:
                        rejects.write(part.read())
        _move_into_place(fs, tmp_path, base)
    finally:
        with contextlib.suppress(FileNotFoundError, OSError):
            fs.delete_dir(tmp_path)
    summary.elapsed_s = time.perf_counter() - started
    return SparkIngest(summary, run, len(inputs), errors)


def _add(total: IngestSummary, row: Any) -> None:
    for name in ("lines", "messages", "decoded", "positions", "statics", "untimed"):
        setattr(total, name, getattr(total, name) + row[name])
    total.rejected.update(json.loads(row["rejected"]))
    total.mmsis.update(row["mmsis"] or [])
    for t in (row["first_s"], row["last_s"]):
        if t is not None:
            total.first_s = t if total.first_s is None else min(total.first_s, t)
            total.last_s = t if total.last_s is None else max(total.last_s, t)


def _known(store_root: str | Path) -> dict[int, tuple[Any, ...]]:
    """The registry's latest fields of every vessel the store knows (local stores)."""
    if _is_url(str(store_root)) or not any((Path(store_root) / "vessels").glob("*.parquet")):
        return {}
    latest = AisStore(store_root).query(f"SELECT mmsi, {', '.join(STATIC_FIELDS)} FROM vessels").pl()  # noqa: S608
    return {row[0]: tuple(row[1:]) for row in latest.iter_rows()}


def _registry(spark: Any, F: Any, fs: Any, tmp_path: str, tmp: str, store_root: str | Path) -> pl.DataFrame:
    """The registry's changes of the run's static reports, grouped by vessel on the executors."""
    from pyarrow import fs as pafs

    info = fs.get_file_info(pafs.FileSelector(f"{tmp_path}/statics", allow_not_found=True))
    if not any(i.is_file and i.base_name.endswith(".parquet") for i in info):
        return pl.DataFrame()
    statics = spark.read.parquet(f"{tmp}/statics")
    buckets = max(1, int(spark.conf.get("spark.sql.shuffle.partitions")))
    known = pickle.dumps(_known(store_root))
    parts = (
        statics.groupBy(F.pmod(F.hash("mmsi"), F.lit(buckets)).alias("bucket"))
        .applyInArrow(registry_bucket(known), "data binary")
        .collect()
    )
    frames = [pl.read_ipc(io.BytesIO(r["data"])) for r in parts]
    frames = [f for f in frames if f.height]
    if not frames:
        return pl.DataFrame()
    return pl.concat(frames, how="vertical_relaxed").sort("valid_from", "mmsi")


def _move_into_place(fs: Any, tmp_path: str, base: str) -> None:
    """Every part of the run, from the temporary folder to its place in the store."""
    from pyarrow import fs as pafs

    for kind in ("positions", "vessels"):
        infos = fs.get_file_info(
            pafs.FileSelector(f"{tmp_path}/{kind}", recursive=True, allow_not_found=True)
        )
        for i in sorted(infos, key=lambda i: i.path):
            if not i.is_file or i.base_name.startswith("."):
                continue
            rel = i.path[len(tmp_path) + 1 :]
            dest = f"{base}/{rel}"
            fs.create_dir(dest.rsplit("/", 1)[0], recursive=True)
            fs.move(i.path, dest)
