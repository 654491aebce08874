"""Production capacity figures: units, dates, capacity as of a date, targets and lags (pure, no Django).

Figures are kept as stated (``28000`` ``per month``); every computation that needs another unit
converts with :func:`normalise`, which says how (``28,000 per month × 12 = 336,000 per year``).
Nothing here averages two figures: where sources disagree, every figure is returned.

>>> normalise(Decimal(28000), "per month", "per year").shown
'28,000 per month × 12 = 336,000 per year'
>>> PartialDate.parse("2025-12").last_day
datetime.date(2025, 12, 31)
>>> parse_period("before February 2022").end
datetime.date(2022, 1, 31)
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, localcontext

from veille.core.errors import InvalidInput
from veille.core.money import CURRENCIES

#: Kinds of figure, as the dataset files them.
KINDS = ("actual_capacity", "target_capacity", "production_actual", "contract", "investment")
ACTUAL_KINDS = ("actual_capacity", "production_actual")
#: Rates: how many of each make a year.
COUNT_RATES = {"per year": Decimal(1), "per month": Decimal(12)}
MASS_RATES = {"tonnes per year": Decimal(1), "tonnes per month": Decimal(12)}
STOCKS = ("units", "tonnes")
MASSES = {"kg": Decimal("0.001"), "tonnes": Decimal(1), "t": Decimal(1)}
MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
DAYS_PER_YEAR = Decimal("365.25")


class UnknownUnit(InvalidInput):
    """A unit that is neither a rate, a stock, a mass nor an ISO 4217 currency."""


class BadDate(InvalidInput):
    """A date that is not ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""


def unit_kind(unit: str) -> str:
    """``count_rate``, ``mass_rate``, ``stock`` or ``money``; anything else is refused.

    >>> unit_kind("per month"), unit_kind("tonnes per year"), unit_kind("units"), unit_kind("NOK")
    ('count_rate', 'mass_rate', 'stock', 'money')
    """
    if unit in COUNT_RATES:
        return "count_rate"
    if unit in MASS_RATES:
        return "mass_rate"
    if unit in STOCKS:
        return "stock"
    if unit in CURRENCIES:
        return "money"
    known = [*COUNT_RATES, *MASS_RATES, *STOCKS, "an ISO 4217 currency code"]
    raise UnknownUnit(
        f"{unit!r} is not a unit veille knows; expected one of {', '.join(known)}", field="unit"
    )


def fmt(value: Decimal) -> str:
    """A number as people read it: thousands separated, no trailing zeros.

    >>> fmt(Decimal("336000.000")), fmt(Decimal("0.0024")), fmt(Decimal("2.5E+6"))
    ('336,000', '0.0024', '2,500,000')
    """
    text = f"{value.normalize():,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True)
class Conversion:
    """A value in the unit asked for, with the stated value and the arithmetic that links them."""

    value: Decimal
    unit: str
    stated_value: Decimal
    stated_unit: str
    factor: Decimal
    shown: str
    #: ``shown`` in pieces: text and the numbers it writes, so that a page can write the numbers as
    #: its reader does (:meth:`written`).
    parts: tuple[str | Decimal, ...] = ()

    def written(self, number: Callable[[Decimal], str] = fmt) -> str:
        """``shown`` with each number written by ``number`` (a page passes its locale's formatter).

        >>> normalise(Decimal(28000), "per month", "per year").written(lambda d: f"<{d}>")
        '<28000> per month × <12> = <336000.00> per year'
        """
        if not self.parts:
            return self.shown
        return "".join(number(p) if isinstance(p, Decimal) else p for p in self.parts)


def normalise(value: Decimal, unit: str, to: str) -> Conversion:
    """Convert a rate to another period (``per month`` ↔ ``per year``; tonnes alike).

    >>> normalise(Decimal(2000000), "per year", "per month").shown
    '2,000,000 per year ÷ 12 = 166,666.67 per month'
    >>> normalise(Decimal(5), "per year", "per year").shown
    '5 per year (as stated)'
    >>> normalise(Decimal(5), "units", "per year")
    Traceback (most recent call last):
    ...
    veille.core.industry.UnknownUnit: unit: 'units' cannot be converted to 'per year'
    """
    rates = COUNT_RATES if unit in COUNT_RATES else MASS_RATES if unit in MASS_RATES else None
    unit_kind(unit)
    if rates is None or to not in rates:
        raise UnknownUnit(f"{unit!r} cannot be converted to {to!r}", field="unit")
    factor = rates[unit] / rates[to]
    converted = value * rates[unit] / rates[to]
    parts: tuple[str | Decimal, ...]
    if factor == 1:
        parts = (value, f" {unit} (as stated)") if unit == to else (value, f" {unit} = ", converted, f" {to}")
    elif factor > 1:
        parts = (value, f" {unit} × ", factor, " = ", round(converted, 2), f" {to}")
    else:
        parts = (value, f" {unit} ÷ ", 1 / factor, " = ", round(converted, 2), f" {to}")
    return Conversion(converted, to, value, unit, factor, _written(parts), parts)


