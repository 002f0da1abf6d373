"""sources: which sources a config has, and fetching them for a run — a source's entries, an entry's page.

A configured source is a feed, a list page, a sitemap (or the robots.txt whose Sitemap: lines name
sitemaps), a JSON/JSONP listing or a query source. Some are read in parts, each part its own fetch (its
own conditional GET, its own politeness wait, cancelled with the run): a query source asks one address
per query (`search_jobs`), a sitemap index leads to the sitemaps it lists (`SourceResult.more`, cycles
and depth checked against the indexes that led there). `SourceTally` adds the parts of a configured
source up, so that `sources` keeps one row per configured source.

Each fetching function here runs on a fetch thread of the daily run (`monitor.run.daily.Runner`) and
returns plain data that says what went wrong instead of raising; `monitor sources check` (run.check) uses
`source_jobs` and `fetch_source` too. A document of a public host never sends the monitor to a private or
loopback address: such entries of a sitemap, listing or search result are dropped and said so.
"""

from __future__ import annotations

import datetime as dt
import functools
import socket
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

from monitor.fetch.client import Fetcher
from monitor.fetch.encoding import decode_feed, decode_html, not_text
from monitor.match.lexicon import Lexicon
from monitor.models import Article, Config, FeedEntry, FetchResult, ListingSource, Outlet, SearchSource, SourceKind
from monitor.run.freshness import newest_day
from monitor.run.ingest import NO_ARTICLE, extract_page
from monitor.sources.feeds import parse_feed, parse_list_page
from monitor.sources.listings import parse_listing
from monitor.sources.search import (
    Attribution,
    address_class,
    may_follow,
    page_results,
    publisher_entries,
    search_urls,
)
from monitor.sources.sitemaps import SitemapRef, read_sitemap, robots_sitemaps, sitemap_since
from monitor.store.database import Store
from monitor.store.runs import source_states

MAX_SITEMAP_DEPTH = 4  # indexes within indexes followed
PROBE_QUERY = "国际传播中心"  # what `sources check` asks a query source that names no queries
PROBE_CHILDREN = 3  # sitemaps of an index that `sources check` reads
DEFAULT_LIMIT = 200


@dataclass(frozen=True)
class SourceJob:
    """One fetch of a source: a configured source, or a part of one (`root` is then the configured URL)."""

    outlet: Outlet
    url: str
    kind: SourceKind
    links: str | None = None  # a list page's link pattern
    listing: ListingSource | None = None  # how to read a JSON listing
    search: SearchSource | None = None  # the query source this job asks
    query: str | None = None  # the query of this address (a part of a query source)
    root: str | None = None  # the configured source this job is a part of
    trail: tuple[str, ...] = ()  # the sitemap indexes that led here (a run's `_seen` stops any other loop)
    since: dt.datetime | None = None  # sitemap entries dated before this are old
    limit: int = DEFAULT_LIMIT  # entries kept of one sitemap (the newest)

    @property
    def source(self) -> str:
        """The configured source's address (its row in `sources`)."""
        return self.root or self.url


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
    more: tuple[SourceJob, ...] = ()  # the parts found in this one: the sitemaps an index lists
    problems: tuple[str, ...] = ()  # what went wrong in a document read in part (recorded as failures)
    keep_validators: bool = True  # False for a sitemap index: read it whole every run (its sitemaps change)


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
    source_outlet: str | None = None  # the outlet whose source found it, when the article is another's


@dataclass(frozen=True)
class _Read:
    entries: tuple[FeedEntry, ...] = ()
    error: str | None = None
    more: tuple[SourceJob, ...] = ()
    problems: tuple[str, ...] = ()
    keep_validators: bool = True


# --- which sources -------------------------------------------------------------------------------


def source_jobs(config: Config) -> list[SourceJob]:
    """One job per configured source: feeds, list pages, sitemaps, robots.txt Sitemap: lines, listings, searches."""
    outlets, limit = config.outlets, config.fetch.max_articles_per_source
    jobs = [SourceJob(o, url, "feed") for o in outlets for url in o.feeds]
    jobs += [SourceJob(o, p.url, "page", p.links) for o in outlets for p in o.pages]
    jobs += [SourceJob(o, url, "sitemap", limit=limit) for o in outlets for url in o.sitemaps]
    jobs += [SourceJob(o, robots_url(o.homepage), "sitemap", limit=limit)
             for o in outlets if o.robots_sitemaps and o.homepage]
    jobs += [SourceJob(o, a.url, "api", listing=a) for o in outlets for a in o.api]
    jobs += [SourceJob(o, s.url, "search", search=s) for o in outlets for s in o.search]
    return jobs


def search_jobs(job: SourceJob, default_queries: Iterable[str]) -> list[SourceJob]:
    """The parts of a query source: one address per query (its own, else `default_queries`)."""
    if job.search is None:
        return [job]
    return [replace(job, url=url, query=query, root=job.url)
            for query, url in search_urls(job.search, default_queries)]


