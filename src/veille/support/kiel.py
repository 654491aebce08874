"""Reading the Kiel Institute's Ukraine Support Tracker into plain records (no Django here).

Two inputs:

* the release summary as published in JSON (``kiel_release28_summary_engelde.json``): allocations
  by donor and type, by month, weapons by category and by donor, in billions of EUR;
* the full workbook a user downloads from the Kiel Institute, sheet "Bilateral Assistance, MAIN
  DATA", one row per aid activity. Columns are found by their header names, never by position;
  unknown columns are reported, missing required ones stop the import naming the sheet.

Every record keeps where it came from (file, sheet, row or JSON path) so that a figure on a page
can be traced back to it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from veille.core.errors import InvalidInput

AID_TYPES = ("military", "financial", "humanitarian")
BILLION = Decimal(1_000_000_000)
KIEL_LICENCE = "Kiel Institute data: research and non-commercial use with attribution"
MAIN_SHEET = "Bilateral Assistance, MAIN DATA"


class KielFormatError(InvalidInput):
    """The file is not laid out as the Kiel tracker publishes it."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class Release:
    number: int
    last_updated: dt.date | None
    source_name: str
    source_url: str
    file_name: str
    sha256: str


@dataclass(frozen=True)
class DonorTotal:
    """One donor's allocations of one type for the whole period of the release, in EUR."""

    donor: str
    aid_type: str
    value_eur: Decimal
    eu_member: bool
    where: str


@dataclass(frozen=True)
class MonthTotal:
    month: dt.date  # first day of the month
    aid_type: str
    value_eur: Decimal
    where: str


@dataclass(frozen=True)
class WeaponFigure:
    donor: str  # "" for the all-donor category total
    category: str
    value_eur: Decimal
    records: int | None
    where: str


@dataclass
class Summary:
    release: Release
    donors: list[DonorTotal] = field(default_factory=list)
    months: list[MonthTotal] = field(default_factory=list)
    weapons: list[WeaponFigure] = field(default_factory=list)
    totals_eur: dict[str, Decimal] = field(default_factory=dict)


def _bn(value: Any, where: str) -> Decimal:
    """Billions of EUR as published (a JSON number) → EUR as an exact Decimal."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise KielFormatError(f"expected a number of billions of EUR, got {value!r}", where=where)
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise KielFormatError(f"expected a number of billions of EUR, got {value!r}", where=where) from None
    if not number.is_finite() or number < 0:
        raise KielFormatError(f"expected a non-negative number, got {value!r}", where=where)
    return number * BILLION


def read_summary(path: Path) -> Summary:
    """Read the release summary JSON; raise :class:`KielFormatError` naming what is missing."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise KielFormatError(f"not a JSON file: {exc}", where=path.name) from None
    if not isinstance(data, dict):
        raise KielFormatError("expected a JSON object at the top", where=path.name)
    for key in ("release", "byCountry", "byMonth"):
        if key not in data:
            raise KielFormatError(f"missing key {key!r}", where=path.name)
    if data.get("currency", "EUR") != "EUR" or data.get("unit", "billions") != "billions":
        raise KielFormatError(
            "expected amounts in billions of EUR (keys 'currency' and 'unit')", where=path.name
        )
    source = data.get("source") or {}
    updated = data.get("lastUpdated")
    release = Release(
        number=int(data["release"]),
        last_updated=dt.date.fromisoformat(updated) if updated else None,
        source_name=str(source.get("name", "Kiel Institute Ukraine Support Tracker")),
        source_url=str(source.get("url", "")),
        file_name=path.name,
        sha256=sha256_of(path),
    )
    summary = Summary(release=release)
    for i, row in enumerate(data["byCountry"]):
        where = f"{path.name}: byCountry[{i}]"
        donor = str(row.get("country", "")).strip()
        if not donor:
            raise KielFormatError("a donor without a name", where=where)
        for aid_type in AID_TYPES:
            if aid_type not in row:
                raise KielFormatError(f"missing {aid_type!r}", where=where)
            summary.donors.append(
                DonorTotal(
                    donor,
                    aid_type,
                    _bn(row[aid_type], f"{where}.{aid_type}"),
                    bool(row.get("euMember", False)),
                    f"{where}.{aid_type}",
                )
            )
    for i, row in enumerate(data["byMonth"]):
        where = f"{path.name}: byMonth[{i}]"
        try:
            month = dt.date.fromisoformat(str(row["date"]) + "-01")
        except (KeyError, ValueError):
            raise KielFormatError(
                f"expected a month as YYYY-MM, got {row.get('date')!r}", where=where
            ) from None
        for aid_type in AID_TYPES:
            summary.months.append(
                MonthTotal(
                    month, aid_type, _bn(row.get(aid_type, 0), f"{where}.{aid_type}"), f"{where}.{aid_type}"
                )
            )
    for i, row in enumerate(data.get("weaponsByCategory", [])):
        where = f"{path.name}: weaponsByCategory[{i}]"
        summary.weapons.append(
            WeaponFigure(
                "",
                str(row["name"]),
                _bn(row["valueEUR"], where),
                int(row["records"]) if "records" in row else None,
                where,
            )
        )
    for i, row in enumerate(data.get("weaponsByDonor", [])):
        for j, cat in enumerate(row.get("categories", [])):
            where = f"{path.name}: weaponsByDonor[{i}].categories[{j}]"
            summary.weapons.append(
                WeaponFigure(str(row["donor"]), str(cat["name"]), _bn(cat["valueEUR"], where), None, where)
            )
    for key, value in (data.get("totals") or {}).items():
        summary.totals_eur[key] = _bn(value, f"{path.name}: totals.{key}")
    return summary


