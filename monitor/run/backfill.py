"""backfill: back issues into the store — WARC files, folders of saved pages, files of URLs.

    monitor backfill crawl.warc.gz saved/ urls.txt --workers 2

Pages go through the one ingest path of `monitor run` (run.ingest: extract_decoded, Analyzer, ingest)
into the same store, so a launch found in a 2019 WARC becomes a queue item like one found this
morning — marked backfill when the page is older than [run] backfill_days, as a first run marks its
old items: queued after today's and left out of the digest (monitor.run.freshness).

The work is split by role: the parent reads the sources, skips the pages already stored and does every
write (ingest); the workers — a local process pool, or the workers of a Dask cluster — do the CPU-bound
part (decode_html, extract_decoded, Analyzer.analyze, zlib of the page), a batch of pages per task. Each
article is written in its own transaction, keyed by canonical URL and content hash, so a backfill
that is killed and started again skips what it stored and stores nothing twice.

With `only_matching` (`--only-matching`) a worker first asks the prefilter (run.prefilter) whether the
page can name a center at all: the page is decoded once, its visible text scanned with the lexicon, and
a page without a center term is counted (per outlet and reason) and left out; the others go the same
full way into the store, so the events found are those of a full backfill.
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import importlib
import logging
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Protocol
from urllib.parse import urlsplit

from monitor.errors import ConfigError
from monitor.fetch.encoding import decode_html
from monitor.match.lexicon import Lexicon
from monitor.models import Article, Config, FeedEntry, FetchSettings, Outlet, RunSettings
from monitor.run.archive import Page, read_sources, source_kind
from monitor.run.freshness import is_backfill
from monitor.run.ingest import NO_ARTICLE, Analysis, Analyzer, IngestCounts, NewArticle, extract_decoded, ingest, today
from monitor.run.prefilter import skip_reason
from monitor.store.articles import PackedPage, pack_page
from monitor.store.database import Store

log = logging.getLogger(__name__)

BATCH = 8  # pages per task: enough to make the cost of shipping a task small
PREFILTER_BATCH = 32  # pages per task with the prefilter, where most pages cost ~2 ms: more to a task


# -- what flows: pages in, outcomes back ----------------------------------------------------------


@dataclass(frozen=True)
class Job:
    """What a worker gets for one page."""

    url: str
    raw: bytes
    content_type: str | None
    province: str | None


@dataclass(frozen=True)
class Outcome:
    """What a worker sends back for one page: the article, its analysis and the page's bytes packed for the
    store (zlib, here rather than in the parent, which does every write); `skipped` says why the prefilter
    left the page out (--only-matching), and `prefilter_seconds` what deciding it took."""

    url: str
    article: Article | None
    encoding: str | None
    analysis: Analysis | None
    extract_seconds: float
    analyze_seconds: float
    skipped: str | None = None
    prefilter_seconds: float = 0.0
    page: PackedPage | None = None  # the page's bytes packed for the store, by the worker


@dataclass
class BackfillSummary(IngestCounts):
    """What a backfill did: pages read, skipped as known, failed, and (IngestCounts) the articles stored."""

    pages: int = 0
    skipped: int = 0
    failed: int = 0
    filtered: int = 0
    backfill: int = 0  # articles older than [run] backfill_days: their launches are queued marked backfill
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=lambda: dict.fromkeys(("read", "prefilter", "extract",
                                                                             "analyze", "store"), 0.0))
    failures: list[tuple[str, str]] = field(default_factory=list)
    filtered_by: dict[tuple[str, str], int] = field(default_factory=dict)
    max_failures_kept: int = 100

    def fail(self, url: str, reason: str) -> None:
        self.failed += 1
        if len(self.failures) < self.max_failures_kept:
            self.failures.append((url, reason))

    def filter(self, outlet: str | None, reason: str) -> None:
        """One page left out by the prefilter (--only-matching), counted under its outlet ("" for none)."""
        self.filtered += 1
        key = (outlet or "", reason)
        self.filtered_by[key] = self.filtered_by.get(key, 0) + 1

    def left_out(self) -> dict[str, list[tuple[str, int]]]:
        """The pages left out by the prefilter: {reason: [(outlet or "", pages)], most pages first}."""
        grouped: dict[str, list[tuple[str, int]]] = {}
        for (outlet, reason), count in sorted(self.filtered_by.items(), key=lambda entry: (-entry[1], entry[0])):
            grouped.setdefault(reason, []).append((outlet, count))
        return grouped


# -- the worker side ------------------------------------------------------------------------------

_ANALYZERS: dict[str, Analyzer] = {}


def worker_analyzer(lexicon: Lexicon) -> Analyzer:
    """The analyzer of `lexicon`, built once per worker process (or thread) and lexicon version."""
    analyzer = _ANALYZERS.get(lexicon.version)
    if analyzer is None:
        analyzer = _ANALYZERS[lexicon.version] = Analyzer(lexicon=lexicon)
    return analyzer


_WARM_TEXT = ("本报讯（记者 王明）3月5日上午，洛阳国际传播中心在洛阳市揭牌成立。中心由洛阳日报社与洛阳师范学院"
              "共同建设，洛阳市委宣传部部长出席仪式。")


def warm_worker(lexicon: Lexicon) -> None:
    """Load the lexicon, jieba and the spaCy pipeline before the first page (process pool initializer):
    one launch report through every stage."""
    logging.getLogger("jieba").setLevel(logging.WARNING)
    worker_analyzer(lexicon).analyze(Article("http://warm.invalid/", None, _WARM_TEXT, dt.date(2025, 3, 5)))


def process(jobs: Sequence[Job], lexicon: Lexicon, only_matching: bool = False) -> list[Outcome]:
    """Decode, extract, normalize, match and detect events for a batch of pages (runs on a worker); with
    `only_matching`, the prefilter first leaves out the pages that cannot name a center."""
    analyzer = worker_analyzer(lexicon)
    return [_process_one(job, analyzer, only_matching) for job in jobs]


def _process_one(job: Job, analyzer: Analyzer, only_matching: bool) -> Outcome:
    started = time.perf_counter()
    decoded = decode_html(job.raw, job.content_type)  # once: for the prefilter and for extraction
    reason = _prefilter(job.url, decoded.text, analyzer) if only_matching else None
    filtered = time.perf_counter() if only_matching else started  # decoding counts as the prefilter's then
    if reason is not None:
        return Outcome(job.url, None, decoded.encoding, None, 0.0, 0.0, reason, filtered - started)
    article = extract_decoded(decoded, job.url, FeedEntry(job.url))
    extracted = time.perf_counter()
    if article is None:
        return Outcome(job.url, None, decoded.encoding, None, extracted - filtered, 0.0, None, filtered - started)
    analysis = analyzer.analyze(article, job.province)
    return Outcome(job.url, article, decoded.encoding, analysis, extracted - filtered,
                   time.perf_counter() - extracted, None, filtered - started, pack_page(job.raw))


def _prefilter(url: str, html: str, analyzer: Analyzer) -> str | None:
    """The prefilter's reason to leave the page out, or None; a page it fails on goes the full way."""
    try:
        return skip_reason(html, analyzer.matcher)
    except Exception:  # one strange page never stops a backfill, nor loses an event
        log.warning("prefilter failed on %s; the page goes the full way", url, exc_info=True)
        return None


