"""Databases made by earlier versions of the monitor migrate to the latest schema with every row kept.

A database of schema N is built the way the monitor of that version built it: the first N migrations, each in
its transaction with `PRAGMA user_version`, then rows in every table of that version, as its code wrote them
(articles with their compressed pages, hits, events, items, decisions, runs, failures, sources, url_state;
from schema 2 on signatures and copies; from schema 3 on run counts in columns and the digest tables; from
schema 5 on imported centers; from schema 6 on late reports; from schema 7 on the newest item of each source
and backfill articles and items). `Store.open` migrates it; every row must come out as it went in.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import zlib
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from monitor.errors import StoreError
from monitor.store import copies, database
from monitor.store.database import SCHEMA_VERSION, DataStep, Store, open_store
from monitor.store.migrations import MIGRATIONS, migration
from monitor.store.queue import get_item, history, list_items
from monitor.store.search import search_articles
from tests.support.triage import OTHER, REPORT

SCHEMA_DIR = Path(__file__).parent / "data" / "schema"
STAMP = "2025-03-27T08:00:00+00:00"
PAGE = ("<html><head><meta charset='gb2312'><title>开封国际传播中心揭牌</title></head><body><p>"
        + REPORT + "</p><p>来源：中州日报</p></body></html>").encode("gb18030")
COPY = REPORT.replace("3月26日上午", "3月26日")  # a re-post of REPORT with one word less
Rows = dict[str, list[dict[str, Any]]]


def _place(place: str | None, province: str | None, level: str | None, code: str | None) -> dict[str, Any]:
    return {"place": place, "province": province, "level": level, "code": code}


KAIFENG = _place("开封市", "河南省", "city", "410200")
LUOYANG = _place("洛阳市", "河南省", "city", "410300")
KEY_KAIFENG = "河南省|launch|开封国际传播中心"
KEY_LUOYANG = "河南省|launch|洛阳国际传播中心"


def _article(id_: int, url: str, text: str, *, matched: int, outlet: str, raw: bytes | None = None,
             published: str | None = "2025-03-26") -> dict[str, Any]:
    return {"id": id_, "url": url, "fetched_url": url + "?from=rss", "outlet": outlet, "outlet_level": "city",
            "outlet_province": "河南省", "source_url": "http://zz.example.cn/rss.xml", "title": text[:12],
            "published": published, "text": text, "content_hash": f"hash-{id_}",
            "raw": zlib.compress(raw, 6) if raw is not None else None, "raw_encoding": "gb18030" if raw else None,
            "fetched_at": STAMP, "lexicon_version": "lexicon-2025-03", "matched": matched}


def _hit(article_id: int, term: str, category: str, start: int) -> dict[str, Any]:
    return {"article_id": article_id, "term": term, "canonical": term, "category": category, "start": start,
            "end": start + len(term), "lexicon_version": "lexicon-2025-03"}


def _item(id_: int, key: str, center: str, place: dict[str, Any], status: str, **more: Any) -> dict[str, Any]:
    return {"id": id_, "center_key": key, "type": "launch", "center": center, **place, "date": "2025-03-26",
            "partners": json.dumps(["中国日报社"], ensure_ascii=False), "confidence": 0.9, "status": status,
            "reviewer": more.pop("reviewer", None), "note": more.pop("note", None), "created_at": STAMP,
            "updated_at": STAMP, **more}


def _event(id_: int, article_id: int, item_id: int, key: str, place: dict[str, Any], evidence: str) -> dict[str, Any]:
    return {"id": id_, "article_id": article_id, "item_id": item_id, "type": "launch", "center": key.split("|")[2],
            "center_key": key, **place, "date": "2025-03-26",
            "partners": json.dumps(["中国日报社"], ensure_ascii=False), "confidence": 0.9, "evidence": evidence,
            "lexicon_version": "lexicon-2025-03"}


def rows_v1() -> Rows:
    """Schema 1: four articles (two reports of one launch, one that matched nothing, one too short to sign)."""
    return {
        "url_state": [
            {"url": "http://zz.example.cn/rss.xml", "etag": '"abc"', "last_modified": None, "status": 200,
             "error": None, "fetched_at": STAMP},
            {"url": "http://ly.example.cn/list/", "etag": None, "last_modified": "Wed, 26 Mar 2025 08:00:00 GMT",
             "status": 503, "error": "HTTP 503", "fetched_at": STAMP}],
        "sources": [
            {"url": "http://zz.example.cn/rss.xml", "outlet": "中州日报", "kind": "feed", "status": "ok",
             "error": None, "items": 20, "final_url": None, "permanent_redirect": 0, "last_attempt": STAMP,
             "last_success": STAMP, "consecutive_failures": 0},
            {"url": "http://ly.example.cn/list/", "outlet": "洛阳日报", "kind": "page", "status": "failed",
             "error": "HTTP 503", "items": None, "final_url": "https://ly.example.cn/list/", "permanent_redirect": 1,
             "last_attempt": STAMP, "last_success": None, "consecutive_failures": 3}],
        "articles": [
            _article(1, "http://zz.example.cn/a/1.html", REPORT, matched=1, outlet="中州日报", raw=PAGE),
            _article(2, "http://hx.example.cn/b/2.html", COPY, matched=1, outlet="华夏通讯社", published="2025-03-27"),
            _article(3, "http://zz.example.cn/a/3.html", "今日天气晴，气温回升。" * 5, matched=0, outlet="中州日报"),
            _article(4, "http://ly.example.cn/c/4.html", "洛阳国际传播中心挂牌。", matched=1, outlet="洛阳日报")],
        "hits": [_hit(1, "国际传播中心", "center", 6), _hit(1, "揭牌", "trigger", 17),
                 _hit(2, "国际传播中心", "center", 4), _hit(4, "国际传播中心", "center", 2)],
        "items": [
            _item(1, KEY_KAIFENG, "开封国际传播中心", KAIFENG, "confirmed", reviewer="alice", note="checked"),
            _item(2, KEY_LUOYANG, "洛阳国际传播中心", LUOYANG, "new")],
        "events": [_event(1, 1, 1, KEY_KAIFENG, KAIFENG, "⟦开封国际传播中心⟧在开封市⟨揭牌⟩成立"),
                   _event(2, 2, 1, KEY_KAIFENG, KAIFENG, "⟦开封国际传播中心⟧在开封市揭牌成立"),
                   _event(3, 4, 2, KEY_LUOYANG, LUOYANG, "⟦洛阳国际传播中心⟧⟨挂牌⟩")],
        "decisions": [{"id": 1, "item_id": 1, "reviewer": "alice", "at": STAMP, "action": "confirm",
                       "before": json.dumps({"status": "new"}), "after": json.dumps({"status": "confirmed"}),
                       "reason": "checked"}],
        "runs": [{"id": 1, "started": STAMP, "ended": STAMP, "status": "completed",
                  "counts": json.dumps({"sources": 2, "articles_new": 4})},
                 {"id": 2, "started": STAMP, "ended": None, "status": "abandoned", "counts": None}],
        "failures": [{"id": 1, "run_id": 1, "outlet": "洛阳日报", "url": "http://ly.example.cn/list/",
                      "reason": "HTTP 503", "at": STAMP}],
    }


def rows_v4() -> Rows:
    """Schema 4: schema 1's rows and a merged item, a merge and its undo, signatures and a copy, run counts in
    columns, a digest channel and what it was sent, and an article that matched but names no center (never
    signed)."""
    rows = rows_v1()
    rows["articles"].append(_article(5, "http://zz.example.cn/a/5.html", OTHER, matched=1, outlet="中州日报"))
    rows["hits"].append(_hit(5, "国际传播", "theme", 0))
    rows["items"] = [{**item, "merged_into": None} for item in rows["items"]]
    rows["items"].append(_item(3, "|launch|开封国际传播中心", "开封国际传播中心", _place(None, None, None, None),
                               "merged", merged_into=1, reviewer="bob"))
    rows["decisions"] = [{**row, "other_item_id": None, "undoes": None} for row in rows["decisions"]]
    rows["decisions"] += [
        {"id": 2, "item_id": 3, "reviewer": "bob", "at": STAMP, "action": "merge", "before": "{}", "after": "{}",
         "reason": None, "other_item_id": 1, "undoes": None},
        {"id": 3, "item_id": 2, "reviewer": "bob", "at": STAMP, "action": "undo", "before": "{}", "after": "{}",
         "reason": "undo confirm #9", "other_item_id": None, "undoes": 1}]
    signatures = {article_id: copies.signature(text) for article_id, text in ((1, REPORT), (2, COPY))}
    rows["minhashes"] = [{"article_id": a, "signature": s.tobytes()} for a, s in signatures.items() if s is not None]
    rows["minhash_bands"] = [{"band": band, "hash": value, "article_id": a}
                             for a, s in signatures.items() if s is not None for band, value in copies.bands(s)]
    rows["copies"] = [{"article_id": 2, "original_id": 1, "similarity": 0.93, "method": "text", "source": None,
                       "at": STAMP}]
    counts = {"sources": 2, "fetched": 30, "not_modified": 5, "failed": 1, "articles_new": 4, "matches": 3,
              "new_items": 2, "sources_failed": 1, "events": 3, "log": "/var/log/monitor/run-1.jsonl"}
    rows["runs"] = [{**rows["runs"][0], **counts}, {**rows["runs"][1], **dict.fromkeys(counts)}]
    rows["digest_channels"] = [{"channel": "atom:/srv/feed.xml", "health": json.dumps({"洛阳日报": ["broken"]}),
                                "last_attempt": STAMP, "last_success": STAMP, "last_error": None, "failures": 0}]
    rows["digest_sent"] = [{"channel": "atom:/srv/feed.xml", "kind": kind, "item_id": 1, "center_key": KEY_KAIFENG,
                            "at": STAMP} for kind in ("new", "confirmed")]
    return rows


def rows_v5() -> Rows:
    """Schema 5: schema 4's rows (items found) and a center imported from an analyst's list."""
    rows = rows_v4()
    rows["items"] = [{**item, "origin": "found", "source": None} for item in rows["items"]]
    rows["items"].append(_item(4, "北京市|launch|华辰国际传播中心", "华辰国际传播中心",
                               _place("北京市", "北京市", "province", "110000"), "confirmed", reviewer="import",
                               merged_into=None, origin="imported", source="known.csv:2"))
    rows["decisions"].append({"id": 4, "item_id": 4, "reviewer": "import", "at": STAMP, "action": "import",
                              "before": None, "after": "{}", "reason": "known.csv:2", "other_item_id": None,
                              "undoes": None})
    return rows


def rows_v6() -> Rows:
    """Schema 6: schema 5's rows, and a launch known from a late copy only (its event and item late)."""
    rows = rows_v5()
    rows["items"] = [{**item, "late": 0} for item in rows["items"]]
    rows["events"] = [{**event, "late": 0} for event in rows["events"]]
    zhengzhou, key = _place("郑州市", "河南省", "city", "410100"), "河南省|launch|郑州国际传播中心"
    rows["articles"].append(_article(6, "http://jh.example.cn/6.html", "郑州国际传播中心揭牌成立。" * 3, matched=1,
                                     outlet="聚合资讯网", published="2025-06-20"))
    rows["items"].append(_item(5, key, "郑州国际传播中心", zhengzhou, "new", merged_into=None, origin="found",
                               source=None, late=1))
    rows["events"].append({**_event(4, 6, 5, key, zhengzhou, "⟦郑州国际传播中心⟧⟨揭牌成立⟩"), "late": 1})
    return rows


