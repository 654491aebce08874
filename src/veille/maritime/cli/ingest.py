"""``veille ais ingest``: read NMEA (files, .gz, stdin, tcp://HOST:PORT) or CSV archives and append
their positions and vessel data to the store. The work is done by :mod:`veille.core.ais` and
:mod:`veille.maritime.store`; this module parses arguments and reports (exit codes:
:mod:`veille.maritime.cli.common`).
"""

from __future__ import annotations

import json
import os
import sys
import time
from argparse import ArgumentParser
from collections.abc import Callable
from pathlib import Path
from typing import Any

from veille.core.ais.archive import ArchiveError, is_archive
from veille.core.ais.sources import InputDamaged, TcpStats, file_blocks, tcp_batches
from veille.maritime.cli.common import (
    EXIT_ARGS,
    EXIT_INPUT,
    EXIT_INTERRUPTED,
    EXIT_NOTHING_DECODED,
    EXIT_STORE,
    CommandError,
    Interrupt,
    check_output,
    parse_until,
    store_of,
    tcp_address,
)
from veille.maritime.ingest_runs import COMPLETE, INTERRUPTED, RUNNING, IngestRuns, sha256_file
from veille.maritime.readers import ReaderStatus
from veille.maritime.store import AisStore, IngestSummary, StoreError

__all__ = ["add_parser", "ingest_inputs", "plan_inputs", "run"]

PENDING = "pending"


def _now() -> str:
    import datetime as dt

    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def add_parser(sub: Any) -> ArgumentParser:
    parser = sub.add_parser(
        "ingest",
        help="read NMEA and store positions and vessel data",
        description="Read NMEA or CSV archives and append their positions and vessel data to the "
        "store. Each run and the content hash (SHA-256) of each file it reads are recorded in the "
        "store (ingest-runs/): a file already stored is not read again (--force stores it again), "
        "and an interrupted run is resumed (veille ais resume RUN) or undone (veille ais rollback "
        "RUN); veille ais runs lists them. Temporary parts left by a killed run are removed.",
    )
    parser.add_argument(
        "inputs",
        nargs="+",
        help="NMEA files (plain or .gz), CSV archives (MarineCadastre or DMA layout; plain, .gz or "
        ".zip), - for stdin, or tcp://HOST:PORT",
    )
    parser.add_argument(
        "--until",
        help="stop tcp:// feeds and standard input at this UTC time or after this duration (30s, 10m, "
        "2h); files are read whole (a warning says so)",
    )
    parser.add_argument("--rejects", help="write rejected lines here (line, reason, raw line; tab-separated)")
    parser.add_argument("--format", choices=["text", "json"], default="text", help="summary format")
    parser.add_argument(
        "--force",
        action="store_true",
        help="read a file again even though a run already stored it (its rows are then stored twice)",
    )
    parser.add_argument(
        "--engine",
        choices=["embedded", "spark"],
        default="embedded",
        help="embedded (default): this process, Polars and DuckDB; spark: Apache Spark, files read and "
        "decoded in parallel by its executors (docs/scale.md)",
    )
    parser.add_argument(
        "--master",
        help="with --engine spark: the Spark master (local[N], spark://HOST:PORT, yarn, k8s://…; default "
        "$VEILLE_SPARK_MASTER, else local[*])",
    )
    parser.add_argument(
        "--workers",
        type=int,
        help="threads that scan and decode blocks of a file in parallel (default: 2, 1 on a one-core "
        "machine)",
    )
    return parser


def run(opts: dict[str, Any], stdout: Any, stderr: Any) -> None:
    """Ingest every input in turn; the summary on ``stdout``; exit codes as the module says."""
    if opts.get("engine") == "spark":
        _spark(opts, stdout, stderr)
        return
    if opts.get("master"):
        raise CommandError("--master applies to --engine spark", returncode=EXIT_ARGS)
    # every argument is checked before any work starts (exit 2), then every input (exit 3)
    workers = _workers(opts.get("workers"))
    deadline = parse_until(opts["until"]) if opts.get("until") is not None else None
    if opts.get("rejects"):
        check_output("--rejects", opts["rejects"])
    for item in opts["inputs"]:
        if item.startswith("tcp://"):
            tcp_address(item)
        elif item != "-" and not Path(item).is_file():
            raise CommandError(f"{item}: no such file", returncode=EXIT_INPUT)
    store = store_of(opts)
    if store.root.exists() and not store.root.is_dir():
        raise CommandError(f"store {store.root}: not a folder", returncode=EXIT_STORE)
    files = [i for i in opts["inputs"] if not i.startswith("tcp://") and i != "-"]
    if deadline is not None and files:
        stderr.write(f"--until applies to tcp:// feeds and standard input; read whole: {', '.join(files)}")
    runs = IngestRuns(store.root)
    _report_leftovers(runs.clean_leftovers(), stderr)
    skipped: list[str] = []
    inputs = plan_inputs(opts["inputs"], runs, force=bool(opts.get("force")), stderr=stderr, skipped=skipped)
    if not inputs:
        if opts["format"] == "json":
            stdout.write(json.dumps({"run": None, "positions": 0, "skipped": opts["inputs"]}, indent=2))
        else:
            stdout.write("nothing to read: every input is already stored (--force stores it again)")
        return
    record = runs.start(store.run)
    record["inputs"] = inputs
    record["skipped"] = skipped
    runs.save(record)
    ingest_inputs(opts, store, runs, record, stdout, stderr, workers=workers, deadline=deadline)


