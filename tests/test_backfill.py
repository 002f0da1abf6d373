"""monitor backfill: folders, WARC files and URL lists into the store; serial, process pool and Dask
give the same database; a killed backfill resumes without duplicates; --only-matching stores only the
pages that name a center and finds the events of a full backfill."""

from __future__ import annotations

import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.errors import ConfigError, NotFoundError
from monitor.events.keys import center_name_key
from monitor.match.lexicon import load_lexicon
from monitor.models import Config, FetchSettings, Outlet
from monitor.run.archive import count_pages, folder_pages, source_kind, warc_pages
from monitor.run.backfill import Outlets, backfill
from monitor.run.prefilter import NO_CENTER
from monitor.store.database import Store
from tests.support.http import LocalServer
from tools.demo import SAMPLES

SITE = SAMPLES / "site"
CASES = Path(__file__).parent / "data" / "prefilter"  # launches in link lists, titles, traditional script, GBK …
EXPECTED = json.loads((SAMPLES / "expected.json").read_text("utf-8"))
BASE = "http://samples.test"


def snapshot(path: Path) -> dict[str, Any]:
    """The content of a database (articles, hits, events, items with their mentions), without ids."""
    db = sqlite3.connect(path)
    try:
        articles = db.execute("SELECT url, fetched_url, title, published, text, content_hash, matched, outlet, "
                              "outlet_level, outlet_province, raw_encoding, lexicon_version, raw FROM articles")
        hits = db.execute("SELECT a.url, h.term, h.canonical, h.category, h.start, h.\"end\" FROM hits h "
                          "JOIN articles a ON a.id = h.article_id")
        events = db.execute("SELECT a.url, e.type, e.center, e.center_key, e.place, e.province, e.level, e.code, "
                            "e.date, e.partners, round(e.confidence, 6), e.evidence FROM events e "
                            "JOIN articles a ON a.id = e.article_id")
        items = db.execute("SELECT i.id, i.center_key, i.type, i.center, i.place, i.province, i.level, i.code, "
                           "i.date, i.partners, round(i.confidence, 6), i.status FROM items i").fetchall()
        mentions = db.execute("SELECT e.item_id, a.url FROM events e JOIN articles a ON a.id = e.article_id")
        by_item: dict[int, list[str]] = {}
        for item_id, url in mentions:
            by_item.setdefault(item_id, []).append(url)
        return {"articles": sorted(articles), "hits": sorted(hits), "events": sorted(events),
                "items": sorted((*row[1:], tuple(sorted(by_item.get(row[0], [])))) for row in items)}
    finally:
        db.close()


