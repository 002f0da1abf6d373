"""The first run over a long source: old items are stored and analysed, their launches queued as backfill —
after today's items, out of the digest unless asked — and a recent report of the same launch clears the mark.
Through a real `monitor run` against a local server; every date is relative to today."""

from __future__ import annotations

import datetime as dt
import json
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.events.keys import center_key
from monitor.models import Article, Event, FeedEntry, Place
from monitor.run.freshness import article_day, entry_day, is_backfill, is_frozen, newest_day
from monitor.store.database import Store, open_store
from monitor.store.queue import get_item, list_items
from tests.support.http import LocalServer
from tests.support.http import local_server as local_server_fixture  # noqa: F401

TODAY = dt.datetime.now(dt.UTC).date()
RSS = {"Content-Type": "application/rss+xml; charset=utf-8"}
HTML = {"Content-Type": "text/html; charset=utf-8"}


def ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


def launch_page(center: str, place: str, day: dt.date, meta_date: dt.date | None = None) -> str:
    """A report of `center`'s launch on `day` (only month and day in the text, as most reports write it)."""
    meta = f'<meta property="article:published_time" content="{meta_date.isoformat()}">' if meta_date else ""
    return (f'<html><head><meta charset="utf-8">{meta}<title>{center}揭牌成立</title></head><body>'
            f'<h1>{center}揭牌成立</h1><div class="article">'
            f"<p>本报讯 {day.month}月{day.day}日上午，{center}在{place}融媒体中心揭牌成立，"
            "县委宣传部负责同志出席揭牌仪式。</p>"
            f"<p>{center}由县委宣传部主导、县融媒体中心运营，将围绕生态旅游开展对外传播，向海外讲好当地故事。</p>"
            "<p>中心已在多个海外社交媒体平台开设账号，首批多语种短视频同步上线，受到海外网友关注。</p>"
            "</div></body></html>")


def rss(items: list[tuple[str, str, dt.date]]) -> str:
    entries = "".join(f"<item><title>{title}</title><link>{link}</link><pubDate>"
                      f"{dt.datetime(d.year, d.month, d.day, 2, tzinfo=dt.UTC):%a, %d %b %Y %H:%M:%S +0000}"
                      f"</pubDate></item>" for title, link, d in items)
    head = '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
    return f"{head}{entries}</channel></rss>"


def config(tmp_path: Path, feed: str, extra: str = "") -> Path:
    path = tmp_path / "feeds.toml"
    path.write_text(f"[fetch]\nretries = 0\nhost_delay = 0.0\nhost_concurrency = 8\nrespect_robots = false\n{extra}\n"
                    f'[[outlets]]\nname = "赣江日报"\nlevel = "provincial"\nprovince = "江西省"\nfeeds = ["{feed}"]\n',
                    "utf-8")
    return path


def serve_long_feed(server: LocalServer) -> str:
    """A feed with years of items: 靖安's launch 400 days ago and 武宁's two days ago."""
    server.route("/a/jingan.html", body=launch_page("靖安国际传播中心", "靖安县", ago(400)), headers=HTML)
    server.route("/a/wuning.html", body=launch_page("武宁国际传播中心", "武宁县", ago(2)), headers=HTML)
    server.route("/rss.xml", headers=RSS, body=rss([
        ("武宁国际传播中心揭牌成立", server.url("/a/wuning.html"), ago(2)),
        ("靖安国际传播中心揭牌成立", server.url("/a/jingan.html"), ago(400))]))
    return server.url("/rss.xml")


def run(config_path: Path, db: Path) -> None:
    result = CliRunner().invoke(cli, ["run", "--config", str(config_path), "--db", str(db), "--quiet"])
    assert result.exit_code == 0, result.output


