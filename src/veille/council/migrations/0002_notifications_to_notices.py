"""The Council's and lessons' notifications move onto the shared notices (veille.notices): each row
becomes a notice to do with the key its kind now has (``council:action:4:tasked``,
``council:lesson:2:identified``), cleared when what it awaited is done: an action with evidence that
completes it, a lesson or observation that moved past the stage announced. Going back copies the
Council notices into the old table."""

from django.db import migrations
from django.utils import timezone

TITLES = {
    "tasked": "An action was tasked to your body",
    "due_soon": "An action is due within 7 days",
    "overdue": "An action is overdue",
    "lesson_step": "A lesson awaits your step",
}


def _done(key, done_actions, stages):
    """Whether what the old key ``action:4:tasked`` / ``lesson:2:identified`` awaited is done."""
    parts = key.split(":")
    if parts[0] == "action" and len(parts) >= 3:
        return parts[1].isdigit() and int(parts[1]) in done_actions
    if parts[0] in ("observation", "lesson") and len(parts) == 3 and parts[1].isdigit():
        return stages.get((parts[0], int(parts[1]))) != parts[2]
    return False


def forward(apps, schema_editor):
    Notification = apps.get_model("council", "Notification")
    Evidence = apps.get_model("council", "Evidence")
    Notice = apps.get_model("notices", "Notice")
    stages = {}
    for model in ("Observation", "Lesson"):
        for pk, stage in apps.get_model("lessons", model).objects.values_list("pk", "stage"):
            stages[(model.lower(), pk)] = stage
    done_actions = set(Evidence.objects.filter(completes=True).values_list("action_id", flat=True))
    now = timezone.now()
    Notice.objects.bulk_create(
        Notice(
            user_id=row.user_id,
            key=f"council:{row.key}",
            app="council",
            kind=row.kind,
            title=TITLES.get(row.kind, row.kind),
            subject=row.subject,
            url=row.url,
            action=True,
            created_at=row.created_at,
            read_at=row.read_at,
            cleared_at=now if _done(row.key, done_actions, stages) else None,
            cleared_by="migration: council 0002" if _done(row.key, done_actions, stages) else "",
            emailed=row.emailed,
        )
        for row in Notification.objects.order_by("created_at", "id")
    )


def backward(apps, schema_editor):
    Notification = apps.get_model("council", "Notification")
    Notice = apps.get_model("notices", "Notice")
    Notification.objects.bulk_create(
        Notification(
            user_id=n.user_id,
            kind=n.kind,
            subject=n.subject,
            url=n.url,
            key=n.key.removeprefix("council:")[:120],
            created_at=n.created_at,
            read_at=n.read_at or n.cleared_at,
            emailed=n.emailed,
        )
        for n in Notice.objects.filter(app="council", kind__in=set(TITLES))
    )
    Notice.objects.filter(app="council").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("council", "0001_initial"),
        ("lessons", "0001_initial"),
        ("notices", "0002_notice_synthetic"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.DeleteModel(name="Notification"),
    ]