# --- the full workbook --------------------------------------------------------------------------

#: Columns of "Bilateral Assistance, MAIN DATA" that the import needs, and those it reads if present.
REQUIRED_COLUMNS = (
    "donor",
    "announcement_date",
    "measure",
    "aid_type_general",
    "reporting_currency",
    "tot_activity_value",
    "tot_activity_value_eur",
)
OPTIONAL_COLUMNS = (
    "aid_type_specific",
    "item",
    "item_numb_deliv",
    "id",
    "source",
    "explanation",
    "purl_funded",
)
#: How a workbook may mark a row as funded through PURL (allies' money for US equipment): the cell of
#: a ``purl_funded`` column. Empty is "not marked".
PURL_MARKS = {
    "yes": True,
    "y": True,
    "true": True,
    "1": True,
    "x": True,
    "no": False,
    "n": False,
    "false": False,
    "0": False,
}

#: Kiel's wording of the measure → veille's basis (commitments are promises, allocations earmarked).
MEASURES = {
    "commitment": "commitment",
    "commitments": "commitment",
    "allocation": "allocation",
    "allocations": "allocation",
    "allocated": "allocation",
    "committed": "commitment",
}


@dataclass(frozen=True)
class Activity:
    row: int
    donor: str
    announced: dt.date
    basis: str  # commitment | allocation
    aid_type: str  # military | financial | humanitarian
    aid_type_specific: str
    currency: str
    value: Decimal | None
    value_eur: Decimal | None
    item: str
    items_delivered: Decimal | None
    where: str
    purl_funded: bool = False


@dataclass
class WorkbookRead:
    sheet: str
    activities: list[Activity] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    rows_read: int = 0


def _norm_header(value: Any) -> str:
    return "_".join(str(value or "").strip().lower().replace("-", " ").split())


def _cell_decimal(value: Any, where: str, name: str) -> Decimal | None:
    if value is None or (isinstance(value, str) and value.strip() in ("", "-", "n/a", "NA")):
        return None
    if isinstance(value, bool):
        raise InvalidInput(f"{name}: expected a number, got {value!r}", where=where)
    try:
        number = (
            Decimal(str(value).replace(",", "").strip()) if isinstance(value, str) else Decimal(str(value))
        )
    except InvalidOperation:
        raise InvalidInput(f"{name}: expected a number, got {value!r}", where=where) from None
    if not number.is_finite():
        raise InvalidInput(f"{name}: expected a finite number, got {value!r}", where=where)
    return number


def _cell_date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    for parse in (dt.date.fromisoformat, lambda t: dt.datetime.strptime(t, "%d/%m/%Y").date()):
        try:
            return parse(text[:10])
        except ValueError:
            continue
    raise InvalidInput(f"announcement_date: expected a date, got {value!r}", where=where)


