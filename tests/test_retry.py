"""monitor.fetch.retry: the one retry helper (fetch and webhook), with an injected sleep that only records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from monitor.fetch.retry import retry, retry_after_seconds


def _answers(*results: str) -> Callable[[], str]:
    """A call that gives `results` in turn (and fails the test if called once more)."""
    left = list(results)
    return lambda: left.pop(0)


def test_retries_with_doubling_waits_until_a_result_is_good() -> None:
    sleeps: list[float] = []
    tried = retry(_answers("busy", "busy", "ok"), attempts=5, backoff=0.5, retryable=lambda r: r == "busy",
                  sleep=sleeps.append)
    assert (tried.result, tried.attempts, tried.refused_wait) == ("ok", 3, None)
    assert sleeps == [0.5, 1.0]


def test_gives_the_last_result_after_the_last_attempt() -> None:
    sleeps: list[float] = []
    tried = retry(_answers("busy", "busy", "busy"), attempts=3, backoff=1.0, retryable=lambda r: r == "busy",
                  sleep=sleeps.append)
    assert (tried.result, tried.attempts) == ("busy", 3)
    assert sleeps == [1.0, 2.0]


def test_a_result_not_worth_retrying_ends_at_once() -> None:
    sleeps: list[float] = []
    tried = retry(_answers("gone"), attempts=3, backoff=1.0, retryable=lambda r: r == "busy", sleep=sleeps.append)
    assert (tried.result, tried.attempts) == ("gone", 1)
    assert sleeps == []


def test_the_wait_a_server_asks_for_replaces_the_backoff() -> None:
    sleeps: list[float] = []
    told: list[tuple[str, float]] = []
    tried = retry(_answers("wait 7", "ok"), attempts=3, backoff=1.0, retryable=lambda r: r != "ok",
                  retry_after=lambda r: float(r.split()[1]) if r.startswith("wait") else None,
                  max_retry_after=60.0, sleep=sleeps.append, on_retry=lambda r, wait: told.append((r, wait)))
    assert (tried.result, tried.attempts) == ("ok", 2)
    assert sleeps == [7.0]
    assert told == [("wait 7", 7.0)]


def test_a_wait_above_the_cap_is_not_waited_and_is_reported() -> None:
    sleeps: list[float] = []
    tried = retry(_answers("wait 3600"), attempts=4, backoff=1.0, retryable=lambda r: True,
                  retry_after=lambda r: 3600.0, max_retry_after=60.0, sleep=sleeps.append)
    assert (tried.result, tried.attempts, tried.refused_wait) == ("wait 3600", 1, 3600.0)
    assert sleeps == []


def test_a_wait_above_the_cap_on_the_last_attempt_is_just_the_end() -> None:
    tried = retry(_answers("wait 3600"), attempts=1, backoff=1.0, retryable=lambda r: True,
                  retry_after=lambda r: 3600.0, max_retry_after=60.0, sleep=lambda s: None)
    assert (tried.attempts, tried.refused_wait) == (1, None)


def test_an_exception_is_not_retried_and_reaches_the_caller() -> None:
    calls: list[int] = []

    def broken() -> str:
        calls.append(1)
        raise RuntimeError("a bug")

    with pytest.raises(RuntimeError, match="a bug"):
        retry(broken, attempts=3, backoff=1.0, retryable=lambda r: True, sleep=lambda s: None)
    assert calls == [1]


def test_retry_after_parsing() -> None:
    now = dt.datetime(2024, 5, 1, 12, 0, 0, tzinfo=dt.UTC)
    assert retry_after_seconds("120") == 120.0
    assert retry_after_seconds(" 5 ") == 5.0
    assert retry_after_seconds("Wed, 01 May 2024 12:01:30 GMT", now) == 90.0
    assert retry_after_seconds("Wed, 01 May 2024 11:00:00 GMT", now) == 0.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds("-3") is None


def test_a_wait_that_would_outlast_the_time_left_is_not_started() -> None:
    sleeps: list[float] = []
    left = iter([10.0, 1.5])  # seconds a deadline leaves before the first wait (1 s), then the second (2 s)
    tried = retry(_answers("busy", "busy", "ok"), attempts=5, backoff=1.0, retryable=lambda r: r == "busy",
                  sleep=sleeps.append, time_left=lambda: next(left))
    assert (tried.result, tried.attempts, tried.refused_wait) == ("busy", 2, None)
    assert sleeps == [1.0]
