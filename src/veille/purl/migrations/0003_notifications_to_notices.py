"""PURL's notifications move onto the shared notices (veille.notices): each row becomes a notice
with the key its kind now has, and a "list awaits your approval" or "list was returned" that no
longer matches the list's state (or the user's step) is cleared, as the notices now are. Going
back copies the PURL notices into the old table."""

import re

from django.db import migrations
from django.utils import timezone

TITLES = {
    "awaiting": "A list awaits your approval",
    "returned": "A list was returned to you",
    "funded": "A package is fully funded",
    "received": "A delivery was received",
}
LIST_URL = re.compile(r"^/purl/lists/(\d+)/")
PACKAGE_URL = re.compile(r"^/purl/packages/(\d+)/")


def _key(row):
    if row.kind in ("awaiting", "returned"):
        found = LIST_URL.match(row.url)
        if found:
            return f"purl:list:{found.group(1)}:decision", int(found.group(1))
    if row.kind == "funded":
        found = PACKAGE_URL.match(row.url)
        if found:
            return f"purl:package:{found.group(1)}:funded", None
    return f"purl:notification:{row.pk}", None


def _still_awaited(row, lst, memberships):
    """Whether the list still waits for this user's decision, as the notice said."""
    if lst is None:
        return False
    role, nation = memberships.get(row.user_id, (None, None))
    if row.kind == "returned":
        return lst.state == "returned" and role == "editor" and nation == "UKR"
    if lst.state == "awaiting_nato":
        return role in ("coordinator", "admin")
    if lst.state == "awaiting_usa":
        return role == "editor" and nation == "USA"
    return False


def forward(apps, schema_editor):
    Notification = apps.get_model("purl", "Notification")
    RequirementList = apps.get_model("purl", "RequirementList")
    Membership = apps.get_model("nations", "Membership")
    Notice = apps.get_model("notices", "Notice")
    now = timezone.now()
    lists = {lst.pk: lst for lst in RequirementList.objects.all()}
    memberships = {m.user_id: (m.role, m.nation_id) for m in Membership.objects.all()}
    open_keys = set()
    notices = []
    # Newest first: of two open notices of one user and key, the newest stays open.
    for row in Notification.objects.order_by("-created_at", "-id"):
        key, list_id = _key(row)
        action = row.kind in ("awaiting", "returned")
        cleared = None
        if action and not _still_awaited(row, lists.get(list_id), memberships):
            cleared = now
        if cleared is None and (row.user_id, key) in open_keys:
            cleared = now
        if cleared is None:
            open_keys.add((row.user_id, key))
        notices.append(
            Notice(
                user_id=row.user_id,
                key=key,
                app="purl",
                kind=row.kind,
                title=TITLES[row.kind],
                subject=row.subject,
                url=row.url,
                action=action,
                created_at=row.created_at,
                read_at=row.read_at,
                cleared_at=cleared,
                cleared_by="migration: purl 0003" if cleared else "",
                emailed=row.emailed,
            )
        )
    Notice.objects.bulk_create(notices)


def backward(apps, schema_editor):
    Notification = apps.get_model("purl", "Notification")
    Notice = apps.get_model("notices", "Notice")
    kinds = set(TITLES)
    Notification.objects.bulk_create(
        Notification(
            user_id=n.user_id,
            kind=n.kind,
            subject=n.subject,
            url=n.url,
            created_at=n.created_at,
            read_at=n.read_at or n.cleared_at,
            emailed=n.emailed,
        )
        for n in Notice.objects.filter(app="purl", kind__in=kinds)
    )
    Notice.objects.filter(app="purl").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("purl", "0002_package_funding_release"),
        ("notices", "0001_initial"),
        ("nations", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.DeleteModel(name="Notification"),
    ]
