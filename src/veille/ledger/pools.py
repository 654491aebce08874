"""Pooled deliveries: materiel that several donors funded together (a PURL package) and another
party delivered (the United States), with each funder's share derived at report time.

A *pool* is a key, the ``reference`` its events carry (``purl:package:7``):

* its **funding** is the counted money events with that reference (commitments and allocations),
  each at its size as of the instant, less what its children moved to other pools; an event drawn
  from a parent of the same pool is inside that parent and not added again. Each is converted to
  the report's currency at the ECB rate of its own value date (the rates are listed);
* its **deliveries** are the pooled shipments with that reference (an item, a quantity, a value at
  the item's estimated unit cost with its source) and the receipts that follow them.

Each funder's share of the pool is its funding over the pool's; the value of every delivery is split
by these shares to the minor unit (largest remainder, :meth:`veille.core.money.Money.allocate`), so
that the shares of a delivery add up to its value: delivered value is counted once, for the
donors, never for the deliverer (whose shipments are pass-through, ``counted`` false). A pool
without funding, or whose funding the reader may not see in full, keeps its deliveries
*unattributed*: shares are never guessed, and never computed from part of the funding.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q

from veille.core.fx import RateUsed
from veille.core.money import Money
from veille.ledger import rates
from veille.ledger.models import Kind, LedgerEvent, Measure
from veille.ledger.queries import CONSOLE, events, figures

__all__ = ["NOT_RELEASABLE", "NO_FUNDING", "Delivery", "Pool", "delivered_by_party", "pool", "pools"]

#: Why a pool's deliveries are not attributed to its funders (pages say it in their language).
NOT_RELEASABLE = "funding_not_releasable"
NO_FUNDING = "no_funding"
FUNDING_KINDS = (Kind.COMMITMENT, Kind.ALLOCATION)
DELIVERY_KINDS = (Kind.SHIPMENT, Kind.RECEIPT)


@dataclass
class Delivery:
    """One pooled shipment with what was received of it, valued, and its split among funders."""

    event: int
    item: str
    quantity: int
    value: Money
    value_date: dt.date
    received_quantity: int = 0
    received_value: Money | None = None
    synthetic: bool = False
    shipped_by_party: dict[str, Money] = field(default_factory=dict)
    received_by_party: dict[str, Money] = field(default_factory=dict)


@dataclass
class Pool:
    key: str
    currency: str
    funding: dict[str, Money] = field(default_factory=dict)
    shares_pct: dict[str, Decimal] = field(default_factory=dict)
    deliveries: list[Delivery] = field(default_factory=list)
    attributed: bool = False
    why_not: str = ""  # NOT_RELEASABLE or NO_FUNDING when not attributed
    rates: list[RateUsed] = field(default_factory=list)

    @property
    def funding_total(self) -> Money:
        return Money.total(self.funding.values(), self.currency)

    @property
    def shipped_value(self) -> Money:
        return Money.total((d.value for d in self.deliveries), self.currency)

    @property
    def received_value(self) -> Money:
        return Money.total((d.received_value for d in self.deliveries if d.received_value), self.currency)

    def by_party(self) -> dict[str, dict[str, Money]]:
        """Each funder's shipped and received value (empty when the deliveries are unattributed)."""
        out: dict[str, dict[str, Money]] = {}
        for d in self.deliveries:
            for party, money in d.shipped_by_party.items():
                row = out.setdefault(
                    party, {"shipped": Money.zero(self.currency), "received": Money.zero(self.currency)}
                )
                row["shipped"] += money
            for party, money in d.received_by_party.items():
                out[party]["received"] += money
        return out


class _Fx:
    def __init__(self, to: str) -> None:
        self.to, self.fx = to, rates.converter()
        self.used: dict[tuple[str, dt.date], RateUsed] = {}

    def convert(self, money: Money, day: dt.date) -> Money:
        if money.currency == self.to:
            return money
        conversion = self.fx.convert(money, self.to, day)
        self.used.setdefault((money.currency, day), RateUsed.of(conversion))
        return conversion.amount


def _funding(qs: Any, key: str, fx: _Fx) -> dict[str, Money]:
    """Each funder's money in the pool, as the module says, in ``fx.to``."""
    rows = list(
        qs.filter(reference=key, kind__in=FUNDING_KINDS, counted=True, measure=Measure.MONEY).values_list(
            "id", "party_id", "currency", "value_date", "draws_on_id"
        )
    )
    ids = [r[0] for r in rows]
    fig = figures(qs.filter(Q(pk__in=ids) | Q(size_of_id__in=ids) | Q(kind=Kind.REVERSAL, parent_id__in=ids)))
    # What children (and their amendments and reversals) moved out of the pool, in their parent's unit.
    moved: dict[int, int] = defaultdict(int)
    children = list(
        qs.filter(draws_on_id__in=ids).values_list("draws_on_id", "reference", "size_of_id", "draw")
    )
    targets = dict(
        LedgerEvent.objects.filter(pk__in={c[2] for c in children if c[2]}).values_list("id", "reference")
    )
    for parent_id, reference, size_of_id, draw in children:
        where = targets.get(size_of_id, reference) if size_of_id else reference
        if where != key and draw:
            moved[parent_id] += int(draw)
    inside = set(ids)
    out: dict[str, Money] = {}
    for pk, party, currency, day, draws_on in rows:
        if draws_on in inside or pk in fig.reversed:
            continue
        units = fig.sizes.get(pk, 0) - moved.get(pk, 0)
        if units <= 0:
            continue
        value = fx.convert(Money.from_minor(units, currency), day)
        out[party] = out.get(party, Money.zero(fx.to)) + value
    return out


