"""store: the SQLite database that is the monitor's whole state.

- database: the Store (open, migrate, transactions, fetch state) and `open_store`;
- migrations: the schema, numbered and named migrations of frozen SQL;
- articles: articles with their hits and events, raw pages;
- items: writing queue items (the item each event joins, edits, merges, splits, imports);
- queue: reading the queue (items, mentions, sources) and its audit trail, confirm and reject;
- runs: runs, sources' last results, failures;  digests: what each digest channel has received;
- counts: a term's hits, outlets' new articles, items of a status;  copies: copies of articles;
  search: full-text search.

`from monitor.store import Store, open_store` is light (sqlite-utils, no analysis stage).
"""

from monitor.store import _sqlite_utils  # noqa: F401  # first: sqlite-utils without numpy (see there)
from monitor.store.articles import StoredArticle, StoredPage
from monitor.store.database import SCHEMA_VERSION, Store, now, open_store
from monitor.store.queue import ItemSource, Mention, QueueItem

__all__ = ["SCHEMA_VERSION", "ItemSource", "Mention", "QueueItem", "Store", "StoredArticle", "StoredPage", "now",
           "open_store"]