# -- executors: in process, a local process pool, a Dask cluster ----------------------------------


class Executor(Protocol):
    """Runs `process` on batches; results come back as they finish (any order)."""

    def results(self, batches: Iterator[list[Job]]) -> Iterator[tuple[list[Job], list[Outcome]]]: ...

    def close(self) -> None: ...


class SerialExecutor:
    """Everything in this process, one batch after another (--workers 0)."""

    def __init__(self, lexicon: Lexicon, only_matching: bool = False) -> None:
        self.lexicon = lexicon
        self.only_matching = only_matching

    def results(self, batches: Iterator[list[Job]]) -> Iterator[tuple[list[Job], list[Outcome]]]:
        for batch in batches:
            yield batch, process(batch, self.lexicon, self.only_matching)

    def close(self) -> None:
        """Nothing to release."""


class PoolExecutor:
    """A local pool of `workers` processes (spawned: safe beside the parent's threads)."""

    def __init__(self, lexicon: Lexicon, workers: int, only_matching: bool = False) -> None:
        self.lexicon = lexicon
        self.workers = workers
        self.only_matching = only_matching
        self.pool = cf.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                           initializer=warm_worker, initargs=(lexicon,))

    def ready(self) -> None:
        """Wait until every worker is up and warm (for timings that leave start-up out)."""
        cf.wait([self.pool.submit(time.sleep, 0.5) for _ in range(self.workers)])

    def results(self, batches: Iterator[list[Job]]) -> Iterator[tuple[list[Job], list[Outcome]]]:
        return bounded_results(batches, lambda b: self.pool.submit(process, b, self.lexicon, self.only_matching),
                        lambda pending: cf.wait(pending, return_when=cf.FIRST_COMPLETED)[0],
                        window=2 * self.workers)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


