"""The shell's one table: the answers of API writes sent with an ``Idempotency-Key``."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class IdempotentAnswer(models.Model):
    """The first answer to an API write sent with an ``Idempotency-Key`` header, kept so that a client
    retrying after a lost answer gets it again instead of recording the change twice. One per user,
    endpoint (method and path) and key; the request body's digest tells a retry from a reuse."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    endpoint = models.CharField(max_length=300)
    key = models.CharField(max_length=200)
    body_sha256 = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    content_type = models.CharField(max_length=100)
    answer = models.BinaryField()
    at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "endpoint", "key"], name="web_idempotent_answer_once")
        ]

    def __str__(self) -> str:
        return f"{self.endpoint} {self.key} → {self.status}"
