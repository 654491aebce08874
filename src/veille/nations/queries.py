"""Read models of the nations app, shared by pages, API and exports."""

from __future__ import annotations

import datetime as dt
from typing import Any

from veille.nations.models import Nation

__all__ = ["nation_rows"]


def nation_rows(on: dt.date | None = None, kind: str | None = None) -> list[dict[str, Any]]:
    """One row per nation with its status on ``on`` (today by default)."""
    day = on or dt.date.today()
    qs = Nation.objects.all()
    rows = []
    for n in qs:
        status = n.status_on(day)
        if kind and status != kind:
            continue
        rows.append(
            {
                "code": n.code,
                "name": n.name,
                "name_fr": n.name_fr,
                "kind": n.kind,
                "status": status,
                "status_on": day.isoformat(),
                "accession_date": n.accession_date,
                "partnership_date": n.partnership_date,
                "eu_member": n.eu_member,
                "source": n.source,
                "note": n.note,
            }
        )
    return rows
