"""Fetch one URL politely through one shared httpx client; never raise for one bad URL.

`Fetcher.fetch` follows redirects itself (to count them, to flag permanent ones and to check robots.txt
and the per-host delay at every hop; a page that is only a meta refresh counts as one, fetch.refresh),
streams the body under a byte cap (counting decompressed bytes, so a gzip bomb stops at the cap),
retries 408/429/5xx and network errors with exponential backoff or the server's Retry-After
(fetch.retry), and sends conditional-GET validators. Every failure comes back as a `FetchResult` whose
`error` says what went wrong in words a person can act on; some have a name too (`reason`):

- "deadline": the request as a whole (connect, headers, body, redirects, retries and the waits between
  them; not the wait for the host's politeness slot) passed `deadline` of [fetch]. Every socket
  operation gets at most the time left (fetch.transport), so no server can keep a request going.
- "challenge" / "login": a JavaScript challenge, a CAPTCHA or a login wall (fetch.blocked), never retried.
- "cancelled": `cancel()` stopped the fetcher (the run's --max-minutes, SIGTERM): requests in flight end
  at once, later ones do not start, and nothing is logged as an error.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from types import TracebackType

import httpx

from monitor.fetch.blocked import blocked_reason, detect, login_redirect
from monitor.fetch.body import BodyError, error_body, read_body
from monitor.fetch.refresh import refresh_target
from monitor.fetch.retry import retry, retry_after_seconds
from monitor.fetch.robots import RobotsCache
from monitor.fetch.transport import BoundedTransport, Budget, Switch
from monitor.models import FetchReason, FetchResult, FetchSettings, Validators

log = logging.getLogger(__name__)

_ACCEPT = (
    "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,application/xml;q=0.9,*/*;q=0.8"
)
ROBOTS_DISALLOWED = "disallowed by robots.txt"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PERMANENT = frozenset({301, 308})
_DNS_HINTS = ("name or service", "nodename", "no address", "name resolution")
_PROTOCOL_HINTS = {  # what h11 says → what it means, for people (none of these is worth a retry)
    "receive buffer too long": "the response headers are larger than 100 KB (a header flood)",
    "illegal chunk": "invalid chunked encoding",
    "chunk": "invalid chunked encoding",
}
_NO_RETRY_HINTS = ("certificate", "ssl", *_DNS_HINTS, *_PROTOCOL_HINTS)
CANCELLED = "cancelled: the run was stopped (--max-minutes or a signal) before this request finished"


@dataclass(frozen=True)
class _Hop:
    """One request/response exchange, before redirects and retries are decided."""

    status: int | None = None
    headers: httpx.Headers = field(default_factory=httpx.Headers)
    content: bytes = b""
    error: str | None = None
    retryable: bool = False
    reason: FetchReason | None = None


@dataclass(frozen=True)
class _Attempt:
    """One attempt at a URL, redirects followed; `retryable` says whether trying again may help."""

    result: FetchResult
    retryable: bool = False
    retry_after: str | None = None


class _HostGate:
    """Per-host politeness: at most `concurrency` requests at once, starts spaced by `delay` seconds."""

    def __init__(
        self, delay: float, concurrency: int, clock: Callable[[], float], sleep: Callable[[float], None]
    ) -> None:
        self.delay = delay
        self._slots = threading.BoundedSemaphore(max(1, concurrency))
        self._lock = threading.Lock()
        self._last_start: float | None = None
        self._clock = clock
        self._sleep = sleep

    def raise_delay(self, delay: float) -> None:
        with self._lock:
            self.delay = max(self.delay, delay)

    @contextmanager
    def slot(self, budget: Budget | None = None) -> Iterator[None]:
        """Hold one of the host's slots; the time waited for it does not count against `budget`."""
        asked = self._clock()
        with self._slots:
            wait = self._reserve()
            if wait > 0:
                self._sleep(wait)
            if budget is not None:
                budget.extend(self._clock() - asked)
            yield

    def _reserve(self) -> float:
        """Book the next start time (thread-safe) and return how long to wait for it."""
        with self._lock:
            now = self._clock()
            start = now if self._last_start is None else max(now, self._last_start + self.delay)
            self._last_start = start
            return start - now


