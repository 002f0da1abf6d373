"""Plain frozen records that flow between the stages (see docs/DESIGN in ../shared/DESIGN.md).

Every stage takes and returns these; none of them does I/O.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

# The vocabulary of the whole house, written once: each set of values is a Literal type, and the tuple
# of its values is derived from the type (in this order: ranks, menus and numbered keys rely on it).
OutletLevel = Literal["central", "provincial", "city", "county", "enterprise"]  # an outlet of feeds.toml
PlaceLevel = Literal["province", "city", "county", "district", "other"]  # highest first; other: not a division
EventType = Literal["launch", "branch"]  # a center launched, or an overseas branch of an existing one
ItemStatus = Literal["new", "confirmed", "rejected", "merged"]  # a queue item in review
RejectReason = Literal["not a launch", "duplicate", "wrong place", "wrong date", "existing center",
                       "research center", "plan only", "other"]  # numbered in this order when reviewing
# The categories of the shipped lexicon, one file each. A maintainer may add a category of their own,
# so `Term.category` and `Hit.category` stay `str`: these are the categories the code knows.
HitCategory = Literal["center", "trigger", "branch", "negative", "theme", "partner"]
SourceKind = Literal["feed", "page"]  # an RSS/Atom feed, or a list page read for its links

OUTLET_LEVELS: tuple[OutletLevel, ...] = get_args(OutletLevel)
PLACE_LEVELS: tuple[PlaceLevel, ...] = get_args(PlaceLevel)
EVENT_TYPES: tuple[EventType, ...] = get_args(EventType)
ITEM_STATUSES: tuple[ItemStatus, ...] = get_args(ItemStatus)
REJECT_REASONS: tuple[RejectReason, ...] = get_args(RejectReason)
HIT_CATEGORIES: tuple[HitCategory, ...] = get_args(HitCategory)
SOURCE_KINDS: tuple[SourceKind, ...] = get_args(SourceKind)


@dataclass(frozen=True)
class PageSource:
    """A list page of an outlet without a feed: article links are those matching `links`."""

    url: str
    links: str


@dataclass(frozen=True)
class Outlet:
    """One outlet of feeds.toml."""

    name: str
    level: OutletLevel
    province: str | None
    feeds: tuple[str, ...]
    pages: tuple[PageSource, ...] = ()
    language: str = "zh"
    homepage: str | None = None
    checked: str = "never"
    note: str | None = None


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


@dataclass(frozen=True)
class Config:
    """A loaded feeds.toml."""

    path: str
    outlets: tuple[Outlet, ...]
    fetch: FetchSettings = field(default_factory=FetchSettings)


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

    @property
    def ok(self) -> bool:
        return self.error is None and not self.not_modified


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
    """An article after extraction: the original text, never altered."""

    url: str
    title: str | None
    text: str
    published: dt.date | None
    canonical_url: str | None = None
    fetched_url: str | None = None


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int


@dataclass(frozen=True)
class NormalizedText:
    """A simplified, half-width copy of `original` for matching.

    `offsets[i]` is the offset in `original` of character i of `text`; the copy has the same length
    as the original (OpenCC t2s and width folding map one character to one character here), so the
    map is the identity unless a conversion changed the length.
    """

    original: str
    text: str
    offsets: tuple[int, ...] | None
    sentences: tuple[Sentence, ...]

    def to_original(self, index: int) -> int:
        if self.offsets is None:
            return index
        if index >= len(self.offsets):
            return len(self.original)
        return self.offsets[index]


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
    """One launch (or overseas branch) found in one article."""

    url: str
    type: EventType
    center: str
    place: Place | None
    date: str | None
    partners: tuple[str, ...]
    confidence: float
    evidence: str

    def to_contract(self) -> dict[str, Any]:
        """The `monitor extract` output shape of ../shared/DESIGN.md."""
        return {
            "url": self.url,
            "type": self.type,
            "center": self.center,
            "place": self.place.to_dict() if self.place else dict.fromkeys(("name", "province", "level", "code")),
            "date": self.date,
            "partners": list(self.partners),
            "confidence": round(self.confidence, 3),
            "evidence": self.evidence,
        }
