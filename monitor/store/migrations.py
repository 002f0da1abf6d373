"""The schema of the store: numbered, named migrations in the order they were released.

As in llm's `migrations.py`, each migration is a function `mNNN_name(db)` registered by `@migration`; the
database's `PRAGMA user_version` is the number of migrations applied (`Store.migrate` applies the missing
ones). A migration is frozen SQL: it never calls the monitor's own code, so what it produces does not change
when that code does. A change of the schema is a new migration at the end, never an edit of a released one.
Data that only the monitor's code can compute (signatures of stored articles for copy detection, schema 2)
is filled by a data step that runs after migrating (`monitor.store.database.DATA_STEPS`).

This module imports nothing of the monitor.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import sqlite_utils

Migration = Callable[[sqlite_utils.Database], None]
MIGRATIONS: list[Migration] = []


def migration(fn: Migration) -> Migration:
    """Register `fn` as the next migration; its name must carry the next number (m001_, m002_ …)."""
    expected = f"m{len(MIGRATIONS) + 1:03d}_"
    if not fn.__name__.startswith(expected):
        raise RuntimeError(f"migration {fn.__name__} is out of order: the next one must be named {expected}…")
    MIGRATIONS.append(fn)
    return fn


def _run(db: sqlite_utils.Database, script: str) -> None:
    """Execute a script statement by statement, inside the caller's transaction (executescript would commit)."""
    current = ""
    for line in script.strip().splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):  # a trigger's body stays whole
            db.execute(current.strip())
            current = ""


@migration
def m001_initial(db: sqlite_utils.Database) -> None:
    """Outlets' sources and fetch state, articles with their raw pages, lexicon hits, events, queue items,
    the audit of decisions, runs and failures."""
    _run(db, """
        CREATE TABLE url_state (
            url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, status INTEGER, error TEXT,
            fetched_at TEXT NOT NULL);
        CREATE TABLE sources (
            url TEXT PRIMARY KEY, outlet TEXT NOT NULL, kind TEXT NOT NULL, status TEXT,
            error TEXT, items INTEGER, final_url TEXT, permanent_redirect INTEGER DEFAULT 0,
            last_attempt TEXT, last_success TEXT, consecutive_failures INTEGER DEFAULT 0);
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY, url TEXT NOT NULL UNIQUE, fetched_url TEXT, outlet TEXT,
            outlet_level TEXT, outlet_province TEXT, source_url TEXT, title TEXT, published TEXT,
            text TEXT NOT NULL, content_hash TEXT NOT NULL, raw BLOB, raw_encoding TEXT,
            fetched_at TEXT NOT NULL, lexicon_version TEXT, matched INTEGER NOT NULL DEFAULT 0);
        CREATE INDEX articles_hash ON articles(content_hash);
        CREATE TABLE hits (
            article_id INTEGER NOT NULL REFERENCES articles(id), term TEXT NOT NULL,
            canonical TEXT NOT NULL, category TEXT NOT NULL, start INTEGER NOT NULL,
            "end" INTEGER NOT NULL, lexicon_version TEXT NOT NULL,
            PRIMARY KEY (article_id, start, term));
        CREATE TABLE items (
            id INTEGER PRIMARY KEY, center_key TEXT NOT NULL UNIQUE, type TEXT NOT NULL,
            center TEXT NOT NULL, place TEXT, province TEXT, level TEXT, code TEXT, date TEXT,
            partners TEXT NOT NULL DEFAULT '[]', confidence REAL, status TEXT NOT NULL DEFAULT 'new',
            reviewer TEXT, note TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
        CREATE TABLE events (
            id INTEGER PRIMARY KEY, article_id INTEGER NOT NULL REFERENCES articles(id),
            item_id INTEGER REFERENCES items(id), type TEXT NOT NULL, center TEXT NOT NULL,
            center_key TEXT NOT NULL, place TEXT, province TEXT, level TEXT, code TEXT, date TEXT,
            partners TEXT NOT NULL DEFAULT '[]', confidence REAL NOT NULL, evidence TEXT NOT NULL,
            lexicon_version TEXT, UNIQUE (article_id, center_key));
        CREATE INDEX events_item ON events(item_id);
        CREATE TABLE decisions (
            id INTEGER PRIMARY KEY, item_id INTEGER NOT NULL REFERENCES items(id),
            reviewer TEXT NOT NULL, at TEXT NOT NULL, action TEXT NOT NULL, before TEXT,
            after TEXT, reason TEXT);
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY, started TEXT NOT NULL, ended TEXT, status TEXT NOT NULL,
            counts TEXT);
        CREATE TABLE failures (
            id INTEGER PRIMARY KEY, run_id INTEGER, outlet TEXT, url TEXT NOT NULL,
            reason TEXT NOT NULL, at TEXT NOT NULL);
        """)


