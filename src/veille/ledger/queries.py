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
import weakref
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from typing import Any

from django.db import connections
from django.db.models import Case, Count, F, Q, QuerySet, Sum, When
from django.db.models.functions import Coalesce

from veille.core.errors import InvalidInput
from veille.core.fx import FxConverter, RateUsed
from veille.core.money import Money, check_currency, minor_unit
from veille.ledger import rates
from veille.ledger.models import (
    FLOW_KINDS,
    Kind,
    LedgerDaySum,
    LedgerEvent,
    LedgerFigure,
    Measure,
    Status,
    derive_status,
)
from veille.nations.access import sees_everything

__all__ = [
    "CONSOLE",
    "EVENT_COLUMNS",
    "PERIODS",
    "Figures",
    "Report",
    "Total",
    "as_of_instant",
    "chain",
    "count_statuses_in_python",
    "counted_events",
    "event_detail",
    "event_row",
    "event_rows",
    "events",
    "figures",
    "period_of",
    "report",
    "report_dict",
    "status_counts",
]

_UNITS = Case(When(measure=Measure.QUANTITY, then=F("quantity")), default=F("amount_minor"))
PERIODS = ("year", "quarter", "month")
_EXACT_DIGITS = 80  # for sums of converted groups: no rounding before the final one


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
    user: Any,
    *,
    party: str | None = None,
    as_of: dt.date | dt.datetime | None = None,
    include_synthetic: bool = False,
) -> dict[tuple[str, str, str], int]:
    """How many events of each (party, kind) are none / partial / complete / reversed."""
    qs = counted_events(user, as_of, include_synthetic)
    if party:
        qs = qs.filter(party_id=party.upper())
    if _kept_figures_apply(user, as_of, include_synthetic):
        return _count_statuses_kept(qs.db, party.upper() if party else None)
    return _count_statuses_sql(qs)


def counted_events(
    user: Any, as_of: dt.date | dt.datetime | None = None, include_synthetic: bool = False
) -> QuerySet[LedgerEvent]:
    """The events that totals add up: those of :func:`events`, less the synthetic demo records unless
    the reader asks for them (a list shows them, marked; a total leaves them out)."""
    qs = events(user, as_of)
    # Filtering only when a synthetic event exists keeps the balance query on its covering index
    # (the partial index on synthetic answers the question at once).
    if include_synthetic or not LedgerEvent.objects.using(qs.db).filter(synthetic=True).exists():
        return qs
    return qs.exclude(synthetic=True)


def _kept_figures_apply(
    user: Any, as_of: dt.date | dt.datetime | None, include_synthetic: bool = True
) -> bool:
    """The kept figures describe the whole ledger now: for readers who see it all, about the present,
    when no synthetic record is to be left out of them."""
    if as_of is not None or not sees_everything(user):
        return False
    return include_synthetic or not LedgerEvent.objects.filter(synthetic=True).exists()


def _count_statuses_kept(db: str, party: str | None) -> dict[tuple[str, str, str], int]:
    """Status counts from the figures the services keep (:mod:`veille.ledger.figures`)."""
    qs = LedgerFigure.objects.using(db).all()
    if party:
        qs = qs.filter(party_id=party)
    rows = qs.order_by().values("kind", "party_id", "status").annotate(n=Count("*"))  # the index's order
    return {(r["party_id"], r["kind"], r["status"]): int(r["n"]) for r in rows}


def count_statuses_in_python(qs: QuerySet[LedgerEvent], fig: Figures) -> dict[tuple[str, str, str], int]:
    """The same counts as :func:`status_counts`, row by row with :func:`derive_status` (cross-check)."""
    counts: dict[tuple[str, str, str], int] = defaultdict(int)
    for pk, party_id, kind in (
        qs.filter(kind__in=FLOW_KINDS).values_list("id", "party_id", "kind").iterator(chunk_size=10000)
    ):
        counts[(party_id, kind, fig.status(pk))] += 1
    return dict(counts)


# --- totals and balances -----------------------------------------------------------------------


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


# Factors found for a converter, kept as long as the converter (its table never changes): the
# rate-date policy is applied once per (currency, target, value date) per process, not per report.
_FACTORS: weakref.WeakKeyDictionary[FxConverter, dict[tuple[str, str, Any], tuple[Decimal, RateUsed]]] = (
    weakref.WeakKeyDictionary()
)


