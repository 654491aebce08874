"""``veille ais events --engine spark``: the store's events detected by Spark's executors with
veille's own detectors, stored as the embedded engine stores a run.

1. Positions are read from the store's Parquet parts (``positions/day=…``), with each row's file
   and place in it, so that every vessel's fixes come in the order the embedded engine reads them;
   a window (``--since``) starts from each vessel's last fix before it, as there.
2. ``groupBy(bucket of MMSI).applyInArrow`` (:func:`.events_tasks.prepare_bucket`): each bucket's
   vessels are cleaned and marked; out come the quality counts, the latest kept fix (the end of
   the data, ``until`` of every detector), the reception cells of every vessel (the gap detector's
   test of who else was heard) and each vessel's representative fix per 10-minute bin.
3. ``groupBy(bucket of MMSI).applyInArrow`` (:func:`.events_tasks.detect_bucket`): gaps (with the
   reception table of all vessels, broadcast), zones, loitering, cables, jumps and shared MMSIs on
   each bucket's whole tracks, including what crosses day partitions (a gap from one day to the
   next).
4. Encounters: representatives to (day, cube of space) with the neighbouring cubes joined, pairs
   per cell (``applyInArrow``), then each pair's runs of bins (``applyInArrow`` over buckets of
   pairs), with the encounter detector's rules.
5. Identity changes come from the registry (small: one row per change), on the driver, as in the
   embedded run; then the run is kept and stored by :func:`veille.maritime.event_runs.store_run`.
"""

from __future__ import annotations

import io
import json
import uuid
from datetime import UTC, datetime
from typing import Any

import polars as pl

from veille.core.events.batch import Detectors
from veille.core.events.schema import empty_events, sort_events
from veille.core.tracks import QualityReport
from veille.maritime.event_runs import EventRun, load_history, store_run, window_files
from veille.maritime.spark.events_tasks import (
    CELL_KM,
    CELL_SCHEMA,
    PAIR_SCHEMA,
    PREPARED_SCHEMA,
    cell_pairs,
    detect_bucket,
    frames_of,
    pair_runs,
    prepare_bucket,
    to_cells,
)
from veille.maritime.store import AisStore, check_parts

__all__ = ["spark_events"]


def _positions(spark: Any, F: Any, store: AisStore, since: datetime | None, until: datetime | None) -> Any:
    """The window's positions with their order in the store (``_w``, ``_file``, ``_row``)."""
    from pyspark.sql import Window

    files = list((store.root / "positions").glob("day=*/*.parquet"))
    check_parts(files)
    base = str(store.root / "positions")
    pos = spark.read.option("basePath", base).parquet(base).select(
        "mmsi", "timestamp", "lat", "lon", "sog_kn",
        F.col("_metadata.file_path").alias("_file"), F.col("_metadata.row_index").alias("_row"),
    )  # fmt: skip
    window = pos
    if since is not None:
        window = window.filter(F.col("timestamp") >= F.lit(since))
    if until is not None:
        window = window.filter(F.col("timestamp") < F.lit(until))
    window = window.withColumn("_w", F.lit(1))
    if since is None:
        return window
    valid = (
        F.col("lat").between(-90, 90)
        & F.col("lon").between(-180, 180)
        & ~((F.col("lat") == 0) & (F.col("lon") == 0))
    )
    last = Window.partitionBy("mmsi").orderBy(
        F.col("timestamp").desc(), F.col("_file").desc(), F.col("_row").desc()
    )
    before = (
        pos.filter((F.col("timestamp") < F.lit(since)) & valid)
        .withColumn("_n", F.row_number().over(last))
        .filter(F.col("_n") == 1)
        .drop("_n")
        .withColumn("_w", F.lit(0))
    )
    return before.unionByName(window)


def spark_events(
    spark: Any,
    store: AisStore,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    detectors: Detectors | None = None,
    now: datetime | None = None,
    write: bool = True,
    buckets: int | None = None,
) -> EventRun:
    """Every event of the store's window, detected on Spark; stored unless ``write`` is false."""
    from pyspark.sql import functions as F

    now = now or datetime.now(UTC)
    d0 = detectors or Detectors()
    n = buckets or max(2, int(spark.conf.get("spark.sql.shuffle.partitions")))
    files = window_files(store, since, until)
    if not files:
        return store_run(
            store, empty_events(), QualityReport(), d0.with_until(until), files,
            since=since, until=until, end=until, now=now, write=write,
        )  # fmt: skip
    pos = _positions(spark, F, store, since, until)
    bucket = F.pmod(F.hash("mmsi"), F.lit(n)).alias("bucket")

    # 2. clean and mark each bucket of vessels: quality, end of the data, reception, representatives
    prepared = pos.groupBy(bucket).applyInArrow(prepare_bucket(d0, now), PREPARED_SCHEMA).persist()
    try:
        quality = QualityReport()
        max_ok: int | None = None
        for row in prepared.filter(F.col("kind") == "quality").collect():
            quality.rows += row["n_rows"]
            quality.out_of_order += row["n_out_of_order"]
            quality.duplicates += row["n_duplicates"]
            for reason, count in json.loads(row["flagged"]).items():
                quality.flagged[reason] = quality.flagged.get(reason, 0) + count
            if row["max_ok_us"] is not None:
                max_ok = row["max_ok_us"] if max_ok is None else max(max_ok, row["max_ok_us"])
        end = until or (datetime.fromtimestamp(max_ok / 1e6, UTC) if max_ok is not None else None)
        d = d0.with_until(end)
        rx = prepared.filter(F.col("kind") == "rx").select("cy", "cx", "hour", "mmsi").distinct().toArrow()
        reception = pl.from_arrow(rx)
        assert isinstance(reception, pl.DataFrame)
        reception = reception.with_columns(pl.col("mmsi").cast(pl.UInt32))
        sink = io.BytesIO()
        reception.write_ipc(sink)
        shared = spark.sparkContext.broadcast(sink.getvalue())

        # 3. the detectors that work vessel by vessel, on each bucket's whole tracks
        per_vessel = (
            pos.groupBy(bucket)
            .applyInArrow(detect_bucket(d, now, shared, uuid.uuid4().hex), "data binary")
            .collect()
        )

        # 4. encounters: pairs per space-time cell (neighbouring cubes joined), then runs per pair
        enc = d.encounters
        reps = prepared.filter(F.col("kind") == "rep").select("mmsi", "bin", "lat", "lon", "speed_dk")
        cells = reps.mapInArrow(to_cells(enc.max_distance_km, enc.bin.total_seconds(), CELL_KM), CELL_SCHEMA)
        pairs = cells.groupBy("day", "cx", "cy", "cz").applyInArrow(
            cell_pairs(enc.max_distance_km, enc.max_median_speed_kn), PAIR_SCHEMA
        )
        pair_bucket = F.pmod(F.hash("a", "b"), F.lit(n)).alias("pair_bucket")
        encounters = pairs.groupBy(pair_bucket).applyInArrow(pair_runs(d), "data binary").collect()
    finally:
        prepared.unpersist()

    # 5. identity changes from the registry, on the driver
    parts = frames_of(per_vessel) + frames_of(encounters)
    identity = d.identity.detect(load_history(store))
    if identity.height:
        parts.append(identity)
    events = sort_events(pl.concat(parts)) if parts else empty_events()
    return store_run(
        store, events, quality, d, files, since=since, until=until, end=end, now=now, write=write
    )
