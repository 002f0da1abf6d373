"""stop: how a run ends early — its deadline (--max-minutes), a signal (SIGTERM, Ctrl-C), a full disk —
without leaving a request behind.

The daily run (run.daily.Runner) asks `RunDeadline` how long it may still wait; when it stops early for any
reason, `end_pool` cancels the fetcher (every request in flight ends at once, none starts) and waits a
moment for the fetch threads, so that none outlives the HTTP client it uses and the process exits at once.
Their results are dropped: nothing is recorded of a source or an article that did not finish, and the
next run tries it again. `unless_disk_full` lets a run stopped by a full disk (or another error) end
without a second error when even its end cannot be written.
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from monitor.errors import DiskFullError
from monitor.fetch.client import Fetcher
from monitor.run.runlog import RunObserver

log = logging.getLogger(__name__)

STOP_GRACE = 10.0  # seconds a stopped run waits for its cancelled fetches (each ends at once; an extraction may not)


class RunDeadline:
    """The run's deadline: `max_seconds` from `start()` (None: no deadline)."""

    def __init__(self, max_seconds: float | None, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_seconds = max_seconds
        self._clock = clock
        self._ends: float | None = None

    def start(self) -> None:
        if self.max_seconds is not None:
            self._ends = self._clock() + self.max_seconds

    def remaining(self) -> float | None:
        """Seconds left (0.0 once it has passed); None without a deadline."""
        return None if self._ends is None else max(0.0, self._ends - self._clock())

    def passed(self) -> bool:
        return self.remaining() == 0.0


def stop_at_deadline(pending: set[cf.Future[Any]], deadline: RunDeadline, observe: RunObserver) -> None:
    """The deadline passed: drop the fetches not started yet, and say so (those in flight: `end_pool`)."""
    dropped = sum(future.cancel() for future in pending)
    log.warning("deadline of %gs reached: %d pending fetches dropped, %d in flight cancelled",
                deadline.max_seconds or 0, dropped, len(pending) - dropped)
    observe("deadline", {"max_seconds": deadline.max_seconds, "cancelled": dropped,
                         "abandoned": len(pending) - dropped})


def end_pool(pool: cf.ThreadPoolExecutor, fetcher: Fetcher, pending: set[cf.Future[Any]]) -> None:
    """End the run's fetch pool. With fetches still `pending` (the run stopped early), the fetcher is
    cancelled and the fetches in flight are waited for, STOP_GRACE seconds at most."""
    if pending:
        fetcher.cancel()
    pool.shutdown(wait=False, cancel_futures=True)
    running = [future for future in pending if not future.done()]
    if running:
        cf.wait(running, timeout=STOP_GRACE)


@contextmanager
def unless_disk_full(failing: bool, run_id: int) -> Iterator[None]:
    """Write the end of a run. When the run is `failing` already (a full disk stopped it, or another error
    is on its way) and the disk is full, log it (the next run marks the run abandoned) instead of raising a
    second error over the first."""
    try:
        yield
    except DiskFullError:
        if not failing:
            raise
        log.warning("run %d: the disk is full; its end is not recorded (the next run marks it abandoned)", run_id)