# The SQL of schema 2 as released (sqlite_master keeps the text of each CREATE statement).
_TRIAGE = """
ALTER TABLE items ADD COLUMN merged_into INTEGER REFERENCES items(id);
ALTER TABLE decisions ADD COLUMN other_item_id INTEGER REFERENCES items(id);
ALTER TABLE decisions ADD COLUMN undoes INTEGER REFERENCES decisions(id);
CREATE INDEX decisions_item ON decisions(item_id);
CREATE INDEX decisions_other_item ON decisions(other_item_id);
CREATE INDEX items_status ON items(status);
CREATE TABLE minhashes (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id), signature BLOB NOT NULL);
CREATE TABLE minhash_bands (
    band INTEGER NOT NULL, hash INTEGER NOT NULL, article_id INTEGER NOT NULL REFERENCES articles(id),
    PRIMARY KEY (band, hash, article_id)) WITHOUT ROWID;
CREATE INDEX minhash_bands_article ON minhash_bands(article_id);
CREATE TABLE copies (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id),
    original_id INTEGER NOT NULL REFERENCES articles(id), similarity REAL, method TEXT NOT NULL,
    source TEXT, at TEXT NOT NULL);
CREATE INDEX copies_original ON copies(original_id);
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, text, content='articles', content_rowid='id', tokenize='trigram');
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
    INSERT INTO articles_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
END;
INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');
"""


@migration
def m002_triage(db: sqlite_utils.Database) -> None:
    """Analyst triage: copies of articles, merged items, richer audit rows, full-text search.

    - `items.merged_into`: an item merged into another (status "merged") points at the kept one.
    - `decisions.other_item_id` (the second item of a merge or split) and `decisions.undoes` (the row an
      undo reverses).
    - `minhashes`, `minhash_bands`, `copies`: near-duplicate signatures and which article copies which
      (monitor.store.copies). The articles stored before are signed by a data step after migrating.
    - `articles_fts`: an FTS5 index (trigram tokenizer) over articles' title and text, external content
      kept in sync by triggers, filled from the existing rows.
    """
    _run(db, _TRIAGE)


