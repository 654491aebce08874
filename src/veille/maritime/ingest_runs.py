"""What each ``veille ais ingest`` run read and wrote, kept in the store so that the same file is
never stored twice and an interrupted run can be resumed or rolled back. No Django here.

One manifest per run, ``<store>/ingest-runs/<run>.json``::

    {"run": "3f2a…", "status": "complete", "started_at": …, "finished_at": …, "pid": …, "host": …,
     "inputs": [{"input": "/data/day1.nmea", "kind": "file", "sha256": "…", "bytes": …,
                 "status": "complete", "first_part": 1, "last_part": 4, "positions": …}]}

A run's status is ``running`` (its process is alive), ``complete``, ``interrupted`` (Ctrl-C, an
error, or a process that died while the manifest said running), or ``rolled back``. Each input
records the parts it wrote (``part-<run>-<first_part…last_part>.parquet`` under ``positions/`` and
``vessels/``), so that resuming removes the parts of the inputs not finished and reads them again.

A file whose content (SHA-256) a complete or interrupted run holds is not read again unless asked
(``--force``); live inputs (``tcp://``, standard input) are recorded without a hash.

A hidden ``.part-<run>-….parquet.tmp`` is left when a run is killed while writing a part (see
:func:`veille.maritime.store.write_parquet`). :func:`IngestRuns.clean_leftovers` removes those
whose run is not running any more.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

__all__ = [
    "COMPLETE",
    "INTERRUPTED",
    "ROLLED_BACK",
    "RUNNING",
    "IngestRuns",
    "RunError",
    "forget_prefetched",
    "prefetch_sha256",
    "sha256_file",
]

RUNNING = "running"
COMPLETE = "complete"
INTERRUPTED = "interrupted"
ROLLED_BACK = "rolled back"
FOLDER = "ingest-runs"
#: a temporary part of a run without a manifest is left this long before it counts as abandoned
UNRECORDED_STALE_S = 600
_PART = re.compile(r"^\.?part-(?P<run>[0-9a-f]+)-(?P<n>\d+)\.parquet(?:\.tmp)?$")


class RunError(Exception):
    """A run id that names no run, or a run that cannot be resumed or rolled back as asked."""


#: digests begun by :func:`prefetch_sha256`, by resolved path: each taken once
_PREFETCHED: dict[str, _Digest] = {}


class _Digest:
    """A file's SHA-256 being computed in a background thread, with the file's size and modification
    time when it began."""

    def __init__(self, stamp: tuple[int, int]) -> None:
        self.stamp = stamp
        self.done = threading.Event()
        self.value: str | None = None


def _stamp(path: str | Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns)


def prefetch_sha256(paths: Iterable[str]) -> None:
    """Begin hashing the regular files among ``paths``, in order, in one background thread.

    ``veille ais ingest`` calls it first thing, so that its inputs are hashed while the data
    libraries load (hashing releases the GIL), and :func:`forget_prefetched` once done; each call
    also forgets what an earlier one left. :func:`sha256_file` takes a prefetched digest only
    if the file's size and modification time are still those it had when hashing began.

    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "x.nmea"; _ = p.write_bytes(b"abc")
    >>> prefetch_sha256([str(p), "--store", "not-a-file"]); sha256_file(p)[:16]
    'ba7816bf8f01cfea'
    """
    forget_prefetched()
    todo = []
    for item in paths:
        key = str(Path(item).resolve()) if os.path.isfile(item) else None
        if key is not None and key not in _PREFETCHED and (stamp := _stamp(item)) is not None:
            _PREFETCHED[key] = digest = _Digest(stamp)
            todo.append((item, digest))
    if not todo:
        return

    def work() -> None:
        for item, digest in todo:
            try:
                digest.value = _sha256(item)
            except OSError:
                pass  # sha256_file reads it again and names the error
            finally:
                digest.done.set()

    threading.Thread(target=work, name="veille-sha256", daemon=True).start()


def forget_prefetched() -> None:
    """Drop the digests :func:`prefetch_sha256` began that no :func:`sha256_file` took (a command
    that stopped before hashing its inputs); a thread still hashing finishes unheard."""
    _PREFETCHED.clear()


def sha256_file(path: str | Path, chunk: int = 1 << 20) -> str:
    """The SHA-256 of a file's bytes (read in chunks: memory stays flat), or the one
    :func:`prefetch_sha256` computed if the file has not changed since.

    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "x.nmea"; _ = p.write_bytes(b"abc")
    >>> sha256_file(p)[:16]
    'ba7816bf8f01cfea'
    """
    digest = _PREFETCHED.pop(str(Path(path).resolve()), None) if _PREFETCHED else None
    if digest is not None:
        digest.done.wait()
        if digest.value is not None and _stamp(path) == digest.stamp:
            return digest.value
    return _sha256(path, chunk)


def _sha256(path: str | Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def _now() -> str:
    # to the microsecond: runs are listed in the order they started, two may start in one second
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def _alive(pid: int, host: str) -> bool:
    if host != socket.gethostname():
        return True  # another machine's process: assume it runs
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class IngestRuns:
    """The manifests of a store's ingest runs."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.folder = self.root / FOLDER

    # -- the manifests -------------------------------------------------------------------------

    def path(self, run: str) -> Path:
        if not re.fullmatch(r"[0-9a-f]{6,32}", run):
            raise RunError(f"{run!r} is not a run id (12 hexadecimal digits, see veille ais runs)")
        return self.folder / f"{run}.json"

    def save(self, record: dict[str, Any]) -> None:
        """Write a run's manifest through a temporary file renamed into place."""
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.path(record["run"])
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
        tmp.replace(target)

    def start(self, run: str) -> dict[str, Any]:
        record: dict[str, Any] = {
            "run": run,
            "status": RUNNING,
            "started_at": _now(),
            "finished_at": None,
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "inputs": [],
        }
        self.save(record)
        return record

    def get(self, run: str) -> dict[str, Any]:
        path = self.path(run)
        if not path.is_file():
            raise RunError(f"store {self.root}: no ingest run {run} (veille ais runs lists them)")
        return self._status(json.loads(path.read_text(encoding="utf-8")))

    def all(self) -> list[dict[str, Any]]:
        """Every run's manifest, oldest first."""
        if not self.folder.is_dir():
            return []
        records = [json.loads(p.read_text(encoding="utf-8")) for p in self.folder.glob("*.json")]
        return sorted((self._status(r) for r in records), key=lambda r: (r["started_at"], r["run"]))

    def _status(self, record: dict[str, Any]) -> dict[str, Any]:
        """A run that says running but whose process is gone was interrupted (killed)."""
        if record["status"] == RUNNING and not _alive(record["pid"], record["host"]):
            record = record | {"status": INTERRUPTED, "killed": True}
        return record

    def holding(self, sha256: str) -> dict[str, Any] | None:
        """The latest run, not rolled back, that stored (or began to store) a file of this content."""
        found = None
        for record in self.all():
            if record["status"] == ROLLED_BACK:
                continue
            for item in record["inputs"]:
                if item.get("sha256") == sha256 and item["status"] != ROLLED_BACK:
                    found = record | {"input": item}
        return found

    # -- a run's files -------------------------------------------------------------------------

    def parts(self, run: str, first: int | None = None, last: int | None = None) -> Iterator[Path]:
        """The run's parts (temporary ones included), those numbered ``first``…``last`` if given."""
        for folder in (self.root / "positions", self.root / "vessels"):
            if not folder.is_dir():
                continue
            for path in folder.rglob(f"*part-{run}-*"):
                m = _PART.match(path.name)
                if m is None or m["run"] != run:
                    continue
                n = int(m["n"])
                if (first is None or n >= first) and (last is None or n <= last):
                    yield path

    def remove_parts(self, run: str, first: int | None = None, last: int | None = None) -> int:
        removed = 0
        for path in list(self.parts(run, first, last)):
            path.unlink(missing_ok=True)
            removed += 1
        return removed

    def rollback(self, run: str) -> dict[str, Any]:
        """Remove every part the run wrote and mark it rolled back (its manifest stays, as a record).
        A running run is refused."""
        record = self.get(run)
        if record["status"] == RUNNING:
            raise RunError(f"run {run} is still running (process {record['pid']}); stop it first")
        if record["status"] == ROLLED_BACK:
            return record | {"removed": 0}
        removed = self.remove_parts(run)
        record = {k: v for k, v in record.items() if k != "killed"}
        record["status"] = ROLLED_BACK
        record["rolled_back_at"] = _now()
        for item in record["inputs"]:
            item["status"] = ROLLED_BACK
        self.save(record)
        return record | {"removed": removed}

    def clean_leftovers(self) -> list[Path]:
        """Remove the hidden temporary parts (``.part-….parquet.tmp``) of runs that are not running
        (killed while writing); returns what was removed. A running run's are kept: it is writing; so
        are, for :data:`UNRECORDED_STALE_S`, those of writers that keep no manifest."""
        removed = []
        for folder in (self.root / "positions", self.root / "vessels"):
            if not folder.is_dir():
                continue
            for path in folder.rglob(".part-*.parquet.tmp"):
                m = _PART.match(path.name)
                run = m["run"] if m else ""
                manifest = self.folder / f"{run}.json"
                if manifest.is_file():
                    if self.get(run)["status"] == RUNNING:
                        continue
                elif time.time() - path.stat().st_mtime < UNRECORDED_STALE_S:
                    continue  # a writer that keeps no manifest (the demo's loader) may be at work
                path.unlink(missing_ok=True)
                removed.append(path)
        return removed
