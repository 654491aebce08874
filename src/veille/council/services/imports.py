"""Reading the shipped Council files (``data/training_council/``): meetings, the further pages that
back them, decisions and milestones. Each row is checked by the same services as a form; a bad row
is reported with its file, row and field and skipped (its own savepoint), never stopping the rest.
A second import of the same files changes nothing; a changed row is updated and audited.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from veille.audit.services import do_audit, snapshot
from veille.core.actions import PartialDate
from veille.core.errors import VeilleError
from veille.council.exceptions import BadRow
from veille.council.models import Decision, Meeting, MeetingSource, Milestone, MilestoneBody, SourceFile
from veille.council.services.records import (
    DecisionData,
    MeetingData,
    check_decision,
    check_meeting,
)
from veille.council.sources import source_class
from veille.kit.importers import ImportSummary, Progress
from veille.nations.access import Actor

COLUMNS = {
    "nuc_meetings.csv": (
        "id",
        "date",
        "level",
        "chair",
        "occasion",
        "requested_by_ukraine",
        "location",
        "topics",
        "outcome_summary",
        "source_title",
        "source_url",
    ),
    "nuc_meeting_sources.csv": ("meeting_id", "supports", "source_title", "source_url", "note"),
    "nuc_decisions.csv": (
        "id",
        "meeting_id",
        "decision",
        "owner",
        "due",
        "status_text",
        "source_title",
        "source_url",
    ),
    "milestones.csv": ("id", "date", "body", "milestone", "source_title", "source_url"),
}


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_rows(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[str, dict[str, str]]]:
    """(where, row) for each row; a file without one of ``columns`` is refused as a whole."""
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise BadRow(f"the file has no column {', '.join(missing)}", field=missing[0], where=path.name)
        for n, row in enumerate(reader, start=2):
            yield f"{path.name} row {n}", {k: (v or "").strip() for k, v in row.items() if k}


def _changed(obj: Any, values: dict[str, Any]) -> bool:
    return any(getattr(obj, k) != v for k, v in values.items())


def upsert(
    actor: Actor,
    model: Any,
    lookup: dict[str, Any],
    values: dict[str, Any],
    action: str,
    extra: dict[str, Any],
) -> str:
    """Create the row, update it when it differs, or leave it: "created", "updated", "unchanged"."""
    found = model.objects.filter(**lookup).first()
    if found is None:
        obj = model.objects.create(**lookup, **values, **extra)
        do_audit(actor, f"{action}.import", obj, after=snapshot(obj))
        return "created"
    if not _changed(found, values):
        return "unchanged"
    before = snapshot(found)
    for k, v in values.items():
        setattr(found, k, v)
    found.save()
    do_audit(actor, f"{action}.update", found, before=before, after=snapshot(found))
    return "updated"


Handler = Callable[[Actor, str, dict[str, str]], str]


def _meeting(actor: Actor, where: str, row: dict[str, str]) -> str:
    data = MeetingData(
        date=row["date"],
        level=row["level"],
        chair=row["chair"],
        occasion=row["occasion"],
        requested_by_ukraine=row["requested_by_ukraine"],
        location=row["location"],
        topics=row["topics"],
        statement=row["outcome_summary"],
        source_title=row["source_title"],
        source_url=row["source_url"],
    )
    if not row["id"]:
        raise BadRow("is required", field="id")
    values = check_meeting(actor, data, key=row["id"])
    key = values.pop("key")
    values["where"] = where
    extra = {"created_at": timezone.now(), "created_by": actor.label}
    return upsert(actor, Meeting, {"key": key}, values, "council.meeting", extra)


def _meeting_by_key(key: str) -> Meeting:
    meeting = Meeting.objects.filter(key=key).first()
    if meeting is None:
        raise BadRow(f"no meeting {key!r} (it must be in nuc_meetings.csv and valid)", field="meeting_id")
    return meeting


def _meeting_source(actor: Actor, where: str, row: dict[str, str]) -> str:
    meeting = _meeting_by_key(row["meeting_id"])
    if not row["source_url"].lower().startswith(("https://", "http://")):
        raise BadRow("must be a web address", field="source_url")
    cls = source_class(row["source_url"], row["source_title"])
    values = {
        "source_title": row["source_title"][:500],
        "source_class": cls.kind,
        "source_reasons": "; ".join(cls.reasons),
        "note": row["note"],
        "where": where,
    }
    lookup = {"meeting": meeting, "source_url": row["source_url"][:1000], "supports": row["supports"][:200]}
    return upsert(actor, MeetingSource, lookup, values, "council.meeting_source", {})


def _decision(actor: Actor, where: str, row: dict[str, str]) -> str:
    if not row["id"]:
        raise BadRow("is required", field="id")
    meeting = _meeting_by_key(row["meeting_id"])
    data = DecisionData(
        text=row["decision"],
        owner_text=row["owner"],
        due_text=row["due"],
        status_text=row["status_text"],
        source_title=row["source_title"],
        source_url=row["source_url"],
    )
    values = check_decision(actor, meeting, data)
    values["where"] = where
    extra = {"created_at": timezone.now(), "created_by": actor.label}
    return upsert(actor, Decision, {"key": row["id"]}, values, "council.decision", extra)


def _milestone(actor: Actor, where: str, row: dict[str, str]) -> str:
    if not row["id"]:
        raise BadRow("is required", field="id")
    try:
        when = PartialDate.parse(row["date"])
    except ValueError as exc:
        raise BadRow(str(exc), field="date") from None
    if row["body"] not in MilestoneBody.values:
        raise BadRow(f"must be one of {', '.join(MilestoneBody.values)}", field="body")
    if not row["milestone"]:
        raise BadRow("is required", field="milestone")
    cls = source_class(row["source_url"], row["source_title"])
    values = {
        "date": when.start,
        "precision": when.precision,
        "body": row["body"],
        "text": row["milestone"],
        "source_title": row["source_title"][:500],
        "source_url": row["source_url"][:1000],
        "source_class": cls.kind,
        "source_reasons": "; ".join(cls.reasons),
        "where": where,
    }
    return upsert(actor, Milestone, {"key": row["id"]}, values, "council.milestone", {})


HANDLERS: dict[str, Handler] = {
    "nuc_meetings.csv": _meeting,
    "nuc_meeting_sources.csv": _meeting_source,
    "nuc_decisions.csv": _decision,
    "milestones.csv": _milestone,
}


def import_file(
    actor: Actor,
    path: Path,
    handler: Handler,
    columns: tuple[str, ...],
    summary: ImportSummary,
    progress: Progress,
) -> None:
    """Each row in its own savepoint: a bad one is reported and leaves nothing behind."""
    rows = 0
    for where, row in read_rows(path, columns):
        rows += 1
        summary.read += 1
        try:
            with transaction.atomic():
                outcome = handler(actor, where, row)
        except VeilleError as exc:
            summary.rejected += 1
            exc.where = exc.where or where
            summary.problems.append(f"{where}: {exc.field or 'row'}: {exc.message}")
            continue
        setattr(summary, outcome, getattr(summary, outcome) + 1)
        progress(1)
    digest = sha256_of(path)
    files = summary.extra.setdefault("files", [])
    files.append({"file": path.name, "sha256": digest, "rows": rows})
    SourceFile.objects.get_or_create(
        name=path.name, sha256=digest, defaults={"rows": rows, "imported_at": timezone.now()}
    )


def import_council(actor: Actor, folder: Path, summary: ImportSummary, progress: Progress) -> None:
    """The four Council files of ``folder``, in the order their references need."""
    for name, handler in HANDLERS.items():
        path = folder / name
        if not path.exists():
            raise BadRow("the file is missing", where=str(path))
        progress(0, description=f"training-council {name}")
        import_file(actor, path, handler, COLUMNS[name], summary, progress)


__all__ = [
    "import_council",
    "import_file",
    "read_rows",
    "sha256_of",
    "upsert",
]
