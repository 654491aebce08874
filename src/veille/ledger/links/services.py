"""Writes of the ledger's links between two records of the same money (:class:`LedgerLink`).

A link says that ``event`` (a PURL commitment) is money that ``counted_in`` (the Kiel tracker's
record of the same donor) counts too. It is proposed by veille (:func:`do_propose_link`), made by
the tracker's own mark (:func:`do_link_by_mark`) or by a coordinator (:func:`do_link`); a proposal
counts once a coordinator confirms it (:func:`do_confirm_link`) and never if rejected
(:func:`do_reject_link`). Each is checked by :func:`check_link` with the rule of
:mod:`veille.core.reconcile` (same donor; a record within the window and the tolerance; a total
dated on or after the money and with room for it), under a lock on the record, and audited.
A refused link writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from veille.audit.services import do_audit, snapshot
from veille.core.errors import InvalidInput
from veille.core.money import Money
from veille.core.reconcile import (
    DEFAULT_TOLERANCE_PCT,
    DEFAULT_WINDOW_DAYS,
    Candidate,
    Record,
    Rule,
    difference_pct,
    problem,
)
from veille.ledger import rates
from veille.ledger.exceptions import (
    AlreadyLinked,
    AlreadyReversed,
    EventNotFound,
    LinkDecided,
    LinkExceedsRecord,
    LinkNotFound,
    MeasureMismatch,
    OutsideTolerance,
    PartyMismatch,
    SyntheticMix,
    WrongParent,
)
from veille.ledger.models import Kind, LedgerEvent, LedgerLink, LinkBasis, LinkScope, LinkState, Measure
from veille.ledger.services import is_reversed, size_of
from veille.nations.access import Actor, require_coordinator

__all__ = [
    "LINKABLE_KINDS",
    "CheckedLink",
    "LinkData",
    "check_link",
    "do_confirm_link",
    "do_link",
    "do_link_by_mark",
    "do_propose_link",
    "do_reject_link",
    "overlap_in",
]

#: Kinds of money that two sources may both record.
LINKABLE_KINDS = (Kind.COMMITMENT, Kind.ALLOCATION)


@dataclass
class LinkData:
    """``event`` is counted in ``counted_in`` too; ``scope``: the same aid (``record``) or a total
    (``total``); the rule: amounts within ``tolerance_pct`` and dates within ``window_days``."""

    event: int
    counted_in: int
    scope: str = LinkScope.RECORD
    tolerance_pct: Any = DEFAULT_TOLERANCE_PCT
    window_days: Any = DEFAULT_WINDOW_DAYS
    note: str = ""


@dataclass(frozen=True)
class CheckedLink:
    event: LedgerEvent
    counted_in: LedgerEvent
    scope: str
    rule: Rule
    difference_pct: Decimal | None
    note: str


def _visible(actor: Actor, event_id: Any, field_name: str, lock: bool) -> LedgerEvent:
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


def _rule(data: LinkData) -> Rule:
    try:
        tolerance = Decimal(str(data.tolerance_pct).strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput(f"{data.tolerance_pct!r} is not a percentage", field="tolerance_pct") from None
    try:
        window = int(str(data.window_days).strip())
    except ValueError:
        raise InvalidInput(
            f"{data.window_days!r} is not a whole number of days", field="window_days"
        ) from None
    try:
        return Rule(tolerance_pct=tolerance, window_days=window)
    except ValueError as exc:
        field_name = "tolerance_pct" if "tolerance" in str(exc) else "window_days"
        raise InvalidInput(str(exc), field=field_name) from None


def overlap_in(event: LedgerEvent, record: LedgerEvent, size: int | None = None) -> Money:
    """The event's size now (or ``size``, in its minor units), in the record's currency at the
    event's value date: what the record counts of it before any cap."""
    money = Money.from_minor(size_of(event.pk) if size is None else size, event.currency)
    if money.currency == record.currency:
        return money
    return rates.converter().convert(money, record.currency, event.value_date).amount


