"""The public record of PURL contributions (``data/purl/purl_contributions.csv``) and its overlaps.

The file compiles press reports, one source per row, and its rows overlap; its notes say where.
veille resolves each overlap as the note describes, and says so on every record it writes:

* **a national share inside a joint package** is linked to that package and not added again: the
  package's announced total counts once, the known shares inside it; when some joint members'
  shares are not published, the rest of the total is theirs, unattributed (never spread by guess);
* **a nation's contribution split across packages** is one commitment; its share of a joint
  package is an allocation drawn from it (a ledger parent link), not a second commitment;
* **a pledge announced twice counts once**: a row with the same nation, amount, currency and
  package as an earlier one is kept as a repeat of it (its source is shown) with no ledger event;
* **unknown amounts stay unknown**, never zero: such a row has a contribution and no ledger event;
* an announcement of a *plan* to approve an amount is a pledge, shown apart and counted once
  committed; every other announcement is a public commitment.

The rules that depend on a row's note are listed in :data:`RULES`, each with the phrase of the note it
implements; if a row no longer says it, the import stops (the file changed: read the note again).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from veille.core.errors import VeilleError
from veille.core.money import check_currency
from veille.purl.exceptions import BadAnnouncement

COLUMNS = (
    "date_announced",
    "contributor",
    "amount",
    "currency",
    "amount_usd_as_reported",
    "package",
    "joint_with",
    "source_url",
    "source_date",
    "notes",
)
GENERAL_LABELS = ("not stated", "additional contribution")
_LABEL_TOTAL = re.compile(r"\b(USD|EUR)\s*(\d+(?:\.\d+)?)\s*(m|bn)\b", re.I)


@dataclass(frozen=True)
class Rule:
    """How one row's note is read. ``action``: ``share`` (linked to ``package``, not added again),
    ``split`` (one commitment; its share of ``package``, the rest of the package's total once the
    other known shares are taken, is allocated to it), ``joint`` (a joint package whose note gives
    some members' ``shares``), ``pledge``, ``unknown``, ``dated`` (no date in the row: ``value_date``
    from the note), ``once`` (reported twice elsewhere: one commitment)."""

    phrase: str
    action: str
    explanation: str
    package: str = ""
    shares: dict[str, str] = field(default_factory=dict)
    value_date: str = ""


RULES: dict[tuple[str, str], Rule] = {
    ("2025-09-02", "Luxembourg"): Rule(
        "amount not specified",
        "unknown",
        "participation announced without an amount: Luxembourg counts as a contributing country; the "
        "amount stays unknown (not zero) and adds nothing to the totals",
    ),
    ("2025-10-15", "Lithuania"): Rule(
        "may be the same pledge",
        "once",
        "reported in August (europesays.com, 2025-09-02) and again on 2025-10-15: one USD 30m "
        "commitment, counted once",
    ),
    ("2025-10-15", "Estonia"): Rule(
        "Likely part of the NB8",
        "share",
        "Estonia's USD 12m is its share of the NB8 joint package (USD 500m): linked to that package and "
        "not added again",
        package="NB8 joint package",
    ),
    ("2025-11-18", "Spain"): Rule(
        "plans to approve",
        "pledge",
        "Spain announced plans to approve EUR 100m: a pledge, shown apart and not counted until committed",
    ),
    ("", "Germany"): Rule(
        "reported again by news.online.ua on 2025-11-20",
        "dated",
        "the source gives no date; 2025-11-20, when it was reported again, is the value date (its ECB "
        "rate applies)",
        value_date="2025-11-20",
    ),
    ("2025-11-20", "Poland"): Rule(
        "folded into PL/DE/NO",
        "share",
        "Poland's USD 100m was folded into the PL/DE/NO joint package on 2025-12-03: linked to it, not "
        "added again",
        package="PL/DE/NO joint package",
    ),
    ("2025-12-03", "Poland;Germany;Norway"): Rule(
        "Germany USD 200m (per TVP)",
        "joint",
        "joint package of USD 500m: Poland's USD 100m (announced 2025-11-20) and Germany's USD 200m (per "
        "TVP) inside it; Norway's remainder comes from Norway's USD 500m of the same day",
        shares={"DEU": "200000000"},
    ),
    ("2025-12-03", "Norway"): Rule(
        "overlaps the PL/DE/NO row",
        "split",
        "Norway's USD 500m is split across two packages: its share of the PL/DE/NO package (the "
        "remainder after Poland and Germany) is allocated from it, not added again; the rest goes to a "
        "package with Germany and the Netherlands that the file does not list",
        package="PL/DE/NO joint package",
    ),
}


@dataclass
class Row:
    line: int
    date: dt.date | None
    contributors: list[str]
    amount: Decimal | None
    currency: str
    usd_reported: Decimal | None
    package: str
    joint_with: list[str]
    source_url: str
    source_date: dt.date | None
    notes: str
    rule: Rule | None = None

    @property
    def is_joint(self) -> bool:
        return len(self.contributors) > 1

    @property
    def key(self) -> str:
        parts = [
            str(self.date),
            ";".join(self.contributors),
            str(self.amount),
            self.currency,
            self.package,
            self.source_url,
        ]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()

    def label_total(self) -> tuple[Decimal, str] | None:
        """The total written in a package label ("… joint USD 500m")."""
        match = _LABEL_TOTAL.search(self.package)
        if not match:
            return None
        scale = Decimal(1_000_000) if match.group(3).lower() == "m" else Decimal(1_000_000_000)
        return Decimal(match.group(2)) * scale, match.group(1).upper()


def _decimal(text: str, column: str, where: str) -> Decimal | None:
    text = text.strip().replace(",", "")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise BadAnnouncement(f"{text!r} is not a number", field=column, where=where) from None
    if value <= 0:
        raise BadAnnouncement(
            "an announced amount is more than zero (leave it empty when unknown)", field=column, where=where
        )
    return value


def _date(text: str, column: str, where: str) -> dt.date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise BadAnnouncement(f"{text!r} is not a date (YYYY-MM-DD)", field=column, where=where) from None


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read(path: Path) -> list[Row]:
    """Every row, checked; a row that cannot be read stops the import with its line and column."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise BadAnnouncement(f"cannot read {path}: {exc.strerror}", field="path") from exc
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise BadAnnouncement(f"missing column(s): {', '.join(missing)}", field="columns", where=path.name)
    rows = []
    for n, raw in enumerate(reader, start=2):
        where = f"{path.name}, line {n}"
        contributors = [c.strip() for c in (raw["contributor"] or "").split(";") if c.strip()]
        if not contributors:
            raise BadAnnouncement("names no contributor", field="contributor", where=where)
        currency = (raw["currency"] or "").strip()
        if currency:
            try:
                currency = check_currency(currency)
            except VeilleError as exc:
                raise BadAnnouncement(exc.message, field="currency", where=where) from None
        row = Row(
            line=n,
            date=_date(raw["date_announced"], "date_announced", where),
            contributors=contributors,
            amount=_decimal(raw["amount"] or "", "amount", where),
            currency=currency,
            usd_reported=_decimal(raw["amount_usd_as_reported"] or "", "amount_usd_as_reported", where),
            package=(raw["package"] or "").strip(),
            joint_with=[c.strip() for c in (raw["joint_with"] or "").split(";") if c.strip()],
            source_url=(raw["source_url"] or "").strip(),
            source_date=_date(raw["source_date"], "source_date", where),
            notes=(raw["notes"] or "").strip(),
        )
        if row.amount is not None and not row.currency:
            raise BadAnnouncement("an amount needs its currency", field="currency", where=where)
        if not row.source_url:
            raise BadAnnouncement("every announcement cites its source", field="source_url", where=where)
        rule = RULES.get((raw["date_announced"].strip(), raw["contributor"].strip()))
        if rule is not None:
            if rule.phrase not in row.notes and rule.phrase not in row.package:
                raise BadAnnouncement(
                    f"the rule for this row reads the note “{rule.phrase}”, which the row no longer says; "
                    "read the note again and update veille.purl.announcements.RULES",
                    field="notes",
                    where=where,
                )
            row.rule = rule
        if row.date is None and (rule is None or not rule.value_date):
            raise BadAnnouncement("has no date and no rule gives one", field="date_announced", where=where)
        if row.amount is None and row.currency == "USD" and row.usd_reported is not None:
            # The row's currency is USD and only the USD figure is given: that figure is the amount.
            row.amount = row.usd_reported
        rows.append(row)
    return rows
