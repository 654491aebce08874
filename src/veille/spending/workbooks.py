"""Reading the published spending workbooks into plain figures, each with its exact place.

No Django here. Tables are found by their titles, units and section headers, never by fixed cell
addresses, so that the next edition of a workbook loads as long as NATO and SIPRI keep their wording.
A missing table or a changed header raises :class:`WorkbookLayoutError` naming the sheet and what was
expected; a data cell that is not a number raises :class:`UnreadableNumber` with sheet and cell. The
caller writes nothing unless the whole file reads.

Three sources, kept apart:

* ``nato``: NATO, "Defence Expenditure of NATO Countries", tables 1 to 8b (official);
* ``sipri``: SIPRI Military Expenditure Database (all countries; SIPRI's own definition);
* ``press``: NATO figures transcribed from press reports (lower confidence, one source per row).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from veille.spending.exceptions import UnreadableNumber, WorkbookLayoutError

NATO_LICENCE = "NATO material: free re-use with credit to NATO; no commercial advertising use"
SIPRI_LICENCE = "SIPRI: free for non-commercial use with attribution (© SIPRI)"
PRESS_LICENCE = "facts; cite the row's source article"

#: Aggregate rows of NATO's tables and the codes veille gives them.
AGGREGATES = {"nato total": "NATO", "nato europe and canada": "NATO-EUCA"}
#: Text that means "no figure" rather than an unreadable number.
MISSING = {"", "-", "\u2013", "\u2014", "n.a.", "na", "n/a", "...", ". .", "..", "xxx"}


@dataclass(frozen=True)
class SourceInfo:
    """The file a figure comes from: what, whose, which edition, under which terms."""

    kind: str  # nato | sipri | press
    file_name: str
    sha256: str
    publisher: str
    title: str
    edition: str
    edition_date: dt.date | None
    licence: str
    url: str = ""
    confidence: str = "official"  # official | reference | low


@dataclass(frozen=True)
class RawFigure:
    """One published number, as printed, with the place it was read from."""

    entity: str  # the country or aggregate as named in the source (footnote marks removed)
    aggregate: str  # "" for a country, else NATO / NATO-EUCA
    year: int
    measure: str
    value: Decimal
    raw: str  # the cell's value exactly as read (repr of the stored number)
    unit: str
    price_base: str  # "current", or the base year of constant prices ("2015", "2023")
    sheet: str
    table: str
    cell: str
    estimate: bool = False
    uncertain: bool = False
    currency: str = ""
    marker: str = ""  # footnote marks printed beside the name (NATO's "*", SIPRI's "§4")
    source_url: str = ""
    note: str = ""
    edition: str = ""  # a row's own edition (press rows cite different NATO releases)
    scale: int = 1  # value = raw times scale (SIPRI prints shares of GDP as fractions)


@dataclass
class Parsed:
    source: SourceInfo
    figures: list[RawFigure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # rows skipped on purpose, with the reason
    problems: list[str] = field(default_factory=list)  # inconsistencies found between tables


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_number(value: Any, sheet: str, cell: str, what: str) -> tuple[Decimal, str] | None:
    """A cell's number as ``(Decimal, raw text)``; ``None`` for an empty or "no data" cell.

    >>> read_number(4.120190989357147, "TABLE3", "N32", "Poland 2024")
    (Decimal('4.120190989357147'), '4.120190989357147')
    >>> read_number("...", "Share of GDP", "BZ10", "Algeria 2024") is None
    True
    """
    if value is None or isinstance(value, bool):
        if isinstance(value, bool):
            raise UnreadableNumber(f"{what}: {value!r} is not a number", where=f"sheet {sheet}, cell {cell}")
        return None
    if isinstance(value, int | float):
        raw = repr(value)
        if raw in ("nan", "inf", "-inf"):
            raise UnreadableNumber(f"{what}: {raw} is not a number", where=f"sheet {sheet}, cell {cell}")
        return Decimal(raw), raw
    text = str(value).strip()
    if text.casefold() in MISSING:
        return None
    try:
        return Decimal(text.replace(",", "").replace("\u00a0", "").replace(" ", "")), text
    except InvalidOperation:
        raise UnreadableNumber(
            f"{what}: cannot read {text!r} as a number", where=f"sheet {sheet}, cell {cell}"
        ) from None


_YEAR = re.compile(r"^\s*((?:19|20)\d\d)\s*(e?)\s*$", re.I)


def read_year(value: Any) -> tuple[int, bool] | None:
    """``2014`` → (2014, False); ``'2024e'`` → (2024, True) (an estimate); anything else → None."""
    if isinstance(value, int) and not isinstance(value, bool) and 1900 <= value <= 2100:
        return value, False
    if isinstance(value, float) and value.is_integer() and 1900 <= value <= 2100:
        return int(value), False
    if isinstance(value, str):
        m = _YEAR.match(value)
        if m:
            return int(m.group(1)), bool(m.group(2))
    return None


_LABEL = re.compile(r"^(?P<name>.*?[^\s*])\s*(?P<marker>\*+)?\s*(?:\((?P<currency>[^)]*)\))?\s*$")


def split_label(text: str) -> tuple[str, str, str]:
    """NATO's row label → (name, footnote marker, currency).

    >>> split_label("Czechia*   (Koruny)")
    ('Czechia', '*', 'Koruny')
    >>> split_label("Slovak Republic")
    ('Slovak Republic', '', '')
    """
    m = _LABEL.match(text.strip())
    if not m:
        return text.strip(), "", ""
    return m.group("name").strip(), m.group("marker") or "", (m.group("currency") or "").strip()


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip().casefold()


# --- NATO -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    label: str  # the header as printed (for messages)
    pattern: str  # regex on the folded label
    measure: str
    unit: str
    price_base: str = ""  # "" = taken from the label's year, else "current"


@dataclass(frozen=True)
class TableSpec:
    key: str  # "1", "2", … "8b": what veille calls the table (the published number may change)
    title: str  # the title as printed, for messages
    title_pattern: str
    unit_pattern: str
    sections: tuple[Section, ...]


NATO_TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        "1",
        "Table 1 : Defence expenditure (million national currency units)",
        r"defence expenditure$",
        r"national currency",
        (
            Section("Current prices", r"^current prices$", "spending_ncu_current", "NCU million", "current"),
            Section(
                "Constant 2015 prices", r"^constant (\d{4}) prices$", "spending_ncu_constant", "NCU million"
            ),
        ),
    ),
    TableSpec(
        "2",
        "Table 2 : Defence expenditure (million US dollars)",
        r"defence expenditure$",
        r"^million us dollars$",
        (
            Section(
                "Current prices and exchange rates",
                r"^current prices and exchange rates$",
                "spending_usd_current",
                "USD million",
                "current",
            ),
            Section(
                "Constant 2015 prices and exchange rates",
                r"^constant (\d{4}) prices and exchange rates$",
                "spending_usd_constant",
                "USD million",
            ),
        ),
    ),
    TableSpec(
        "3",
        "Table 3 : Defence expenditure as a share of GDP and annual real change",
        r"share of gdp and annual real change",
        r"prices",
        (
            Section("Share of real GDP (%)", r"^share of real gdp \(%\)$", "share_gdp_pct", "%"),
            Section("Annual real change (%)", r"^annual real change \(%\)$", "real_change_pct", "%"),
        ),
    ),
    TableSpec(
        "5",
        "Table 5 : GDP (million US dollars)",
        r"^gdp$",
        r"^million us dollars$",
        (
            Section(
                "Current prices and exchange rates",
                r"^current prices and exchange rates$",
                "gdp_usd_current",
                "USD million",
                "current",
            ),
            Section(
                "Constant 2015 prices and exchange rates",
                r"^constant (\d{4}) prices and exchange rates$",
                "gdp_usd_constant",
                "USD million",
            ),
        ),
    ),
    TableSpec(
        "6",
        "Table 6 : GDP per capita and defence expenditure per capita",
        r"gdp per capita and defence expenditure per capita",
        r"prices and exchange rates",
        (
            Section(
                "GDP per capita (thousand US dollars)",
                r"^gdp per capita \(thousand us dollars\)$",
                "gdp_per_capita_kusd",
                "USD thousand",
            ),
            Section(
                "Defence expenditure per capita (US dollars)",
                r"^defence expenditure per capita \(us dollars\)$",
                "spending_per_capita_usd",
                "USD",
            ),
        ),
    ),
    TableSpec(
        "7",
        "Table 7 : Military personnel (thousands)",
        r"military personnel",
        r"thousands",
        (Section("(whole table)", r"", "military_personnel_k", "thousand persons", "-"),),
    ),
    TableSpec(
        "8a",
        "Table 8a : Distribution of defence expenditure by main category (equipment, personnel)",
        r"distribution of defence expenditure by main category",
        r"percentage of total",
        (
            Section(
                "Equipment (a)",
                r"^equipment(?: \([a-z]\))?$",
                "equipment_pct",
                "% of defence expenditure",
                "current",
            ),
            Section(
                "Personnel (b)",
                r"^personnel(?: \([a-z]\))?$",
                "personnel_pct",
                "% of defence expenditure",
                "current",
            ),
        ),
    ),
    TableSpec(
        "8b",
        "Table 8b : Distribution of defence expenditure by main category (infrastructure, other)",
        r"distribution of defence expenditure by main category",
        r"percentage of total",
        (
            Section(
                "Infrastructure (c)",
                r"^infrastructure(?: \([a-z]\))?$",
                "infrastructure_pct",
                "% of defence expenditure",
                "current",
            ),
            Section(
                "Other (d)", r"^other(?: \([a-z]\))?$", "other_pct", "% of defence expenditure", "current"
            ),
        ),
    ),
)
#: Table 4 summarises tables 2 and 3 over the whole period; only its real change over the period is new.
TABLE4_TITLE = r"real change (\d{4})-(\d{4})e?$"

MEASURES = {
    "spending_ncu_current": "Defence expenditure, national currency, current prices",
    "spending_ncu_constant": "Defence expenditure, national currency, constant prices",
    "spending_usd_current": "Defence expenditure, USD, current prices and exchange rates",
    "spending_usd_constant": "Defence expenditure, USD, constant prices and exchange rates",
    "share_gdp_pct": "Defence expenditure as a share of GDP",
    "real_change_pct": "Annual real change of defence expenditure",
    "real_change_period_pct": "Real change of defence expenditure over the period of NATO's Table 4",
    "gdp_usd_current": "GDP, USD, current prices and exchange rates",
    "gdp_usd_constant": "GDP, USD, constant prices and exchange rates",
    "gdp_per_capita_kusd": "GDP per capita, thousand USD, constant prices",
    "spending_per_capita_usd": "Defence expenditure per capita, USD, constant prices",
    "military_personnel_k": "Military personnel, thousands",
    "equipment_pct": "Equipment, share of defence expenditure",
    "personnel_pct": "Personnel, share of defence expenditure",
    "infrastructure_pct": "Infrastructure, share of defence expenditure",
    "other_pct": "Other expenditure, share of defence expenditure",
}

_TITLE = re.compile(r"^\s*table\s+(?P<no>\d+[a-z]?)\s*:\s*(?P<title>.+?)\s*$", re.I)


@dataclass
class _Found:
    sheet: str
    number: str
    title: str
    row: int
    grid: list[tuple[Any, ...]]  # the sheet's values, row by row (0-based)

    @property
    def where(self) -> str:
        return f"sheet {self.sheet}"


def _grid(ws: Any) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in ws.iter_rows(values_only=True)]


def _coord(row0: int, col0: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(col0 + 1)}{row0 + 1}"


def _find_titles(grids: dict[str, list[tuple[Any, ...]]]) -> list[_Found]:
    found = []
    for sheet, grid in grids.items():
        for r, row in enumerate(grid[:60]):
            for value in row:
                if isinstance(value, str) and (m := _TITLE.match(value)):
                    found.append(_Found(sheet, m.group("no"), m.group("title"), r, grid))
                    break
            else:
                continue
            break
    return found


def _unit_line(t: _Found) -> str:
    """The first text between the title and the header of years (NATO prints the unit there)."""
    for row in t.grid[t.row + 1 : t.row + 8]:
        for value in row:
            if isinstance(value, str) and value.strip():
                return value.strip()
            if read_year(value):
                return ""
    return ""


def _header(t: _Found, label: str) -> tuple[int, dict[int, tuple[int, bool]]]:
    for r in range(t.row + 1, min(len(t.grid), t.row + 12)):
        years = {c: y for c, v in enumerate(t.grid[r]) if (y := read_year(v))}
        if len(years) >= 3:
            return r, years
    raise WorkbookLayoutError(
        f"expected a header row of years (such as 2014 … 2024e) below the title {label!r}", where=t.where
    )


def _row_label(row: tuple[Any, ...], first_value_col: int) -> str:
    for value in row[:first_value_col]:
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def _read_nato_table(t: _Found, spec: TableSpec, parsed: Parsed) -> list[RawFigure]:
    header_row, years = _header(t, spec.title)
    first_col = min(years)
    sections_seen: dict[str, int] = {}
    figures: list[RawFigure] = []
    whole = len(spec.sections) == 1 and spec.sections[0].pattern == ""
    current: Section | None = spec.sections[0] if whole else None
    unit_base = re.search(r"(\d{4}) prices", _unit_line(t))
    base = unit_base.group(1) if unit_base else ""
    unknown = ""
    notes: list[str] = []
    for r in range(header_row + 1, len(t.grid)):
        row = t.grid[r]
        label = _row_label(row, first_col)
        cells = row[first_col:]
        has_values = any(v is not None and not (isinstance(v, str) and not v.strip()) for v in cells)
        if label and re.match(r"^notes?\s*:", label, re.I):
            break
        if not label:
            if has_values:
                notes.append(f"sheet {t.sheet} row {r + 1}: values without a label, skipped")
            continue
        if not has_values:
            if whole:
                continue
            folded = _fold(label)
            for section in spec.sections:
                if m := re.match(section.pattern, folded):
                    current, sections_seen[section.measure] = section, r
                    base = section.price_base or (m.group(1) if m.groups() else base)
                    break
            else:
                if re.match(r"^-\s*\d+\s*-$", label):  # page number
                    continue
                notes.append(f"sheet {t.sheet} row {r + 1}: {label!r} is not a known section, skipped")
                current, unknown = None, label
            continue
        if current is None:
            raise WorkbookLayoutError(
                f"{spec.title}: figures for {label!r} (row {r + 1}) come under "
                + (f"the unknown header {unknown!r}" if unknown else "no section header")
                + "; expected "
                + " or ".join(repr(s.label) for s in spec.sections),
                where=t.where,
            )
        name, marker, currency = split_label(label)
        aggregate = AGGREGATES.get(_fold(name), "")
        for c, (year, estimate) in years.items():
            value = row[c] if c < len(row) else None
            cell = _coord(r, c)
            number = read_number(value, t.sheet, cell, f"{spec.title}, {name} {year}")
            if number is None:
                continue
            figures.append(
                RawFigure(
                    entity=name,
                    aggregate=aggregate,
                    year=year,
                    measure=current.measure,
                    value=number[0],
                    raw=number[1],
                    unit=current.unit,
                    price_base="" if current.price_base == "-" else base,
                    sheet=t.sheet,
                    table=f"Table {t.number}",
                    cell=cell,
                    estimate=estimate,
                    currency=currency,
                    marker=marker,
                )
            )
    if not whole:
        missing = [s for s in spec.sections if s.measure not in sections_seen]
        if missing:
            raise WorkbookLayoutError(
                f"{spec.title}: expected a section headed "
                + " and ".join(repr(s.label) for s in missing)
                + " below the header of years",
                where=t.where,
            )
    if not figures:
        raise WorkbookLayoutError(f"{spec.title}: no figures below the header of years", where=t.where)
    parsed.notes.extend(notes)
    return figures


def _read_table4(t: _Found, parsed: Parsed) -> list[RawFigure]:
    """The period's real change; the other columns repeat tables 2 and 3 and are checked against them."""
    m = re.search(TABLE4_TITLE, _fold(t.title))
    assert m is not None
    end_year = int(m.group(2))
    for r in range(t.row + 1, min(len(t.grid), t.row + 12)):
        heads = {c: _fold(v) for c, v in enumerate(t.grid[r]) if isinstance(v, str)}
        change_col = next((c for c, h in heads.items() if h.startswith("real change")), None)
        if change_col is not None:
            break
    else:
        raise WorkbookLayoutError(
            "Table 4: expected a column headed 'Real change 2014-2024e (%)'", where=t.where
        )
    figures = []
    estimate = bool(re.search(r"\d{4}e", heads[change_col]))
    for rr in range(r + 1, len(t.grid)):
        row = t.grid[rr]
        label = _row_label(row, min(change_col, 3))
        if not label or re.match(r"^notes?\s*:", label, re.I):
            if label:
                break
            continue
        name, marker, _ = split_label(label)
        cell = _coord(rr, change_col)
        number = read_number(row[change_col], t.sheet, cell, f"Table 4, {name}")
        if number is None:
            continue
        figures.append(
            RawFigure(
                entity=name,
                aggregate=AGGREGATES.get(_fold(name), ""),
                year=end_year,
                measure="real_change_period_pct",
                value=number[0],
                raw=number[1],
                unit="%",
                price_base="",
                sheet=t.sheet,
                table=f"Table {t.number}",
                cell=cell,
                estimate=estimate,
                marker=marker,
                note=f"real change {m.group(1)}-{end_year}",
            )
        )
    return figures


