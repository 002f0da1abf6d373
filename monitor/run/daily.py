"""daily: `monitor run` — every source of the config once, new articles fetched, analysed and stored.

Fetching and extraction run in a thread pool (run.sources); analysis and every write happen on the
calling thread through the one ingest path (run.ingest), one short transaction per source or article,
so a run that is killed loses only the article in flight and a rerun picks up where it stopped.

A run reports what it does as events (`RunObserver`: the JSON-lines log and the progress bar listen)
and may have a deadline: when it passes, the pending fetches are cancelled, what was stored stays,
and the run ends with status "deadline". A signal (KeyboardInterrupt, SystemExit) and a full disk
(DiskFullError, raised on) stop it the same way: the fetches in flight are cancelled (run.stop).
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from monitor.fetch.client import ROBOTS_DISALLOWED, Fetcher
from monitor.models import Config, RunStatus
from monitor.run.freshness import is_backfill, iso_day
from monitor.run.ingest import Analysis, Analyzer, IngestCounts, Ingested, NewArticle, ingest, today
from monitor.run.runlog import RunObserver
from monitor.run.sources import (
    NO_QUERIES,
    ArticleResult,
    SourceJob,
    SourcePlan,
    SourceRecord,
    SourceResult,
    fetch_article,
    fetch_source,
    source_jobs,
)
from monitor.run.stop import RunDeadline, end_pool, stop_at_deadline, unless_disk_full
from monitor.store import runs
from monitor.store.database import Store

log = logging.getLogger(__name__)


@dataclass
class RunSummary(IngestCounts):
    """What one run did: its sources and pages, and (IngestCounts) the articles it stored."""

    run_id: int = 0
    status: RunStatus = "running"
    sources: int = 0
    sources_failed: int = 0
    not_modified: int = 0
    articles_fetched: int = 0
    articles_failed: int = 0
    articles_skipped: int = 0
    backfill: int = 0  # articles stored as backfill: older than the first-run window ([run] backfill_days)
    seconds: float = 0.0
    failures: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def articles_new(self) -> int:
        return self.stored

    def counts(self) -> dict[str, int]:
        """The counts kept with the run (the `runs` row, the log's summary event)."""
        return {"sources": self.sources, "sources_failed": self.sources_failed, "not_modified": self.not_modified,
                "articles_fetched": self.articles_fetched, "articles_failed": self.articles_failed,
                "articles_skipped": self.articles_skipped, "articles_new": self.articles_new,
                "matched": self.matched, "events": self.events, "new_items": self.new_items,
                "backfill": self.backfill}


@dataclass
class _OpenSource:
    """A source whose new articles are still being fetched."""

    result: SourceResult
    remaining: int
    failed: bool = False


class Runner:
    """One `monitor run`: every source once, new articles fetched, analysed and stored.

    `max_seconds` is the run's deadline, counted from the start of `run()`; `observe` is told of every
    step (see `RunObserver`); `log_path` is kept in the run's row of the `runs` table.
    """

    def __init__(self, config: Config, store: Store, analyzer: Analyzer, fetcher: Fetcher, *,
                 observe: RunObserver | None = None, max_seconds: float | None = None,
                 log_path: str | None = None) -> None:
        self.config = config
        self.store = store
        self.analyzer = analyzer
        self.fetcher = fetcher
        self.observe: RunObserver = observe or (lambda name, fields: None)
        self.max_seconds = max_seconds
        self.log_path = log_path
        self.summary = RunSummary()
        self._deadline = RunDeadline(max_seconds)
        self._open_sources: dict[tuple[str, str], _OpenSource] = {}
        self._plan = SourcePlan.for_run(config, store, analyzer.matcher.lexicon)

    def run(self) -> RunSummary:
        started = time.monotonic()
        self._deadline.start()
        self.summary.run_id = self.store.start_run()
        self.summary.status = "failed"
        try:
            self.summary.status = "completed" if self._run_all() else "deadline"
        except (KeyboardInterrupt, SystemExit):
            self.summary.status = "interrupted"
            raise
        finally:
            self.summary.seconds = round(time.monotonic() - started, 2)
            self._finish()
        return self.summary

    def _finish(self) -> None:
        summary = self.summary
        with unless_disk_full(summary.status == "failed", summary.run_id):  # "failed": an error is on its way
            self.store.finish_run(summary.run_id, summary.status, summary.counts())
            record_run_counts(self.store, summary, self.log_path)
        self.observe("summary", {"run_id": summary.run_id, "status": summary.status,
                                 "seconds": summary.seconds, **summary.counts()})

    # -- the pool: sources, then their new articles, until done or the deadline ------------------

    def _run_all(self) -> bool:
        """Every source and its new articles; False when the deadline stopped the run early."""
        pool = cf.ThreadPoolExecutor(max_workers=max(1, self.config.fetch.workers))
        pending: set[cf.Future[Any]] = set()
        try:
            pending = self._submit_sources(pool)
            while pending:
                done, pending = cf.wait(pending, timeout=self._deadline.remaining(), return_when=cf.FIRST_COMPLETED)
                for future in done:
                    pending |= self._handle(pool, future.result())
                if pending and self._deadline.passed():
                    stop_at_deadline(pending, self._deadline, self.observe)
                    return False
            return True
        finally:
            end_pool(pool, self.fetcher, pending)  # stopped early (deadline, signal, full disk): cancels them

    def _submit_sources(self, pool: cf.ThreadPoolExecutor) -> set[cf.Future[Any]]:
        jobs = source_jobs(self.config)
        self.summary.sources = len(jobs)
        self.observe("run_started", {"run_id": self.summary.run_id, "sources": len(jobs),
                                     "max_seconds": self.max_seconds})
        return {future for job in jobs for future in self._submit_parts(pool, job)}

    def _submit_parts(self, pool: cf.ThreadPoolExecutor, job: SourceJob) -> set[cf.Future[Any]]:
        """The first fetches of a configured source (a query source: one per query)."""
        parts = self._plan.first_parts(job)
        if not parts:
            self._record_source(SourceRecord.failed(job, NO_QUERIES))
            self._fail(job.outlet.name, job.url, NO_QUERIES, "source_failed")
        return {self._submit_fetch(pool, part) for part in parts}

    def _submit_fetch(self, pool: cf.ThreadPoolExecutor, job: SourceJob) -> cf.Future[Any]:
        return pool.submit(fetch_source, self.fetcher, job, self.store.validators(job.url))

    def _handle(self, pool: cf.ThreadPoolExecutor, result: SourceResult | ArticleResult) -> set[cf.Future[Any]]:
        if isinstance(result, SourceResult):
            return self._handle_source(pool, result)
        self.store_article(result)
        self._article_done(result)
        return set()

    # -- a source: recorded, its new entries submitted ---------------------------------------------

    def _handle_source(self, pool: cf.ThreadPoolExecutor, result: SourceResult) -> set[cf.Future[Any]]:
        job = result.job
        more = {self._submit_fetch(pool, part) for part in self._plan.more(result)}
        record = self._plan.tally.done(result)
        if record is not None:
            self._record_source(record)
        for problem in result.problems:
            self._fail(job.outlet.name, job.url, problem, "source_problem")
        if result.error:
            self._fail(job.outlet.name, job.url, result.error, "source_failed")
            return more
        if result.not_modified:
            self._remember_validators(result)
            self.summary.not_modified += 1
            self._source_fetched(result, 0, 0)
            return more
        entries = self._plan.new_entries(result)
        known = self.store.known_article_urls([e.url for e in entries])
        fresh = [e for e in entries if e.url not in known]
        self._source_fetched(result, len(entries), len(fresh))
        if not fresh:
            self._remember_validators(result)
        else:
            self._open_sources[(job.outlet.name, job.url)] = _OpenSource(result, len(fresh))
        return more | {pool.submit(fetch_article, self.fetcher, self._plan.outlet_for(job, e), job.url, e,
                                   job.outlet.name) for e in fresh}

    def _record_source(self, record: SourceRecord) -> None:
        """The row of a configured source in `sources` (all its parts in); a failed one counts as failed."""
        self.store.record_source(record.url, record.outlet, record.kind, record.error, record.items,
                                 record.final_url, record.permanent_redirect, iso_day(record.newest))
        if record.error:
            self.summary.sources_failed += 1

    def _article_done(self, result: ArticleResult) -> None:
        """Once every new article of a source is stored, keep its ETag / Last-Modified for the next run.

        Kept earlier, a run killed (or stopped by its deadline) halfway would leave the rest of the feed's
        articles behind for good: the next run's conditional GET gets 304 and never sees them. A source one
        of whose articles failed keeps no validators either, so that the next run tries that article again.
        """
        key = (result.source_outlet or result.outlet.name, result.source_url)
        source = self._open_sources.get(key)
        if source is None:
            return
        source.remaining -= 1
        source.failed |= result.article is None and result.error != ROBOTS_DISALLOWED
        if source.remaining <= 0:
            del self._open_sources[key]
            if not source.failed:
                self._remember_validators(source.result)

    def _remember_validators(self, result: SourceResult) -> None:
        if not result.keep_validators:  # a sitemap index: read whole every run, since its sitemaps change
            return
        self.store.remember_url(result.job.url, result.status, None, result.etag, result.last_modified)

    def _source_fetched(self, result: SourceResult, items: int, fresh: int) -> None:
        job = result.job
        self.observe("source_fetched", {
            "outlet": job.outlet.name, "url": job.url, "kind": job.kind, "status": result.status,
            "not_modified": result.not_modified, "items": items, "new": fresh,
            "final_url": result.final_url if result.final_url != job.url else None,
            "permanent_redirect": result.permanent_redirect})

    # -- an article: skipped, failed, or analysed and stored ---------------------------------------

    def store_article(self, result: ArticleResult) -> None:
        """Analyse and store one fetched page through the ingest path, counting it in the summary."""
        if result.error == ROBOTS_DISALLOWED:
            self.summary.articles_skipped += 1
            self.store.remember_url(result.entry.url, result.status, result.error)
            self.observe("article_skipped", {"outlet": result.outlet.name, "url": result.entry.url,
                                             "reason": result.error})
            return
        if result.article is None:
            self.summary.articles_failed += 1
            self._fail(result.outlet.name, result.entry.url, result.error or "unknown error", "article_failed")
            return
        self.summary.articles_fetched += 1
        analysis = self.analyzer.analyze(result.article, result.outlet.province)
        backfill = is_backfill(result.entry, result.article, self.config.run.backfill_days, today())
        found = NewArticle(result.article, result.outlet, result.source_url, result.raw, result.encoding, backfill)
        stored = ingest(self.store, found, analysis, self.analyzer.lexicon_version)
        self.summary.add(stored)
        self.summary.backfill += int(backfill)
        self._article_stored(result, stored, analysis, backfill)

    def _article_stored(self, result: ArticleResult, stored: Ingested, analysis: Analysis, backfill: bool) -> None:
        url = result.article.url if result.article else result.entry.url
        self.observe("article_stored", {"outlet": result.outlet.name, "url": url, "article_id": stored.article_id,
                                        "matched": stored.matched, "events": stored.events,
                                        "new_items": stored.new_items, "backfill": backfill})
        for event in analysis.events:
            self.observe("event_found", {"url": url, **event.to_contract()})

    def _fail(self, outlet: str, url: str, reason: str, event: str) -> None:
        self.summary.failures.append((outlet, url, reason))
        self.store.record_failure(self.summary.run_id, outlet, url, reason)
        self.observe(event, {"outlet": outlet, "url": url, "reason": reason})
        log.warning("%s: %s: %s", outlet, url, reason)


def record_run_counts(store: Store, summary: RunSummary, log_path: str | None = None) -> None:
    """The run's counts in their own columns of `runs` (schema v3), for SQL and `monitor sources health`."""
    runs.record_counts(store, summary.run_id, {
        "sources": summary.sources, "fetched": summary.articles_fetched, "not_modified": summary.not_modified,
        "failed": summary.sources_failed + summary.articles_failed, "articles_new": summary.articles_new,
        "matches": summary.matched, "new_items": summary.new_items, "sources_failed": summary.sources_failed,
        "events": summary.events}, log_path)


def run(config: Config, store: Store, *, lexicon_dir: str | None = None, observe: RunObserver | None = None,
        max_seconds: float | None = None, log_path: str | None = None) -> RunSummary:
    """The daily job: every outlet of `config` once, into `store`; see `Runner` for the options."""
    analyzer = Analyzer(lexicon_dir)
    with Fetcher(config.fetch) as fetcher:
        return Runner(config, store, analyzer, fetcher, observe=observe, max_seconds=max_seconds,
                      log_path=log_path).run()
