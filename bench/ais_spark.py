"""Benchmark of the Apache Spark engine against the embedded one (``python bench/ais_spark.py``).

Same data, same run, three engines: the embedded engine (this process: Polars, DuckDB, NumPy),
Spark ``local[1]`` and Spark ``local[2]`` (veille's code in Spark's Python workers):

- **events**: a store of N synthetic positions (``bench/ais_events.py``'s seeded generator: vessels
  in the Norwegian and Barents Seas, some slow, some silent for hours; default 10 and 50 million),
  written in the store's layout (Parquet by day); every detector, the run not stored
  (``run_events`` / ``spark_events`` with ``write=False``);
- **ingest**: the real traffic mix of ``bench/_ais_mix.py`` (the shipped captures, about two
  thirds position reports) in 8 files, ingested into a fresh store.

Spark's session start (a JVM) is timed apart and left out of the rates. Rates per core-second
(positions / wall seconds / cores) are what docs/scale.md's sizing uses. Spark is for data that
does not fit one machine: on one machine it adds its overhead (JVM, Arrow copies between the JVM
and Python workers, shuffles) to the same Python work.

Writes its section of docs/benchmarks.md between the ``bench:ais_spark`` markers
(``--no-write``: print only; ``--positions 200000 --ingest-lines 100000`` for a quick check).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _ais_mix import write_mix
from _common import machine
from ais_events import synthetic
from veille.core.ais.sources import file_blocks
from veille.maritime.event_runs import run_events
from veille.maritime.store import POSITION_SCHEMA, AisStore

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
MARK = "bench:ais_spark"
NOW = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)


def write_store(root: Path, n: int, vessels: int) -> int:
    """N synthetic positions in the store's layout (one part per day)."""
    df = synthetic(n, vessels)
    full = df.select(
        "mmsi", "timestamp", "lat", "lon", "sog_kn",
        cog_deg=pl.lit(90.0), heading_deg=pl.lit(90), nav_status=pl.lit(0), msg_type=pl.lit(1),
        source=pl.col("source"), received_at=pl.col("timestamp"),
    ).cast(POSITION_SCHEMA)  # type: ignore[arg-type]  # fmt: skip
    for (day,), part in full.group_by(pl.col("timestamp").dt.date(), maintain_order=True):
        folder = root / "positions" / f"day={day}"
        folder.mkdir(parents=True, exist_ok=True)
        part.write_parquet(folder / "part-bench-000001.parquet", compression="zstd")
    return full.height


_STARTS: list[float] = []  # each session's start, in order: the first one starts the JVM


def _session(master: str) -> Any:
    """A Spark session with its executors up; how long that took is kept in ``_STARTS``."""
    from veille.maritime.spark.session import spark_session

    started = time.perf_counter()
    spark = spark_session(master, app="veille bench")
    spark.range(1).count()  # the executors up
    _STARTS.append(time.perf_counter() - started)
    return spark


def bench_events(store: Path) -> dict[str, tuple[float, int]]:
    from veille.maritime.spark.events_job import spark_events

    out: dict[str, tuple[float, int]] = {}
    started = time.perf_counter()
    events = run_events(AisStore(store), now=NOW, write=False).events.height
    out["embedded"] = (time.perf_counter() - started, events)
    for cores in (1, 2):
        spark = _session(f"local[{cores}]")
        started = time.perf_counter()
        found = spark_events(spark, AisStore(store), now=NOW, write=False).events.height
        out[f"local[{cores}]"] = (time.perf_counter() - started, found)
        spark.stop()
    return out


