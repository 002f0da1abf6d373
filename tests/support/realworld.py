"""../shared/realworld (real pages and feeds, read in place): where it is, and how tests do without it.

A checkout without it still runs every other test: tests that need it skip with REASON, and
tests/conftest.py prints one line at the end saying how many could not be checked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

SHARED = Path(__file__).resolve().parents[3] / "shared"
REALWORLD = SHARED / "realworld"
REASON = "../shared/realworld is not beside this checkout"
MARKER = "realworld"


def require() -> Path:
    """The folder, or a skip of the calling test with REASON (the end-of-run summary counts those)."""
    if not REALWORLD.is_dir():
        pytest.skip(REASON)
    return REALWORLD


def specimens(folder: str, pattern: str) -> list[Any]:
    """Paths under realworld/FOLDER matching PATTERN (relative to FOLDER), for parametrize; without the
    folder, one placeholder that skips with REASON (so collection never fails and the summary counts it)."""
    base = REALWORLD / folder
    if not REALWORLD.is_dir():
        return [pytest.param("(absent)", marks=pytest.mark.skip(reason=REASON), id="realworld-absent")]
    return sorted(str(path.relative_to(base)) for path in base.glob(pattern))
