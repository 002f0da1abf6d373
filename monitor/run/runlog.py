"""runlog: what a run tells as it goes — a JSON-lines file per run.

It listens, as the progress bar (run.progress) does, to the events of `monitor.run.daily.Runner`
(a `RunObserver`: event name and fields). The log has one JSON object per line,
`{"at": ISO time, "event": name, ...fields}`, written and flushed line by line so that a run that is
killed leaves a readable log up to its last step. The events are listed in docs/operations.md.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from monitor.errors import DiskFullError, MonitorError
from monitor.store.database import now

log = logging.getLogger(__name__)

_FULL = (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)  # no space left, a file-size limit, a quota

RunObserver = Callable[[str, dict[str, Any]], None]


def default_log_dir(db: str | Path) -> Path:
    """Where run logs go unless --log-dir says otherwise: `<db name>-logs/` beside the database."""
    path = Path(db)
    return path.with_name(f"{path.stem}-logs")


class RunLog:
    """One JSON-lines file for one run, named by its start time and process id; a context manager."""

    def __init__(self, directory: str | Path) -> None:
        folder = Path(directory)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        self.path = folder / f"run-{stamp}-{os.getpid()}.jsonl"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            self._file: IO[str] = self.path.open("a", encoding="utf-8")
        except OSError as exc:
            raise MonitorError(f"{folder}: cannot write the run log there ({exc.strerror}); "
                               f"choose another --log-dir") from exc
        self._lock = threading.Lock()
        self._full = False

    def __call__(self, event: str, fields: dict[str, Any]) -> None:
        line = json.dumps({"at": now(), "event": event, **fields}, ensure_ascii=False, default=str)
        with self._lock:
            if self._full:
                return
            try:
                self._file.write(line + "\n")
                self._file.flush()
            except OSError as exc:
                if exc.errno not in _FULL:
                    raise
                self._full = True  # nothing more is written (the run stops on the DiskFullError)
                raise DiskFullError(f"{self.path}: cannot write the run log: {exc.strerror}; free some space "
                                    "and run again: the next run goes on where this one stopped") from exc

    def close(self) -> None:
        try:
            self._file.close()
        except OSError:  # the last line could not be flushed (a full disk, already reported)
            if not self._full:
                raise

    def __enter__(self) -> RunLog:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def read_log(path: str | Path) -> list[dict[str, Any]]:
    """The events of a run log, in order (for tests and for people inspecting a run)."""
    lines = Path(path).read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def fan_out(*observers: RunObserver | None) -> RunObserver:
    """One observer that tells each of `observers` (None entries are skipped)."""
    chosen = [o for o in observers if o is not None]

    def observe(event: str, fields: dict[str, Any]) -> None:
        for observer in chosen:
            observer(event, fields)

    return observe
