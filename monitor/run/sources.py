"""sources: which sources a config has, and fetching them for a run — a source's entries, an entry's page.

Each function here runs on a fetch thread of the daily run (`monitor.run.daily.Runner`) and returns
plain data that says what went wrong instead of raising; `monitor sources check` (run.check) uses
`source_jobs` too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from monitor.fetch.client import Fetcher
from monitor.fetch.encoding import decode_feed, decode_html, not_text
from monitor.models import Article, Config, FeedEntry, Outlet
from monitor.run.ingest import NO_ARTICLE, extract_page
from monitor.sources.feeds import parse_feed, parse_list_page


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