def _written(parts: tuple[str | Decimal, ...]) -> str:
    return "".join(fmt(p) if isinstance(p, Decimal) else p for p in parts)


_PER_UNIT = re.compile(r"^(kg|tonnes|t) per (?:([\d,]+) )?(.+)$")


def per_unit_tonnes(value: Decimal, unit: str) -> Conversion:
    """An input per unit of product, in tonnes per unit, from a ratio as published.

    >>> per_unit_tonnes(Decimal("10.8"), "kg per shell").shown
    '10.8 kg per shell ÷ 1,000 = 0.0108 tonnes per unit'
    >>> per_unit_tonnes(Decimal(1200), "tonnes per 500000 charges").shown
    '1,200 tonnes per 500000 charges ÷ 500,000 = 0.0024 tonnes per unit'
    """
    m = _PER_UNIT.match(unit.strip())
    if not m:
        raise UnknownUnit(
            f"{unit!r} is not a ratio veille reads; expected 'kg per UNIT', 'tonnes per UNIT' or "
            "'tonnes per N UNITS'",
            field="unit",
        )
    mass, count = m.group(1), m.group(2)
    per = Decimal(count.replace(",", "")) if count else Decimal(1)
    if per <= 0:
        raise UnknownUnit(f"{unit!r}: the count per ratio must be positive", field="unit")
    factor = MASSES[mass] / per
    converted = value * factor
    divisor = 1 / factor
    parts: tuple[str | Decimal, ...]
    if factor == 1:
        parts = (value, f" {unit} (as stated)")
    else:
        parts = (value, f" {unit} ÷ ", divisor, " = ", round(converted, 8), " tonnes per unit")
    return Conversion(converted, "tonnes per unit", value, unit, factor, _written(parts), parts)


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to the year, the month or the day (``2027``, ``2025-12``, ``2024-03-15``)."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, text: str, field: str = "date") -> PartialDate:
        """Read ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; anything else is a :class:`BadDate`.

        >>> PartialDate.parse("2027").first_day, PartialDate.parse("2024-02").last_day
        (datetime.date(2027, 1, 1), datetime.date(2024, 2, 29))
        """
        m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", (text or "").strip())
        if not m:
            raise BadDate(f"{text!r} is not a date; expected YYYY, YYYY-MM or YYYY-MM-DD", field=field)
        year, month, day = int(m.group(1)), m.group(2), m.group(3)
        try:
            dt.date(year, int(month or 1), int(day or 1))
        except ValueError:
            raise BadDate(f"{text!r} is not a calendar date", field=field) from None
        return cls(year, int(month) if month else None, int(day) if day else None)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def last_day(self) -> dt.date:
        if self.day:
            return dt.date(self.year, self.month or 1, self.day)
        month = self.month or 12
        return dt.date(self.year, month, calendar.monthrange(self.year, month)[1])

    def __str__(self) -> str:
        text = f"{self.year:04d}"
        if self.month:
            text += f"-{self.month:02d}"
            if self.day:
                text += f"-{self.day:02d}"
        return text


@dataclass(frozen=True)
class Period:
    """The time a figure speaks of (``March 2023``, ``2024``, ``before February 2022``)."""

    start: dt.date | None
    end: dt.date
    label: str


