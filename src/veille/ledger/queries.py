"""Read models of the ledger: balances, totals, derived statuses, chains, "as of" any past instant.

Everything reads through ``LedgerEvent.objects.visible_to(user)`` and, for "as of", keeps only the
events recorded by then: because no row is ever changed, that is exactly what the ledger showed at
that instant. Totals are SQL sums of exact minor units per (party, kind, currency, value date);
each such group is converted once, at its value date's ECB rate, and the rates used are listed.

Count once (invariant 3): pass-through legs (``counted=False``) are left out of totals and shown
apart. Pledges (invariant 4) are a kind of their own: ``pledged_open`` is what was pledged and not
yet committed. Statuses (invariant 7) come from sizes and draws, never from a stored field.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, F, Q, QuerySet, Sum, When
from django.db.models.functions import Coalesce

from veille.core.fx import Conversion, FxConverter
from veille.core.money import Money, check_currency
from veille.ledger import rates
from veille.ledger.models import FLOW_KINDS, Kind, LedgerEvent, Measure, Status, derive_status

_UNITS = Case(When(measure=Measure.QUANTITY, then=F("quantity")), default=F("amount_minor"))
PERIODS = ("year", "quarter", "month")


def as_of_instant(value: dt.date | dt.datetime | None) -> dt.datetime | None:
    """A date means the end of that day (UTC); a datetime is taken as it is.

    >>> as_of_instant(dt.date(2026, 3, 1))
    datetime.datetime(2026, 3, 1, 23, 59, 59, 999999, tzinfo=datetime.timezone.utc)
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return dt.datetime.combine(value, dt.time.max, tzinfo=dt.UTC)


def events(user: Any, as_of: dt.date | dt.datetime | None = None) -> QuerySet[LedgerEvent]:
    """The events ``user`` may see, as recorded by ``as_of``."""
    return LedgerEvent.objects.visible_to(user).recorded_by(as_of_instant(as_of))


def period_of(day: dt.date, period: str | None) -> str:
    """``2024``, ``2024-Q2`` or ``2024-05`` (empty when not grouping by period)."""
    if period is None:
        return ""
    if period == "year":
        return str(day.year)
    if period == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


# --- derived statuses ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """Sizes (with amendments and reversals), draws by children, and reversed events."""

    sizes: dict[int, int]
    drawn: dict[int, int]
    reversed: frozenset[int]

    def status(self, event_id: int) -> Status:
        return derive_status(
            self.sizes.get(event_id, 0), self.drawn.get(event_id, 0), event_id in self.reversed
        )


def figures(qs: QuerySet[LedgerEvent]) -> Figures:
    sizes = dict(
        qs.annotate(eid=Coalesce("size_of_id", "id"))
        .values("eid")
        .annotate(s=Sum(_UNITS))
        .values_list("eid", "s")
    )
    drawn = dict(
        qs.filter(draws_on__isnull=False)
        .values("draws_on_id")
        .annotate(d=Sum("draw"))
        .values_list("draws_on_id", "d")
    )
    reversed_ = frozenset(qs.filter(kind=Kind.REVERSAL).values_list("parent_id", flat=True))
    return Figures(
        {k: int(v or 0) for k, v in sizes.items()}, {k: int(v or 0) for k, v in drawn.items()}, reversed_
    )


def status_counts(
    user: Any, *, party: str | None = None, as_of: dt.date | dt.datetime | None = None
) -> dict[tuple[str, str, str], int]:
    """How many events of each (party, kind) are none / partial / complete / reversed."""
    qs = events(user, as_of)
    if party:
        qs = qs.filter(party_id=party.upper())
    return _count_statuses(qs, figures(qs))


def _count_statuses(qs: QuerySet[LedgerEvent], fig: Figures) -> dict[tuple[str, str, str], int]:
    counts: dict[tuple[str, str, str], int] = defaultdict(int)
    for pk, party_id, kind in (
        qs.filter(kind__in=FLOW_KINDS).values_list("id", "party_id", "kind").iterator(chunk_size=10000)
    ):
        counts[(party_id, kind, fig.status(pk))] += 1
    return dict(counts)


