import sqlite3
from pathlib import Path

import pytest

from monitor.store.database import Store
from monitor.store.search import search_articles, snippet
from tests.support.triage import OTHER, REPORT, event, save


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store.open(tmp_path / "s.db")
    save(store, "http://a/1", REPORT, [event("http://a/1")], title="开封国际传播中心揭牌成立")
    save(store, "http://b/1", OTHER, [], outlet="洛阳日报", title="洛阳")
    save(store, "http://c/1", "香港文匯報：開封國際傳播中心今日揭牌，面向海外講好中國故事。", [], outlet="文汇")
    return store


def test_three_or_more_characters_use_the_index_in_both_scripts(store: Store) -> None:
    hits = search_articles(store, "开封国际传播")
    assert {h.url for h in hits} == {"http://a/1", "http://c/1"}
    first = next(h for h in hits if h.url == "http://a/1")
    assert first.item_ids and "开封国际传播" in first.snippet


def test_two_character_queries_take_the_scan_path(store: Store) -> None:
    assert {h.url for h in search_articles(store, "河洛")} == {"http://b/1"}
    assert {h.url for h in search_articles(store, "开封")} == {"http://a/1", "http://c/1"}


def test_every_word_must_occur(store: Store) -> None:
    assert {h.url for h in search_articles(store, "国际传播 宋文化")} == {"http://a/1"}
    assert {h.url for h in search_articles(store, "国际传播 河洛")} == {"http://b/1"}
    assert search_articles(store, "国际传播 不存在的词") == []


def test_quotes_and_operators_are_plain_text(store: Store) -> None:
    assert search_articles(store, '"开封" OR NOT') == []
    assert search_articles(store, "   ") == []


def test_the_index_follows_updates(store: Store) -> None:
    article_id = store.db.execute("SELECT id FROM articles WHERE url = 'http://b/1'").fetchone()[0]
    store.update_text(article_id, "全新的文本内容：武隆国际传播中心揭牌。", "新")
    assert {h.url for h in search_articles(store, "武隆国际")} == {"http://b/1"}
    assert search_articles(store, "河洛文化") == []


def test_snippet_is_centered_on_the_word() -> None:
    text = "甲" * 100 + "开封" + "乙" * 100
    piece = snippet(text, ["开封"])
    assert piece.startswith("…") and piece.endswith("…") and "开封" in piece


def test_a_version_1_database_is_indexed_when_migrated(tmp_path: Path) -> None:
    from monitor.store import database as store_module

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    db = store_module.sqlite_utils.Database(conn)
    store_module.MIGRATIONS[0](db)
    conn.execute("INSERT INTO articles (url, text, content_hash, fetched_at, matched, outlet, published) VALUES "
                 "('http://old/1', ?, 'h1', '2025-01-01', 1, '中州日报', '2025-03-27'), "
                 "('http://old/2', ?, 'h2', '2025-01-01', 1, '华夏通讯社', '2025-03-28')", [REPORT, REPORT])
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    migrated = Store.open(path)
    assert {h.url for h in search_articles(migrated, "宋文化")} == {"http://old/1", "http://old/2"}
    assert migrated.db.execute("SELECT article_id, original_id FROM copies").fetchall() == [(2, 1)]
