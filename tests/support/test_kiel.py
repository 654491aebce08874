"""Kiel imports on the shipped release, and on workbooks the tests build in Kiel's documented layout."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from veille.core.claims import Definition
from veille.kit.importers import no_progress
from veille.ledger.models import LedgerEvent
from veille.nations.access import Actor
from veille.support import queries
from veille.support.exceptions import ReleaseChanged, RowsRejected, UnknownDonors
from veille.support.kiel import MAIN_SHEET, KielFormatError
from veille.support.models import DonorFigure, TrackerRelease
from veille.support.services import do_import_summary, do_import_workbook

pytestmark = pytest.mark.django_db
SUMMARY = settings.DATA_DIR / "ukraine_aid" / "kiel_release28_summary_engelde.json"
SYSTEM = Actor.system_process("tests")


@pytest.fixture
def release28(nations: None) -> None:
    do_import_summary(SYSTEM, SUMMARY, no_progress)


def test_release_28_gives_99_26_pct_from_allies_and_100_pct_with_partners(release28: None) -> None:
    check = queries.military_share_check(Definition())
    assert check.detail["share_pct"]["ally"] == Decimal("99.26")
    assert check.detail["share_pct"]["ally+partner"] == Decimal("100.00")
    assert check.holds is True
    assert "Kiel release 28" in check.data


def test_the_shipped_totals_are_reproduced_exactly(release28: None) -> None:
    published = json.loads(SUMMARY.read_text())
    rows = queries.donor_table()
    assert len(rows) == published["donors"] == 42
    military = sum(r["military"] for r in rows)
    # The per-donor figures are published rounded to EUR 1 million, the total from unrounded values:
    # they agree within half a million per donor.
    published_total = Decimal(str(published["totals"]["military"])) * 10**9
    assert abs(military - published_total) <= len(rows) * Decimal(500_000)
    usa = next(r for r in rows if r["donor"] == "USA")
    assert (usa["military"], usa["total"]) == (Decimal("64617000000.00"), Decimal("115381000000.00"))


def test_donor_figures_become_public_ledger_events_for_the_donor(release28: None) -> None:
    germany = DonorFigure.objects.get(donor_id="DEU", aid_type="military")
    event = germany.ledger_event
    assert event is not None
    assert (event.party_id, event.counterparty_id, event.kind) == ("DEU", "UKR", "allocation")
    assert event.releasable_to == "PUBLIC" and event.amount_minor == 20_014_000_000 * 100
    assert "release 28" in event.sources[0] and "byCountry" in event.sources[0]
    zero = DonorFigure.objects.get(donor_id="EUI", aid_type="military")
    assert zero.ledger_event is None  # a zero is not an event
    assert not LedgerEvent.objects.filter(party_id="UKR").exists()  # aid never counts for the recipient


def test_importing_the_same_release_twice_changes_nothing(release28: None) -> None:
    before = (DonorFigure.objects.count(), LedgerEvent.objects.count())
    summary = do_import_summary(SYSTEM, SUMMARY, no_progress)
    assert summary.created == 0 and summary.unchanged == summary.read
    assert (DonorFigure.objects.count(), LedgerEvent.objects.count()) == before


def test_a_changed_file_for_the_same_release_is_refused(release28: None, tmp_path: Path) -> None:
    data = json.loads(SUMMARY.read_text())
    data["byCountry"][0]["military"] = 65
    changed = tmp_path / "kiel.json"
    changed.write_text(json.dumps(data))
    with pytest.raises(ReleaseChanged, match="release 28"):
        do_import_summary(SYSTEM, changed, no_progress)


def test_a_broken_summary_names_what_is_wrong(nations: None, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"release": 29, "byCountry": [{"country": "Norway", "military": "lots"}], "byMonth": []}')
    with pytest.raises(KielFormatError) as err:
        do_import_summary(SYSTEM, bad, no_progress)
    assert "byCountry[0]" in str(err.value)
    assert not TrackerRelease.objects.exists()
    (tmp_path / "x.json").write_text("not json")
    with pytest.raises(KielFormatError, match="not a JSON file"):
        do_import_summary(SYSTEM, tmp_path / "x.json", no_progress)


def test_only_coordinators_and_imports_write_tracker_data(nations: None, actor_of: Any) -> None:
    from veille.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        do_import_summary(actor_of("nora"), SUMMARY, no_progress)


# --- the full workbook, built in the documented layout ------------------------------------------

HEADER = [
    "ID",
    "donor",
    "announcement_date",
    "measure",
    "aid_type_general",
    "aid_type_specific",
    "reporting_currency",
    "tot_activity_value",
    "tot_activity_value_EUR",
    "item",
    "item_numb_deliv",
]


def workbook(
    tmp_path: Path,
    rows: list[list[Any]],
    name: str = "Ukraine_Support_Tracker_Release_29.xlsx",
    header: list[str] | None = None,
) -> Path:
    book = Workbook()
    book.active.title = "Country Summary (€)"
    sheet = book.create_sheet(MAIN_SHEET)
    sheet.append(
        ["Kiel Institute for the World Economy: Ukraine Support Tracker"]
    )  # a title row above the header
    sheet.append(header or HEADER)
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


ROWS = [
    [
        1,
        "Sweden",
        dt.date(2023, 6, 1),
        "Allocation",
        "Military",
        "Weapons",
        "SEK",
        1_000_000_000,
        88_000_000,
        "CV90",
        10,
    ],
    [
        2,
        "Sweden",
        dt.date(2024, 6, 1),
        "Allocation",
        "Military",
        "Weapons",
        "SEK",
        2_000_000_000,
        176_000_000,
        "",
        None,
    ],
    [
        3,
        "United States",
        "2024-01-15",
        "Commitment",
        "Military",
        "Weapons",
        "USD",
        500_000_000,
        460_000_000,
        "",
        None,
    ],
    [
        4,
        "Australia",
        "2023-02-01",
        "Allocation",
        "Military",
        "Equipment",
        "AUD",
        100_000_000,
        62_000_000,
        "",
        None,
    ],
    [5, "Norway", "2024-02-01", "Allocation", "Humanitarian", "Aid", "NOK", 50_000_000, 4_300_000, "", None],
]


def test_a_workbook_keeps_commitments_and_allocations_apart_and_the_reporting_currency(
    nations: None, tmp_path: Path
) -> None:
    summary = do_import_workbook(SYSTEM, workbook(tmp_path, ROWS), no_progress)
    assert (summary.read, summary.created) == (5, 5)
    sweden = DonorFigure.objects.get(where__endswith="row 3")
    assert (sweden.currency, sweden.value, sweden.value_eur, sweden.basis) == (
        "SEK",
        Decimal("1000000000.00"),
        Decimal("88000000.00"),
        "allocation",
    )
    usa = DonorFigure.objects.get(donor_id="USA")
    assert usa.basis == "commitment" and usa.ledger_event.kind == "commitment"
    assert usa.ledger_event.value_date == dt.date(2024, 1, 15)


def test_dated_membership_counts_swedens_aid_before_march_2024_as_a_partners(
    nations: None, tmp_path: Path
) -> None:
    do_import_workbook(SYSTEM, workbook(tmp_path, ROWS), no_progress)
    present = queries.military_share_check(Definition())
    dated = queries.military_share_check(Definition(membership="dated"))
    as_partner = {d["donor"] for d in dated.detail["donors"]["partner"]}
    assert "SWE (as partner)" in as_partner and "AUS" in as_partner
    assert present.detail["by_class_eur"]["ally"] == Decimal("264000000.00")
    assert dated.detail["by_class_eur"]["ally"] == Decimal("176000000.00")


def test_unknown_donors_are_listed_and_imported_only_when_allowed(nations: None, tmp_path: Path) -> None:
    rows = [*ROWS, [6, "Atlantis", "2024-03-01", "Allocation", "Military", "x", "EUR", 1, 1, "", None]]
    path = workbook(tmp_path, rows)
    with pytest.raises(UnknownDonors) as err:
        do_import_workbook(SYSTEM, path, no_progress)
    assert err.value.names == ["Atlantis"]
    assert not DonorFigure.objects.exists()
    summary = do_import_workbook(SYSTEM, path, no_progress, allow_unknown=True)
    assert (summary.created, summary.rejected) == (5, 1)
    assert any("Atlantis" in p for p in summary.problems)


def test_an_amount_that_does_not_parse_is_reported_with_sheet_and_row_and_nothing_is_written(
    nations: None, tmp_path: Path
) -> None:
    rows = [
        *ROWS,
        [6, "Norway", "2024-03-01", "Allocation", "Military", "x", "NOK", "about 5 m", 1, "", None],
    ]
    with pytest.raises(RowsRejected) as err:
        do_import_workbook(SYSTEM, workbook(tmp_path, rows), no_progress)
    assert "sheet 'Bilateral Assistance, MAIN DATA', row 8" in str(err.value)
    assert "tot_activity_value: expected a number, got 'about 5 m'" in str(err.value)
    assert not DonorFigure.objects.exists() and not LedgerEvent.objects.exists()


def test_a_missing_column_stops_the_import_naming_the_sheet(nations: None, tmp_path: Path) -> None:
    header = [h for h in HEADER if h != "measure"]
    path = workbook(tmp_path, [r[:3] + r[4:] for r in ROWS], header=header)
    with pytest.raises(KielFormatError, match="lacks the column\\(s\\) measure"):
        do_import_workbook(SYSTEM, path, no_progress)


def test_unknown_columns_are_reported(nations: None, tmp_path: Path) -> None:
    path = workbook(tmp_path, [[*r, "x"] for r in ROWS], header=[*HEADER, "Comment by editor"])
    summary = do_import_workbook(SYSTEM, path, no_progress)
    assert any("comment_by_editor" in p for p in summary.problems)


def test_the_command_line_import_and_claims(nations: None, tmp_path: Path, capsys: Any) -> None:
    call_command("import", "kiel-summary", str(SUMMARY))
    assert "created 337" in capsys.readouterr().out
    call_command("claims", "--format", "json")
    payload = json.loads(capsys.readouterr().out)
    assert payload["claims"][0]["detail"]["share_pct"]["ally"] == "99.26"
    with pytest.raises(CommandError, match="does not take --allow-unknown"):
        call_command("import", "kiel-summary", str(SUMMARY), "--allow-unknown")
    with pytest.raises(CommandError, match="since: must be a date"):
        call_command("claims", "--since", "last year")
