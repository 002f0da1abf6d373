"""Shared fixtures: every test gets its own state (database path, reviewer) under tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest

REALWORLD = Path(__file__).resolve().parents[2] / "shared" / "realworld"


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the user's MONITOR_* settings or writes outside tmp_path."""
    for name in ("MONITOR_DB", "MONITOR_CONFIG", "MONITOR_LEXICON", "MONITOR_REVIEWER", "MONITOR_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MONITOR_DB", str(tmp_path / "test.db"))


@pytest.fixture
def realworld() -> Path:
    if not REALWORLD.is_dir():
        pytest.skip("../shared/realworld is not beside this checkout")
    return REALWORLD
pytest_plugins = ["tests.support.http"]
