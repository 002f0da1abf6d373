"""Crash safety (issues 6 and 15): `monitor run` killed with SIGKILL at random moments, or stopped by a full
disk, loses nothing, duplicates nothing, and the next run goes on from where it stopped.

A real `python -m monitor run` over the sample world (samples/, served slowed down so that a run spends
its time fetching and writing, as it does on the web) is killed at a seeded random moment within a run's
duration (and its first seconds), round after round, on the same database. After every kill: the database passes
`PRAGMA integrity_check`, no article or queue item is there twice, and everything committed before the
kill is still there. In the end an uninterrupted run completes, and its queue equals the queue of one
uninterrupted run on a fresh database.

A full disk is a file-size limit on the child process (RLIMIT_FSIZE: its writes fail past it, as they do
on a full disk) or SQLite's own page limit: the run stops at once with exit code 6 and one line, the
database passes `integrity_check`, every article kept has all of its analysis, and a run with space again
ends with the queue of an uninterrupted run.
"""

from __future__ import annotations

import os
import random
import resource
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from monitor.errors import DiskFullError
from monitor.run.daily import run
from monitor.sources.config import parse_config
from monitor.store.database import Store, open_store
from tests.support.faults import serve_slow_samples
from tools.demo import sample_config, serve_samples

ROOT = Path(__file__).resolve().parents[1]
KILLS = 20  # SIGKILLs that must land while `monitor run` is running
MAX_ROUNDS = 60
EARLY = 4.0  # kills come within this many seconds of the start (~1.5 s of it is Python starting up), so
# that many land while articles are being written, not only the first one or two
SEED = 20260606

pytestmark = [pytest.mark.slow, pytest.mark.timeout(400)]


def _delay(path: str) -> float:
    """Every article a little slow, a few very slow; feeds and robots.txt at once."""
    if path.endswith((".xml", ".txt")) or path.endswith("list.html"):
        return 0.0
    return 1.5 if sum(map(ord, path)) % 9 == 0 else 0.5


@dataclass(frozen=True)
class Snapshot:
    """What a database has committed: article (url, content hash), queue item keys, mentions."""

    articles: frozenset[tuple[str, str]]
    items: frozenset[str]
    mentions: frozenset[tuple[str, str]]


def _snapshot(db: Path) -> Snapshot:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'articles'").fetchone():
            return Snapshot(frozenset(), frozenset(), frozenset())  # killed before the schema was committed
        _assert_unique(conn, "SELECT url FROM articles")
        _assert_unique(conn, "SELECT fetched_url FROM articles")
        _assert_unique(conn, "SELECT center_key FROM items")
        _assert_unique(conn, "SELECT e.article_id || ' ' || e.item_id || ' ' || e.center FROM events e")
        articles = frozenset(conn.execute("SELECT url, content_hash FROM articles").fetchall())
        items = frozenset(row[0] for row in conn.execute("SELECT center_key FROM items"))
        mentions = frozenset(conn.execute(
            "SELECT a.url, i.center_key FROM events e JOIN articles a ON a.id = e.article_id "
            "JOIN items i ON i.id = e.item_id").fetchall())
        return Snapshot(articles, items, mentions)
    finally:
        conn.close()


def _assert_unique(conn: sqlite3.Connection, sql: str) -> None:
    values = [row[0] for row in conn.execute(sql)]
    duplicated = {value for value in values if values.count(value) > 1}
    assert not duplicated, f"{sql}: {sorted(duplicated)[:5]}"


def _queue(db: Path) -> list[tuple[object, ...]]:
    """The queue as a reviewer sees it, without ids (they depend on the order articles arrived in)."""
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            "SELECT i.center, i.type, i.place, i.province, i.level, i.date, i.partners, i.status, "
            "(SELECT count(*) FROM events e WHERE e.item_id = i.id) FROM items i").fetchall()
    finally:
        conn.close()
    return sorted(rows, key=repr)


def _command(config: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "monitor", "run", "--config", str(config), "--db", str(db), "--quiet"]


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MONITOR_")}
    env["MONITOR_LOG_DIR"] = str(tmp / "logs")
    return env