def test_a_first_run_queues_old_launches_as_backfill_after_todays(local_server: LocalServer, tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    run(config(tmp_path, serve_long_feed(local_server)), db)
    with open_store(db) as store:
        assert store.count("articles") == 2 and store.count("events") == 2  # stored and analysed, both
        assert dict(store.db.execute("SELECT url LIKE '%jingan%', backfill FROM articles").fetchall()) == {1: 1, 0: 0}
    runner = CliRunner()
    listed = json.loads(runner.invoke(cli, ["queue", "list", "--db", str(db), "--format", "json"]).stdout)
    assert [(i["center"], i["backfill"]) for i in listed] == [("武宁国际传播中心", False), ("靖安国际传播中心", True)]
    table = runner.invoke(cli, ["queue", "list", "--db", str(db)], env={"COLUMNS": "220"}).stdout
    [old_row] = [line for line in table.splitlines() if "靖安" in line]
    [new_row] = [line for line in table.splitlines() if "武宁" in line]
    assert "backfill" in old_row and "backfill" not in new_row
    jsonl = [json.loads(line) for line in runner.invoke(cli, ["queue", "list", "--db", str(db), "--format",
                                                              "jsonl"]).stdout.splitlines()]
    assert [i["backfill"] for i in jsonl] == [False, True]
    csv_text = runner.invoke(cli, ["queue", "list", "--db", str(db), "--format", "csv"]).stdout
    assert csv_text.splitlines()[0].split(",").count("backfill") == 1
    old_id = listed[1]["id"]
    shown = runner.invoke(cli, ["queue", "show", str(old_id), "--db", str(db)], env={"COLUMNS": "200"}).stdout
    assert "backfill" in shown and "first-run window" in shown
    assert json.loads(runner.invoke(cli, ["queue", "show", str(old_id), "--db", str(db), "--format",
                                          "json"]).stdout)["backfill"] is True


def test_the_digest_leaves_backfill_out_unless_asked(local_server: LocalServer, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "m.db"
    run(config(tmp_path, serve_long_feed(local_server)), db)
    runner = CliRunner()
    today = runner.invoke(cli, ["digest", "--db", str(db)]).stdout
    assert "武宁国际传播中心" in today and "靖安国际传播中心" not in today
    asked = runner.invoke(cli, ["digest", "--db", str(db), "--include-backfill"]).stdout
    assert "靖安国际传播中心" in asked and "武宁国际传播中心" not in asked


def test_the_window_comes_from_the_run_table(local_server: LocalServer, tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    run(config(tmp_path, serve_long_feed(local_server), "\n[run]\nbackfill_days = 1000\n"), db)
    with open_store(db) as store:
        assert [i.backfill for i in list_items(store)] == [False, False]


def test_a_recent_report_of_the_launch_as_news_clears_the_mark(local_server: LocalServer, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """修水's launch was 70 days ago: the first run finds its report (past the 60-day window); a report published
    40 days ago (30 days after the launch: news, not a late copy) comes later and clears the mark."""
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "m.db"
    local_server.route("/a/xiushui.html", body=launch_page("修水国际传播中心", "修水县", ago(70)), headers=HTML)
    first = [("修水国际传播中心揭牌成立", local_server.url("/a/xiushui.html"), ago(70))]
    local_server.route("/rss.xml", headers=RSS, body=rss(first))
    path = config(tmp_path, local_server.url("/rss.xml"))
    run(path, db)
    with open_store(db) as store:
        [item] = list_items(store)
        assert item.backfill
    assert "修水" not in CliRunner().invoke(cli, ["digest", "--db", str(db)]).stdout
    local_server.route("/a/xiushui-2.html", body=launch_page("修水国际传播中心", "修水县", ago(70)), headers=HTML)
    local_server.route("/rss.xml", headers=RSS, body=rss(
        [("修水国际传播中心揭牌", local_server.url("/a/xiushui-2.html"), ago(40)), *first]))
    run(path, db)
    with open_store(db) as store:
        [again] = list_items(store)
        assert (again.id, again.mentions, again.backfill, again.late) == (item.id, 2, False, False)
    assert "修水国际传播中心" in CliRunner().invoke(cli, ["digest", "--db", str(db)]).stdout


def test_a_list_page_link_without_a_date_is_judged_by_the_article_s_own_date(local_server: LocalServer,
                                                                            tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    local_server.route("/list/", headers=HTML, body='<html><body><a href="/p/1.shtml">靖安</a></body></html>')
    local_server.route("/p/1.shtml", headers=HTML,
                       body=launch_page("靖安国际传播中心", "靖安县", ago(500), meta_date=ago(500)))
    path = tmp_path / "feeds.toml"
    path.write_text("[fetch]\nretries = 0\nhost_delay = 0.0\nrespect_robots = false\n"
                    '[[outlets]]\nname = "赣江日报"\nlevel = "provincial"\nprovince = "江西省"\n'
                    f'[[outlets.pages]]\nurl = "{local_server.url("/list/")}"\nlinks = \'/p/\\d+\\.shtml\'\n', "utf-8")
    run(path, db)
    with open_store(db) as store:
        assert store.db.execute("SELECT published, backfill FROM articles").fetchall() == [(ago(500).isoformat(), 1)]
        assert [i.backfill for i in list_items(store)] == [True]


def test_the_web_queue_shows_backfill_after_todays_items(local_server: LocalServer, tmp_path: Path) -> None:
    from monitor.review.web import create_app
    from monitor.review.web.security import REVIEWER_COOKIE

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Starlette's notice about its httpx dependency
        from starlette.testclient import TestClient

    db = tmp_path / "m.db"
    run(config(tmp_path, serve_long_feed(local_server)), db)
    with open_store(db) as store:
        old = next(i.id for i in list_items(store) if i.backfill)
    with TestClient(create_app(str(db)), base_url="http://127.0.0.1", follow_redirects=False) as client:
        client.cookies.set(REVIEWER_COOKIE, "alice")
        for query in ("", "?sort=date"):
            queue = client.get(f"/queue{query}").text
            assert queue.count('class="badge backfill"') == 1
            assert queue.index("武宁国际传播中心") < queue.index("靖安国际传播中心")
        assert 'class="badge backfill"' in client.get(f"/item/{old}").text


# -- the store: what sets and clears the mark --------------------------------------------------------------


def _save(store: Store, url: str, *, backfill: bool, late: bool = False, center: str = "靖安国际传播中心") -> None:
    event = Event(url, "launch", center, Place("靖安县", "江西省", "county", None), "2025-06-03", (), 0.9,
                  f"⟦{center}⟧⟨揭牌成立⟩", late=late)
    store.save_article(Article(url, "t", f"{center}揭牌成立。{url}", None), outlet="赣江日报",
                       outlet_level="provincial", outlet_province="江西省", source_url=None, raw=None,
                       raw_encoding=None, lexicon_version="t", hits=[], events=[event], center_key=center_key,
                       backfill=backfill)


def test_a_late_copy_does_not_clear_the_mark_and_an_item_of_late_copies_is_not_backfill(store: Store) -> None:
    _save(store, "http://a/old.html", backfill=True)
    [item] = list_items(store)
    assert item.backfill and not item.late
    _save(store, "http://a/copy.html", backfill=False, late=True)  # an aggregator's late copy, found today
    assert get_item(store, item.id).backfill
    _save(store, "http://a/news.html", backfill=False)  # reported as news
    assert not get_item(store, item.id).backfill
    _save(store, "http://b/copy.html", backfill=False, late=True, center="武宁国际传播中心")
    other = next(i for i in list_items(store) if i.center == "武宁国际传播中心")
    assert (other.late, other.backfill) == (True, False)


# -- reading an item's day ---------------------------------------------------------------------------------


def test_an_items_day_is_its_entry_date_in_beijing_time_else_the_articles_else_its_address() -> None:
    late_evening_utc = dt.datetime(2024, 4, 23, 20, 0, tzinfo=dt.UTC)  # 04:00 on the 24th in Beijing
    assert entry_day(FeedEntry("http://a/x.html", published=late_evening_utc)) == dt.date(2024, 4, 24)
    assert entry_day(FeedEntry("http://a/n1/2024/0424/c1001-40223222.html")) == dt.date(2024, 4, 24)
    assert entry_day(FeedEntry("http://a/x.html")) is None
    old = Article("http://a/x.html", None, "t", dt.date(2020, 1, 2))
    recent_entry = FeedEntry("http://a/x.html", published=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    assert article_day(recent_entry, old) == dt.date(2026, 1, 1)  # the entry's date wins
    assert article_day(FeedEntry("http://a/2021-05/06/c_1.htm"), old) == dt.date(2020, 1, 2)
    assert article_day(FeedEntry("http://a/2021-05/06/c_1.htm"), None) == dt.date(2021, 5, 6)
    assert newest_day([FeedEntry("http://a/1"), recent_entry, FeedEntry("http://a/2019-01/01/c_2.htm")]) == \
        dt.date(2026, 1, 1)
    assert newest_day([]) is None


def test_backfill_and_frozen_are_strictly_older_than_their_limit() -> None:
    entry = FeedEntry("http://a/x.html", published=dt.datetime.combine(ago(60), dt.time(12), tzinfo=dt.UTC))
    assert not is_backfill(entry, None, 60, TODAY) and is_backfill(entry, None, 59, TODAY)
    assert not is_backfill(FeedEntry("http://a/x.html"), None, 1, TODAY)  # no date: never backfill
    assert is_frozen(ago(31), 30, TODAY) and not is_frozen(ago(30), 30, TODAY) and not is_frozen(None, 30, TODAY)
