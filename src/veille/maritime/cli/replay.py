"""``veille ais replay FILE --port N``: serve a capture over TCP on 127.0.0.1 (demos and tests)."""

from __future__ import annotations

import contextlib
import socket
import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from veille.core.ais.nmea import PghpTime, Sentence, parse_line
from veille.core.ais.sources import file_batches
from veille.maritime.cli.common import EXIT_INPUT, EXIT_INTERRUPTED, CommandError

__all__ = ["add_parser", "run"]


def add_parser(sub: Any) -> ArgumentParser:
    parser = sub.add_parser("replay", help="serve a capture over TCP on 127.0.0.1 (demos and tests)")
    parser.add_argument("file")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument(
        "--speed",
        type=float,
        default=0.0,
        help="N x real time using the capture's times; 0 = as fast as possible",
    )
    parser.add_argument("--loop", action="store_true", help="serve again to the next client")
    return parser


def run(opts: dict[str, Any], stdout: Any, stderr: Any) -> None:
    path = Path(opts["file"])
    if not path.is_file():
        raise CommandError(f"{path}: no such file", returncode=EXIT_INPUT)
    speed = opts["speed"]
    with socket.create_server(("127.0.0.1", opts["port"])) as srv:
        stderr.write(f"serving {path} on 127.0.0.1:{srv.getsockname()[1]}")
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