class _Rates:
    """Factors from each (currency, value date) to the report's currency, each found once."""

    def __init__(self, fx: FxConverter, to: str) -> None:
        self.fx, self.to = fx, to
        self.known = _FACTORS.setdefault(fx, {})
        self.seen: dict[tuple[str, Any], tuple[Decimal, RateUsed]] = {}

    def _find(self, currency: str, day: dt.date) -> tuple[Decimal, RateUsed]:
        key = (currency, self.to, day)
        found = self.known.get(key)
        if found is None:
            a, b = self.fx.legs(currency, self.to, day)
            with localcontext() as ctx:
                ctx.prec = 40
                factor = b.per_eur / a.per_eur
                ctx.prec = 12
                shown = b.per_eur / a.per_eur
            found = self.known[key] = (
                factor,
                RateUsed(
                    currency,
                    self.to,
                    day,
                    b.rate_date,
                    shown,
                    self.fx.source,
                    currency != self.to and self.fx.is_provisional(day),
                ),
            )
        return found

    def factor(self, currency: str, day: dt.date) -> Decimal:
        """Units of the report's currency per unit of ``currency`` (not per minor unit)."""
        key = (currency, day)
        found = self.seen.get(key)
        if found is None:
            found = self.seen[key] = self._find(currency, day)
        return found[0]

    def used(self) -> list[RateUsed]:
        return [
            used
            for _factor, used in sorted(self.seen.values(), key=lambda f: (f[1].currency, f[1].value_date))
        ]


def _sql(qs: QuerySet[Any, Any], columns: tuple[str, ...]) -> tuple[str, list[Any]]:
    """The visible, as-of-filtered events as SQL, to be used as a common table expression."""
    sql, params = qs.order_by().values_list(*columns).query.sql_with_params()
    return sql, list(params)


_STATUS_COLUMNS = (
    "id",
    "party_id",
    "kind",
    "measure",
    "quantity",
    "amount_minor",
    "size_of_id",
    "draws_on_id",
    "draw",
    "parent_id",
)


def _count_statuses_sql(qs: QuerySet[LedgerEvent]) -> dict[tuple[str, str, str], int]:
    """Status counts in one SQL statement (the same rules as :func:`derive_status`).

    The visible, as-of-filtered events are materialized once; the size changes, draws and reversals
    are summed per event from them and joined back (materialized too, so that both SQLite and
    PostgreSQL hash or index the join instead of evaluating it row by row).
    """
    inner, params = _sql(qs, _STATUS_COLUMNS)
    flow = ", ".join(["%s"] * len(FLOW_KINDS))
    own = "CASE WHEN e.measure = %s THEN e.quantity ELSE e.amount_minor END + COALESCE(sz.s, 0)"
    sql = f"""
        WITH ev({", ".join(_STATUS_COLUMNS)}) AS MATERIALIZED ({inner}),
        sz AS MATERIALIZED (
            SELECT size_of_id AS eid, SUM(CASE WHEN measure = %s THEN quantity ELSE amount_minor END) AS s
            FROM ev WHERE size_of_id IS NOT NULL GROUP BY size_of_id),
        dr AS MATERIALIZED (
            SELECT draws_on_id AS eid, SUM(draw) AS d FROM ev
            WHERE draws_on_id IS NOT NULL GROUP BY draws_on_id),
        rv AS MATERIALIZED (SELECT DISTINCT parent_id AS eid FROM ev WHERE kind = %s)
        SELECT e.party_id, e.kind,
               CASE WHEN rv.eid IS NOT NULL THEN 'reversed'
                    WHEN {own} = 0 OR COALESCE(dr.d, 0) <= 0 THEN 'none'
                    WHEN dr.d >= {own} THEN 'complete'
                    ELSE 'partial' END,
               COUNT(*)
        FROM ev e LEFT JOIN sz ON sz.eid = e.id LEFT JOIN dr ON dr.eid = e.id LEFT JOIN rv ON rv.eid = e.id
        WHERE e.kind IN ({flow})
        GROUP BY 1, 2, 3
    """  # noqa: S608 - only placeholders and the ORM's own SQL are interpolated
    quantity = Measure.QUANTITY.value
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, [*params, quantity, Kind.REVERSAL.value, quantity, quantity, *FLOW_KINDS])
        return {(p, k, st): int(n) for p, k, st, n in cursor.fetchall()}


