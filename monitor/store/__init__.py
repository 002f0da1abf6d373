"""store: the SQLite database that is the monitor's whole state — the Store (database), its schema
(migrations), copies of articles (copies) and full-text search (search)."""
