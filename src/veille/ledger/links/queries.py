"""Read models of the ledger's links: which records count the same money, and how much of each.

A link is visible to a user who may see both of its events. "As of" an instant, a link counts if a
coordinator (or the tracker's mark) had confirmed it by then; a proposal is shown, never counted.
The overlap is derived here, at report time: the event's size as of the instant, converted to the
record's currency at the event's value date (the rate is listed), never more than the record's size.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from veille.core.fx import RateUsed
from veille.core.money import Money
from veille.ledger import rates
from veille.ledger.models import Kind, LedgerEvent, LedgerLink, LinkState
from veille.ledger.queries import as_of_instant, events, figures

__all__ = ["LinkRow", "Overlaps", "link_rows", "overlaps"]


@dataclass
class LinkRow:
    """A link as pages show it, with its state as of the instant asked about."""

    link: LedgerLink
    state: str
    event: LedgerEvent
    counted_in: LedgerEvent
    overlap: Money | None  # what the record counts of the event (confirmed links only)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.link.pk,
            "party": self.link.party_id,
            "event": self.event.pk,
            "event_kind": self.event.kind,
            "event_amount": str(self.event.amount) if self.event.amount is not None else "",
            "event_value_date": self.event.value_date,
            "event_reference": self.event.reference,
            "counted_in": self.counted_in.pk,
            "counted_in_kind": self.counted_in.kind,
            "counted_in_amount": str(self.counted_in.amount) if self.counted_in.amount is not None else "",
            "counted_in_value_date": self.counted_in.value_date,
            "counted_in_reference": self.counted_in.reference,
            "scope": self.link.scope,
            "basis": self.link.basis,
            "state": self.state,
            "tolerance_pct": self.link.tolerance_pct,
            "window_days": self.link.window_days,
            "difference_pct": self.link.difference_pct,
            "overlap": str(self.overlap) if self.overlap is not None else "",
            "proposed_at": self.link.proposed_at,
            "proposed_by": self.link.proposed_by,
            "decided_at": self.link.decided_at,
            "decided_by": self.link.decided_by,
            "note": self.link.note,
        }


@dataclass
class Overlaps:
    """What records count of money other sources recorded too, per record and per donor."""

    by_record: dict[int, Money] = field(default_factory=dict)
    by_party: dict[str, dict[str, Money]] = field(default_factory=dict)
    rates: list[RateUsed] = field(default_factory=list)

    def of_party(self, party: str, currency: str) -> Money:
        return self.by_party.get(party, {}).get(currency, Money.zero(currency))


def _state(link: LedgerLink, instant: dt.datetime | None) -> str:
    if instant is None or link.decided_at is None or link.decided_at <= instant:
        return link.state
    return LinkState.PROPOSED  # decided after the instant: it was a proposal then


def link_rows(
    user: Any,
    *,
    party: str | None = None,
    state: str | None = None,
    as_of: dt.date | dt.datetime | None = None,
    include_synthetic: bool = False,
) -> list[LinkRow]:
    """The links ``user`` may see (both events visible), as they stood at ``as_of``."""
    return _rows(user, party, state, as_of, include_synthetic)[0]


def _rows(
    user: Any,
    party: str | None,
    state: str | None,
    as_of: dt.date | dt.datetime | None,
    include_synthetic: bool,
) -> tuple[list[LinkRow], list[RateUsed]]:
    instant = as_of_instant(as_of)
    visible = events(user, as_of)
    qs = LedgerLink.objects.filter(event__in=visible, counted_in__in=visible).select_related(
        "event", "counted_in"
    )
    if instant is not None:
        qs = qs.filter(proposed_at__lte=instant)
    if party:
        qs = qs.filter(party_id=party.strip().upper())
    if not include_synthetic:
        qs = qs.exclude(event__synthetic=True)
    links = list(qs.order_by("party_id", "proposed_at", "id"))
    ids = {link.event_id for link in links} | {link.counted_in_id for link in links}
    fig = figures(
        visible.filter(Q(pk__in=ids) | Q(size_of_id__in=ids) | Q(kind=Kind.REVERSAL, parent_id__in=ids))
    )
    fx = rates.converter()
    used: dict[tuple[str, str, dt.date], RateUsed] = {}
    out: list[LinkRow] = []
    counted: dict[int, Money] = {}
    for link in links:
        st = _state(link, instant)
        if state and st != state:
            continue
        overlap = None
        if st == LinkState.CONFIRMED:
            ev, rec = link.event, link.counted_in
            size = 0 if ev.pk in fig.reversed else fig.sizes.get(ev.pk, 0)
            money = Money.from_minor(size, ev.currency)
            if money.currency != rec.currency:
                conversion = fx.convert(money, rec.currency, ev.value_date)
                used.setdefault((money.currency, rec.currency, ev.value_date), RateUsed.of(conversion))
                money = conversion.amount
            room = Money.from_minor(
                0 if rec.pk in fig.reversed else fig.sizes.get(rec.pk, 0), rec.currency
            ) - counted.get(rec.pk, Money.zero(rec.currency))
            overlap = min(money, room) if room.amount > 0 else Money.zero(rec.currency)
            counted[rec.pk] = counted.get(rec.pk, Money.zero(rec.currency)) + overlap
        out.append(LinkRow(link, st, link.event, link.counted_in, overlap))
    return out, [used[k] for k in sorted(used)]


def overlaps(
    user: Any, *, as_of: dt.date | dt.datetime | None = None, include_synthetic: bool = False
) -> Overlaps:
    """The confirmed overlaps ``user`` may see, per record and per donor, in each record's currency."""
    rows, used = _rows(user, None, LinkState.CONFIRMED, as_of, include_synthetic)
    result = Overlaps(rates=used)
    per: dict[str, dict[str, Money]] = defaultdict(dict)
    for row in rows:
        if row.overlap is None:
            continue
        rec = row.counted_in.pk
        result.by_record[rec] = result.by_record.get(rec, Money.zero(row.overlap.currency)) + row.overlap
        party = per[row.link.party_id]
        party[row.overlap.currency] = (
            party.get(row.overlap.currency, Money.zero(row.overlap.currency)) + row.overlap
        )
    result.by_party = dict(per)
    return result
