-- The schema of version 7 as released (sqlite_master after migrations m001..m007), one statement
-- each, ordered by type and name. tests/test_migrations.py checks that the migrations still make it:
-- a released migration is frozen.
CREATE INDEX articles_fetched_url ON articles(fetched_url);

CREATE INDEX articles_hash ON articles(content_hash);

CREATE INDEX copies_original ON copies(original_id);

CREATE INDEX decisions_item ON decisions(item_id);

CREATE INDEX decisions_other_item ON decisions(other_item_id);

CREATE INDEX events_item ON events(item_id);

CREATE INDEX items_status ON items(status);

CREATE INDEX minhash_bands_article ON minhash_bands(article_id);

CREATE INDEX runs_started ON runs(started);

CREATE TABLE articles (
            id INTEGER PRIMARY KEY, url TEXT NOT NULL UNIQUE, fetched_url TEXT, outlet TEXT,
            outlet_level TEXT, outlet_province TEXT, source_url TEXT, title TEXT, published TEXT,
            text TEXT NOT NULL, content_hash TEXT NOT NULL, raw BLOB, raw_encoding TEXT,
            fetched_at TEXT NOT NULL, lexicon_version TEXT, matched INTEGER NOT NULL DEFAULT 0, backfill INTEGER NOT NULL DEFAULT 0 CHECK (backfill IN (0, 1)));

CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, text, content='articles', content_rowid='id', tokenize='trigram');

CREATE TABLE 'articles_fts_config'(k PRIMARY KEY, v) WITHOUT ROWID;

CREATE TABLE 'articles_fts_data'(id INTEGER PRIMARY KEY, block BLOB);

CREATE TABLE 'articles_fts_docsize'(id INTEGER PRIMARY KEY, sz BLOB);

CREATE TABLE 'articles_fts_idx'(segid, term, pgno, PRIMARY KEY(segid, term)) WITHOUT ROWID;

CREATE TABLE copies (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id),
    original_id INTEGER NOT NULL REFERENCES articles(id), similarity REAL, method TEXT NOT NULL,
    source TEXT, at TEXT NOT NULL);

CREATE TABLE decisions (
            id INTEGER PRIMARY KEY, item_id INTEGER NOT NULL REFERENCES items(id),
            reviewer TEXT NOT NULL, at TEXT NOT NULL, action TEXT NOT NULL, before TEXT,
            after TEXT, reason TEXT, other_item_id INTEGER REFERENCES items(id), undoes INTEGER REFERENCES decisions(id));

CREATE TABLE digest_channels (channel TEXT PRIMARY KEY, health TEXT NOT NULL DEFAULT '{}', last_attempt TEXT, last_success TEXT, last_error TEXT, failures INTEGER NOT NULL DEFAULT 0);

CREATE TABLE digest_sent (channel TEXT NOT NULL, kind TEXT NOT NULL, item_id INTEGER NOT NULL, center_key TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (channel, kind, item_id));

CREATE TABLE events (
            id INTEGER PRIMARY KEY, article_id INTEGER NOT NULL REFERENCES articles(id),
            item_id INTEGER REFERENCES items(id), type TEXT NOT NULL, center TEXT NOT NULL,
            center_key TEXT NOT NULL, place TEXT, province TEXT, level TEXT, code TEXT, date TEXT,
            partners TEXT NOT NULL DEFAULT '[]', confidence REAL NOT NULL, evidence TEXT NOT NULL,
            lexicon_version TEXT, late INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1)), UNIQUE (article_id, center_key));

CREATE TABLE failures (
            id INTEGER PRIMARY KEY, run_id INTEGER, outlet TEXT, url TEXT NOT NULL,
            reason TEXT NOT NULL, at TEXT NOT NULL);

CREATE TABLE hits (
            article_id INTEGER NOT NULL REFERENCES articles(id), term TEXT NOT NULL,
            canonical TEXT NOT NULL, category TEXT NOT NULL, start INTEGER NOT NULL,
            "end" INTEGER NOT NULL, lexicon_version TEXT NOT NULL,
            PRIMARY KEY (article_id, start, term));

CREATE TABLE items (
            id INTEGER PRIMARY KEY, center_key TEXT NOT NULL UNIQUE, type TEXT NOT NULL,
            center TEXT NOT NULL, place TEXT, province TEXT, level TEXT, code TEXT, date TEXT,
            partners TEXT NOT NULL DEFAULT '[]', confidence REAL, status TEXT NOT NULL DEFAULT 'new',
            reviewer TEXT, note TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, merged_into INTEGER REFERENCES items(id), origin TEXT NOT NULL DEFAULT 'found' CHECK (origin IN ('found', 'imported')), source TEXT, late INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1)), backfill INTEGER NOT NULL DEFAULT 0 CHECK (backfill IN (0, 1)));

CREATE TABLE minhash_bands (
    band INTEGER NOT NULL, hash INTEGER NOT NULL, article_id INTEGER NOT NULL REFERENCES articles(id),
    PRIMARY KEY (band, hash, article_id)) WITHOUT ROWID;

CREATE TABLE minhashes (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id), signature BLOB NOT NULL);

CREATE TABLE runs (
            id INTEGER PRIMARY KEY, started TEXT NOT NULL, ended TEXT, status TEXT NOT NULL,
            counts TEXT, sources INTEGER, fetched INTEGER, not_modified INTEGER, failed INTEGER, articles_new INTEGER, matches INTEGER, new_items INTEGER, sources_failed INTEGER, events INTEGER, log TEXT);

CREATE TABLE sources (
            url TEXT PRIMARY KEY, outlet TEXT NOT NULL, kind TEXT NOT NULL, status TEXT,
            error TEXT, items INTEGER, final_url TEXT, permanent_redirect INTEGER DEFAULT 0,
            last_attempt TEXT, last_success TEXT, consecutive_failures INTEGER DEFAULT 0, newest TEXT);

CREATE TABLE url_state (
            url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, status INTEGER, error TEXT,
            fetched_at TEXT NOT NULL);

CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
END;

CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
END;

CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
    INSERT INTO articles_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
END;
