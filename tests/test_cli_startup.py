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
         "opencc", "lxml")
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
