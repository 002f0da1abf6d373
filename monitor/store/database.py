"""The Store: the SQLite database that is the monitor's whole state, opened, migrated and written in
short transactions.

WAL mode, a busy timeout, every write in a short transaction, writes idempotent (articles keyed by
canonical URL and content hash), the schema versioned with ordered migrations (PRAGMA user_version,
monitor/store/migrations.py). The SQL of each kind of data lives in a module of its own: articles,
items (writing queue items), queue (reading the queue, the audit), runs, digests, counts, copies, search.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlite_utils

from monitor.errors import DiskFullError, StoreError
from monitor.models import Article, Event, Hit, RunStatus, SourceKind, Validators
from monitor.store import articles, copies, runs
from monitor.store.articles import PackedPage, StoredArticle, content_hash
from monitor.store.clock import now
from monitor.store.items import SPLIT_MARK, drop_orphans
from monitor.store.migrations import MIGRATIONS, SCHEMA_VERSION

__all__ = ["BEGIN_ATTEMPTS", "BUSY_TIMEOUT_MS", "DATA_STEPS", "DEFAULT_DB", "MIGRATIONS", "SCHEMA_VERSION",
           "SPLIT_MARK", "DataStep", "Store", "StoredArticle", "content_hash", "now", "open_store"]

log = logging.getLogger(__name__)

DEFAULT_DB = "monitor.db"
BUSY_TIMEOUT_MS = 30_000
BEGIN_ATTEMPTS = 3  # a write transaction that cannot start after this many busy timeouts is a StoreError


@dataclass(frozen=True)
class DataStep:
    """Data that only the monitor's own code can compute, filled after migrating a database that was made
    before schema `version` (a migration is frozen SQL and never calls that code)."""

    version: int
    name: str
    run: Callable[[sqlite_utils.Database], int]  # returns the number of rows it went through


DATA_STEPS: tuple[DataStep, ...] = (
    DataStep(2, "sign stored articles for copy detection", copies.sign_unsigned),
)


class Store:
    """The database: open it with Store.open(path) or open_store(path); every method is one short transaction."""

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
        store = cls(sqlite_utils.Database(conn, execute_plugins=False), str(target))
        try:
            store.migrate()
        except BaseException:
            conn.close()
            raise
        return store

    def close(self) -> None:
        self.db.conn.close()

    # -- schema -------------------------------------------------------------------------------------

    def migrate(self) -> None:
        """Bring the schema to SCHEMA_VERSION in one transaction: the missing migrations, then the data steps
        of the versions crossed. Another process may be migrating the same file at the same moment: the
        version is read again once the write lock is held."""
        if self._schema_version() == SCHEMA_VERSION:
            return
        with self.transaction():
            start = self._schema_version()  # else another process applied them while we waited
            for number in range(start + 1, SCHEMA_VERSION + 1):
                self._apply(number, MIGRATIONS[number - 1])
            for step in DATA_STEPS:
                if 0 < start < step.version:  # a new database has no data to fill
                    self._fill(step)

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
        log.info("database %s migrated to schema %d (%s)", self.path, number, migration.__name__)

    def _fill(self, step: DataStep) -> None:
        try:
            rows = step.run(self.db)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot {step.name} after migrating ({exc}); nothing was changed; "
                             "restore a backup or choose another --db") from exc
        log.info("database %s: data step after schema %d: %s (%d rows)", self.path, step.version, step.name, rows)

    # -- transactions -------------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[sqlite_utils.Database]:
        """One write transaction (BEGIN IMMEDIATE: the write lock is taken at once, waiting up to the busy
        timeout for another writer). A database still locked after that is a StoreError, not a crash; a
        full disk is a DiskFullError, the transaction rolled back whole (SQLite may have done it already)."""
        conn = self.db.conn
        self._begin(conn)
        with _rolled_back_on_error(conn, self.path):
            yield self.db
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

    # -- fetch state --------------------------------------------------------------------------------

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

    # -- articles (monitor/store/articles.py) --------------------------------------------------------

    def save_article(self, article: Article, *, outlet: str | None, outlet_level: str | None,
                     outlet_province: str | None, source_url: str | None, raw: bytes | PackedPage | None,
                     raw_encoding: str | None, lexicon_version: str, hits: list[Hit],
                     events: list[Event], center_key: Callable[[Event], str],
                     backfill: bool = False) -> tuple[int, int]:
        """Store one article with its hits and events in one transaction.

        Returns (article id, number of new queue items). Idempotent: the same canonical URL with the
        same content changes nothing; new content replaces the old hits and events.
        """
        with self.transaction():
            return articles.save(self, article, outlet=outlet, outlet_level=outlet_level,
                                 outlet_province=outlet_province, source_url=source_url, raw=raw,
                                 raw_encoding=raw_encoding, lexicon_version=lexicon_version, hits=hits,
                                 events=events, center_key=center_key, backfill=backfill)

    def replace_analysis(self, article_id: int, lexicon_version: str, hits: list[Hit], events: list[Event],
                         center_key: Callable[[Event], str]) -> int:
        """Rescan: new hits and events for a stored article. Returns the number of new items."""
        with self.transaction():
            return articles.reanalyze(self, article_id, lexicon_version, hits, events, center_key)

    def stored_articles(self, only_matching: str | None = None) -> Iterator[StoredArticle]:
        """Every stored article (streamed), optionally only those whose text contains a string."""
        return articles.stored_articles(self, only_matching)

    def update_text(self, article_id: int, text: str, title: str | None) -> None:
        """A re-extracted text replaces the stored one (the raw page stays as it was)."""
        with self.transaction():
            articles.update_text(self, article_id, text, title)

    def raw_page(self, article_id: int) -> bytes | None:
        return articles.raw_page(self, article_id)

    def drop_orphan_items(self) -> int:
        """Remove new items left without any mention (after a rescan); reviewed items stay."""
        with self.transaction():
            return drop_orphans(self)

    # -- runs (monitor/store/runs.py) ---------------------------------------------------------------

    def start_run(self) -> int:
        return runs.start_run(self)

    def finish_run(self, run_id: int, status: RunStatus, counts: dict[str, int]) -> None:
        runs.finish_run(self, run_id, status, counts)

    def record_source(self, url: str, outlet: str, kind: SourceKind, error: str | None, items: int | None,
                      final_url: str | None = None, permanent_redirect: bool = False,
                      newest: str | None = None) -> None:
        runs.record_source(self, url, outlet, kind, error, items, final_url, permanent_redirect, newest)

    def record_failure(self, run_id: int | None, outlet: str | None, url: str, reason: str) -> None:
        runs.record_failure(self, run_id, outlet, url, reason)

    def count(self, table: str, where: str = "", params: list[Any] | None = None) -> int:
        return int(self.db.execute(f"SELECT count(*) FROM [{table}] {where}", params or []).fetchone()[0])


@contextmanager
def _rolled_back_on_error(conn: sqlite3.Connection, path: str) -> Iterator[None]:
    """Roll the open transaction back whole on any error (SQLite may have done it already: a full disk);
    an SQLite error that means a full disk (also under the StoreError of a failed migration) comes out as a
    DiskFullError."""
    try:
        yield
    except BaseException as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        cause = exc.__cause__ if type(exc) is StoreError else exc
        if cause is not None and _is_full(cause):
            raise disk_full_error(path, cause) from exc
        raise


def _is_full(exc: BaseException) -> bool:
    """SQLITE_FULL (the disk, or max_page_count), or a write the system refused (SQLITE_IOERR_WRITE: a
    file-size limit or a quota: EFBIG, EDQUOT)."""
    return isinstance(exc, sqlite3.DatabaseError) and getattr(exc, "sqlite_errorcode", None) in (
        sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR_WRITE)


def disk_full_error(path: str, exc: BaseException) -> DiskFullError:
    """The one-line DiskFullError for an SQLite error that `_is_full`: what, where, how much space is left."""
    folder = Path(path).resolve().parent
    try:
        free = f"{shutil.disk_usage(folder).free / 1e6:.0f} MB free in {folder}"
    except OSError:
        free = f"free space in {folder} unknown"
    what = ("the disk or the database is full" if getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
            else "the system refused a write: a full disk, a file-size limit or a quota")
    return DiskFullError(f"{path}: cannot write to the database: {what} ({exc}; {free}). Nothing half-written "
                         "was kept; free some space and run again: the next run goes on where this one stopped")


@contextmanager
def open_store(path: str | Path) -> Iterator[Store]:
    """`with open_store(path) as store:` the Store of `path`, opened (and migrated) and closed again."""
    store = Store.open(path)
    try:
        yield store
    finally:
        store.close()
