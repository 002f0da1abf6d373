"""The run lock: one holder at a time, released however the holder ends, never blocked by a stale file."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from monitor.errors import MonitorError
from monitor.run.lock import RunLocked, holder, lock_path, run_lock

HOLD = """import sys, time
from monitor.run.lock import run_lock
with run_lock(sys.argv[1]):
    print("held", flush=True)
    time.sleep(60)
"""


def test_a_second_holder_is_refused_at_once_with_who_holds_it(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    with run_lock(db) as path:
        assert path == lock_path(db) == tmp_path / "m.db.lock"
        with pytest.raises(RunLocked) as refused, run_lock(db):
            pass
    message = str(refused.value)
    assert "another `monitor run`" in message and str(db) in message and "pid" in message


def test_the_lock_is_free_again_after_the_block(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    with run_lock(db):
        pass
    with run_lock(db):
        assert holder(lock_path(db)).startswith("pid ")


def test_a_lock_file_left_behind_does_not_block(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    lock_path(db).write_text("999999 2020-01-01T00:00:00+00:00\n")
    with run_lock(db):
        assert not holder(lock_path(db)).startswith("pid 999999")


def test_a_killed_holder_releases_the_lock(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    process = subprocess.Popen([sys.executable, "-c", HOLD, str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None and process.stdout.readline().strip() == "held"
        with pytest.raises(RunLocked, match=f"pid {process.pid}"), run_lock(db):
            pass
        process.kill()
        process.wait(timeout=30)
        for _ in range(100):  # the kernel drops the lock with the process; give it a moment
            try:
                with run_lock(db):
                    break
            except RunLocked:
                time.sleep(0.05)
        else:
            pytest.fail("the lock of a killed process was not released")
    finally:
        process.kill()
        process.wait(timeout=30)


def test_a_missing_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(MonitorError, match="does not exist"), run_lock(tmp_path / "nowhere" / "m.db"):
        pass
