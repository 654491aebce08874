"""CSV and JSON exports of any table shown on a page, and the one CSV writer of veille.

Every CSV veille writes (pages, API, commands) goes through :class:`CsvWriter`, which neutralises
cells a spreadsheet would read as a formula (OWASP's "CSV injection" rule): a text cell that starts
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written with a leading apostrophe, so
that ``=HYPERLINK(...)`` shows as text. Numbers (``int``, ``float``, ``Decimal``) are written as
they are: ``-5`` stays a number.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from django.http import HttpResponse, JsonResponse

from veille.core.errors import InvalidInput

__all__ = ["FORMULA_PREFIXES", "CsvWriter", "dumps", "export_response", "safe_cell"]

#: First characters that make a spreadsheet evaluate a cell (OWASP, CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


def _plain(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def safe_cell(value: Any) -> Any:
    """``value`` as a CSV cell that no spreadsheet runs as a formula.

    >>> safe_cell('=HYPERLINK("http://x","y")')
    '\\'=HYPERLINK("http://x","y")'
    >>> safe_cell("-1+2"), safe_cell(decimal.Decimal("-5")), safe_cell(None), safe_cell("Oslo")
    ("'-1+2", '-5', None, 'Oslo')
    """
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_PREFIXES) else value
    return _plain(value)


class CsvWriter:
    """``csv.writer`` whose every cell goes through :func:`safe_cell`."""

    def __init__(self, out: _Writable, **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([safe_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


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
        writer = CsvWriter(response)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([row.get(c) for c in columns])
        # what tests/kit/test_exports.py reads to know that a CSV came through this writer
        response.veille_csv_writer = CsvWriter  # type: ignore[attr-defined]
        return response
    if fmt == "json":
        data = {"meta": dict(meta or {}), "rows": [{c: _plain(r.get(c)) for c in columns} for r in rows]}
        response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})
        response["Content-Disposition"] = f'attachment; filename="{filename}.json"'
        return response
    raise InvalidInput(f"unknown export format {fmt!r}: use csv or json", field="format")


def dumps(value: Any) -> str:
    return json.dumps(value, default=_plain, ensure_ascii=False)