def plan_inputs(
    items: list[str], runs: IngestRuns, *, force: bool, stderr: Any, skipped: list[str] | None = None
) -> list[dict[str, Any]]:
    """The inputs a run reads, each with its content hash (files): a file that a run already stored
    (or began to store) is left out, saying which run, unless ``force``; so is the same content
    named twice."""
    planned: list[dict[str, Any]] = []
    seen: set[str] = set()
    for item in items:
        if item.startswith("tcp://"):
            planned.append({"input": item, "kind": "tcp", "status": PENDING})
            continue
        if item == "-":
            planned.append({"input": item, "kind": "stdin", "status": PENDING})
            continue
        path = Path(item).resolve()
        sha = sha256_file(path)
        if sha in seen:
            stderr.write(f"{item}: the same content as an input before it; read once")
            if skipped is not None:
                skipped.append(item)
            continue
        seen.add(sha)
        held = None if force else runs.holding(sha)
        if held is not None:
            run, when = held["run"], held["started_at"][:10]
            if held["input"]["status"] == COMPLETE:
                stderr.write(
                    f"{item}: already stored by run {run} ({when}, {held['input'].get('positions', 0):,} "
                    "positions); not read again (--force stores it again)"
                )
            elif held["status"] == RUNNING:
                stderr.write(f"{item}: run {run} is storing it now (process {held['pid']}); not read again")
            else:
                stderr.write(
                    f"{item}: run {run} ({when}) was interrupted while storing it; not read again: "
                    f"veille ais resume {run} finishes it, veille ais rollback {run} removes it "
                    "(--force stores it again)"
                )
            if skipped is not None:
                skipped.append(item)
            continue
        planned.append(
            {
                "input": str(path),
                "kind": "file",
                "sha256": sha,
                "bytes": path.stat().st_size,
                "status": PENDING,
            }
        )
    return planned


def _report_leftovers(removed: list[Path], stderr: Any) -> None:
    if removed:
        stderr.write(
            f"removed {len(removed)} temporary part(s) left by a killed run: "
            + ", ".join(str(p) for p in removed[:5])
            + (" …" if len(removed) > 5 else "")
        )


