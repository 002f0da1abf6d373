"""The run's JSON-lines log, fed the events a Runner emits."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from monitor.errors import DiskFullError, MonitorError
from monitor.run.runlog import RunLog, default_log_dir, fan_out, read_log


def test_the_default_log_folder_is_beside_the_database(tmp_path: Path) -> None:
    assert default_log_dir(tmp_path / "monitor.db") == tmp_path / "monitor-logs"


def test_each_event_is_one_json_line_readable_before_the_log_is_closed(tmp_path: Path) -> None:
    log = RunLog(tmp_path / "logs")
    log("run_started", {"run_id": 7, "sources": 2})
    log("article_stored", {"outlet": "赣江日报", "url": "http://127.0.0.1/a", "new_items": 1})
    lines = log.path.read_text("utf-8").splitlines()  # flushed line by line: a killed run leaves these
    log.close()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert first["event"] == "run_started" and first["run_id"] == 7 and "at" in first
    assert "赣江日报" in lines[1]  # kept readable, not \\u-escaped
    assert [e["event"] for e in read_log(log.path)] == ["run_started", "article_stored"]
    assert log.path.parent == tmp_path / "logs" and log.path.name.startswith("run-")


def test_an_unwritable_log_folder_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(MonitorError, match="--log-dir"):
        RunLog(blocker / "logs")


def test_fan_out_tells_every_observer_and_skips_none() -> None:
    seen: list[str] = []
    observe = fan_out(lambda e, f: seen.append("a:" + e), None, lambda e, f: seen.append("b:" + e))
    observe("summary", {})
    assert seen == ["a:summary", "b:summary"]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs Linux's /dev/full (every write: no space left)")
def test_a_full_disk_under_the_log_is_a_disk_full_error_once(tmp_path: Path) -> None:
    log = RunLog(tmp_path / "logs")
    log._file.close()
    log._file = open("/dev/full", "w", encoding="utf-8")  # noqa: SIM115 (RunLog closes it)
    with pytest.raises(DiskFullError, match="cannot write the run log: No space left on device"):
        log("run_started", {"run_id": 1})
    log("summary", {"run_id": 1})  # nothing more is tried: the run is stopping on the first error
    log.close()  # the unflushed line is not a second error
