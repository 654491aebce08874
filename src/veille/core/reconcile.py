"""Which records of two sources are the same money (pure, no Django).

PURL and the Kiel tracker both post a donor's aid to the ledger: a PURL contribution (a *candidate*)
may be money that a tracker's record (a *record*) counts too. A record is either the same aid
recorded again (scope ``record``: one activity of the tracker's workbook) or a total that holds it
(scope ``total``: a donor's allocations of one type over a whole release).

The rule, stated once and used both to propose links and to check every link written:

* same donor, always;
* scope ``record``: the dates at most ``window_days`` apart, and the amounts (in one currency, the
  record's) differ by at most ``tolerance_pct`` of the candidate's amount; a record is the same aid
  as one candidate only;
* scope ``total``: the candidate is dated on or before the total's date (a total as of a day cannot
  hold later money) and fits in what the total has not already given to other candidates.

A record the tracker itself marks as money of the candidates' channel (PURL-funded) is preferred
over any other; then a record over a total, then the smallest difference, the nearest date, and the
lowest key, so that the proposals do not depend on the order of the inputs.

>>> rule = Rule(tolerance_pct=Decimal(5), window_days=31)
>>> nld = Candidate(1, "NLD", dt.date(2025, 8, 4), Decimal("500000000"))
>>> row = Record(10, "NLD", dt.date(2025, 8, 5), Decimal("510000000"), "record")
>>> [(p.candidate, p.record, str(p.difference_pct)) for p in propose([nld], [row], rule)]
[(1, 10, '2.00')]
>>> problem(nld, Record(11, "NOR", dt.date(2025, 8, 5), Decimal("500000000"), "record"), rule)
('party', "the record is NOR's, the contribution NLD's: a link joins two records of one donor")
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

__all__ = [
    "DEFAULT_TOLERANCE_PCT",
    "DEFAULT_WINDOW_DAYS",
    "SCOPES",
    "Candidate",
    "Proposal",
    "Record",
    "Rule",
    "difference_pct",
    "problem",
    "propose",
]

SCOPES = ("record", "total")
DEFAULT_TOLERANCE_PCT = Decimal(5)
DEFAULT_WINDOW_DAYS = 31
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class Candidate:
    """A record that another source may count too (a PURL commitment): amount in the record's currency."""

    key: int
    party: str
    day: dt.date
    amount: Decimal


@dataclass(frozen=True)
class Record:
    """A tracker's record: the same aid (``record``) or a total that holds it (``total``)."""

    key: int
    party: str
    day: dt.date
    amount: Decimal
    scope: str
    marked: bool = False


@dataclass(frozen=True)
class Rule:
    tolerance_pct: Decimal = DEFAULT_TOLERANCE_PCT
    window_days: int = DEFAULT_WINDOW_DAYS

    def __post_init__(self) -> None:
        if not isinstance(self.tolerance_pct, Decimal) or not Decimal(0) <= self.tolerance_pct <= Decimal(
            100
        ):
            raise ValueError("tolerance_pct is a Decimal from 0 to 100")
        if isinstance(self.window_days, bool) or not 0 <= self.window_days <= 3660:
            raise ValueError("window_days is a whole number of days from 0 to 3660")


@dataclass(frozen=True)
class Proposal:
    candidate: int
    record: int
    scope: str
    difference_pct: Decimal | None
    marked: bool


def difference_pct(candidate: Decimal, record: Decimal) -> Decimal:
    """How far the record's amount is from the candidate's, in % of the candidate's (to the cent).

    >>> difference_pct(Decimal(100), Decimal(97)), difference_pct(Decimal(100), Decimal(100))
    (Decimal('3.00'), Decimal('0.00'))
    """
    if candidate <= 0:
        return Decimal(100) if record != candidate else Decimal("0.00")
    return (abs(record - candidate) * 100 / candidate).quantize(_CENT, rounding=ROUND_HALF_EVEN)


def problem(
    candidate: Candidate, record: Record, rule: Rule, room: Decimal | None = None
) -> tuple[str, str] | None:
    """Why ``record`` cannot count ``candidate`` under ``rule`` — ``(field, reason)`` — or None.

    ``room`` is what a total has not already given to other candidates (its whole amount if None).

    >>> rule = Rule()
    >>> total = Record(7, "DEU", dt.date(2026, 4, 21), Decimal(1000), "total")
    >>> problem(Candidate(1, "DEU", dt.date(2025, 8, 13), Decimal(400)), total, rule, room=Decimal(300))
    ('amount', 'the total has 300 left that no other contribution takes; this one is 400')
    """
    if candidate.party != record.party:
        return (
            "party",
            f"the record is {record.party}'s, the contribution {candidate.party}'s: a link joins two "
            "records of one donor",
        )
    if record.scope not in SCOPES:
        return "scope", f"a record is one of {', '.join(SCOPES)}, not {record.scope!r}"
    if record.scope == "total":
        if candidate.day > record.day:
            return (
                "value_date",
                f"the total runs to {record.day.isoformat()}; money of {candidate.day.isoformat()} "
                "is not in it",
            )
        left = record.amount if room is None else room
        if candidate.amount > left:
            return (
                "amount",
                f"the total has {left} left that no other contribution takes; this one is {candidate.amount}",
            )
        return None
    days = abs((record.day - candidate.day).days)
    if days > rule.window_days:
        return (
            "value_date",
            f"the dates are {days} days apart; the rule allows at most {rule.window_days}",
        )
    diff = difference_pct(candidate.amount, record.amount)
    if diff > rule.tolerance_pct:
        return (
            "amount",
            f"the amounts differ by {diff} % ({candidate.amount} and {record.amount}); the tolerance is "
            f"{rule.tolerance_pct} %",
        )
    return None


def propose(
    candidates: Iterable[Candidate],
    records: Iterable[Record],
    rule: Rule,
    *,
    taken: Mapping[int, Decimal] | None = None,
    linked: Iterable[int] = (),
    refused: Iterable[tuple[int, int]] = (),
) -> list[Proposal]:
    """One proposal per candidate that some record may count, best record first (see the module).

    ``taken``: what each record already counts of other candidates (a ``record`` with anything
    taken is not free); ``linked``: candidates linked already; ``refused``: (candidate, record)
    pairs a coordinator rejected, never proposed again.
    """
    used: dict[int, Decimal] = dict(taken or {})
    done = set(linked)
    no = set(refused)
    pool = sorted(records, key=lambda r: r.key)
    out: list[Proposal] = []
    for c in sorted(candidates, key=lambda c: (c.day, c.key)):
        if c.key in done:
            continue
        best: tuple[tuple[object, ...], Record, Decimal | None] | None = None
        for r in pool:
            if (c.key, r.key) in no or r.party != c.party:
                continue
            if r.scope == "record" and r.key in used:
                continue
            room = r.amount - used.get(r.key, Decimal(0)) if r.scope == "total" else None
            if problem(c, r, rule, room) is not None:
                continue
            diff = difference_pct(c.amount, r.amount) if r.scope == "record" else None
            rank = (
                not r.marked,
                r.scope != "record",
                diff if diff is not None else Decimal(0),
                abs((r.day - c.day).days),
                r.key,
            )
            if best is None or rank < best[0]:
                best = (rank, r, diff)
        if best is None:
            continue
        _rank, r, diff = best
        used[r.key] = used.get(r.key, Decimal(0)) + c.amount
        done.add(c.key)
        out.append(Proposal(c.key, r.key, r.scope, diff, r.marked))
    return out
