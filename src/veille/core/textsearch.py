"""What a reader types into a search box, made into the one query both databases answer alike.

A query is a list of words; a document matches when it holds every word (stemmed: "drones" finds
"drone"); English stop words ("the", "of") are left out on both databases. Punctuation and operators
are not syntax: ``NEAR``, ``OR``, quotes, ``*`` or ``-`` are read as text, so no query can fail to
parse or reach beyond what it says. SQLite's FTS5 receives each word as a quoted string; PostgreSQL
receives the words for ``plainto_tsquery``.

>>> terms("Drone jamming, near the front!")
['drone', 'jamming', 'near', 'front']
>>> fts5_query(terms('"EW" NEAR drones*'))
'"ew" "near" "drones"'
>>> terms("   ")
[]
"""

from __future__ import annotations

import re

MAX_TERMS = 12
MAX_TERM_LENGTH = 64
_WORD = re.compile(r"\w+", re.UNICODE)
#: The English stop words PostgreSQL's ``english`` configuration drops (its ``english.stop``);
#: dropped here for both databases, so that "the front" finds the same documents on each.
STOP_WORDS = frozenset(
    (
        "i",
        "me",
        "my",
        "myself",
        "we",
        "our",
        "ours",
        "ourselves",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "he",
        "him",
        "his",
        "himself",
        "she",
        "her",
        "hers",
        "herself",
        "it",
        "its",
        "itself",
        "they",
        "them",
        "their",
        "theirs",
        "themselves",
        "what",
        "which",
        "who",
        "whom",
        "this",
        "that",
        "these",
        "those",
        "am",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "have",
        "has",
        "had",
        "having",
        "do",
        "does",
        "did",
        "doing",
        "a",
        "an",
        "the",
        "and",
        "but",
        "if",
        "or",
        "because",
        "as",
        "until",
        "while",
        "of",
        "at",
        "by",
        "for",
        "with",
        "about",
        "against",
        "between",
        "into",
        "through",
        "during",
        "before",
        "after",
        "above",
        "below",
        "to",
        "from",
        "up",
        "down",
        "in",
        "out",
        "on",
        "off",
        "over",
        "under",
        "again",
        "further",
        "then",
        "once",
        "here",
        "there",
        "when",
        "where",
        "why",
        "how",
        "all",
        "any",
        "both",
        "each",
        "few",
        "more",
        "most",
        "other",
        "some",
        "such",
        "no",
        "nor",
        "not",
        "only",
        "own",
        "same",
        "so",
        "than",
        "too",
        "very",
        "s",
        "t",
        "can",
        "will",
        "just",
        "don",
        "should",
        "now",
    )
)


def terms(text: str) -> list[str]:
    """The words of a query, lower case, at most :data:`MAX_TERMS` of at most
    :data:`MAX_TERM_LENGTH` characters each (longer words are cut, later words dropped).

    >>> len(terms("ab " * 40)), terms("x" * 100)[0] == "x" * 64
    (12, True)
    """
    words = [
        w.lower()[:MAX_TERM_LENGTH]
        for w in _WORD.findall(text)
        if w.strip("_") and w.lower() not in STOP_WORDS
    ]
    return words[:MAX_TERMS]


def fts5_query(words: list[str]) -> str:
    """An FTS5 MATCH expression requiring every word: each one a double-quoted string (a quote
    inside a word cannot occur: words are ``\\w`` runs)."""
    return " ".join(f'"{w}"' for w in words)


def tsquery_text(words: list[str]) -> str:
    """The text PostgreSQL's ``plainto_tsquery`` turns into an AND of stemmed words.

    >>> tsquery_text(["air", "defence"])
    'air defence'
    """
    return " ".join(words)


__all__ = [
    "fts5_query",
    "terms",
    "tsquery_text",
]