def rows_v7() -> Rows:
    """Schema 7: schema 6's rows, the newest item a run saw in each source (one source's items had no date), and
    a launch known only from an old article that a first run found (its article and item backfill)."""
    rows = rows_v6()
    rows["sources"] = [{**source, "newest": newest} for source, newest in zip(rows["sources"], ["2025-03-26", None],
                                                                            strict=True)]
    rows["articles"] = [{**article, "backfill": 0} for article in rows["articles"]]
    rows["items"] = [{**item, "backfill": 0} for item in rows["items"]]
    xinxiang, key = _place("新乡市", "河南省", "city", "410700"), "河南省|launch|新乡国际传播中心"
    rows["articles"].append({**_article(7, "http://zz.example.cn/a/7.html", "新乡国际传播中心揭牌成立。" * 3,
                                        matched=1, outlet="中州日报", published="2023-05-10"), "backfill": 1})
    rows["items"].append(_item(6, key, "新乡国际传播中心", xinxiang, "new", merged_into=None, origin="found",
                               source=None, late=0, backfill=1))
    rows["events"].append({**_event(5, 7, 6, key, xinxiang, "⟦新乡国际传播中心⟧⟨揭牌成立⟩"), "late": 0})
    return rows


BUILDERS = {1: rows_v1, 4: rows_v4, 5: rows_v5, 6: rows_v6, 7: rows_v7}


