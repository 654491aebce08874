"""Full-text search over observations, lessons and public summaries: one query interface, the
database's own index (PostgreSQL full-text search; SQLite FTS5).

Releasability is applied inside the query: the search reads ``SearchDoc.objects.visible_to(user)``
and adds the text condition to it, so the hits *and the total* count only what the reader may see;
a hidden lesson changes neither. Words are matched stemmed and all required
(:mod:`veille.core.textsearch`).

Up to :data:`COUNT_CAP` matches, they are counted exactly and the best come first (BM25 on SQLite,
``ts_rank`` on PostgreSQL), then the newest. Beyond it (a word found in tens of thousands of
observations), the total says "more than 5,000" (``Result.more``) and the most recently recorded
come first: counting and ranking every match would cost time in proportion to the matches and tell
the reader little more. Both ways the database stops early, so a search takes the same time on a
hundred thousand records as on ten thousand.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from veille.core.textsearch import fts5_query, terms, tsquery_text
from veille.lessons.exceptions import UnknownDomain
from veille.lessons.models import DocKind, Domain, SearchDoc

FTS_TABLE = "lessons_searchdoc_fts"
MAX_LIMIT = 200
COUNT_CAP = 5000
URLS = {
    DocKind.OBSERVATION: "/lessons/observations/{}/",
    DocKind.LESSON: "/lessons/{}/",
    DocKind.SUMMARY: "/lessons/summaries/#summary-{}",
}


@dataclass(frozen=True)
class Hit:
    kind: str
    ref_id: int
    title: str
    excerpt: str
    day: dt.date
    domains: list[str]
    url: str


@dataclass
class Result:
    query: str
    words: list[str]
    total: int = 0
    more: bool = False  # more than COUNT_CAP matches: total is COUNT_CAP, a lower bound
    hits: list[Hit] = field(default_factory=list)


def _matching(qs: Any, words: list[str], *, ranked: bool) -> Any:
    """``qs`` (already limited to what the reader may see) narrowed to the documents holding every
    word, best first when ``ranked``, else most recently recorded first (an order both databases
    read off an index and stop early). ``extra`` is the one way to join the FTS5 table; the SQL
    interpolates constants only and the words are bound as parameters."""
    if connection.vendor == "postgresql":
        tsq = "plainto_tsquery('english', %s)"
        text = tsquery_text(words)
        where = {"where": [f"lessons_searchdoc.search_vector @@ {tsq}"], "params": [text]}
        if not ranked:
            return qs.extra(**where).order_by("-id")
        rank = {
            "select": {"rank": f"ts_rank(lessons_searchdoc.search_vector, {tsq})"},
            "select_params": [text],
        }
        return qs.extra(**where, **rank, order_by=["-rank", "-day", "-id"])
    match = {
        "tables": [FTS_TABLE],
        "where": [f"{FTS_TABLE}.rowid = lessons_searchdoc.id", f"{FTS_TABLE} MATCH %s"],
        "params": [fts5_query(words)],
    }
    if not ranked:  # FTS5 hands its rows out by rowid, newest first, without sorting them
        return qs.extra(**match, order_by=[f"-{FTS_TABLE}.rowid"])
    rank = {"select": {"rank": f"bm25({FTS_TABLE})"}}  # a constant: the table name
    return qs.extra(**match, **rank, order_by=["rank", "-day", "-id"])


def excerpt(text: str, words: list[str], width: int = 220) -> str:
    """Plain text around the first word found (pages escape it; no markup is produced here)."""
    low = text.lower()
    at = min((i for i in (low.find(w[:5]) for w in words) if i >= 0), default=0)
    start = max(0, at - width // 3)
    piece = text[start : start + width].replace("\n", " ")
    return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")


def search(
    user: Any,
    query: str,
    *,
    kinds: list[str] | None = None,
    domain: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> Result:
    """The documents ``user`` may see that hold every word of ``query``, best first."""
    words = terms(query or "")
    result = Result(query=query or "", words=words)
    if not words:
        return result
    qs = SearchDoc.objects.visible_to(user)
    if kinds:
        qs = qs.filter(kind__in=[k for k in kinds if k in DocKind.values])
    if domain:
        if domain not in Domain.values:
            raise UnknownDomain(
                f"unknown domain {domain!r}; the domains are {', '.join(Domain.values)}", field="domain"
            )
        qs = qs.filter(domains__contains=f"|{domain}|")
    counted = _matching(qs, words, ranked=False).values("id")[: COUNT_CAP + 1].count()
    result.more = counted > COUNT_CAP
    result.total = min(counted, COUNT_CAP)
    matching = _matching(qs, words, ranked=not result.more)
    limit = max(1, min(int(limit), MAX_LIMIT))
    # rank and sort the ids alone (the texts of thousands of matches need not go through the sort),
    # then read the page's documents
    ids = list(matching.values_list("id", flat=True)[offset : offset + limit])
    found = {d.pk: d for d in SearchDoc.objects.filter(pk__in=ids)}
    rows = [found[i] for i in ids]
    result.hits = [
        Hit(
            kind=d.kind,
            ref_id=d.ref_id,
            title=d.title,
            excerpt=excerpt(d.body, words),
            day=d.day,
            domains=[x for x in d.domains.split("|") if x],
            url=URLS[DocKind(d.kind)].format(d.ref_id),
        )
        for d in rows
    ]
    return result
