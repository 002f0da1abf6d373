"""robots.txt: fetched once per origin (through the caller's HTTP client), parsed with protego, cached.

A missing robots.txt (any 4xx) allows everything, as RFC 9309 says. An unreachable one (5xx, timeout,
connection error) should mean "disallow all for now"; we allow and log a warning instead, so that one
flaky robots.txt does not silence an outlet for a whole run.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from urllib.parse import urlsplit

from protego import Protego

from monitor.models import FetchResult

log = logging.getLogger(__name__)

MAX_ROBOTS_BYTES = 500 * 1024  # RFC 9309: parse at least 500 KiB; the rest of a larger file is ignored

RobotsGetter = Callable[[str], FetchResult]


class RobotsCache:
    """Answers "may we fetch this URL?" and "what Crawl-delay applies?" per origin, thread-safely."""

    def __init__(self, user_agent: str, get: RobotsGetter) -> None:
        self._user_agent = user_agent
        self._get = get
        self._rules: dict[str, Protego | None] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def allowed(self, url: str) -> bool:
        rules = self._rules_for(url)
        return rules is None or bool(rules.can_fetch(url, self._user_agent))

    def crawl_delay(self, url: str) -> float | None:
        """The Crawl-delay for our user agent at the URL's origin, or None if robots.txt gives none."""
        rules = self._rules_for(url)
        delay = rules.crawl_delay(self._user_agent) if rules is not None else None
        return float(delay) if delay is not None else None

    def _rules_for(self, url: str) -> Protego | None:
        origin = _origin(url)
        with self._guard:
            if origin in self._rules:
                return self._rules[origin]
            lock = self._locks.setdefault(origin, threading.Lock())
        with lock:  # one fetch per origin; other threads wait for it, then read the cache
            with self._guard:
                if origin in self._rules:
                    return self._rules[origin]
            rules = self._load(origin)
            with self._guard:
                self._rules[origin] = rules
            return rules

    def _load(self, origin: str) -> Protego | None:
        robots_url = f"{origin}/robots.txt"
        result = self._get(robots_url)
        if result.error is None:
            return _parse(robots_url, result.content)
        if result.status is not None and 400 <= result.status < 500:
            log.debug("%s: %s, so everything is allowed", robots_url, result.error)
        else:
            log.warning("%s: %s; allowing all URLs of this host for this run", robots_url, result.error)
        return None


def _parse(robots_url: str, content: bytes) -> Protego | None:
    if len(content) > MAX_ROBOTS_BYTES:
        log.warning("%s: %d bytes; reading the first %d only", robots_url, len(content), MAX_ROBOTS_BYTES)
        content = content[: content.rfind(b"\n", 0, MAX_ROBOTS_BYTES) + 1 or MAX_ROBOTS_BYTES]
    try:
        return Protego.parse(content.decode("utf-8", "replace"))
    except Exception as exc:  # protego is lenient; a crash here must not stop the fetch
        log.warning("%s: cannot parse robots.txt (%s); allowing all URLs of this host", robots_url, exc)
        return None


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"
