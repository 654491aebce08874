"""``veille ais``: ingest NMEA into the AIS store, replay a capture over TCP, show store stats,
generate synthetic traffic. The work is done by :mod:`veille.core.ais` and
:mod:`veille.maritime.store`; this command parses arguments and reports.

Exit codes: 0 done; 2 bad arguments (or an output path that cannot be written); 3 input missing or
unreadable (a file, a feed that never connected, the store of a read command); 4 input read but no
message could be decoded; 6 the store cannot be written or read (a file, read-only, a damaged
part); 130 interrupted (Ctrl-C): the summary of what was stored is printed first.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from veille.core.ais.archive import ArchiveError, is_archive
from veille.core.ais.nmea import PghpTime, Sentence, parse_line
from veille.core.ais.sources import (
    InputDamaged,
    TcpStats,
    file_batches,
    file_blocks,
    parse_tcp_url,
    tcp_batches,
)
from veille.core.ais.synth import generate
from veille.maritime import events_cli
from veille.maritime.store import AisStore, IngestSummary, StoreError, default_store

EXIT_ARGS = 2
EXIT_INPUT = 3
EXIT_NOTHING_DECODED = 4
EXIT_STORE = 6
EXIT_INTERRUPTED = 130


def parse_until(text: str) -> float:
    """Deadline in Unix seconds from an ISO 8601 time (UTC if no zone) or a duration (90s, 10m, 2h)."""
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([smh])", text.strip())
    if m:
        seconds = float(m.group(1)) * {"s": 1, "m": 60, "h": 3600}[m.group(2)]
        return time.time() + seconds
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise CommandError(
            f"--until {text!r}: expected an ISO time or a duration like 30s, 10m, 2h", returncode=EXIT_ARGS
        ) from exc
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp()


def tcp_address(item: str) -> tuple[str, int]:
    """Host and port of ``tcp://HOST:PORT``; a :class:`CommandError` (exit 2) otherwise.

    >>> tcp_address("tcp://127.0.0.1:10110")
    ('127.0.0.1', 10110)
    """
    try:
        return parse_tcp_url(item)
    except ValueError as exc:
        raise CommandError(f"{exc} (expected tcp://HOST:PORT)", returncode=EXIT_ARGS) from exc


def check_output(option: str, path: str) -> None:
    """Refuse (exit 2) an output path whose folder is missing or read-only, or that is a folder,
    before any work starts."""
    if path == "-":
        return
    target = Path(path)
    folder = target.parent
    if target.is_dir():
        problem = "is a folder"
    elif not folder.is_dir():
        problem = f"no such folder {folder}"
    elif not os.access(folder, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        problem = "not writable"
    else:
        return
    raise CommandError(f"{option} {path}: {problem}", returncode=EXIT_ARGS)


class _Interrupt:
    """Ctrl-C during an ingest: the first one asks the run to stop at the next block (or, while
    the main thread waits for input, stops that read at once); what was decoded is written and
    the summary printed. A second Ctrl-C stops at once (files are still never half-written)."""

    def __init__(self) -> None:
        self.interrupted = False
        self.reading = False
        self._previous: Any = None

    def __enter__(self) -> _Interrupt:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)

    def _handle(self, signum: int, frame: Any) -> None:
        again, self.interrupted = self.interrupted, True
        if self.reading or again:
            raise KeyboardInterrupt

    def guard(self, source: Iterable[Any]) -> Iterator[Any]:
        """``source``, marked as waiting for input while the next item is read."""
        it = iter(source)
        while True:
            self.reading = True
            try:
                item = next(it)
            except StopIteration:
                return
            finally:
                self.reading = False
            yield item


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # reads and writes files only; no database, no URLs
    help = (
        "AIS: ingest NMEA (files, .gz, stdin, tcp://host:port), replay a capture, store stats, "
        "synthetic traffic."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        ingest = sub.add_parser(
            "ingest",
            help="read NMEA and store positions and vessel data",
            description="Read NMEA or CSV archives and append their positions and vessel data to the "
            "store. Nothing is de-duplicated: ingesting a file again (after an interrupted run, say) "
            "stores its rows again. To start over, remove the day folders concerned "
            "(positions/day=YYYY-MM-DD) or the run's files (part-<run>-*.parquet under positions/ and "
            "vessels/; the summary gives the run id), or ingest into a fresh --store.",
        )
        ingest.add_argument(
            "inputs",
            nargs="+",
            help="NMEA files (plain or .gz), CSV archives (MarineCadastre or DMA layout; plain, .gz or "
            ".zip), - for stdin, or tcp://HOST:PORT",
        )
        ingest.add_argument(
            "--until",
            help="stop tcp:// feeds and standard input at this UTC time or after this duration (30s, 10m, "
            "2h); files are read whole (a warning says so)",
        )
        ingest.add_argument(
            "--rejects", help="write rejected lines here (line, reason, raw line; tab-separated)"
        )
        ingest.add_argument("--format", choices=["text", "json"], default="text", help="summary format")
        ingest.add_argument(
            "--workers",
            type=int,
            help="threads that scan and decode blocks of a file in parallel (default: 2, 1 on a one-core "
            "machine)",
        )
        replay = sub.add_parser("replay", help="serve a capture over TCP on 127.0.0.1 (demos and tests)")
        replay.add_argument("file")
        replay.add_argument("--port", type=int, required=True)
        replay.add_argument(
            "--speed",
            type=float,
            default=0.0,
            help="N x real time using the capture's times; 0 = as fast as possible",
        )
        replay.add_argument("--loop", action="store_true", help="serve again to the next client")
        stats = sub.add_parser("stats", help="what the store holds")
        stats.add_argument("--format", choices=["text", "json"], default="text")
        gen = sub.add_parser("generate", help="seeded synthetic traffic as NMEA (tag block s:synthetic)")
        gen.add_argument("--seed", type=int, default=1)
        gen.add_argument("--vessels", type=int, default=50)
        gen.add_argument("--messages", type=int, default=10_000)
        gen.add_argument("--output", default="-", help="file to write (- for stdout)")
        for p in (ingest, replay, stats, gen, *events_cli.add_parsers(sub)):
            p.add_argument(
                "--store", "--out", dest="store", help="store folder (default $VEILLE_AIS_STORE or ./var/ais)"
            )

    def handle(self, *args: Any, **opts: Any) -> None:
        action = opts["action"]
        if action in ("stats", "events"):
            self._existing_store(opts)
        if action == "events":
            self._check_events(opts)
        elif action == "watch":
            if opts.get("until") is not None:
                parse_until(opts["until"])
            if opts["input"].startswith("tcp://"):
                tcp_address(opts["input"])
        try:
            if events_cli.handle(action, opts, self.stdout, self.stderr):
                return
        except StoreError as exc:
            raise CommandError(str(exc), returncode=EXIT_STORE) from exc
        if action == "ingest":
            self._ingest(opts)
        elif action == "replay":
            self._replay(opts)
        elif action == "stats":
            self._stats(opts)
        else:
            self._generate(opts)

    def _store(self, opts: dict[str, Any]) -> AisStore:
        return AisStore(Path(opts["store"]) if opts.get("store") else default_store())

    def _existing_store(self, opts: dict[str, Any]) -> AisStore:
        """The store of a read command: it must exist (exit 3 naming it otherwise)."""
        store = self._store(opts)
        if not store.root.exists():
            raise CommandError(f"store {store.root}: no such folder", returncode=EXIT_INPUT)
        if not store.root.is_dir():
            raise CommandError(f"store {store.root}: not a folder", returncode=EXIT_INPUT)
        return store

    @staticmethod
    def _check_events(opts: dict[str, Any]) -> None:
        """Refuse bad ``events`` options (exit 2) before detection starts."""
        for name in ("since", "until"):
            text = opts.get(name)
            if text is None:
                continue
            try:
                datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError as exc:
                raise CommandError(
                    f"--{name} {text!r}: expected an ISO 8601 time (2024-01-31 or 2024-01-31T12:00, UTC "
                    "if no zone)",
                    returncode=EXIT_ARGS,
                ) from exc
        from veille.core.events.schema import EVENT_TYPES

        for t in opts.get("types") or []:
            if t not in events_cli.TYPE_GROUPS and t not in EVENT_TYPES:
                raise CommandError(
                    f"--type {t}: expected one of {', '.join(EVENT_TYPES)}, zone or track",
                    returncode=EXIT_ARGS,
                )
        if opts.get("output"):
            check_output("--output", opts["output"])
        if opts.get("zone"):
            from veille.core.events.zones import shipped_zones

            detectors = events_cli._detectors(opts)  # the user's --zones added to the shipped ones
            zones = detectors.zones.zones if detectors is not None else None
            ids = (zones or shipped_zones()).ids
            if opts["zone"] not in ids:
                raise CommandError(
                    f"--zone {opts['zone']}: unknown zone; expected one of {', '.join(ids)}",
                    returncode=EXIT_ARGS,
                )

    def _ingest(self, opts: dict[str, Any]) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        # every argument is checked before any work starts (exit 2), then every input (exit 3)
        workers = self._workers(opts.get("workers"))
        deadline = parse_until(opts["until"]) if opts.get("until") is not None else None
        if opts.get("rejects"):
            check_output("--rejects", opts["rejects"])
        for item in opts["inputs"]:
            if item.startswith("tcp://"):
                tcp_address(item)
            elif item != "-" and not Path(item).is_file():
                raise CommandError(f"{item}: no such file", returncode=EXIT_INPUT)
        store = self._store(opts)
        if store.root.exists() and not store.root.is_dir():
            raise CommandError(f"store {store.root}: not a folder", returncode=EXIT_STORE)
        files = [i for i in opts["inputs"] if not i.startswith("tcp://") and i != "-"]
        if deadline is not None and files:
            self.stderr.write(
                f"--until applies to tcp:// feeds and standard input; read whole: {', '.join(files)}"
            )

        try:
            rejects = open(opts["rejects"], "wb") if opts.get("rejects") else None  # noqa: SIM115
        except OSError as exc:
            raise CommandError(
                f"--rejects {opts['rejects']}: {exc.strerror or exc}", returncode=EXIT_ARGS
            ) from exc
        total = IngestSummary()
        error: CommandError | None = None
        with _Interrupt() as interrupt:

            def stop_live() -> bool:
                return interrupt.interrupted or (deadline is not None and time.time() >= deadline)

            def stop_file() -> bool:
                return interrupt.interrupted

            try:
                with Progress(
                    TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[info]}"),
                    TimeElapsedColumn(), transient=opts["format"] == "json",
                    console=Console(file=sys.stderr), disable=not sys.stderr.isatty(),
                ) as bar:  # fmt: skip
                    for item in opts["inputs"]:
                        task = bar.add_task(item, total=None, info="")

                        def progress(s: IngestSummary, task: Any = task) -> None:
                            bar.update(
                                task, info=f"{s.messages:,} messages, {sum(s.rejected.values()):,} rejected"
                            )

                        s = IngestSummary()
                        try:
                            if item.startswith("tcp://"):
                                error = self._tcp(item, store, interrupt, stop_live, rejects, progress, s)
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
                        bar.update(task, total=1, completed=1)
                        if error is not None or interrupt.interrupted:
                            break
            except KeyboardInterrupt:  # a second Ctrl-C outside the ingest itself
                interrupt.interrupted = True
            finally:
                if rejects is not None:
                    rejects.close()
        summary = total.as_dict()
        if interrupt.interrupted:
            summary["interrupted"] = True
        self._report(summary, opts["format"], store.run)
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

    def _tcp(
        self,
        item: str,
        store: AisStore,
        interrupt: _Interrupt,
        stop: Callable[[], bool],
        rejects: Any,
        progress: Callable[[IngestSummary], None],
        summary: IngestSummary,
    ) -> CommandError | None:
        """Ingest a TCP feed until ``stop``; the error to report if it never connected."""
        host, port = tcp_address(item)
        stats = TcpStats()
        last = ["no attempt made"]

        def on_error(message: str) -> None:  # "host:port: reason", before the wait to retry
            last[0] = message.removeprefix(f"{item[6:]}: ")

        def wait(seconds: float) -> None:  # between attempts: say why and for how long, stop on time
            self.stderr.write(f"veille ais ingest {item}: {last[0]}; retrying in {seconds:.1f} s")
            end = time.monotonic() + seconds
            while not stop() and time.monotonic() < end:
                time.sleep(min(0.1, max(0.0, end - time.monotonic())))

        batches = tcp_batches(host, port, stop=stop, stats=stats, on_error=on_error, sleep=wait)
        store.ingest(interrupt.guard(batches), rejects=rejects, progress=progress, stop=stop, summary=summary)
        if stats.connections == 0 and not interrupt.interrupted:
            return CommandError(f"could not connect to {item[6:]}: {last[0]}", returncode=EXIT_INPUT)
        return None

    @staticmethod
    def _workers(asked: int | None) -> int:
        if asked is not None:
            if asked < 1:
                raise CommandError(f"--workers {asked}: expected 1 or more", returncode=EXIT_ARGS)
            return asked
        return min(2, os.cpu_count() or 1)

    def _report(self, summary: dict[str, Any], fmt: str, run: str) -> None:
        if fmt == "json":
            self.stdout.write(json.dumps({**summary, "run": run}, indent=2))
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
        self.stdout.write("\n".join(lines))

    def _stats(self, opts: dict[str, Any]) -> None:
        try:
            stats = self._existing_store(opts).stats()
        except StoreError as exc:
            raise CommandError(str(exc), returncode=EXIT_STORE) from exc
        if opts["format"] == "json":
            self.stdout.write(json.dumps(stats, indent=2))
        else:
            self.stdout.write("\n".join(f"{k:<24}{v}" for k, v in stats.items()))

    def _generate(self, opts: dict[str, Any]) -> None:
        lines = generate(seed=opts["seed"], vessels=opts["vessels"], messages=opts["messages"])
        out = sys.stdout.buffer if opts["output"] == "-" else open(opts["output"], "wb")  # noqa: SIM115
        try:
            for line in lines:
                out.write(line + b"\r\n")
        finally:
            if out is not sys.stdout.buffer:
                out.close()
            else:
                out.flush()

    def _replay(self, opts: dict[str, Any]) -> None:
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file", returncode=EXIT_INPUT)
        speed = opts["speed"]
        with socket.create_server(("127.0.0.1", opts["port"])) as srv:
            self.stderr.write(f"serving {path} on 127.0.0.1:{srv.getsockname()[1]}")
            try:
                while True:
                    conn, _ = srv.accept()
                    with conn, contextlib.suppress(OSError):  # the client went away
                        _send(conn, path, speed)
                    if not opts["loop"]:
                        return
            except KeyboardInterrupt:
                raise CommandError("interrupted", returncode=EXIT_INTERRUPTED) from None


def _send(conn: socket.socket, path: Path, speed: float) -> None:
    first_t: float | None = None
    started = time.monotonic()
    for batch in file_batches(path, read_bytes=1 << 16):
        for i, line in enumerate(batch):
            if speed > 0:
                item = parse_line(line, i + 1)
                t = item.time_s if isinstance(item, Sentence | PghpTime) else None
                if t is not None:
                    first_t = t if first_t is None else first_t
                    wait = (t - first_t) / speed - (time.monotonic() - started)
                    if wait > 0:
                        time.sleep(min(wait, 5.0))
            conn.sendall(line + b"\r\n")


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
