"""Schema v2 (analyst triage): copies of articles, merged items, richer audit rows, full-text search.

- `items.merged_into`: an item merged into another (status "merged") points at the kept one.
- `decisions.other_item_id` (the second item of a merge or split) and `decisions.undoes` (the row an
  undo reverses).
- `minhashes`, `minhash_bands`, `copies`: near-duplicate signatures and which article copies which
  (see monitor/dedupe.py); existing articles that hit the lexicon are indexed here.
- `articles_fts`: an FTS5 index (trigram tokenizer) over articles' title and text, external content
  kept in sync by triggers, filled from the existing rows.
"""

from __future__ import annotations

import logging

import sqlite_utils

from monitor import dedupe

log = logging.getLogger(__name__)

_SCHEMA = """
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


def v2(db: sqlite_utils.Database) -> None:
    """Add the triage tables and columns, then index the stored articles (runs in one transaction)."""
    for statement in _statements(_SCHEMA):
        db.execute(statement)
    matched = [int(row[0]) for row in db.execute("SELECT id FROM articles WHERE matched = 1 ORDER BY id")]
    for article_id in matched:
        dedupe.record_article(db, article_id)
    if matched:
        log.info("indexed %d stored articles for copy detection", len(matched))


def _statements(script: str) -> list[str]:
    """Split the script at the statement ends that sqlite3.complete_statement accepts (triggers whole)."""
    import sqlite3

    found: list[str] = []
    current = ""
    for line in script.strip().splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            found.append(current.strip())
            current = ""
    return found
