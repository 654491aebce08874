"""Reading the activity registry's CSV (``veille import arctic-activities PATH``).

Columns: ``key, name, kind, domains, nation, participants, starts_on, ends_on, window_note, area,
radius_km, area_approximate, area_name, area_note, assets, leading_command, arctic_sentry,
releasable_to, sources, note`` (``releasable_nations`` optional). Lists are ``|``-separated;
dates are ``YYYY-MM-DD`` or ``YYYY-MM`` (then known to the month only); ``assets`` is
``type:number:note; …``; ``sources`` is ``DATE URL ; …`` with ``undated`` for a page without a
date, and at least one source must be dated. Every row is read and checked before anything is
written; one bad row rejects the file and the error lists every bad row with its line. The import
itself is :func:`veille.arctic.services.do_import_activities`.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import re
from pathlib import Path
from typing import Any

from django.conf import settings

from veille.arctic.exceptions import RowsRejected
from veille.arctic.geo import AreaError, parse_area
from veille.arctic.models import Precision
from veille.arctic.services import NewActivity, check_activity
from veille.core.errors import VeilleError
from veille.nations.access import Actor

COLUMNS = (
    "key", "name", "kind", "domains", "nation", "participants", "starts_on", "ends_on", "window_note", "area",
    "radius_km", "area_approximate", "area_name", "area_note", "assets", "leading_command", "arctic_sentry",
    "releasable_to", "sources", "note",
)  # fmt: skip
_SOURCE = re.compile(r"^(\d{4}-\d{2}-\d{2}|undated)\s+(https?://\S+)$")


def _date(text: str, end: bool, column: str) -> tuple[dt.date | None, str]:
    text = text.strip()
    if not text:
        return None, Precision.DAY
    if re.fullmatch(r"\d{4}-\d{2}", text):
        year, month = int(text[:4]), int(text[5:])
        if not 1 <= month <= 12:
            raise ValueError(f"{column}: no month {month}")
        day = calendar.monthrange(year, month)[1] if end else 1
        return dt.date(year, month, day), Precision.MONTH
    try:
        return dt.date.fromisoformat(text), Precision.DAY
    except ValueError as exc:
        raise ValueError(f"{column}: {text!r} is not YYYY-MM-DD or YYYY-MM") from exc


def _yes(text: str, column: str) -> bool:
    value = text.strip().lower()
    if value in ("yes", "true", "1"):
        return True
    if value in ("", "no", "false", "0"):
        return False
    raise ValueError(f"{column}: write yes or no, not {text!r}")


def _assets(text: str) -> list[dict[str, Any]]:
    assets = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        pieces = [x.strip() for x in part.split(":")]
        kind = pieces[0]
        number_text = pieces[1] if len(pieces) > 1 else ""
        note = ":".join(pieces[2:]) if len(pieces) > 2 else ""
        if number_text and not number_text.isdigit():
            raise ValueError(f"assets: {number_text!r} is not a whole number (write type:number:note)")
        assets.append({"type": kind, "number": int(number_text) if number_text else None, "note": note})
    return assets


def _sources(text: str) -> list[dict[str, str]]:
    sources = []
    for part in (p.strip() for p in text.split(" ; ")):
        if not part:
            continue
        m = _SOURCE.match(part)
        if not m:
            raise ValueError(f"sources: {part[:60]!r} is not 'YYYY-MM-DD URL' or 'undated URL'")
        sources.append(
            {"date": "" if m.group(1) == "undated" else m.group(1), "url": m.group(2), "title": ""}
        )
    if not sources:
        raise ValueError("sources: every row needs a source")
    if not any(s["date"] for s in sources):
        raise ValueError("sources: at least one source must carry its date")
    return sources


def row_to_activity(row: dict[str, str], countries: Path) -> NewActivity:
    """One CSV row as the service's input (raises ``ValueError`` naming the column)."""
    starts_on, starts_precision = _date(row["starts_on"], False, "starts_on")
    ends_on, ends_precision = _date(row["ends_on"], True, "ends_on")
    radius = row.get("radius_km", "").strip()
    try:
        radius_km = float(radius) if radius else None
    except ValueError as exc:
        raise ValueError(f"radius_km: {radius!r} is not a number") from exc
    try:
        parsed = parse_area(row["area"], radius_km, countries)
    except AreaError as exc:
        raise ValueError(f"area: {exc}") from exc
    return NewActivity(
        key=row["key"].strip(),
        name=row["name"].strip(),
        kind=row["kind"].strip(),
        owner_nation=row["nation"].strip().upper() or None,
        domains=[d.strip() for d in row["domains"].split("|") if d.strip()],
        participants=[c.strip() for c in row["participants"].split("|") if c.strip()],
        starts_on=starts_on,
        starts_precision=starts_precision,
        ends_on=ends_on,
        ends_precision=ends_precision,
        window_note=row["window_note"],
        area=parsed.geometry if parsed else None,
        radius_km=parsed.radius_km if parsed else None,
        area_name=row["area_name"],
        area_approximate=_yes(row["area_approximate"], "area_approximate")
        or bool(parsed and parsed.approximate),
        area_note=row["area_note"],
        assets=_assets(row["assets"]),
        leading_command=row["leading_command"],
        sources=_sources(row["sources"]),
        note=row["note"],
        releasable_to=row["releasable_to"].strip() or "NATO",
        releasable_nations=[c for c in row.get("releasable_nations", "").split("|") if c.strip()],
        arctic_sentry=_yes(row["arctic_sentry"], "arctic_sentry"),
    )


def read_activities(path: Path, actor: Actor) -> tuple[list[NewActivity], list[str]]:
    """Every row of the file as service input, checked; and the problems (``line N: …``)."""
    countries = settings.DATA_DIR / "geo" / "ne_110m_admin_0_countries.geojson"
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise RowsRejected([f"missing column(s): {', '.join(missing)}"], path.name)
            rows = list(reader)
    except (OSError, UnicodeDecodeError) as exc:
        raise RowsRejected([f"cannot read the file: {exc}"], path.name) from exc
    activities, problems, keys = [], [], set()
    for line, row in enumerate(rows, start=2):
        try:
            if None in row:
                raise ValueError("more cells than columns")
            new = row_to_activity({k: (v or "") for k, v in row.items()}, countries)
            if (new.owner_nation, new.key) in keys:
                raise ValueError(f"key: {new.key!r} appears twice for {new.owner_nation or 'NATO'}")
            keys.add((new.owner_nation, new.key))
            check_activity(actor, new)
        except (ValueError, VeilleError) as exc:
            problems.append(f"line {line}: {exc}")
            continue
        activities.append(new)
    return activities, problems