def build(path: Path, version: int) -> Rows:
    """A database of schema `version` as the monitor of that version left it; returns the rows written."""
    conn = sqlite3.connect(path, isolation_level=None)
    db = sqlite_utils.Database(conn)
    for number, step in enumerate(MIGRATIONS[:version], start=1):
        conn.execute("BEGIN")
        step(db)
        conn.execute(f"PRAGMA user_version = {number}")
        conn.execute("COMMIT")
    rows = BUILDERS[version]()
    for table, records in rows.items():
        db.table(table).insert_all(records)
    conn.close()
    return rows


def table_rows(store: Store, table: str, columns: list[str]) -> Counter[tuple[Any, ...]]:
    names = ", ".join(f'"{c}"' for c in columns)
    return Counter(tuple(row) for row in store.db.execute(f"SELECT {names} FROM {table}"))


def assert_every_row_kept(store: Store, rows: Rows) -> None:
    for table, records in rows.items():
        columns = list(records[0])
        assert store.count(table) == len(records), table
        assert table_rows(store, table, columns) == Counter(tuple(r[c] for c in columns) for r in records), table


# -- every row survives ---------------------------------------------------------------------------------


@pytest.mark.parametrize("version", sorted(BUILDERS))
def test_a_database_of_an_earlier_schema_migrates_keeping_every_row(tmp_path: Path, version: int) -> None:
    path = tmp_path / f"v{version}.db"
    rows = build(path, version)
    with open_store(path) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert_every_row_kept(store, rows)
        assert store.raw_page(1) == PAGE
        assert store.raw_page(3) is None
        assert {i.id for i in list_items(store)} == {1: {1, 2}, 4: {1, 2}, 5: {1, 2, 4}, 6: {1, 2, 4, 5},
                                                     7: {1, 2, 4, 5, 6}}[version]
        assert [i.id for i in list_items(store) if i.late] == ([5] if version >= 6 else [])
        assert [i.id for i in list_items(store) if i.backfill] == ([6] if version == 7 else [])
        assert (get_item(store, 1).status, get_item(store, 1).partners, get_item(store, 1).mentions) == (
            "confirmed", ["中国日报社"], 2)
        assert history(store, 1)[0]["reviewer"] == "alice"
        assert {h.article_id for h in search_articles(store, "开封国际传播")} == {1, 2}


