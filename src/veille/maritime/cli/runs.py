"""``veille ais runs``, ``veille ais rollback RUN`` and ``veille ais resume RUN``: the ingest runs
recorded in the store (:mod:`veille.maritime.ingest_runs`), undone or finished by their id."""

from __future__ import annotations

import json
import os
import socket
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from veille.maritime.cli.common import EXIT_ARGS, EXIT_INPUT, CommandError, existing_store
from veille.maritime.ingest_runs import COMPLETE, INTERRUPTED, RUNNING, IngestRuns, RunError, sha256_file
from veille.maritime.store import AisStore

__all__ = [
    "add_resume_parser",
    "add_rollback_parser",
    "add_runs_parser",
    "resume",
    "rollback",
    "runs",
]


def add_runs_parser(sub: Any) -> ArgumentParser:
    parser = sub.add_parser(
        "runs",
        help="list the ingest runs recorded in the store",
        description="List the ingest runs recorded in the store, oldest first: id, start, status "
        "(running, complete, interrupted, rolled back), and each input with its SHA-256 and what it "
        "stored.",
    )
    parser.add_argument("--format", choices=["text", "json"], default="text")
    return parser


def add_rollback_parser(sub: Any) -> ArgumentParser:
    parser = sub.add_parser(
        "rollback",
        help="remove everything an ingest run stored",
        description="Remove every part an ingest run wrote (positions and vessel registry) and mark "
        "it rolled back; its files can then be ingested again. Temporary parts left by killed runs "
        "are removed too. Run veille ais events again afterwards if events were detected since.",
    )
    parser.add_argument("run", help="the run id (veille ais runs lists them)")
    return parser


def add_resume_parser(sub: Any) -> ArgumentParser:
    parser = sub.add_parser(
        "resume",
        help="finish an interrupted ingest run",
        description="Finish an interrupted ingest run: the inputs it completed are kept; what it "
        "stored of the others is removed and they are read again, under the same run id. Each file "
        "must still have the content it had (its SHA-256 is checked). Live inputs (tcp://, standard "
        "input) cannot be read again: roll the run back instead.",
    )
    parser.add_argument("run", help="the run id (veille ais runs lists them)")
    parser.add_argument("--format", choices=["text", "json"], default="text", help="summary format")
    return parser


def runs(opts: dict[str, Any], stdout: Any, stderr: Any) -> None:
    records = IngestRuns(existing_store(opts).root).all()
    if opts.get("format") == "json":
        stdout.write(json.dumps(records, indent=1))
        return
    if not records:
        stdout.write("no ingest run recorded in this store")
        return
    for r in records:
        stdout.write(
            f"{r['run']}  {r['started_at']}  {r['status']}" + ("  (killed)" if r.get("killed") else "")
        )
        for item in r["inputs"]:
            sha = f"sha256:{item['sha256'][:12]}" if item.get("sha256") else item["kind"]
            stored = f"{item.get('positions', 0):,} positions" if "positions" in item else "not read"
            stdout.write(f"    {item['status']:<12} {sha:<20} {stored:<18} {item['input']}")


def rollback(opts: dict[str, Any], stdout: Any, stderr: Any) -> None:
    ledger = IngestRuns(existing_store(opts).root)
    try:
        leftovers = ledger.clean_leftovers()
        done = ledger.rollback(opts["run"])
    except RunError as exc:
        raise CommandError(str(exc), returncode=EXIT_ARGS) from exc
    if leftovers:
        stderr.write(f"removed {len(leftovers)} temporary part(s) left by a killed run")
    stdout.write(f"run {done['run']}: rolled back ({done['removed']} part(s) removed)")


def resume(opts: dict[str, Any], stdout: Any, stderr: Any) -> None:
    from veille.maritime.cli.ingest import _report_leftovers, _workers, ingest_inputs

    ledger = IngestRuns(existing_store(opts).root)
    try:
        record = ledger.get(opts["run"])
    except RunError as exc:
        raise CommandError(str(exc), returncode=EXIT_ARGS) from exc
    status = record["status"]
    if status == RUNNING:
        raise CommandError(
            f"run {record['run']} is still running (process {record['pid']})", returncode=EXIT_ARGS
        )
    if status != INTERRUPTED:
        raise CommandError(f"run {record['run']} is {status}: nothing to resume", returncode=EXIT_ARGS)
    todo = [e for e in record["inputs"] if e["status"] != COMPLETE]
    for entry in todo:
        if entry["kind"] != "file":
            raise CommandError(
                f"run {record['run']}: {entry['input']} was a live input and cannot be read again; "
                f"veille ais rollback {record['run']} removes what it stored",
                returncode=EXIT_ARGS,
            )
        path = Path(entry["input"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file (run {record['run']} read it)", returncode=EXIT_INPUT)
        if sha256_file(path) != entry["sha256"]:
            raise CommandError(
                f"{path}: its content changed since run {record['run']} read it; "
                f"veille ais rollback {record['run']} removes what the run stored",
                returncode=EXIT_INPUT,
            )
    _report_leftovers(ledger.clean_leftovers(), stderr)
    for entry in todo:
        if entry.get("first_part"):
            ledger.remove_parts(record["run"], entry["first_part"], None)
        entry["status"] = "pending"
    last = max((e.get("last_part") or 0 for e in record["inputs"] if e["status"] == COMPLETE), default=0)
    store = AisStore(ledger.root, run=record["run"], part=last)
    record = {k: v for k, v in record.items() if k != "killed"}
    record.update(status=RUNNING, pid=os.getpid(), host=socket.gethostname(), finished_at=None)
    ledger.save(record)
    ingest_inputs(
        {"format": opts.get("format", "text"), "rejects": None},
        store,
        ledger,
        record,
        stdout,
        stderr,
        workers=_workers(None),
        deadline=None,
    )
