"""The one progress bar: fed the run's events, backfill's summaries and rescan's counts; shown only on a TTY."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from monitor.run.backfill import BackfillSummary
from monitor.run.progress import ProgressBar, backfill_progress, progress_bar, rescan_progress, run_progress


def _console() -> Console:
    return Console(file=io.StringIO(), force_terminal=True, width=100)


def test_the_progress_bar_counts_sources_then_the_articles_they_announce() -> None:
    with ProgressBar("sources", "articles", console=_console()) as bar:
        progress = run_progress(bar)
        assert progress is not None
        progress("run_started", {"sources": 3})
        progress("source_fetched", {"outlet": "甲", "new": 2})
        progress("source_failed", {"outlet": "乙", "reason": "HTTP 404"})
        progress("article_stored", {"outlet": "甲"})
        counts = bar.counts()
    assert counts["sources"] == (2, 3)
    assert counts["articles"] == (1, 2)


def test_backfill_moves_the_bar_to_the_pages_read_of_those_counted(tmp_path: Path) -> None:
    for name in ("a.html", "b.html", "c.htm", "notes.txt"):
        (tmp_path / name).write_text("<p>x</p>", "utf-8")
    with ProgressBar("backfill", console=_console()) as bar:
        update = backfill_progress(bar, [str(tmp_path)])
        assert update is not None
        update(BackfillSummary(pages=2, skipped=1))
        counts = bar.counts()
    assert counts["backfill"] == (2, 3)


def test_rescan_moves_the_bar_to_the_articles_done_of_all() -> None:
    with ProgressBar("rescan", console=_console()) as bar:
        update = rescan_progress(bar)
        assert update is not None
        update(4, 10)
        counts = bar.counts()
    assert counts["rescan"] == (4, 10)


def test_no_bar_off_a_terminal_or_when_quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stderr", io.StringIO())  # not a TTY
    with progress_bar("sources", "articles") as bar:
        assert bar is None
        assert run_progress(bar) is None and rescan_progress(bar) is None
        assert backfill_progress(bar, []) is None


def test_a_bar_on_a_terminal_unless_quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stderr", Terminal())
    with progress_bar("rescan") as bar:
        assert isinstance(bar, ProgressBar)
    with progress_bar("rescan", quiet=True) as quiet:
        assert quiet is None