def _pledged_open_sql(qs: QuerySet[LedgerEvent]) -> list[tuple[str, dt.date, int]]:
    """(currency, value date, minor units) pledged and not yet drawn by commitments."""
    columns = (
        "id",
        "kind",
        "counts_as",
        "measure",
        "currency",
        "value_date",
        "amount_minor",
        "size_of_id",
        "draws_on_id",
        "draw",
    )
    inner, params = _sql(qs.filter(counts_as__in=(Kind.PLEDGE, Kind.COMMITMENT)), columns)
    sql = f"""
        WITH ev({", ".join(columns)}) AS ({inner}),
        f(eid, currency, value_date, s, d, is_event) AS (
            SELECT id, currency, value_date, 0, 0, 1 FROM ev WHERE kind = %s AND measure = %s
            UNION ALL
            SELECT COALESCE(size_of_id, id), NULL, NULL, amount_minor, 0, 0 FROM ev WHERE counts_as = %s
            UNION ALL
            SELECT draws_on_id, NULL, NULL, 0, draw, 0 FROM ev
            WHERE counts_as = %s AND draws_on_id IS NOT NULL
        ),
        per AS (
            SELECT MAX(currency) AS currency, MAX(value_date) AS value_date, COALESCE(SUM(s), 0) AS s,
                   COALESCE(SUM(d), 0) AS d, MAX(is_event) AS is_event
            FROM f GROUP BY eid
        )
        SELECT currency, value_date, SUM(s - d) FROM per
        WHERE is_event = 1 AND s > d
        GROUP BY currency, value_date
    """  # noqa: S608 - only placeholders and the ORM's own SQL are interpolated
    with connections[qs.db].cursor() as cursor:
        cursor.execute(
            sql, [*params, Kind.PLEDGE.value, Measure.MONEY.value, Kind.PLEDGE.value, Kind.COMMITMENT.value]
        )
        rows = cursor.fetchall()
    return [
        (cur, day if isinstance(day, dt.date) else dt.date.fromisoformat(day), int(n)) for cur, day, n in rows
    ]


def _day(value: Any, seen: dict[Any, dt.date]) -> dt.date:
    """A value date as the database returned it (a date, or ISO text on SQLite)."""
    found = seen.get(value)
    if found is None:
        found = seen[value] = value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
    return found


def _pledged_open_kept(db: str, party: str | None) -> list[tuple[str, dt.date, int]]:
    """As :func:`_pledged_open_sql`, from the figures the services keep: a pledge's size less what
    commitments drew from it (its only children)."""
    qs = LedgerFigure.objects.using(db).filter(
        kind=Kind.PLEDGE, event__measure=Measure.MONEY, size__gt=F("drawn")
    )
    if party:
        qs = qs.filter(party_id=party)
    rows = (
        qs.order_by()
        .values("event__currency", "event__value_date")
        .annotate(left=Sum(F("size") - F("drawn")))
        .values_list("event__currency", "event__value_date", "left")
    )
    return [(cur, day, int(n)) for cur, day, n in rows]