def parse_period(label: str) -> Period | None:
    """Read the period labels the dataset uses; ``None`` when the label is no period (``multiyear``).

    ``YYYY`` is the year; ``Month YYYY`` the month; ``mid-YYYY`` ends 30 June; ``early YYYY`` ends
    31 March; ``end YYYY`` is December; ``before Month YYYY`` ends the day before that month.

    >>> parse_period("mid-2024").end, parse_period("2023").start, parse_period("FY2024-FY2026")
    (datetime.date(2024, 6, 30), datetime.date(2023, 1, 1), None)
    """
    text = (label or "").strip().lower()
    if m := re.fullmatch(r"(\d{4})", text):
        y = int(m.group(1))
        return Period(dt.date(y, 1, 1), dt.date(y, 12, 31), label)
    if m := re.fullmatch(r"([a-z]+) (\d{4})", text):
        if m.group(1) in MONTHS:
            d = PartialDate(int(m.group(2)), MONTHS[m.group(1)])
            return Period(d.first_day, d.last_day, label)
        if m.group(1) == "end":
            d = PartialDate(int(m.group(2)), 12)
            return Period(d.first_day, d.last_day, label)
        if m.group(1) == "early":
            y = int(m.group(2))
            return Period(dt.date(y, 1, 1), dt.date(y, 3, 31), label)
    if m := re.fullmatch(r"mid-(\d{4})", text):
        y = int(m.group(1))
        return Period(dt.date(y, 4, 1), dt.date(y, 6, 30), label)
    if (m := re.fullmatch(r"before ([a-z]+) (\d{4})", text)) and m.group(1) in MONTHS:
        first = dt.date(int(m.group(2)), MONTHS[m.group(1)], 1)
        return Period(None, first - dt.timedelta(days=1), label)
    return None


@dataclass(frozen=True)
class Fig:
    """One stated figure, as the computations need it. ``subject`` says whose figure it is
    (``nation:USA``, ``eu``, ``company:Rheinmetall``, ``site:Bergerac``); ``bound`` is ``""``,
    ``range_lower``, ``upper_bound`` or ``increment``."""

    ref: str
    kind: str
    value: Decimal
    unit: str
    stated: PartialDate
    subject: str
    period: Period | None = None
    target: PartialDate | None = None
    bound: str = ""
    family: str = ""

    @property
    def speaks_of(self) -> dt.date:
        """The last day the figure speaks of: its period's end, else its statement's date."""
        return self.period.end if self.period else self.stated.last_day

    def known_on(self, day: dt.date) -> bool:
        """A figure is counted as known from the last day of its statement's date (a month-only
        date is known from the month's end), never before."""
        return self.stated.last_day <= day

    def rate(self, to: str = "per year") -> Conversion:
        """The figure as a rate per year (or month): tonnes stay tonnes, counts stay counts."""
        if self.unit in MASS_RATES and not to.startswith("tonnes"):
            to = f"tonnes {to}"
        return normalise(self.value, self.unit, to)


def is_rate(unit: str) -> bool:
    return unit in COUNT_RATES or unit in MASS_RATES


@dataclass(frozen=True)
class SubjectCapacity:
    """A subject's capacity as of a date: the figures of the latest period then known. More than
    one figure means sources disagree; all are kept, none averaged."""

    subject: str
    speaks_of: dt.date
    figures: tuple[Fig, ...]
    rates: tuple[Conversion, ...]

    @property
    def conflicting(self) -> bool:
        return len({r.value for r in self.rates}) > 1


def capacity_as_of(
    figures: Iterable[Fig], as_of: dt.date, *, unit: str = "per year"
) -> list[SubjectCapacity]:
    """Per subject, the actual figures (capacity reached or output) known on ``as_of`` that speak of
    the latest period up to that day, as rates per year (or per month).

    >>> a = Fig("A", "production_actual", Decimal(20000), "per month", PartialDate(2023, 3), "nation:USA",
    ...         parse_period("March 2023"))
    >>> b = Fig("B", "production_actual", Decimal(40000), "per month", PartialDate(2024, 9), "nation:USA",
    ...         parse_period("September 2024"))
    >>> [c.rates[0].value for c in capacity_as_of([a, b], dt.date(2024, 1, 1))]
    [Decimal('240000')]
    >>> [c.figures[0].ref for c in capacity_as_of([a, b], dt.date(2025, 1, 1))]
    ['B']
    """
    latest: dict[str, list[Fig]] = defaultdict(list)
    for f in figures:
        if f.kind not in ACTUAL_KINDS or not is_rate(f.unit) or f.bound == "increment":
            continue
        if not f.known_on(as_of) or f.speaks_of > as_of:
            continue
        current = latest[f.subject]
        if not current or f.speaks_of > current[0].speaks_of:
            latest[f.subject] = [f]
        elif f.speaks_of == current[0].speaks_of:
            current.append(f)
    out = []
    for subject, figs in sorted(latest.items()):
        figs.sort(key=lambda f: f.ref)
        out.append(
            SubjectCapacity(subject, figs[0].speaks_of, tuple(figs), tuple(f.rate(unit) for f in figs))
        )
    return out