class DaskExecutor:
    """The workers of a Dask distributed cluster (`--scheduler tcp://host:8786`). The lexicon is sent
    to every worker once; pages travel with their tasks."""

    def __init__(self, lexicon: Lexicon, scheduler: str | Any, only_matching: bool = False) -> None:
        self.distributed: Any = importlib.import_module("distributed")  # imported only when asked for
        self.only_matching = only_matching
        self.client: Any = self.distributed.Client(scheduler, set_as_default=False)
        self.lexicon = self.client.scatter(lexicon, broadcast=True)
        self.window = 2 * max(1, sum(self.client.nthreads().values()))

    def results(self, batches: Iterator[list[Job]]) -> Iterator[tuple[list[Job], list[Outcome]]]:
        finished = self.distributed.as_completed(loop=self.client.loop)

        def submit(batch: list[Job]) -> Any:
            future = self.client.submit(process, batch, self.lexicon, self.only_matching, pure=False)
            finished.add(future)
            return future

        return bounded_results(batches, submit, lambda pending: {next(finished)}, window=self.window)

    def close(self) -> None:
        self.client.close()


def bounded_results(batches: Iterator[list[Job]], submit: Callable[[list[Job]], Any],
                    wait_some: Callable[[set[Any]], set[Any]], window: int) -> Iterator[tuple[list[Job], Any]]:
    """Each batch submitted (a future back), at most `window` in flight; (batch, the future's result) as
    soon as it is there, in any order. Memory stays bounded however long `batches` is."""
    in_flight: dict[Any, list[Job]] = {}
    for batch in batches:
        in_flight[submit(batch)] = batch
        while len(in_flight) >= window:
            yield from _collect(in_flight, wait_some)
    while in_flight:
        yield from _collect(in_flight, wait_some)


def _collect(in_flight: dict[Any, list[Job]],
             wait_some: Callable[[set[Any]], set[Any]]) -> Iterator[tuple[list[Job], Any]]:
    for future in wait_some(set(in_flight)):
        yield in_flight.pop(future), future.result()


def make_executor(lexicon: Lexicon, workers: int, scheduler: str | None = None,
                  only_matching: bool = False) -> Executor:
    """Dask when a scheduler is given, else a local pool of `workers` processes (0: in this process);
    `only_matching`: the prefilter runs first on every page."""
    if scheduler:
        return DaskExecutor(lexicon, scheduler, only_matching)
    if workers <= 0:
        return SerialExecutor(lexicon, only_matching)
    return PoolExecutor(lexicon, workers, only_matching)


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


# -- outlets --------------------------------------------------------------------------------------


class Outlets:
    """Which outlet of feeds.toml a page belongs to: the outlet whose feed, list page or homepage shares
    the page's host and the longest folder of its path; else the one outlet of the host or of a parent
    domain (news.example.cn → example.cn); else none (stored without an outlet)."""

    def __init__(self, config: Config | None, forced: str | None = None) -> None:
        self.by_host: dict[str, list[tuple[str, Outlet]]] = {}
        for outlet in config.outlets if config else ():
            for url in (*outlet.feeds, *(p.url for p in outlet.pages), outlet.homepage or ""):
                parts = urlsplit(url)
                if parts.hostname:
                    folder = parts.path[: parts.path.rfind("/") + 1] or "/"
                    self.by_host.setdefault(parts.hostname.lower(), []).append((folder, outlet))
        for entries in self.by_host.values():
            entries.sort(key=lambda entry: -len(entry[0]))
        self.forced = self._named(config, forced) if forced else None

    @staticmethod
    def _named(config: Config | None, name: str) -> Outlet:
        found = [o for o in config.outlets if o.name == name] if config else []
        if not found:
            where = config.path if config else "no --config given"
            raise ConfigError(f"--outlet {name!r}: no outlet of that name ({where}); check the name in feeds.toml")
        return found[0]

    def of(self, url: str) -> Outlet | None:
        if self.forced is not None:
            return self.forced
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        for folder, outlet in self.by_host.get(host, ()):
            if folder != "/" and parts.path.startswith(folder):
                return outlet
        while host:
            outlets = {id(o): o for _, o in self.by_host.get(host, ())}
            if len(outlets) == 1:
                return next(iter(outlets.values()))
            host = host.partition(".")[2] if host.count(".") > 1 else ""
        return None


# -- the parent: read, skip, dispatch, store ------------------------------------------------------


