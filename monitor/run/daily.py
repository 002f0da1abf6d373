"""pipeline: the stages wired together — `monitor run` (outlets → store) and `monitor extract`.

Fetching and extraction run in a thread pool; analysis (lexicon, events) and every write happen
on the calling thread, one short transaction per source or article, so a run that is killed
loses only the article in flight and a rerun picks up where it stopped.

A run reports what it does as events (`RunObserver`: the JSON-lines log and the progress bar listen)
and may have a deadline: when it passes, the pending fetches are cancelled, what was stored stays,
and the run ends with status "deadline".
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from monitor.events.detect import detect_events
from monitor.events.keys import center_key
from monitor.events.places import Gazetteer
from monitor.extract import extract_article
from monitor.fetch.client import ROBOTS_DISALLOWED, Fetcher
from monitor.fetch.encoding import decode_feed, decode_html, not_text
from monitor.match.lexicon import Lexicon, LexiconMatcher, default_matcher, matcher_for
from monitor.models import Article, Config, Event, FeedEntry, Hit, NormalizedText, Outlet
from monitor.normalize import simplify, with_sentences
from monitor.run.runlog import RunObserver
from monitor.sources.feeds import parse_feed, parse_list_page
from monitor.store.database import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Analysis:
    normalized: NormalizedText
    hits: list[Hit]
    events: list[Event]


class Analyzer:
    """normalize → match → events, with the lexicon and gazetteer loaded once."""

    def __init__(self, lexicon_dir: str | None = None, lexicon: Lexicon | None = None) -> None:
        """The lexicon of `lexicon_dir` (see lexicon.lexicon_dir), or `lexicon` as given (backfill ships
        it to workers that may not have the folder)."""
        self.matcher: LexiconMatcher = matcher_for(lexicon) if lexicon is not None else default_matcher(lexicon_dir)
        self.gazetteer = Gazetteer.default()

    @property
    def lexicon_version(self) -> str:
        return self.matcher.lexicon.version

    def analyze(self, article: Article, province_hint: str | None = None) -> Analysis:
        normalized = simplify(article.text)  # sentences only for the few articles that name a center
        hits = self.matcher.scan(normalized)
        if not any(h.category == "center" for h in hits):
            return Analysis(normalized, hits, [])
        normalized = with_sentences(normalized)
        try:
            events = detect_events(article.url, article.title, normalized, hits, article.published,
                                   province_hint, self.gazetteer)
        except Exception:  # a bug met by one article must not stop a run: it is logged and skipped
            log.exception("event detection failed on %s; the article is kept without events", article.url)
            events = []
        return Analysis(normalized, hits, events)


# -- monitor extract ------------------------------------------------------------------------------


class RecordError(ValueError):
    """One input line of `monitor extract` is unusable."""


def article_from_record(record: dict[str, Any]) -> Article | None:
    """A contract input line → Article (html is extracted; title/published fill the gaps)."""
    url = record.get("url")
    if not isinstance(url, str) or not url:
        raise RecordError("key 'url' is missing or not a string")
    published = _parse_day(record.get("published"))
    title = record.get("title") if isinstance(record.get("title"), str) else None
    if isinstance(record.get("text"), str) and record["text"].strip():
        return Article(url, title, record["text"], published)
    if isinstance(record.get("html"), str) and record["html"].strip():
        entry = FeedEntry(url, title, _as_datetime(published))
        article = extract_article(record["html"], url, entry)
        if article is None:
            return None
        return Article(url, article.title or title, article.text, published or article.published)
    raise RecordError("needs a non-empty 'text' or 'html'")


def _parse_day(value: object) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        raise RecordError(f"key 'published' must be YYYY-MM-DD, not {value!r}") from exc


def _as_datetime(day: dt.date | None) -> dt.datetime | None:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC) if day else None


def extract_lines(lines: Iterable[str], analyzer: Analyzer,
                  on_error: Callable[[int, str], None]) -> Iterator[Event]:
    """Events of every JSON line; a bad line is reported through on_error and skipped."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise RecordError("each line must be a JSON object")
            article = article_from_record(record)
        except (json.JSONDecodeError, RecordError) as exc:
            on_error(number, str(exc))
            continue
        if article is not None:
            yield from analyzer.analyze(article).events


# -- monitor run ----------------------------------------------------------------------------------


COMPLETED, DEADLINE, FAILED, INTERRUPTED = "completed", "deadline", "failed", "interrupted"