def _taken(record: LedgerEvent, besides: int | None) -> Money:
    """What the live links into ``record`` (other than ``besides``) count of it now."""
    total = Money.zero(record.currency)
    links = (
        LedgerLink.objects.filter(counted_in=record).exclude(state=LinkState.REJECTED).select_related("event")
    )
    for link in links:
        if link.pk != besides:
            total += overlap_in(link.event, record)
    return total


def _as_money_event(e: LedgerEvent, field_name: str, what: str) -> None:
    if e.kind not in LINKABLE_KINDS:
        raise WrongParent(f"#{e.pk} is a {e.kind}; {what} is a commitment or an allocation", field=field_name)
    if e.measure != Measure.MONEY:
        raise MeasureMismatch(f"#{e.pk} counts {e.item!r}: only money is linked", field=field_name)
    if not e.counted:
        raise WrongParent(f"#{e.pk} is a pass-through leg, counted with its donor's event", field=field_name)
    if is_reversed(e.pk):
        raise AlreadyReversed(f"#{e.pk} was reversed", field=field_name)


def check_link(
    actor: Actor, data: LinkData, *, lock: bool = False, link_id: int | None = None
) -> CheckedLink:
    """Validate a link: coordinators only; two different, visible, live money events of one donor,
    both real or both synthetic; the rule of :func:`veille.core.reconcile.problem`."""
    require_coordinator(actor, "link records of two sources")
    if data.scope not in LinkScope.values:
        raise InvalidInput(f"must be one of {', '.join(LinkScope.values)}", field="scope")
    rule = _rule(data)
    # The record first: links into it are counted under its lock (two writers cannot over-fill it).
    record = _visible(actor, data.counted_in, "counted_in", lock)
    event = _visible(actor, data.event, "event", lock)
    if event.pk == record.pk:
        raise InvalidInput("an event is not counted in itself", field="counted_in")
    _as_money_event(event, "event", "the money counted elsewhere")
    _as_money_event(record, "counted_in", "the record that counts it")
    if bool(event.synthetic) != bool(record.synthetic):
        raise SyntheticMix(
            f"#{event.pk if event.synthetic else record.pk} is synthetic demo data; it is never linked "
            "to a real record",
            field="event",
        )
    others = LedgerLink.objects.exclude(state=LinkState.REJECTED)
    if link_id is not None:
        others = others.exclude(pk=link_id)
    existing = others.filter(event=event).first()
    if existing is not None:
        raise AlreadyLinked(
            f"#{event.pk} is counted in #{existing.counted_in_id} already "
            f"({existing.get_state_display().lower()}); reject that link first",
            field="event",
        )
    amount = overlap_in(event, record)
    record_size = Money.from_minor(size_of(record.pk), record.currency)
    room = (record_size - _taken(record, link_id)).amount if data.scope == LinkScope.TOTAL else None
    if data.scope == LinkScope.RECORD and others.filter(counted_in=record, scope=LinkScope.RECORD).exists():
        raise AlreadyLinked(f"#{record.pk} is the same aid as another event already", field="counted_in")
    found = problem(
        Candidate(event.pk, event.party_id, event.value_date, amount.amount),
        Record(record.pk, record.party_id, record.value_date, record_size.amount, data.scope),
        rule,
        room,
    )
    if found is not None:
        field_name, reason = found
        if field_name == "party":
            raise PartyMismatch(reason, field="party")
        if data.scope == LinkScope.TOTAL and field_name == "amount":
            raise LinkExceedsRecord(reason, field="amount")
        raise OutsideTolerance(reason, field=field_name)
    diff = difference_pct(amount.amount, record_size.amount) if data.scope == LinkScope.RECORD else None
    return CheckedLink(event, record, data.scope, rule, diff, (data.note or "").strip())


