"""CSV and JSON exports of any table shown on a page."""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.http import HttpResponse, JsonResponse

from veille.core.errors import InvalidInput

__all__ = ["dumps", "export_response"]


def _plain(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def export_response(
    rows: Iterable[Mapping[str, Any]],
    columns: Sequence[str],
    fmt: str,
    filename: str,
    meta: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """Rows as ``text/csv`` or ``application/json`` (with ``meta``: source, date, licence…)."""
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        writer = csv.writer(response)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_plain(row.get(c)) for c in columns])
        return response
    if fmt == "json":
        data = {"meta": dict(meta or {}), "rows": [{c: _plain(r.get(c)) for c in columns} for r in rows]}
        response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})
        response["Content-Disposition"] = f'attachment; filename="{filename}.json"'
        return response
    raise InvalidInput(f"unknown export format {fmt!r}: use csv or json", field="format")


def dumps(value: Any) -> str:
    return json.dumps(value, default=_plain, ensure_ascii=False)
