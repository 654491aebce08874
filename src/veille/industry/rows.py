"""Reading the industry dataset (``data/industry/``): every row checked, bad rows named and set aside.

No Django here. :func:`read_folder` returns the rows that can be stored and, for each one that
cannot, a problem naming the file, the row (line number and id), the field and what was expected.
A target without a date is kept and *reported*, never dropped.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from veille.core import industry as core
from veille.core.errors import VeilleError
from veille.industry.exceptions import DatasetLayoutError, InvalidFigure

CAPACITY_FILE = "capacity_announcements.csv"
INPUTS_FILE = "inputs_per_unit.csv"
MARKS_FILE = "row_marks.csv"
CONTRADICTIONS_FILE = "contradictions.csv"
CAPACITY_COLUMNS = (
    "id",
    "date",
    "actor",
    "actor_type",
    "kind",
    "product",
    "product_category",
    "quantity",
    "unit",
    "period_label",
    "target_date",
    "site",
    "country",
    "source_title",
    "source_url",
    "source_date",
    "note",
)
INPUT_COLUMNS = ("product", "input", "quantity", "unit", "source_title", "source_url", "note")
CATEGORIES = ("munition", "interceptor", "air_defence_system", "energetics", "rocket")
ACTOR_TYPES = ("government", "company", "alliance", "eu")
BOUNDS = ("range_lower", "upper_bound", "increment")
#: Labels that count the same thing at another precision (the dataset's README says so).
FAMILIES = {
    "155 mm artillery shell": "artillery shell",
    "artillery shell (calibre not stated)": "artillery shell",
    "artillery shell (155 mm and 152 mm)": "artillery shell",
}
LICENCE = (
    "facts from public press releases and news reports, compiled for veille; cite the row's source "
    "(data/industry/README.md)"
)


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    ref: str
    field: str
    message: str
    severity: str = "rejected"  # rejected | reported

    def __str__(self) -> str:
        where = f"{self.file} line {self.line}" + (f" ({self.ref})" if self.ref else "")
        return f"{where}: {self.field}: {self.message} [{self.severity}]"


@dataclass(frozen=True)
class FigureRow:
    line: int
    ref: str
    stated: core.PartialDate
    actor: str
    actor_type: str
    kind: str
    product: str
    category: str
    quantity: Decimal
    raw: str
    unit: str
    period_label: str
    target: core.PartialDate | None
    site: str
    country: str
    source_title: str
    source_url: str
    source_date: str
    note: str
    bound: str = ""

    @property
    def family(self) -> str:
        return FAMILIES.get(self.product, self.product)


@dataclass(frozen=True)
class InputRow:
    line: int
    ref: str
    product: str
    input: str
    quantity: Decimal
    unit: str
    conversion: core.Conversion
    source_title: str
    source_url: str
    note: str


@dataclass
class Parsed:
    folder: str
    sha256: str
    files: dict[str, str] = field(default_factory=dict)  # file name → sha256
    figures: list[FigureRow] = field(default_factory=list)
    inputs: list[InputRow] = field(default_factory=list)
    contradictions: list[tuple[int, str, str]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def undated_targets(self) -> list[str]:
        return [f.ref for f in self.figures if f.kind == "target_capacity" and f.target is None]


def _table(path: Path, columns: tuple[str, ...]) -> tuple[list[dict[str, str]], bytes]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DatasetLayoutError(f"not UTF-8 text ({exc.reason})", where=path.name) from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        raise DatasetLayoutError(
            f"missing column(s) {', '.join(missing)}; expected {', '.join(columns)}",
            field="header",
            where=path.name,
        )
    return list(reader), data


def _quantity(text: str) -> Decimal:
    try:
        value = Decimal(text.strip().replace(",", ""))
    except InvalidOperation:
        raise InvalidFigure(f"{text!r} is not a number", field="quantity") from None
    if not value.is_finite():
        raise InvalidFigure(f"{text!r} is not a number", field="quantity")
    if value < 0:
        raise InvalidFigure(f"{text}: expected a quantity of zero or more", field="quantity")
    return value


def check_figure_values(
    kind: str, category: str, unit: str, stated: core.PartialDate, period_label: str, today: dt.date
) -> None:
    """The checks a figure passes wherever it comes from (a file, a form, the API)."""
    if kind not in core.KINDS:
        raise InvalidFigure(f"{kind!r}: expected one of {', '.join(core.KINDS)}", field="kind")
    if category and category not in CATEGORIES:
        raise InvalidFigure(
            f"{category!r}: expected one of {', '.join(CATEGORIES)}", field="product_category"
        )
    unit_kind = core.unit_kind(unit)
    if kind in (*core.ACTUAL_KINDS, "target_capacity") and unit_kind == "money":
        raise InvalidFigure(
            f"a {kind} figure in {unit} is money, not a capacity; expected a rate or a count", field="unit"
        )
    if kind in core.ACTUAL_KINDS:
        if stated.first_day > today:
            raise InvalidFigure(
                f"an actual figure stated on {stated} is dated in the future (today is {today})", field="date"
            )
        period = core.parse_period(period_label)
        if period is not None and (period.start or period.end) > today:
            raise InvalidFigure(
                f"an actual figure for {period_label!r} speaks of the future (today is {today})",
                field="period_label",
            )


#: The longest text each column may hold (the database's limits).
LIMITS = {
    "id": 24,
    "actor": 200,
    "product": 120,
    "unit": 30,
    "period_label": 120,
    "site": 120,
    "country": 80,
    "source_title": 400,
    "source_url": 600,
    "source_date": 10,
}


def _figure(
    line: int, r: dict[str, str], marks: dict[str, str], today: dt.date
) -> tuple[FigureRow, list[Problem]]:
    ref = (r.get("id") or "").strip()
    if not ref:
        raise InvalidFigure("every row needs an id", field="id")
    for name, limit in LIMITS.items():
        if len((r.get(name) or "").strip()) > limit:
            raise InvalidFigure(f"at most {limit} characters", field=name)
    stated = core.PartialDate.parse(r["date"], field="date")
    kind, category, unit = r["kind"].strip(), r["product_category"].strip(), r["unit"].strip()
    if not r["product"].strip():
        raise InvalidFigure("name the product", field="product")
    if not category:
        raise InvalidFigure(f"expected one of {', '.join(CATEGORIES)}", field="product_category")
    check_figure_values(kind, category, unit, stated, r["period_label"], today)
    quantity = _quantity(r["quantity"])
    if r["actor_type"].strip() not in ACTOR_TYPES:
        raise InvalidFigure(
            f"{r['actor_type']!r}: expected one of {', '.join(ACTOR_TYPES)}", field="actor_type"
        )
    if not r["source_url"].strip():
        raise InvalidFigure("every figure needs its source", field="source_url")
    problems = []
    target = None
    if r["target_date"].strip():
        target = core.PartialDate.parse(r["target_date"], field="target_date")
    elif kind == "target_capacity":
        problems.append(
            Problem(
                CAPACITY_FILE,
                line,
                ref,
                "target_date",
                "a target without a date: imported, not tracked",
                "reported",
            )
        )
    row = FigureRow(
        line,
        ref,
        stated,
        r["actor"].strip(),
        r["actor_type"].strip(),
        kind,
        r["product"].strip(),
        category,
        quantity,
        r["quantity"].strip(),
        unit,
        r["period_label"].strip(),
        target,
        r["site"].strip(),
        r["country"].strip(),
        r["source_title"].strip(),
        r["source_url"].strip(),
        r["source_date"].strip(),
        r["note"].strip(),
        marks.get(ref, ""),
    )
    return row, problems


def read_folder(path: Path, today: dt.date | None = None) -> Parsed:
    """Read the dataset folder (or its ``capacity_announcements.csv``) and its companion files."""
    today = today or dt.date.today()
    folder = path if path.is_dir() else path.parent
    capacity = path if path.is_file() else folder / CAPACITY_FILE
    if not capacity.is_file():
        raise DatasetLayoutError(f"no {CAPACITY_FILE} in {folder}", field="path", where=str(path))
    rows, data = _table(capacity, CAPACITY_COLUMNS)
    digest = hashlib.sha256(data)
    parsed = Parsed(str(folder), "", {capacity.name: hashlib.sha256(data).hexdigest()})
    marks: dict[str, str] = {}
    if (folder / MARKS_FILE).is_file():
        mark_rows, mark_data = _table(folder / MARKS_FILE, ("id", "mark", "what"))
        digest.update(mark_data)
        parsed.files[MARKS_FILE] = hashlib.sha256(mark_data).hexdigest()
        for i, m in enumerate(mark_rows, start=2):
            if m["mark"] not in BOUNDS:
                parsed.problems.append(
                    Problem(
                        MARKS_FILE, i, m["id"], "mark", f"{m['mark']!r}: expected one of {', '.join(BOUNDS)}"
                    )
                )
            else:
                marks[m["id"].strip()] = m["mark"]
    seen: set[str] = set()
    ids = {(r.get("id") or "").strip() for r in rows}  # a contradiction may name a rejected row
    for line, r in enumerate(rows, start=2):
        try:
            row, problems = _figure(line, r, marks, today)
        except VeilleError as exc:
            parsed.problems.append(
                Problem(capacity.name, line, (r.get("id") or "").strip(), exc.field or "row", exc.message)
            )
            continue
        if row.ref in seen:
            parsed.problems.append(
                Problem(capacity.name, line, row.ref, "id", "this id is used by an earlier row")
            )
            continue
        seen.add(row.ref)
        parsed.figures.append(row)
        parsed.problems.extend(problems)
    if (folder / INPUTS_FILE).is_file():
        input_rows, input_data = _table(folder / INPUTS_FILE, INPUT_COLUMNS)
        digest.update(input_data)
        parsed.files[INPUTS_FILE] = hashlib.sha256(input_data).hexdigest()
        for line, r in enumerate(input_rows, start=2):
            try:
                quantity = _quantity(r["quantity"])
                conversion = core.per_unit_tonnes(quantity, r["unit"])
                if not r["product"].strip() or not r["input"].strip():
                    raise InvalidFigure("name the product and the input", field="product")
                if not r["source_url"].strip():
                    raise InvalidFigure("every ratio needs its source", field="source_url")
            except VeilleError as exc:
                parsed.problems.append(Problem(INPUTS_FILE, line, "", exc.field or "row", exc.message))
                continue
            parsed.inputs.append(
                InputRow(
                    line,
                    f"INP-{line - 1:03d}",
                    r["product"].strip(),
                    r["input"].strip(),
                    quantity,
                    r["unit"].strip(),
                    conversion,
                    r["source_title"].strip(),
                    r["source_url"].strip(),
                    r["note"].strip(),
                )
            )
    if (folder / CONTRADICTIONS_FILE).is_file():
        c_rows, c_data = _table(folder / CONTRADICTIONS_FILE, ("number", "rows", "what"))
        digest.update(c_data)
        parsed.files[CONTRADICTIONS_FILE] = hashlib.sha256(c_data).hexdigest()
        for line, r in enumerate(c_rows, start=2):
            unknown = [ref for ref in r["rows"].split() if ref not in ids]
            if not r["number"].strip().isdigit() or unknown:
                parsed.problems.append(
                    Problem(
                        CONTRADICTIONS_FILE, line, r["number"], "rows", f"rows not in the dataset: {unknown}"
                    )
                )
                continue
            parsed.contradictions.append((int(r["number"]), " ".join(r["rows"].split()), r["what"].strip()))
    parsed.sha256 = digest.hexdigest()
    return parsed