def _run_to_the_end(config: Path, db: Path, env: dict[str, str]) -> float:
    started = time.monotonic()
    done = subprocess.run(_command(config, db), cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    return time.monotonic() - started


def _run_and_kill(config: Path, db: Path, env: dict[str, str], after: float) -> float | None:
    """Start a run and SIGKILL it `after` seconds later. None if it was killed, else how long it took."""
    started = time.monotonic()
    with subprocess.Popen(_command(config, db), cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE) as proc:
        try:
            _, stderr = proc.communicate(timeout=after)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.communicate()
            return None
    text = stderr.decode("utf-8", "replace")
    assert proc.returncode == 0 and "Traceback" not in text, text[-2000:]
    return time.monotonic() - started


def test_killed_runs_lose_nothing_and_duplicate_nothing(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    env = _env(tmp_path)
    with serve_slow_samples(_delay) as base:
        config = sample_config(base, tmp_path / "feeds.toml")
        duration = _run_to_the_end(config, tmp_path / "reference.db", env)
        expected = _queue(tmp_path / "reference.db")
        db = tmp_path / "killed.db"
        before = Snapshot(frozenset(), frozenset(), frozenset())
        kills = rounds = 0
        while kills < KILLS and rounds < MAX_ROUNDS:
            rounds += 1
            finished = _run_and_kill(config, db, env, after=rng.uniform(0.1, min(duration, EARLY)))
            kills += finished is None
            duration = finished or duration  # a run that got to its end shows how long a run now takes
            after = _snapshot(db)
            assert before.articles <= after.articles, f"round {rounds}: committed articles lost"
            assert before.items <= after.items, f"round {rounds}: committed queue items lost"
            assert before.mentions <= after.mentions, f"round {rounds}: committed mentions lost"
            before = after
        assert kills == KILLS, f"only {kills} of {rounds} runs were still running when killed"
        _run_to_the_end(config, db, env)
    assert _snapshot(db).articles == _snapshot(tmp_path / "reference.db").articles
    assert _queue(db) == expected
    assert expected, "the sample world has launches"


# ---- a full disk (issue 15) ----

FILE_LIMIT = 700_000  # bytes any one file of the run may reach: the database's WAL fills up halfway through
EXIT_DISK_FULL = 6


def _limited_to(limit: int) -> Callable[[], None]:
    """For Popen's preexec_fn: files of the child may not grow past `limit` bytes (a write beyond fails with
    EFBIG, as on a full disk it fails with ENOSPC)."""
    def limit_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return limit_files


def _analysis_per_article(db: Path) -> dict[str, tuple[int, int, int]]:
    """For each article: its hits, its events and its copy-detection signature (all written with it)."""
    conn = sqlite3.connect(db)
    try:
        return {row[0]: tuple(row[1:]) for row in conn.execute(
            "SELECT a.url, (SELECT count(*) FROM hits h WHERE h.article_id = a.id), "
            "(SELECT count(*) FROM events e WHERE e.article_id = a.id), "
            "(SELECT count(*) FROM minhashes m WHERE m.article_id = a.id) FROM articles a")}
    finally:
        conn.close()


def test_a_full_disk_stops_the_run_at_once_and_the_next_run_goes_on(tmp_path: Path) -> None:
    env = _env(tmp_path)
    with serve_samples() as base:
        config = sample_config(base, tmp_path / "feeds.toml")
        _run_to_the_end(config, tmp_path / "reference.db", env)
        db = tmp_path / "full.db"
        full = subprocess.run(_command(config, db), cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
                              preexec_fn=_limited_to(FILE_LIMIT))
        assert full.returncode == EXIT_DISK_FULL, full.stderr[-2000:]
        assert "Traceback" not in full.stderr
        assert full.stderr.startswith(f"monitor run: stopped: {db}: cannot write to the database: "), full.stderr
        assert "free some space and run again" in full.stderr

        stopped, reference = _snapshot(db), _snapshot(tmp_path / "reference.db")  # integrity_check is ok
        assert 0 < len(stopped.articles) < len(reference.articles), "the disk filled up halfway through"
        expected = _analysis_per_article(tmp_path / "reference.db")
        kept = _analysis_per_article(db)
        assert all(kept[url] == expected[url] for url in kept), "an article is there without all of its analysis"

        _run_to_the_end(config, db, env)  # space again
    assert _snapshot(db).articles == reference.articles
    assert _queue(db) == _queue(tmp_path / "reference.db")


def test_a_database_at_its_size_limit_raises_disk_full_and_keeps_the_run_consistent(tmp_path: Path) -> None:
    """SQLITE_FULL itself (PRAGMA max_page_count), in process: the run raises DiskFullError, the articles
    stored so far are whole, and a run on the same file without the limit completes it."""
    with serve_samples() as base:
        config = parse_config(sample_config(base, tmp_path / "feeds.toml").read_text("utf-8"),
                              str(tmp_path / "feeds.toml"))
        store = Store.open(tmp_path / "m.db")
        pages = store.db.execute("PRAGMA page_count").fetchone()[0]
        store.db.execute(f"PRAGMA max_page_count = {pages + 60}")
        with pytest.raises(DiskFullError, match="the disk or the database is full"):
            run(config, store)
        stored = store.count("articles")
        store.close()
        assert stored > 0
        assert _snapshot(tmp_path / "m.db").articles  # integrity_check is ok
        with open_store(tmp_path / "m.db") as again:
            summary = run(config, again)
            assert summary.status == "completed" and again.count("articles") > stored