def report(
    user: Any,
    *,
    party: str | None = None,
    currency: str | None = None,
    as_of: dt.date | dt.datetime | None = None,
    period: str | None = None,
    fx: FxConverter | None = None,
    include_synthetic: bool = False,
) -> Report:
    """Totals by party, kind (and period) in their own currencies and, with ``currency``, converted.

    Sums are exact in minor units per (party, kind, currency, value date); each group is converted
    with its value date's ECB rate without rounding, and each converted total is rounded once,
    half-even, to the currency's minor unit. ``period`` groups by the value date's year, quarter or
    month. Synthetic demo records are left out unless ``include_synthetic``.
    """
    if period is not None and period not in PERIODS:
        raise InvalidInput(f"must be one of {', '.join(PERIODS)}", field="period")
    to = check_currency(currency, field="currency") if currency else None
    fx = fx or rates.converter()
    if to is not None:
        fx.legs(to, "EUR", fx.table.source.last_date)  # an unsupported target fails before any work
    qs = counted_events(user, as_of, include_synthetic)
    if party:
        qs = qs.filter(party_id=party.strip().upper())
    kept = _kept_figures_apply(user, as_of, include_synthetic)
    factors = _Rates(fx, to) if to else None
    units: dict[tuple[bool, str, str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    exact: dict[tuple[bool, str, str, str], Decimal] = defaultdict(Decimal)
    counts: dict[tuple[bool, str, str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    # One grouped query, read with a plain cursor: the (about 40,000) groups need no per-row
    # conversion by the ORM; a value date read as text (SQLite) is parsed once per distinct day.
    columns = ("counted", "party_id", "counts_as", "currency", "item", "value_date")
    if kept:  # the sums the services keep per group
        sums = LedgerDaySum.objects.using(qs.db).all()
        if party:
            sums = sums.filter(party_id=party.strip().upper())
        sql, params = _sql(sums, (*columns, "amount_minor", "quantity"))
    else:
        sql, params = _sql(
            qs.values(*columns).annotate(a=Sum("amount_minor"), q=Sum("quantity")), (*columns, "a", "q")
        )
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        groups = cursor.fetchall()
    days: dict[Any, dt.date] = {}
    per_minor: dict[tuple[str, Any], Decimal] = {}  # report units per minor unit of (currency, day)
    periods: dict[Any, str] = {}
    # Exact: an amount (at most 19 digits) times a 40-digit factor needs 59; sums need a few more.
    with localcontext() as ctx:
        ctx.prec = _EXACT_DIGITS
        for is_counted, party_id, kind, cur, item, raw_day, amount, quantity in groups:
            if period:
                label = periods.get(raw_day)
                if label is None:
                    label = periods[raw_day] = period_of(_day(raw_day, days), period)
            else:
                label = ""
            key = (bool(is_counted), party_id, kind, label)
            if amount:
                units[key][cur] += amount
                if factors is not None:
                    f = per_minor.get((cur, raw_day))
                    if f is None:
                        f = per_minor[(cur, raw_day)] = factors.factor(cur, _day(raw_day, days)).scaleb(
                            -minor_unit(cur)
                        )
                    exact[key] += amount * f
            if quantity:
                counts[key][item] += quantity
    totals: dict[bool, list[Total]] = {True: [], False: []}
    for key in sorted(set(units) | set(counts), key=lambda k: (k[1], FLOW_KINDS.index(k[2]), k[3])):
        by_currency = {c: Money.from_minor(int(n), c) for c, n in sorted(units[key].items()) if n}
        quantities = {i: int(n) for i, n in sorted(counts[key].items()) if n}
        if not by_currency and not quantities:
            continue
        converted = Money.rounded(exact[key], to) if to and by_currency else None
        totals[key[0]].append(Total(key[1], key[2], key[3], by_currency, converted, quantities))

    # Pledged and not (yet) committed, in each pledge's currency (invariant 4).
    open_units: dict[str, int] = defaultdict(int)
    open_exact = Decimal(0)
    for cur, day, left in (
        _pledged_open_kept(qs.db, party.strip().upper() if party else None) if kept else _pledged_open_sql(qs)
    ):
        open_units[cur] += left
        if factors is not None:
            with localcontext() as ctx:
                ctx.prec = _EXACT_DIGITS
                open_exact += left * Decimal(1).scaleb(-minor_unit(cur)) * factors.factor(cur, day)
    return Report(
        as_of=as_of_instant(as_of),
        currency=to,
        totals=totals[True],
        rates=factors.used() if factors else [],
        pledged_open={c: Money.from_minor(n, c) for c, n in sorted(open_units.items())},
        pledged_open_converted=Money.rounded(open_exact, to) if to and open_units else None,
        passed_through=totals[False],
        statuses=_count_statuses_kept(qs.db, party.strip().upper() if party else None)
        if kept
        else _count_statuses_sql(qs),
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
    "synthetic",
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
        "synthetic": bool(e.synthetic),
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
                "rate": str(r.rate),
                "provisional": r.provisional,
            }
            for r in rep.rates
        ],
        "rates_source": rep.rates_source,
    }
