"""retry: the one way the monitor tries something again — a fetch, a webhook post — built on tenacity.

    tried = retry(lambda: post(payload), attempts=3, backoff=2.0, retryable=lambda r: r.retry, sleep=sleep)
    tried.result, tried.attempts     # the last result, and how many attempts it took

The call returns a result rather than raising; `retryable` says whether trying again may help.
Between attempts the wait doubles from `backoff` (backoff, 2 × backoff, 4 × …), unless the server said
how long to wait (`retry_after`, e.g. from a Retry-After header): that is waited instead, and when it is
longer than `max_retry_after` nobody waits — the retrying stops and `Tried.refused_wait` says what was
asked. With `time_left` (the seconds a deadline leaves), a wait that would not end before the deadline is
not started either. `sleep` is injected, so tests check the waits without waiting.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import tenacity

T = TypeVar("T")


@dataclass(frozen=True)
class Tried(Generic[T]):
    """The last result, how many attempts were made, and the wait a server asked for when it was
    longer than allowed (the reason the retrying stopped early)."""

    result: T
    attempts: int
    refused_wait: float | None = None


def retry(call: Callable[[], T], *, attempts: int, backoff: float, retryable: Callable[[T], bool],
          retry_after: Callable[[T], float | None] = lambda result: None, max_retry_after: float = math.inf,
          sleep: Callable[[float], None] = time.sleep, time_left: Callable[[], float] = lambda: math.inf,
          on_retry: Callable[[T, float], None] = lambda result, wait: None) -> Tried[T]:
    """Call `call` until its result is not `retryable`, `attempts` have been made, the server asks for
    a wait above `max_retry_after`, or the next wait would outlast `time_left()`; `on_retry` is told of
    each result retried and the wait before the next attempt."""
    made = 0
    refused: list[float] = []

    def attempt() -> T:
        nonlocal made
        made += 1
        return call()

    def asked(state: tenacity.RetryCallState) -> float | None:
        return retry_after(_result(state))

    def stop(state: tenacity.RetryCallState) -> bool:
        wanted = asked(state)
        if state.attempt_number < attempts and wanted is not None and wanted > max_retry_after:
            refused.append(wanted)
        return state.attempt_number >= attempts or bool(refused) or wait(state) >= time_left()

    def wait(state: tenacity.RetryCallState) -> float:
        wanted = asked(state)
        return backoff * 2.0 ** (state.attempt_number - 1) if wanted is None else wanted

    def before_sleep(state: tenacity.RetryCallState) -> None:
        on_retry(_result(state), state.upcoming_sleep)

    result: T = tenacity.Retrying(
        stop=stop, wait=wait, retry=tenacity.retry_if_result(retryable), sleep=sleep, before_sleep=before_sleep,
        retry_error_callback=_result)(attempt)
    return Tried(result, made, refused[0] if refused else None)


def _result(state: tenacity.RetryCallState) -> Any:
    outcome = state.outcome
    assert outcome is not None, "tenacity calls back only after an attempt"
    return outcome.result()


def retry_after_seconds(value: str, now: dt.datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After value (delta-seconds or an HTTP date); None if unreadable."""
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - (now or dt.datetime.now(dt.UTC))).total_seconds())