def test_columns_added_since_get_their_defaults(tmp_path: Path) -> None:
    build(tmp_path / "v1.db", 1)
    with open_store(tmp_path / "v1.db") as store:
        assert store.db.execute("SELECT DISTINCT merged_into, origin, source FROM items").fetchall() == [
            (None, "found", None)]
        assert store.db.execute("SELECT DISTINCT other_item_id, undoes FROM decisions").fetchall() == [(None, None)]
        assert store.db.execute("SELECT DISTINCT sources, log FROM runs").fetchall() == [(None, None)]
        assert store.count("digest_sent") == store.count("digest_channels") == 0
        assert store.db.execute("SELECT DISTINCT late FROM items UNION SELECT DISTINCT late FROM events"
                                ).fetchall() == [(0,)]
        assert store.db.execute("SELECT DISTINCT backfill FROM items UNION SELECT DISTINCT backfill FROM articles"
                                ).fetchall() == [(0,)]
        assert store.db.execute("SELECT DISTINCT newest FROM sources").fetchall() == [(None,)]


def test_the_migrated_schema_is_the_schema_of_a_new_database(tmp_path: Path) -> None:
    build(tmp_path / "v1.db", 1)
    schemas = []
    for path in (tmp_path / "v1.db", tmp_path / "new.db"):
        with open_store(path) as store:
            schemas.append(store.db.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall())
    assert schemas[0] == schemas[1]


# -- the data step of schema 2 -------------------------------------------------------------------------


