"""Defence spending against the Hague pledge: pure computations over plain numbers.

The Hague summit (June 2025) commits allies to 5 % of GDP a year by 2035: at least 3.5 % on core
defence as NATO defines it and up to 1.5 % on resilience (infrastructure, networks, civil
preparedness, innovation, the industrial base), on annual plans that follow a credible, incremental
path, with a review in 2029. The older guidelines remain: 2 % of GDP, and 20 % of defence spending
on major equipment (including related R&D).

Money and published shares are ``Decimal``; percentages carry ``_pct`` in their names and are in
percent (``3.5`` means 3.5 %). Nothing here reads files or the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise

__all__ = [
    "CORE_TARGET_PCT",
    "EQUIPMENT_GUIDELINE_PCT",
    "GUIDELINE_PCT",
    "HUNDRED",
    "RESILIENCE_CAP_PCT",
    "REVIEW_YEAR",
    "TARGET_YEAR",
    "TOTAL_TARGET_PCT",
    "Aggregate",
    "AllyYear",
    "EquipmentCheck",
    "PathPoint",
    "PlanAssessment",
    "PlanYear",
    "SpendingStep",
    "aggregate",
    "annual_step_pct",
    "assess_plan",
    "average_increase_usd",
    "check_equipment_pct",
    "count_at_or_above",
    "equipment_share",
    "median",
    "path_in_usd",
    "real_growth_pct",
    "round_pct",
    "share_of_gdp_pct",
    "straight_path",
]

#: The Hague pledge (NATO, The Hague Summit Declaration, 25 June 2025, paragraph 2).
TARGET_YEAR = 2035
REVIEW_YEAR = 2029
CORE_TARGET_PCT = Decimal("3.5")
RESILIENCE_CAP_PCT = Decimal("1.5")
TOTAL_TARGET_PCT = Decimal("5")
#: Wales Summit Declaration (2014), paragraph 14: 2 % of GDP, and 20 % of defence spending on major
#: equipment including related research and development.
GUIDELINE_PCT = Decimal("2")
EQUIPMENT_GUIDELINE_PCT = Decimal("20")

HUNDRED = Decimal(100)


def _clean(value: Decimal) -> Decimal:
    """Drop trailing zeros without switching to exponent notation (``20.0`` → ``20``, not ``2E+1``)."""
    normal = value.normalize()
    return normal.quantize(Decimal(1)) if int(normal.as_tuple().exponent) > 0 else normal


def _dec(value: Decimal | int | str) -> Decimal:
    if isinstance(value, float):
        raise TypeError("pass a Decimal, int or str, not a float (binary floats lose published digits)")
    return value if isinstance(value, Decimal) else Decimal(value)


def round_pct(value: Decimal, places: int = 2) -> Decimal:
    """Round half up to ``places`` decimals, as NATO prints its shares.

    >>> round_pct(Decimal("2.125"))
    Decimal('2.13')
    >>> round_pct(Decimal("4.120190989357147"))
    Decimal('4.12')
    """
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def share_of_gdp_pct(spending: Decimal, gdp: Decimal) -> Decimal:
    """Defence spending as a percentage of GDP (both in the same currency and price base).

    >>> share_of_gdp_pct(Decimal("41.2"), Decimal("1000"))
    Decimal('4.12')
    """
    spending, gdp = _dec(spending), _dec(gdp)
    if gdp <= 0:
        raise ValueError("GDP must be positive")
    return spending * HUNDRED / gdp


def real_growth_pct(previous_constant: Decimal, current_constant: Decimal) -> Decimal:
    """Real change from one year to the next, from spending at constant prices.

    >>> real_growth_pct(Decimal("100"), Decimal("112.5"))
    Decimal('12.5')
    """
    previous_constant, current_constant = _dec(previous_constant), _dec(current_constant)
    if previous_constant <= 0:
        raise ValueError("the earlier year's spending must be positive")
    return (current_constant - previous_constant) * HUNDRED / previous_constant


@dataclass(frozen=True)
class EquipmentCheck:
    share_pct: Decimal
    guideline_pct: Decimal
    meets: bool
    gap_pct: Decimal  # percentage points below the guideline (0 when met)


def equipment_share(
    equipment: Decimal, total: Decimal, guideline_pct: Decimal = EQUIPMENT_GUIDELINE_PCT
) -> EquipmentCheck:
    """Share of defence spending on major equipment, against the 20 % guideline.

    >>> c = equipment_share(Decimal("18"), Decimal("100"))
    >>> c.share_pct, c.meets, c.gap_pct
    (Decimal('18'), False, Decimal('2'))
    """
    equipment, total = _dec(equipment), _dec(total)
    if total <= 0:
        raise ValueError("total spending must be positive")
    return check_equipment_pct(equipment * HUNDRED / total, guideline_pct)


def check_equipment_pct(
    share_pct: Decimal, guideline_pct: Decimal = EQUIPMENT_GUIDELINE_PCT
) -> EquipmentCheck:
    """The same check when the share is already published (NATO's Table 8a).

    >>> check_equipment_pct(Decimal("29.88")).meets
    True
    """
    share_pct = _dec(share_pct)
    return EquipmentCheck(
        share_pct, guideline_pct, share_pct >= guideline_pct, max(Decimal(0), guideline_pct - share_pct)
    )


@dataclass(frozen=True)
class PathPoint:
    year: int
    pct: Decimal


def straight_path(
    last_year: int, last_pct: Decimal, target_pct: Decimal, target_year: int = TARGET_YEAR
) -> list[PathPoint]:
    """The straight line in share of GDP from the last actual year to the target in ``target_year``.

    The first point is the last actual year itself. A nation already at or above the target stays
    level: the pledge asks to reach a floor, not to come down to it.

    >>> [(p.year, str(p.pct)) for p in straight_path(2024, Decimal("2.0"), Decimal("3.5"), 2027)]
    [(2024, '2.0'), (2025, '2.5'), (2026, '3.0'), (2027, '3.5')]
    >>> [str(p.pct) for p in straight_path(2024, Decimal("4.12"), Decimal("3.5"), 2026)]
    ['4.12', '4.12', '4.12']
    """
    last_pct, target_pct = _dec(last_pct), _dec(target_pct)
    if target_year <= last_year:
        return [PathPoint(last_year, last_pct)]
    if last_pct >= target_pct:
        return [PathPoint(y, last_pct) for y in range(last_year, target_year + 1)]
    step = (target_pct - last_pct) / (target_year - last_year)
    points = [PathPoint(y, last_pct + step * (y - last_year)) for y in range(last_year, target_year)]
    points.append(PathPoint(target_year, target_pct))  # exact, whatever the division left over
    return points


def annual_step_pct(
    last_year: int, last_pct: Decimal, target_pct: Decimal, target_year: int = TARGET_YEAR
) -> Decimal:
    """Percentage points of GDP to add each year on the straight path (0 when already there).

    >>> annual_step_pct(2024, Decimal("2.4"), Decimal("3.5"))
    Decimal('0.1')
    """
    if target_year <= last_year or last_pct >= target_pct:
        return Decimal(0)
    return (_dec(target_pct) - _dec(last_pct)) / (target_year - last_year)


@dataclass(frozen=True)
class SpendingStep:
    year: int
    pct: Decimal
    spending_usd: Decimal
    increase_usd: Decimal  # over the year before
    gap_usd: Decimal  # over the last actual year


def path_in_usd(
    path: Sequence[PathPoint], gdp_constant_usd: Decimal, real_gdp_growth_pct: Decimal = Decimal(0)
) -> list[SpendingStep]:
    """Spending in constant USD that the path implies, with GDP growing at a stated real rate.

    With ``real_gdp_growth_pct = 0`` (the default) GDP stays at the last actual year's level, so the
    figures isolate the effect of the rising share; callers that assume growth say which rate.

    >>> steps = path_in_usd(straight_path(2024, Decimal("2"), Decimal("3"), 2026), Decimal("1000"))
    >>> [(s.year, str(s.spending_usd), str(s.increase_usd), str(s.gap_usd)) for s in steps]
    [(2024, '20', '0', '0'), (2025, '25', '5', '5'), (2026, '30', '5', '10')]
    """
    if not path:
        return []
    gdp = _dec(gdp_constant_usd)
    factor = 1 + _dec(real_gdp_growth_pct) / HUNDRED
    first = path[0].year
    steps: list[SpendingStep] = []
    base = previous = None
    for point in path:
        level = gdp * factor ** (point.year - first)
        spending = _clean(point.pct * level / HUNDRED)
        if base is None:
            base = previous = spending
        assert previous is not None
        steps.append(
            SpendingStep(
                point.year, point.pct, spending, _clean(spending - previous), _clean(spending - base)
            )
        )
        previous = spending
    return steps


def average_increase_usd(steps: Sequence[SpendingStep]) -> Decimal:
    """The constant-USD increase per year that a path implies (its total gap over its years).

    >>> path = straight_path(2024, Decimal("2"), Decimal("3"), 2026)
    >>> average_increase_usd(path_in_usd(path, Decimal("1000")))
    Decimal('5')
    """
    if len(steps) < 2:
        return Decimal(0)
    return _clean(steps[-1].gap_usd / (steps[-1].year - steps[0].year))


# --- alliance aggregates ----------------------------------------------------------------------


@dataclass(frozen=True)
class AllyYear:
    """One ally's figures for one year: spending and GDP in the same currency and price base."""

    code: str
    spending_usd: Decimal
    gdp_usd: Decimal


@dataclass(frozen=True)
class Aggregate:
    count: int
    total_spending_usd: Decimal
    total_gdp_usd: Decimal
    weighted_pct: Decimal  # GDP-weighted share: total spending over total GDP
    mean_pct: Decimal  # each ally counts once
    median_pct: Decimal
    at_or_above: Mapping[str, int] = field(default_factory=dict)  # threshold → number of allies


def median(values: Sequence[Decimal]) -> Decimal:
    """The median (mean of the two middle values for an even count).

    >>> median([Decimal(3), Decimal(1), Decimal(2), Decimal(10)])
    Decimal('2.5')
    """
    if not values:
        raise ValueError("median of nothing")
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[mid]
    low, high = ordered[mid - 1], ordered[mid]
    return low + (high - low) / 2  # stays between the two, whatever the rounding


def aggregate(
    rows: Iterable[AllyYear],
    thresholds_pct: Sequence[Decimal] = (GUIDELINE_PCT, CORE_TARGET_PCT, TOTAL_TARGET_PCT),
) -> Aggregate:
    """Alliance totals: the sum, the GDP-weighted share, the unweighted mean and the median share.

    The weighted share is NATO's "NATO Total" line: the sum of spending over the sum of GDP.

    >>> a = aggregate([AllyYear("A", Decimal(30), Decimal(1000)), AllyYear("B", Decimal(1), Decimal(100))])
    >>> a.total_spending_usd, a.weighted_pct, a.median_pct, a.at_or_above["2"]
    (Decimal('31'), Decimal('2.818181818181818181818181818'), Decimal('2'), 1)
    """
    rows = list(rows)
    if not rows:
        raise ValueError("no allies to aggregate")
    shares = [share_of_gdp_pct(r.spending_usd, r.gdp_usd) for r in rows]
    total_spending = sum((r.spending_usd for r in rows), Decimal(0))
    total_gdp = sum((r.gdp_usd for r in rows), Decimal(0))
    return Aggregate(
        count=len(rows),
        total_spending_usd=total_spending,
        total_gdp_usd=total_gdp,
        weighted_pct=share_of_gdp_pct(total_spending, total_gdp),
        mean_pct=sum(shares, Decimal(0)) / len(shares),
        median_pct=median(shares),
        at_or_above={str(t): count_at_or_above(shares, t) for t in thresholds_pct},
    )


def count_at_or_above(shares_pct: Iterable[Decimal], threshold_pct: Decimal, places: int | None = 2) -> int:
    """How many shares reach a threshold, comparing as published (rounded to ``places`` decimals).

    NATO counts an ally at 1.995 % as meeting 2 % because it prints 2.00; pass ``places=None`` to
    compare the unrounded values.

    >>> count_at_or_above([Decimal("1.995"), Decimal("1.994"), Decimal("2.5")], Decimal(2))
    2
    """
    if places is None:
        return sum(1 for s in shares_pct if s >= threshold_pct)
    return sum(1 for s in shares_pct if round_pct(s, places) >= threshold_pct)


# --- national plans ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanYear:
    year: int
    core_pct: Decimal
    resilience_pct: Decimal = Decimal(0)

    @property
    def total_pct(self) -> Decimal:
        """Core plus resilience as the pledge counts it: resilience up to 1.5 % of GDP."""
        return self.core_pct + min(self.resilience_pct, RESILIENCE_CAP_PCT)


@dataclass(frozen=True)
class PlanAssessment:
    credible: bool
    reasons: tuple[str, ...]
    reaches_core: bool
    reaches_total: bool
    never_falls: bool
    review_year: int
    at_review: PlanYear | None  # the plan's figures for the review year, if it gives them
    path_at_review_pct: Decimal | None  # the straight path's core share in the review year
    on_path_at_review: bool | None


def assess_plan(
    years: Iterable[PlanYear],
    *,
    last_actual_year: int | None = None,
    last_actual_pct: Decimal | None = None,
    target_year: int = TARGET_YEAR,
    review_year: int = REVIEW_YEAR,
) -> PlanAssessment:
    """Whether a national plan is credible: it reaches 3.5 % core and 5 % in all by 2035, and
    neither share ever falls from one year to the next. A plan that is not credible is still a plan:
    the reasons say what is missing. The 2029 review year is reported against the straight path from
    the last actual year (when given).

    >>> plan = [PlanYear(2025, Decimal("2.2"), Decimal("0.3")),
    ...         PlanYear(2035, Decimal("3.5"), Decimal("1.5"))]
    >>> assess_plan(plan).credible
    True
    >>> a = assess_plan([PlanYear(2025, Decimal("3")), PlanYear(2026, Decimal("2.8"))])
    >>> a.credible, a.reasons[0]
    (False, 'core falls from 3 % in 2025 to 2.8 % in 2026')
    """
    plan = sorted(years, key=lambda p: p.year)
    if not plan:
        raise ValueError("a plan needs at least one year")
    if len({p.year for p in plan}) != len(plan):
        raise ValueError("a plan gives each year once")
    reasons: list[str] = []
    never_falls = True
    for before, after in pairwise(plan):
        if after.core_pct < before.core_pct:
            never_falls = False
            reasons.append(
                f"core falls from {before.core_pct} % in {before.year} to {after.core_pct} % in {after.year}"
            )
        if after.total_pct < before.total_pct:
            never_falls = False
            reasons.append(
                f"core and resilience together fall from {before.total_pct} % in {before.year} "
                f"to {after.total_pct} % in {after.year}"
            )
    by_target = [p for p in plan if p.year <= target_year]
    final = by_target[-1] if by_target else None
    reaches_core = final is not None and final.core_pct >= CORE_TARGET_PCT
    reaches_total = final is not None and final.total_pct >= TOTAL_TARGET_PCT
    if final is None:
        reasons.append(f"the plan gives no year up to {target_year}")
    else:
        if final.year < target_year:
            reasons.append(f"the plan stops in {final.year}, before {target_year}")
        if not reaches_core:
            reasons.append(f"core reaches {final.core_pct} % by {final.year}, short of {CORE_TARGET_PCT} %")
        if not reaches_total:
            reasons.append(
                f"core and resilience reach {final.total_pct} % by {final.year}, short of "
                f"{TOTAL_TARGET_PCT} %"
            )
    over_cap = [p for p in plan if p.resilience_pct > RESILIENCE_CAP_PCT]
    if over_cap:
        # The pledge counts up to 1.5 % of resilience spending; more is allowed but does not count.
        reasons.append(
            f"resilience above {RESILIENCE_CAP_PCT} % in {', '.join(str(p.year) for p in over_cap)} "
            f"counts only up to {RESILIENCE_CAP_PCT} %"
        )
    at_review = next((p for p in plan if p.year == review_year), None)
    path_at_review = on_path = None
    if last_actual_year is not None and last_actual_pct is not None:
        path = {
            p.year: p.pct
            for p in straight_path(last_actual_year, last_actual_pct, CORE_TARGET_PCT, target_year)
        }
        path_at_review = path.get(review_year)
        if at_review is not None and path_at_review is not None:
            on_path = at_review.core_pct >= path_at_review
    credible = (
        reaches_core and reaches_total and never_falls and final is not None and final.year == target_year
    )
    return PlanAssessment(
        credible,
        tuple(reasons),
        reaches_core,
        reaches_total,
        never_falls,
        review_year,
        at_review,
        path_at_review,
        on_path,
    )
