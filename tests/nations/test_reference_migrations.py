"""The reference nations come with the migrations, frozen in each reference migration's JSON; a
change of data/reference/ without a new migration fails here."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

from veille.audit.models import AuditEvent
from veille.nations.migrations import _reference
from veille.nations.models import Nation

MIGRATIONS = Path(_reference.__file__).parent


def test_the_latest_reference_migration_holds_what_data_reference_says() -> None:
    latest = _reference.snapshot_files()[-1]
    assert _reference.read_snapshot(latest) == _reference.snapshot_of(settings.DATA_DIR / "reference"), (
        f"data/reference/ differs from {latest.name}: freeze it in a new reference migration "
        "(docs/operations.md, 'Reference data')"
    )


def test_each_frozen_reference_is_loaded_by_its_migration() -> None:
    for snapshot in _reference.snapshot_files():
        number = snapshot.name[:4]
        migrations = [p for p in MIGRATIONS.glob(f"{number}_*.py")]
        assert len(migrations) == 1, snapshot.name
        assert f'"{snapshot.name}"' in migrations[0].read_text(encoding="utf-8"), migrations[0].name


def test_the_reference_names_every_ally_partner_framework_and_the_eu() -> None:
    records = {r["code"]: r for r in _reference.read_snapshot(_reference.snapshot_files()[-1])}
    assert sum(1 for r in records.values() if r["kind"] == "ally") == 32
    assert sum(1 for r in records.values() if r["eu_member"]) == 27
    assert records["AUT"]["partnership_framework"] == "Partnership for Peace"
    assert records["JPN"]["partnership_framework"] == "Partners across the globe"
    assert records["SWE"]["partnership_framework"] == "Partnership for Peace"
    assert "Turkiye" in records["TUR"]["aliases"]


@pytest.mark.django_db
def test_a_reference_migration_creates_every_nation_on_an_empty_table_then_changes_nothing() -> None:
    Nation.objects.all().delete()
    audited = AuditEvent.objects.count()
    latest = _reference.snapshot_files()[-1].name
    first = _reference.apply_snapshot(apps, latest, "test")
    assert first == {"created": 47, "updated": 0, "unchanged": 0}
    assert Nation.objects.count() == 47 and Nation.objects.get(code="ESP").kind == "ally"
    created = AuditEvent.objects.filter(actor="system:migration:nations.test", action="nation.create")
    assert created.count() == 47 and AuditEvent.objects.count() == audited + 47
    again = _reference.apply_snapshot(apps, latest, "test")
    assert again == {"created": 0, "updated": 0, "unchanged": 47}


@pytest.mark.django_db
def test_a_later_reference_updates_a_changed_nation_and_audits_it(tmp_path: Path) -> None:
    Nation.objects.filter(code="SWE").update(accession_date=None, aliases=[])
    latest = _reference.snapshot_files()[-1].name
    counts = _reference.apply_snapshot(apps, latest, "test")
    assert counts["updated"] == 1 and counts["created"] == 0
    sweden = Nation.objects.get(code="SWE")
    assert str(sweden.accession_date) == "2024-03-07"
    event = AuditEvent.objects.get(actor="system:migration:nations.test", action="nation.update")
    assert event.object_id == "SWE" and event.before["accession_date"] is None