def read_workbook(path: Path, progress: Any = None) -> WorkbookRead:
    """Read the main data sheet. A row that cannot be read is listed in ``problems`` with its sheet
    and row; the caller decides whether anything is written (nothing is, when there are problems)."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise KielFormatError(f"cannot open the workbook: {exc}", where=path.name) from None
    try:
        if MAIN_SHEET not in book.sheetnames:
            raise KielFormatError(
                f"expected a sheet {MAIN_SHEET!r}; found {', '.join(book.sheetnames)}", where=path.name
            )
        sheet = book[MAIN_SHEET]
        rows = sheet.iter_rows(values_only=True)
        header_row, header = _find_header(rows, path)
        columns = {name: i for i, name in enumerate(header) if name}
        missing = [c for c in REQUIRED_COLUMNS if c not in columns]
        if missing:
            raise KielFormatError(
                f"sheet {MAIN_SHEET!r} lacks the column(s) {', '.join(missing)} (header on row {header_row})",
                where=path.name,
            )
        result = WorkbookRead(sheet=MAIN_SHEET)
        result.unknown_columns = [c for c in columns if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
        for offset, values in enumerate(rows, start=header_row + 1):
            if values is None or all(v is None or str(v).strip() == "" for v in values):
                continue
            result.rows_read += 1
            if progress is not None:
                progress(1)
            where = f"{path.name}, sheet {MAIN_SHEET!r}, row {offset}"
            try:
                result.activities.append(_activity(values, columns, offset, where))
            except InvalidInput as exc:
                result.problems.append(str(exc))
        return result
    finally:
        book.close()


def _find_header(rows: Iterator[tuple[Any, ...]], path: Path) -> tuple[int, list[str]]:
    """The header is the first row (of the first 20) that names the donor column."""
    for number, values in enumerate(rows, start=1):
        names = [_norm_header(v) for v in values]
        if "donor" in names:
            return number, names
        if number >= 20:
            break
    raise KielFormatError(
        f"sheet {MAIN_SHEET!r}: no header row with a 'donor' column in the first 20 rows", where=path.name
    )


def _activity(values: tuple[Any, ...], columns: dict[str, int], row: int, where: str) -> Activity:
    def get(name: str) -> Any:
        i = columns.get(name)
        return values[i] if i is not None and i < len(values) else None

    donor = str(get("donor") or "").strip()
    if not donor:
        raise InvalidInput("donor: empty", where=where)
    measure = str(get("measure") or "").strip().lower()
    if measure not in MEASURES:
        raise InvalidInput(f"measure: expected Commitment or Allocation, got {get('measure')!r}", where=where)
    aid_type = str(get("aid_type_general") or "").strip().lower()
    if aid_type not in AID_TYPES:
        raise InvalidInput(
            f"aid_type_general: expected Military, Financial or Humanitarian, got "
            f"{get('aid_type_general')!r}",
            where=where,
        )
    currency = str(get("reporting_currency") or "").strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise InvalidInput(
            f"reporting_currency: expected an ISO 4217 code, got {get('reporting_currency')!r}", where=where
        )
    value = _cell_decimal(get("tot_activity_value"), where, "tot_activity_value")
    value_eur = _cell_decimal(get("tot_activity_value_eur"), where, "tot_activity_value_EUR")
    if (value is not None and value < 0) or (value_eur is not None and value_eur < 0):
        raise InvalidInput("tot_activity_value: negative amounts are not aid", where=where)
    raw_mark = get("purl_funded")
    mark = "" if raw_mark is None else str(raw_mark).strip().lower()
    if mark not in ("", *PURL_MARKS):
        raise InvalidInput(f"purl_funded: expected yes or no (or empty), got {raw_mark!r}", where=where)
    return Activity(
        purl_funded=PURL_MARKS.get(mark, False),
        row=row,
        donor=donor,
        announced=_cell_date(get("announcement_date"), where),
        basis=MEASURES[measure],
        aid_type=aid_type,
        aid_type_specific=str(get("aid_type_specific") or "").strip(),
        currency=currency,
        value=value,
        value_eur=value_eur,
        item=str(get("item") or "").strip(),
        items_delivered=_cell_decimal(get("item_numb_deliv"), where, "item_numb_deliv"),
        where=where,
    )