def robots_url(homepage: str) -> str:
    parts = urlsplit(homepage)
    return f"{parts.scheme}://{parts.netloc}/robots.txt"


def default_queries(terms: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(term for term in terms if term.strip()))


# --- fetching a source ---------------------------------------------------------------------------


def fetch_source(fetcher: Fetcher, job: SourceJob, store_validators: Any) -> SourceResult:
    """Fetch and read one document of a source (a query source not split into its queries asks its first
    query, or PROBE_QUERY: what `sources check` needs)."""
    if job.kind == "search" and job.query is None:
        job = search_jobs(job, (PROBE_QUERY,))[0]
    result = fetcher.fetch(job.url, store_validators)
    read = _read(job, result) if result.ok else _Read(error=result.error)
    reach = _Reach(job)
    entries, more = reach.entries(read.entries), reach.jobs(read.more)
    return SourceResult(job, entries, read.error, result.status, result.not_modified, result.etag,
                        result.last_modified, result.final_url, result.permanent_redirect, more,
                        (*read.problems, *reach.problems()), read.keep_validators)


def probe_source(fetcher: Fetcher, job: SourceJob, children: int = PROBE_CHILDREN) -> SourceResult:
    """What `sources check` reads of a source: `fetch_source`, and for a sitemap index (or robots.txt) the
    entries of its `children` newest sitemaps too (an index lists no articles itself)."""
    result = fetch_source(fetcher, job, None)
    if not result.more:
        return result
    queue, fetched = list(result.more[:children]), 0
    entries, problems = list(result.entries), list(result.problems)
    while queue and fetched < 2 * children:
        part = fetch_source(fetcher, queue.pop(0), None)
        fetched += 1
        entries += part.entries
        problems += [f"{part.job.url}: {problem}" for problem in (part.error, *part.problems) if problem]
        queue += part.more[:children]
    error = None if entries else "; ".join(problems) or "the sitemaps of the index list no addresses"
    return replace(result, entries=tuple(entries), error=error, problems=tuple(problems))


def _read(job: SourceJob, result: FetchResult) -> _Read:
    content, content_type, final_url = result.content, result.content_type, result.final_url
    if job.kind == "page":
        html = decode_html(content, content_type).text
        entries = parse_list_page(html, final_url, job.links or ".", _outlet_urls(job.outlet))
        return _Read(entries, None if entries else "no article links matched the pattern on the list page")
    if job.kind == "sitemap":
        return _read_sitemap(job, content, content_type, final_url)
    if job.kind == "api" and job.listing is not None:
        listing = parse_listing(decode_html(content, content_type).text, final_url, job.listing)
        return _Read(listing.entries, listing.error)
    if job.kind == "search" and job.search is not None:
        return _read_search(job.search, content, content_type, final_url)
    return _read_feed(content, content_type, final_url)


def _read_feed(content: bytes, content_type: str | None, final_url: str) -> _Read:
    feed = parse_feed(decode_feed(content, content_type).text, final_url)
    if feed.error and not feed.entries:
        return _Read(error=feed.error)
    return _Read(feed.entries, None if feed.entries else "feed has no items")


def _read_sitemap(job: SourceJob, content: bytes, content_type: str | None, final_url: str) -> _Read:
    if urlsplit(job.url).path == "/robots.txt":
        refs = robots_sitemaps(decode_html(content, content_type).text, final_url)
        more, problems = _children(job, final_url, refs)
        error = None if refs else "robots.txt announces no sitemaps (no Sitemap: lines)"
        return _Read((), error, more, tuple(problems), keep_validators=False)
    read = read_sitemap(content, final_url, job.since, job.limit)
    if read.kind == "feed":
        return _read_feed(content, content_type, final_url)
    more, problems = _children(job, final_url, read.children)
    return _Read(read.entries, read.error, more, (*read.problems, *problems), keep_validators=read.kind != "index")


def _children(job: SourceJob, final_url: str, refs: Iterable[SitemapRef]) -> tuple[tuple[SourceJob, ...], list[str]]:
    """The sitemaps an index (or robots.txt) lists, as parts of the same source; a sitemap that leads back
    to one that led here (a cycle), or past MAX_SITEMAP_DEPTH indexes, is skipped and said so."""
    trail = (*job.trail, job.url)  # one address per index that led here: its length is the depth
    more: list[SourceJob] = []
    problems: list[str] = []
    for ref in refs:
        if ref.url in trail or ref.url == final_url:
            problems.append(f"sitemap index {job.url} lists {ref.url}, which leads back to an index already "
                            "read (a cycle): skipped")
        elif len(trail) > MAX_SITEMAP_DEPTH:
            problems.append(f"sitemap {ref.url} is nested deeper than {MAX_SITEMAP_DEPTH} indexes: skipped")
        else:
            more.append(replace(job, url=ref.url, root=job.source, trail=trail))
    return tuple(more), problems


