"""progress: the one progress bar for people — rich, on stderr, shown only on a terminal.

`monitor run`, `monitor backfill` and `monitor rescan` each show it with their own lines (tasks):

    with progress_bar("sources", "articles", quiet=quiet) as bar:
        run(..., observe=fan_out(runlog, run_progress(bar)))

`progress_bar` gives None when stderr is no terminal (cron, pipes, tests) or `quiet` is set, and each
adapter (`run_progress`, `backfill_progress`, `rescan_progress`) then gives None too: nothing is drawn.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from types import TracebackType
from typing import Any

from monitor.run.archive import count_pages
from monitor.run.backfill import BackfillSummary
from monitor.run.runlog import RunObserver


class ProgressBar:
    """A rich progress bar on stderr, one line per task: its name, the bar, done of total, a note, the time.

    A task's total is unknown (None) until `update` gives it; the bar disappears when it is closed.
    """

    def __init__(self, *tasks: str, console: Any = None) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self._progress = Progress(TextColumn("{task.description:<9}"), BarColumn(), MofNCompleteColumn(),
                                  TextColumn("{task.fields[note]}"), TimeElapsedColumn(),
                                  console=console or Console(stderr=True), transient=True)
        self._tasks = {name: self._progress.add_task(name, total=None, note="") for name in tasks}

    def update(self, task: str, *, total: float | None = None, completed: float | None = None,
               advance: float | None = None, note: str | None = None) -> None:
        """Set the total or the number done, or advance it; None leaves a value as it is."""
        task_id = self._tasks[task]
        self._progress.update(task_id, total=total, completed=completed, advance=advance)
        if note is not None:
            self._progress.update(task_id, note=note)

    def counts(self) -> dict[str, tuple[float, float | None]]:
        """{task: (done, total)}."""
        return {task.description: (task.completed, task.total) for task in self._progress.tasks}

    def __enter__(self) -> ProgressBar:
        self._progress.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._progress.stop()


@contextmanager
def progress_bar(*tasks: str, quiet: bool = False) -> Iterator[ProgressBar | None]:
    """A `ProgressBar` of `tasks` while the block runs, or None when quiet or stderr is no terminal."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    with ProgressBar(*tasks) as bar:
        yield bar


def run_progress(bar: ProgressBar | None) -> RunObserver | None:
    """The daily run's observer that moves `bar` (tasks "sources" and "articles"): sources checked, then
    articles fetched as the sources announce them."""
    if bar is None:
        return None
    announced = 0

    def observe(event: str, fields: dict[str, Any]) -> None:
        nonlocal announced
        if event == "run_started":
            bar.update("sources", total=fields["sources"])
            bar.update("articles", total=0)
        elif event in ("source_fetched", "source_failed"):
            bar.update("sources", advance=1)
            announced += int(fields.get("new") or 0)
            bar.update("articles", total=announced, note=str(fields["outlet"]))
        elif event in ("article_stored", "article_failed", "article_skipped"):
            bar.update("articles", advance=1)

    return observe


def backfill_progress(bar: ProgressBar | None, sources: Sequence[str]) -> Callable[[BackfillSummary], None] | None:
    """Backfill's progress callback that moves `bar` (task "backfill"): pages done of those in `sources`
    (when cheap to count: see backfill.count_pages), with the counts."""
    if bar is None:
        return None
    bar.update("backfill", total=count_pages(sources))

    def update(summary: BackfillSummary) -> None:
        left_out = f"{summary.filtered} left out, " if summary.filtered else ""
        bar.update("backfill", completed=summary.pages,
                   note=f"{summary.stored} stored, {left_out}{summary.skipped} known, {summary.failed} failed, "
                        f"{summary.events} events")

    return update


def rescan_progress(bar: ProgressBar | None) -> Callable[[int, int], None] | None:
    """Rescan's progress callback that moves `bar` (task "rescan"): articles done of all stored."""
    if bar is None:
        return None

    def update(done: int, total: int) -> None:
        bar.update("rescan", completed=done, total=total)

    return update
