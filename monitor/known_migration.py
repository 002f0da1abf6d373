"""Schema v5 (known centers): queue items say where they come from.

Appended to `monitor.store.MIGRATIONS`; it imports nothing of the monitor so that store.py can import it.
Frozen: it is the SQL of version 5 as released; a later change of the schema is a new migration.

- `items.origin`: 'found' (the monitor found the center in an article; every item before v5) or
  'imported' (it came from an analyst's list of known centers, `monitor registry import`).
- `items.source`: for an imported center, where the list says its facts come from (a citation, a URL,
  or the name of the file it was imported from).
"""

from __future__ import annotations

import sqlite_utils

_SCHEMA = (
    "ALTER TABLE items ADD COLUMN origin TEXT NOT NULL DEFAULT 'found' CHECK (origin IN ('found', 'imported'))",
    "ALTER TABLE items ADD COLUMN source TEXT",
)


def v5_known(db: sqlite_utils.Database) -> None:
    for statement in _SCHEMA:
        db.execute(statement)