# --- totals and balances -----------------------------------------------------------------------


@dataclass(frozen=True)
class RateUsed:
    currency: str
    to_currency: str
    value_date: dt.date
    rate_date: dt.date
    rate: str
    source: str


@dataclass
class Total:
    party: str
    kind: str
    period: str
    by_currency: dict[str, Money] = field(default_factory=dict)
    converted: Money | None = None
    quantities: dict[str, int] = field(default_factory=dict)

    def as_row(self) -> dict[str, Any]:
        return {
            "party": self.party,
            "kind": self.kind,
            "period": self.period,
            "original": "; ".join(str(m) for _, m in sorted(self.by_currency.items())),
            "converted": str(self.converted) if self.converted is not None else "",
            "quantities": "; ".join(f"{n} {item}" for item, n in sorted(self.quantities.items())),
        }


@dataclass
class Report:
    """Totals with the rates they used and what was left out so as to count once."""

    as_of: dt.datetime | None
    currency: str | None
    totals: list[Total]
    rates: list[RateUsed]
    pledged_open: dict[str, Money]
    pledged_open_converted: Money | None
    passed_through: list[Total]
    statuses: dict[tuple[str, str, str], int]
    rates_source: str


class _Converter:
    """Converts (currency, value date) groups once each and remembers the rates it used."""

    def __init__(self, fx: FxConverter, to: str | None) -> None:
        self.fx, self.to = fx, to
        self.used: dict[tuple[str, dt.date], Conversion] = {}

    def __call__(self, money: Money, day: dt.date) -> Money:
        assert self.to is not None
        conversion = self.fx.convert(money, self.to, day)
        self.used.setdefault((money.currency, day), conversion)
        return conversion.amount

    def rates(self) -> list[RateUsed]:
        return [
            RateUsed(cur, c.amount.currency, day, c.rate_date, str(c.rate), c.source)
            for (cur, day), c in sorted(self.used.items())
        ]


def _money_groups(qs: QuerySet[LedgerEvent]) -> Iterable[tuple[str, str, str, dt.date, bool, int]]:
    return (
        qs.filter(amount_minor__isnull=False)
        .values("party_id", "counts_as", "currency", "value_date", "counted")
        .annotate(s=Sum("amount_minor"))
        .values_list("party_id", "counts_as", "currency", "value_date", "counted", "s")
    )


