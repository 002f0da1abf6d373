"""Articles as stored: one article with its lexicon hits and events, read back, and its raw page.

An article is keyed by its canonical URL and its content hash: storing the same content again changes
nothing, new content replaces the old hits and events. Raw page bytes are kept zlib-compressed so that
evidence survives an outlet deleting the page and a better extractor can re-run without re-crawling.
Every function here that writes runs inside the caller's transaction (the Store's methods give it one).
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from monitor.models import Article, Event, Hit
from monitor.store import copies, items
from monitor.store.clock import now

if TYPE_CHECKING:
    from monitor.store.database import Store

CenterKey = Callable[[Event], str]
RAW_LEVEL = 6  # zlib level of stored pages: ~0.5 ms for 60 KB, 17% of the size (level 9: 0.8 ms, 17%)


@dataclass(frozen=True)
class PackedPage:
    """A page's bytes compressed as the store keeps them: backfill's workers pack pages so that the
    parent, which does every write, does not spend its share of the cores on zlib."""

    data: bytes


def pack_page(raw: bytes) -> PackedPage:
    return PackedPage(zlib.compress(raw, RAW_LEVEL))


def _packed(raw: bytes | PackedPage | None) -> bytes | None:
    if raw is None:
        return None
    return raw.data if isinstance(raw, PackedPage) else pack_page(raw).data


@dataclass(frozen=True)
class StoredArticle:
    """An article as stored, for rescans and lexicon tests."""

    id: int
    url: str
    title: str | None
    text: str
    published: str | None
    outlet: str | None
    outlet_province: str | None
    fetched_at: str | None = None


@dataclass(frozen=True)
class StoredPage:
    """The page an article was read from: the address it was fetched from, its bytes (None if none were kept)."""

    url: str
    raw: bytes | None
    encoding: str | None
    fetched_at: str


def content_hash(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


# -- writing ----------------------------------------------------------------------------------------------


def save(store: Store, article: Article, *, outlet: str | None, outlet_level: str | None,
         outlet_province: str | None, source_url: str | None, raw: bytes | PackedPage | None, raw_encoding: str | None,
         lexicon_version: str, hits: list[Hit], events: list[Event], center_key: CenterKey,
         backfill: bool = False) -> tuple[int, int]:
    """Store one article with its hits and events; (article id, number of new queue items). `backfill`: the run
    found it older than its first-run window (an old item of a long source, not news)."""
    url = article.canonical_url or article.url
    digest = content_hash(article.text)
    row = store.db.execute("SELECT id, content_hash FROM articles WHERE url = ?", [url]).fetchone()
    if row and row[1] == digest:
        return int(row[0]), 0
    record = {
        "url": url, "fetched_url": article.fetched_url or article.url, "outlet": outlet,
        "outlet_level": outlet_level, "outlet_province": outlet_province, "source_url": source_url,
        "title": article.title, "published": article.published.isoformat() if article.published else None,
        "text": article.text, "content_hash": digest,
        "raw": _packed(raw), "raw_encoding": raw_encoding,
        "fetched_at": now(), "lexicon_version": lexicon_version, "matched": int(bool(hits)),
        "backfill": int(backfill),
    }
    if row:
        article_id = int(row[0])
        store.db.table("articles").update(article_id, record)
    else:
        article_id = int(store.db.table("articles").insert(record).last_pk or 0)
    if _names_a_center(hits):  # copies matter only for articles that can report a launch
        copies.record_article(store.db, article_id)
    elif row:
        copies.forget_article(store.db, article_id)
    return article_id, _replace_analysis(store, article_id, lexicon_version, hits, events, center_key)


def reanalyze(store: Store, article_id: int, lexicon_version: str, hits: list[Hit], events: list[Event],
              center_key: CenterKey) -> int:
    """A rescan's hits and events replace a stored article's; returns the number of new items."""
    store.db.execute("UPDATE articles SET lexicon_version = ?, matched = ? WHERE id = ?",
                     [lexicon_version, int(bool(hits)), article_id])
    if _names_a_center(hits):
        copies.ensure_recorded(store.db, article_id)
    return _replace_analysis(store, article_id, lexicon_version, hits, events, center_key)


def _names_a_center(hits: list[Hit]) -> bool:
    """match.hits.names_a_center, imported when an article is stored: importing the store loads no stage of
    the analysis (the light commands only read it; tests/test_store.py)."""
    from monitor.match.hits import names_a_center

    return names_a_center(hits)


def _replace_analysis(store: Store, article_id: int, lexicon_version: str, hits: list[Hit], events: list[Event],
                      center_key: CenterKey) -> int:
    store.db.execute("DELETE FROM hits WHERE article_id = ?", [article_id])
    store.db.execute("DELETE FROM events WHERE article_id = ?", [article_id])
    store.db.table("hits").insert_all(
        ({"article_id": article_id, "term": h.term, "canonical": h.canonical, "category": h.category,
          "start": h.start, "end": h.end, "lexicon_version": lexicon_version} for h in hits),
        pk=("article_id", "start", "term"), replace=True)
    new_items = 0
    for event in events:
        key = center_key(event)
        item_id, created = items.item_for(store, key, event, article_id)
        new_items += int(created)
        store.db.table("events").insert({
            "article_id": article_id, "item_id": item_id, "type": event.type, "center": event.center,
            "center_key": key, **items.place_columns(event), "date": event.date,
            "partners": json.dumps(list(event.partners), ensure_ascii=False),
            "confidence": event.confidence, "evidence": event.evidence, "lexicon_version": lexicon_version,
            "late": int(event.late),
        }, replace=True)
        items.refresh(store, item_id)
    return new_items


def update_text(store: Store, article_id: int, text: str, title: str | None) -> None:
    """A re-extracted text replaces the stored one (the raw page stays as it was)."""
    store.db.execute("UPDATE articles SET text = ?, title = ?, content_hash = ? WHERE id = ?",
                     [text, title, content_hash(text), article_id])
    copies.forget_article(store.db, article_id)


# -- reading ----------------------------------------------------------------------------------------------


def stored_articles(store: Store, only_matching: str | None = None) -> Iterator[StoredArticle]:
    """Every stored article (streamed), optionally only those whose text contains a string."""
    sql = "SELECT id, url, title, text, published, outlet, outlet_province, fetched_at FROM articles"
    params: list[Any] = []
    if only_matching:
        sql += " WHERE instr(text, ?) > 0"
        params.append(only_matching)
    for row in store.db.execute(sql + " ORDER BY id", params):
        yield StoredArticle(*row)


def matched_ids(store: Store) -> set[int]:
    """The articles in which the lexicon found something."""
    return {int(row[0]) for row in store.db.execute("SELECT id FROM articles WHERE matched = 1")}


def raw_page(store: Store, article_id: int) -> bytes | None:
    page = stored_page(store, article_id)
    return page.raw if page else None


def stored_page(store: Store, article_id: int) -> StoredPage | None:
    """The stored page of an article (its bytes decompressed), or None for an unknown article."""
    row = store.db.execute("SELECT fetched_url, url, raw, raw_encoding, fetched_at FROM articles WHERE id = ?",
                           [article_id]).fetchone()
    if row is None:
        return None
    return StoredPage(row[0] or row[1], zlib.decompress(row[2]) if row[2] is not None else None, row[3], row[4])
