from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("purl", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="package",
            name="funding_released_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="package",
            name="funding_released_by",
            field=models.CharField(blank=True, max_length=150),
        ),
    ]