def years_between(a: dt.date, b: dt.date) -> Decimal:
    return Decimal((b - a).days) / DAYS_PER_YEAR


def annual_growth_pct(start: Decimal, end: Decimal, years: Decimal) -> Decimal | None:
    """Compound growth per year, in percent, from ``start`` to ``end`` over ``years``.

    >>> annual_growth_pct(Decimal(100), Decimal(400), Decimal(2))
    Decimal('100.0')
    >>> annual_growth_pct(Decimal(100), Decimal(100), Decimal(0)) is None
    True
    """
    if start <= 0 or end < 0 or years <= 0:
        return None
    with localcontext() as ctx:
        ctx.prec = 28
        pct = ((end / start) ** (1 / years) - 1) * 100
        if pct.adjusted() > 20:  # growth beyond any plan (a span of days): 28 significant digits
            return pct
        return pct.quantize(Decimal("0.1"), rounding=ROUND_HALF_EVEN)


TRACK_STATUSES = (
    "undated",
    "no_actual",
    "reached",
    "reached_late",
    "overdue",
    "on_track",
    "behind",
    "no_trend",
)


@dataclass(frozen=True)
class TargetTrack:
    """Where a target stands: the growth it needs per year from the latest actual figure, the growth
    achieved so far (earliest to latest actual figure), the verdict and the figures used."""

    target: Fig
    status: str
    target_rate: Conversion | None
    latest: Fig | None = None
    first: Fig | None = None
    reached_by: Fig | None = None
    needed_pct: Decimal | None = None
    achieved_pct: Decimal | None = None
    used: tuple[str, ...] = ()
    why: str = ""

    @property
    def on_track(self) -> bool | None:
        if self.status in ("reached", "on_track"):
            return True
        if self.status in ("reached_late", "overdue", "behind"):
            return False
        return None


def track_target(target: Fig, actuals: Iterable[Fig], as_of: dt.date) -> TargetTrack:
    """Track one target against the actual figures of the same subject known on ``as_of``.

    >>> pre = Fig("P", "production_actual", Decimal(14000), "per month", PartialDate(2024, 9), "nation:USA",
    ...           parse_period("February 2022"))
    >>> now = Fig("N", "production_actual", Decimal(40000), "per month", PartialDate(2025, 6), "nation:USA",
    ...           parse_period("June 2025"))
    >>> goal = Fig("G", "target_capacity", Decimal(100000), "per month", PartialDate(2024, 2), "nation:USA",
    ...            target=PartialDate(2025, 10))
    >>> track_target(goal, [pre, now], dt.date(2026, 2, 1)).status
    'overdue'
    >>> t = track_target(goal, [pre, now], dt.date(2025, 7, 1))
    >>> t.status, t.needed_pct > t.achieved_pct
    ('behind', True)
    """
    if target.target is None:
        return TargetTrack(target, "undated", None, why="the source gives no date for this target")
    if not is_rate(target.unit):
        return TargetTrack(target, "no_actual", None, why=f"a target in {target.unit!r} is not a rate")
    per = "per year"
    goal = target.rate(per)
    due = target.target.last_day
    known = sorted(
        (
            f
            for f in actuals
            if f.kind in ACTUAL_KINDS
            and is_rate(f.unit)
            and f.subject == target.subject
            and f.bound != "increment"
            and f.known_on(as_of)
            and unit_kind(f.unit) == unit_kind(target.unit)
        ),
        key=lambda f: (f.speaks_of, f.ref),
    )
    if not known:
        return TargetTrack(target, "no_actual", goal, why="no actual figure for this subject yet")
    reached = [f for f in known if f.rate(per).value >= goal.value and f.speaks_of >= target.stated.first_day]
    if reached:
        hit = reached[0]
        status = "reached" if hit.speaks_of <= due else "reached_late"
        return TargetTrack(target, status, goal, latest=known[-1], reached_by=hit, used=(target.ref, hit.ref))
    latest, first = known[-1], known[0]
    latest_rate = latest.rate(per).value
    achieved = None
    if first.speaks_of < latest.speaks_of:
        achieved = annual_growth_pct(
            first.rate(per).value, latest_rate, years_between(first.speaks_of, latest.speaks_of)
        )
    used = tuple(dict.fromkeys((target.ref, first.ref, latest.ref)))
    if due < as_of:
        return TargetTrack(
            target,
            "overdue",
            goal,
            latest,
            first,
            achieved_pct=achieved,
            used=used,
            why="the date has passed and no figure known shows the target reached",
        )
    needed = annual_growth_pct(latest_rate, goal.value, years_between(latest.speaks_of, due))
    if achieved is None or needed is None:
        return TargetTrack(
            target,
            "no_trend",
            goal,
            latest,
            first,
            needed_pct=needed,
            used=used,
            why="one actual figure only: no growth achieved to compare",
        )
    status = "on_track" if achieved >= needed else "behind"
    return TargetTrack(
        target, status, goal, latest, first, needed_pct=needed, achieved_pct=achieved, used=used
    )


