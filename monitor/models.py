"""Plain frozen records that flow between the stages (see docs/DESIGN in ../shared/DESIGN.md).

Every stage takes and returns these; none of them does I/O.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any, Literal, get_args

# The vocabulary of the whole house, written once: each set of values is a Literal type, and the tuple
# of its values is derived from the type (in this order: ranks, menus and numbered keys rely on it).
OutletLevel = Literal["central", "provincial", "city", "county", "enterprise"]  # an outlet of feeds.toml
PlaceLevel = Literal["province", "city", "county", "district", "other"]  # highest first; other: not a division
EventType = Literal["launch", "branch"]  # a center launched, or an overseas branch of an existing one
ItemStatus = Literal["new", "confirmed", "rejected", "merged"]  # a queue item in review
# Who put an item in the queue: the monitor (found in an article) or `monitor registry import`. The
# registry says instead how an entry got there (publish.registry.RegistryOrigin: "confirmed" by a
# reviewer, or "imported"): a found item is in the registry only once confirmed.
ItemOrigin = Literal["found", "imported"]
RejectReason = Literal["not a launch", "duplicate", "wrong place", "wrong date", "existing center",
                       "research center", "plan only", "other"]  # numbered in this order when reviewing
# The categories of the shipped lexicon, one file each. A maintainer may add a category of their own,
# so `Term.category` and `Hit.category` stay `str`: these are the categories the code knows.
HitCategory = Literal["center", "trigger", "branch", "negative", "theme", "partner"]
# An RSS/Atom feed, a list page read for its links, a sitemap (index, urlset, news sitemap, or the Sitemap:
# lines of a robots.txt), a JSON/JSONP listing ([[outlets.api]]), a query source ([[outlets.search]]).
SourceKind = Literal["feed", "page", "sitemap", "api", "search"]
SearchFormat = Literal["feed", "html", "json"]  # what a query source answers with
# A `monitor run` (the `runs` table): running until it ends; abandoned when its process was killed.
RunStatus = Literal["running", "completed", "deadline", "failed", "interrupted", "abandoned"]
# Why a fetch gave no page, when the reason has a name (monitor.fetch.blocked, monitor.fetch.client): a
# JavaScript challenge or CAPTCHA, a login wall, the request's deadline passed, the run was stopped.
FetchReason = Literal["challenge", "login", "deadline", "cancelled"]

OUTLET_LEVELS: tuple[OutletLevel, ...] = get_args(OutletLevel)
PLACE_LEVELS: tuple[PlaceLevel, ...] = get_args(PlaceLevel)
EVENT_TYPES: tuple[EventType, ...] = get_args(EventType)
ITEM_STATUSES: tuple[ItemStatus, ...] = get_args(ItemStatus)
ITEM_ORIGINS: tuple[ItemOrigin, ...] = get_args(ItemOrigin)
REJECT_REASONS: tuple[RejectReason, ...] = get_args(RejectReason)
HIT_CATEGORIES: tuple[HitCategory, ...] = get_args(HitCategory)
SOURCE_KINDS: tuple[SourceKind, ...] = get_args(SourceKind)
SEARCH_FORMATS: tuple[SearchFormat, ...] = get_args(SearchFormat)
RUN_STATUSES: tuple[RunStatus, ...] = get_args(RunStatus)


@dataclass(frozen=True)
class PageSource:
    """A list page of an outlet without a feed: article links are those matching `links`."""

    url: str
    links: str


@dataclass(frozen=True)
class ListingSource:
    """A JSON or JSONP listing of articles ([[outlets.api]]): the array at the dotted path `items` ("" for the
    document itself), each item's address under `link`, optionally its title and date under `title`, `date`."""

    url: str
    link: str
    items: str = ""
    title: str | None = None
    date: str | None = None


@dataclass(frozen=True)
class SearchSource:
    """A query source ([[outlets.search]]): `url` with {query}, one request per query; `queries` empty means
    the lexicon's center terms. `links` is the result-link pattern of format html; `listing` reads format json."""

    url: str
    format: SearchFormat = "feed"
    queries: tuple[str, ...] = ()
    links: str | None = None
    listing: ListingSource | None = None


@dataclass(frozen=True)
class Outlet:
    """One outlet of feeds.toml. `level` is None only for a host that is no configured outlet, to which an
    article found through a search source is attributed."""

    name: str
    level: OutletLevel | None
    province: str | None
    feeds: tuple[str, ...]
    pages: tuple[PageSource, ...] = ()
    language: str = "zh"
    homepage: str | None = None
    checked: str = "never"
    note: str | None = None
    sitemaps: tuple[str, ...] = ()
    robots_sitemaps: bool = False  # also read the sitemaps that the homepage's robots.txt announces
    api: tuple[ListingSource, ...] = ()
    search: tuple[SearchSource, ...] = ()


@dataclass(frozen=True)
class FetchSettings:
    """The [fetch] table of feeds.toml: how politely and how long we fetch."""

    user_agent: str = "monitor/0.1 (+https://example.org/monitor; research crawler)"
    timeout: float = 20.0
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    retries: int = 2
    backoff: float = 1.0
    max_retry_after: float = 60.0
    host_delay: float = 1.0
    host_concurrency: int = 1
    workers: int = 8
    respect_robots: bool = True
    max_articles_per_source: int = 200
    deadline: float = 60.0  # seconds for a request as a whole: connect, headers, body, redirects, retries


