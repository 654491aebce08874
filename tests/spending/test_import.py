"""Importing the shipped files through the services and the ``veille import`` command."""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from tests.spending.conftest import NATO_FILE, PRESS_FILE
from veille.audit.models import AuditEvent
from veille.spending import queries
from veille.spending.models import Figure, Source
from veille.spending.workbooks import Parsed, read_nato


def snapshot() -> list[tuple[Any, ...]]:
    return list(
        Figure.objects.order_by("id").values_list(
            "id",
            "source_id",
            "nation_id",
            "entity",
            "year",
            "measure",
            "value",
            "raw",
            "estimate",
            "sheet",
            "cell",
        )
    )


def test_importing_the_same_workbook_twice_leaves_the_database_unchanged(
    load: Callable[[Parsed], Any], nato_parsed: Parsed
) -> None:
    first = load(nato_parsed)
    assert (first.read, first.created, first.unchanged, first.rejected) == (5377, 5377, 0, 0)
    before, sources, events = snapshot(), list(Source.objects.values()), AuditEvent.objects.count()
    second = load(nato_parsed)
    assert (second.created, second.updated, second.unchanged, second.rejected) == (0, 0, 5377, 0)
    assert snapshot() == before
    assert list(Source.objects.values()) == sources
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_the_checks_of_the_issue_hold_on_the_stored_figures(nato_loaded: None) -> None:
    data = queries.overview()
    assert data.year == 2024
    shares = {r["code"]: r["share_rounded"] for r in data.rows}
    assert (shares["POL"], shares["USA"], shares["EST"], shares["ESP"]) == tuple(
        Decimal(v) for v in ("4.12", "3.38", "3.43", "1.28")
    )
    assert sum(1 for r in data.rows if r["meets_2"]) == 23
    assert data.nato_total is not None and data.nato_total["share_rounded"] == Decimal("2.71")
    # the total computed from the allies' own rows agrees with NATO's published line
    assert data.computed is not None and abs(
        data.computed.weighted_pct - data.nato_total["share_pct"]
    ) < Decimal("0.01")


@pytest.mark.django_db
def test_press_estimates_are_shown_beside_nato_figures_never_instead(nato_loaded: None) -> None:
    poland = next(r for r in queries.overview().rows if r["code"] == "POL")
    assert poland["share_rounded"] == Decimal("4.12")  # NATO's table, not the press's 4.07 for 2024
    assert (poland["press_year"], poland["press_pct"]) == (2025, Decimal("4.48"))
    assert Source.objects.get(kind="press").confidence == "low"


@pytest.mark.django_db
def test_sipri_keeps_countries_without_a_nation_under_sipris_name(
    load: Callable[[Parsed], Any], sipri_parsed: Parsed
) -> None:
    summary = load(sipri_parsed)
    assert summary.rejected == 0 and summary.created == len(sipri_parsed.figures)
    assert Figure.objects.filter(entity="Russia", nation_id="RUS", year=2024).count() == 3
    assert Figure.objects.filter(entity="USSR", nation=None).exists()
    assert Figure.objects.filter(entity="Slovakia", nation_id="SVK").exists()


def _broken(tmp_path: Path, change: Callable[[openpyxl.Workbook], None]) -> Path:
    wb = openpyxl.load_workbook(NATO_FILE, data_only=True)
    change(wb)
    path = tmp_path / NATO_FILE.name
    wb.save(path)
    return path


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change, message",
    [
        (lambda wb: wb.remove(wb["TABLE8a"]), "Table 8a"),
        (lambda wb: wb["TABLE2"].cell(10, 2, "Current prices, exchange rates of 2024"), "sheet TABLE2"),
        (lambda wb: wb["TABLE5"].cell(30, 14, "n/k"), "sheet TABLE5, cell N30"),
    ],
)
def test_a_broken_workbook_writes_nothing_and_says_where(
    tmp_path: Path, nations: None, change: Any, message: str
) -> None:
    path = _broken(tmp_path, change)
    with pytest.raises(CommandError) as exc:
        call_command("import", "nato-spending", str(path), stdout=io.StringIO())
    assert message in str(exc.value) and "nothing was written" in str(exc.value)
    assert Figure.objects.count() == 0 and Source.objects.count() == 0


@pytest.mark.django_db
def test_an_ally_veille_does_not_know_is_rejected_and_named(
    tmp_path: Path, load: Callable[[Parsed], Any]
) -> None:
    path = _broken(tmp_path, lambda wb: wb["TABLE3"].cell(32, 3, "Polonia*"))
    summary = load(read_nato(path))
    assert summary.rejected == 11  # the renamed row: Poland's share of GDP, 2014-2024
    assert any("'Polonia'" in p for p in summary.problems)
    assert not Figure.objects.filter(entity="Polonia").exists()


@pytest.mark.django_db
def test_the_import_command_reports_rows_read_created_unchanged_rejected(nations: None) -> None:
    out = io.StringIO()
    call_command("import", "spending-estimates", str(PRESS_FILE), stdout=out)
    assert "read 46, created 46, updated 0, unchanged 0, rejected 0" in out.getvalue()
    out = io.StringIO()
    call_command("import", "spending-estimates", str(PRESS_FILE), "--dry-run", stdout=out)
    assert "unchanged 46" in out.getvalue()


@pytest.mark.django_db
def test_a_dry_run_writes_nothing(nations: None) -> None:
    call_command("import", "spending-estimates", str(PRESS_FILE), "--dry-run", stdout=io.StringIO())
    assert Figure.objects.count() == 0 and Source.objects.count() == 0


@pytest.mark.django_db
def test_every_stored_figure_keeps_file_hash_place_edition_and_licence(nato_loaded: None) -> None:
    f = Figure.objects.select_related("source").get(
        nation_id="POL", measure="share_gdp_pct", year=2024, source__kind="nato"
    )
    assert (f.sheet, f.table, f.cell, f.raw, f.estimate) == (
        "TABLE3",
        "Table 3",
        "N32",
        "4.120190989357147",
        True,
    )
    assert f.source.sha256 == read_nato(NATO_FILE).source.sha256
    assert f.source.edition_date.isoformat() == "2024-06-17" and "credit to NATO" in f.source.licence
    press = Figure.objects.get(nation_id="POL", year=2025, source__kind="press")
    assert press.cell == "row 2" and press.source_url.startswith("https://") and press.edition