def ingest_inputs(
    opts: dict[str, Any],
    store: AisStore,
    runs: IngestRuns,
    record: dict[str, Any],
    stdout: Any,
    stderr: Any,
    *,
    workers: int,
    deadline: float | None,
) -> None:
    """Read the run's inputs that are not complete (``record["inputs"]``), recording in its
    manifest which parts each wrote; the summary on ``stdout``; exit codes as the module says."""

    try:
        rejects = open(opts["rejects"], "wb") if opts.get("rejects") else None  # noqa: SIM115
    except OSError as exc:
        raise CommandError(
            f"--rejects {opts['rejects']}: {exc.strerror or exc}", returncode=EXIT_ARGS
        ) from exc
    total = IngestSummary()
    error: CommandError | None = None
    with Interrupt() as interrupt:

        def stop_live() -> bool:
            return interrupt.interrupted or (deadline is not None and time.time() >= deadline)

        def stop_file() -> bool:
            return interrupt.interrupted

        try:
            with _progress_bar(transient=opts["format"] == "json") as bar:
                for entry in record["inputs"]:
                    if entry["status"] == COMPLETE:
                        continue
                    item = entry["input"]
                    task = bar.add_task(item, total=None, info="")
                    entry.update(status=RUNNING, first_part=store.last_part + 1, last_part=None)
                    runs.save(record)

                    def progress(s: IngestSummary, task: Any = task) -> None:
                        bar.update(
                            task, info=f"{s.messages:,} messages, {sum(s.rejected.values()):,} rejected"
                        )

                    s = IngestSummary()
                    try:
                        if item.startswith("tcp://"):
                            error = _tcp(item, stderr, store, interrupt, stop_live, rejects, progress, s)
                        elif item != "-" and is_archive(item):
                            store.ingest_archive(
                                item, rejects=rejects, progress=progress, stop=stop_file, summary=s
                            )
                        else:
                            store.ingest_blocks(
                                interrupt.guard(file_blocks(item)),
                                workers=workers,
                                rejects=rejects,
                                progress=progress,
                                stop=stop_live if item == "-" else stop_file,
                                summary=s,
                            )
                    except KeyboardInterrupt:
                        interrupt.interrupted = True
                    except StoreError as exc:
                        error = CommandError(str(exc), returncode=EXIT_STORE)
                    except (InputDamaged, ArchiveError) as exc:  # their message names the file
                        error = CommandError(str(exc), returncode=EXIT_INPUT)
                    except (OSError, ValueError) as exc:
                        error = CommandError(f"{item}: {exc}", returncode=EXIT_INPUT)
                    _merge(total, s)
                    done = error is None and not interrupt.interrupted
                    entry.update(
                        status=COMPLETE if done else INTERRUPTED,
                        last_part=store.last_part,
                        positions=s.positions,
                        vessel_changes=s.vessel_changes,
                    )
                    runs.save(record)
                    bar.update(task, total=1, completed=1)
                    if error is not None or interrupt.interrupted:
                        break
        except KeyboardInterrupt:  # a second Ctrl-C outside the ingest itself
            interrupt.interrupted = True
        finally:
            if rejects is not None:
                rejects.close()
            complete = all(e["status"] == COMPLETE for e in record["inputs"])
            record.update(status=COMPLETE if complete else INTERRUPTED, finished_at=_now())
            runs.save(record)
    summary = total.as_dict()
    if record.get("skipped"):
        summary["skipped"] = record["skipped"]  # already stored by another run (said on stderr)
    if interrupt.interrupted:
        summary["interrupted"] = True
    _report(stdout, summary, opts["format"], store.run)
    if interrupt.interrupted:
        raise CommandError(
            f"interrupted: the summary above is what was stored (run {store.run})",
            returncode=EXIT_INTERRUPTED,
        )
    if error is not None:
        raise error
    if total.messages and not total.decoded:
        raise CommandError("no message could be decoded", returncode=EXIT_NOTHING_DECODED)
    if total.lines and not total.messages:
        raise CommandError("no AIS message found in the input", returncode=EXIT_NOTHING_DECODED)


class _NoBar:
    """The progress bar when standard error is no terminal: nothing drawn, and rich not imported
    (a tenth of a second of start-up)."""

    def __enter__(self) -> _NoBar:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def add_task(self, *args: Any, **kwargs: Any) -> int:
        return 0

    def update(self, *args: Any, **kwargs: Any) -> None:
        return None


def _progress_bar(*, transient: bool) -> Any:
    """A rich progress bar on standard error when it is a terminal."""
    if not sys.stderr.isatty():
        return _NoBar()
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[info]}"),
        TimeElapsedColumn(), transient=transient, console=Console(file=sys.stderr),
    )  # fmt: skip


def _spark(opts: dict[str, Any], stdout: Any, stderr: Any) -> None:
    """``--engine spark``: the inputs read and decoded by Spark's executors (docs/scale.md)."""
    from veille.maritime.spark.ingest_job import InputsMissing, list_inputs, spark_ingest
    from veille.maritime.spark.session import MasterUnreachable, SparkUnavailable, spark_session

    for option in ("until", "workers"):
        if opts.get(option) is not None:
            raise CommandError(f"--{option} applies to the embedded engine", returncode=EXIT_ARGS)
    if opts.get("rejects"):
        check_output("--rejects", opts["rejects"])
    for item in opts["inputs"]:
        if item == "-" or item.startswith("tcp://"):
            raise CommandError(
                f"{item}: --engine spark reads files (standard input and tcp:// feeds: the embedded engine)",
                returncode=EXIT_ARGS,
            )
    try:
        inputs = list_inputs(opts["inputs"])
    except InputsMissing as exc:
        raise CommandError(str(exc), returncode=EXIT_INPUT) from exc
    except OSError as exc:
        raise CommandError(str(exc), returncode=EXIT_INPUT) from exc
    archives = [i for i in inputs if is_archive(i)] if all("://" not in i for i in inputs) else []
    if archives:
        raise CommandError(
            f"{archives[0]}: a CSV archive; --engine spark reads NMEA (archives: the embedded engine)",
            returncode=EXIT_ARGS,
        )
    store = store_of(opts)
    if store.root.exists() and not store.root.is_dir():
        raise CommandError(f"store {store.root}: not a folder", returncode=EXIT_STORE)
    try:
        spark = spark_session(opts.get("master"), app="veille ais ingest")
    except SparkUnavailable as exc:
        raise CommandError(str(exc), returncode=EXIT_ARGS) from exc
    except MasterUnreachable as exc:
        raise CommandError(str(exc), returncode=EXIT_INPUT) from exc
    rejects = open(opts["rejects"], "wb") if opts.get("rejects") else None  # noqa: SIM115
    try:
        result = spark_ingest(spark, inputs, opts["store"] or store.root, rejects=rejects, run=store.run)
    except OSError as exc:
        raise CommandError(f"store {store.root}: cannot write: {exc}", returncode=EXIT_STORE) from exc
    finally:
        if rejects is not None:
            rejects.close()
    summary = result.summary.as_dict()
    summary["engine"] = "spark"
    summary["inputs"] = result.inputs
    summary["inputs_damaged"] = len(result.errors)
    _report(stdout, summary, opts["format"], result.run)
    for error in result.errors:
        stderr.write(error)
    if result.errors:
        raise CommandError(
            f"{len(result.errors)} of {result.inputs} inputs damaged or unreadable (named above; what "
            "they held before the damage is stored, the other inputs whole)",
            returncode=EXIT_INPUT,
        )
    s = result.summary
    if s.messages and not s.decoded:
        raise CommandError("no message could be decoded", returncode=EXIT_NOTHING_DECODED)
    if s.lines and not s.messages:
        raise CommandError("no AIS message found in the input", returncode=EXIT_NOTHING_DECODED)


