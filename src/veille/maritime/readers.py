"""Whether a live reader is connected, and how long since its last sentence.

Each live reader (``veille ais ingest tcp://…``, ``veille ais watch tcp://…``, or either on standard
input) keeps one small status file under the store::

    readers/<kind>-<pid>-<id>.json   {"kind", "source", "pid", "started_at", "beat_at",
                                      "connected", "last_sentence_at", "sentences", "finished_at"}

It writes it when it starts, at most once a second while it reads (a quiet TCP feed still gives the
reader a turn every second, so the beat goes on while the connection is open), at once when its
connection is lost, and when it stops (``finished_at``). Pages read :func:`live_state`: live when a
reader that has not finished wrote its beat less than :data:`STALE_S` seconds ago and says it is
connected; and, live or not, when the newest sentence of any reader arrived. A reader killed without
a chance to write its end simply stops beating, and is no longer counted after :data:`STALE_S`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

__all__ = ["BEAT_S", "STALE_S", "ReaderStatus", "live_state", "reader_states", "readers_dir"]

BEAT_S = 1.0
#: a reader whose last beat is older than this is taken as gone (killed, or its machine stopped)
STALE_S = 10.0
#: finished readers' files kept, newest first (older ones are removed by the next reader to start)
KEEP_FINISHED = 20


def readers_dir(store_root: Path) -> Path:
    return Path(store_root) / "readers"


def _iso(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    return dt.datetime.fromtimestamp(seconds, dt.UTC).isoformat(timespec="milliseconds")


class ReaderStatus:
    """The status file of one live reader (see the module's docstring)."""

    def __init__(
        self, store_root: Path, kind: str, source: str, clock: Callable[[], float] = time.time
    ) -> None:
        self.clock = clock
        folder = readers_dir(store_root)
        folder.mkdir(parents=True, exist_ok=True)
        _prune(folder)
        self.path = folder / f"{kind}-{os.getpid()}-{uuid.uuid4().hex[:8]}.json"
        now = clock()
        self.state: dict[str, Any] = {
            "kind": kind,
            "source": source,
            "pid": os.getpid(),
            "started_at": _iso(now),
            "beat_at": _iso(now),
            "connected": False,
            "last_sentence_at": None,
            "sentences": 0,
            "finished_at": None,
        }
        self._written = float("-inf")
        self._write(now)

    def _write(self, now: float) -> None:
        self.state["beat_at"] = _iso(now)
        tmp = self.path.with_suffix(".json.tmp")
        try:
            tmp.write_text(json.dumps(self.state), encoding="utf-8")
            tmp.replace(self.path)
        except OSError:  # a status that cannot be written never stops the reader
            return
        self._written = now

    def beat(self, lines: int = 0, *, connected: bool = True, force: bool = False) -> None:
        """A read (``lines`` sentences; 0 for a quiet second on an open connection), or a lost
        connection (``connected=False``, written at once)."""
        now = self.clock()
        if lines:
            self.state["sentences"] += lines
            self.state["last_sentence_at"] = _iso(now)
        changed = connected != self.state["connected"]
        self.state["connected"] = connected
        if force or changed or now - self._written >= BEAT_S:
            self._write(now)

    def track(self, batches: Iterable[list[bytes]]) -> Iterator[list[bytes]]:
        """``batches`` as they come, each one beating (an empty one: a quiet, open connection)."""
        for lines in batches:
            self.beat(len(lines))
            yield lines

    def lost(self, message: str = "") -> None:
        """The connection was lost or could not be made (the reader retries)."""
        self.beat(connected=False, force=True)

    def close(self) -> None:
        self.state["connected"] = False
        self.state["finished_at"] = _iso(self.clock())
        self._write(self.clock())


def _prune(folder: Path) -> None:
    finished = []
    for path in folder.glob("*.json"):
        state = _read(path)
        if state is not None and state.get("finished_at"):
            finished.append((state["finished_at"], path))
    for _, path in sorted(finished, reverse=True)[KEEP_FINISHED:]:
        with contextlib.suppress(OSError):
            path.unlink()


def _read(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def reader_states(store_root: Path) -> list[dict[str, Any]]:
    """Every reader's status file (finished ones too), newest beat first."""
    folder = readers_dir(store_root)
    if not folder.is_dir():
        return []
    states = [s for s in (_read(p) for p in folder.glob("*.json")) if s is not None]
    return sorted(states, key=lambda s: str(s.get("beat_at") or ""), reverse=True)


def _when(text: Any) -> dt.datetime | None:
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(str(text))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def live_state(store_root: Path, now: dt.datetime | None = None) -> dict[str, Any]:
    """``live`` (a reader is connected and beating), ``readers`` (how many are), ``last_sentence_at``
    (ISO time of the newest sentence any reader received, or None) and ``last_sentence_s`` (seconds
    since then, or None).

    >>> import tempfile
    >>> live_state(Path(tempfile.mkdtemp()))["live"]
    False
    """
    now = now or dt.datetime.now(dt.UTC)
    connected = 0
    last: dt.datetime | None = None
    for s in reader_states(store_root):
        beat = _when(s.get("beat_at"))
        fresh = beat is not None and (now - beat).total_seconds() < STALE_S
        if fresh and s.get("connected") and not s.get("finished_at"):
            connected += 1
        sentence = _when(s.get("last_sentence_at"))
        if sentence is not None and (last is None or sentence > last):
            last = sentence
    return {
        "live": connected > 0,
        "readers": connected,
        "last_sentence_at": last.isoformat() if last else None,
        "last_sentence_s": max(0.0, (now - last).total_seconds()) if last else None,
    }