@dataclass
class RunSummary:
    run_id: int = 0
    status: str = "running"
    sources: int = 0
    sources_failed: int = 0
    not_modified: int = 0
    articles_fetched: int = 0
    articles_failed: int = 0
    articles_skipped: int = 0
    articles_new: int = 0
    matched: int = 0
    events: int = 0
    new_items: int = 0
    seconds: float = 0.0
    failures: list[tuple[str, str, str]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {k: v for k, v in vars(self).items() if isinstance(v, int) and k != "run_id"}


@dataclass(frozen=True)
class SourceJob:
    outlet: Outlet
    url: str
    kind: str  # "feed" | "page"
    links: str | None = None


@dataclass(frozen=True)
class SourceResult:
    job: SourceJob
    entries: tuple[FeedEntry, ...]
    error: str | None
    status: int | None
    not_modified: bool
    etag: str | None
    last_modified: str | None
    final_url: str
    permanent_redirect: bool


@dataclass(frozen=True)
class ArticleResult:
    outlet: Outlet
    source_url: str
    entry: FeedEntry
    article: Article | None
    raw: bytes | None
    encoding: str | None
    error: str | None
    status: int | None


def source_jobs(config: Config) -> list[SourceJob]:
    jobs = [SourceJob(o, url, "feed") for o in config.outlets for url in o.feeds]
    jobs += [SourceJob(o, p.url, "page", p.links) for o in config.outlets for p in o.pages]
    return jobs


def fetch_source(fetcher: Fetcher, job: SourceJob, store_validators: Any) -> SourceResult:
    result = fetcher.fetch(job.url, store_validators)
    entries: tuple[FeedEntry, ...] = ()
    error = result.error
    if result.ok:
        entries, error = _entries_of(job, result.content, result.content_type, result.final_url)
    return SourceResult(job, entries, error, result.status, result.not_modified, result.etag,
                        result.last_modified, result.final_url, result.permanent_redirect)


def _entries_of(job: SourceJob, content: bytes, content_type: str | None,
                final_url: str) -> tuple[tuple[FeedEntry, ...], str | None]:
    if job.kind == "page":
        html = decode_html(content, content_type).text
        entries = parse_list_page(html, final_url, job.links or ".")
        return entries, None if entries else "no article links matched the pattern on the list page"
    feed = parse_feed(decode_feed(content, content_type).text, final_url)
    if feed.error and not feed.entries:
        return (), feed.error
    return feed.entries, None if feed.entries else "feed has no items"


def fetch_article(fetcher: Fetcher, outlet: Outlet, source_url: str, entry: FeedEntry) -> ArticleResult:
    result = fetcher.fetch(entry.url)
    if not result.ok:
        return ArticleResult(outlet, source_url, entry, None, None, None,
                             result.error or "not modified", result.status)
    return page_result(outlet, source_url, entry, result.content, result.content_type, result.final_url,
                       result.status)


def page_result(outlet: Outlet, source_url: str, entry: FeedEntry, raw: bytes, content_type: str | None,
                final_url: str, status: int | None = 200) -> ArticleResult:
    """Raw page bytes → decoded, extracted article (what a fetch, a WARC record or a saved file gives)."""
    binary = not_text(raw, content_type)  # a PDF or an image linked as an article: say so, store nothing
    if binary is not None:
        return ArticleResult(outlet, source_url, entry, None, None, None, binary, status)
    article, encoding = extract_page(raw, content_type, final_url, entry)
    error = None if article is not None else NO_ARTICLE
    return ArticleResult(outlet, source_url, entry, article, raw, encoding, error, status)


NO_ARTICLE = "no article text found in the page"


def extract_page(raw: bytes, content_type: str | None, final_url: str,
                 entry: FeedEntry) -> tuple[Article | None, str]:
    """The outlet-free core of page_result: (the article or None, the encoding the bytes were read in)."""
    decoded = decode_html(raw, content_type)
    try:
        article = extract_article(decoded.text, final_url, entry)
    except Exception as exc:  # one broken page never stops a run
        log.warning("extraction failed for %s: %s", entry.url, exc, exc_info=True)
        return None, decoded.encoding
    if article is None:
        return None, decoded.encoding
    return Article(article.url, article.title, article.text, article.published, article.canonical_url,
                   entry.url), decoded.encoding


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

    def __init__(self, config: Config, store: Store, analyzer: Analyzer, fetcher: Fetcher,
                 progress: Callable[[str], None] | None = None, *, observe: RunObserver | None = None,
                 max_seconds: float | None = None, log_path: str | None = None) -> None:
        self.config = config
        self.store = store
        self.analyzer = analyzer
        self.fetcher = fetcher
        self.progress = progress or (lambda message: None)
        self.observe: RunObserver = observe or (lambda name, fields: None)
        self.max_seconds = max_seconds
        self.log_path = log_path
        self.summary = RunSummary()
        self._deadline: float | None = None
        self._open_sources: dict[tuple[str, str], _OpenSource] = {}

    def run(self) -> RunSummary:
        started = time.monotonic()
        if self.max_seconds is not None:
            self._deadline = started + self.max_seconds
        self.summary.run_id = self.store.start_run()
        self.summary.status = FAILED
        try:
            self.summary.status = COMPLETED if self._run_all() else DEADLINE
        except (KeyboardInterrupt, SystemExit):
            self.summary.status = INTERRUPTED
            raise
        finally:
            self.summary.seconds = round(time.monotonic() - started, 2)
            self._finish()
        return self.summary

    def _finish(self) -> None:
        summary = self.summary
        self.store.finish_run(summary.run_id, summary.status, summary.counts())
        record_run_counts(self.store, summary, self.log_path)
        self.observe("summary", {"run_id": summary.run_id, "status": summary.status,
                                 "seconds": summary.seconds, **summary.counts()})

    def _run_all(self) -> bool:
        """Every source and its new articles; False when the deadline stopped the run early."""
        pool = cf.ThreadPoolExecutor(max_workers=max(1, self.config.fetch.workers))
        try:
            pending = self._submit_sources(pool)
            while pending:
                done, pending = cf.wait(pending, timeout=self._remaining(), return_when=cf.FIRST_COMPLETED)
                for future in done:
                    pending |= self._handle(pool, future.result())
                if pending and self._remaining() == 0.0:
                    self._stop_at_deadline(pending)
                    return False
            return True
        finally:
            pool.shutdown(wait=False, cancel_futures=True)

    def _submit_sources(self, pool: cf.ThreadPoolExecutor) -> set[cf.Future[Any]]:
        jobs = source_jobs(self.config)
        self.summary.sources = len(jobs)
        self.observe("run_started", {"run_id": self.summary.run_id, "sources": len(jobs),
                                     "max_seconds": self.max_seconds})
        return {pool.submit(fetch_source, self.fetcher, job, self.store.validators(job.url)) for job in jobs}

    def _remaining(self) -> float | None:
        """Seconds left before the deadline (0.0 once it has passed); None without a deadline."""
        if self._deadline is None:
            return None
        return max(0.0, self._deadline - time.monotonic())

    def _stop_at_deadline(self, pending: set[cf.Future[Any]]) -> None:
        cancelled = sum(future.cancel() for future in pending)
        log.warning("deadline of %gs reached: %d pending fetches cancelled, %d in flight abandoned",
                    self.max_seconds or 0, cancelled, len(pending) - cancelled)
        self.observe("deadline", {"max_seconds": self.max_seconds, "cancelled": cancelled,
                                  "abandoned": len(pending) - cancelled})

    def _handle(self, pool: cf.ThreadPoolExecutor, result: SourceResult | ArticleResult) -> set[cf.Future[Any]]:
        if isinstance(result, SourceResult):
            return self._handle_source(pool, result)
        self.store_article(result)
        self._article_done(result)
        return set()

    def _handle_source(self, pool: cf.ThreadPoolExecutor, result: SourceResult) -> set[cf.Future[Any]]:
        job = result.job
        self.store.record_source(job.url, job.outlet.name, job.kind, result.error,
                                 len(result.entries) if not result.not_modified else None,
                                 result.final_url, result.permanent_redirect)
        if result.error:
            self.summary.sources_failed += 1
            self._fail(job.outlet.name, job.url, result.error, "source_failed")
            return set()
        if result.not_modified:
            self._remember_validators(result)
            self.summary.not_modified += 1
            self.progress(f"{job.outlet.name}: not modified")
            self._source_fetched(result, 0, 0)
            return set()
        limit = self.config.fetch.max_articles_per_source
        entries = list(result.entries)[:limit]
        known = self.store.known_article_urls([e.url for e in entries])
        fresh = [e for e in entries if e.url not in known]
        self.progress(f"{job.outlet.name}: {len(entries)} items, {len(fresh)} new")
        self._source_fetched(result, len(entries), len(fresh))
        if not fresh:
            self._remember_validators(result)
        else:
            self._open_sources[(job.outlet.name, job.url)] = _OpenSource(result, len(fresh))
        return {pool.submit(fetch_article, self.fetcher, job.outlet, job.url, e) for e in fresh}

    def _article_done(self, result: ArticleResult) -> None:
        """Once every new article of a source is stored, keep its ETag / Last-Modified for the next run.

        Kept earlier, a run killed (or stopped by its deadline) halfway would leave the rest of the feed's
        articles behind for good: the next run's conditional GET gets 304 and never sees them. A source one
        of whose articles failed keeps no validators either, so that the next run tries that article again.
        """
        key = (result.outlet.name, result.source_url)
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
        self.store.remember_url(result.job.url, result.status, None, result.etag, result.last_modified)

    def _source_fetched(self, result: SourceResult, items: int, fresh: int) -> None:
        job = result.job
        self.observe("source_fetched", {
            "outlet": job.outlet.name, "url": job.url, "kind": job.kind, "status": result.status,
            "not_modified": result.not_modified, "items": items, "new": fresh,
            "final_url": result.final_url if result.final_url != job.url else None,
            "permanent_redirect": result.permanent_redirect})

    def store_article(self, result: ArticleResult) -> None:
        """Analyse and store one fetched (or otherwise obtained) page, counting it in the summary."""
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
        outlet = result.outlet
        analysis = self.analyzer.analyze(result.article, outlet.province)
        article_id, new_items = self.store.save_article(
            result.article, outlet=outlet.name, outlet_level=outlet.level, outlet_province=outlet.province,
            source_url=result.source_url, raw=result.raw, raw_encoding=result.encoding,
            lexicon_version=self.analyzer.lexicon_version, hits=analysis.hits, events=analysis.events,
            center_key=center_key)
        matched = any(h.category == "center" for h in analysis.hits)
        self.summary.articles_new += 1
        self.summary.matched += int(matched)
        self.summary.events += len(analysis.events)
        self.summary.new_items += new_items
        self._article_stored(result, article_id, matched, analysis.events, new_items)

    def _article_stored(self, result: ArticleResult, article_id: int, matched: bool, events: list[Event],
                        new_items: int) -> None:
        url = result.article.url if result.article else result.entry.url
        self.observe("article_stored", {"outlet": result.outlet.name, "url": url, "article_id": article_id,
                                        "matched": matched, "events": len(events), "new_items": new_items})
        for event in events:
            self.observe("event_found", {"url": url, **event.to_contract()})

    def _fail(self, outlet: str, url: str, reason: str, event: str) -> None:
        self.summary.failures.append((outlet, url, reason))
        self.store.record_failure(self.summary.run_id, outlet, url, reason)
        self.observe(event, {"outlet": outlet, "url": url, "reason": reason})
        log.warning("%s: %s: %s", outlet, url, reason)


def close_abandoned_runs(store: Store) -> int:
    """Mark "abandoned" the runs still "running" (their process was killed). Call it holding the run lock."""
    with store.transaction():
        return store.db.execute("UPDATE runs SET status = 'abandoned' WHERE status = 'running'").rowcount


def record_run_counts(store: Store, summary: RunSummary, log_path: str | None = None) -> None:
    """The run's counts in their own columns of `runs` (schema v3), for SQL and `monitor sources health`."""
    with store.transaction():
        store.db.execute(
            "UPDATE runs SET sources = ?, fetched = ?, not_modified = ?, failed = ?, articles_new = ?, "
            "matches = ?, new_items = ?, sources_failed = ?, events = ?, log = ? WHERE id = ?",
            [summary.sources, summary.articles_fetched, summary.not_modified,
             summary.sources_failed + summary.articles_failed, summary.articles_new, summary.matched,
             summary.new_items, summary.sources_failed, summary.events, log_path, summary.run_id])


def run(config: Config, store: Store, *, lexicon_dir: str | None = None,
        progress: Callable[[str], None] | None = None, observe: RunObserver | None = None,
        max_seconds: float | None = None, log_path: str | None = None) -> RunSummary:
    """The daily job: every outlet of `config` once, into `store`; see `Runner` for the options."""
    analyzer = Analyzer(lexicon_dir)
    with Fetcher(config.fetch) as fetcher:
        return Runner(config, store, analyzer, fetcher, progress, observe=observe, max_seconds=max_seconds,
                      log_path=log_path).run()
