"""``veille ais watch INPUT``: events live from a feed (a file, ``-`` for stdin, or
``tcp://HOST:PORT``), one JSON object per event as each completes, a summary on stderr; ``--save``
also stores them where open pages of the Arctic picture pick them up.
"""

from __future__ import annotations

import json
import time
from argparse import ArgumentParser
from datetime import datetime
from pathlib import Path
from typing import Any

from veille.core.events.batch import Detectors
from veille.maritime.cli.common import (
    EXIT_INPUT,
    EXIT_INTERRUPTED,
    CommandError,
    Interrupt,
    parse_until,
    store_of,
    tcp_address,
)
from veille.maritime.cli.events import detectors_of, when
from veille.maritime.event_runs import LiveRun
from veille.maritime.readers import ReaderStatus

__all__ = ["add_parser", "check", "run"]


def add_parser(sub: Any) -> ArgumentParser:
    parser = sub.add_parser(
        "watch", help="events live from a feed: file, - (stdin) or tcp://HOST:PORT, as JSON lines"
    )
    parser.add_argument("input", help="file (plain or .gz), - for stdin, or tcp://HOST:PORT")
    parser.add_argument("--until", help="stop at this UTC time or after this duration (30s, 10m, 2h)")
    parser.add_argument("--end", help="report open events up to this time (ISO 8601; default: the last fix)")
    parser.add_argument(
        "--save",
        action="store_true",
        help="also store each completed event in the store (events/run=live-…/), where open pages pick it up",
    )
    return parser


def check(opts: dict[str, Any]) -> None:
    """Refuse a bad ``--until`` or feed address (exit 2) before the feed is opened."""
    if opts.get("until") is not None:
        parse_until(opts["until"])
    if opts["input"].startswith("tcp://"):
        tcp_address(opts["input"])


def run(opts: dict[str, Any], stdout: Any, stderr: Any) -> None:
    """One JSON object per event on ``stdout``, as each completes; a summary on ``stderr``."""
    from veille.core.ais.sources import file_batches, tcp_batches
    from veille.maritime.live import WatchStats, watch

    deadline: float | None = None
    if opts.get("until"):
        deadline = parse_until(opts["until"])

    interrupt = Interrupt()

    def stop() -> bool:
        return interrupt.interrupted or (deadline is not None and time.time() >= deadline)

    item = opts["input"]
    # a live reader that stores its events says so (the Arctic picture's "Live"): its status file
    # beats while it reads (veille.maritime.readers)
    status: ReaderStatus | None = None
    if opts.get("save") and (item.startswith("tcp://") or item == "-"):
        status = ReaderStatus(store_of(opts).root, "watch", item)
    if item.startswith("tcp://"):
        host, port = tcp_address(item)  # brackets for IPv6, ports 1-65535; exit 2 otherwise

        def lost(message: str) -> None:
            if status is not None:
                status.lost(message)
            stderr.write(f"veille ais watch {item}: {message}; retrying\n")
            stderr.flush()

        batches = tcp_batches(host, port, stop=stop, on_error=lost)
    elif item != "-" and not Path(item).is_file():
        raise CommandError(f"{item}: no such file", returncode=EXIT_INPUT)
    else:
        batches = file_batches(item)
    if status is not None:
        batches = status.track(batches)
    # the first Ctrl-C ends the reading: the lines already read are decoded, their events
    # reported (and saved), and the events still open are reported as at the end of a feed
    batches = interrupt.ending(batches)
    stats = WatchStats()
    detectors = detectors_of(opts) or Detectors()
    saver = None
    if opts.get("save"):
        saver = LiveRun(store_of(opts), detectors, item)
    try:
        with interrupt:
            for events in watch(
                batches, detectors=detectors, until=when(opts.get("end")), stats=stats, stop=stop
            ):
                if saver is not None:
                    saver.save(events)
                for row in events.iter_rows(named=True):
                    out = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in row.items()}
                    stdout.write(json.dumps(out, ensure_ascii=False))
                stdout.flush()
    except KeyboardInterrupt:  # a second Ctrl-C: what was saved stays, the run's stamp is completed
        interrupt.interrupted = True
    finally:
        if saver is not None:
            saver.close(stats.as_dict())
        if status is not None:
            status.close()
    if interrupt.interrupted:
        stderr.write(json.dumps(stats.as_dict() | {"interrupted": True}))
        raise CommandError("interrupted: events were saved as they completed", returncode=EXIT_INTERRUPTED)
    stderr.write(json.dumps(stats.as_dict()))