@migration
def m003_operations(db: sqlite_utils.Database) -> None:
    """Daily operations (issue 5): run counts in columns, digest channels and deliveries.

    - `runs` gets one column per count (the JSON `counts` stays for older readers) and the path of the
      run's JSON-lines log.
    - `digest_channels`: one row per delivery channel (print, atom:PATH, webhook:URL, smtp:HOST:PORT:TO)
      with the outlet health it last delivered and how its last attempt went.
    - `digest_sent`: what each channel has delivered (an item as new, an item as confirmed). A row is
      written only after the delivery succeeded, so a failed delivery is retried by the next digest and a
      delivered item is never sent again on that channel.
    """
    _run(db, """
        ALTER TABLE runs ADD COLUMN sources INTEGER;
        ALTER TABLE runs ADD COLUMN fetched INTEGER;
        ALTER TABLE runs ADD COLUMN not_modified INTEGER;
        ALTER TABLE runs ADD COLUMN failed INTEGER;
        ALTER TABLE runs ADD COLUMN articles_new INTEGER;
        ALTER TABLE runs ADD COLUMN matches INTEGER;
        ALTER TABLE runs ADD COLUMN new_items INTEGER;
        ALTER TABLE runs ADD COLUMN sources_failed INTEGER;
        ALTER TABLE runs ADD COLUMN events INTEGER;
        ALTER TABLE runs ADD COLUMN log TEXT;
        """)
    db.execute("CREATE TABLE digest_channels (channel TEXT PRIMARY KEY, health TEXT NOT NULL DEFAULT '{}', "
               "last_attempt TEXT, last_success TEXT, last_error TEXT, failures INTEGER NOT NULL DEFAULT 0)")
    db.execute("CREATE TABLE digest_sent (channel TEXT NOT NULL, kind TEXT NOT NULL, item_id INTEGER NOT NULL, "
               "center_key TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (channel, kind, item_id))")
    db.execute("CREATE INDEX runs_started ON runs(started)")


@migration
def m004_speed(db: sqlite_utils.Database) -> None:
    """Speed (issue 7): an index on articles.fetched_url.

    `Store.known_article_urls` looks every candidate URL up by canonical URL (indexed: UNIQUE) and by the
    URL it was fetched from; without this index the second lookup scanned the whole articles table (about
    60 ms a lookup at 3,300 articles)."""
    db.execute("CREATE INDEX IF NOT EXISTS articles_fetched_url ON articles(fetched_url)")


@migration
def m005_known_centers(db: sqlite_utils.Database) -> None:
    """Known centers: queue items say where they come from.

    - `items.origin`: 'found' (the monitor found the center in an article; every item before v5) or
      'imported' (it came from an analyst's list of known centers, `monitor registry import`).
    - `items.source`: for an imported center, where the list says its facts come from (a citation, a URL,
      or the name of the file it was imported from).
    """
    db.execute("ALTER TABLE items ADD COLUMN origin TEXT NOT NULL DEFAULT 'found' "
               "CHECK (origin IN ('found', 'imported'))")
    db.execute("ALTER TABLE items ADD COLUMN source TEXT")


@migration
def m006_late_reports(db: sqlite_utils.Database) -> None:
    """Late reports (issue 12): an aggregator or mirror re-posting a launch report weeks or months later.

    - `events.late`: 1 when the article reports the launch well after it happened (the extractor's flag).
    - `items.late`: 1 when every mention of the item is late: the monitor learned of the launch from late
      copies only. Items made before (and imported centers) are not late.
    """
    db.execute("ALTER TABLE events ADD COLUMN late INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1))")
    db.execute("ALTER TABLE items ADD COLUMN late INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1))")


@migration
def m007_freshness(db: sqlite_utils.Database) -> None:
    """Frozen sources and first-run backfill (issue 13).

    - `sources.newest`: the day (YYYY-MM-DD) of the newest item a run saw in the source (feed entries' dates,
      sitemap lastmod, listing dates, dates in article addresses); NULL while its items carry no date. A source
      that answers but whose newest item is old is frozen (`monitor sources health`).
    - `articles.backfill`: 1 when the run that found the article saw it older than the first-run window
      (`[run] backfill_days` of feeds.toml): an old item of a long source, stored and analysed but not news.
    - `items.backfill`: 1 while the item has a mention from such an article and none from a recent article
      that reports the launch as news (a late copy does not count). Items made before (and imported centers)
      are not backfill.
    """
    db.execute("ALTER TABLE sources ADD COLUMN newest TEXT")
    db.execute("ALTER TABLE articles ADD COLUMN backfill INTEGER NOT NULL DEFAULT 0 CHECK (backfill IN (0, 1))")
    db.execute("ALTER TABLE items ADD COLUMN backfill INTEGER NOT NULL DEFAULT 0 CHECK (backfill IN (0, 1))")


SCHEMA_VERSION = len(MIGRATIONS)
