"""The reference nations as data migrations load them (not a migration itself: its name starts with
an underscore, which Django's loader skips).

Each reference migration (``0002_reference_nations`` and any later ``00NN_reference_…``) freezes the
reference of its day in a JSON file beside it (``00NN_reference.json``: one record per nation, the
fields of :class:`veille.nations.reference.NationRecord`) and calls :func:`apply_snapshot` with it.
A migration never reads ``data/reference/`` itself: what a database holds after ``migrate`` depends
only on its migrations, never on the files of the day. When ``data/reference/`` changes, a new
migration freezes it (``tests/nations/test_reference_migrations.py`` fails until one does; the steps
are in docs/operations.md, "Reference data").

Records are created or updated by code; none is deleted (memberships and records point at them).
Each change is written to the audit trail as the loading service writes it, by the system process
``migration:nations.<migration>``.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

FOLDER = Path(__file__).resolve().parent
DATE_FIELDS = ("accession_date", "partnership_date")


def snapshot_files() -> list[Path]:
    """The frozen references, oldest first."""
    return sorted(FOLDER.glob("[0-9][0-9][0-9][0-9]_reference*.json"))


def read_snapshot(path: Path) -> list[dict[str, Any]]:
    """The records of a frozen reference, dates as :class:`datetime.date`."""
    records = json.loads(path.read_text(encoding="utf-8"))
    for rec in records:
        for name in DATE_FIELDS:
            rec[name] = dt.date.fromisoformat(rec[name]) if rec.get(name) else None
    return list(records)


def snapshot_of(folder: Path) -> list[dict[str, Any]]:
    """``data/reference/`` (or ``folder``) as the records a snapshot holds, in code order."""
    from veille.nations.reference import read_reference

    return sorted((asdict(r) for r in read_reference(folder)), key=lambda r: str(r["code"]))


def write_snapshot(folder: Path, path: Path) -> int:
    """Freeze the reference of ``folder`` into ``path`` (the JSON of a new reference migration);
    returns the number of records."""
    records = snapshot_of(folder)
    for rec in records:
        for name in DATE_FIELDS:
            rec[name] = rec[name].isoformat() if rec[name] else None
    path.write_text(json.dumps(records, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return len(records)


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in values.items()}


def apply_snapshot(apps: Any, name: str, migration: str) -> dict[str, int]:
    """Create or update the nations of the snapshot ``name`` (a file in this folder) with the
    historical models of ``apps``; returns the counts created, updated and unchanged."""
    from django.utils import timezone

    nation_model = apps.get_model("nations", "Nation")
    audit_model = apps.get_model("audit", "AuditEvent")
    fields = {f.name for f in nation_model._meta.get_fields() if getattr(f, "concrete", False)}
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    now = timezone.now()
    label = f"system:migration:nations.{migration}"

    def audit(action: str, code: str, before: dict[str, Any] | None, after: dict[str, Any]) -> None:
        audit_model.objects.create(
            at=now,
            actor=label,
            via="cli",
            action=action,
            object_type="nations.nation",
            object_id=code,
            before=_jsonable(before) if before else None,
            after=_jsonable(after),
            note=f"reference data, migration nations.{migration}",
        )

    for rec in read_snapshot(FOLDER / name):
        values = {k: v for k, v in rec.items() if k in fields and k != "code"}
        code = rec["code"]
        current = nation_model.objects.filter(code=code).first()
        if current is None:
            nation_model.objects.create(code=code, **values)
            audit("nation.create", code, None, {"code": code, **values})
            counts["created"] += 1
            continue
        before = {k: getattr(current, k) for k in values}
        if before == values:
            counts["unchanged"] += 1
            continue
        for k, v in values.items():
            setattr(current, k, v)
        current.save()
        audit("nation.update", code, before, values)
        counts["updated"] += 1
    return counts