def _read_search(search: SearchSource, content: bytes, content_type: str | None, final_url: str) -> _Read:
    if search.format == "html":
        html = decode_html(content, content_type).text
        found = page_results(html, final_url, search.links or ".")
        read = _Read(found, None if found else "no result links matched the pattern on the search page")
    elif search.format == "json" and search.listing is not None:
        listing = parse_listing(decode_html(content, content_type).text, final_url, search.listing)
        read = _Read(listing.entries, listing.error)
    else:
        read = _read_feed(content, content_type, final_url)
    return replace(read, entries=publisher_entries(read.entries))


class _Reach:
    """Which addresses a document may send the run to: from a public host, none private or loopback
    (feeds and list pages are the outlet's own, and are not judged)."""

    def __init__(self, job: SourceJob) -> None:
        self.job = job
        self.host = (urlsplit(job.url).hostname or "").lower()
        judged = job.kind not in ("feed", "page")
        self.source = address_class(self.host, _resolve) if judged else "private"
        self.dropped: list[str] = []

    def allows(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        if self.source != "public" or host == self.host or may_follow("public", address_class(host, _resolve)):
            return True
        self.dropped.append(url)
        return False

    def entries(self, entries: tuple[FeedEntry, ...]) -> tuple[FeedEntry, ...]:
        return tuple(entry for entry in entries if self.allows(entry.url))

    def jobs(self, jobs: tuple[SourceJob, ...]) -> tuple[SourceJob, ...]:
        return tuple(job for job in jobs if self.allows(job.url))

    def problems(self) -> tuple[str, ...]:
        if not self.dropped:
            return ()
        return (f"{len(self.dropped)} links point at private or loopback addresses and were not followed "
                f"(a {self.job.kind} source on a public host may not lead there): {self.dropped[0]}",)


@functools.lru_cache(maxsize=4096)
def _resolve(host: str) -> tuple[str, ...]:
    return tuple(str(info[4][0]) for info in socket.getaddrinfo(host, None))


def _outlet_urls(outlet: Outlet) -> tuple[str, ...]:
    """The addresses that say where an outlet's site is (its list pages' links may be on any of them)."""
    return (outlet.homepage or "", *(page.url for page in outlet.pages))


# --- the parts of a configured source, added up -----------------------------------------------------


@dataclass(frozen=True)
class SourceRecord:
    """What `sources` keeps of a configured source after a run: all its parts taken together."""

    url: str
    outlet: str
    kind: SourceKind
    error: str | None
    items: int | None
    final_url: str | None
    permanent_redirect: bool
    newest: dt.date | None

    @classmethod
    def failed(cls, job: SourceJob, error: str) -> SourceRecord:
        """A configured source that could not be read at all."""
        return cls(job.url, job.outlet.name, job.kind, error, None, job.url, False, None)


@dataclass
class _Tally:
    job: SourceJob
    pending: int
    items: int = 0
    answered: bool = False  # a part answered (200 or 304)
    fetched: bool = False  # a part answered 200
    error: str | None = None
    newest: list[dt.date] = field(default_factory=list)
    final_url: str | None = None
    permanent_redirect: bool = False
    taken: int = 0


class SourceTally:
    """The configured sources whose parts are still being read: one `SourceRecord` each once all are in.

    A source fails when none of its parts answered; then its first part's error is its error."""

    def __init__(self) -> None:
        self._open: dict[tuple[str, str], _Tally] = {}

    def open(self, job: SourceJob, parts: int) -> None:
        self._open[(job.outlet.name, job.source)] = _Tally(job, parts)

    def add_parts(self, job: SourceJob, parts: int) -> None:
        tally = self._open.get((job.outlet.name, job.source))
        if tally is not None:
            tally.pending += parts

    def take(self, job: SourceJob, wanted: int, cap: int) -> int:
        """How many of `wanted` new entries the source may still take this run (at most `cap` in all)."""
        tally = self._open.get((job.outlet.name, job.source))
        if tally is None:
            return min(wanted, cap)
        allowed = max(0, min(wanted, cap - tally.taken))
        tally.taken += allowed
        return allowed

    def done(self, result: SourceResult) -> SourceRecord | None:
        """Count one part in; the configured source's record once it was the last."""
        key = (result.job.outlet.name, result.job.source)
        tally = self._open.get(key)
        if tally is None:
            return None
        _count(tally, result)
        tally.pending -= 1
        if tally.pending > 0:
            return None
        del self._open[key]
        return _record(tally)


def _count(tally: _Tally, result: SourceResult) -> None:
    if result.job.root is None:
        tally.final_url, tally.permanent_redirect = result.final_url, result.permanent_redirect
    if result.error is not None:
        tally.error = tally.error or result.error
        return
    tally.answered = True
    if not result.not_modified:
        tally.fetched = True
        tally.items += len(result.entries)
        day = newest_day(result.entries)
        if day is not None:
            tally.newest.append(day)


def _record(tally: _Tally) -> SourceRecord:
    job = tally.job
    error = None if tally.answered else tally.error or "no part of the source answered"
    return SourceRecord(job.url, job.outlet.name, job.kind, error, tally.items if tally.fetched else None,
                        tally.final_url or job.url, tally.permanent_redirect, max(tally.newest, default=None))


class SourcePlan:
    """How one run reads its configured sources: the first fetches of each (a query source's queries, a
    sitemap's cutoff from its last success), each sitemap of an index once, each article address once
    (the same launch found by a feed, a sitemap and a search is fetched once), at most `cap` new entries
    per configured source, and the outlet each article is attributed to."""

    def __init__(self, config: Config, last_success: Mapping[str, str | None], queries: Iterable[str],
                 now: dt.datetime) -> None:
        self.tally = SourceTally()
        self.cap = config.fetch.max_articles_per_source
        self.attribution = Attribution(config.outlets)
        self._last_success = last_success
        self._queries = default_queries(queries)
        self._now = now
        self._seen: set[str] = set()
        self._claimed: set[str] = set()

    @classmethod
    def for_run(cls, config: Config, store: Store, lexicon: Lexicon) -> SourcePlan:
        """The plan of a run over `store`: sitemaps read from their last success, searches for the lexicon's
        center terms."""
        last_success = {state.url: state.last_success for state in source_states(store)}
        centers = (term.term for term in lexicon.by_category("center"))
        return cls(config, last_success, centers, dt.datetime.now(dt.UTC))

    def first_parts(self, job: SourceJob) -> list[SourceJob]:
        """The fetches a configured source starts with (none: a query source without any query)."""
        if job.kind == "search":
            parts = search_jobs(job, self._queries)
        elif job.kind == "sitemap":
            parts = [replace(job, since=sitemap_since(_stamp(self._last_success.get(job.url)), self._now))]
        else:
            parts = [job]
        self._seen.update(part.url for part in parts)
        self.tally.open(job, len(parts))
        return parts

    def more(self, result: SourceResult) -> list[SourceJob]:
        """The parts a document leads to that this run has not read yet (an index's sitemaps)."""
        fresh = [job for job in result.more if job.url not in self._seen]
        self._seen.update(job.url for job in fresh)
        self.tally.add_parts(result.job, len(fresh))
        return fresh

    def new_entries(self, result: SourceResult) -> list[FeedEntry]:
        """The entries no other source of this run has claimed, within the configured source's cap."""
        unclaimed = [entry for entry in result.entries if entry.url not in self._claimed]
        taken = unclaimed[: self.tally.take(result.job, len(unclaimed), self.cap)]
        self._claimed.update(entry.url for entry in taken)
        return taken

    def outlet_for(self, job: SourceJob, entry: FeedEntry) -> Outlet:
        """A search result's outlet is its host's; every other source's entries are its outlet's."""
        return self.attribution.outlet_for(entry.url) if job.kind == "search" else job.outlet


NO_QUERIES = ("no queries: the query source names none and the lexicon has no center terms; add queries = "
              '["..."] to it')


def _stamp(text: str | None) -> dt.datetime | None:
    """A time stamp the store wrote (ISO 8601, UTC), or None."""
    if not text:
        return None
    try:
        stamp = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=dt.UTC)


# --- an article ------------------------------------------------------------------------------------


def fetch_article(fetcher: Fetcher, outlet: Outlet, source_url: str, entry: FeedEntry,
                  source_outlet: str | None = None) -> ArticleResult:
    result = fetcher.fetch(entry.url)
    if not result.ok:
        return ArticleResult(outlet, source_url, entry, None, None, None,
                             result.error or "not modified", result.status, source_outlet)
    found = page_result(outlet, source_url, entry, result.content, result.content_type, result.final_url,
                        result.status)
    return replace(found, source_outlet=source_outlet)


def page_result(outlet: Outlet, source_url: str, entry: FeedEntry, raw: bytes, content_type: str | None,
                final_url: str, status: int | None = 200) -> ArticleResult:
    """Raw page bytes → decoded, extracted article (what a fetch, a WARC record or a saved file gives)."""
    binary = not_text(raw, content_type)  # a PDF or an image linked as an article: say so, store nothing
    if binary is not None:
        return ArticleResult(outlet, source_url, entry, None, None, None, binary, status)
    article, encoding = extract_page(raw, content_type, final_url, entry)
    error = None if article is not None else NO_ARTICLE
    return ArticleResult(outlet, source_url, entry, article, raw, encoding, error, status)