def bench_ingest(folder: Path, lines: int, files: int = 8) -> dict[str, tuple[float, int]]:
    from veille.maritime.spark.ingest_job import spark_ingest

    inputs = []
    for k in range(files):
        path = folder / f"mix-{k}.nmea"
        write_mix(path, lines // files, seed=k + 1)
        inputs.append(str(path))
    out: dict[str, tuple[float, int]] = {}
    store = AisStore(folder / "embedded")
    started = time.perf_counter()
    positions = 0
    for path in inputs:
        positions += store.ingest_blocks(file_blocks(path), workers=2).positions
    out["embedded"] = (time.perf_counter() - started, positions)
    for cores in (1, 2):
        spark = _session(f"local[{cores}]")
        started = time.perf_counter()
        result = spark_ingest(spark, inputs, folder / f"spark-{cores}")
        out[f"local[{cores}]"] = (time.perf_counter() - started, result.summary.positions)
        spark.stop()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--positions", type=int, nargs="+", default=[10_000_000, 50_000_000])
    ap.add_argument("--vessels-per-million", type=int, default=2_000)
    ap.add_argument("--ingest-lines", type=int, default=2_000_000)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    # the machine's load before the run: Spark's own JVM and Python workers load it during the run
    load = os.getloadavg()[0]
    rows = []
    work = Path(tempfile.mkdtemp(prefix="veille-bench-spark-"))
    try:
        for n in args.positions:
            store = work / f"store-{n}"
            written = write_store(store, n, max(10, n * args.vessels_per_million // 1_000_000))
            result = bench_events(store)
            rows.append(("events", written, result))
            shutil.rmtree(store)
        ingest = bench_ingest(work, args.ingest_lines)
        rows.append(("ingest", args.ingest_lines, ingest))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    cores = {"embedded": 2, "local[1]": 1, "local[2]": 2}
    lines = [
        "## Apache Spark against the embedded engine (`bench/ais_spark.py`)",
        "",
        f"Machine: {machine()}, polars {pl.__version__}, Java {_java()}. Run "
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC. Events: synthetic positions of "
        "`bench/ais_events.py` (seeded) in the store's layout, every detector, the run not stored; ingest: "
        f"the real traffic mix of `bench/_ais_mix.py` ({args.ingest_lines:,} lines in 8 files), into a fresh "
        f"store. Spark's session start is left out of every row: {_STARTS[0]:.1f} s for the first (the JVM "
        f"and its Python workers), {min(_STARTS[1:], default=0.0):.1f}-{max(_STARTS[1:], default=0.0):.1f} s "
        "for the next ones (the same JVM).",
        "",
        "| work | input | engine | wall s | per second | per core-second | Spark / embedded |",
        "|---|---:|---|---:|---:|---:|---:|",
    ]
    for work_kind, n, result in rows:
        base = result["embedded"][0]
        unit = "positions" if work_kind == "events" else "lines"
        for engine, (seconds, _count) in result.items():
            rate = n / seconds if seconds else 0.0
            ratio = "-" if engine == "embedded" else f"{seconds / base:.1f}x the time"
            lines.append(
                f"| {work_kind} | {n:,} {unit} | {engine} | {seconds:.1f} | {rate:,.0f} | "
                f"{rate / cores[engine]:,.0f} | {ratio} |"
            )
        counts = {engine: c for engine, (_s, c) in result.items()}
        if len(set(counts.values())) != 1:
            lines.append(f"| {work_kind} | counts differ: {counts} | | | | | |")
    lines += [
        "",
        "The embedded engine uses both cores (its detectors and ingest run in two threads); "
        "`local[1]`/`local[2]` give Spark one or two task slots. Each engine found the same number of "
        "events (positions for the ingest) unless a row above says otherwise. Spark does the same "
        "Python work plus its own: the figures measure that overhead on one machine, which is what "
        "docs/scale.md's sizing starts from; Spark pays off only when the data outgrow one machine. "
        f"Load average (1 min) before the run: {load:.1f} on {os.cpu_count()} cores"
        + (
            " (a loaded machine: provisional figures, rerun on an idle one to quote them)."
            if load > (os.cpu_count() or 1)
            else "."
        ),
    ]
    section = "\n".join(lines)
    print(section)
    if not args.no_write:
        text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
        block = f"<!-- {MARK} -->\n{section}\n<!-- /{MARK} -->"
        if f"<!-- {MARK} -->" in text:
            text = re.sub(rf"<!-- {MARK} -->.*?<!-- /{MARK} -->", lambda _: block, text, flags=re.S)
        else:
            text = text.rstrip("\n") + "\n\n" + block + "\n"
        DOC.write_text(text, encoding="utf-8")


def _java() -> str:
    import subprocess

    try:
        out = subprocess.run(["java", "-version"], capture_output=True, text=True, timeout=30, check=False)
    except OSError:
        return "missing"
    first = (out.stderr or out.stdout).splitlines()
    return first[0].split('"')[1] if first and '"' in first[0] else "unknown"


if __name__ == "__main__":
    main()
