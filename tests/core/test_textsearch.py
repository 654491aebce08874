"""A search query is words: whatever is typed, FTS5 parses it, and both databases get the same words."""

from __future__ import annotations

import doctest
import sqlite3

from hypothesis import given, settings
from hypothesis import strategies as st

import veille.core.textsearch as textsearch_module
from veille.core.textsearch import MAX_TERMS, STOP_WORDS, fts5_query, terms


def test_the_docstring_examples_hold() -> None:
    result = doctest.testmod(textsearch_module)
    assert result.attempted >= 5 and result.failed == 0


@settings(deadline=None)  # no timing in a unit test
@given(st.text(max_size=200))
def test_any_text_makes_a_query_that_fts5_accepts(text: str) -> None:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(body, tokenize='porter unicode61')")
    db.execute("INSERT INTO t(body) VALUES ('drone jamming near the front')")
    words = terms(text)
    assert len(words) <= MAX_TERMS and not set(words) & STOP_WORDS
    if words:
        db.execute("SELECT count(*) FROM t WHERE t MATCH ?", (fts5_query(words),)).fetchone()


def test_operators_are_words_and_stemming_finds_plurals() -> None:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(body, tokenize='porter unicode61')")
    db.executemany("INSERT INTO t(body) VALUES (?)", [("drone jamming",), ("drones NEAR mines",)])
    count = db.execute("SELECT count(*) FROM t WHERE t MATCH ?", (fts5_query(terms("Drones")),)).fetchone()
    assert count == (2,)
    count = db.execute(
        "SELECT count(*) FROM t WHERE t MATCH ?", (fts5_query(terms("drones NEAR")),)
    ).fetchone()
    assert count == (1,)
