"""Shared fixtures: every test gets its own state (database path, reviewer) under tmp_path.

Tests that read ../shared/realworld take the `realworld` fixture or the `realworld` marker (see
tests/support/realworld.py); without that folder they skip, and one line at the end says so.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor.store.database import Store
from tests.support.realworld import MARKER, REALWORLD, REASON, require


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{MARKER}: reads ../shared/realworld; skipped when it is absent")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker(MARKER) is not None:
        require()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if REASON in str(getattr(r, "longrepr", ""))]
    if skipped:
        terminalreporter.write_line(
            f"{REASON} ({REALWORLD}): {len(skipped)} tests of real pages and feeds, the gold files that read "
            "them and the accuracy gate on the gold set were not run", yellow=True)


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the user's MONITOR_* settings or writes outside tmp_path."""
    for name in ("MONITOR_DB", "MONITOR_CONFIG", "MONITOR_LEXICON", "MONITOR_REVIEWER", "MONITOR_TOKEN",
                 "MONITOR_CJK_FONT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MONITOR_DB", str(tmp_path / "test.db"))


@pytest.fixture
def realworld() -> Path:
    return require()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """An empty Store of the test's own (tmp_path/m.db), closed after it; a module that needs data in it
    defines its own `store`."""
    opened = Store.open(tmp_path / "m.db")
    yield opened
    opened.close()


pytest_plugins = ["tests.support.http"]
