"""The light commands start without the heavy stages: a guard on what gets imported, not a timed test.

`monitor --help`, `monitor queue list` and `monitor queue show ID` run in a fresh interpreter; after
each, none of the modules below may have been imported (they cost about a second together).
`make bench` reports the start-up times themselves.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from monitor.store.database import Store
from tests.support.triage import REPORT, event, save

HEAVY = ("spacy", "jieba", "trafilatura", "matplotlib", "dask", "distributed", "starlette", "uvicorn", "feedparser",
         "opencc", "lxml", "numpy")
PROBE = """
import json, sys
from monitor.cli import cli
cli.main(sys.argv[1:], prog_name="monitor", standalone_mode=False)
heavy = sorted({name.split(".")[0] for name in sys.modules} & set(json.loads(sys.stdin.readline())))
print("\\nIMPORTED " + json.dumps(heavy))
"""


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("startup") / "s.db"
    store = Store.open(path)
    save(store, "http://a/1", REPORT, [event("http://a/1")])
    store.close()
    return str(path)


def imported_after(*args: str, among: tuple[str, ...] = HEAVY) -> list[str]:
    """The modules of `among` present in sys.modules after `monitor ARGS` ran in a fresh interpreter."""
    done = subprocess.run([sys.executable, "-c", PROBE, *args], input=json.dumps(among) + "\n",
                          capture_output=True, text=True, timeout=60, cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 0, done.stderr
    last = done.stdout.rstrip().splitlines()[-1]
    assert last.startswith("IMPORTED "), done.stdout
    return list(json.loads(last.removeprefix("IMPORTED ")))


@pytest.mark.parametrize("args", [["--help"], ["queue", "list"], ["queue", "show", "1"],
                                  ["queue", "show", "1", "--format", "json"], ["queue", "history", "1"]],
                         ids=" ".join)
def test_light_commands_import_no_heavy_stage(db: str, args: list[str]) -> None:
    with_db = args if args == ["--help"] else [*args, "--db", db]
    assert imported_after(*with_db) == []


def test_the_probe_sees_what_was_imported(db: str) -> None:
    """The guard can fail: the same probe reports the modules a command did import."""
    assert imported_after("queue", "list", "--db", db, among=("click", "sqlite_utils", "spacy")) == [
        "click", "sqlite_utils"]


def test_numpy_stays_importable_after_the_store_hid_it_from_sqlite_utils() -> None:
    """The store imports sqlite-utils with numpy hidden (monitor/store/_sqlite_utils.py); the copy detector
    then imports numpy itself, in the same interpreter."""
    probe = ("import sys, monitor.store, sqlite_utils.db\n"
             "assert 'numpy' not in sys.modules and sqlite_utils.db.np is None\n"
             "from monitor.store.copies import signature\n"
             "sig = signature('沙县区国际传播中心今天揭牌成立，将以遍布各地的小吃门店为纽带，讲述小吃走向世界的故事，"
             "首批签约六家合作单位，发布多语种系列短视频。')\n"
             "print(type(sig).__module__, len(sig))\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60,
                          cwd=Path(__file__).parent.parent)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["numpy", "126"]
