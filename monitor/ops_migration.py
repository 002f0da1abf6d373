"""Schema v3 (issue 5, daily operations): run counts in columns, digest channels and deliveries.

Appended to `monitor.store.MIGRATIONS`; it imports nothing of the monitor so that store.py can import it.

- `runs` gets one column per count (the JSON `counts` stays for older readers) and the path of the run's
  JSON-lines log.
- `digest_channels`: one row per delivery channel (print, atom:PATH, webhook:URL, smtp:HOST:PORT:TO)
  with the outlet health it last delivered and how its last attempt went.
- `digest_sent`: what each channel has delivered (an item as new, an item as confirmed). A row is
  written only after the delivery succeeded, so a failed delivery is retried by the next digest and
  a delivered item is never sent again on that channel.
"""

from __future__ import annotations

import sqlite_utils

_RUN_COLUMNS = ("sources", "fetched", "not_modified", "failed", "articles_new", "matches", "new_items",
                "sources_failed", "events")


def v3_operations(db: sqlite_utils.Database) -> None:
    for column in _RUN_COLUMNS:
        db.execute(f"ALTER TABLE runs ADD COLUMN {column} INTEGER")
    db.execute("ALTER TABLE runs ADD COLUMN log TEXT")
    db.execute("CREATE TABLE digest_channels (channel TEXT PRIMARY KEY, health TEXT NOT NULL DEFAULT '{}', "
               "last_attempt TEXT, last_success TEXT, last_error TEXT, failures INTEGER NOT NULL DEFAULT 0)")
    db.execute("CREATE TABLE digest_sent (channel TEXT NOT NULL, kind TEXT NOT NULL, item_id INTEGER NOT NULL, "
               "center_key TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (channel, kind, item_id))")
    db.execute("CREATE INDEX runs_started ON runs(started)")