@dataclass(frozen=True)
class Lag:
    """From a target's announcement to the first actual figure showing it reached."""

    target: Fig
    reached_by: Fig | None
    days: int | None
    late_by_days: int | None = None


def announcement_lag(target: Fig, actuals: Iterable[Fig]) -> Lag:
    """Days from the target's statement to the first later statement of an actual figure at or above
    it (same subject); ``late_by_days`` compares the period that figure speaks of with the target date.

    >>> goal = Fig("G", "target_capacity", Decimal(600), "per year", PartialDate(2025, 8, 9), "company:LM",
    ...            target=PartialDate(2025, 12))
    >>> made = Fig("M", "production_actual", Decimal(620), "per year", PartialDate(2026, 1, 6), "company:LM",
    ...            parse_period("2025"))
    >>> announcement_lag(goal, [made]).days, announcement_lag(goal, [made]).late_by_days
    (150, 0)
    """
    if not is_rate(target.unit):
        return Lag(target, None, None)
    goal = target.rate("per year").value
    candidates = sorted(
        (
            f
            for f in actuals
            if f.kind in ACTUAL_KINDS
            and f.subject == target.subject
            and is_rate(f.unit)
            and unit_kind(f.unit) == unit_kind(target.unit)
            and f.bound != "increment"
            and f.stated.last_day >= target.stated.last_day
            and f.speaks_of >= target.stated.first_day
            and f.rate("per year").value >= goal
        ),
        key=lambda f: (f.stated.last_day, f.ref),
    )
    if not candidates:
        return Lag(target, None, None)
    hit = candidates[0]
    late = None
    if target.target is not None:
        late = max(0, (hit.speaks_of - target.target.last_day).days)
    return Lag(target, hit, (hit.stated.last_day - target.stated.last_day).days, late)


def chart_points(figures: Sequence[Fig], unit: str = "per year") -> list[dict[str, object]]:
    """Each rate figure as a point: the date it speaks of (targets: their date, else their statement),
    the value per year, the kind and whether it is a lower or upper bound or an increment.

    >>> p = chart_points([Fig("X", "target_capacity", Decimal(2), "per month", PartialDate(2024), "eu",
    ...                       target=PartialDate(2025, 12))])
    >>> p[0]["date"], p[0]["value"], p[0]["undated"]
    ('2025-12-31', 24.0, False)
    """
    out: list[dict[str, object]] = []
    for f in figures:
        if not is_rate(f.unit):
            continue
        if f.kind == "target_capacity":
            day = f.target.last_day if f.target else f.stated.last_day
        else:
            day = f.speaks_of
        conv = f.rate(unit)
        out.append(
            {
                "ref": f.ref,
                "date": day.isoformat(),
                "value": float(conv.value),
                "kind": f.kind,
                "subject": f.subject,
                "bound": f.bound,
                "undated": f.kind == "target_capacity" and f.target is None,
                "conversion": conv.shown,
            }
        )
    return out


__all__ = [
    "BadDate",
    "Conversion",
    "Fig",
    "Lag",
    "PartialDate",
    "Period",
    "SubjectCapacity",
    "TargetTrack",
    "UnknownUnit",
    "announcement_lag",
    "annual_growth_pct",
    "capacity_as_of",
    "chart_points",
    "fmt",
    "is_rate",
    "normalise",
    "parse_period",
    "per_unit_tonnes",
    "track_target",
    "unit_kind",
    "years_between",
]
