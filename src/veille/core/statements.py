"""Dated public statements of a number (people trained), and how much confidence their source earns.

A statement keeps its number as stated and its qualifier: "over 50,000" is a lower bound and stays
one, "about 63,000" an approximation, "nearly 40,000" just below a round figure. Nothing is summed,
interpolated or corrected here.

>>> qualifier_of("cumulative since 2022 (lower bound, 'over')")
'lower_bound'
>>> qualifier_of("cumulative since Nov 2022 ('around')"), qualifier_of("cumulative since 2015 ('nearly')")
('approximate', 'nearly')
>>> qualifier_of("cumulative since Nov 2022")
'exact'
>>> shown(50000, "lower_bound"), shown(63000, "approximate"), shown(40000, "nearly")
('≥ 50,000', '≈ 63,000', '< 40,000')
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

EXACT, LOWER_BOUND, APPROXIMATE, NEARLY = "exact", "lower_bound", "approximate", "nearly"
QUALIFIERS = (EXACT, LOWER_BOUND, APPROXIMATE, NEARLY)
_MARK = {EXACT: "", LOWER_BOUND: "≥ ", APPROXIMATE: "≈ ", NEARLY: "< "}

_LOWER = re.compile(r"\b(lower bound|over|more than|at least|in excess of)\b", re.I)
_NEARLY = re.compile(r"\b(nearly|almost|just under)\b", re.I)
_APPROX = re.compile(r"\b(about|around|roughly|approximately|some|some \d|~)\b|~", re.I)
_IN_TRAINING = re.compile(r"\bin training at the time\b", re.I)


def qualifier_of(label: str) -> str:
    """The qualifier a period label gives its number (lower bound first: "over about" is a bound)."""
    if _LOWER.search(label):
        return LOWER_BOUND
    if _NEARLY.search(label):
        return NEARLY
    if _APPROX.search(label):
        return APPROXIMATE
    return EXACT


def counts_people_in_training(label: str) -> bool:
    """True when the number counts people in training at the time, not people trained.

    >>> counts_people_in_training("in training at the time (mission launched Nov 2022)")
    True
    """
    return bool(_IN_TRAINING.search(label))


def shown(count: int, qualifier: str, written: Callable[[int], str] | None = None) -> str:
    """The number as a reader should see it, with its qualifier's sign; ``written`` writes the number
    in the reader's format (English grouping by default).

    >>> shown(80000, LOWER_BOUND), shown(80000, LOWER_BOUND, lambda n: f"{n:,}".replace(",", " "))
    ('≥ 80,000', '≥ 80 000')
    """
    return f"{_MARK.get(qualifier, '')}{written(count) if written else f'{count:,}'}"


@dataclass(frozen=True)
class Statement:
    key: str
    day: dt.date
    count: int
    qualifier: str = EXACT
    cumulative: bool = True


@dataclass(frozen=True)
class Fall:
    """A later cumulative statement below an earlier one: both stay, shown as conflicting."""

    later: str
    earlier: str
    later_count: int
    earlier_count: int


def falls(statements: Iterable[Statement]) -> list[Fall]:
    """Cumulative totals of one programme should never fall; each statement below the highest
    earlier one is a conflict with that statement (sorted by day, then key).

    >>> s = [Statement("a", dt.date(2024, 11, 8), 63000, APPROXIMATE),
    ...      Statement("b", dt.date(2024, 12, 19), 60000, APPROXIMATE),
    ...      Statement("c", dt.date(2025, 8, 29), 80000, LOWER_BOUND)]
    >>> falls(s)
    [Fall(later='b', earlier='a', later_count=60000, earlier_count=63000)]
    """
    found: list[Fall] = []
    best: Statement | None = None
    for s in sorted((s for s in statements if s.cumulative), key=lambda s: (s.day, s.key)):
        if best is not None and s.count < best.count and s.day > best.day:
            found.append(Fall(s.key, best.key, s.count, best.count))
        if best is None or s.count > best.count:
            best = s
    return found


_ROW_REF = re.compile(r"\b(?:tr|dec|ms|nuc)-[a-z0-9-]*\d\b")
_CONFLICT_WORDS = re.compile(r"\b(conflicts? with|contradict\w*|jump from)\b", re.I)


def stated_conflicts(note: str) -> list[str]:
    """The rows a note says this row conflicts with ("Conflicts with tr-eu-09", "see conflict with
    tr-uk-08", "Jump from tr-ca-02").

    >>> stated_conflicts("Conflicts with tr-eu-09 (63,000 six weeks earlier); probably stale.")
    ['tr-eu-09']
    >>> stated_conflicts("Background figure in the 26 Jun 2023 article.")
    []
    """
    if not _CONFLICT_WORDS.search(note):
        return []
    return list(dict.fromkeys(_ROW_REF.findall(note)))


def row_references(text: str) -> list[str]:
    """Every row id a text mentions, in order, once.

    >>> row_references("Opened on 17 Feb 2025 (ms-040); see dec-007 and nuc-2023-11-29.")
    ['ms-040', 'dec-007', 'nuc-2023-11-29']
    """
    return list(dict.fromkeys(_ROW_REF.findall(text)))


# --- confidence of a source ---------------------------------------------------------------------

OFFICIAL, PRESS, STATE_AGENCY, AGGREGATOR = "official", "press", "state_agency", "aggregator"
SOURCE_CLASSES = (OFFICIAL, PRESS, STATE_AGENCY, AGGREGATOR)
LOWER_CONFIDENCE = (STATE_AGENCY, AGGREGATOR)


@dataclass(frozen=True)
class SourceRule:
    """``match`` is a host (it matches the host and its subdomains) or, with ``on="title"``, a word
    of the source title (as in "[MENAFN/Ukrinform, …]", which names the agency a copy rests on)."""

    match: str
    on: str
    kind: str
    reason: str

    def applies(self, host: str, title: str) -> bool:
        if self.on == "title":
            return re.search(rf"\b{re.escape(self.match)}\b", title, re.I) is not None
        want = self.match.lower().strip(".")
        return host == want or host.endswith("." + want)


@dataclass(frozen=True)
class SourceClass:
    kind: str
    reasons: tuple[str, ...] = ()

    @property
    def lower_confidence(self) -> bool:
        return self.kind in LOWER_CONFIDENCE


def host_of(url: str) -> str:
    """The host of a URL, lower case, without a trailing dot.

    >>> host_of("https://ru.interfax.com.ua./news/1.html")
    'ru.interfax.com.ua'
    """
    return (urlsplit(url.strip()).hostname or "").lower().rstrip(".")


def classify(url: str, title: str, rules: Sequence[SourceRule]) -> SourceClass:
    """A row's source class: a state news agency or an aggregator wins over "official" (a copy of an
    official statement on an aggregator is still a copy); a source no rule names is press.

    >>> rules = [SourceRule("nato.int", "host", OFFICIAL, "NATO"),
    ...          SourceRule("tass.com", "host", STATE_AGENCY, "TASS, Russian state agency"),
    ...          SourceRule("menafn.com", "host", AGGREGATOR, "MENAFN syndication"),
    ...          SourceRule("Ukrinform", "title", STATE_AGENCY, "Ukrinform, Ukraine's state agency")]
    >>> classify("https://www.nato.int/cps/en/natohq/news.htm", "Statement", rules).kind
    'official'
    >>> c = classify("https://menafn.com/1/x", "[MENAFN/Ukrinform, 26 Nov 2024: …]", rules)
    >>> c.kind, c.lower_confidence, len(c.reasons)
    ('state_agency', True, 2)
    >>> classify("https://kyivindependent.com/x", "Kyiv Independent", rules).kind
    'press'
    """
    host = host_of(url)
    hits = [r for r in rules if r.applies(host, title)]
    kinds = {r.kind for r in hits}
    reasons = tuple(r.reason for r in hits)
    for kind in (STATE_AGENCY, AGGREGATOR, OFFICIAL):
        if kind in kinds:
            return SourceClass(kind, reasons)
    return SourceClass(PRESS, reasons)


__all__ = [
    "Fall",
    "SourceClass",
    "SourceRule",
    "Statement",
    "classify",
    "counts_people_in_training",
    "falls",
    "host_of",
    "qualifier_of",
    "row_references",
    "shown",
    "stated_conflicts",
]
