"""CSV and JSON exports of any table shown on a page, each carrying its source and licence, and the
one CSV writer of veille.

Every CSV veille writes (pages, API, commands) goes through :class:`CsvWriter`, which neutralises
cells a spreadsheet would read as a formula (OWASP's "CSV injection" rule): a text cell that starts
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written with a leading apostrophe, so
that ``=HYPERLINK(...)`` shows as text. Numbers (``int``, ``float``, ``Decimal``) are written as
numbers: ``-5`` stays a number.

A CSV export starts with lines that begin with ``#``, one ``# key: value`` each: what the file is,
its ``source`` and ``licence`` (always present), then the rest of the export's provenance (files and
their hashes, filters, notes); the table's header row follows. Read it with
``pandas.read_csv(path, comment="#")``, R's ``read.csv(path, comment.char = "#")``, or
:func:`read_csv_rows`. A JSON export has the same facts in its ``meta`` object.

Numbers are written to their figure's precision, never as a binary float's or a division's digits:
a column may be given its places (``precision={"share_pct": 2}``); otherwise shares (``*_pct``) have
2 places (``*_pct_gdp`` 3), money and USD-million columns (``*_eur``, ``*_usd``, ``*_usd_m``…) 2,
billions (``*_bn``) 3, and any other number at most 6.

>>> _number(4.120190989357147, "share_pct"), _number(Decimal("26838.51813912607687231052714"), "gap_usd_m")
('4.12', '26838.52')
>>> _number(Decimal("0.5770509559923329336171183892"), "total_pct_gdp"), _number(69.1234567, "lat")
('0.577', '69.123457')
>>> _number(Decimal("64617000000.00"), "military"), _number(2.5, "x"), _number(3, "count_pct")
('64617000000.00', '2.5', '3')
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Protocol

from django.http import HttpResponse, JsonResponse

from veille.core.errors import InvalidInput
from veille.core.industry import Conversion
from veille.core.money import Money

__all__ = [
    "DEFAULT_LICENCE",
    "DEFAULT_SOURCE",
    "FORMULA_PREFIXES",
    "CsvWriter",
    "dumps",
    "export_response",
    "provenance",
    "read_csv_rows",
    "safe_cell",
]

#: First characters that make a spreadsheet evaluate a cell (OWASP, CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

DEFAULT_SOURCE = (
    "veille: records entered by its users through its services (audited); shipped data: data/PROVENANCE.md"
)
DEFAULT_LICENCE = (
    "veille's own records: re-use with credit to veille; "
    "shipped data keep their own terms (data/PROVENANCE.md)"
)
MAX_PLACES = 6
_RULES: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(r"pct_gdp$"), 3),
    (re.compile(r"(^|_)(pct|share)(_|$)"), 2),
    (re.compile(r"(^|_)bn($|_)"), 3),
    (re.compile(r"(^|_)(eur|usd|nok|gbp|amount|usd_m|usd_constant|usd_current|ncu_current|m)$"), 2),
)


def _places(column: str, precision: Mapping[str, int] | None) -> int | None:
    if precision and column in precision:
        return precision[column]
    for pattern, places in _RULES:
        if pattern.search(column):
            return places
    return None


def _number(value: float | Decimal | int, column: str, precision: Mapping[str, int] | None = None) -> str:
    """A number as text to its column's precision (see the module's rules)."""
    if isinstance(value, int):
        return str(value)
    number = Decimal(str(value)) if isinstance(value, float) else value
    if not number.is_finite():
        return str(number)
    places = _places(column, precision)
    if places is not None:
        return f"{number.quantize(Decimal(1).scaleb(-places), rounding=decimal.ROUND_HALF_EVEN):f}"
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= -MAX_PLACES and not isinstance(value, float):
        return f"{number:f}"
    text = f"{number.quantize(Decimal(1).scaleb(-MAX_PLACES), rounding=decimal.ROUND_HALF_EVEN):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _plain(value: Any, column: str = "", precision: Mapping[str, int] | None = None) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, float | Decimal):
        return _number(value, column, precision)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Money):
        return str(value)  # "2600000000.00 NOK": the amount as stored, and its currency
    if isinstance(value, Conversion):
        return value.shown  # a unit conversion, as its arithmetic
    return value


def safe_cell(value: Any, column: str = "", precision: Mapping[str, int] | None = None) -> Any:
    """``value`` as a CSV cell that no spreadsheet runs as a formula (a number to its column's
    precision, see the module's rules).

    >>> safe_cell('=HYPERLINK("http://x","y")')
    '\\'=HYPERLINK("http://x","y")'
    >>> safe_cell("-1+2"), safe_cell(decimal.Decimal("-5")), safe_cell(None), safe_cell("Oslo")
    ("'-1+2", '-5', None, 'Oslo')
    """
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_PREFIXES) else value
    return _plain(value, column, precision)


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


class CsvWriter:
    """``csv.writer`` whose every cell goes through :func:`safe_cell` (with the columns' names, a
    number is written to its column's precision)."""

    def __init__(self, out: _Writable, **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(
        self,
        row: Iterable[Any],
        columns: Sequence[str] | None = None,
        precision: Mapping[str, int] | None = None,
    ) -> None:
        values = list(row)
        names = list(columns) if columns is not None else [""] * len(values)
        cells = [safe_cell(v, c, precision) for v, c in zip(values, names, strict=False)]
        if cells and isinstance(cells[0], str) and cells[0].startswith("#"):
            cells[0] = f" {cells[0]}"  # a data row is never read as a comment line
        self._writer.writerow(cells)

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def _json_cell(value: Any, column: str, precision: Mapping[str, int] | None) -> Any:
    """As in the CSV, but a float stays a JSON number (rounded) and a Decimal a string, as before."""
    if isinstance(value, float) and not isinstance(value, bool):
        return float(_number(value, column, precision))
    return _plain(value, column, precision)


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, default=_plain, ensure_ascii=False)


def _found(meta: Any, keys: tuple[str, ...]) -> list[str]:
    """The values of ``keys`` in ``meta``, and in the dictionaries it lists (a support export's
    tracker releases), without repeats."""
    out: list[str] = []
    items = [meta] if isinstance(meta, Mapping) else []
    for key in ("dataset", "press_source", "source"):
        nested = meta.get(key) if isinstance(meta, Mapping) else None
        items += [n for n in (nested if isinstance(nested, list) else [nested]) if isinstance(n, Mapping)]
    for item in items:
        for key in keys:
            value = item.get(key)
            if value and isinstance(value, str | int) and str(value) not in out:
                out.append(str(value))
    return out


def provenance(meta: Mapping[str, Any] | None) -> dict[str, str]:
    """``source`` and ``licence`` of an export from its ``meta`` (the dataset, its files, their
    addresses, or each row's source), or veille's own when the rows are its users' records.

    >>> provenance({"dataset": "data/x.csv", "licence": "CC BY 4.0"})
    {'source': 'data/x.csv', 'licence': 'CC BY 4.0'}
    >>> provenance(None)["source"].startswith("veille")
    True
    """
    meta = meta or {}
    source = _found(meta, ("source", "dataset", "title", "tracker", "source_url", "url", "file", "files"))
    licence = _found(meta, ("licence", "license"))
    return {
        "source": "; ".join(source) or DEFAULT_SOURCE,
        "licence": "; ".join(licence) or DEFAULT_LICENCE,
    }


def export_response(
    rows: Iterable[Mapping[str, Any]],
    columns: Sequence[str],
    fmt: str,
    filename: str,
    meta: Mapping[str, Any] | None = None,
    precision: Mapping[str, int] | None = None,
) -> HttpResponse:
    """Rows as ``text/csv`` or ``application/json``, with ``meta`` (source, date, licence…) in the
    CSV's ``#`` lines or the JSON's ``meta``; numbers to their precision (``precision`` per column,
    else the module's rules)."""
    if fmt not in ("csv", "json"):
        raise InvalidInput(f"unknown export format {fmt!r}: use csv or json", field="format")
    # the export's own provenance as given; source and licence found in it, or veille's own
    head: dict[str, Any] = {"export": filename, **dict(meta or {})}
    for key, value in provenance(meta).items():
        if not head.get(key) or (key == "source" and not isinstance(head[key], str | list)):
            head[key] = value
    head["generated_at"] = (meta or {}).get("generated_at") or dt.datetime.now(dt.UTC).isoformat(
        timespec="seconds"
    )
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        for key, value in head.items():
            response.write(f"# {key}: {' '.join(_text(value).split())}\n")
        writer = CsvWriter(response, lineterminator="\r\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([row.get(c) for c in columns], columns, precision)
        # what tests/kit/test_exports.py reads to know that a CSV came through this writer
        response.veille_csv_writer = CsvWriter  # type: ignore[attr-defined]
        return response
    data = {
        "meta": {k: v for k, v in head.items() if k != "export"},
        "rows": [{c: _json_cell(r.get(c), c, precision) for c in columns} for r in rows],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'attachment; filename="{filename}.json"'
    return response


def read_csv_rows(text: str) -> list[dict[str, str]]:
    """The rows of a CSV export, its ``#`` lines skipped.

    >>> read_csv_rows("# source: x\\n# licence: y\\na,b\\n1,2\\n")
    [{'a': '1', 'b': '2'}]
    """
    lines = text.splitlines(keepends=True)
    start = 0
    while start < len(lines) and lines[start].startswith("#"):
        start += 1
    return list(csv.DictReader(io.StringIO("".join(lines[start:]))))


def dumps(value: Any) -> str:
    return json.dumps(value, default=_plain, ensure_ascii=False)
