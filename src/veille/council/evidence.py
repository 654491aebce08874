"""Evidence that points at veille's own records, without knowing the apps that keep them.

An app offers some of its models as evidence by naming them on its ``AppConfig``::

    class PurlConfig(AppConfig):
        evidence_models = ("Package", "Shipment")

Such a model gives ``get_absolute_url()`` (where the record is shown) and
``Model.objects.visible_to(user)`` (who may see it), and may name itself with ``evidence_name``.
An evidence row stores the record's content type and id; attaching it requires that the actor can
see the record; showing it asks again for the reader, and a record the reader may not see is shown
as such, without its name or link.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models

from veille.council.exceptions import CouncilNotFound, NotEvidence
from veille.nations.access import Actor


def evidence_models() -> dict[str, type[models.Model]]:
    """``{"purl.shipment": Shipment, …}``: every model an app offers as evidence, by label."""
    found: dict[str, type[models.Model]] = {}
    for config in apps.get_app_configs():
        for name in getattr(config, "evidence_models", ()):
            model = config.get_model(name)
            found[model._meta.label_lower] = model
    return found


def kind_name(model: Any) -> str:
    """What the record is called (the model's ``evidence_name``, else its verbose name)."""
    return str(getattr(model, "evidence_name", model._meta.verbose_name))


def record_choices() -> list[tuple[str, str]]:
    return [(label, kind_name(model)) for label, model in sorted(evidence_models().items())]


def check_record(actor: Actor, record_type: str, record_id: Any) -> tuple[ContentType, str]:
    """The content type and id of a record the actor may cite, or a named error."""
    allowed = evidence_models()
    label = str(record_type or "").strip().lower()
    if label not in allowed:
        raise NotEvidence(
            f"{record_type!r} is not a kind of record that serves as evidence; "
            f"use one of {', '.join(sorted(allowed)) or 'none'}",
            field="record_type",
        )
    model: Any = allowed[label]
    rows = model.objects.all() if actor.system else model.objects.visible_to(actor.user)
    try:
        found = rows.filter(pk=int(str(record_id).strip())).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise CouncilNotFound(f"no {kind_name(model)} {record_id!r} that you can see", field="record_id")
    return ContentType.objects.get_for_model(model), str(found.pk)


@dataclass(frozen=True)
class Shown:
    """A cited record as a reader sees it."""

    kind: str
    label: str
    url: str
    visible: bool


def resolve(user: Any, refs: list[tuple[int, str]]) -> dict[tuple[int, str], Shown]:
    """Each (content type id, record id) as ``user`` may see it, in one query per model."""
    out: dict[tuple[int, str], Shown] = {}
    by_type: dict[int, list[str]] = {}
    for ct_id, rid in refs:
        by_type.setdefault(ct_id, []).append(rid)
    allowed = set(evidence_models().values())
    for ct_id, ids in by_type.items():
        model: Any = ContentType.objects.get_for_id(ct_id).model_class()
        kind = kind_name(model) if model is not None else "?"
        seen: dict[str, Any] = {}
        if model is not None and model in allowed:
            qs = model.objects.visible_to(user).filter(pk__in=[i for i in ids if i.isdigit()])
            seen = {str(o.pk): o for o in qs}
        for rid in ids:
            obj = seen.get(rid)
            if obj is not None:
                out[(ct_id, rid)] = Shown(kind, f"{kind} {rid}: {obj}", obj.get_absolute_url(), True)
            else:
                out[(ct_id, rid)] = Shown(kind, kind, "", False)
    return out