def _deliveries(qs: Any, key: str, fx: _Fx) -> list[Delivery]:
    shipments = list(
        qs.filter(reference=key, kind=Kind.SHIPMENT, parent__isnull=True).order_by("value_date", "id")
    )
    ids = [s.pk for s in shipments]
    related = qs.filter(
        Q(pk__in=ids)
        | Q(size_of_id__in=ids)
        | Q(kind=Kind.REVERSAL, parent_id__in=ids)
        | Q(kind=Kind.RECEIPT, parent_id__in=ids)
    )
    fig = figures(related)
    receipts = list(qs.filter(kind=Kind.RECEIPT, parent_id__in=ids))
    rfig = figures(
        qs.filter(
            Q(pk__in=[r.pk for r in receipts])
            | Q(size_of_id__in=[r.pk for r in receipts])
            | Q(kind=Kind.REVERSAL, parent_id__in=[r.pk for r in receipts])
        )
    )
    out = []
    for s in shipments:
        if s.pk in fig.reversed or s.amount_minor is None:
            continue
        quantity = fig.sizes.get(s.pk, 0)
        if quantity <= 0:
            continue
        # The value follows the quantity (amendments of the count revalue it at the same unit value).
        value = fx.convert(Money.from_minor(s.amount_minor, s.currency), s.value_date)
        if quantity != s.quantity:
            value = value * (Decimal(quantity) / Decimal(s.quantity or 1))
        d = Delivery(s.pk, s.item, quantity, value, s.value_date, synthetic=bool(s.synthetic))
        got = 0
        for r in receipts:
            if r.parent_id == s.pk and r.pk not in rfig.reversed:
                got += rfig.sizes.get(r.pk, 0)
        d.received_quantity = min(got, quantity)
        d.received_value = value * (Decimal(d.received_quantity) / Decimal(quantity))
        out.append(d)
    return out


def pool(
    user: Any,
    key: str,
    *,
    as_of: dt.date | dt.datetime | None = None,
    currency: str = "USD",
    include_synthetic: bool = False,
) -> Pool:
    """One pool as ``user`` may see it: funding, shares, deliveries and each funder's part of them."""
    fx = _Fx(currency)
    qs = events(user, as_of)
    if not include_synthetic:
        qs = qs.exclude(synthetic=True)
    result = Pool(key, currency, funding=_funding(qs, key, fx), deliveries=_deliveries(qs, key, fx))
    everything = events(CONSOLE, as_of)
    if not include_synthetic:
        everything = everything.exclude(synthetic=True)
    whole = _funding(everything, key, _Fx(currency))
    total = result.funding_total
    if whole != result.funding:
        result.why_not = NOT_RELEASABLE
    elif not total.amount:
        result.why_not = NO_FUNDING
    else:
        result.attributed = True
        parties = sorted(result.funding)
        weights = [result.funding[p].amount for p in parties]
        result.shares_pct = {
            p: (result.funding[p].amount * 100 / total.amount).quantize(Decimal("0.01")) for p in parties
        }
        for d in result.deliveries:
            d.shipped_by_party = dict(zip(parties, d.value.allocate(weights), strict=True))
            if d.received_value is not None:
                d.received_by_party = dict(zip(parties, d.received_value.allocate(weights), strict=True))
    result.rates = [fx.used[k] for k in sorted(fx.used)]
    return result


def pools(
    user: Any,
    *,
    as_of: dt.date | dt.datetime | None = None,
    currency: str = "USD",
    include_synthetic: bool = False,
    party: str | None = None,
) -> list[Pool]:
    """Every pool with a delivery ``user`` may see (those ``party`` funds, if given)."""
    qs = (
        events(user, as_of)
        .filter(kind=Kind.SHIPMENT, parent__isnull=True, counted=False)
        .exclude(reference="")
    )
    if not include_synthetic:
        qs = qs.exclude(synthetic=True)
    keys = sorted(set(qs.values_list("reference", flat=True)))
    found = [pool(user, k, as_of=as_of, currency=currency, include_synthetic=include_synthetic) for k in keys]
    if party:
        code = party.strip().upper()
        found = [p for p in found if code in p.funding]
    return found


def delivered_by_party(
    user: Any,
    *,
    as_of: dt.date | dt.datetime | None = None,
    currency: str = "USD",
    include_synthetic: bool = False,
    party: str | None = None,
) -> dict[str, Any]:
    """Each donor's share of what pools delivered, summed over pools, with what stays unattributed.

    The shipped values of all donors and the unattributed value add up to the value shipped: each
    delivery counts once."""
    found = pools(user, as_of=as_of, currency=currency, include_synthetic=include_synthetic)
    per: dict[str, dict[str, Money]] = {}
    unattributed = {"shipped": Money.zero(currency), "received": Money.zero(currency)}
    used: dict[tuple[str, dt.date], RateUsed] = {}
    for p in found:
        for r in p.rates:
            used.setdefault((r.currency, r.value_date), r)
        if not p.attributed:
            unattributed["shipped"] += p.shipped_value
            unattributed["received"] += p.received_value
            continue
        for code, row in p.by_party().items():
            mine = per.setdefault(code, {"shipped": Money.zero(currency), "received": Money.zero(currency)})
            mine["shipped"] += row["shipped"]
            mine["received"] += row["received"]
    if party:
        per = {k: v for k, v in per.items() if k == party.strip().upper()}
    return {
        "currency": currency,
        "by_party": dict(sorted(per.items())),
        "unattributed": unattributed,
        "shipped": Money.total((p.shipped_value for p in found), currency),
        "pools": len(found),
        "rates": [used[k] for k in sorted(used)],
    }
