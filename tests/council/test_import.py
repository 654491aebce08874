"""``veille import training-council``: the shipped files as published, bad rows named and skipped,
a second import that changes nothing, a dry run that writes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from tests.council.fixtures import FOLDER
from veille.audit.models import AuditEvent
from veille.council.exceptions import BadRow
from veille.council.models import Decision, Meeting, MeetingSource, Milestone, SourceFile
from veille.kit.importers import no_progress
from veille.nations.access import Actor
from veille.training.importers import run
from veille.training.models import Hosting, TrainedFigure

pytestmark = pytest.mark.django_db


def test_the_shipped_files_load_as_published(council_data: Any) -> None:
    assert council_data.rejected == 0, council_data.problems
    assert Meeting.objects.count() == 26
    assert Meeting.objects.filter(requested_by_ukraine=True).count() == 7
    assert Meeting.objects.filter(requested_by_ukraine=None).count() == 2  # not stated, never "no"
    assert Decision.objects.count() == 25 and Milestone.objects.count() == 49
    assert MeetingSource.objects.count() == 50
    assert TrainedFigure.objects.count() == 36 and Hosting.objects.count() == 10
    assert {f.name for f in SourceFile.objects.all()} >= {"nuc_meetings.csv", "training_figures.csv"}
    first = Meeting.objects.get(key="nuc-2023-07-12")
    assert (first.level, first.location, first.where) == (
        "heads_of_state",
        "Vilnius",
        "nuc_meetings.csv row 2",
    )


def test_partial_dates_keep_their_precision(council_data: Any) -> None:
    months = Milestone.objects.filter(precision="month")
    years = Milestone.objects.filter(precision="year")
    assert months.count() + years.count() == 9
    assert all(m.date.day == 1 for m in months)


def test_sources_on_a_state_agency_or_an_aggregator_are_lower_confidence(council_data: Any) -> None:
    sputnik = TrainedFigure.objects.get(key="tr-uk-03")
    assert sputnik.source_class == "state_agency" and sputnik.lower_confidence
    assert "Sputnik" in sputnik.source_reasons
    assert Milestone.objects.get(key="ms-018").source_class == "aggregator"  # Wikipedia
    assert Milestone.objects.get(key="ms-021").source_class == "aggregator"  # news-pravda.com network
    assert Meeting.objects.get(key="nuc-2023-11-29").source_class == "official"  # nato.int
    assert Meeting.objects.get(key="nuc-2024-11-26").source_class == "state_agency"  # MENAFN/Ukrinform
    assert TrainedFigure.objects.get(key="tr-eu-09").source_class == "press"


def test_a_second_import_changes_nothing(council_data: Any) -> None:
    events = AuditEvent.objects.count()
    again = run(FOLDER, Actor.system_process("import:training-council"), no_progress, False)
    assert (again.created, again.updated, again.rejected) == (0, 0, 0)
    assert again.unchanged == again.read == council_data.read
    assert AuditEvent.objects.count() == events


def copy_with(tmp_path: Path, name: str, edit: Any) -> Path:
    folder = tmp_path / "training_council"
    shutil.copytree(FOLDER, folder)
    path = folder / name
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    return folder


def test_a_meeting_before_the_council_existed_is_refused_with_its_row_and_the_rest_loads(
    users: Any, tmp_path: Path
) -> None:
    folder = copy_with(
        tmp_path,
        "nuc_meetings.csv",
        lambda t: t.replace("nuc-2023-07-26,2023-07-26", "nuc-2023-07-26,2023-07-11"),
    )
    summary = run(folder, Actor.system_process("import:training-council"), no_progress, False)
    assert any(
        p.startswith("nuc_meetings.csv row 3: date:") and "before the NATO-Ukraine Council existed" in p
        for p in summary.problems
    ), summary.problems
    assert not Meeting.objects.filter(key="nuc-2023-07-26").exists()
    # its decision and sources cannot attach to it: named, skipped, nothing half-written
    assert any("nuc_decisions.csv" in p and "no meeting 'nuc-2023-07-26'" in p for p in summary.problems)
    assert not Decision.objects.filter(key="dec-003").exists()
    assert Meeting.objects.count() == 25 and Decision.objects.count() == 24


def test_a_file_without_a_column_is_refused_and_nothing_is_written(users: Any, tmp_path: Path) -> None:
    folder = copy_with(tmp_path, "milestones.csv", lambda t: t.replace("id,date,body,", "id,day,body,", 1))
    with pytest.raises(BadRow) as err:
        run(folder, Actor.system_process("import:training-council"), no_progress, False)
    assert err.value.field == "date" and err.value.where == "milestones.csv"
    assert Meeting.objects.count() == 0 and Milestone.objects.count() == 0


def test_a_dry_run_reads_everything_and_writes_nothing(users: Any) -> None:
    summary = run(FOLDER, Actor.system_process("import:training-council"), no_progress, True)
    assert summary.created + summary.updated == summary.read > 190 and summary.rejected == 0
    assert Meeting.objects.count() == 0 and TrainedFigure.objects.count() == 0


def test_the_command_imports_the_folder(users: Any, capsys: Any) -> None:
    call_command("import", "training-council", str(FOLDER))
    out = capsys.readouterr().out
    assert "read 197" in out and "rejected 0" in out
    assert Meeting.objects.count() == 26
