"""The reference nations (allies with their accession, partners with their framework, the recipient,
other states, the EU institutions; EU membership; the spellings found in datasets), frozen in
``0002_reference.json`` from ``data/reference/``: every importer works on a freshly migrated
database, without ``veille demo``. A later change of the reference is a later migration
(``migrations/_reference.py``)."""

from django.db import migrations, models

from veille.nations.migrations._reference import apply_snapshot


def load(apps, schema_editor):  # type: ignore[no-untyped-def]
    apply_snapshot(apps, "0002_reference.json", "0002")


class Migration(migrations.Migration):
    dependencies = [
        ("nations", "0001_initial"),
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="nation",
            name="partnership_framework",
            field=models.CharField(
                blank=True,
                help_text="NATO partnership framework (Partnership for Peace…)",
                max_length=60,
            ),
        ),
        # nations stay when the migration is undone: memberships and records point at them
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
