"""Search over stored articles' title and text, for the review page.

Queries of three characters or more go through `articles_fts` (FTS5, trigram tokenizer, schema v2),
ranked by bm25; every word of the query must occur (words are split at spaces). A query is also tried
in traditional script, so 国际传播 finds 國際傳播 re-posts. Words of one or two characters cannot use
trigrams: they are matched with instr() instead (a scan, narrowed by the other words when there are).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from monitor.normalize import fold_width, to_simplified, to_traditional
from monitor.store.database import Store

log = logging.getLogger(__name__)

TRIGRAM = 3
SNIPPET = 40
MAX_LIMIT = 500


@dataclass(frozen=True)
class SearchHit:
    """One article found, with a snippet around the first occurrence and the items it is attached to."""

    article_id: int
    url: str
    title: str | None
    outlet: str | None
    published: str | None
    snippet: str
    item_ids: list[int] = field(default_factory=list)


def spellings(term: str) -> tuple[str, ...]:
    """The forms a term is looked for in, each once: simplified and half-width, traditional, as typed."""
    simplified = to_simplified(fold_width(term))
    return tuple(dict.fromkeys((simplified, to_traditional(simplified), term)))


def _phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def search_articles(store: Store, query: str, limit: int = 50) -> list[SearchHit]:
    """Articles whose title or text holds every word of `query` (in simplified or traditional script),
    best first; at most `limit`. An empty query finds nothing."""
    words = [w for w in query.split() if w]
    if not words:
        return []
    limit = max(1, min(limit, MAX_LIMIT))
    long_words = [w for w in words if len(w) >= TRIGRAM]
    short_words = [w for w in words if len(w) < TRIGRAM]
    where, params = _short_filter(short_words)
    if long_words:
        match = " AND ".join("(" + " OR ".join(_phrase(f) for f in spellings(w)) + ")" for w in long_words)
        sql = ("SELECT a.id, a.url, a.title, a.outlet, a.published, a.text FROM articles_fts f "
               "JOIN articles a ON a.id = f.rowid WHERE articles_fts MATCH ?"
               + (f" AND {where}" if where else "") + " ORDER BY f.rank LIMIT ?")
        rows = store.db.execute(sql, [match, *params, limit]).fetchall()
    else:
        rows = store.db.execute("SELECT a.id, a.url, a.title, a.outlet, a.published, a.text FROM articles a "
                                f"WHERE {where} ORDER BY a.published DESC, a.id DESC LIMIT ?",
                                [*params, limit]).fetchall()
    return [_hit(store, row, words) for row in rows]


def _short_filter(words: list[str]) -> tuple[str, list[str]]:
    """An SQL condition (on alias `a`) that each short word occurs in the title or text, any script."""
    clauses: list[str] = []
    params: list[str] = []
    for word in words:
        forms = spellings(word)
        clauses.append("(" + " OR ".join("instr(a.text, ?) > 0 OR instr(COALESCE(a.title, ''), ?) > 0"
                                         for _ in forms) + ")")
        params += [f for form in forms for f in (form, form)]
    return " AND ".join(clauses), params


def _hit(store: Store, row: tuple[Any, ...], words: list[str]) -> SearchHit:
    article_id, url, title, outlet, published, text = row
    items = [int(r[0]) for r in store.db.execute(
        "SELECT DISTINCT item_id FROM events WHERE article_id = ? AND item_id IS NOT NULL ORDER BY item_id",
        [article_id])]
    return SearchHit(int(article_id), url, title, outlet, published, snippet(text, words), items)


def snippet(text: str, words: list[str]) -> str:
    """About SNIPPET characters each side of the first occurrence of a word (any script), on one line."""
    folded = to_simplified(fold_width(text))
    found = [at for w in words if (at := folded.find(to_simplified(fold_width(w)))) >= 0]
    at = min(found) if found else 0
    start, end = max(0, at - SNIPPET), min(len(text), at + SNIPPET * 2)
    piece = " ".join(text[start:end].split())
    return ("…" if start > 0 else "") + piece + ("…" if end < len(text) else "")
