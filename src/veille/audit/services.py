"""Writing the audit trail. Every ``do_*`` service calls :func:`record` inside its transaction."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

from django.db import models
from django.forms.models import model_to_dict
from django.utils import timezone

from veille.audit.models import AuditEvent
from veille.nations.access import Actor


def jsonable(value: Any) -> Any:
    """Make a value JSON-safe without losing precision (Decimals become strings)."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(instance: models.Model | None) -> dict[str, Any] | None:
    """The fields of a model instance as a JSON-safe dict (``None`` stays ``None``)."""
    if instance is None:
        return None
    data = model_to_dict(instance)
    data["id"] = instance.pk
    result: dict[str, Any] = jsonable(data)
    return result


def record(
    actor: Actor,
    action: str,
    obj: models.Model | None = None,
    *,
    object_type: str | None = None,
    object_id: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEvent:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    return AuditEvent.objects.create(
        at=timezone.now(),
        user=actor.user,
        actor=actor.label,
        address=actor.ip,
        via=actor.via,
        action=action,
        object_type=object_type or "",
        object_id=object_id or "",
        before=jsonable(before),
        after=jsonable(after),
        note=note,
    )