class Backfill:
    """One backfill into `store`; `progress` is called with the summary after every batch."""

    def __init__(self, store: Store, lexicon: Lexicon, executor: Executor, outlets: Outlets | None = None,
                 progress: Callable[[BackfillSummary], None] | None = None, batch: int = BATCH,
                 backfill_days: int = RunSettings().backfill_days) -> None:
        self.store = store
        self.lexicon = lexicon
        self.executor = executor
        self.outlets = outlets or Outlets(None)
        self.progress = progress or (lambda summary: None)
        self.batch = batch
        self.backfill_days = backfill_days
        self.summary = BackfillSummary()
        self._sources: dict[str, str] = {}

    def run(self, pages: Iterable[Page]) -> BackfillSummary:
        started = time.monotonic()
        try:
            for jobs, outcomes in self.executor.results(self._batches(iter(pages))):
                self._store_batch(jobs, outcomes)
                self.progress(self.summary)
        finally:
            self.summary.seconds = round(time.monotonic() - started, 3)
        return self.summary

    def _batches(self, pages: Iterator[Page]) -> Iterator[list[Job]]:
        """Batches of jobs for the pages not yet stored; failed reads are recorded here."""
        while True:
            read_started = time.perf_counter()
            chunk = list(islice(pages, self.batch))
            self.summary.stages["read"] += time.perf_counter() - read_started
            if not chunk:
                return
            jobs = self._jobs(chunk)
            if jobs:
                yield jobs
            else:
                self.progress(self.summary)

    def _jobs(self, chunk: list[Page]) -> list[Job]:
        self.summary.pages += len(chunk)
        known = self.store.known_article_urls([p.url for p in chunk if p.error is None])
        jobs = []
        for page in chunk:
            if page.error is not None:
                self._fail(page.url, page.error)
            elif page.url in known:
                self.summary.skipped += 1
            else:
                self._sources[page.url] = page.source
                outlet = self.outlets.of(page.url)
                jobs.append(Job(page.url, page.raw, page.content_type, outlet.province if outlet else None))
        return jobs

    def _store_batch(self, jobs: list[Job], outcomes: list[Outcome]) -> None:
        started = time.perf_counter()
        for job, outcome in zip(jobs, outcomes, strict=True):
            self.summary.stages["prefilter"] += outcome.prefilter_seconds
            self.summary.stages["extract"] += outcome.extract_seconds
            self.summary.stages["analyze"] += outcome.analyze_seconds
            self._store_one(job, outcome, self._sources.pop(job.url, ""))
        self.summary.stages["store"] += time.perf_counter() - started

    def _store_one(self, job: Job, outcome: Outcome, source: str) -> None:
        if outcome.skipped is not None:
            outlet = self.outlets.of(job.url)
            self.summary.filter(outlet.name if outlet else None, outcome.skipped)
            return
        if outcome.article is None or outcome.analysis is None:
            self._fail(job.url, NO_ARTICLE)
            return
        # an archive's old reports are queued as backfill, as a first run's are: after today's, out of the digest
        old = is_backfill(FeedEntry(job.url), outcome.article, self.backfill_days, today())
        found = NewArticle(outcome.article, self.outlets.of(job.url), source, outcome.page or job.raw,
                           outcome.encoding, old)
        self.summary.add(ingest(self.store, found, outcome.analysis, self.lexicon.version))
        self.summary.backfill += int(old)

    def _fail(self, url: str, reason: str) -> None:
        self.summary.fail(url, reason)
        self.store.record_failure(None, None, url, reason)
        log.warning("backfill: %s: %s", url, reason)


def backfill(store: Store, sources: Sequence[str], lexicon: Lexicon, *, workers: int = 0,
             scheduler: str | None = None, config: Config | None = None, outlet: str | None = None,
             base_url: str | None = None, progress: Callable[[BackfillSummary], None] | None = None,
             only_matching: bool = False) -> BackfillSummary:
    """Every page of `sources` into `store`; with `only_matching`, only the pages that name a center (see
    the module docstring)."""
    for source in sources:
        source_kind(source)
    outlets = Outlets(config, outlet)
    settings = config.fetch if config else FetchSettings()
    pages = read_sources(sources, base_url=base_url, settings=settings, known=store.known_article_urls)
    executor = make_executor(lexicon, workers, scheduler, only_matching)
    try:
        batch = PREFILTER_BATCH if only_matching else BATCH
        backfill_days = (config.run if config else RunSettings()).backfill_days
        return Backfill(store, lexicon, executor, outlets, progress, batch, backfill_days).run(pages)
    finally:
        executor.close()