def test_the_articles_of_a_version_1_database_are_signed_after_migrating(tmp_path: Path,
                                                                         caplog: pytest.LogCaptureFixture) -> None:
    build(tmp_path / "v1.db", 1)
    with caplog.at_level(logging.INFO, logger="monitor.store.database"), open_store(tmp_path / "v1.db") as store:
        # matched and long enough: signed; 3 matched nothing, 4 is too short to compare
        assert [r[0] for r in store.db.execute("SELECT article_id FROM minhashes ORDER BY 1")] == [1, 2]
        assert store.db.execute("SELECT article_id, original_id, method FROM copies").fetchall() == [(2, 1, "text")]
        assert store.db.execute("SELECT count(DISTINCT band) FROM minhash_bands").fetchone()[0] == 42
    assert "sign stored articles for copy detection" in caplog.text


def test_signing_again_changes_nothing(tmp_path: Path) -> None:
    build(tmp_path / "v1.db", 1)
    with open_store(tmp_path / "v1.db") as store:
        tables = ("minhashes", "minhash_bands", "copies")
        before = {t: store.db.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in tables}
        with store.transaction():
            assert copies.sign_unsigned(store.db) == 1  # article 4, still too short
        assert {t: store.db.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in tables} == before


def test_a_database_signed_by_its_own_runs_is_not_signed_again(tmp_path: Path) -> None:
    """From schema 2 on the monitor signs what names a center as it stores it: article 5 (a theme hit only)
    stays unsigned, the signatures and copies stay as they were."""
    rows = build(tmp_path / "v4.db", 4)
    with open_store(tmp_path / "v4.db") as store:
        assert [r[0] for r in store.db.execute("SELECT article_id FROM minhashes ORDER BY 1")] == [1, 2]
        assert_every_row_kept(store, {t: rows[t] for t in ("minhashes", "minhash_bands", "copies")})


def test_a_failing_data_step_leaves_the_database_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(db: sqlite_utils.Database) -> int:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(database, "DATA_STEPS", (DataStep(2, "sign stored articles", broken),))
    rows = build(tmp_path / "v1.db", 1)
    with pytest.raises(StoreError, match=r"cannot sign stored articles after migrating .*disk I/O error"):
        Store.open(tmp_path / "v1.db")
    conn = sqlite3.connect(tmp_path / "v1.db")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'minhashes'").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == len(rows["articles"])
    conn.close()


# -- the migrations themselves -----------------------------------------------------------------------------


def _statements(sql: str) -> list[str]:
    text = "".join(line for line in sql.splitlines(keepends=True) if not line.startswith("--"))
    return [" ".join(s.split()).removesuffix(";") for s in text.split(";\n\n") if s.strip()]


@pytest.mark.parametrize("version", [5, 6, 7])
def test_released_migrations_are_frozen(version: int) -> None:
    """Migrations 1-N still make the schema of version N as released (tests/data/schema/vN.sql)."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    db = sqlite_utils.Database(conn)
    for step in MIGRATIONS[:version]:
        step(db)
    made = [" ".join(r[0].split()) for r in conn.execute(
        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name")]
    assert made == _statements((SCHEMA_DIR / f"v{version}.sql").read_text(encoding="utf-8"))


def test_migrations_are_numbered_in_order() -> None:
    assert [m.__name__[:5] for m in MIGRATIONS] == [f"m{n:03d}_" for n in range(1, SCHEMA_VERSION + 1)]

    def m002_again(db: sqlite_utils.Database) -> None:  # pragma: no cover (never registered)
        pass

    with pytest.raises(RuntimeError, match="out of order"):
        migration(m002_again)
    assert m002_again not in MIGRATIONS


def test_known_article_urls_searches_fetched_urls_by_index(tmp_path: Path) -> None:
    """Schema 4: looking an article up by the URL it was fetched from uses an index, not a table scan."""
    with open_store(tmp_path / "s.db") as store:
        plan = " ".join(str(row[3]) for row in store.db.execute(
            "EXPLAIN QUERY PLAN SELECT fetched_url FROM articles WHERE fetched_url IN (?, ?)", ["a", "b"]))
    assert "articles_fetched_url" in plan and "SCAN articles" not in plan
