"""Importing the shipped industry dataset, and what happens to bad rows."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.industry.conftest import DATA
from veille.core.errors import Conflict, PermissionDenied
from veille.industry import queries
from veille.industry.exceptions import DatasetLayoutError
from veille.industry.importers import IMPORTERS
from veille.industry.models import CapacityFigure, Contract, Contradiction, InputRequirement, Product
from veille.industry.rows import read_folder
from veille.industry.services import do_import
from veille.kit.importers import no_progress
from veille.nations.access import Actor

UNDATED = ["IND-023", "IND-029", "IND-045", "IND-050", "IND-073", "IND-075", "IND-082", "IND-085"]


def run(path: Path) -> Any:
    return IMPORTERS["industry"].run(path, Actor.system_process("tests"), no_progress, False)


def test_the_shipped_dataset_imports_whole(industry: Any) -> None:
    assert (industry.read, industry.created, industry.rejected) == (88, 88, 0)
    assert CapacityFigure.objects.count() == 88
    kinds = {
        k: CapacityFigure.objects.filter(kind=k).count()
        for k in ("target_capacity", "production_actual", "contract", "investment", "actual_capacity")
    }
    assert kinds == {
        "target_capacity": 36,
        "production_actual": 19,
        "contract": 18,
        "investment": 9,
        "actual_capacity": 6,
    }
    assert Contract.objects.count() == 18
    assert InputRequirement.objects.count() == 3
    assert Contradiction.objects.count() == 12


def test_the_eight_targets_without_a_date_are_imported_and_reported(industry: Any) -> None:
    assert industry.extra["undated_targets"] == UNDATED
    assert (
        sorted(
            CapacityFigure.objects.filter(kind="target_capacity", target_date="").values_list(
                "ref", flat=True
            )
        )
        == UNDATED
    )
    reported = [p for p in industry.problems if "target without a date" in p]
    assert len(reported) == 8 and all("[reported]" in p for p in reported)
    assert [
        r["ref"] for r in queries.target_rows(None, dt.date(2026, 12, 1)) if r["status"] == "undated"
    ] == UNDATED


def test_ranges_bounds_and_increments_are_marked_and_currencies_kept(industry: Any) -> None:
    marks = dict(CapacityFigure.objects.exclude(bound="").values_list("ref", "bound"))
    assert marks == {
        "IND-014": "upper_bound",
        "IND-027": "range_lower",
        "IND-047": "range_lower",
        "IND-049": "range_lower",
        "IND-067": "range_lower",
        "IND-082": "increment",
        "IND-085": "increment",
    }
    assert CapacityFigure.objects.get(ref="IND-027").raw == "1300000"  # the lower bound, as stated
    nok = Contract.objects.filter(value_currency="NOK")
    assert not nok.exists()  # IND-072 is an investment, not a contract
    assert CapacityFigure.objects.get(ref="IND-072").unit == "NOK"
    assert Contract.objects.get(ref="IND-008").value.currency == "EUR"


def test_a_second_import_changes_nothing(industry: Any) -> None:
    again = run(DATA)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 88)


def test_conflicting_figures_are_both_kept_and_linked(industry: Any) -> None:
    rows = {r["ref"]: r for r in queries.figure_rows(None)}
    assert rows["IND-010"]["quantity"] == 1_000_000 and rows["IND-014"]["quantity"] == 500_000
    assert "IND-014" in rows["IND-010"]["contradicts"] and "IND-010" in rows["IND-014"]["contradicts"]


def copy_with(tmp_path: Path, edit: Any) -> Path:
    folder = tmp_path / "industry"
    shutil.copytree(DATA, folder)
    path = folder / "capacity_announcements.csv"
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    fields = list(rows[0])
    edit(rows)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fields)
        w.writeheader()
        w.writerows(rows)
    return folder


@pytest.mark.parametrize(
    "ref, field, value, expected",
    [
        ("IND-005", "unit", "per fortnight", "unit: 'per fortnight' is not a unit veille knows"),
        ("IND-005", "quantity", "-28000", "quantity: -28000: expected a quantity of zero or more"),
        (
            "IND-005",
            "date",
            "2099-01-01",
            "date: an actual figure stated on 2099-01-01 is dated in the future",
        ),
        (
            "IND-005",
            "period_label",
            "March 2099",
            "period_label: an actual figure for 'March 2099' speaks of the future",
        ),
        ("IND-005", "kind", "rumour", "kind: 'rumour': expected one of"),
        ("IND-005", "product_category", "drone", "product_category: 'drone': expected one of"),
        ("IND-011", "target_date", "end 2025", "target_date: 'end 2025' is not a date"),
    ],
)
def test_a_bad_row_is_rejected_naming_row_and_field_and_the_rest_is_imported(
    users: Any, tmp_path: Path, ref: str, field: str, value: str, expected: str
) -> None:
    def edit(rows: list[dict[str, str]]) -> None:
        next(r for r in rows if r["id"] == ref)[field] = value

    summary = run(copy_with(tmp_path, edit))
    assert summary.rejected == 1 and summary.created == 87
    (problem,) = [p for p in summary.problems if "[rejected]" in p]
    assert f"({ref})" in problem and expected in problem and "line " in problem
    assert not CapacityFigure.objects.filter(ref=ref).exists()


def test_a_file_without_its_columns_writes_nothing(users: Any, tmp_path: Path) -> None:
    folder = tmp_path / "industry"
    folder.mkdir()
    (folder / "capacity_announcements.csv").write_text("id,date,product\nX-1,2024-01,TNT\n", encoding="utf-8")
    with pytest.raises(DatasetLayoutError) as err:
        read_folder(folder)
    assert "actor" in err.value.message and err.value.where == "capacity_announcements.csv"
    assert CapacityFigure.objects.count() == 0


def test_a_revised_row_is_a_new_revision_and_the_first_is_kept(industry: Any, tmp_path: Path) -> None:
    def edit(rows: list[dict[str, str]]) -> None:
        next(r for r in rows if r["id"] == "IND-018")["quantity"] = "41000"

    summary = run(copy_with(tmp_path, edit))
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 87)
    revisions = list(CapacityFigure.objects.filter(ref="IND-018").values_list("revision", "raw"))
    assert revisions == [(1, "40000"), (2, "41000")]
    assert [r["quantity"] for r in queries.figure_rows(None) if r["ref"] == "IND-018"] == [41000]


def test_a_stored_figure_can_be_neither_changed_nor_deleted(industry: Any) -> None:
    figure = CapacityFigure.objects.get(ref="IND-010", revision=1)
    figure.quantity = 2
    with pytest.raises(Conflict):
        figure.save()
    with pytest.raises(Conflict):
        figure.delete()
    assert CapacityFigure.objects.get(ref="IND-010").quantity == 1_000_000


def test_only_coordinators_import(users: Any, actor_of: Any) -> None:
    with pytest.raises(PermissionDenied):
        do_import(actor_of("nora"), read_folder(DATA))
    assert not Product.objects.exists()


def test_a_dry_run_writes_nothing(users: Any) -> None:
    summary = IMPORTERS["industry"].run(DATA, Actor.system_process("tests"), no_progress, True)
    assert summary.created == 88 and CapacityFigure.objects.count() == 0


def test_a_text_longer_than_its_column_is_rejected_not_truncated(users: Any, tmp_path: Path) -> None:
    def edit(rows: list[dict[str, str]]) -> None:
        next(r for r in rows if r["id"] == "IND-036")["site"] = "R" * 121

    summary = run(copy_with(tmp_path, edit))
    assert summary.rejected == 1 and any(
        "(IND-036): site: at most 120 characters" in p for p in summary.problems
    )
