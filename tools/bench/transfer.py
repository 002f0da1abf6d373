"""Bytes on the wire: two `monitor run`s over the sample server, the second over unchanged sources.

The sample server of `make demo` (tools.demo.serve_samples: ETag and 304) is started with a handler that
counts every byte it writes (status line, headers and body). The second run should cost little: feeds
and list pages answer 304 to the conditional GET, and articles already stored are not fetched.
"""

from __future__ import annotations

import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from monitor.run.daily import run
from monitor.sources.config import load_config
from monitor.store.database import Store
from tools.demo import SampleHandler, sample_config, serve_samples


class _Counter:
    def __init__(self) -> None:
        self.bytes = 0
        self.requests = 0
        self.lock = threading.Lock()

    def add(self, count: int) -> None:
        with self.lock:
            self.bytes += count


class _CountingWriter:
    """The handler's wfile, counting what goes through it."""

    def __init__(self, inner: Any, counter: _Counter) -> None:
        self.inner = inner
        self.counter = counter

    def write(self, data: bytes) -> int:
        self.counter.add(len(data))
        return int(self.inner.write(data))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class CountingHandler(SampleHandler):
    """The sample handler, counting the requests and every byte written to `counter`."""

    def __init__(self, *args: Any, counter: _Counter, **kwargs: Any) -> None:
        self.counter = counter
        super().__init__(*args, **kwargs)

    def setup(self) -> None:
        super().setup()
        self.wfile = _CountingWriter(self.wfile, self.counter)  # type: ignore[assignment]
        with self.counter.lock:
            self.counter.requests += 1


@dataclass(frozen=True)
class Transfer:
    first_bytes: int
    second_bytes: int
    first_requests: int
    second_requests: int
    first_articles: int
    second_articles: int

    @property
    def ratio(self) -> float:
        return self.second_bytes / self.first_bytes if self.first_bytes else 0.0


def measure_transfer() -> Transfer:
    """Two runs of the daily job over the samples into one fresh database; bytes sent for each."""
    counter = _Counter()
    with serve_samples(handler=CountingHandler, counter=counter) as base, tempfile.TemporaryDirectory() as tmp:
        config = load_config(sample_config(base, Path(tmp) / "feeds.toml"))
        store = Store.open(Path(tmp) / "transfer.db")
        try:
            first = run(config, store)
            first_bytes, first_requests = counter.bytes, counter.requests
            second = run(config, store)
        finally:
            store.close()
    return Transfer(first_bytes, counter.bytes - first_bytes, first_requests, counter.requests - first_requests,
                    first.articles_new, second.articles_new)