def run_backfill(db: Path, sources: list[str], **options: Any) -> Any:
    store = Store.open(db)
    try:
        return backfill(store, sources, load_lexicon(), base_url=options.pop("base_url", BASE), **options)
    finally:
        store.close()


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample site as a crawler would have saved it (its __BASE__ token replaced by BASE)."""
    folder = tmp_path_factory.mktemp("saved")
    for path in (p for p in SITE.rglob("*") if p.suffix in (".html", ".htm", ".shtml")):
        target = folder / path.relative_to(SITE)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes().replace(b"__BASE__", BASE.encode()))
    return folder


@pytest.fixture(scope="module")
def serial_db(tmp_path_factory: pytest.TempPathFactory, saved: Path) -> tuple[Path, Any, Any]:
    db = tmp_path_factory.mktemp("serial") / "serial.db"
    first = run_backfill(db, [str(saved)], workers=0)
    second = run_backfill(db, [str(saved)], workers=0)
    return db, first, second


def test_a_folder_of_saved_pages_fills_the_queue_with_every_launch(serial_db: tuple[Path, Any, Any]) -> None:
    db, first, _ = serial_db
    stored = {row[0] for row in snapshot(db)["articles"]}
    assert stored >= {BASE + url for launch in EXPECTED["launches"] for url in launch["urls"]}
    centers = {center_name_key(row[2]) for row in snapshot(db)["items"]}
    assert centers == {center_name_key(launch["center"]) for launch in EXPECTED["launches"]}
    assert first.failed == 1 and first.failures[0][0].endswith("/ganjiang/list.html")  # a list page: no article


def test_a_second_backfill_skips_everything_and_changes_nothing(serial_db: tuple[Path, Any, Any]) -> None:
    db, first, second = serial_db
    assert second.stored == 0 and second.skipped == first.stored
    store = Store.open(db)
    try:
        assert store.count("articles") == first.stored
        assert store.count("items") == first.new_items
    finally:
        store.close()


def test_dask_local_cluster_gives_the_database_of_the_serial_run(serial_db: tuple[Path, Any, Any],
                                                                saved: Path, tmp_path: Path) -> None:
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        summary = run_backfill(tmp_path / "dask.db", [str(saved)], scheduler=cluster.scheduler_address)
    assert summary.stored == serial_db[1].stored
    assert snapshot(tmp_path / "dask.db") == snapshot(serial_db[0])


@pytest.mark.slow
def test_a_local_process_pool_gives_the_database_of_the_serial_run(serial_db: tuple[Path, Any, Any],
                                                                  saved: Path, tmp_path: Path) -> None:
    run_backfill(tmp_path / "pool.db", [str(saved)], workers=2)
    assert snapshot(tmp_path / "pool.db") == snapshot(serial_db[0])


@pytest.mark.slow
def test_a_killed_backfill_resumes_without_losing_or_duplicating(serial_db: tuple[Path, Any, Any],
                                                                 saved: Path, tmp_path: Path) -> None:
    db = tmp_path / "killed.db"
    command = [sys.executable, "-m", "monitor", "backfill", str(saved), "--db", str(db), "--workers", "0",
               "--base-url", BASE, "--quiet"]
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for_articles(db, 12, child)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    partial = snapshot(db)["articles"]
    assert 12 <= len(partial) < serial_db[1].stored
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert snapshot(db) == snapshot(serial_db[0])


def _wait_for_articles(db: Path, count: int, child: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and child.poll() is None:
        try:
            with sqlite3.connect(db, timeout=5) as conn:
                if conn.execute("SELECT count(*) FROM articles").fetchone()[0] >= count:
                    return
        except sqlite3.OperationalError:  # not created yet
            pass
        time.sleep(0.05)
    pytest.fail("the backfill did not store articles in time")


def _warc(path: Path, records: list[tuple[str, str, int, str, bytes]]) -> Path:
    """A WARC.gz of (type, url, status, content type, body) records."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for kind, url, status, content_type, body in records:
            http = StatusAndHeaders(f"{status} X", [("Content-Type", content_type)], protocol="HTTP/1.1")
            record = writer.create_warc_record(url, kind, payload=io.BytesIO(body),
                                               http_headers=http if kind == "response" else None,
                                               warc_content_type=content_type if kind == "resource" else None)
            writer.write_record(record)
    return path


def _sample(relative: str) -> bytes:
    return (SITE / relative).read_bytes().replace(b"__BASE__", BASE.encode())


def test_a_warc_gives_its_html_responses_and_nothing_else(tmp_path: Path) -> None:
    launch = EXPECTED["launches"][0]["urls"][0]
    warc = _warc(tmp_path / "crawl.warc.gz", [
        ("response", BASE + launch, 200, "text/html", _sample(launch.lstrip("/"))),
        ("response", BASE + "/gone.html", 404, "text/html", b"<html>not found</html>"),
        ("response", BASE + "/logo.png", 200, "image/png", b"\x89PNG"),
        ("resource", BASE + "/saved.html", 200, "text/html; charset=utf-8", _sample(launch.lstrip("/"))),
    ])
    assert source_kind(warc) == "warc"
    assert [page.url for page in warc_pages(warc)] == [BASE + launch, BASE + "/saved.html"]
    summary = run_backfill(tmp_path / "warc.db", [str(warc)], workers=0)
    assert (summary.stored, summary.new_items) == (2, 1)


def test_broken_warcs_are_reported_and_the_next_source_still_runs(tmp_path: Path) -> None:
    page = _sample("hxnews/2024-11/19/c_1130223716.htm")
    whole = _warc(tmp_path / "whole.warc.gz", [("response", f"{BASE}/{n}.html", 200, "text/html", page)
                                               for n in range(3)])
    truncated = tmp_path / "truncated.warc.gz"
    truncated.write_bytes(whole.read_bytes()[:-3000])
    junk = tmp_path / "junk.warc"
    junk.write_bytes(b"\x00\x01binary junk\xff" * 20)
    folder = tmp_path / "saved"
    folder.mkdir()
    (folder / "a.html").write_bytes(page.replace(b"c_1130223716", b"c_1"))
    summary = run_backfill(tmp_path / "b.db", [str(truncated), str(junk), str(folder)], workers=0)
    assert summary.stored == 3  # two whole records of the truncated file, and the saved page
    reasons = sorted(reason for _, reason in summary.failures)
    assert len(reasons) == 2 and "no WARC records" in reasons[0] and "truncated" in reasons[1]


