"""Reading the shipped workbooks, and workbooks broken on purpose (built here with openpyxl)."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from tests.spending.conftest import NATO_FILE, PRESS_FILE
from veille.core.spending import count_at_or_above, round_pct
from veille.spending.exceptions import UnreadableNumber, WorkbookLayoutError
from veille.spending.workbooks import MEASURES, Parsed, RawFigure, read_nato, read_press, split_label


def share(parsed: Parsed, entity: str, year: int) -> RawFigure:
    return next(
        f for f in parsed.figures if f.measure == "share_gdp_pct" and f.entity == entity and f.year == year
    )


@pytest.mark.parametrize(
    "ally, expected", [("Poland", "4.12"), ("United States", "3.38"), ("Estonia", "3.43"), ("Spain", "1.28")]
)
def test_shares_of_gdp_in_2024_are_as_nato_publishes_them(
    nato_parsed: Parsed, ally: str, expected: str
) -> None:
    assert round_pct(share(nato_parsed, ally, 2024).value) == Decimal(expected)


def test_23_allies_are_at_or_above_2_percent_in_2024(nato_parsed: Parsed) -> None:
    shares = [
        f.value
        for f in nato_parsed.figures
        if f.measure == "share_gdp_pct" and f.year == 2024 and not f.aggregate
    ]
    assert len(shares) == 31  # Iceland has no armed forces and no row in NATO's spending tables
    assert count_at_or_above(shares, Decimal(2)) == 23


def test_the_nato_total_for_2024_is_2_71_percent(nato_parsed: Parsed) -> None:
    total = share(nato_parsed, "NATO Total", 2024)
    assert total.aggregate == "NATO" and round_pct(total.value) == Decimal("2.71")


def test_every_table_is_read(nato_parsed: Parsed) -> None:
    found = Counter(f.measure for f in nato_parsed.figures)
    assert set(found) == set(MEASURES)
    assert {f.table for f in nato_parsed.figures} == {
        f"Table {n}" for n in ("1", "2", "3", "4", "5", "6", "7", "8a", "8b")
    }
    # 31 allies (32 with Iceland for GDP) plus two aggregate lines, eleven years each
    assert found["share_gdp_pct"] == 33 * 11 and found["gdp_usd_constant"] == 34 * 11


def test_estimates_are_flagged_from_the_year_headers(nato_parsed: Parsed) -> None:
    by_year = {(f.year, f.estimate) for f in nato_parsed.figures if f.measure != "real_change_period_pct"}
    assert {y for y, e in by_year if e} == {2023, 2024}
    assert {y for y, e in by_year if not e} == set(range(2014, 2023))


def test_every_figure_points_at_the_cell_it_was_read_from(nato_parsed: Parsed) -> None:
    wb = openpyxl.load_workbook(NATO_FILE, data_only=True, read_only=True)
    for f in nato_parsed.figures[::37]:
        assert repr(wb[f.sheet][f.cell].value) == f.raw, f
    wb.close()
    source = nato_parsed.source
    assert source.edition_date is not None and source.edition_date.isoformat() == "2024-06-17"
    assert len(source.sha256) == 64 and "NATO" in source.licence and source.edition == "2014-2024"


def test_labels_keep_their_footnote_marks_and_currencies(nato_parsed: Parsed) -> None:
    poland = next(
        f for f in nato_parsed.figures if f.entity == "Poland" and f.measure == "spending_ncu_current"
    )
    assert (poland.marker, poland.currency) == ("*", "Zlotys")
    assert split_label("United States   (US dollars)") == ("United States", "", "US dollars")


def _copy(tmp_path: Path) -> tuple[openpyxl.Workbook, Path]:
    wb = openpyxl.load_workbook(NATO_FILE, data_only=True)
    return wb, tmp_path / "240617-def-exp-2024-TABLES-en.xlsx"


def test_a_workbook_without_table_3_fails_naming_the_table(tmp_path: Path) -> None:
    wb, path = _copy(tmp_path)
    del wb["TABLE3"]
    wb.save(path)
    with pytest.raises(WorkbookLayoutError) as exc:
        read_nato(path)
    assert "Table 3 : Defence expenditure as a share of GDP and annual real change" in str(exc.value)
    assert "TABLE1" in str(exc.value)  # the sheets searched are named


def test_a_changed_section_header_fails_naming_the_sheet_and_the_expected_header(tmp_path: Path) -> None:
    wb, path = _copy(tmp_path)
    assert wb["TABLE3"]["B10"].value == "Share of real GDP (%)"
    wb["TABLE3"]["B10"] = "Share of GDP, nominal (%)"
    wb.save(path)
    with pytest.raises(WorkbookLayoutError) as exc:
        read_nato(path)
    assert exc.value.where == "sheet TABLE3"
    assert "'Share of real GDP (%)'" in exc.value.message and "Share of GDP, nominal (%)" in exc.value.message


def test_a_missing_header_of_years_fails_naming_the_sheet(tmp_path: Path) -> None:
    wb, path = _copy(tmp_path)
    for cell in wb["TABLE5"][8]:
        cell.value = None
    wb.save(path)
    with pytest.raises(WorkbookLayoutError) as exc:
        read_nato(path)
    assert exc.value.where == "sheet TABLE5" and "header row of years" in exc.value.message


def test_an_unreadable_number_is_reported_with_sheet_and_cell(tmp_path: Path) -> None:
    wb, path = _copy(tmp_path)
    wb["TABLE3"]["N32"] = "4,12 %?"
    wb.save(path)
    with pytest.raises(UnreadableNumber) as exc:
        read_nato(path)
    assert exc.value.where == "sheet TABLE3, cell N32"
    assert "Poland 2024" in exc.value.message and "'4,12 %?'" in exc.value.message


def test_a_next_edition_with_moved_tables_and_renamed_sheets_still_loads(
    tmp_path: Path, nato_parsed: Parsed
) -> None:
    wb, path = _copy(tmp_path)
    ws = wb["TABLE3"]
    ws.insert_rows(1, 3)
    ws.insert_cols(1, 2)
    ws.title = "T3 shares"
    wb.move_sheet("T3 shares", offset=-2)
    wb.save(path)
    moved = read_nato(path)
    poland = share(moved, "Poland", 2024)
    assert poland.sheet == "T3 shares" and poland.cell == "P35"
    assert poland.value == share(nato_parsed, "Poland", 2024).value
    assert len(moved.figures) == len(nato_parsed.figures)


def test_sipri_gives_russia_china_and_ukraine_in_percent_with_estimates_flagged(sipri_parsed: Parsed) -> None:
    wanted = {
        (f.entity, f.measure): f
        for f in sipri_parsed.figures
        if f.year == 2024 and f.entity in ("Russia", "China", "Ukraine")
    }
    assert {m for _, m in wanted} == {"share_gdp_pct", "spending_usd_constant", "spending_usd_current"}
    russia = wanted["Russia", "share_gdp_pct"]
    assert russia.value == Decimal(russia.raw) * 100 and Decimal(5) < russia.value < Decimal(10)
    assert russia.estimate  # printed in blue: a SIPRI estimate
    assert wanted["Russia", "spending_usd_constant"].price_base == "2023"
    flags = Counter((f.estimate, f.uncertain) for f in sipri_parsed.figures)
    assert flags[True, False] > 1000 and flags[False, True] > 100
    assert len({f.entity for f in sipri_parsed.figures}) > 150


def test_press_estimates_are_a_separate_low_confidence_source(press_parsed: Parsed) -> None:
    assert press_parsed.source.kind == "press" and press_parsed.source.confidence == "low"
    assert len(press_parsed.figures) == 46
    assert all(
        f.source_url.startswith("https://") and f.cell.startswith("row ") for f in press_parsed.figures
    )
    assert not any(f.entity == "Germany" and f.year == 2025 for f in press_parsed.figures)


def test_a_press_file_without_its_columns_fails_naming_them(tmp_path: Path) -> None:
    path = tmp_path / "press.csv"
    path.write_text(PRESS_FILE.read_text(encoding="utf-8").replace("pct_gdp", "share", 1), encoding="utf-8")
    with pytest.raises(WorkbookLayoutError, match="missing pct_gdp"):
        read_press(path)
