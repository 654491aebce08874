"""The derived per-event figures (size, draws, status), kept with each write and rebuildable.

:func:`apply` is called by the services inside the transaction that writes an event, after the
locks on the events it depends on: it adds the new event's row and changes the rows of the events
whose size or draws the new event changes. :func:`rebuild` recomputes the whole table from the
events alone; :func:`differences` compares the two (empty when they agree).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from veille.ledger.models import FLOW_KINDS, Kind, LedgerEvent, LedgerFigure, derive_status


def apply(event: LedgerEvent) -> None:
    """Bring the figures up to date with ``event``, just written (same transaction)."""
    if event.kind in FLOW_KINDS:
        size = event.units
        LedgerFigure.objects.create(
            event_id=event.pk,
            party_id=event.party_id,
            kind=event.kind,
            size=size,
            drawn=0,
            reversed=False,
            status=derive_status(size, 0).value,
        )
    changes: dict[int, dict[str, Any]] = {}
    if event.size_of_id is not None:
        changes.setdefault(event.size_of_id, {})["size"] = event.units
    if event.draws_on_id is not None and event.draw:
        changes.setdefault(event.draws_on_id, {})["drawn"] = event.draw
    if event.kind == Kind.REVERSAL and event.parent_id is not None:
        changes.setdefault(event.parent_id, {})["reversed"] = True
    if not changes:
        return
    # Always in the same (ascending) order, after the event locks: no two writers wait in a cycle.
    rows = LedgerFigure.objects.select_for_update().filter(pk__in=sorted(changes)).order_by("pk")
    for fig in rows:
        change = changes[fig.pk]
        fig.size += change.get("size", 0)
        fig.drawn += change.get("drawn", 0)
        fig.reversed = fig.reversed or change.get("reversed", False)
        fig.status = derive_status(fig.size, fig.drawn, fig.reversed).value
        fig.save(update_fields=["size", "drawn", "reversed", "status"])


def computed(
    event_model: Any = LedgerEvent, using: str = "default"
) -> dict[int, tuple[str, str, int, int, bool, str]]:
    """The figures of every flow event, from the events alone (sizes, draws and reversals summed)."""
    from veille.ledger.queries import figures  # the read model's own sums

    qs = event_model.objects.using(using).all()
    fig = figures(qs)
    out = {}
    for pk, party_id, kind in (
        qs.filter(kind__in=FLOW_KINDS).values_list("id", "party_id", "kind").iterator(chunk_size=10000)
    ):
        size, drawn, rev = fig.sizes.get(pk, 0), fig.drawn.get(pk, 0), pk in fig.reversed
        out[pk] = (party_id, kind, size, drawn, rev, derive_status(size, drawn, rev).value)
    return out


def stored(figure_model: Any = LedgerFigure, using: str = "default") -> dict[int, tuple[Any, ...]]:
    return {
        pk: tuple(rest)
        for pk, *rest in figure_model.objects.using(using).values_list(
            "event_id", "party_id", "kind", "size", "drawn", "reversed", "status"
        )
    }


def rebuild(event_model: Any = LedgerEvent, figure_model: Any = LedgerFigure, using: str = "default") -> int:
    """Recompute the whole table from the events; returns the number of rows."""
    rows = computed(event_model, using)
    with transaction.atomic(using=using):
        figure_model.objects.using(using).all().delete()
        figure_model.objects.using(using).bulk_create(
            [
                figure_model(
                    event_id=pk, party_id=party, kind=kind, size=size, drawn=drawn, reversed=rev, status=st
                )
                for pk, (party, kind, size, drawn, rev, st) in rows.items()
            ],
            batch_size=5000,
        )
    return len(rows)


def differences(using: str = "default") -> dict[int, tuple[Any, Any]]:
    """Events whose kept figures differ from those recomputed: {id: (kept, recomputed)}."""
    kept, fresh = stored(using=using), computed(using=using)
    return {
        pk: (kept.get(pk), fresh.get(pk)) for pk in set(kept) | set(fresh) if kept.get(pk) != fresh.get(pk)
    }