def _tcp(
    item: str,
    stderr: Any,
    store: AisStore,
    interrupt: Interrupt,
    stop: Callable[[], bool],
    rejects: Any,
    progress: Callable[[IngestSummary], None],
    summary: IngestSummary,
) -> CommandError | None:
    """Ingest a TCP feed until ``stop``; the error to report if it never connected."""
    host, port = tcp_address(item)
    stats = TcpStats()
    last = ["no attempt made"]

    status = ReaderStatus(store.root, "ingest", item)  # "Live" on the Arctic picture

    def on_error(message: str) -> None:  # "host:port: reason", before the wait to retry
        last[0] = message.removeprefix(f"{item[6:]}: ")
        status.lost(message)

    def wait(seconds: float) -> None:  # between attempts: say why and for how long, stop on time
        stderr.write(f"veille ais ingest {item}: {last[0]}; retrying in {seconds:.1f} s")
        end = time.monotonic() + seconds
        while not stop() and time.monotonic() < end:
            time.sleep(min(0.1, max(0.0, end - time.monotonic())))

    batches = status.track(tcp_batches(host, port, stop=stop, stats=stats, on_error=on_error, sleep=wait))
    try:
        store.ingest(interrupt.guard(batches), rejects=rejects, progress=progress, stop=stop, summary=summary)
    finally:
        status.close()
    if stats.connections == 0 and not interrupt.interrupted:
        return CommandError(f"could not connect to {item[6:]}: {last[0]}", returncode=EXIT_INPUT)
    return None


def _workers(asked: int | None) -> int:
    if asked is not None:
        if asked < 1:
            raise CommandError(f"--workers {asked}: expected 1 or more", returncode=EXIT_ARGS)
        return asked
    return min(2, os.cpu_count() or 1)


def _report(stdout: Any, summary: dict[str, Any], fmt: str, run: str) -> None:
    if fmt == "json":
        stdout.write(json.dumps({**summary, "run": run}, indent=2))
        return
    span = summary["time_span"]
    lines = [
        f"messages   {summary['messages']:,} from {summary['lines']:,} lines",
        f"decoded    {summary['decoded']:,} ({summary['positions']:,} positions, "
        f"{summary['static_reports']:,} static reports, {summary['vessel_changes']:,} registry changes)",
        f"rejected   {summary['rejected_total']:,}"
        + "".join(f"\n  {reason:<22}{n:,}" for reason, n in summary["rejected"].items()),
        f"vessels    {summary['vessels']:,}",
        f"time span  {span[0]} .. {span[1]}"
        + (f" ({summary['without_time']:,} messages without a time)" if summary["without_time"] else ""),
        f"rate       {summary['messages_per_s']:,} messages/s ({summary['elapsed_s']} s)",
        f"run        {run} (files part-{run}-*.parquet)"
        + (", interrupted" if summary.get("interrupted") else ""),
    ]
    stdout.write("\n".join(lines))


def _merge(total: IngestSummary, s: IngestSummary) -> None:
    for name in (
        "lines",
        "messages",
        "decoded",
        "positions",
        "statics",
        "vessel_changes",
        "untimed",
        "elapsed_s",
    ):
        setattr(total, name, getattr(total, name) + getattr(s, name))
    total.rejected.update(s.rejected)
    total.mmsis |= s.mmsis
    for t in (s.first_s, s.last_s):
        if t is not None:
            total.first_s = t if total.first_s is None else min(total.first_s, t)
            total.last_s = t if total.last_s is None else max(total.last_s, t)
