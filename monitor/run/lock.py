"""lock: one `monitor run` (and one `monitor digest`) per database at a time.

The lock is an exclusive `flock` on a file next to the database (`monitor.db` → `monitor.db.lock`;
`monitor.db.digest.lock` for the digest, which may run while a run does).
The kernel releases it when the holder exits, however it exits (killed, crashed, machine rebooted), so
a lock file left behind never blocks the next run: only a live process holding the lock does. The
file is never deleted (deleting it would let two processes lock two different files); it only records
who holds it, for the message the second run prints.
"""

from __future__ import annotations

import fcntl
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from monitor.errors import MonitorError
from monitor.store.database import now

log = logging.getLogger(__name__)


class RunLocked(MonitorError):
    """Another live process holds the database's lock for this command."""


def lock_path(db: str | Path, command: str = "run") -> Path:
    """The lock file of a database for `command`: `<db>.lock` for run, `<db>.<command>.lock` otherwise."""
    return Path(f"{db}.lock" if command == "run" else f"{db}.{command}.lock")


@contextmanager
def run_lock(db: str | Path, command: str = "run") -> Iterator[Path]:
    """Hold the `command` lock of `db` for the duration of the block; raise RunLocked at once if it is taken."""
    path = lock_path(db, command)
    fd = _open(path)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunLocked(_busy_message(db, path, command)) from None
        _write_holder(fd)
        log.info("run lock %s taken by pid %d", path, os.getpid())
        yield path
    finally:
        os.close(fd)  # closing the descriptor releases the flock


def _open(path: Path) -> int:
    if not path.parent.is_dir():
        raise MonitorError(f"{path.parent}: folder does not exist; create it or choose another --db")
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise MonitorError(f"{path}: cannot create the run lock file ({exc.strerror}); "
                           f"make the database folder writable or choose another --db") from exc


def _write_holder(fd: int) -> None:
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()} {now()}\n".encode(), 0)


def holder(path: Path) -> str:
    """What the lock file says about its holder ("pid 123 since 2025-…"), or "" when unreadable."""
    try:
        pid, _, since = path.read_text("utf-8").strip().partition(" ")
    except OSError:
        return ""
    return f"pid {pid} since {since}" if pid.isdigit() else ""


def _busy_message(db: str | Path, path: Path, command: str) -> str:
    who = holder(path)
    return (f"another `monitor {command}` is working on {db}{f' ({who})' if who else ''}; this one did "
            f"nothing. Let that one finish (lock file {path}).")