@dataclass(frozen=True)
class HealthLimits:
    """The [health] table of feeds.toml: when a source that answers counts as frozen."""

    frozen_days: int = 30  # a source whose newest item is older than this many days is frozen


@dataclass(frozen=True)
class RunSettings:
    """The [run] table of feeds.toml: the first-run window of `monitor run`."""

    backfill_days: int = 60  # an article older than this many days is backfill: queued after today's, not news


@dataclass(frozen=True)
class Config:
    """A loaded feeds.toml."""

    path: str
    outlets: tuple[Outlet, ...]
    fetch: FetchSettings = field(default_factory=FetchSettings)
    health: HealthLimits = field(default_factory=HealthLimits)
    run: RunSettings = field(default_factory=RunSettings)


@dataclass(frozen=True)
class FetchResult:
    """What one HTTP fetch gave. `error` is None on success; fetch never raises for one bad URL."""

    url: str
    final_url: str
    status: int | None
    content: bytes
    content_type: str | None
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    error: str | None = None
    permanent_redirect: bool = False
    elapsed: float = 0.0
    reason: FetchReason | None = None  # the named reason of a failure; None on success or for other failures

    @property
    def ok(self) -> bool:
        return self.error is None and not self.not_modified

    @property
    def blocked(self) -> bool:
        """A JavaScript challenge, a CAPTCHA or a login wall: the site answers, but not to a program."""
        return self.reason in ("challenge", "login")


@dataclass(frozen=True)
class Validators:
    """Conditional-GET validators kept per URL."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed or one link of a list page."""

    url: str
    title: str | None = None
    published: dt.datetime | None = None
    summary: str | None = None
    guid: str | None = None


@dataclass(frozen=True)
class Article:
    """An article after extraction: the original text, never altered. `fetched_on`: the day the monitor
    fetched the page (None outside `monitor run`, backfill and rescan), the last reference for its dates."""

    url: str
    title: str | None
    text: str
    published: dt.date | None
    canonical_url: str | None = None
    fetched_url: str | None = None
    fetched_on: dt.date | None = None


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int


@dataclass(frozen=True)
class NormalizedText:
    """A simplified, half-width copy of `original` for matching, without its annotation noise.

    `offsets[i]` is the offset in `original` of character i of `text` (rising, never falling). It is
    None, the identity, when the copy has the length of the original (OpenCC t2s and width folding map
    one character to one character); noise taken out of the copy (pinyin after a character, invisible
    characters, spaces inside a name) makes it shorter, and the map then says where each kept
    character came from. Spans of the copy go back to the original through `original_span`; a hit's
    original span comes into the copy through `text_span` / `in_text`.
    """

    original: str
    text: str
    offsets: tuple[int, ...] | None
    sentences: tuple[Sentence, ...]

    def to_original(self, index: int) -> int:
        """The offset in `original` of character `index` of `text` (its end for an index past the end)."""
        if self.offsets is None:
            return index
        if index >= len(self.offsets):
            return len(self.original)
        return self.offsets[index]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of `original` that [start, end) of `text` was made from (with the noise between its
        characters, not the noise after its last one)."""
        if end <= start:
            return self.to_original(start), self.to_original(start)
        return self.to_original(start), self.to_original(end - 1) + 1

    def text_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of `text` made from [start, end) of `original`: the inverse of `original_span`."""
        if self.offsets is None:
            return start, end
        return bisect.bisect_left(self.offsets, start), bisect.bisect_left(self.offsets, end)

    def in_text(self, hits: list[Hit]) -> list[Hit]:
        """`hits` (offsets into the original, as the lexicon gives them) with offsets into `text`."""
        if self.offsets is None:
            return hits
        moved = []
        for hit in hits:
            start, end = self.text_span(hit.start, hit.end)
            moved.append(replace(hit, start=start, end=end))
        return moved


@dataclass(frozen=True)
class Hit:
    """One lexicon term found in the normalized text, with offsets into the original text."""

    term: str
    canonical: str
    category: str  # one of HIT_CATEGORIES, or a category a maintainer added to the lexicon
    start: int
    end: int


@dataclass(frozen=True)
class Place:
    name: str
    province: str
    level: PlaceLevel
    code: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "province": self.province, "level": self.level, "code": self.code}


@dataclass(frozen=True)
class Event:
    """One launch (or overseas branch) found in one article.

    `date` is "YYYY-MM-DD", "YYYY-MM", "YYYY", or without a year ("--MM-DD", "--MM") when nothing gave
    one (only outside `monitor run`, which reads dates against the fetch date). `late`: the article
    reports the launch well after it happened (a late copy on an aggregator or mirror: more than
    events.detect.STALE_DAYS after the ceremony)."""

    url: str
    type: EventType
    center: str
    place: Place | None
    date: str | None
    partners: tuple[str, ...]
    confidence: float
    evidence: str
    late: bool = False

    def to_contract(self) -> dict[str, Any]:
        """The `monitor extract` output shape of ../shared/DESIGN.md, with `late` always present."""
        return {
            "url": self.url,
            "type": self.type,
            "center": self.center,
            "place": self.place.to_dict() if self.place else dict.fromkeys(("name", "province", "level", "code")),
            "date": self.date,
            "partners": list(self.partners),
            "confidence": round(self.confidence, 3),
            "evidence": self.evidence,
            "late": self.late,
        }