def report(
    user: Any,
    *,
    party: str | None = None,
    currency: str | None = None,
    as_of: dt.date | dt.datetime | None = None,
    period: str | None = None,
    fx: FxConverter | None = None,
) -> Report:
    """Totals by party, kind (and period) in their own currencies and, with ``currency``, converted.

    ``period`` groups by the value date's year, quarter or month.
    """
    if period is not None and period not in PERIODS:
        from veille.core.errors import InvalidInput

        raise InvalidInput(f"must be one of {', '.join(PERIODS)}", field="period")
    to = check_currency(currency, field="currency") if currency else None
    fx = fx or rates.converter()
    if to is not None:
        fx.legs(to, "EUR", fx.table.source.last_date)  # an unsupported target fails before any work
    qs = events(user, as_of)
    if party:
        qs = qs.filter(party_id=party.strip().upper())
    convert = _Converter(fx, to)
    counted: dict[tuple[str, str, str], Total] = {}
    passed: dict[tuple[str, str, str], Total] = {}
    for party_id, kind, cur, day, is_counted, units in _money_groups(qs):
        if not units:
            continue
        key = (party_id, kind, period_of(day, period))
        bucket = counted if is_counted else passed
        total = bucket.setdefault(key, Total(*key))
        money = Money.from_minor(int(units), cur)
        total.by_currency[cur] = total.by_currency.get(cur, Money.zero(cur)) + money
        if to is not None:
            total.converted = (total.converted or Money.zero(to)) + convert(money, day)
    for party_id, kind, item, day, is_counted, n in (
        qs.filter(measure=Measure.QUANTITY)
        .values("party_id", "counts_as", "item", "value_date", "counted")
        .annotate(n=Sum("quantity"))
        .values_list("party_id", "counts_as", "item", "value_date", "counted", "n")
    ):
        if not n:
            continue
        key = (party_id, kind, period_of(day, period))
        total = (counted if is_counted else passed).setdefault(key, Total(*key))
        total.quantities[item] = total.quantities.get(item, 0) + int(n)

    # Pledged and not (yet) committed, in each pledge's currency (invariant 4).
    fig = figures(qs)
    open_by_cur: dict[str, Money] = {}
    open_converted = Money.zero(to) if to else None
    for pk, cur, day in qs.filter(kind=Kind.PLEDGE, measure=Measure.MONEY).values_list(
        "id", "currency", "value_date"
    ):
        left = fig.sizes.get(pk, 0) - fig.drawn.get(pk, 0)
        if left <= 0:
            continue
        money = Money.from_minor(left, cur)
        open_by_cur[cur] = open_by_cur.get(cur, Money.zero(cur)) + money
        if to is not None and open_converted is not None:
            open_converted = open_converted + convert(money, day)

    return Report(
        as_of=as_of_instant(as_of),
        currency=to,
        totals=sorted(counted.values(), key=lambda t: (t.party, FLOW_KINDS.index(t.kind), t.period)),
        rates=convert.rates(),
        pledged_open=open_by_cur,
        pledged_open_converted=open_converted,
        passed_through=sorted(passed.values(), key=lambda t: (t.party, FLOW_KINDS.index(t.kind), t.period)),
        statuses=_count_statuses(qs, fig),
        rates_source=fx.source,
    )


# --- events and chains -------------------------------------------------------------------------

EVENT_COLUMNS = [
    "id",
    "kind",
    "counts_as",
    "party",
    "counterparty",
    "counterparty_name",
    "amount",
    "currency",
    "item",
    "quantity",
    "valuation_method",
    "value_date",
    "effective_at",
    "recorded_at",
    "parent",
    "pass_through_of",
    "counted",
    "size",
    "drawn",
    "status",
    "sources",
    "note",
    "reference",
    "actor",
    "releasable_to",
]


def event_row(e: LedgerEvent, fig: Figures | None = None) -> dict[str, Any]:
    flow = e.kind in FLOW_KINDS
    return {
        "id": e.pk,
        "kind": e.kind,
        "counts_as": e.counts_as,
        "party": e.party_id,
        "counterparty": e.counterparty_id or "",
        "counterparty_name": e.counterparty_name,
        "amount": str(e.amount.amount) if e.amount is not None else "",
        "currency": e.currency,
        "item": e.item,
        "quantity": e.quantity,
        "valuation_method": e.valuation_method,
        "value_date": e.value_date,
        "effective_at": e.effective_at,
        "recorded_at": e.recorded_at,
        "parent": e.parent_id,
        "pass_through_of": e.pass_through_of_id,
        "counted": e.counted,
        "size": fig.sizes.get(e.pk, 0) if fig and flow else None,
        "drawn": fig.drawn.get(e.pk, 0) if fig and flow else None,
        "status": fig.status(e.pk).value if fig and flow else "",
        "sources": " | ".join(e.sources),
        "note": e.note,
        "reference": e.reference,
        "actor": e.actor,
        "releasable_to": e.releasable_to,
    }


def event_rows(
    user: Any,
    *,
    party: str | None = None,
    kind: str | None = None,
    as_of: dt.date | dt.datetime | None = None,
) -> list[dict[str, Any]]:
    qs = events(user, as_of)
    if party:
        qs = qs.filter(party_id=party.strip().upper())
    fig = figures(qs)
    if kind:
        qs = qs.filter(kind=kind)
    return [event_row(e, fig) for e in qs.order_by("recorded_at", "id")]


