import datetime as dt
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from monitor.errors import StoreError
from monitor.events.keys import center_key
from monitor.models import Article, Event, Hit, Place
from monitor.store import open_store
from monitor.store.database import SCHEMA_VERSION, Store


def _event(center: str = "洛阳国际传播中心", url: str = "http://a/1") -> Event:
    return Event(url, "launch", center, Place("洛阳市", "河南省", "city", "410300"), "2025-03-26",
                 ("中国日报社",), 0.9, "…")


def _save(store: Store, url: str, text: str, events: list[Event]) -> tuple[int, int]:
    article = Article(url, "标题", text, dt.date(2025, 3, 28))
    hits = [Hit("国际传播中心", "国际传播中心", "center", 2, 8)]
    return store.save_article(article, outlet="洛阳日报", outlet_level="city", outlet_province="河南省",
                              source_url="http://a/rss", raw=b"<html>raw</html>", raw_encoding="utf-8",
                              lexicon_version="v1", hits=hits, events=events, center_key=center_key)


def test_new_database_is_migrated_and_in_wal_mode(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "m.db")
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert {"articles", "events", "items", "decisions", "url_state", "runs"} <= set(store.db.table_names())


def test_saving_twice_is_idempotent_and_copies_share_one_item(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "m.db")
    first_id, new_first = _save(store, "http://a/1", "洛阳国际传播中心揭牌", [_event()])
    again_id, new_again = _save(store, "http://a/1", "洛阳国际传播中心揭牌", [_event()])
    _, new_copy = _save(store, "http://b/2", "洛阳國際傳播中心揭牌", [_event("洛阳市国际传播中心", "http://b/2")])
    assert (new_first, new_again, new_copy) == (1, 0, 0)
    assert first_id == again_id
    assert store.count("articles") == 2
    assert store.count("items") == 1
    assert store.count("events") == 2


def test_raw_bytes_are_kept_compressed_and_given_back(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "m.db")
    article_id, _ = _save(store, "http://a/1", "正文", [])
    assert store.raw_page(article_id) == b"<html>raw</html>"


def test_validators_round_trip(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "m.db")
    store.remember_url("http://a/rss", 200, None, '"abc"', "Mon, 01 Jan 2024 00:00:00 GMT")
    validators = store.validators("http://a/rss")
    assert validators is not None and validators.etag == '"abc"'
    assert store.validators("http://unknown") is None


def test_a_folder_or_a_non_database_gets_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a folder"):
        Store.open(tmp_path)
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a usable SQLite database"):
        Store.open(bad)
    with pytest.raises(StoreError, match="does not exist"):
        Store.open(tmp_path / "missing" / "x.db")


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    Store.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer than this monitor"):
        Store.open(path)


def test_open_store_closes_the_store_even_when_the_block_fails(tmp_path: Path) -> None:
    with open_store(tmp_path / "m.db") as store:
        assert store.count("articles") == 0
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        store.db.execute("SELECT 1")
    with pytest.raises(RuntimeError, match="boom"), open_store(tmp_path / "m.db") as failing:
        raise RuntimeError("boom")
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        failing.db.execute("SELECT 1")


def test_importing_the_store_loads_no_analysis_stage() -> None:
    """`from monitor.store import Store, open_store` is what the light commands do: no spaCy, jieba, …"""
    probe = ("import json, sys; import monitor.store; "
             "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
             "('spacy', 'jieba', 'trafilatura', 'httpx') or m.startswith(('monitor.events', 'monitor.match', "
             "'monitor.run', 'monitor.publish')))))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    assert json.loads(done.stdout) == []
