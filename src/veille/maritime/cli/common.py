"""What the actions of ``veille ais`` share: exit codes, the store, times and addresses.

Exit codes: 0 done; 2 bad arguments (or an output path that cannot be written); 3 input missing or
unreadable (a file, a feed that never connected, the store of a read command); 4 input read but no
message could be decoded; 5 ``evaluate --require`` not met; 6 the store cannot be written or read
(a file, read-only, a damaged part); 130 interrupted (Ctrl-C): the summary of what was stored is
printed first.
"""

from __future__ import annotations

import os
import re
import signal
import threading
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from veille.maritime.store import AisStore

__all__ = [
    "EXIT_ARGS",
    "EXIT_BELOW_REQUIRED",
    "EXIT_INPUT",
    "EXIT_INTERRUPTED",
    "EXIT_NOTHING_DECODED",
    "EXIT_STORE",
    "STORE_HELP",
    "CommandError",
    "Interrupt",
    "check_output",
    "existing_store",
    "parse_until",
    "store_of",
    "store_root",
    "tcp_address",
]

EXIT_ARGS = 2
EXIT_INPUT = 3
EXIT_NOTHING_DECODED = 4
EXIT_BELOW_REQUIRED = 5
EXIT_STORE = 6
EXIT_INTERRUPTED = 130


class Interrupt:
    """Ctrl-C during a reading command: the first one asks the run to stop at the next block (or,
    while the main thread waits for input, stops that read at once); what was read is processed,
    written and summarised. A second Ctrl-C stops at once (files are still never half-written).

    >>> with Interrupt() as interrupt:
    ...     def feed():
    ...         yield [b"one"]
    ...         interrupt._handle(2, None)  # as Ctrl-C would, while the next read waits
    ...         yield [b"two"]
    ...     list(interrupt.ending(feed())), interrupt.interrupted
    ([[b'one']], True)
    """

    def __init__(self) -> None:
        self.interrupted = False
        self.reading = False
        self._presses = 0
        self._previous: Any = None

    def __enter__(self) -> Interrupt:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)

    def _handle(self, signum: int, frame: Any) -> None:
        self._presses += 1
        again, self.interrupted = self.interrupted, True
        if self.reading or again:
            raise KeyboardInterrupt

    def guard(self, source: Iterable[Any]) -> Iterator[Any]:
        """``source``, marked as waiting for input while the next item is read: Ctrl-C then
        raises :class:`KeyboardInterrupt` out of the read."""
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

    def ending(self, source: Iterable[Any]) -> Iterator[Any]:
        """``source`` until the first Ctrl-C, which ends it (a read that was waiting is
        abandoned; nothing it had received is lost), so that what consumes it can process what
        it holds; a second Ctrl-C raises :class:`KeyboardInterrupt`."""
        try:
            for item in self.guard(source):
                yield item
                if self.interrupted:  # a Ctrl-C while the item was processed
                    return
        except KeyboardInterrupt:
            if self._presses > 1:
                raise


class CommandError(Exception):
    """What ends an action: one line for the user and the exit code.

    The actions run without Django (``veille ais`` starts through
    :mod:`veille.maritime.cli.runner`); the management command turns this error into Django's.

    >>> err = CommandError("store x: no such folder", returncode=EXIT_INPUT)
    >>> (str(err), err.returncode)
    ('store x: no such folder', 3)
    """

    def __init__(self, message: str, returncode: int = 1) -> None:
        super().__init__(message)
        self.returncode = returncode


STORE_HELP = "store folder (default $VEILLE_AIS_STORE, else $VEILLE_VAR_DIR/ais)"


def store_root(opts: dict[str, Any]) -> Path:
    """The folder an action works on: ``--store``, else the one the pages read
    (:func:`veille.maritime.store.default_store`, whatever the current directory)."""
    if opts.get("store"):
        return Path(opts["store"])
    from veille.maritime.store import default_store

    return default_store()


def store_of(opts: dict[str, Any]) -> AisStore:
    from veille.maritime.store import AisStore  # Polars and DuckDB: only once an action runs

    return AisStore(store_root(opts))


def existing_store(opts: dict[str, Any]) -> AisStore:
    """The store of a read command: it must exist (exit 3 naming it otherwise)."""
    store = store_of(opts)
    if not store.root.exists():
        raise CommandError(f"store {store.root}: no such folder", returncode=EXIT_INPUT)
    if not store.root.is_dir():
        raise CommandError(f"store {store.root}: not a folder", returncode=EXIT_INPUT)
    return store


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
    from veille.core.ais.sources import parse_tcp_url

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
