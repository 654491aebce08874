import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = [("nations", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="Dossier",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("releasable_to", models.CharField(db_index=True, default="NATO", max_length=8)),
                ("releasable_nations", models.CharField(blank=True, default="", max_length=400)),
                ("title", models.CharField(max_length=100)),
                (
                    "owner_nation",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="nations.nation",
                    ),
                ),
            ],
        ),
    ]
