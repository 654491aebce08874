"""Derived tables kept with each write and rebuildable from the events.

* :class:`~veille.ledger.models.LedgerFigure`: each flow event's size, draws and status;
* :class:`~veille.ledger.models.LedgerDaySum`: the sums of each balance group (party, kind counted,
  currency, value date, counted, item).

:func:`apply` is called by the services inside the transaction that writes an event, after the
locks on the events it depends on: it adds the new event's figures, changes those of the events
whose size or draws the new event changes, and adds the event to its day sum. :func:`rebuild`
recomputes both tables from the events alone; :func:`differences` compares (empty when they agree).
"""

from __future__ import annotations

from typing import Any

from django.db import connections, transaction
from django.db.models import Count, Sum

from veille.ledger.models import FLOW_KINDS, Kind, LedgerDaySum, LedgerEvent, LedgerFigure, derive_status

DAY_KEY = ("party_id", "counts_as", "currency", "value_date", "counted", "item")


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
    # Locks in one order for every writer (the events, then these figures by ascending id, then the
    # day sum), so that no two writers wait on each other in a cycle.
    rows = LedgerFigure.objects.select_for_update().filter(pk__in=sorted(changes)).order_by("pk")
    for fig in rows:
        change = changes[fig.pk]
        fig.size += change.get("size", 0)
        fig.drawn += change.get("drawn", 0)
        fig.reversed = fig.reversed or change.get("reversed", False)
        fig.status = derive_status(fig.size, fig.drawn, fig.reversed).value
        fig.save(update_fields=["size", "drawn", "reversed", "status"])
    _add_to_day_sum(event)


def _add_to_day_sum(event: LedgerEvent) -> None:
    table = LedgerDaySum._meta.db_table
    key = ", ".join(DAY_KEY)
    sql = f"""
        INSERT INTO {table} ({key}, amount_minor, quantity, events) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, 1)
        ON CONFLICT ({key}) DO UPDATE SET amount_minor = {table}.amount_minor + excluded.amount_minor,
            quantity = {table}.quantity + excluded.quantity, events = {table}.events + 1
    """  # noqa: S608 - the table and column names are the model's own
    values = [getattr(event, name) for name in DAY_KEY]
    with connections[event._state.db or "default"].cursor() as cursor:
        cursor.execute(sql, [*values, event.amount_minor or 0, event.quantity or 0])


def computed_day_sums(
    event_model: Any = LedgerEvent, using: str = "default"
) -> dict[tuple[Any, ...], tuple[int, int, int]]:
    """The day sums from the events alone (one GROUP BY)."""
    rows = (
        event_model.objects.using(using)
        .order_by()
        .values(*DAY_KEY)
        .annotate(a=Sum("amount_minor"), q=Sum("quantity"), n=Count("id"))
        .values_list(*DAY_KEY, "a", "q", "n")
    )
    return {tuple(r[:6]): (int(r[6] or 0), int(r[7] or 0), int(r[8])) for r in rows}


def stored_day_sums(
    day_model: Any = LedgerDaySum, using: str = "default"
) -> dict[tuple[Any, ...], tuple[int, int, int]]:
    rows = day_model.objects.using(using).values_list(*DAY_KEY, "amount_minor", "quantity", "events")
    return {tuple(r[:6]): (int(r[6]), int(r[7]), int(r[8])) for r in rows}


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


def rebuild() -> int:
    """Recompute both tables from the events; returns the number of figure rows."""
    rebuild_day_sums()
    return rebuild_figures()


def rebuild_figures(
    event_model: Any = LedgerEvent, figure_model: Any = LedgerFigure, using: str = "default"
) -> int:
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


def rebuild_day_sums(
    event_model: Any = LedgerEvent, day_model: Any = LedgerDaySum, using: str = "default"
) -> int:
    days = computed_day_sums(event_model, using)
    with transaction.atomic(using=using):
        day_model.objects.using(using).all().delete()
        day_model.objects.using(using).bulk_create(
            [
                day_model(**dict(zip(DAY_KEY, key, strict=True)), amount_minor=a, quantity=q, events=n)
                for key, (a, q, n) in days.items()
            ],
            batch_size=5000,
        )
    return len(days)


def differences(using: str = "default") -> dict[Any, tuple[Any, Any]]:
    """What the kept tables hold that a rebuild would not: {event id or day-sum key: (kept, rebuilt)}."""
    out: dict[Any, tuple[Any, Any]] = {}
    pairs: tuple[tuple[dict[Any, Any], dict[Any, Any]], ...] = (
        (stored(using=using), computed(using=using)),
        (stored_day_sums(using=using), computed_day_sums(using=using)),
    )
    for kept, fresh in pairs:
        out.update(
            {k: (kept.get(k), fresh.get(k)) for k in set(kept) | set(fresh) if kept.get(k) != fresh.get(k)}
        )
    return out
