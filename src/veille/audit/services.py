"""Writing the audit trail. Every ``do_*`` service calls :func:`do_audit` inside its transaction.

The trail sits below ``veille.nations``: who acts is any :class:`veille.kit.actors.ActorLike`
(``veille.nations.access.Actor`` is one), and the pages that read the trail, which only
coordinators and administrators may, are in the shell (``veille.web.audit_pages``).
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

from django.db import models
from django.forms.models import model_to_dict
from django.utils import timezone

from veille.audit.models import AuditEvent
from veille.kit.actors import ActorLike

__all__ = ["do_audit", "jsonable", "snapshot"]


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


def do_audit(
    actor: ActorLike,
    action: str,
    obj: models.Model | None = None,
    *,
    object_type: str | None = None,
    object_id: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEvent:
    """Write one row of the trail: ``actor`` did ``action`` (``"thing.verb"``) to ``obj`` (or to the
    object named by ``object_type`` and ``object_id``), with the state ``before`` and ``after``. Call it
    inside the transaction of the change, so that the change and its record stand or fall together."""
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
