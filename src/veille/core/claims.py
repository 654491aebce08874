"""Who gives what share of the support to Ukraine, under stated definitions (pure, no Django).

The press report's sentence, "99 % of all military support to Ukraine comes from NATO allies and
partners", depends on choices that the data do not make for you: allocations or commitments, which
donors count as allies or partners (today, or on the day of each record), what to do with the EU
institutions (their own donor, left out, or spread over the member states by a stated key), and the
period. :func:`shares` takes those choices explicitly and returns every figure with them.

>>> rows = [Contribution("USA", "ally", "military", Decimal(64)), Contribution("AUS", "partner", "military",
...         Decimal(1)), Contribution("TWN", "other", "military", Decimal(0))]
>>> r = shares(rows, Definition())
>>> r.share_pct("ally"), r.share_pct("ally+partner")
(Decimal('98.46'), Decimal('100.00'))
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

__all__ = [
    "CENT",
    "CLASSES",
    "EU_INSTITUTIONS",
    "ClaimCheck",
    "Contribution",
    "Definition",
    "Result",
    "all_definitions",
    "classify",
    "shares",
]

CLASSES = ("ally", "partner", "eu_institution", "other")
CENT = Decimal("0.01")
EU_INSTITUTIONS = "EUI"


@dataclass(frozen=True)
class Contribution:
    """One donor's support of one type (EUR), with the donor's class under the rule in force.

    ``status`` is the donor's relation to NATO (ally, partner, multilateral, recipient, other);
    ``status_on_date`` the same on the record's date when the record carries one.
    """

    donor: str
    status: str
    aid_type: str
    value_eur: Decimal
    basis: str = "allocation"
    day: dt.date | None = None
    status_on_date: str | None = None
    eu_member: bool = False
    where: str = ""


@dataclass(frozen=True)
class Definition:
    aid_type: str = "military"
    basis: str = "allocation"  # allocation | commitment
    membership: str = "present"  # present | dated
    eu_institutions: str = "own"  # own | exclude | redistribute
    since: dt.date | None = None
    until: dt.date | None = None

    def describe(self) -> dict[str, str]:
        return {
            "aid type": self.aid_type,
            "basis": {
                "allocation": "allocations (aid earmarked for delivery)",
                "commitment": "commitments (aid promised)",
            }[self.basis],
            "membership": {
                "present": "membership today, as the quoted sentence means it",
                "dated": "membership on each record's date (records without a date: today)",
            }[self.membership],
            "EU institutions": {
                "own": "their own donor, neither ally nor partner",
                "exclude": "left out of the total",
                "redistribute": "spread over the EU member states in proportion to each "
                "member state's own aid of the same type in the same data",
            }[self.eu_institutions],
            "period": f"{self.since or 'start of the data'} to {self.until or 'end of the data'}",
        }


def classify(status: str) -> str:
    """ally → ally; partner → partner; multilateral → eu_institution; anything else → other.

    >>> classify("multilateral"), classify("recipient")
    ('eu_institution', 'other')
    """
    if status in ("ally", "partner"):
        return status
    if status == "multilateral":
        return "eu_institution"
    return "other"


@dataclass
class Result:
    definition: Definition
    total_eur: Decimal
    by_class_eur: dict[str, Decimal]
    by_donor_eur: dict[str, Decimal]
    donor_class: dict[str, str]
    rows_used: int
    rows_undated: int = 0
    redistributed_eur: Decimal = Decimal(0)
    notes: list[str] = field(default_factory=list)

    def share(self, cls: str) -> Decimal:
        """The share (0..1) of ``ally``, ``partner``, ``eu_institution``, ``other``, or ``ally+partner``."""
        if not self.total_eur:
            return Decimal(0)
        value = sum((self.by_class_eur.get(c, Decimal(0)) for c in cls.split("+")), Decimal(0))
        return value / self.total_eur

    def share_pct(self, cls: str, places: int = 2) -> Decimal:
        quantum = Decimal(1).scaleb(-places)
        return (self.share(cls) * 100).quantize(quantum, rounding=ROUND_HALF_EVEN)

    def donors_in(self, cls: str) -> list[tuple[str, Decimal]]:
        return sorted(
            ((d, v) for d, v in self.by_donor_eur.items() if self.donor_class[d] == cls),
            key=lambda dv: (-dv[1], dv[0]),
        )


def _in_period(row: Contribution, d: Definition) -> bool:
    if row.day is None:
        return True  # undated release totals cover the whole period of the release
    if d.since and row.day < d.since:
        return False
    return not (d.until and row.day > d.until)


def shares(rows: Iterable[Contribution], definition: Definition) -> Result:
    """Shares of support by donor class under ``definition``. Values stay exact Decimals."""
    d = definition
    selected = [r for r in rows if r.aid_type == d.aid_type and r.basis == d.basis and _in_period(r, d)]
    undated = sum(1 for r in selected if r.day is None)
    notes = []
    if undated and (d.since or d.until):
        notes.append(
            f"{undated} record(s) carry no date (release totals); they are counted for the whole "
            "period of the release, whatever period is chosen"
        )
    by_donor: dict[str, Decimal] = defaultdict(Decimal)
    donor_class: dict[str, str] = {}
    eu_members: set[str] = set()
    for r in selected:
        status = r.status
        if d.membership == "dated" and r.day is not None and r.status_on_date is not None:
            status = r.status_on_date
        cls = classify(status)
        # A donor counted in another class than its present one (Sweden before 2024-03-07 under dated
        # membership) is shown apart, so that the page says what moved.
        key = r.donor if cls == classify(r.status) else f"{r.donor} (as {cls})"
        donor_class[key] = cls
        by_donor[key] += r.value_eur
        if r.eu_member:
            eu_members.add(key)
    redistributed = Decimal(0)
    eu_keys = [k for k, c in donor_class.items() if c == "eu_institution"]
    if d.eu_institutions == "exclude":
        for k in eu_keys:
            by_donor.pop(k)
            donor_class.pop(k)
    elif d.eu_institutions == "redistribute":
        pot = sum((by_donor.pop(k) for k in eu_keys), Decimal(0))
        for k in eu_keys:
            donor_class.pop(k)
        weights = {k: by_donor[k] for k in eu_members if k in by_donor}
        base = sum(weights.values(), Decimal(0))
        if pot and base:
            # Shares to the cent, the remainder to the largest member, so the total stays exact.
            order = sorted(weights, key=lambda k: (weights[k], k))
            given = Decimal(0)
            for k in order[:-1]:
                share = (pot * weights[k] / base).quantize(CENT)
                by_donor[k] += share
                given += share
            by_donor[order[-1]] += pot - given
            redistributed = pot
        elif pot:
            notes.append(
                "the EU institutions' aid could not be spread: no member state gave aid of this type"
            )
            donor_class["EU institutions (not spread)"] = "eu_institution"
            by_donor["EU institutions (not spread)"] = pot
    by_class = {c: Decimal(0) for c in CLASSES}
    for k, v in by_donor.items():
        by_class[donor_class[k]] += v
    total = sum(by_class.values(), Decimal(0))
    return Result(
        definition=d,
        total_eur=total,
        by_class_eur=by_class,
        by_donor_eur=dict(by_donor),
        donor_class=donor_class,
        rows_used=len(selected),
        rows_undated=undated,
        redistributed_eur=redistributed,
        notes=notes,
    )


@dataclass
class ClaimCheck:
    """A sentence of the press report checked against data: what it says, what the data give, with
    which data and definitions. ``holds`` is None when the data needed are not loaded."""

    key: str
    sentence_fr: str
    sentence_en: str
    claim: str
    computed: str
    holds: bool | None
    data: str
    definitions: dict[str, str]
    detail: dict[str, Any] = field(default_factory=dict)
    pending: str = ""  # why ``holds`` is None although data are loaded (a pledge for a later year)

    @property
    def verdict(self) -> str:
        """The verdict in words: "holds", "does not hold", "not testable yet" (a pledge for a later
        year), "not enough data to decide" (a figure is computed, but from data that cannot settle
        the claim: a partial total below a "more than") or "no data" (nothing loaded).

        >>> c = ClaimCheck("k", "fr", "en", "> 4", "3.873 bn USD", None, "file.csv", {}, {"total": 3873})
        >>> c.verdict
        'not enough data to decide'
        >>> ClaimCheck("k", "fr", "en", "> 4", "no data loaded", None, "none", {}).verdict
        'no data'
        """
        if self.holds is not None:
            return "holds" if self.holds else "does not hold"
        if self.pending:
            return "not testable yet"
        return "not enough data to decide" if self.detail else "no data"


def all_definitions(base: Definition, choices: Mapping[str, Iterable[str]]) -> list[Definition]:
    """Every combination of the given choices, for a sensitivity table.

    >>> len(all_definitions(Definition(), {"eu_institutions": ["own", "exclude"], "basis": ["allocation"]}))
    2
    """
    out = [base]
    for name, values in choices.items():
        out = [replace(defn, **{name: v}) for defn in out for v in values]  # type: ignore[arg-type]
    return out