def nato_edition_date(path: Path) -> dt.date | None:
    """NATO names its files by release date: ``240617-def-exp-2024-TABLES-en.xlsx`` → 2024-06-17."""
    m = re.search(r"(\d{2})(\d{2})(\d{2})-def-exp", path.name)
    if not m:
        return None
    try:
        return dt.date(2000 + int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def read_nato(path: Path, *, edition_date: dt.date | None = None, display_name: str | None = None) -> Parsed:
    """Every table of NATO's "Defence Expenditure of NATO Countries" workbook."""
    import openpyxl

    wb = openpyxl.load_workbook(path, data_only=True, read_only=True)
    try:
        grids = {ws.title: _grid(ws) for ws in wb.worksheets}
    finally:
        wb.close()
    return nato_from_grids(grids, path, edition_date=edition_date, display_name=display_name)


def nato_from_grids(
    grids: dict[str, list[tuple[Any, ...]]],
    path: Path,
    *,
    edition_date: dt.date | None = None,
    display_name: str | None = None,
) -> Parsed:
    """The tables of a NATO workbook already read into ``{sheet: rows of values}``."""
    titles = _find_titles(grids)
    years_seen: set[int] = set()
    source = SourceInfo(
        kind="nato",
        file_name=display_name or path.name,
        sha256=file_sha256(path),
        publisher="NATO",
        title="Defence Expenditure of NATO Countries",
        edition="",
        edition_date=edition_date or nato_edition_date(path),
        licence=NATO_LICENCE,
        url="https://www.nato.int/cps/en/natohq/topics_49198.htm",
    )
    parsed = Parsed(source)
    searched = ", ".join(grids) or "none"
    for spec in NATO_TABLES:
        candidates = [
            t
            for t in titles
            if re.search(spec.title_pattern, _fold(t.title))
            and re.search(spec.unit_pattern, _fold(_unit_line(t)))
        ]
        if not candidates:
            raise WorkbookLayoutError(
                f"no sheet holds the table {spec.title!r} (looked for a title cell 'Table N : …' with that "
                f"wording in sheets {searched})",
                where=path.name,
            )
        errors: list[WorkbookLayoutError] = []
        for t in candidates:
            try:
                figures = _read_nato_table(t, spec, parsed)
            except WorkbookLayoutError as exc:
                errors.append(exc)
                continue
            parsed.figures.extend(figures)
            years_seen.update(f.year for f in figures)
            break
        else:
            raise errors[-1] if len(candidates) == 1 or spec.key not in ("8a", "8b") else errors[0]
    table4 = [t for t in titles if re.search(TABLE4_TITLE, _fold(t.title))]
    if not table4:
        raise WorkbookLayoutError(
            "no sheet holds the table 'Table 4 : Defence expenditure real change 2014-2024e' "
            f"(sheets {searched})",
            where=path.name,
        )
    parsed.figures.extend(_read_table4(table4[0], parsed))
    first, last = min(years_seen), max(years_seen)
    parsed.source = SourceInfo(**{**source.__dict__, "edition": f"{first}-{last}"})
    _check_duplicates(parsed.figures)
    return parsed


def _check_duplicates(figures: Sequence[RawFigure]) -> None:
    seen: dict[tuple[str, str, str, int], RawFigure] = {}
    for f in figures:
        key = (f.measure, f.entity, f.price_base, f.year)
        if key in seen:
            other = seen[key]
            raise WorkbookLayoutError(
                f"{f.entity} {f.year} appears twice for {MEASURES.get(f.measure, f.measure)} "
                f"({other.sheet}!{other.cell} and {f.sheet}!{f.cell})",
                where=f"sheet {f.sheet}",
            )
        seen[key] = f


# --- SIPRI ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SipriSheet:
    title_pattern: str
    label: str
    measure: str
    unit: str
    scale: int = 1  # SIPRI prints shares of GDP as fractions; veille keeps percent


SIPRI_SHEETS = (
    SipriSheet(
        r"as percentage of gross domestic product",
        "Military expenditure by country as percentage of gross domestic product",
        "share_gdp_pct",
        "%",
        100,
    ),
    SipriSheet(
        r"in constant \((\d{4})\) us\$",
        "Military expenditure by country, in constant (YYYY) US$ m.",
        "spending_usd_constant",
        "USD million",
    ),
    SipriSheet(
        r"in millions of us\$ at current prices",
        "Military expenditure by country, in millions of US$ at current prices and exchange rates",
        "spending_usd_current",
        "USD million",
    ),
)
_BLUE, _RED = "0000FF", "FF0000"


def _font_rgb(cell: Any, palette: Sequence[str]) -> str:
    color = cell.font.color if cell.font is not None else None
    if color is None:
        return ""
    if color.type == "rgb" and isinstance(color.rgb, str):
        return color.rgb[-6:].upper()
    if color.type == "indexed" and isinstance(color.indexed, int) and color.indexed < len(palette):
        return palette[color.indexed][-6:].upper()
    return ""


def read_sipri(path: Path, *, display_name: str | None = None) -> Parsed:
    """SIPRI's shares of GDP, constant and current USD for every country; blue figures are SIPRI's
    estimates and red ones highly uncertain (as the workbook's own legend says)."""
    import openpyxl
    from openpyxl.styles.colors import COLOR_INDEX

    wb = openpyxl.load_workbook(path, data_only=True)
    palette = list(getattr(wb, "_colors", None) or COLOR_INDEX)
    titles = {ws.title: str(ws.cell(1, 1).value or "") for ws in wb.worksheets}
    m = re.search(r"(\d{4})-(\d{4})", " ".join(titles.values()))
    source = SourceInfo(
        kind="sipri",
        file_name=display_name or path.name,
        sha256=file_sha256(path),
        publisher="Stockholm International Peace Research Institute (SIPRI)",
        title="SIPRI Military Expenditure Database",
        edition=f"{m.group(1)}-{m.group(2)}" if m else "",
        edition_date=None,
        licence=SIPRI_LICENCE,
        url="https://www.sipri.org/databases/milex",
        confidence="reference",
    )
    parsed = Parsed(source)
    for spec in SIPRI_SHEETS:
        sheet = next(
            (name for name, title in titles.items() if re.search(spec.title_pattern, _fold(title))), None
        )
        if sheet is None:
            raise WorkbookLayoutError(
                f"no sheet is titled {spec.label!r} (cell A1 of sheets {', '.join(titles)})", where=path.name
            )
        ws = wb[sheet]
        tm = re.search(spec.title_pattern, _fold(titles[sheet]))
        base = tm.group(1) if tm and tm.groups() else "current"
        rows = list(ws.iter_rows())
        header = next(
            (
                i
                for i, row in enumerate(rows[:20])
                if isinstance(row[0].value, str) and _fold(row[0].value) == "country"
            ),
            None,
        )
        if header is None:
            raise WorkbookLayoutError(
                "expected a header row starting with 'Country' followed by years", where=f"sheet {sheet}"
            )
        years = {c: y[0] for c, cell in enumerate(rows[header]) if (y := read_year(cell.value))}
        notes_col = next(
            (
                c
                for c, cell in enumerate(rows[header])
                if isinstance(cell.value, str) and _fold(cell.value) == "notes"
            ),
            None,
        )
        if len(years) < 3:
            raise WorkbookLayoutError(
                "expected years in the header row after 'Country'", where=f"sheet {sheet}"
            )
        for row in rows[header + 1 :]:
            label = row[0].value
            if not isinstance(label, str) or not label.strip():
                continue
            values = [row[c] for c in years if c < len(row)]
            if all(v.value is None for v in values):
                continue  # a region or sub-region heading
            name = label.strip()
            marker = str(row[notes_col].value or "").strip() if notes_col is not None else ""
            for c, year in years.items():
                if c >= len(row):
                    continue
                cell = row[c]
                number = read_number(cell.value, sheet, cell.coordinate, f"{name} {year}")
                if number is None:
                    continue
                colour = _font_rgb(cell, palette)
                parsed.figures.append(
                    RawFigure(
                        entity=name,
                        aggregate="",
                        year=year,
                        measure=spec.measure,
                        value=number[0] * spec.scale,
                        scale=spec.scale,
                        raw=number[1],
                        unit=spec.unit,
                        price_base=base,
                        sheet=sheet,
                        table=titles[sheet][:120],
                        cell=cell.coordinate,
                        estimate=colour == _BLUE,
                        uncertain=colour == _RED,
                        marker=marker,
                    )
                )
    wb.close()
    _check_duplicates(parsed.figures)
    return parsed


# --- press-transcribed estimates --------------------------------------------------------------

PRESS_COLUMNS = ("country", "year", "pct_gdp", "edition", "status", "source_url", "note")


def read_press(path: Path, *, display_name: str | None = None) -> Parsed:
    """Shares of GDP read from press reports of NATO's releases, one article per row."""
    source = SourceInfo(
        kind="press",
        file_name=display_name or path.name,
        sha256=file_sha256(path),
        publisher="press reports of NATO releases (see each row)",
        title="NATO shares of GDP transcribed from the press",
        edition="",
        edition_date=None,
        licence=PRESS_LICENCE,
        confidence="low",
    )
    parsed = Parsed(source)
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        missing = [c for c in PRESS_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise WorkbookLayoutError(
                f"expected the columns {', '.join(PRESS_COLUMNS)}; missing {', '.join(missing)}",
                where=path.name,
            )
        for n, row in enumerate(reader, start=2):
            where = f"row {n}"
            year = read_year(row["year"])
            if year is None:
                raise UnreadableNumber(
                    f"cannot read {row['year']!r} as a year", field="year", where=f"{path.name}, {where}"
                )
            number = read_number(row["pct_gdp"], path.name, where, f"{row['country']} {year[0]}")
            if number is None:
                parsed.notes.append(f"{where}: no share given, skipped")
                continue
            parsed.figures.append(
                RawFigure(
                    entity=row["country"].strip(),
                    aggregate="",
                    year=year[0],
                    measure="share_gdp_pct",
                    value=number[0],
                    raw=number[1],
                    unit="%",
                    price_base="",
                    sheet="",
                    table="",
                    cell=where,
                    estimate=row["status"].strip().casefold() == "estimate",
                    source_url=row["source_url"].strip(),
                    note=row["note"].strip(),
                    edition=row["edition"].strip(),
                )
            )
    if not parsed.figures:
        raise WorkbookLayoutError("no rows", where=path.name)
    _check_duplicates_press(parsed.figures)
    return parsed


def _check_duplicates_press(figures: Sequence[RawFigure]) -> None:
    seen: dict[tuple[str, int, str], str] = {}
    for f in figures:
        key = (f.entity, f.year, f.edition)
        if key in seen:
            raise WorkbookLayoutError(
                f"{f.entity} {f.year} ({f.edition}) appears twice", where=f"{seen[key]} and {f.cell}"
            )
        seen[key] = f.cell


def iter_entities(figures: Sequence[RawFigure]) -> Iterator[str]:
    """Each country named in the figures once, in order of appearance (aggregates left out)."""
    seen: set[str] = set()
    for f in figures:
        if not f.aggregate and f.entity not in seen:
            seen.add(f.entity)
            yield f.entity