def test_a_file_of_urls_is_fetched_once_and_known_urls_are_not_fetched_again(
        local_server: LocalServer, tmp_path: Path) -> None:
    page = _sample("hxnews/2024-11/19/c_1130223716.htm")
    local_server.route("/a.html", body=page, headers={"Content-Type": "text/html"})
    urls = tmp_path / "urls.txt"
    urls.write_text(f"# back issues\n{local_server.url('/a.html')}\n\nnot a url\n{local_server.url('/gone.html')}\n")
    config = Config("feeds.toml", (), FetchSettings(host_delay=0.0, retries=0))
    store = Store.open(tmp_path / "u.db")
    try:
        first = backfill(store, [str(urls)], load_lexicon(), config=config)
        fetched = len(local_server.requests_for("/a.html"))
        second = backfill(store, [str(urls)], load_lexicon(), config=config)
    finally:
        store.close()
    assert (first.stored, first.failed) == (1, 2)
    assert any("urls.txt:4: not an http(s) URL" in reason for _, reason in first.failures)
    assert fetched == 1 and len(local_server.requests_for("/a.html")) == 1
    assert second.stored == 0


def test_outlets_are_found_by_host_and_folder() -> None:
    a = Outlet("甲报", "provincial", "河南省", ("http://news.example.cn/a/rss.xml",))
    b = Outlet("乙报", "city", "河南省", ("http://news.example.cn/b/rss.xml",))
    c = Outlet("丙网", "central", None, ("http://www.other.cn/rss.xml",))
    outlets = Outlets(Config("feeds.toml", (a, b, c)))
    assert outlets.of("http://news.example.cn/b/2024/1.html") is b
    assert outlets.of("http://news.example.cn/c/1.html") is None  # two outlets on the host: unknown
    assert outlets.of("http://sports.other.cn/1.html") is None
    assert outlets.of("http://www.other.cn/n1/2024/1.html") is c
    assert Outlets(Config("feeds.toml", (a, b, c)), "丙网").of("http://x.cn/") is c
    with pytest.raises(ConfigError, match="丁"):
        Outlets(Config("feeds.toml", (a,)), "丁")


