"""The journal of runs: each run with its counts, the sources' last results, and what failed.

`runs` has one row per `monitor run` (status running → completed, interrupted …, or abandoned when its
process was killed), with its counts in columns (schema 3) and in JSON (`counts`, for older readers).
`sources` has one row per feed or list page: the last attempt and success, the failures in a row, a
permanent redirect, the day of the newest item seen (schema 7). `failures` has one row per source or
article that failed, with the reason.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from monitor.models import RunStatus, SourceKind
from monitor.store.clock import now

if TYPE_CHECKING:
    from monitor.store.database import Store

COUNT_COLUMNS = ("sources", "fetched", "not_modified", "failed", "articles_new", "matches", "new_items",
                 "sources_failed", "events")


@dataclass(frozen=True)
class SourceState:
    """A feed or list page as the last run left it."""

    url: str
    outlet: str
    kind: SourceKind
    status: str | None  # "ok" or "failed"
    error: str | None
    items: int | None
    final_url: str | None
    permanent_redirect: bool
    last_attempt: str | None
    last_success: str | None
    failures: int  # consecutive failed attempts
    newest: str | None = None  # the day of the newest item a run saw in it (schema 7), None if none had a date


# -- runs -------------------------------------------------------------------------------------------------


def start_run(store: Store) -> int:
    with store.transaction():
        cursor = store.db.execute("INSERT INTO runs (started, status) VALUES (?, 'running')", [now()])
        return int(cursor.lastrowid or 0)


def finish_run(store: Store, run_id: int, status: RunStatus, counts: Mapping[str, int]) -> None:
    with store.transaction():
        store.db.execute("UPDATE runs SET ended = ?, status = ?, counts = ? WHERE id = ?",
                         [now(), status, json.dumps(dict(counts)), run_id])


def record_counts(store: Store, run_id: int, counts: Mapping[str, int], log_path: str | None = None) -> None:
    """A run's counts in their own columns (keys of COUNT_COLUMNS, all of them) and the path of its log."""
    missing = [column for column in COUNT_COLUMNS if column not in counts]
    if missing:
        raise ValueError(f"run counts without {', '.join(missing)}")
    assignments = ", ".join(f"{column} = ?" for column in COUNT_COLUMNS)
    with store.transaction():
        store.db.execute(f"UPDATE runs SET {assignments}, log = ? WHERE id = ?",
                         [*(counts[column] for column in COUNT_COLUMNS), log_path, run_id])


def close_abandoned_runs(store: Store) -> int:
    """Mark "abandoned" the runs still "running" (their process was killed). Call it holding the run lock."""
    with store.transaction():
        return int(store.db.execute("UPDATE runs SET status = 'abandoned' WHERE status = 'running'").rowcount)


# -- sources and failures ---------------------------------------------------------------------------------


def record_source(store: Store, url: str, outlet: str, kind: SourceKind, error: str | None, items: int | None,
                  final_url: str | None = None, permanent_redirect: bool = False, newest: str | None = None) -> None:
    """The result of one attempt at a source: its failures in a row go up by one, or back to 0 on success.
    `newest` (YYYY-MM-DD) is the day of the newest item the attempt saw; an attempt that saw no dated item (a
    failure, a 304) keeps the one seen before."""
    stamp = now()
    with store.transaction():
        store.db.execute(
            "INSERT INTO sources (url, outlet, kind, status, error, items, final_url, permanent_redirect, "
            "last_attempt, last_success, consecutive_failures, newest) VALUES (?,?,?,?,?,?,?,?,?,?,?,?) "
            "ON CONFLICT(url) DO UPDATE SET outlet=excluded.outlet, kind=excluded.kind, "
            "status=excluded.status, error=excluded.error, items=COALESCE(excluded.items, items), "
            "final_url=excluded.final_url, permanent_redirect=excluded.permanent_redirect, "
            "last_attempt=excluded.last_attempt, "
            "last_success=COALESCE(excluded.last_success, last_success), "
            "consecutive_failures=CASE WHEN excluded.error IS NULL THEN 0 ELSE consecutive_failures + 1 END, "
            "newest=COALESCE(excluded.newest, newest)",
            [url, outlet, kind, "ok" if error is None else "failed", error, items, final_url,
             int(permanent_redirect), stamp, stamp if error is None else None, 0 if error is None else 1, newest])


def source_states(store: Store) -> list[SourceState]:
    """Every source the runs have tried, by outlet and URL."""
    rows = store.db.execute(
        "SELECT url, outlet, kind, status, error, items, final_url, permanent_redirect, last_attempt, last_success, "
        "COALESCE(consecutive_failures, 0), newest FROM sources ORDER BY outlet, url").fetchall()
    return [SourceState(r[0], r[1], r[2], r[3], r[4], r[5], r[6], bool(r[7]), r[8], r[9], int(r[10]), r[11])
            for r in rows]


def record_failure(store: Store, run_id: int | None, outlet: str | None, url: str, reason: str) -> None:
    with store.transaction():
        store.db.table("failures").insert({"run_id": run_id, "outlet": outlet, "url": url, "reason": reason,
                                           "at": now()})
