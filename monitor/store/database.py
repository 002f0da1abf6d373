"""store: the SQLite database that is the monitor's whole state.

WAL mode, a busy timeout, every write in a short transaction, writes idempotent (articles keyed by
canonical URL and content hash), the schema versioned with ordered migrations (PRAGMA user_version).
Raw page bytes are kept zlib-compressed so that evidence survives an outlet deleting the page and a
better extractor can re-run without re-crawling.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import sqlite3
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlite_utils

from monitor.errors import StoreError
from monitor.models import Article, Event, Hit, Validators
from monitor.store import copies as dedupe
from monitor.store.migrations import MIGRATIONS, SCHEMA_VERSION

log = logging.getLogger(__name__)

DEFAULT_DB = "monitor.db"
BUSY_TIMEOUT_MS = 30_000
BEGIN_ATTEMPTS = 3  # a write transaction that cannot start after this many busy timeouts is a StoreError





SPLIT_MARK = "#article:"  # center_key of an item split off for one article: f"{key}{SPLIT_MARK}{article_id}"


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def names_a_center(hits: list[Hit]) -> bool:
    """Whether the lexicon found a center name: only such articles can report a launch."""
    return any(h.category == "center" for h in hits)


def content_hash(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


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


class Store:
    """The database: open it with Store.open(path); every method is one short transaction."""

    def __init__(self, db: sqlite_utils.Database, path: str) -> None:
        self.db = db
        self.path = path

    @classmethod
    def open(cls, path: str | Path) -> Store:
        target = Path(path)
        if target.is_dir():
            raise StoreError(f"{target}: is a folder; --db / MONITOR_DB must name a database file")
        if not target.parent.exists():
            raise StoreError(f"{target}: folder {target.parent} does not exist; create it or choose another --db")
        try:
            conn = sqlite3.connect(str(target), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                                   check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{target}: not a usable SQLite database ({exc}); choose another --db") from exc
        store = cls(sqlite_utils.Database(conn), str(target))
        try:
            store.migrate()
        except BaseException:
            conn.close()
            raise
        return store

    def close(self) -> None:
        self.db.conn.close()

    def migrate(self) -> None:
        """Apply the missing migrations, each in its own transaction. Another process may be migrating the
        same file at the same moment: the version is read again once the write lock is held."""
        version = self._schema_version()
        for number, migration in enumerate(MIGRATIONS[version:], start=version + 1):
            with self.transaction():
                if self._schema_version() < number:  # else another process applied it while we waited
                    self._apply(number, migration)

    def _schema_version(self) -> int:
        try:
            version = int(self.db.execute("PRAGMA user_version").fetchone()[0])
            tables = [row[0] for row in self.db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a usable SQLite database ({exc}); choose another --db") from exc
        if version > SCHEMA_VERSION:
            raise StoreError(f"{self.path}: schema version {version} is newer than this monitor "
                             f"({SCHEMA_VERSION}); upgrade monitor")
        if version == 0 and tables:
            raise StoreError(f"{self.path}: an SQLite database of another program (tables {', '.join(tables[:5])}); "
                             "--db / MONITOR_DB must name a monitor database or a new file")
        return version

    def _apply(self, number: int, migration: Callable[[sqlite_utils.Database], None]) -> None:
        try:
            migration(self.db)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot bring the database to schema {number} ({exc}); nothing was "
                             "changed; restore a backup or choose another --db") from exc
        self.db.execute(f"PRAGMA user_version = {number}")
        log.info("database %s migrated to schema %d", self.path, number)

    @contextmanager
    def transaction(self) -> Iterator[sqlite_utils.Database]:
        """One write transaction (BEGIN IMMEDIATE: the write lock is taken at once, waiting up to the busy
        timeout for another writer). A database still locked after that is a StoreError, not a crash."""
        conn = self.db.conn
        self._begin(conn)
        try:
            yield self.db
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def _begin(self, conn: sqlite3.Connection) -> None:
        for attempt in range(BEGIN_ATTEMPTS):
            try:
                conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                log.info("%s: %s (attempt %d of %d)", self.path, exc, attempt + 1, BEGIN_ATTEMPTS)
                time.sleep(0.05 * 2**attempt)
        raise StoreError(f"{self.path}: another process has kept the database busy for over "
                         f"{BEGIN_ATTEMPTS * BUSY_TIMEOUT_MS // 1000} s; wait until it has finished "
                         "(a long rescan or import?) and try again")

    # -- fetch state ------------------------------------------------------------------------------

    def validators(self, url: str) -> Validators | None:
        row = self.db.execute("SELECT etag, last_modified FROM url_state WHERE url = ?", [url]).fetchone()
        return Validators(row[0], row[1]) if row and (row[0] or row[1]) else None

    def remember_url(self, url: str, status: int | None, error: str | None,
                     etag: str | None = None, last_modified: str | None = None) -> None:
        with self.transaction():
            self.db.execute(
                "INSERT INTO url_state (url, etag, last_modified, status, error, fetched_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET "
                "etag = COALESCE(excluded.etag, etag), last_modified = COALESCE(excluded.last_modified, "
                "last_modified), status = excluded.status, error = excluded.error, fetched_at = excluded.fetched_at",
                [url, etag, last_modified, status, error, now()])

    def known_article_urls(self, urls: list[str]) -> set[str]:
        """Those of `urls` already fetched as articles (by fetched or canonical URL)."""
        known: set[str] = set()
        for i in range(0, len(urls), 500):
            chunk = urls[i:i + 500]
            marks = ",".join("?" * len(chunk))
            for (url,) in self.db.execute(
                f"SELECT url FROM articles WHERE url IN ({marks}) UNION "
                f"SELECT fetched_url FROM articles WHERE fetched_url IN ({marks})", chunk + chunk):
                known.add(url)
        return known

    def record_source(self, url: str, outlet: str, kind: str, error: str | None, items: int | None,
                      final_url: str | None = None, permanent_redirect: bool = False) -> None:
        stamp = now()
        with self.transaction():
            self.db.execute(
                "INSERT INTO sources (url, outlet, kind, status, error, items, final_url, permanent_redirect, "
                "last_attempt, last_success, consecutive_failures) VALUES (?,?,?,?,?,?,?,?,?,?,?) "
                "ON CONFLICT(url) DO UPDATE SET outlet=excluded.outlet, kind=excluded.kind, "
                "status=excluded.status, error=excluded.error, items=COALESCE(excluded.items, items), "
                "final_url=excluded.final_url, permanent_redirect=excluded.permanent_redirect, "
                "last_attempt=excluded.last_attempt, "
                "last_success=COALESCE(excluded.last_success, last_success), "
                "consecutive_failures=CASE WHEN excluded.error IS NULL THEN 0 ELSE consecutive_failures + 1 END",
                [url, outlet, kind, "ok" if error is None else "failed", error, items, final_url,
                 int(permanent_redirect), stamp, stamp if error is None else None, 0 if error is None else 1])

    def record_failure(self, run_id: int | None, outlet: str | None, url: str, reason: str) -> None:
        with self.transaction():
            self.db.table("failures").insert({"run_id": run_id, "outlet": outlet, "url": url, "reason": reason,
                                        "at": now()})

    # -- runs ---------------------------------------------------------------------------------------

    def start_run(self) -> int:
        with self.transaction():
            cursor = self.db.execute("INSERT INTO runs (started, status) VALUES (?, 'running')", [now()])
            return int(cursor.lastrowid or 0)

    def finish_run(self, run_id: int, status: str, counts: dict[str, int]) -> None:
        with self.transaction():
            self.db.execute("UPDATE runs SET ended = ?, status = ?, counts = ? WHERE id = ?",
                            [now(), status, json.dumps(counts), run_id])

    # -- articles, hits, events ---------------------------------------------------------------------

    def save_article(self, article: Article, *, outlet: str | None, outlet_level: str | None,
                     outlet_province: str | None, source_url: str | None, raw: bytes | None,
                     raw_encoding: str | None, lexicon_version: str, hits: list[Hit],
                     events: list[Event], center_key: Callable[[Event], str]) -> tuple[int, int]:
        """Store one article with its hits and events in one transaction.

        Returns (article id, number of new queue items). Idempotent: the same canonical URL with the
        same content changes nothing; new content replaces the old hits and events.
        """
        url = article.canonical_url or article.url
        digest = content_hash(article.text)
        with self.transaction():
            row = self.db.execute("SELECT id, content_hash FROM articles WHERE url = ?", [url]).fetchone()
            if row and row[1] == digest:
                return int(row[0]), 0
            record = {
                "url": url, "fetched_url": article.fetched_url or article.url, "outlet": outlet,
                "outlet_level": outlet_level, "outlet_province": outlet_province, "source_url": source_url,
                "title": article.title, "published": article.published.isoformat() if article.published else None,
                "text": article.text, "content_hash": digest,
                "raw": zlib.compress(raw, 6) if raw is not None else None, "raw_encoding": raw_encoding,
                "fetched_at": now(), "lexicon_version": lexicon_version, "matched": int(bool(hits)),
            }
            if row:
                article_id = int(row[0])
                self.db.table("articles").update(article_id, record)
            else:
                article_id = int(self.db.table("articles").insert(record).last_pk or 0)
            if names_a_center(hits):  # copies matter only for articles that can report a launch
                dedupe.record_article(self.db, article_id)
            elif row:
                dedupe.forget_article(self.db, article_id)
            new_items = self._replace_analysis(article_id, lexicon_version, hits, events, center_key)
        return article_id, new_items

    def replace_analysis(self, article_id: int, lexicon_version: str, hits: list[Hit], events: list[Event],
                         center_key: Callable[[Event], str]) -> int:
        """Rescan: new hits and events for a stored article. Returns the number of new items."""
        with self.transaction():
            self.db.execute("UPDATE articles SET lexicon_version = ?, matched = ? WHERE id = ?",
                            [lexicon_version, int(bool(hits)), article_id])
            if names_a_center(hits):
                dedupe.ensure_recorded(self.db, article_id)
            return self._replace_analysis(article_id, lexicon_version, hits, events, center_key)

    def _replace_analysis(self, article_id: int, lexicon_version: str, hits: list[Hit], events: list[Event],
                          center_key: Callable[[Event], str]) -> int:
        self.db.execute("DELETE FROM hits WHERE article_id = ?", [article_id])
        self.db.execute("DELETE FROM events WHERE article_id = ?", [article_id])
        self.db.table("hits").insert_all(
            ({"article_id": article_id, "term": h.term, "canonical": h.canonical, "category": h.category,
              "start": h.start, "end": h.end, "lexicon_version": lexicon_version} for h in hits),
            pk=("article_id", "start", "term"), replace=True)
        new_items = 0
        for event in events:
            key = center_key(event)
            item_id, created = self._item_for(key, event, article_id)
            new_items += int(created)
            self.db.table("events").insert({
                "article_id": article_id, "item_id": item_id, "type": event.type, "center": event.center,
                "center_key": key, **_place_columns(event), "date": event.date,
                "partners": json.dumps(list(event.partners), ensure_ascii=False),
                "confidence": event.confidence, "evidence": event.evidence, "lexicon_version": lexicon_version,
            }, replace=True)
            self._refresh_item(item_id)
        return new_items

    def _item_for(self, key: str, event: Event, article_id: int) -> tuple[int, bool]:
        """The queue item of a center: an existing one (any status) or a new one.

        Existing, in order: the item a reviewer split this article's mention into; the item of the key;
        the item a copy of this article gives to the same center; for a mention without a province, the
        one item of the same type and name; for a mention with one, the imported item of the same type and
        name without a province (an enterprise's center). Merged items lead to the item they were
        merged into. Confirmed and imported items are found like any other: their later reports join them."""
        found = (self._item_id(f"{key}{SPLIT_MARK}{article_id}") or self._item_id(key)
                 or dedupe.item_of_copy(self.db, article_id, key) or self._same_name_item(key))
        if found:
            return self._kept_item(found), False
        stamp = now()
        record = {"center_key": key, "type": event.type, "center": event.center, **_place_columns(event),
                  "date": event.date, "partners": json.dumps(list(event.partners), ensure_ascii=False),
                  "confidence": event.confidence, "status": "new", "created_at": stamp, "updated_at": stamp}
        return int(self.db.table("items").insert(record).last_pk or 0), True

    def _item_id(self, key: str) -> int | None:
        row = self.db.execute("SELECT id FROM items WHERE center_key = ?", [key]).fetchone()
        return int(row[0]) if row else None

    def item_of_key(self, key: str) -> int | None:
        """The item a new mention of center `key` would join (following merges), if there is one: the item
        of the key, else the same-name item of `_same_name_item`. (Imports look centers up with it.)"""
        found = self._item_id(key) or self._same_name_item(key)
        return self._kept_item(found) if found else None

    def _same_name_item(self, key: str) -> int | None:
        """A key without a province: the one item of the same type and name, whatever its province. A key
        with one: the imported item of the same type and name without a province (an enterprise's center
        in an analyst's list; an item the monitor found without a province may be a different center)."""
        if not key.startswith("|"):
            row = self.db.execute("SELECT id FROM items WHERE center_key = ? AND origin = 'imported'",
                                  [key[key.find("|"):]]).fetchone()
            return int(row[0]) if row else None
        rows = self.db.execute("SELECT id FROM items WHERE substr(center_key, instr(center_key, '|')) = ? "
                               "LIMIT 2", [key]).fetchall()
        return int(rows[0][0]) if len(rows) == 1 else None

    def _kept_item(self, item_id: int) -> int:
        """Follow `merged_into` from a merged item to the item it lives on in."""
        seen = {item_id}
        while (row := self.db.execute("SELECT merged_into FROM items WHERE id = ?", [item_id]).fetchone()) \
                and row[0] is not None and row[0] not in seen:
            item_id = int(row[0])
            seen.add(item_id)
        return item_id

    def _refresh_item(self, item_id: int) -> None:
        """While nobody has reviewed it, an item shows the fields of its best-evidenced mention
        (most confident, then most precise date, then most partners), whatever order copies came in."""
        best = self.db.execute(
            "SELECT e.type, e.center, e.place, e.province, e.level, e.code, e.date, e.partners, e.confidence "
            "FROM events e JOIN articles a ON a.id = e.article_id WHERE e.item_id = ? "
            "ORDER BY round(e.confidence, 3) DESC, length(COALESCE(e.date, '')) DESC, "
            "length(e.partners) DESC, a.url LIMIT 1", [item_id]).fetchone()
        if best is None:
            return
        self.db.execute(
            "UPDATE items SET type=?, center=?, place=?, province=?, level=?, code=?, date=?, partners=?, "
            "confidence=? WHERE id = ? AND status = 'new' AND id NOT IN (SELECT item_id FROM decisions)",
            [*best, item_id])

    def stored_articles(self, only_matching: str | None = None) -> Iterator[StoredArticle]:
        """Every stored article (streamed), optionally only those whose text contains a string."""
        sql = "SELECT id, url, title, text, published, outlet, outlet_province FROM articles"
        params: list[Any] = []
        if only_matching:
            sql += " WHERE instr(text, ?) > 0"
            params.append(only_matching)
        for row in self.db.execute(sql + " ORDER BY id", params):
            yield StoredArticle(*row)

    def update_text(self, article_id: int, text: str, title: str | None) -> None:
        """A re-extracted text replaces the stored one (the raw page stays as it was)."""
        with self.transaction():
            self.db.execute("UPDATE articles SET text = ?, title = ?, content_hash = ? WHERE id = ?",
                            [text, title, content_hash(text), article_id])
            dedupe.forget_article(self.db, article_id)

    def raw_page(self, article_id: int) -> bytes | None:
        row = self.db.execute("SELECT raw FROM articles WHERE id = ?", [article_id]).fetchone()
        return zlib.decompress(row[0]) if row and row[0] is not None else None

    def drop_orphan_items(self) -> int:
        """Remove new items left without any mention (after a rescan); reviewed items stay."""
        with self.transaction():
            cursor = self.db.execute(
                "DELETE FROM items WHERE status = 'new' AND id NOT IN "
                "(SELECT item_id FROM events WHERE item_id IS NOT NULL) "
                "AND id NOT IN (SELECT item_id FROM decisions) "
                "AND id NOT IN (SELECT other_item_id FROM decisions WHERE other_item_id IS NOT NULL)")
            return cursor.rowcount

    def count(self, table: str, where: str = "", params: list[Any] | None = None) -> int:
        return int(self.db.execute(f"SELECT count(*) FROM [{table}] {where}", params or []).fetchone()[0])


def _place_columns(event: Event) -> dict[str, str | None]:
    place = event.place
    return {"place": place.name if place else None, "province": place.province if place else None,
            "level": place.level if place else None, "code": place.code if place else None}
