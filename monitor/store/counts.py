"""Counts over the store: a term's hits per article (for trends), new articles per outlet (for outlet
health), queue items of a status (for the report). Read only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from monitor.models import ItemStatus

if TYPE_CHECKING:
    from monitor.store.database import Store


@dataclass(frozen=True)
class ArticleHits:
    """The hits of a term in one article: its day (publication, else fetch), province, outlet, count."""

    day: str | None
    province: str | None
    outlet: str | None
    hits: int


def term_hits(store: Store, term: str) -> list[ArticleHits]:
    """Every article with a hit of `term` (as the canonical term or as the variant found)."""
    rows = store.db.execute(
        "SELECT COALESCE(a.published, substr(a.fetched_at, 1, 10)), a.outlet_province, a.outlet, count(*) "
        "FROM hits h JOIN articles a ON a.id = h.article_id WHERE h.canonical = ? OR h.term = ? "
        "GROUP BY h.article_id", [term, term]).fetchall()
    return [ArticleHits(r[0], r[1], r[2], int(r[3])) for r in rows]


def terms_by_hits(store: Store, category: str | None = None, limit: int = -1) -> list[str]:
    """The canonical terms with hits (of one lexicon category, if given), most hits first."""
    where, params = ("WHERE category = ?", [category]) if category else ("", [])
    rows = store.db.execute(f"SELECT canonical FROM hits {where} GROUP BY canonical "
                            "ORDER BY count(*) DESC, canonical LIMIT ?", [*params, limit])
    return [str(row[0]) for row in rows]


def new_articles_per_day(store: Store, since: dt.date) -> list[tuple[str, str, int]]:
    """(outlet, day, articles fetched that day) from `since` on."""
    rows = store.db.execute(
        "SELECT outlet, substr(fetched_at, 1, 10) AS day, count(*) FROM articles "
        "WHERE fetched_at >= ? AND outlet IS NOT NULL GROUP BY outlet, day", [since.isoformat()])
    return [(str(outlet), str(day), int(count)) for outlet, day, count in rows]


def new_articles(store: Store, start: dt.date, end: dt.date) -> dict[str, int]:
    """New articles per outlet fetched on days start … end - 1."""
    rows = store.db.execute(
        "SELECT outlet, count(*) FROM articles WHERE fetched_at >= ? AND fetched_at < ? "
        "AND outlet IS NOT NULL GROUP BY outlet", [start.isoformat(), end.isoformat()])
    return {str(outlet): int(count) for outlet, count in rows}


def items_of_status(store: Store, status: ItemStatus) -> int:
    """How many queue items have `status`."""
    return int(store.db.execute("SELECT count(*) FROM items WHERE status = ?", [status]).fetchone()[0])
