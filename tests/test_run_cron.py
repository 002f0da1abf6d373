"""`monitor run` in a crontab: never two at once, silent on success, a log and a `runs` row per run,
a deadline that stops the run cleanly. The exit codes are those of docs/operations.md."""

from __future__ import annotations

import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.fetch.client import Fetcher
from monitor.models import Article
from monitor.run.daily import Runner
from monitor.run.ingest import Analyzer
from monitor.run.lock import holder, lock_path, run_lock
from monitor.run.runlog import read_log
from monitor.sources.config import parse_config
from monitor.store.database import Store
from monitor.store.queue import list_items
from tests.support.http import LocalServer
from tests.support.http import local_server as local_server_fixture  # noqa: F401

LAUNCH_PAGE = """<html><head><meta charset="utf-8"><title>靖安国际传播中心揭牌成立</title></head><body>
<h1>靖安国际传播中心揭牌成立</h1><div class="article">
<p>本报讯 6月3日上午，靖安国际传播中心在县融媒体中心揭牌成立，县委宣传部负责同志出席揭牌仪式。</p>
<p>靖安国际传播中心由县委宣传部主导、县融媒体中心运营，将围绕生态旅游开展对外传播，向海外讲好靖安故事。</p>
<p>中心已在多个海外社交媒体平台开设账号，首批多语种短视频同步上线，受到海外网友关注。</p>
</div></body></html>"""


def _rss(items: list[tuple[str, str]]) -> str:
    entries = "".join(f"<item><title>{t}</title><link>{u}</link><pubDate>Tue, 03 Jun 2025 18:00:00 +0800</pubDate>"
                      f"</item>" for t, u in items)
    head = '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
    return f"{head}{entries}</channel></rss>"


def _config_text(feeds: dict[str, str], timeout: float = 30.0) -> str:
    text = (f"[fetch]\ntimeout = {timeout}\nretries = 0\nhost_delay = 0.0\nhost_concurrency = 8\n"
            f"respect_robots = false\n")
    for name, url in feeds.items():
        text += f'\n[[outlets]]\nname = "{name}"\nlevel = "county"\nprovince = "江西省"\nfeeds = ["{url}"]\n'
    return text


class Hanging:
    """An address that accepts connections and never answers; `close()` resets them at once."""

    def __init__(self) -> None:
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}/rss.xml"

    def close(self) -> None:
        self._listener.close()


@pytest.fixture
def hanging() -> Iterator[Hanging]:
    server = Hanging()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def good_feed(local_server: LocalServer) -> str:
    local_server.route("/good/rss.xml", body=_rss([("靖安国际传播中心揭牌成立", local_server.url("/good/a1.html"))]),
                       headers={"Content-Type": "application/rss+xml"})
    local_server.route("/good/a1.html", body=LAUNCH_PAGE, headers={"Content-Type": "text/html"})
    return local_server.url("/good/rss.xml")


def _write_config(tmp_path: Path, feeds: dict[str, str]) -> Path:
    path = tmp_path / "feeds.toml"
    path.write_text(_config_text(feeds), "utf-8")
    return path


def test_a_quiet_run_prints_nothing_and_leaves_a_log_and_a_runs_row(good_feed: str, tmp_path: Path) -> None:
    config = _write_config(tmp_path, {"好报": good_feed})
    db = tmp_path / "m.db"

    result = CliRunner().invoke(cli, ["run", "--config", str(config), "--db", str(db), "--quiet"])

    assert result.exit_code == 0, result.output
    assert result.output == ""
    logs = list((tmp_path / "m-logs").glob("run-*.jsonl"))
    assert len(logs) == 1
    events = read_log(logs[0])
    names = [e["event"] for e in events]
    assert names[0] == "run_started" and names[-1] == "summary"
    assert {"source_fetched", "article_stored", "event_found"} <= set(names)
    found = next(e for e in events if e["event"] == "event_found")
    assert found["center"] == "靖安国际传播中心"
    store = Store.open(db)
    row = store.db.execute("SELECT status, ended, sources, fetched, not_modified, failed, articles_new, matches, "
                           "new_items, log FROM runs").fetchone()
    store.close()
    assert row[0] == "completed" and row[1] is not None
    assert row[2:9] == (1, 1, 0, 0, 1, 1, 1)
    assert Path(row[9]) == logs[0].resolve()
    assert events[-1]["status"] == "completed" and events[-1]["new_items"] == 1


def test_a_loud_run_off_a_terminal_lists_failures_and_shows_no_progress_bar(
        good_feed: str, local_server: LocalServer, tmp_path: Path) -> None:
    config = _write_config(tmp_path, {"好报": good_feed, "缺页": local_server.url("/missing/rss.xml")})
    log_dir = tmp_path / "logs"

    result = CliRunner().invoke(cli, ["run", "--config", str(config), "--db", str(tmp_path / "m.db"),
                                      "--log-dir", str(log_dir)])

    assert result.exit_code == 0
    assert "failed: 缺页" in result.output and "404" in result.output
    assert "completed: 2 sources (1 failed" in result.output
    assert "━" not in result.output and "\r" not in result.output  # no rich bar when stderr is no TTY
    events = read_log(next(log_dir.glob("run-*.jsonl")))
    failed = [e for e in events if e["event"] == "source_failed"]
    assert [e["outlet"] for e in failed] == ["缺页"] and "404" in failed[0]["reason"]


def test_a_second_run_while_one_holds_the_lock_exits_3_and_does_nothing(good_feed: str, tmp_path: Path) -> None:
    config = _write_config(tmp_path, {"好报": good_feed})
    db = tmp_path / "m.db"
    with run_lock(db):
        result = CliRunner().invoke(cli, ["run", "--config", str(config), "--db", str(db), "--quiet"])
    assert result.exit_code == 3
    assert "another `monitor run`" in result.output
    assert not db.exists()  # it did not even open the database


