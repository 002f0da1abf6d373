"""A run stopped while servers hold its requests (issue 15): --max-minutes and SIGTERM cancel the requests in
flight, end the process at once, print no traceback, and keep what was stored.

The world: a good outlet, and outlets whose servers keep a request busy for ten minutes (one header line
every 0.2 s, so no read timeout fires; a slow 503 whose retry comes after the stop), with a request
deadline longer than the test. A real `python -m monitor run` goes over it. Before issue 15 the process
waited for those requests at exit (for as long as the servers liked) and logged `RuntimeError: Cannot send
a request, as the client has been closed.` with a traceback.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.faults import FaultServer, rss

ROOT = Path(__file__).resolve().parents[1]
ENDS_WITHIN = 60  # seconds a stopped run may take to exit; the servers would hold it for ten minutes

pytestmark = pytest.mark.timeout(240)


@dataclass
class Stalled:
    server: FaultServer
    config: Path
    good: str  # the good outlet's article


@pytest.fixture
def stalled(tmp_path: Path) -> Iterator[Stalled]:
    with FaultServer() as server:
        server.install(["header-drip"])  # its good feed and article come with it
        server.route("/slow-503/feed.xml", 503, body="busy", delay=1.5)  # retried after the run has stopped
        server.outlets["slow-503"] = [server.url("/slow-503/feed.xml")]
        good = server.good_page("/good/a.html", "停止之前")
        server.outlets["good"] = [server.feed("/good/feed.xml", [("停止之前", good)])]
        config = tmp_path / "feeds.toml"
        config.write_text(server.config_text(deadline=900.0, timeout=5.0, backoff=5.0, retries=2), "utf-8")
        yield Stalled(server, config, good)


def _start(stalled: Stalled, db: Path, *extra: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MONITOR_")}
    command = [sys.executable, "-m", "monitor", "run", "--config", str(stalled.config), "--db", str(db), *extra]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _stored(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        try:
            return {row[0] for row in conn.execute("SELECT fetched_url FROM articles")}
        except sqlite3.OperationalError:  # not created yet
            return set()


def _check_the_database(db: Path, status: str, good: str) -> None:
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert [row[0] for row in conn.execute("SELECT status FROM runs")] == [status]
        recorded = {row[0] for row in conn.execute("SELECT url FROM sources")}
        # nothing is recorded of a request that did not finish: the next run tries it again
        assert not any(url.endswith(("/header-drip/feed.xml", "/slow-503/feed.xml")) for url in recorded)
    assert good in _stored(db)


def _clean(output: str) -> None:
    assert "Traceback" not in output, output[-3000:]
    assert "Cannot send a request" not in output, output[-3000:]


def test_max_minutes_cancels_the_requests_in_flight(stalled: Stalled, tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    with _start(stalled, db, "--max-minutes", "0.2") as process:
        output, _ = process.communicate(timeout=ENDS_WITHIN)
    assert process.returncode == 4, output[-3000:]
    _clean(output)
    assert "stopped at --max-minutes" in output
    _check_the_database(db, "deadline", stalled.good)


def test_sigterm_cancels_the_requests_in_flight(stalled: Stalled, tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    with _start(stalled, db) as process:
        for _ in range(600):
            if stalled.good in _stored(db) or process.poll() is not None:
                break
            time.sleep(0.05)
        assert stalled.server.requests_for("/header-drip/feed.xml"), "the stalling request is in flight"
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=ENDS_WITHIN)
    assert process.returncode == 143, output[-3000:]
    _clean(output)
    _check_the_database(db, "interrupted", stalled.good)


def test_the_next_run_goes_on_where_the_stopped_one_left(stalled: Stalled, tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    with _start(stalled, db, "--max-minutes", "0.1") as process:
        process.communicate(timeout=ENDS_WITHIN)
    stalled.server.route("/header-drip/feed.xml", body=rss([("恢复", stalled.good)]),
                         headers={"Content-Type": "application/rss+xml"})
    stalled.server.route("/slow-503/feed.xml", body=rss([]), headers={"Content-Type": "application/rss+xml"})
    with _start(stalled, db, "--max-minutes", "1") as process:
        output, _ = process.communicate(timeout=ENDS_WITHIN)
    assert process.returncode == 0, output[-3000:]
    with sqlite3.connect(db) as conn:
        states = dict(conn.execute("SELECT url, status FROM sources").fetchall())
    assert states[stalled.server.url("/header-drip/feed.xml")] == "ok"