def event_detail(
    user: Any, event_id: int, as_of: dt.date | dt.datetime | None = None
) -> dict[str, Any] | None:
    """One event with its size, what its children drew and its status (None if not visible)."""
    qs = events(user, as_of)
    event = qs.filter(pk=event_id).first()
    if event is None:
        return None
    related = qs.filter(
        Q(pk=event_id)
        | Q(size_of_id=event_id)
        | Q(draws_on_id=event_id)
        | Q(kind=Kind.REVERSAL, parent_id=event_id)
    )
    return event_row(event, figures(related))


def chain(user: Any, event_id: int, as_of: dt.date | dt.datetime | None = None) -> dict[str, Any] | None:
    """The whole chain the event belongs to, from its root down, each node with its derived status,
    its amendments and reversals, and the pass-through legs that link to it."""
    qs = events(user, as_of)
    start = qs.filter(pk=event_id).first()
    if start is None:
        return None
    root = start
    while root.parent_id is not None:
        up = qs.filter(pk=root.parent_id).first()
        if up is None:
            break
        root = up
    # The chain's rows: walk down level by level (chains are shallow: pledge to receipt is 6 levels).
    ids, frontier = {root.pk}, [root.pk]
    while frontier:
        frontier = list(qs.filter(parent_id__in=frontier).exclude(pk__in=ids).values_list("id", flat=True))
        ids.update(frontier)
    rows = {e.pk: e for e in qs.filter(pk__in=ids)}
    legs = list(qs.filter(pass_through_of_id__in=ids))
    fig = figures(
        qs.filter(pk__in=ids | {leg.pk for leg in legs})
        | qs.filter(size_of_id__in=ids)
        | qs.filter(draws_on_id__in=ids)
    )

    def node(e: LedgerEvent) -> dict[str, Any]:
        kids = sorted((c for c in rows.values() if c.parent_id == e.pk), key=lambda c: c.pk)
        out = event_row(e, fig)
        out["children"] = [node(c) for c in kids if c.kind in FLOW_KINDS]
        out["changes"] = [event_row(c) for c in kids if c.kind not in FLOW_KINDS] + [
            event_row(r)
            for c in kids
            if c.kind == Kind.AMENDMENT
            for r in rows.values()
            if r.parent_id == c.pk
        ]
        out["pass_through_legs"] = [event_row(leg, fig) for leg in legs if leg.pass_through_of_id == e.pk]
        return out

    return node(root)


class _Console:
    """The operator at the server's console reads the whole ledger, as with any database tool."""

    is_authenticated = False
    is_superuser = True


CONSOLE = _Console()


def report_dict(rep: Report) -> dict[str, Any]:
    """A report as plain JSON-ready data (API, ``--format json``)."""

    def total(t: Total) -> dict[str, Any]:
        return {
            "party": t.party,
            "kind": t.kind,
            "period": t.period,
            "original": {c: str(m.amount) for c, m in sorted(t.by_currency.items())},
            "converted": str(t.converted.amount) if t.converted is not None else None,
            "quantities": dict(sorted(t.quantities.items())),
        }

    return {
        "as_of": rep.as_of.isoformat() if rep.as_of else None,
        "currency": rep.currency,
        "totals": [total(t) for t in rep.totals],
        "pledged_open": {c: str(m.amount) for c, m in sorted(rep.pledged_open.items())},
        "pledged_open_converted": str(rep.pledged_open_converted.amount)
        if rep.pledged_open_converted is not None
        else None,
        "passed_through": [total(t) for t in rep.passed_through],
        "statuses": [
            {"party": p, "kind": k, "status": s, "count": n} for (p, k, s), n in sorted(rep.statuses.items())
        ],
        "rates": [
            {
                "currency": r.currency,
                "to_currency": r.to_currency,
                "value_date": r.value_date.isoformat(),
                "rate_date": r.rate_date.isoformat(),
                "rate": r.rate,
            }
            for r in rep.rates
        ],
        "rates_source": rep.rates_source,
    }