@pytest.mark.slow
def test_two_overlapping_runs_one_runs_the_other_exits_3(good_feed: str, hanging: Hanging, tmp_path: Path) -> None:
    config = _write_config(tmp_path, {"好报": good_feed, "卡住": hanging.url})
    db = tmp_path / "m.db"
    first = subprocess.Popen([sys.executable, "-m", "monitor", "run", "--config", str(config), "--db", str(db),
                              "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for_holder(db, first)
        second = CliRunner().invoke(cli, ["run", "--config", str(config), "--db", str(db), "--quiet"])
    finally:
        hanging.close()  # the first run's hanging fetch fails at once and the run completes
        _, err = first.communicate(timeout=120)
    assert second.exit_code == 3
    assert f"pid {first.pid}" in second.output
    assert first.returncode == 0, err
    store = Store.open(db)
    assert store.count("runs") == 1
    assert [i.center for i in list_items(store)] == ["靖安国际传播中心"]
    store.close()


def _wait_for_holder(db: Path, process: subprocess.Popen[str]) -> None:
    for _ in range(600):
        if holder(lock_path(db)).startswith(f"pid {process.pid} "):
            return
        assert process.poll() is None, process.communicate()
        time.sleep(0.05)
    pytest.fail("the first run never took the lock")


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    """Loaded and used once, so that the first article of a deadline test is stored well within it."""
    warm = Analyzer()
    warm.analyze(Article("http://127.0.0.1/warm", None, "靖安国际传播中心在县融媒体中心揭牌成立。", None))
    return warm


def test_the_deadline_stops_the_run_and_keeps_what_it_stored(good_feed: str, hanging: Hanging, tmp_path: Path,
                                                             analyzer: Analyzer) -> None:
    config = parse_config(_config_text({"好报": good_feed, "卡住": hanging.url}), str(tmp_path / "feeds.toml"))
    store = Store.open(tmp_path / "m.db")
    events: list[tuple[str, dict[str, object]]] = []
    with Fetcher(config.fetch) as fetcher:
        runner = Runner(config, store, analyzer, fetcher, observe=lambda name, fields: events.append((name, fields)),
                        max_seconds=2.0)
        summary = runner.run()

    assert summary.status == "deadline"
    assert [i.center for i in list_items(store)] == ["靖安国际传播中心"]  # what it had is kept
    status, ended, new_items = store.db.execute("SELECT status, ended, new_items FROM runs").fetchone()
    assert (status, new_items) == ("deadline", 1) and ended is not None
    assert store.count("sources", "WHERE url = ?", [hanging.url]) == 0  # abandoned, not recorded as failed
    names = [name for name, _ in events]
    assert names[-2:] == ["deadline", "summary"]
    assert dict(events[-2][1])["abandoned"] == 1
    store.close()


def test_max_minutes_ends_with_exit_4_and_a_one_line_note_even_when_quiet(
        good_feed: str, hanging: Hanging, tmp_path: Path, analyzer: Analyzer) -> None:
    config = _write_config(tmp_path, {"好报": good_feed, "卡住": hanging.url})
    db = tmp_path / "m.db"

    result = CliRunner().invoke(cli, ["run", "--config", str(config), "--db", str(db), "--quiet",
                                      "--max-minutes", "0.02"])

    assert result.exit_code == 4
    assert "stopped at --max-minutes" in result.output
    assert len(result.output.strip().splitlines()) == 1
    store = Store.open(db)
    assert store.db.execute("SELECT status FROM runs").fetchone()[0] == "deadline"
    store.close()
    summary = read_log(next((tmp_path / "m-logs").glob("*.jsonl")))[-1]
    assert summary["event"] == "summary" and summary["status"] == "deadline"


def test_runs_left_running_by_a_killed_process_are_marked_abandoned(good_feed: str, tmp_path: Path) -> None:
    config = _write_config(tmp_path, {"好报": good_feed})
    db = tmp_path / "m.db"
    store = Store.open(db)
    store.start_run()  # as if its process had been killed with SIGKILL
    store.close()
    result = CliRunner().invoke(cli, ["run", "--config", str(config), "--db", str(db), "--quiet"])
    assert result.exit_code == 0
    store = Store.open(db)
    assert [r[0] for r in store.db.execute("SELECT status FROM runs ORDER BY id")] == ["abandoned", "completed"]
    store.close()


@pytest.mark.slow
def test_sigterm_ends_the_run_with_143_and_marks_it_interrupted(good_feed: str, hanging: Hanging,
                                                                 tmp_path: Path) -> None:
    config = _write_config(tmp_path, {"好报": good_feed, "卡住": hanging.url})
    db = tmp_path / "m.db"
    process = subprocess.Popen([sys.executable, "-m", "monitor", "run", "--config", str(config), "--db", str(db),
                                "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for_holder(db, process)
        _wait_for_statuses(db, process, ["running"])
        process.send_signal(signal.SIGTERM)
        _wait_for_statuses(db, process, ["interrupted"])  # written before the process waits for its fetch
    finally:
        hanging.close()  # the fetch in flight fails at once, so the process can exit
        process.communicate(timeout=120)
    assert process.returncode == 143


def _wait_for_statuses(db: Path, process: subprocess.Popen[str], statuses: list[str]) -> None:
    for _ in range(1200):
        if db.exists() and _run_statuses(db) == statuses:
            return
        assert process.poll() is None, process.communicate()
        time.sleep(0.05)
    pytest.fail(f"the runs table never showed {statuses}")


def _run_statuses(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        try:
            return [row[0] for row in conn.execute("SELECT status FROM runs ORDER BY id")]
        except sqlite3.OperationalError:  # not created yet
            return []
