"""Concurrency (issue 6): a reviewer writes while a run writes, and nobody sees "database is locked".

The store keeps WAL mode, a busy timeout and short BEGIN IMMEDIATE transactions; a write transaction that
still cannot start after that is a StoreError that says what to do, never a raw sqlite3 error.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import monitor.store.database
from monitor.cli import cli
from monitor.errors import StoreError
from monitor.run.daily import run
from monitor.sources.config import parse_config
from monitor.store.database import Store
from monitor.store.queue import decide, list_items
from tests.support.faults import FaultServer, good_paragraphs, launch_paragraphs, page, rss
from tests.support.faults import fault_server as fault_server_fixture  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]
PLACES = ("靖安", "武宁", "修水", "永修", "德安", "都昌", "湖口", "彭泽", "安义", "铅山", "弋阳", "余干")

pytestmark = pytest.mark.timeout(180)


def _world(server: FaultServer, name: str, places: tuple[str, ...], plain: int) -> str:
    """feeds.toml of one outlet whose feed holds a launch for each place and `plain` ordinary articles,
    all a bit slow to come."""
    items = []
    for number, place in enumerate(places):
        path = f"/{name}/launch{number}.html"
        server.route(path, body=page(f"{place}国际传播中心揭牌成立", launch_paragraphs(place)), delay=0.05,
                     headers={"Content-Type": "text/html; charset=utf-8"})
        items.append((f"{place}国际传播中心揭牌成立", server.url(path)))
    for number in range(plain):
        path = f"/{name}/plain{number}.html"
        server.route(path, body=page(f"{name}{number}", good_paragraphs(f"{name}{number}")), delay=0.05,
                     headers={"Content-Type": "text/html; charset=utf-8"})
        items.append((f"{name}{number}", server.url(path)))
    server.route(f"/{name}/feed.xml", body=rss(items), headers={"Content-Type": "application/rss+xml"})
    return (f"[fetch]\ntimeout = 5.0\nretries = 0\nhost_delay = 0.0\nhost_concurrency = 4\n"
            f"max_articles_per_source = 100\n\n[[outlets]]\nname = \"{name}\"\nlevel = \"county\"\n"
            f"province = \"江西省\"\nfeeds = [\"{server.url(f'/{name}/feed.xml')}\"]\n")


class Reviewer(threading.Thread):
    """Confirms and rejects every item it finds, again and again, until told to stop."""

    def __init__(self, db: Path) -> None:
        super().__init__(name="reviewer", daemon=True)
        self.db = db
        self.decisions = 0
        self.errors: list[BaseException] = []
        self.stop = threading.Event()

    def run(self) -> None:
        store = Store.open(self.db)
        try:
            while not self.stop.is_set():
                for number, item in enumerate(list_items(store, "new") + list_items(store, "confirmed")):
                    action = "confirm" if number % 2 else "reject"
                    decide(store, item.id, action, "审核员", reason="not a launch" if action == "reject" else None)
                    self.decisions += 1
        except BaseException as exc:
            self.errors.append(exc)
        finally:
            store.close()


@pytest.fixture
def seeded(fault_server: FaultServer, tmp_path: Path) -> Iterator[tuple[FaultServer, Path]]:
    """A database with a few queue items to review already."""
    db = tmp_path / "shared.db"
    store = Store.open(db)
    run(parse_config(_world(fault_server, "seed", PLACES[:3], 0)), store)
    assert len(list_items(store)) == 3
    store.close()
    yield fault_server, db


def test_a_review_in_another_thread_while_a_run_writes(seeded: tuple[FaultServer, Path], tmp_path: Path) -> None:
    server, db = seeded
    reviewer = Reviewer(db)
    reviewer.start()
    store = Store.open(db)
    try:
        summary = run(parse_config(_world(server, "main", PLACES[3:], 20)), store)
    finally:
        reviewer.stop.set()
        reviewer.join(timeout=60)
    assert not reviewer.errors, reviewer.errors
    assert summary.status == "completed" and summary.failures == []
    assert summary.articles_new == len(PLACES[3:]) + 20
    assert reviewer.decisions > 0
    assert store.count("decisions") == reviewer.decisions
    assert len(list_items(store)) + store.count("items", "WHERE status = 'merged'") == len(PLACES)


def test_a_review_while_monitor_run_writes_from_another_process(seeded: tuple[FaultServer, Path],
                                                                 tmp_path: Path) -> None:
    server, db = seeded
    config = tmp_path / "main.toml"
    config.write_text(_world(server, "main", PLACES[3:], 20), "utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MONITOR_")}
    reviewer = Reviewer(db)
    with subprocess.Popen([sys.executable, "-m", "monitor", "run", "--config", str(config), "--db", str(db)],
                          cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT) as proc:
        reviewer.start()
        output, _ = proc.communicate(timeout=120)
    reviewer.stop.set()
    reviewer.join(timeout=60)
    text = output.decode("utf-8", "replace")
    assert proc.returncode == 0, text[-2000:]
    assert "locked" not in text and "Traceback" not in text
    assert not reviewer.errors, reviewer.errors
    store = Store.open(db)
    assert store.count("decisions") == reviewer.decisions > 0
    assert store.count("articles") == len(PLACES) + 20


def test_processes_opening_a_new_database_at_once_all_succeed(tmp_path: Path) -> None:
    """Two commands started together on a new database both migrate it: the second sees the first's work."""
    db = tmp_path / "new.db"
    opened: list[int] = []
    errors: list[BaseException] = []

    def open_it() -> None:
        try:
            store = Store.open(db)
            opened.append(int(store.db.execute("PRAGMA user_version").fetchone()[0]))
            store.close()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert opened == [monitor.store.database.SCHEMA_VERSION] * 6


@pytest.fixture
def short_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(monitor.store.database, "BUSY_TIMEOUT_MS", 100)
    monkeypatch.setattr(monitor.store.database, "BEGIN_ATTEMPTS", 2)


def _hold_write_lock(db: Path) -> sqlite3.Connection:
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    return holder


def test_a_database_kept_busy_too_long_is_a_clear_error(tmp_path: Path, short_busy_timeout: None) -> None:
    db = tmp_path / "busy.db"
    store = Store.open(db)
    holder = _hold_write_lock(db)
    try:
        with pytest.raises(StoreError) as caught, store.transaction():
            pass
    finally:
        holder.execute("ROLLBACK")
    message = str(caught.value)
    assert str(db) in message and "try again" in message and "database is locked" not in message
    with store.transaction():  # the lock is free again: the store works as before
        store.db.execute("INSERT INTO runs (started, status) VALUES ('x', 'test')")
    assert store.count("runs") == 1


def test_a_busy_database_is_one_line_on_the_command_line(tmp_path: Path, short_busy_timeout: None) -> None:
    db = tmp_path / "busy.db"
    store = Store.open(db)
    with store.transaction():
        store.db.execute("INSERT INTO items (id, center_key, type, center, status, created_at, updated_at) "
                         "VALUES (1, 'k', 'launch', '靖安国际传播中心', 'new', 'x', 'x')")
    store.close()
    holder = _hold_write_lock(db)
    try:
        result = CliRunner().invoke(cli, ["queue", "confirm", "1", "--reviewer", "x", "--db", str(db)])
    finally:
        holder.execute("ROLLBACK")
    assert result.exit_code == 1
    assert "busy" in result.output and "Traceback" not in result.output
    assert not isinstance(result.exception, sqlite3.Error)
