"""Schema v4: looking an article up by the URL it was fetched from uses an index, not a table scan."""

from __future__ import annotations

from pathlib import Path

from monitor.store.database import Store


def test_known_article_urls_searches_fetched_urls_by_index(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s.db")
    try:
        plan = " ".join(str(row[3]) for row in store.db.execute(
            "EXPLAIN QUERY PLAN SELECT fetched_url FROM articles WHERE fetched_url IN (?, ?)", ["a", "b"]))
    finally:
        store.close()
    assert "articles_fetched_url" in plan and "SCAN articles" not in plan
