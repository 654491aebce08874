"""``veille ais``: ingest NMEA into the AIS store, replay a capture over TCP, show store stats,
generate synthetic traffic. The work is done by :mod:`veille.core.ais` and
:mod:`veille.maritime.store`; this command parses arguments and reports.

Exit codes: 0 done; 2 bad arguments; 3 input missing or unreadable; 4 input read but no message
could be decoded.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from veille.core.ais.archive import is_archive
from veille.core.ais.nmea import PghpTime, Sentence, parse_line
from veille.core.ais.sources import file_batches, file_blocks, tcp_batches
from veille.core.ais.synth import generate
from veille.maritime import events_cli
from veille.maritime.store import AisStore, IngestSummary, default_store

EXIT_INPUT = 3
EXIT_NOTHING_DECODED = 4


def parse_until(text: str) -> float:
    """Deadline in Unix seconds from an ISO 8601 time (UTC if no zone) or a duration (90s, 10m, 2h)."""
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([smh])", text.strip())
    if m:
        seconds = float(m.group(1)) * {"s": 1, "m": 60, "h": 3600}[m.group(2)]
        return time.time() + seconds
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise CommandError(f"--until {text!r}: expected an ISO time or a duration like 30s, 10m, 2h") from exc
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp()


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # reads and writes files only; no database, no URLs
    help = (
        "AIS: ingest NMEA (files, .gz, stdin, tcp://host:port), replay a capture, store stats, "
        "synthetic traffic."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        ingest = sub.add_parser("ingest", help="read NMEA and store positions and vessel data")
        ingest.add_argument(
            "inputs",
            nargs="+",
            help="NMEA files (plain or .gz), CSV archives (MarineCadastre or DMA layout; plain, .gz or "
            ".zip), - for stdin, or tcp://HOST:PORT",
        )
        ingest.add_argument("--until", help="stop at this UTC time or after this duration (30s, 10m, 2h)")
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
        if events_cli.handle(action, opts, self.stdout, self.stderr):
            return
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

    def _ingest(self, opts: dict[str, Any]) -> None:
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        store = self._store(opts)
        deadline = parse_until(opts["until"]) if opts.get("until") else None

        def stop() -> bool:
            return deadline is not None and time.time() >= deadline

        rejects = open(opts["rejects"], "wb") if opts.get("rejects") else None  # noqa: SIM115
        total = IngestSummary()
        try:
            with Progress(
                TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[info]}"),
                TimeElapsedColumn(), transient=opts["format"] == "json", disable=not sys.stderr.isatty(),
            ) as bar:  # fmt: skip
                for item in opts["inputs"]:
                    task = bar.add_task(item, total=None, info="")

                    def progress(s: IngestSummary, task: Any = task) -> None:
                        bar.update(
                            task, info=f"{s.messages:,} messages, {sum(s.rejected.values()):,} rejected"
                        )

                    try:
                        if item.startswith("tcp://"):
                            s = store.ingest(
                                self._batches(item, stop), rejects=rejects, progress=progress, stop=stop
                            )
                        elif item != "-" and is_archive(item):
                            s = store.ingest_archive(item, rejects=rejects, progress=progress, stop=stop)
                        else:
                            s = store.ingest_blocks(
                                self._blocks(item),
                                workers=self._workers(opts.get("workers")),
                                rejects=rejects,
                                progress=progress,
                                stop=stop,
                            )
                    except (OSError, ValueError) as exc:
                        raise CommandError(f"{item}: {exc}", returncode=EXIT_INPUT) from exc
                    _merge(total, s)
                    bar.update(task, total=1, completed=1)
                    if stop():
                        break
        finally:
            if rejects is not None:
                rejects.close()
        self._report(total.as_dict(), opts["format"])
        if total.messages and not total.decoded:
            raise CommandError("no message could be decoded", returncode=EXIT_NOTHING_DECODED)
        if total.lines and not total.messages:
            raise CommandError("no AIS message found in the input", returncode=EXIT_NOTHING_DECODED)

    def _batches(self, item: str, stop: Any) -> Any:
        if item.startswith("tcp://"):
            host, _, port = item[6:].rpartition(":")
            if not host or not port.isdigit():
                raise CommandError(f"{item}: expected tcp://HOST:PORT")
            return tcp_batches(host, int(port), stop=stop)
        if item != "-" and not Path(item).is_file():
            raise CommandError(f"{item}: no such file", returncode=EXIT_INPUT)
        return file_batches(item)

    def _blocks(self, item: str) -> Any:
        if item != "-" and not Path(item).is_file():
            raise CommandError(f"{item}: no such file", returncode=EXIT_INPUT)
        return file_blocks(item)

    @staticmethod
    def _workers(asked: int | None) -> int:
        if asked is not None:
            if asked < 1:
                raise CommandError("--workers must be 1 or more")
            return asked
        return min(2, os.cpu_count() or 1)

    def _report(self, summary: dict[str, Any], fmt: str) -> None:
        if fmt == "json":
            self.stdout.write(json.dumps(summary, indent=2))
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
        ]
        self.stdout.write("\n".join(lines))

    def _stats(self, opts: dict[str, Any]) -> None:
        stats = self._store(opts).stats()
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
            while True:
                conn, _ = srv.accept()
                with conn, contextlib.suppress(OSError):  # the client went away
                    _send(conn, path, speed)
                if not opts["loop"]:
                    return


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