def test_folders_are_read_in_name_order_with_urls_under_the_base(tmp_path: Path) -> None:
    for name in ("b/2.html", "a/1.htm", "a/skip.css", "c.shtml"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_bytes(b"<html></html>")
    assert [p.url for p in folder_pages(tmp_path, "http://x.cn/")] == [
        "http://x.cn/c.shtml", "http://x.cn/a/1.htm", "http://x.cn/b/2.html"]
    assert next(folder_pages(tmp_path)).url.startswith("file:///")
    assert count_pages([str(tmp_path)]) == 3
    with pytest.raises(NotFoundError, match="no such file"):
        source_kind(tmp_path / "missing")


def test_the_command_reports_what_it_stored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no ./feeds.toml: pages are stored without an outlet
    folder = tmp_path / "saved"
    folder.mkdir()
    (folder / "a.html").write_bytes(_sample("hxnews/2024-11/19/c_1130223716.htm"))
    db = tmp_path / "cli.db"
    result = CliRunner().invoke(cli, ["backfill", str(folder), "--db", str(db), "--workers", "0"])
    assert result.exit_code == 0, result.output
    assert "1 articles stored" in result.output and "1 new queue items" in result.output
    missing = CliRunner().invoke(cli, ["backfill", str(tmp_path / "nope"), "--db", str(db)])
    assert missing.exit_code == 2 and "does not exist" in missing.output
    assert os.path.exists(db)


def test_old_pages_are_queued_as_backfill_and_recent_ones_as_news(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A launch read from an archive is queued marked backfill when its page is older than [run]
    backfill_days, as a first run marks its old items; a page of the last days is news."""
    import datetime as dt

    import monitor.run.backfill as backfill_module

    folder = tmp_path / "saved"
    folder.mkdir()
    (folder / "a.html").write_bytes(_sample("hxnews/2024-11/19/c_1130223716.htm"))  # a launch of 2024-11-19
    marks = {}
    for name, day in (("recent", dt.date(2024, 11, 25)), ("old", dt.date(2025, 6, 1))):
        monkeypatch.setattr(backfill_module, "today", lambda day=day: day)
        summary = run_backfill(tmp_path / f"{name}.db", [str(folder)], workers=0)
        db = sqlite3.connect(tmp_path / f"{name}.db")
        marks[name] = ([row[0] for row in db.execute("SELECT backfill FROM items")], summary.backfill)
        db.close()
    assert marks == {"recent": ([0], 0), "old": ([1], 1)}


# -- --only-matching ------------------------------------------------------------------------------


def center_urls(snap: dict[str, Any]) -> set[str]:
    """The articles of a snapshot that name a center."""
    return {hit[0] for hit in snap["hits"] if hit[3] == "center"}


@pytest.fixture(scope="module")
def both_ways(tmp_path_factory: pytest.TempPathFactory, saved: Path) -> dict[str, tuple[Path, Any]]:
    """The sample site and the case pages, backfilled in full and with --only-matching (in process)."""
    folder = tmp_path_factory.mktemp("both")
    sources = [str(saved), str(CASES)]
    return {"full": (folder / "full.db", run_backfill(folder / "full.db", sources, workers=0)),
            "only": (folder / "only.db", run_backfill(folder / "only.db", sources, workers=0, only_matching=True))}


def test_only_matching_finds_the_events_of_a_full_backfill(both_ways: dict[str, tuple[Path, Any]]) -> None:
    (full_db, full), (only_db, only) = both_ways["full"], both_ways["only"]
    whole, found = snapshot(full_db), snapshot(only_db)
    assert (found["events"], found["items"]) == (whole["events"], whole["items"])
    stored = {row[0] for row in found["articles"]}
    assert center_urls(whole) <= stored  # a page the prefilter passes is stored, as in a full backfill
    assert found["articles"] == [row for row in whole["articles"] if row[0] in stored]
    assert found["hits"] == [row for row in whole["hits"] if row[0] in stored]
    launched = {row[0].rsplit("/", 1)[1] for row in found["events"]}
    assert {"traditional.html", "traditional-big5.html", "launch-gbk.html", "ruby.html", "split-name.html"} <= launched
    assert only.pages == full.pages and only.stored == len(stored) < full.stored
    assert only.filtered + only.stored + only.failed == only.pages
    assert only.filtered_by[("", NO_CENTER)] >= 4 and only.filtered >= 4


def test_dask_with_only_matching_over_warcs_gives_the_database_of_the_serial_run(
        both_ways: dict[str, tuple[Path, Any]], saved: Path, tmp_path: Path) -> None:
    from distributed import LocalCluster

    pages = [(folder, path) for folder in (saved, CASES) for path in sorted(folder.rglob("*"))
             if path.suffix in (".html", ".htm", ".shtml")]
    records = [("response", BASE + "/" + path.relative_to(folder).as_posix(), 200, "text/html", path.read_bytes())
               for folder, path in pages]
    half = len(records) // 2
    warcs = [str(_warc(tmp_path / "a.warc.gz", records[:half])), str(_warc(tmp_path / "b.warc.gz", records[half:]))]
    serial = run_backfill(tmp_path / "serial.db", warcs, workers=0, only_matching=True)
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        dask = run_backfill(tmp_path / "dask.db", warcs, scheduler=cluster.scheduler_address, only_matching=True)
    assert snapshot(tmp_path / "dask.db") == snapshot(tmp_path / "serial.db")
    assert (dask.stored, dask.filtered, dask.filtered_by) == (serial.stored, serial.filtered, serial.filtered_by)
    assert snapshot(tmp_path / "serial.db")["events"] == snapshot(both_ways["full"][0])["events"]


def test_the_command_counts_what_the_prefilter_left_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["backfill", str(CASES), "--db", str(tmp_path / "o.db"), "--workers", "0",
                                      "--only-matching"])
    assert result.exit_code == 0, result.output
    assert "left out by the prefilter" in result.output
    assert f"left out, {NO_CENTER}: (no outlet) " in result.output
