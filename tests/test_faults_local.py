"""Bad local files (issue 6): a broken feeds.toml, lexicon file or database path gets one message that names
the file, the line and the key, and says what to do; never a traceback.

Each case writes its broken file under tmp_path and calls `monitor run` as a user would.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.match.lexicon import DEFAULT_LEXICON_DIR
from tests.support.http import unused_port_url

ROOT = Path(__file__).resolve().parents[1]
GOOD_CONFIG = (f'[[outlets]]\nname = "好报"\nlevel = "county"\nprovince = "江西省"\n'
               f'feeds = ["{unused_port_url("/rss.xml")}"]\n')

# name → (what to break, the words the message must contain; {file} is the broken file's path)
Breaker = Callable[[Path], list[str]]


def _config(text: str | bytes) -> Breaker:
    def make(tmp: Path) -> list[str]:
        path = tmp / "feeds.toml"
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        return ["--config", str(path)]

    return make


def _lexicon(name: str, text: str | bytes | None) -> Breaker:
    """A copy of the project lexicon with one more file (None: a folder with that name instead)."""

    def make(tmp: Path) -> list[str]:
        folder = tmp / "lexicon"
        folder.mkdir()
        for source in DEFAULT_LEXICON_DIR.glob("*.toml"):
            (folder / source.name).write_bytes(source.read_bytes())
        if text is None:
            (folder / name).mkdir()
        else:
            (folder / name).write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        return ["--lexicon", str(folder)]

    return make


def _db(make_file: Callable[[Path], None], name: str = "m.db") -> Breaker:
    def make(tmp: Path) -> list[str]:
        make_file(tmp / name)
        return ["--db", str(tmp / name)]

    return make


def _other_program(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.commit()
    conn.close()


def _newer_schema(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 999")
    conn.close()


CASES: dict[str, tuple[Breaker, list[str]]] = {
    "config-toml-syntax": (_config('[[outlets]]\nname = "好报"\nlevel = \n'),
                           ["{file}:3", "invalid TOML"]),
    "config-unknown-key": (_config(GOOD_CONFIG.replace("feeds =", "feed =")),
                           ["{file}:5", "feed", "did you mean 'feeds'"]),
    "config-bad-value": (_config(GOOD_CONFIG.replace('"county"', '"national"')),
                         ["{file}:3", "level", "'national'", "one of central"]),
    "config-not-utf8": (_config(GOOD_CONFIG.encode("gbk")), ["{file}:2", "not UTF-8", "save the file as UTF-8"]),
    "config-missing": (lambda tmp: ["--config", str(tmp / "nowhere.toml")],
                       ["nowhere.toml", "cannot read", "--config"]),
    "config-empty": (_config(""), ["{file}:1", "no outlets", "add at least one [[outlets]]"]),
    "lexicon-toml-syntax": (_lexicon("extra.toml", 'category = "center"\n[[terms]]\nterm = \n'),
                            ["extra.toml:3:", "invalid TOML", "fix that line"]),
    "lexicon-missing-term": (_lexicon("extra.toml", 'category = "center"\n[[terms]]\nvariants = ["x"]\n'),
                             ["extra.toml:2", "'term'", 'needs term = "…"']),
    "lexicon-missing-category": (_lexicon("extra.toml", '[[terms]]\nterm = "x"\n'),
                                 ["extra.toml:1", "'category'", 'add e.g. category = "center"']),
    "lexicon-not-utf8": (_lexicon("extra.toml", 'category = "center"\n[[terms]]\nterm = "国际"\n'.encode("gbk")),
                         ["extra.toml:3", "not UTF-8", "save the file as UTF-8"]),
    "lexicon-unreadable": (_lexicon("extra.toml", None), ["extra.toml", "cannot read", "move it out"]),
    "lexicon-empty-folder": (lambda tmp: ["--lexicon", str(tmp / "empty")], ["no lexicon files", "--lexicon DIR"]),
    "db-missing-folder": (lambda tmp: ["--db", str(tmp / "no" / "such" / "m.db")],
                          ["no/such", "does not exist", "create it or choose another --db"]),
    "db-not-sqlite": (_db(lambda path: path.write_text("not a database\n" * 100)),
                      ["m.db", "not a usable SQLite database", "choose another --db"]),
    "db-garbage-after-header": (_db(lambda path: path.write_bytes(b"SQLite format 3\0" + b"\xff" * 4000)),
                                ["m.db", "not a usable SQLite database", "choose another --db"]),
    "db-other-program": (_db(_other_program), ["m.db", "another program", "tables notes", "--db"]),
    "db-newer-schema": (_db(_newer_schema), ["m.db", "schema version 999", "upgrade monitor"]),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_local_file_gets_one_clear_message(case: str, tmp_path: Path) -> None:
    breaker, words = CASES[case]
    (tmp_path / "ok.toml").write_text(GOOD_CONFIG, "utf-8")
    broken = breaker(tmp_path)
    args = ["run", "--config", str(tmp_path / "ok.toml"), "--db", str(tmp_path / "ok.db"), *broken]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # no exception escaped: no traceback
    assert "Traceback" not in result.output
    message = result.output
    for word in words:
        assert word.format(file=broken[-1]) in message, (word, message)


@pytest.mark.parametrize("option", ["--config", "--db"])
def test_a_folder_where_a_file_belongs_is_refused_by_its_option(option: str, tmp_path: Path) -> None:
    (tmp_path / "ok.toml").write_text(GOOD_CONFIG, "utf-8")
    args = ["run", "--config", str(tmp_path / "ok.toml"), "--db", str(tmp_path / "ok.db"), option, str(tmp_path)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert f"Invalid value for '{option}'" in result.output and "is a directory" in result.output


def test_no_traceback_reaches_the_terminal(tmp_path: Path) -> None:
    """The same as a user sees it: a real process, stderr as printed (an unreadable lexicon file)."""
    breaker, _ = CASES["lexicon-unreadable"]
    (tmp_path / "ok.toml").write_text(GOOD_CONFIG, "utf-8")
    args = ["run", "--config", str(tmp_path / "ok.toml"), "--db", str(tmp_path / "ok.db"), *breaker(tmp_path)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("MONITOR_")}
    done = subprocess.run([sys.executable, "-m", "monitor", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("Error: ")
