"""Every write of the ledger. ``check_*`` validates and raises a named error; ``do_*`` writes in one
transaction, under locks, and audits. Nothing here ever updates or deletes a row.

Invariants of DESIGN.md §4 and where they are kept:

1. children never exceed their parent: :func:`_require_room` (in the parent's unit, converted at
   the child's value date when the child is in another currency), for new children and for
   amendments that raise a child or lower a parent;
2. amounts are stored as given (minor units of their own currency); a conversion made to compare
   a child with its parent is stored beside it (``draw_rate``, ``draw_rate_date``), never instead;
3. count once: a pass-through leg links to the donor's event and is written ``counted=False``;
4. pledges are their own kind, and a commitment drawn from a pledge is what counts;
5. the donor is the ``party``; children keep their parent's party; the recipient is the
   counterparty and never the party of the same event;
6. corrections are reversals and new events (models and database triggers refuse the rest);
7. statuses are derived in :mod:`veille.ledger.queries`;
8. concurrent writers: the rows a write depends on are locked with ``SELECT … FOR UPDATE`` on
   PostgreSQL, always from the descendant up to its ancestors so that two writers never wait on
   each other in a cycle; SQLite transactions begin ``IMMEDIATE`` (settings), one writer at a time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Case, F, Sum, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from veille.audit.services import do_audit, snapshot
from veille.core.errors import InvalidInput, PermissionDenied
from veille.core.fx import RateTable
from veille.core.money import Money, check_currency
from veille.ledger import figures, rates
from veille.ledger.exceptions import (
    AlreadyReversed,
    BadFigure,
    EventNotFound,
    ExceedsParent,
    HasLiveChildren,
    MeasureMismatch,
    MissingSource,
    PartyMismatch,
    UnknownParty,
    WrongParent,
)
from veille.ledger.models import ALLOWED_PARENTS, FLOW_KINDS, Kind, LedgerEvent, Measure
from veille.nations.access import (
    Actor,
    Releasability,
    require_coordinator,
    require_editor_for,
    validate_releasability,
)
from veille.nations.models import Nation, Role

__all__ = [
    "Change",
    "Checked",
    "NewEvent",
    "check_allocation",
    "check_amendment",
    "check_commitment",
    "check_contract",
    "check_disbursement",
    "check_event",
    "check_install_rates",
    "check_pledge",
    "check_rebuild_figures",
    "check_receipt",
    "check_reversal",
    "check_shipment",
    "do_allocate",
    "do_amend",
    "do_commit",
    "do_contract",
    "do_disburse",
    "do_install_rates",
    "do_pledge",
    "do_rebuild_figures",
    "do_receive",
    "do_record",
    "do_reverse",
    "do_ship",
    "drawn_from",
    "is_reversed",
    "size_of",
]


@dataclass
class NewEvent:
    """What a caller gives for a pledge, commitment, allocation, contract, disbursement, shipment
    or receipt. Money: ``amount`` (text, Decimal or Money) and ``currency``. Materiel: ``item`` and
    ``quantity``, with ``amount``/``currency``/``valuation_method`` when it is valued."""

    party: str
    value_date: dt.date
    sources: Sequence[str]
    amount: str | Decimal | int | Money | None = None
    currency: str | None = None
    item: str = ""
    quantity: int | None = None
    valuation_method: str = ""
    parent: int | None = None
    counterparty: str | None = None
    counterparty_name: str = ""
    effective_at: dt.datetime | None = None
    note: str = ""
    reference: str = ""
    pass_through_of: int | None = None
    releasable_to: str = Releasability.NATO
    releasable_nations: Sequence[str] = field(default_factory=tuple)
    #: A pooled shipment: the key of the pool it delivers (the ``reference`` its funding carries).
    pool: str = ""
    #: Demo data from a seeded generator (children of a synthetic event are synthetic too).
    synthetic: bool = False


@dataclass
class Change:
    """An amendment (a signed change of the event's amount or quantity) or a reversal (no figure)."""

    event: int
    sources: Sequence[str]
    amount: str | Decimal | int | Money | None = None
    currency: str | None = None
    quantity: int | None = None
    effective_at: dt.datetime | None = None
    note: str = ""
    reference: str = ""


# --- reading the current figures of an event ------------------------------------------------

_UNITS = Case(When(measure=Measure.QUANTITY, then=F("quantity")), default=F("amount_minor"))


def size_of(event_id: int) -> int:
    """The event's size now: its own figure with every amendment and reversal of it."""
    from django.db.models import Q

    total = LedgerEvent.objects.filter(Q(pk=event_id) | Q(size_of_id=event_id)).aggregate(s=Sum(_UNITS))["s"]
    return int(total or 0)


def drawn_from(event_id: int) -> int:
    """What the event's children draw from it now, in its own unit."""
    total = LedgerEvent.objects.filter(draws_on_id=event_id).aggregate(s=Coalesce(Sum("draw"), 0))["s"]
    return int(total)


def is_reversed(event_id: int) -> bool:
    return LedgerEvent.objects.filter(kind=Kind.REVERSAL, parent_id=event_id).exists()


# --- small checks -----------------------------------------------------------------------------


def _nation(code: str | None, field_name: str) -> Nation:
    if not isinstance(code, str) or not code.strip():
        raise UnknownParty("give the nation's ISO 3166 alpha-3 code", field=field_name)
    nation = Nation.objects.filter(code=code.strip().upper()).first()
    if nation is None:
        raise UnknownParty(f"no nation has code {code!r}", field=field_name)
    return nation


def _sources(sources: Sequence[str]) -> list[str]:
    if isinstance(sources, str):
        sources = [sources]
    cleaned = [s.strip() for s in sources or () if isinstance(s, str) and s.strip()]
    if not cleaned:
        raise MissingSource("cite at least one source (a document, a URL, a dataset row)", field="sources")
    if any(len(s) > 1000 for s in cleaned):
        raise InvalidInput("a source is at most 1000 characters", field="sources")
    return cleaned


def _money(amount: Any, currency: str | None, field_name: str = "amount") -> Money:
    if isinstance(amount, Money):
        if currency and check_currency(currency) != amount.currency:
            raise MeasureMismatch(f"the amount is in {amount.currency}, not {currency}", field="currency")
        return amount
    if isinstance(amount, bool | float):
        raise BadFigure("write the amount as text or a Decimal, never a float", field=field_name)
    if currency is None or not str(currency).strip():
        raise InvalidInput("give the currency of the amount (ISO 4217)", field="currency")
    code = check_currency(currency)
    if isinstance(amount, str):
        return Money.parse(amount, code, field=field_name)
    if isinstance(amount, Decimal | int):
        try:
            return Money(Decimal(amount), code)
        except InvalidInput as exc:
            raise type(exc)(exc.message, field=field_name) from None
    raise BadFigure(f"{amount!r} is not an amount", field=field_name)


def _count(value: Any, field_name: str = "quantity") -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise BadFigure("a quantity is a whole number", field=field_name)
    try:
        return int(value)
    except ValueError:
        raise BadFigure(f"{value!r} is not a whole number", field=field_name) from None


def _effective(value: dt.datetime | None, value_date: dt.date) -> dt.datetime:
    if value is None:
        return dt.datetime.combine(value_date, dt.time(), tzinfo=dt.UTC)
    if not isinstance(value, dt.datetime) or timezone.is_naive(value):
        raise InvalidInput("a date and time with its time zone (UTC)", field="effective_at")
    if value > timezone.now() + dt.timedelta(minutes=5):
        raise InvalidInput("cannot have happened in the future", field="effective_at")
    return value


def _require_rate(currency: str, value_date: dt.date) -> None:
    """A money figure must be convertible at its value date (ECB rate on or before it)."""
    fx = rates.converter()
    fx.legs(currency, "USD" if currency == "EUR" else "EUR", value_date)


def _event(actor: Actor, event_id: Any, field_name: str, lock: bool) -> LedgerEvent:
    if isinstance(event_id, bool) or not isinstance(event_id, int):
        raise EventNotFound(f"{event_id!r} is not an event number", field=field_name)
    qs = LedgerEvent.objects.all()
    if actor.system is None:
        qs = qs.visible_to(actor.user)
    if lock:
        qs = qs.select_for_update()
    event = qs.filter(pk=event_id).first()
    if event is None:
        raise EventNotFound(f"no event #{event_id} that you can see", field=field_name)
    return event


def _require_rights(actor: Actor, party: str, kind: str, parent: LedgerEvent | None) -> None:
    if (
        kind == Kind.RECEIPT
        and parent is not None
        and parent.counterparty_id
        and not actor.is_coordinator
        and actor.nation_code == parent.counterparty_id
    ):
        # The recipient confirms what it received.
        if actor.role != Role.EDITOR:
            raise PermissionDenied(f"{actor.label} is a {actor.role} and may not record a receipt")
        return
    require_editor_for(actor, party, f"record a {kind}")


def _draw_against(
    parent: LedgerEvent, money: Money | None, item: str, quantity: int | None, value_date: dt.date
) -> tuple[int, Decimal | None, dt.date | None]:
    """What a figure draws from ``parent``, in the parent's own unit (invariant 1)."""
    if parent.measure == Measure.QUANTITY:
        if quantity is None:
            raise MeasureMismatch(
                f"#{parent.pk} counts {parent.item!r}: give a quantity of it", field="quantity"
            )
        if item and item.strip().casefold() != parent.item.strip().casefold():
            raise MeasureMismatch(f"#{parent.pk} counts {parent.item!r}, not {item!r}", field="item")
        return quantity, None, None
    if money is None:
        raise MeasureMismatch(
            f"#{parent.pk} is money ({parent.currency}): give the value of the quantity (amount, currency, "
            "valuation_method)",
            field="amount",
        )
    if money.currency == parent.currency:
        return money.minor_units, None, None
    conversion = rates.converter().convert(money, parent.currency, value_date)
    return conversion.amount.minor_units, conversion.rate, conversion.rate_date


def _require_room(parent: LedgerEvent, draw: int, field_name: str, what: str) -> None:
    if draw <= 0:
        return
    size, drawn = size_of(parent.pk), drawn_from(parent.pk)
    if drawn + draw > size:
        unit = parent.unit_label()
        left = (
            Money.from_minor(size - drawn, parent.currency).format()
            if parent.measure == Measure.MONEY
            else f"{size - drawn} {unit}"
        )
        asked = (
            Money.from_minor(draw, parent.currency).format()
            if parent.measure == Measure.MONEY
            else f"{draw} {unit}"
        )
        raise ExceedsParent(
            f"{what} would take {asked} from {parent.kind} #{parent.pk}, which has {left} left; amend "
            f"#{parent.pk} first if it was raised",
            field=field_name,
        )


@dataclass(frozen=True)
class Checked:
    """A validated row, ready to write."""

    kind: str
    values: dict[str, Any]


# --- new events ---------------------------------------------------------------------------------


def check_event(actor: Actor, kind: str, data: NewEvent, *, lock: bool = False) -> Checked:
    """Validate a new pledge, commitment, allocation, contract, disbursement, shipment or receipt."""
    if kind not in FLOW_KINDS:
        raise InvalidInput(f"must be one of {', '.join(FLOW_KINDS)}", field="kind")
    party = _nation(data.party, "party")
    counterparty = _nation(data.counterparty, "counterparty") if data.counterparty else None
    if not isinstance(data.value_date, dt.date) or isinstance(data.value_date, dt.datetime):
        raise InvalidInput("a date (YYYY-MM-DD)", field="value_date")
    sources = _sources(data.sources)
    releasable_to, nations = validate_releasability(data.releasable_to, data.releasable_nations)
    effective_at = _effective(data.effective_at, data.value_date)

    parent = _event(actor, data.parent, "parent", lock) if data.parent is not None else None
    _require_rights(actor, party.code, kind, parent)

    # The figure: money, or a count of an item (valued or not).
    item = (data.item or "").strip()
    if data.quantity is not None or item:
        if not item:
            raise InvalidInput("say what is counted", field="item")
        if data.quantity is None:
            raise BadFigure("give how many", field="quantity")
        quantity: int | None = _count(data.quantity)
        measure = Measure.QUANTITY
        money = _money(data.amount, data.currency) if data.amount not in (None, "") else None
        if money is not None and not data.valuation_method.strip():
            raise InvalidInput("say how the quantity was valued", field="valuation_method")
        if quantity is not None and quantity <= 0:
            raise BadFigure("must be more than zero", field="quantity")
    else:
        if data.amount in (None, ""):
            raise BadFigure("give an amount (with its currency) or a quantity of an item", field="amount")
        quantity, measure = None, Measure.MONEY
        money = _money(data.amount, data.currency)
    if money is not None:
        if money.amount <= 0:
            raise BadFigure(
                "must be more than zero; a correction is a reversal or an amendment", field="amount"
            )
        _require_rate(money.currency, data.value_date)

    counted = True
    draws_on: LedgerEvent | None = None
    draw: int | None = None
    draw_rate: Decimal | None = None
    draw_rate_date: dt.date | None = None
    synthetic = bool(data.synthetic)
    reference = data.reference.strip()
    pool = (data.pool or "").strip()
    if pool:
        reference = _check_pool(kind, pool, parent, measure, money, reference, data)
        counted = False  # the deliverer passes on what the pool's funders paid for
    elif parent is None:
        if None not in ALLOWED_PARENTS[kind]:
            raise WrongParent(
                f"a {kind} follows a {' or '.join(str(k) for k in ALLOWED_PARENTS[kind])}", field="parent"
            )
    else:
        if parent.kind not in ALLOWED_PARENTS[kind]:
            allowed = " or ".join(str(k) for k in ALLOWED_PARENTS[kind] if k) or "nothing"
            raise WrongParent(f"a {kind} follows a {allowed}, not a {parent.kind}", field="parent")
        if is_reversed(parent.pk):
            raise AlreadyReversed(f"{parent.kind} #{parent.pk} was reversed", field="parent")
        if parent.party_id != party.code:
            raise PartyMismatch(
                f"#{parent.pk} is {parent.party_id}'s; aid counts for its donor, so its children are "
                f"{parent.party_id}'s too (link another donor's leg with pass_through_of)",
                field="party",
            )
        draw, draw_rate, draw_rate_date = _draw_against(parent, money, item, quantity, data.value_date)
        _require_room(
            parent, draw, "quantity" if parent.measure == Measure.QUANTITY else "amount", f"this {kind}"
        )
        draws_on, counted = parent, parent.counted
        synthetic = synthetic or bool(parent.synthetic)
        if not reference and parent.counts_as in (Kind.SHIPMENT, Kind.RECEIPT):
            reference = parent.reference  # a receipt stays in its shipment's pool
        if counterparty is None and not data.counterparty_name.strip():
            # Unless told otherwise, what follows goes where its parent went.
            counterparty = parent.counterparty
            data = dataclasses.replace(data, counterparty_name=parent.counterparty_name)

    # A pooled delivery is the recipient's record too (as the package it delivers): its users see it
    # and confirm its receipt, whatever else it is releasable to.
    owner = party
    if pool and counterparty is not None:
        owner = counterparty
    elif parent is not None and parent.kind == Kind.SHIPMENT and parent.parent_id is None:
        owner = parent.owner_nation or party

    if counterparty is not None and counterparty.code == party.code:
        raise InvalidInput(
            "the donor cannot be its own recipient; aid counts for the donor", field="counterparty"
        )

    pass_through = None
    if data.pass_through_of is not None:
        if kind == Kind.PLEDGE:
            raise WrongParent("a pledge is not money: it cannot pass money on", field="pass_through_of")
        pass_through = _event(actor, data.pass_through_of, "pass_through_of", lock)
        if pass_through.kind not in FLOW_KINDS or pass_through.kind == Kind.PLEDGE:
            raise WrongParent(
                "a pass-through leg links to a donor's commitment or what follows it", field="pass_through_of"
            )
        if pass_through.pass_through_of_id is not None or not pass_through.counted:
            raise WrongParent(
                f"#{pass_through.pk} is itself a pass-through leg: link to the donor's event "
                f"#{pass_through.pass_through_of_id}",
                field="pass_through_of",
            )
        if pass_through.party_id == party.code:
            raise WrongParent(
                "a pass-through leg is another party's record of the donor's money", field="pass_through_of"
            )
        if is_reversed(pass_through.pk):
            raise AlreadyReversed(f"#{pass_through.pk} was reversed", field="pass_through_of")
        counted = False

    return Checked(
        kind,
        {
            "kind": kind,
            "measure": measure,
            "parent": parent,
            "party": party,
            "counterparty": counterparty,
            "counterparty_name": data.counterparty_name.strip(),
            "currency": money.currency if money else "",
            "amount_minor": money.minor_units if money else None,
            "item": item,
            "quantity": quantity,
            "valuation_method": data.valuation_method.strip(),
            "value_date": data.value_date,
            "effective_at": effective_at,
            "sources": sources,
            "note": data.note.strip(),
            "reference": reference,
            "pass_through_of": pass_through,
            "counts_as": kind,
            "size_of": None,
            "draws_on": draws_on,
            "draw": draw,
            "draw_rate": draw_rate,
            "draw_rate_date": draw_rate_date,
            "counted": counted,
            "synthetic": synthetic,
            "releasable_to": releasable_to,
            "releasable_nations": nations,
            "owner_nation": owner,
        },
    )


def _check_pool(
    kind: str,
    pool: str,
    parent: LedgerEvent | None,
    measure: str,
    money: Money | None,
    reference: str,
    data: NewEvent,
) -> str:
    """A pooled shipment delivers what several donors funded together: it starts its own chain, is
    materiel valued with its method, and carries the pool's key as its reference."""
    if kind != Kind.SHIPMENT:
        raise WrongParent("only a shipment delivers a pool; a receipt follows its shipment", field="pool")
    if parent is not None:
        raise WrongParent(
            "a pooled shipment starts its own chain: its funders' shares are derived from the pool",
            field="parent",
        )
    if data.pass_through_of is not None:
        raise WrongParent("a pooled shipment is not a leg of one donor's event", field="pass_through_of")
    if measure != Measure.QUANTITY:
        raise MeasureMismatch("a delivery counts an item: give the item and its quantity", field="item")
    if money is None or not data.valuation_method.strip():
        raise BadFigure(
            "value the delivery (amount, currency and valuation_method: the item's estimated unit cost "
            "with its source), so that each funder's share of it can be derived",
            field="amount",
        )
    if len(pool) > 100 or (reference and reference != pool):
        raise InvalidInput(
            "the pool's key is the shipment's reference (at most 100 characters)", field="pool"
        )
    return pool


def _write(actor: Actor, checked: Checked) -> LedgerEvent:
    # recorded_at is taken under the locks, as late as possible, so that "as of" a past instant
    # shows what was committed by then.
    event = LedgerEvent(
        **checked.values,
        recorded_at=timezone.now(),
        actor=actor.label,
        recorded_by=actor.user if actor.user is not None and actor.user.pk else None,
    )
    event.save()
    figures.apply(event)  # the derived figures, in the same transaction
    do_audit(actor, f"ledger.{checked.kind}", event, after=snapshot(event))
    return event


def do_record(actor: Actor, kind: str, data: NewEvent) -> LedgerEvent:
    """Check and write one new event in a transaction (see the per-kind functions below)."""
    with transaction.atomic():
        return _write(actor, check_event(actor, kind, data, lock=True))


def check_pledge(actor: Actor, data: NewEvent) -> Checked:
    return check_event(actor, Kind.PLEDGE, data)


def do_pledge(actor: Actor, data: NewEvent) -> LedgerEvent:
    """A promise: shown apart, counted only once committed (invariant 4)."""
    return do_record(actor, Kind.PLEDGE, data)


def check_commitment(actor: Actor, data: NewEvent) -> Checked:
    return check_event(actor, Kind.COMMITMENT, data)


def do_commit(actor: Actor, data: NewEvent) -> LedgerEvent:
    """A binding commitment, on its own or drawn from a pledge."""
    return do_record(actor, Kind.COMMITMENT, data)


def check_allocation(actor: Actor, data: NewEvent) -> Checked:
    return check_event(actor, Kind.ALLOCATION, data)


def do_allocate(actor: Actor, data: NewEvent) -> LedgerEvent:
    """Part of a commitment (or of an allocation) set aside for a purpose."""
    return do_record(actor, Kind.ALLOCATION, data)


def check_contract(actor: Actor, data: NewEvent) -> Checked:
    return check_event(actor, Kind.CONTRACT, data)


def do_contract(actor: Actor, data: NewEvent) -> LedgerEvent:
    return do_record(actor, Kind.CONTRACT, data)


def check_disbursement(actor: Actor, data: NewEvent) -> Checked:
    return check_event(actor, Kind.DISBURSEMENT, data)


def do_disburse(actor: Actor, data: NewEvent) -> LedgerEvent:
    return do_record(actor, Kind.DISBURSEMENT, data)


def check_shipment(actor: Actor, data: NewEvent) -> Checked:
    return check_event(actor, Kind.SHIPMENT, data)


def do_ship(actor: Actor, data: NewEvent) -> LedgerEvent:
    return do_record(actor, Kind.SHIPMENT, data)


def check_receipt(actor: Actor, data: NewEvent) -> Checked:
    return check_event(actor, Kind.RECEIPT, data)


def do_receive(actor: Actor, data: NewEvent) -> LedgerEvent:
    """The recipient confirms a shipment or a disbursement (its editors may record it)."""
    return do_record(actor, Kind.RECEIPT, data)


# --- amendments and reversals -------------------------------------------------------------------


def check_amendment(actor: Actor, change: Change, *, lock: bool = False) -> Checked:
    """A signed change of an event's amount or quantity. Lowering below what its children drew, or
    raising a child beyond what its parent has left, is refused."""
    target = _event(actor, change.event, "event", lock)
    if target.kind not in FLOW_KINDS:
        raise WrongParent(f"#{target.pk} is a {target.kind}; amend the event it changed", field="event")
    require_editor_for(actor, target.party_id, "amend an event")
    if is_reversed(target.pk):
        raise AlreadyReversed(f"{target.kind} #{target.pk} was reversed", field="event")
    sources = _sources(change.sources)
    effective_at = _effective(change.effective_at, target.value_date)
    money: Money | None = None
    quantity: int | None = None
    if target.measure == Measure.QUANTITY:
        if change.quantity is not None:
            quantity = _count(change.quantity)
        if change.amount not in (None, ""):
            money = _money(change.amount, change.currency)
            if target.amount_minor is None or money.currency != target.currency:
                raise MeasureMismatch(
                    f"#{target.pk} is valued in {target.currency or 'nothing'}", field="currency"
                )
        if not quantity and (money is None or money.is_zero()):
            raise BadFigure("give a non-zero change of the quantity or of its value", field="quantity")
    else:
        if change.quantity is not None:
            raise MeasureMismatch(f"#{target.pk} is money; change its amount", field="quantity")
        if change.amount in (None, ""):
            raise BadFigure("give the signed change of the amount", field="amount")
        money = _money(change.amount, change.currency or target.currency)
        if money.currency != target.currency:
            raise MeasureMismatch(
                f"#{target.pk} is in {target.currency}; amend it in {target.currency}", field="currency"
            )
        if money.is_zero():
            raise BadFigure("an amendment changes the figure: it cannot be zero", field="amount")
    delta = quantity if target.measure == Measure.QUANTITY else (money.minor_units if money else 0)
    delta = delta or 0
    if delta < 0 and size_of(target.pk) + delta < drawn_from(target.pk):
        raise HasLiveChildren(
            f"#{target.pk} would fall below what its children already take; reverse or amend them first",
            field="quantity" if target.measure == Measure.QUANTITY else "amount",
        )
    draws_on, draw, draw_rate, draw_rate_date = None, None, None, None
    if target.draws_on_id is not None:
        parent = _event(Actor.system_process("ledger"), target.draws_on_id, "parent", lock)
        if parent.measure == Measure.MONEY and money is None:
            draw = 0  # a count changed, its value did not: nothing more is drawn from the money
        else:
            draw, draw_rate, draw_rate_date = _draw_against(
                parent, money, target.item, quantity if quantity is not None else 0, target.value_date
            )
        _require_room(
            parent, draw, "amount" if parent.measure == Measure.MONEY else "quantity", f"raising #{target.pk}"
        )
        draws_on = parent
    return Checked(
        Kind.AMENDMENT,
        {
            "kind": Kind.AMENDMENT,
            "measure": target.measure,
            "parent": target,
            "party": target.party,
            "counterparty": target.counterparty,
            "counterparty_name": target.counterparty_name,
            "currency": money.currency if money else target.currency,
            "amount_minor": money.minor_units if money else (0 if target.measure == Measure.MONEY else None),
            "item": target.item,
            "quantity": (quantity or 0) if target.measure == Measure.QUANTITY else None,
            "valuation_method": target.valuation_method,
            "value_date": target.value_date,
            "effective_at": effective_at,
            "sources": sources,
            "note": change.note.strip(),
            "reference": change.reference.strip(),
            "pass_through_of": None,
            "counts_as": target.counts_as,
            "size_of": target,
            "draws_on": draws_on,
            "draw": draw,
            "draw_rate": draw_rate,
            "draw_rate_date": draw_rate_date,
            "counted": target.counted,
            "synthetic": target.synthetic,
            "releasable_to": target.releasable_to,
            "releasable_nations": target.releasable_nations,
            "owner_nation": target.owner_nation,
        },
    )


def do_amend(actor: Actor, change: Change) -> LedgerEvent:
    with transaction.atomic():
        return _write(actor, check_amendment(actor, change, lock=True))


def check_reversal(actor: Actor, change: Change, *, lock: bool = False) -> Checked:
    """Cancel an event (or an amendment) entirely. An event whose children still draw from it, or
    that live pass-through legs point to, is reversed only after them."""
    target = _event(actor, change.event, "event", lock)
    if target.kind == Kind.REVERSAL:
        raise WrongParent("a reversal cannot be reversed: record the event again", field="event")
    require_editor_for(actor, target.party_id, "reverse an event")
    if is_reversed(target.pk):
        raise AlreadyReversed(f"{target.kind} #{target.pk} was reversed already", field="event")
    sources = _sources(change.sources)
    effective_at = _effective(change.effective_at, target.value_date)
    from django.db.models import Q

    if target.kind == Kind.AMENDMENT:
        rows = LedgerEvent.objects.filter(pk=target.pk)
        size_target = target.size_of
        assert size_target is not None
        if is_reversed(size_target.pk):
            # Its reversal cancelled it with all its amendments: reversing one again would count it twice.
            raise AlreadyReversed(
                f"#{size_target.pk} was reversed with its amendments, #{target.pk} among them", field="event"
            )
        amended_delta = target.units
        if amended_delta > 0 and size_of(size_target.pk) - amended_delta < drawn_from(size_target.pk):
            raise HasLiveChildren(
                f"without amendment #{target.pk}, #{size_target.pk} would fall below what "
                "its children take; reverse or amend them first",
                field="event",
            )
    else:
        rows = LedgerEvent.objects.filter(Q(pk=target.pk) | Q(size_of_id=target.pk))
        size_target = target
        if drawn_from(target.pk) != 0:
            raise HasLiveChildren(f"events still draw from #{target.pk}; reverse them first", field="event")
        live_legs = [
            leg.pk for leg in LedgerEvent.objects.filter(pass_through_of=target) if not is_reversed(leg.pk)
        ]
        if live_legs:
            raise HasLiveChildren(
                f"pass-through legs {live_legs} link to #{target.pk}; reverse them first", field="event"
            )
    sums = rows.aggregate(a=Sum("amount_minor"), q=Sum("quantity"), d=Sum("draw"))
    draws_on = None
    if target.draws_on_id is not None:
        draws_on = _event(Actor.system_process("ledger"), target.draws_on_id, "parent", lock)
        _require_room(draws_on, -int(sums["d"] or 0), "event", f"reversing #{target.pk}")
    return Checked(
        Kind.REVERSAL,
        {
            "kind": Kind.REVERSAL,
            "measure": target.measure,
            "parent": target,
            "party": target.party,
            "counterparty": target.counterparty,
            "counterparty_name": target.counterparty_name,
            "currency": target.currency,
            "amount_minor": -int(sums["a"]) if sums["a"] is not None else None,
            "item": target.item,
            "quantity": -int(sums["q"]) if sums["q"] is not None else None,
            "valuation_method": target.valuation_method,
            "value_date": target.value_date,
            "effective_at": effective_at,
            "sources": sources,
            "note": change.note.strip(),
            "reference": change.reference.strip(),
            "pass_through_of": None,
            "counts_as": target.counts_as,
            "size_of": size_target,
            "draws_on": draws_on,
            "draw": -int(sums["d"]) if sums["d"] is not None else None,
            "draw_rate": None,
            "draw_rate_date": None,
            "counted": target.counted,
            "synthetic": target.synthetic,
            "releasable_to": target.releasable_to,
            "releasable_nations": target.releasable_nations,
            "owner_nation": target.owner_nation,
        },
    )


def do_reverse(actor: Actor, change: Change) -> LedgerEvent:
    """Cancel an event: the correction of a mistake is this, then the right event."""
    with transaction.atomic():
        return _write(actor, check_reversal(actor, change, lock=True))


# --- exchange rates -----------------------------------------------------------------------------


def check_install_rates(actor: Actor) -> None:
    """Coordinators load exchange rates (``veille import ecb-rates``, or the rates page)."""
    require_coordinator(actor, "install exchange rates")


def do_install_rates(actor: Actor, path: Path, dry_run: bool = False) -> tuple[RateTable, RateTable]:
    """Make a newer ECB ``eurofxref-hist.zip`` (brought by the user, offline) the rates in use.

    Coordinators only; the file must read as an ECB history and must not end before the one in use.
    Returns (the new table, the one it replaces); audited with both sources. Figures converted
    provisionally are revalued by the next report: nothing converted is stored.
    """
    check_install_rates(actor)
    new, old = rates.install(path, dry_run=dry_run)
    if not dry_run:
        with transaction.atomic():
            do_audit(
                actor,
                "ledger.rates.install",
                object_type="ledger.rates",
                object_id=new.source.sha256[:16],
                before={"source": str(old.source)},
                after={"source": str(new.source)},
            )
    return new, old


# --- derived figures ------------------------------------------------------------------------------


def check_rebuild_figures(actor: Actor) -> None:
    require_coordinator(actor, "rebuild the ledger's kept figures")


def do_rebuild_figures(actor: Actor) -> int:
    """Recompute the kept figures and day sums from the events (they are never the record: a
    damaged table is repaired from the events); audited with what differed. Returns the number of
    figure rows."""
    check_rebuild_figures(actor)
    with transaction.atomic():
        differed = len(figures.differences())
        rows = figures.rebuild()
        do_audit(
            actor,
            "ledger.figures.rebuild",
            object_type="ledger.figures",
            after={"figures": rows, "differed": differed},
        )
        return rows