class Fetcher:
    """One HTTP client for the whole run. Thread-safe: the pipeline calls `fetch` from several threads.

    `transport` replaces the network (tests; the deadline is then checked only between steps); `sleep`
    and `clock` replace time (by default a sleep that `cancel()` interrupts, and time.monotonic).
    """

    def __init__(
        self,
        settings: FetchSettings,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._settings = settings
        self._switch = Switch()
        self._sleep = sleep or self._interruptible_sleep
        self._clock = clock
        self._client = httpx.Client(
            transport=transport or BoundedTransport(self._switch),
            timeout=settings.timeout,
            follow_redirects=False,
            headers={
                "User-Agent": settings.user_agent,
                "Accept": _ACCEPT,
                "Accept-Encoding": "gzip, deflate",
            },
        )
        self._robots = RobotsCache(settings.user_agent, self._get_robots)
        self._gates: dict[str, _HostGate] = {}
        self._gates_lock = threading.Lock()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._switch.cancel()
        self._client.close()

    def cancel(self) -> None:
        """Stop fetching, from any thread: requests in flight end at once and later ones do not start; each
        comes back with reason "cancelled"."""
        self._switch.cancel()

    @property
    def cancelled(self) -> bool:
        return self._switch.cancelled.is_set()

    def fetch(self, url: str, validators: Validators | None = None) -> FetchResult:
        """GET `url`; on any failure the result's `error` says why (this method does not raise)."""
        started = self._clock()
        try:
            with self._switch.bounded(Budget(self._settings.deadline, self._clock)):
                result = self._fetch(url.strip(), validators or Validators())
        except Exception as exc:  # the promise is: one bad URL never stops the run
            if self.cancelled:  # e.g. the client closed under a request in flight
                result = _failed(url, CANCELLED, reason="cancelled")
            else:
                log.exception("unexpected error while fetching %s", url)
                result = _failed(url, f"internal error: {type(exc).__name__}: {exc}")
        if result.error:
            log.debug("%s: %s", url, result.error)
        return replace(result, elapsed=self._clock() - started)

    def _interruptible_sleep(self, seconds: float) -> None:
        self._switch.cancelled.wait(seconds)

    def _fetch(self, url: str, validators: Validators) -> FetchResult:
        problem = _check_url(url)
        if problem is not None:
            return _failed(url, problem)
        if self.cancelled:
            return _failed(url, CANCELLED, reason="cancelled")
        settings = self._settings
        tried = retry(
            lambda: self._follow(url, validators),
            attempts=settings.retries + 1,
            backoff=settings.backoff,
            retryable=lambda attempt: attempt.retryable and not self.cancelled,
            retry_after=_asked_wait,
            max_retry_after=settings.max_retry_after,
            sleep=self._sleep,
            time_left=self._time_left,
            on_retry=lambda attempt, wait: log.info("%s: %s; retrying in %gs", url, attempt.result.error, wait),
        )
        result = tried.result.result
        if tried.refused_wait is not None:
            return replace(
                result,
                error=f"{result.error}; the server asks to retry after {tried.refused_wait:g}s,"
                f" more than max_retry_after ({settings.max_retry_after:g}s)",
            )
        return _with_attempts(result, tried.attempts)

    def _time_left(self) -> float:
        budget = self._switch.budget
        return budget.remaining() if budget is not None else float("inf")

    def _follow(self, url: str, validators: Validators, *, check_robots: bool = True) -> _Attempt:
        """One attempt: GET `url`, following up to `max_redirects` redirects (HTTP or meta refresh)."""
        chain, permanent = [url], True
        while True:
            current = chain[-1]
            refusal = self._refusal(current) if check_robots else None
            if refusal is not None:
                return _Attempt(_failed(url, refusal, final_url=current))
            hop = self._exchange(current, _conditional_headers(validators))
            blocked = _blocked(url, current, hop)
            if blocked is not None:
                return blocked
            location = hop.headers.get("location") if hop.status in _REDIRECTS else _meta_refresh(hop, current)
            if location is None:
                return _settle(url, current, hop, validators, permanent=len(chain) > 1 and permanent)
            permanent = permanent and hop.status in _PERMANENT
            stop = self._next_hop(url, chain, location, hop)
            if stop is not None:
                return stop

    def _next_hop(self, url: str, chain: list[str], location: str, hop: _Hop) -> _Attempt | None:
        """Add the target of a redirect to `chain`; an attempt that ends here when it may not be followed."""
        current, limit = chain[-1], self._settings.max_redirects
        target = str(httpx.URL(current).join(location))
        if hop.status not in _REDIRECTS and target in chain:  # a meta refresh back to a page already seen
            return _Attempt(_failed(url, _refresh_loop(chain, target), current))
        if len(chain) > limit:
            return _Attempt(_failed(url, _too_many_redirects(limit, chain), current))
        chain.append(target)
        if _check_url(target) is not None:
            return _Attempt(_failed(url, f"redirect to a non-http(s) URL: {location}", target))
        login = login_redirect(chain)
        if login is not None:
            return _Attempt(_failed(url, login.message(hop.status, target), target, reason=login.reason))
        return None

    def _refusal(self, url: str) -> str | None:
        """Why robots.txt forbids `url`, or None; also adopts the host's Crawl-delay."""
        if not self._settings.respect_robots:
            return None
        if not self._robots.allowed(url):
            return ROBOTS_DISALLOWED
        delay = self._robots.crawl_delay(url)
        if delay is not None:
            if delay > self._settings.max_retry_after:
                log.warning("%s: Crawl-delay %gs capped at %gs", url, delay, self._settings.max_retry_after)
            self._gate(url).raise_delay(min(delay, self._settings.max_retry_after))
        return None

    def _get_robots(self, url: str) -> FetchResult:
        return self._follow(url, Validators(), check_robots=False).result

    def _gate(self, url: str) -> _HostGate:
        host = httpx.URL(url).host.lower()
        with self._gates_lock:
            gate = self._gates.get(host)
            if gate is None:
                settings = self._settings
                gate = _HostGate(settings.host_delay, settings.host_concurrency, self._clock, self._sleep)
                self._gates[host] = gate
            return gate

    def _exchange(self, url: str, headers: dict[str, str]) -> _Hop:
        """One GET under the host's politeness gate; network failures become a `_Hop` with an error."""
        with self._gate(url).slot(self._switch.budget):
            try:
                return _stopped(self._switch, before=True) or self._send(url, headers)
            except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:  # also a bad Location of a redirect
                return _Hop(error=f"invalid URL (the address or the target of its redirect): {exc}")
            except httpx.DecodingError as exc:
                return _Hop(error=f"cannot decode the body: {exc}")
            except (httpx.TransportError, RuntimeError) as exc:  # RuntimeError: the client closed (cancelled)
                return _stopped(self._switch) or _network_failure(exc, self._settings.timeout)

    def _send(self, url: str, headers: dict[str, str]) -> _Hop:
        deadline = self._clock() + self._settings.timeout
        with self._client.stream("GET", url, headers=headers) as response:
            if not response.is_success:
                return _Hop(response.status_code, response.headers, error_body(response, deadline, self._clock))
            try:
                content = read_body(response, self._settings.max_bytes, deadline, self._clock)
            except BodyError as exc:
                return _Hop(response.status_code, response.headers, error=str(exc))
            return _Hop(response.status_code, response.headers, content)


def _blocked(url: str, current: str, hop: _Hop) -> _Attempt | None:
    """A challenge or a login wall instead of the page (fetch.blocked): an attempt that is not retried."""
    if hop.error is not None or hop.status in _REDIRECTS:
        return None
    block = detect(hop.status, hop.headers, hop.content)
    if block is None:
        return None
    result = FetchResult(url=url, final_url=current, status=hop.status, content=b"",
                         content_type=hop.headers.get("content-type"), error=block.message(hop.status, current),
                         reason=block.reason)
    return _Attempt(result)


def _meta_refresh(hop: _Hop, current: str) -> str | None:
    """The target of a page that is only a meta refresh (fetch.refresh); None for any other response."""
    if hop.error is not None or hop.status is None or not 200 <= hop.status < 300:
        return None
    return refresh_target(hop.content, hop.headers.get("content-type"), current)


def _refresh_loop(chain: list[str], target: str) -> str:
    where = "itself" if target == chain[-1] else f"{target}, already visited"
    return (f"a redirect loop: {chain[-1]} is only a meta refresh to {where}; open the address in a browser and "
            "update feeds.toml")


def failure_reason(error: str | None) -> FetchReason | None:
    """The named reason of a recorded failure (FetchResult.error, sources.error, failures.reason), read
    back from its first words: "deadline", "cancelled", "challenge", "login"; None for any other."""
    if error is None:
        return None
    if error.startswith("deadline: "):
        return "deadline"
    if error.startswith("cancelled: "):
        return "cancelled"
    return blocked_reason(error)


def _stopped(switch: Switch, *, before: bool = False) -> _Hop | None:
    """Why a request ended (or, `before` it starts, need not start): the run was cancelled, or its deadline
    passed; None otherwise."""
    if switch.cancelled.is_set():
        return _Hop(error=CANCELLED, reason="cancelled")
    budget = switch.budget
    if not before and budget is not None and budget.expired():
        return _Hop(error=f"deadline: no complete answer within {budget.seconds:g}s (deadline in [fetch]); "
                          "the server kept the request going", reason="deadline")
    return None


def _network_failure(exc: Exception, timeout: float) -> _Hop:
    if isinstance(exc, httpx.TimeoutException):
        return _Hop(error=f"timed out after {timeout:g}s (timeout in [fetch])", retryable=True)
    if isinstance(exc, httpx.TransportError):
        return _Hop(error=_describe(exc), retryable=_is_transient(exc))
    raise exc


def _settle(url: str, final_url: str, hop: _Hop, validators: Validators, *, permanent: bool) -> _Attempt:
    """Turn the last hop of an attempt into a result: success, 304, or an HTTP/network error."""
    headers = hop.headers
    not_modified = hop.status == 304
    kept = validators if not_modified else Validators()  # a 304 need not repeat the validators
    error = None if not_modified else hop.error or _status_error(hop.status)
    result = FetchResult(
        url=url,
        final_url=final_url,
        status=hop.status,
        content=b"" if error else hop.content,
        content_type=headers.get("content-type"),
        etag=headers.get("etag") or kept.etag,
        last_modified=headers.get("last-modified") or kept.last_modified,
        not_modified=not_modified,
        error=error,
        permanent_redirect=permanent,
        reason=None if not_modified else hop.reason,
    )
    return _Attempt(result, hop.retryable or _retryable_status(hop.status), headers.get("retry-after"))


def _asked_wait(attempt: _Attempt) -> float | None:
    """The wait the server asked for (Retry-After), in seconds; None when it asked for none."""
    return retry_after_seconds(attempt.retry_after) if attempt.retry_after else None


def _status_error(status: int | None) -> str | None:
    if status is None or 200 <= status < 300:
        return None
    if status in _REDIRECTS:
        return f"HTTP {status} redirect without a Location header"
    return f"HTTP {status} {httpx.codes.get_reason_phrase(status)}".rstrip()


def _retryable_status(status: int | None) -> bool:
    return status is not None and (status in (408, 429) or 500 <= status < 600)


def _conditional_headers(validators: Validators) -> dict[str, str]:
    headers: dict[str, str] = {}
    if validators.etag:
        headers["If-None-Match"] = validators.etag
    if validators.last_modified:
        headers["If-Modified-Since"] = validators.last_modified
    return headers


def _check_url(url: str) -> str | None:
    """Why `url` cannot be fetched at all, or None."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        return f"invalid URL: {exc}"
    if parsed.scheme not in ("http", "https"):
        return "not http(s)"
    if not parsed.host:
        return "invalid URL: no host"
    return None


def _describe(exc: httpx.TransportError) -> str:
    """A short, actionable description of a network failure."""
    text = str(exc) or type(exc).__name__
    lowered = text.lower()
    if "refused" in lowered:
        return "connection refused"
    if "reset" in lowered:
        return "connection reset by the server"
    if any(hint in lowered for hint in _DNS_HINTS):
        return f"host not found (DNS): {text}"
    if isinstance(exc, httpx.RemoteProtocolError):
        meaning = next((words for hint, words in _PROTOCOL_HINTS.items() if hint in lowered), None)
        return f"bad HTTP response: {meaning} ({text})" if meaning else f"bad HTTP response: {text}"
    return f"connection failed: {text}"


def _is_transient(exc: httpx.TransportError) -> bool:
    if not isinstance(exc, httpx.NetworkError | httpx.RemoteProtocolError):
        return False
    return not any(hint in str(exc).lower() for hint in _NO_RETRY_HINTS)


def _too_many_redirects(limit: int, chain: list[str]) -> str:
    """Say whether the redirects went round in a loop, and where they led, so the feed can be fixed."""
    looped = len(set(chain)) < len(chain)
    where = f"a redirect loop through {chain[-1]}" if looped else f"still redirecting at {chain[-1]}"
    return f"too many redirects (>{limit}): {where}; open the address in a browser and update feeds.toml"


def _with_attempts(result: FetchResult, attempts: int) -> FetchResult:
    if result.error is None or attempts == 1:
        return result
    return replace(result, error=f"{result.error} (after {attempts} attempts)")


def _failed(url: str, error: str, final_url: str | None = None, reason: FetchReason | None = None) -> FetchResult:
    return FetchResult(
        url=url, final_url=final_url or url, status=None, content=b"", content_type=None, error=error, reason=reason
    )
