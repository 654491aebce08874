"""A notice: one user's "something to do" (``action``: it stays until the action is done, whoever
does it, and is then *cleared*) or "something to know" (it stays new until the user reads it).

Notices follow the state of what they are about: the mechanism that raised one for a *key* clears
that key when the state moves on, so a notice never outlives what it asks for. At most one notice
per user and key is open (not cleared) at a time.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Notice(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    key = models.CharField(max_length=200, help_text="What the notice is about: purl:list:5:decision")
    app = models.CharField(max_length=30, help_text="The mechanism that raised it (purl, training…)")
    kind = models.CharField(max_length=40, help_text="The mechanism's own kind (awaiting, funded…)")
    title = models.CharField(
        max_length=200, help_text="In English as the mechanism's catalogue has it; translated when shown"
    )
    subject = models.CharField(max_length=300)
    url = models.CharField(max_length=300)
    action = models.BooleanField(default=False, help_text="The user must act; cleared once it is done")
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    cleared_at = models.DateTimeField(null=True, blank=True)
    cleared_by = models.CharField(max_length=150, blank=True)
    emailed = models.BooleanField(default=False)
    synthetic = models.BooleanField(default=False, help_text="About a synthetic demo record")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "cleared_at", "read_at"], name="notices_user_open_idx"),
            models.Index(fields=["key", "cleared_at"], name="notices_key_open_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"],
                condition=models.Q(cleared_at__isnull=True),
                name="notices_one_open_per_user_and_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} for user {self.user_id}"

    @property
    def state(self) -> str:
        """``to_do`` (an open action), ``new`` (unread news), ``done`` (cleared) or ``read``."""
        if self.cleared_at is not None:
            return "done"
        if self.action:
            return "to_do"
        return "new" if self.read_at is None else "read"
