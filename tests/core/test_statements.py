"""Stated figures keep their qualifier; falling totals are found, never corrected; sources are classed."""

from __future__ import annotations

import csv
import datetime as dt
import doctest
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import veille.core.statements as statements_module
from veille.core.statements import (
    AGGREGATOR,
    LOWER_BOUND,
    OFFICIAL,
    PRESS,
    STATE_AGENCY,
    SourceRule,
    Statement,
    classify,
    falls,
    qualifier_of,
    stated_conflicts,
)

DATA = Path(__file__).resolve().parents[2] / "data" / "training_council"


def test_the_docstring_examples_hold() -> None:
    result = doctest.testmod(statements_module, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 15 and result.failed == 0


def test_over_fifty_thousand_stays_a_lower_bound() -> None:
    rows = {r["id"]: r for r in csv.DictReader((DATA / "training_figures.csv").open(encoding="utf-8"))}
    assert rows["tr-uk-11"]["trained_count"] == "50000"
    assert qualifier_of(rows["tr-uk-11"]["period_label"]) == LOWER_BOUND
    assert statements_module.shown(50000, qualifier_of(rows["tr-uk-11"]["period_label"])) == "≥ 50,000"


def test_every_shipped_label_gets_the_qualifier_its_words_say() -> None:
    for r in csv.DictReader((DATA / "training_figures.csv").open(encoding="utf-8")):
        label = r["period_label"]
        q = qualifier_of(label)
        if "lower bound" in label:
            assert q == LOWER_BOUND, r["id"]
        elif "'nearly'" in label:
            assert q == "nearly", r["id"]
        elif any(w in label for w in ("'about'", "'around'", "'roughly'", "'some'")):
            assert q == "approximate", r["id"]


counts = st.integers(min_value=0, max_value=200_000)


@settings(deadline=None)  # no timing in a unit test
@given(st.lists(counts, max_size=12))
def test_a_total_that_never_falls_has_no_conflict(values: list[int]) -> None:
    rising = sorted(values)
    s = [Statement(f"r{i}", dt.date(2023, 1, 1) + dt.timedelta(days=i), v) for i, v in enumerate(rising)]
    assert falls(s) == []


@settings(deadline=None)  # no timing in a unit test
@given(st.lists(counts, min_size=1, max_size=12))
def test_each_fall_is_below_the_highest_earlier_statement(values: list[int]) -> None:
    s = [Statement(f"r{i:02}", dt.date(2023, 1, 1) + dt.timedelta(days=i), v) for i, v in enumerate(values)]
    by_key = {x.key: x for x in s}
    for fall in falls(s):
        later, earlier = by_key[fall.later], by_key[fall.earlier]
        assert later.count < earlier.count and earlier.day < later.day
        assert earlier.count == max(x.count for x in s if x.day < later.day)


def test_people_in_training_are_not_a_cumulative_total() -> None:
    s = [
        Statement("a", dt.date(2022, 12, 2), 1100, cumulative=False),
        Statement("b", dt.date(2023, 4, 1), 16000),
        Statement("c", dt.date(2023, 6, 26), 900, cumulative=False),
    ]
    assert falls(s) == []


def test_the_conflicts_a_note_names() -> None:
    assert stated_conflicts("Conflicts with tr-uk-05: combined total jumps") == ["tr-uk-05"]
    assert stated_conflicts("see conflict with tr-uk-08.") == ["tr-uk-08"]
    assert stated_conflicts("Same milestone on gov.uk (tr-uk-04).") == []


RULES = [
    SourceRule("nato.int", "host", OFFICIAL, "NATO"),
    SourceRule("tass.com", "host", STATE_AGENCY, "TASS"),
    SourceRule("wikipedia.org", "host", AGGREGATOR, "Wikipedia"),
    SourceRule("Sputnik", "title", STATE_AGENCY, "copy of Sputnik"),
]


def test_a_host_rule_covers_its_subdomains_only() -> None:
    assert classify("https://shape.nato.int/x", "", RULES).kind == OFFICIAL
    assert classify("https://notnato.int/x", "", RULES).kind == PRESS
    assert classify("https://en.wikipedia.org/wiki/NSATU", "", RULES).kind == AGGREGATOR


def test_a_copy_names_the_agency_it_rests_on() -> None:
    c = classify("https://www.urdupoint.com/x", "[UrduPoint/Sputnik, 4 May 2022: …]", RULES)
    assert c.kind == STATE_AGENCY and c.lower_confidence
    assert classify("https://x.org", "Sputniks of the sky", RULES).kind == PRESS  # a word, not a prefix
