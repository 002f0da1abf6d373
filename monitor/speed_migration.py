"""Schema v4 (issue 7, speed): an index on articles.fetched_url.

Appended to `monitor.store.MIGRATIONS`; it imports nothing of the monitor so that store.py can import it.

`Store.known_article_urls` looks every candidate URL up by canonical URL (indexed: UNIQUE) and by the
URL it was fetched from; without this index the second lookup scanned the whole articles table, so
`monitor run` (once per source) and `monitor backfill` (once per batch of pages) slowed down as the
database grew: about 60 ms a lookup at 3,300 articles.
"""

from __future__ import annotations

import sqlite_utils


def v4_speed(db: sqlite_utils.Database) -> None:
    db.execute("CREATE INDEX IF NOT EXISTS articles_fetched_url ON articles(fetched_url)")
