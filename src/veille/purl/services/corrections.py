"""Correcting a contribution, through the ledger's amendments and reversals (never an UPDATE or a
DELETE of a ledger row, DESIGN.md §4 invariant 6):

* :func:`do_amend_contribution` — a pledge or a commitment to a new amount, in its own currency: a
  ledger amendment of the difference (the ledger refuses to take a pledge below what commitments
  draw from it, or a commitment beyond its pledge);
* :func:`do_cancel_contribution` — a contribution recorded by mistake: each of its live ledger events
  is reversed, what draws from it first (allocations, then commitments, then the pledge).

A nation's editors correct their nation's contributions; coordinators any. The public record's
contributions change with their file, never here. Each correction is audited with the ledger
events it wrote.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from veille.audit.services import do_audit
from veille.core.errors import InvalidInput
from veille.core.money import Money
from veille.ledger import services as ledger
from veille.ledger.models import LedgerEvent
from veille.nations.access import Actor, require_editor_for
from veille.purl.exceptions import NotCorrectable, PurlNotFound
from veille.purl.models import Contribution, FundingEvent, Origin, Role
from veille.purl.services.funding import _get_contribution, _notify_if_funded, funded
from veille.purl.services.lists import check_reason

#: Reversed in this order: what draws from an event goes before it.
_REVERSE_ORDER = {Role.ALLOCATION: 0, Role.COMMITMENT: 1, Role.PLEDGE: 2}


def live_events(contribution: Contribution) -> list[FundingEvent]:
    """The contribution's ledger events that are not reversed, pledges first."""
    links = contribution.events.select_related("event").order_by("event_id")
    live = [fe for fe in links if not ledger.is_reversed(fe.event_id)]
    return sorted(live, key=lambda fe: (-_REVERSE_ORDER[Role(fe.role)], fe.event_id))


def check_correction(actor: Actor, contribution: Contribution) -> list[FundingEvent]:
    """Rights, then what can be corrected: the contribution's live pledge and commitments."""
    require_editor_for(actor, contribution.nation_id, "correct a contribution")
    if contribution.origin == Origin.ANNOUNCEMENT:
        raise NotCorrectable(
            "a contribution of the public record changes with its file (veille import purl-announcements)",
            field="contribution",
        )
    live = live_events(contribution)
    if not live:
        raise NotCorrectable(
            f"contribution {contribution.pk} has no live ledger event: it was cancelled, or has no amount",
            field="contribution",
        )
    return live


def _target(live: list[FundingEvent], event: Any) -> FundingEvent:
    amendable = [fe for fe in live if fe.role in (Role.PLEDGE, Role.COMMITMENT)]
    if event not in (None, ""):
        try:
            wanted = int(event)
        except (TypeError, ValueError):
            wanted = 0
        for fe in amendable:
            if fe.event_id == wanted:
                return fe
        raise PurlNotFound(f"no live pledge or commitment #{event} in this contribution", field="event")
    if len(amendable) == 1:
        return amendable[0]
    raise InvalidInput(
        "say which to amend: " + ", ".join(f"{fe.role} #{fe.event_id}" for fe in amendable), field="event"
    )


def check_amend_contribution(
    actor: Actor, contribution: Contribution, amount: Any, event: Any = None
) -> tuple[FundingEvent, Money, Money]:
    """(the event amended, its amount now, the amount asked); the ledger checks the rest."""
    target = _target(check_correction(actor, contribution), event)
    e: LedgerEvent = target.event
    now = Money.from_minor(ledger.size_of(e.pk), e.currency)
    if isinstance(amount, float):
        raise InvalidInput("write the amount as text or a Decimal, never a float", field="amount")
    asked = Money.parse(str(amount if amount is not None else ""), e.currency, field="amount")
    if asked.amount <= 0:
        raise InvalidInput("must be more than zero; cancel the contribution to take it back", field="amount")
    if asked == now:
        raise InvalidInput(f"is the amount already recorded ({now.format()})", field="amount")
    return target, now, asked


def do_amend_contribution(
    actor: Actor,
    contribution_id: Any,
    amount: Any,
    sources: Sequence[str],
    note: str = "",
    event: Any = None,
) -> LedgerEvent:
    """Set a pledge or a commitment of the contribution to ``amount`` (its own currency): a ledger
    amendment of the difference. ``event`` names which, when the contribution has several."""
    with transaction.atomic():
        contribution = _get_contribution(actor, contribution_id, lock=True)
        target, now, asked = check_amend_contribution(actor, contribution, amount, event)
        package = contribution.package or target.package
        was = funded(package) if package is not None else None
        written = ledger.do_amend(
            actor,
            ledger.Change(
                event=target.event_id,
                amount=asked.amount - now.amount,
                currency=now.currency,
                sources=sources,
                note=note,
            ),
        )
        do_audit(
            actor,
            "purl.contribution.amend",
            contribution,
            before={"event": target.event_id, "role": target.role, "amount": now.format()},
            after={"event": target.event_id, "amount": asked.format(), "ledger_event": written.pk},
            note=(note or "").strip(),
        )
        if package is not None:
            _notify_if_funded(actor, package, was)
        return written


def do_cancel_contribution(
    actor: Actor, contribution_id: Any, reason: str, sources: Sequence[str]
) -> list[LedgerEvent]:
    """Cancel a contribution recorded by mistake: each live ledger event of it is reversed (what
    draws from it first). Returns the reversals written."""
    why = check_reason(reason, "the contribution is cancelled")
    with transaction.atomic():
        contribution = _get_contribution(actor, contribution_id, lock=True)
        live = check_correction(actor, contribution)
        reversals = [
            ledger.do_reverse(actor, ledger.Change(event=fe.event_id, sources=sources, note=why))
            for fe in sorted(live, key=lambda fe: (_REVERSE_ORDER[Role(fe.role)], -fe.event_id))
        ]
        do_audit(
            actor,
            "purl.contribution.cancel",
            contribution,
            before={"live": [f"{fe.role} #{fe.event_id}" for fe in live]},
            after={"reversals": [r.pk for r in reversals]},
            note=why,
        )
        return reversals


def do_amend_pledge(
    actor: Actor, contribution: int, delta: Any, sources: Sequence[str], note: str = ""
) -> LedgerEvent:
    """Raise (or lower) a pledge in its own currency, through a ledger amendment."""
    with transaction.atomic():
        current = _get_contribution(actor, contribution, lock=True)
        require_editor_for(actor, current.nation_id, "amend a pledge")
        pledge = current.events.filter(role=Role.PLEDGE).first()
        if pledge is None:
            raise PurlNotFound("this contribution has no pledge to amend", field="contribution")
        event = ledger.do_amend(
            actor,
            ledger.Change(
                event=pledge.event_id, amount=delta, currency=current.currency, sources=sources, note=note
            ),
        )
        do_audit(
            actor, "purl.pledge.amend", current, after={"ledger_event": event.pk, "delta": str(event.amount)}
        )
        return event


__all__ = [
    "check_amend_contribution",
    "check_correction",
    "do_amend_contribution",
    "do_amend_pledge",
    "do_cancel_contribution",
    "live_events",
]