def _create(actor: Actor, checked: CheckedLink, basis: str, state: str) -> LedgerLink:
    now = timezone.now()
    link = LedgerLink.objects.create(
        event=checked.event,
        counted_in=checked.counted_in,
        party_id=checked.event.party_id,
        scope=checked.scope,
        basis=basis,
        state=state,
        tolerance_pct=checked.rule.tolerance_pct,
        window_days=checked.rule.window_days,
        difference_pct=checked.difference_pct,
        note=checked.note,
        proposed_at=now,
        proposed_by=actor.label,
        decided_at=now if state == LinkState.CONFIRMED else None,
        decided_by=actor.label if state == LinkState.CONFIRMED else "",
    )
    do_audit(actor, f"ledger.link.{basis}", link, after=snapshot(link))
    return link


def do_propose_link(actor: Actor, data: LinkData) -> LedgerLink:
    """veille proposes that the record counts the event; it counts once a coordinator confirms it."""
    with transaction.atomic():
        return _create(actor, check_link(actor, data, lock=True), LinkBasis.PROPOSAL, LinkState.PROPOSED)


def do_link_by_mark(actor: Actor, data: LinkData) -> LedgerLink:
    """The tracker marks the record as this channel's money (PURL-funded): the mark stands for the
    proposal and the confirmation; the link is checked by the same rule."""
    with transaction.atomic():
        return _create(actor, check_link(actor, data, lock=True), LinkBasis.MARK, LinkState.CONFIRMED)


def do_link(actor: Actor, data: LinkData) -> LedgerLink:
    """A coordinator links two records directly (the same rule applies)."""
    with transaction.atomic():
        return _create(actor, check_link(actor, data, lock=True), LinkBasis.COORDINATOR, LinkState.CONFIRMED)


def _proposal(actor: Actor, link_id: Any) -> LedgerLink:
    require_coordinator(actor, "decide on links between records")
    try:
        link = LedgerLink.objects.select_for_update().filter(pk=int(link_id)).first()
    except (TypeError, ValueError):
        link = None
    if link is None or (
        actor.system is None
        and LedgerEvent.objects.visible_to(actor.user)
        .filter(pk__in=[link.event_id, link.counted_in_id])
        .count()
        < 2
    ):
        raise LinkNotFound(f"no link {link_id!r} that you can see", field="link")
    if link.state != LinkState.PROPOSED:
        raise LinkDecided(
            f"link {link.pk} was {link.get_state_display().lower()} by {link.decided_by}", field="link"
        )
    return link


def do_confirm_link(actor: Actor, link_id: Any, note: str = "") -> LedgerLink:
    """A coordinator confirms a proposal, checked again under the record's lock (sizes may have moved)."""
    with transaction.atomic():
        link = _proposal(actor, link_id)
        before = snapshot(link)
        check_link(
            actor,
            LinkData(
                event=link.event_id,
                counted_in=link.counted_in_id,
                scope=link.scope,
                tolerance_pct=link.tolerance_pct,
                window_days=link.window_days,
            ),
            lock=True,
            link_id=link.pk,
        )
        return _decide(actor, link, LinkState.CONFIRMED, note, before)


def do_reject_link(actor: Actor, link_id: Any, note: str = "") -> LedgerLink:
    """A coordinator rejects a proposal (it is never proposed again); a reason is required."""
    if not (note or "").strip():
        raise InvalidInput("say why the records are not the same money", field="note")
    with transaction.atomic():
        link = _proposal(actor, link_id)
        return _decide(actor, link, LinkState.REJECTED, note, snapshot(link))


def _decide(actor: Actor, link: LedgerLink, state: str, note: str, before: Any) -> LedgerLink:
    link.state = state
    link.decided_at = timezone.now()
    link.decided_by = actor.label
    if (note or "").strip():
        link.note = (link.note + "\n" if link.note else "") + note.strip()
    link.save(update_fields=["state", "decided_at", "decided_by", "note"])
    do_audit(
        actor,
        f"ledger.link.{'confirm' if state == LinkState.CONFIRMED else 'reject'}",
        link,
        before=before,
        after=snapshot(link),
    )
    return link
