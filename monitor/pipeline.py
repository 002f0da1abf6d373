"""pipeline: the stages wired together — `monitor run` (outlets → store) and `monitor extract`.

Fetching and extraction run in a thread pool; analysis (lexicon, events) and every write happen
on the calling thread, one short transaction per source or article, so a run that is killed
loses only the article in flight and a rerun picks up where it stopped.
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

from monitor.encoding import decode_feed, decode_html
from monitor.events.detect import detect_events
from monitor.events.keys import center_key
from monitor.events.places import Gazetteer
from monitor.extract import extract_article
from monitor.feeds import parse_feed, parse_list_page
from monitor.fetch import ROBOTS_DISALLOWED, Fetcher
from monitor.lexicon import LexiconMatcher, default_matcher
from monitor.models import Article, Config, Event, FeedEntry, Hit, NormalizedText, Outlet
from monitor.store import Store
from monitor.text import normalize

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Analysis:
    normalized: NormalizedText
    hits: list[Hit]
    events: list[Event]


class Analyzer:
    """normalize → match → events, with the lexicon and gazetteer loaded once."""

    def __init__(self, lexicon_dir: str | None = None) -> None:
        self.matcher: LexiconMatcher = default_matcher(lexicon_dir)
        self.gazetteer = Gazetteer.default()

    @property
    def lexicon_version(self) -> str:
        return self.matcher.lexicon.version

    def analyze(self, article: Article, province_hint: str | None = None) -> Analysis:
        normalized = normalize(article.text)
        hits = self.matcher.scan(normalized)
        if not any(h.category == "center" for h in hits):
            return Analysis(normalized, hits, [])
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


@dataclass
class RunSummary:
    run_id: int = 0
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
    decoded = decode_html(raw, content_type)
    try:
        article = extract_article(decoded.text, final_url, entry)
    except Exception as exc:  # one broken page never stops a run
        log.warning("extraction failed for %s: %s", entry.url, exc, exc_info=True)
        article = None
    if article is not None:
        article = Article(article.url, article.title, article.text, article.published,
                          article.canonical_url, entry.url)
    error = None if article is not None else "no article text found in the page"
    return ArticleResult(outlet, source_url, entry, article, raw, decoded.encoding, error, status)


class Runner:
    """One `monitor run`: every source once, new articles fetched, analysed and stored."""

    def __init__(self, config: Config, store: Store, analyzer: Analyzer, fetcher: Fetcher,
                 progress: Callable[[str], None] | None = None) -> None:
        self.config = config
        self.store = store
        self.analyzer = analyzer
        self.fetcher = fetcher
        self.progress = progress or (lambda message: None)
        self.summary = RunSummary()

    def run(self) -> RunSummary:
        started = time.monotonic()
        self.summary.run_id = self.store.start_run()
        status = "failed"
        try:
            self._run_all()
            status = "completed"
        finally:
            self.summary.seconds = round(time.monotonic() - started, 2)
            self.store.finish_run(self.summary.run_id, status, self.summary.counts())
        return self.summary

    def _run_all(self) -> None:
        with cf.ThreadPoolExecutor(max_workers=max(1, self.config.fetch.workers)) as pool:
            pending: set[cf.Future[Any]] = set()
            for job in source_jobs(self.config):
                self.summary.sources += 1
                pending.add(pool.submit(fetch_source, self.fetcher, job, self.store.validators(job.url)))
            while pending:
                done, pending = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
                for future in done:
                    pending |= self._handle(pool, future.result())

    def _handle(self, pool: cf.ThreadPoolExecutor, result: SourceResult | ArticleResult) -> set[cf.Future[Any]]:
        if isinstance(result, SourceResult):
            return self._handle_source(pool, result)
        self.store_article(result)
        return set()

    def _handle_source(self, pool: cf.ThreadPoolExecutor, result: SourceResult) -> set[cf.Future[Any]]:
        job = result.job
        self.store.record_source(job.url, job.outlet.name, job.kind, result.error,
                                 len(result.entries) if not result.not_modified else None,
                                 result.final_url, result.permanent_redirect)
        if result.error:
            self.summary.sources_failed += 1
            self._fail(job.outlet.name, job.url, result.error)
            return set()
        self.store.remember_url(job.url, result.status, None, result.etag, result.last_modified)
        if result.not_modified:
            self.summary.not_modified += 1
            self.progress(f"{job.outlet.name}: not modified")
            return set()
        limit = self.config.fetch.max_articles_per_source
        entries = list(result.entries)[:limit]
        known = self.store.known_article_urls([e.url for e in entries])
        fresh = [e for e in entries if e.url not in known]
        self.progress(f"{job.outlet.name}: {len(entries)} items, {len(fresh)} new")
        return {pool.submit(fetch_article, self.fetcher, job.outlet, job.url, e) for e in fresh}

    def store_article(self, result: ArticleResult) -> None:
        """Analyse and store one fetched (or otherwise obtained) page, counting it in the summary."""
        if result.error == ROBOTS_DISALLOWED:
            self.summary.articles_skipped += 1
            self.store.remember_url(result.entry.url, result.status, result.error)
            return
        if result.article is None:
            self.summary.articles_failed += 1
            self._fail(result.outlet.name, result.entry.url, result.error or "unknown error")
            return
        self.summary.articles_fetched += 1
        outlet = result.outlet
        analysis = self.analyzer.analyze(result.article, outlet.province)
        _, new_items = self.store.save_article(
            result.article, outlet=outlet.name, outlet_level=outlet.level, outlet_province=outlet.province,
            source_url=result.source_url, raw=result.raw, raw_encoding=result.encoding,
            lexicon_version=self.analyzer.lexicon_version, hits=analysis.hits, events=analysis.events,
            center_key=center_key)
        self.summary.articles_new += 1
        self.summary.matched += int(any(h.category == "center" for h in analysis.hits))
        self.summary.events += len(analysis.events)
        self.summary.new_items += new_items

    def _fail(self, outlet: str, url: str, reason: str) -> None:
        self.summary.failures.append((outlet, url, reason))
        self.store.record_failure(self.summary.run_id, outlet, url, reason)
        log.warning("%s: %s: %s", outlet, url, reason)


def run(config: Config, store: Store, *, lexicon_dir: str | None = None,
        progress: Callable[[str], None] | None = None) -> RunSummary:
    """The daily job: every outlet of `config` once, into `store`."""
    analyzer = Analyzer(lexicon_dir)
    with Fetcher(config.fetch) as fetcher:
        return Runner(config, store, analyzer, fetcher, progress).run()
