"""ingest: the one path from a page to the store — extract, analyse, store and count.

    article, encoding = extract_page(raw, content_type, url, entry)      # bytes → Article
    analysis = analyzer.analyze(article, province_hint)                  # normalize → match → events
    stored = ingest(store, NewArticle(article, outlet, source_url, raw, encoding), analysis, version)
    summary.add(stored)                                                  # IngestCounts: the summaries' core

The daily run, backfill and rescan all store through `ingest` and count through `IngestCounts.add`.
Analysing is apart from storing so that backfill can analyse in worker processes and store in the
parent: `ingest` takes an analysis made wherever it was made. A rescan gives a `StoredArticle`
instead of a new one: its hits and events are replaced, its text and raw page stay.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from monitor.events.detect import detect_events
from monitor.events.keys import center_key
from monitor.events.places import Gazetteer
from monitor.extract import extract_article
from monitor.fetch.encoding import Decoded, decode_html
from monitor.match.hits import names_a_center
from monitor.match.lexicon import Lexicon, LexiconMatcher, default_matcher, matcher_for
from monitor.models import Article, Event, FeedEntry, Hit, Outlet
from monitor.normalize import simplify, with_sentences
from monitor.store.articles import PackedPage
from monitor.store.database import Store, StoredArticle

log = logging.getLogger(__name__)

NO_ARTICLE = "no article text found in the page"


# -- bytes → Article ------------------------------------------------------------------------------


def today() -> dt.date:
    """The day (UTC) a page is fetched: the last reference for its dates, so a queue item always has a year."""
    return dt.datetime.now(dt.UTC).date()


def extract_page(raw: bytes, content_type: str | None, final_url: str,
                 entry: FeedEntry) -> tuple[Article | None, str]:
    """Decode and extract a page: (the article or None, the encoding the bytes were read in); the article
    is marked fetched today."""
    decoded = decode_html(raw, content_type)
    return extract_decoded(decoded, final_url, entry), decoded.encoding


def extract_decoded(decoded: Decoded, final_url: str, entry: FeedEntry) -> Article | None:
    """extract_page for a page decoded already (backfill decodes once, for its prefilter and for this)."""
    try:
        article = extract_article(decoded.text, final_url, entry)
    except Exception as exc:  # one broken page never stops a run
        log.warning("extraction failed for %s: %s", entry.url, exc, exc_info=True)
        return None
    if article is None:
        return None
    return Article(article.url, article.title, article.text, article.published, article.canonical_url,
                   entry.url, today())


# -- Article → Analysis ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Analysis:
    """What the lexicon and the rules found in one article (picklable: backfill's workers send it back)."""

    hits: list[Hit]
    events: list[Event]

    @property
    def matched(self) -> bool:
        """Whether it names a center (only such an article can report a launch)."""
        return names_a_center(self.hits)


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
        if not names_a_center(hits):
            return Analysis(hits, [])
        normalized = with_sentences(normalized)
        try:
            events = detect_events(article.url, article.title, normalized, hits, article.published,
                                   province_hint, self.gazetteer, fetched=article.fetched_on)
        except Exception:  # a bug met by one article must not stop a run: it is logged and skipped
            log.exception("event detection failed on %s; the article is kept without events", article.url)
            events = []
        return Analysis(hits, events)


# -- Analysis → store, counted --------------------------------------------------------------------


@dataclass(frozen=True)
class NewArticle:
    """An article to store and where it came from: its outlet (None when unknown), the feed, list page
    or file it was found through, and the page's bytes as read with their encoding. `backfill`: the run found
    it older than its first-run window (monitor.run.freshness): its launches are queued as backfill."""

    article: Article
    outlet: Outlet | None
    source_url: str | None
    raw: bytes | PackedPage | None  # PackedPage: compressed already (by a backfill worker)
    encoding: str | None
    backfill: bool = False


@dataclass(frozen=True)
class Ingested:
    """One article stored: its id, whether it names a center, its events and the queue items it opened."""

    article_id: int
    matched: bool
    events: int
    new_items: int


@dataclass
class IngestCounts:
    """Articles stored, how many name a center, their events, the new queue items: the core of the
    summaries of the daily run, backfill and rescan."""

    stored: int = 0
    matched: int = 0
    events: int = 0
    new_items: int = 0

    def add(self, one: Ingested) -> None:
        self.stored += 1
        self.matched += int(one.matched)
        self.events += one.events
        self.new_items += one.new_items


def ingest(store: Store, article: NewArticle | StoredArticle, analysis: Analysis, lexicon_version: str) -> Ingested:
    """Store one article with its analysis (a new article, or a stored one whose analysis a rescan
    replaces), in one transaction; say what it added."""
    hits, events = analysis.hits, analysis.events
    if isinstance(article, StoredArticle):
        article_id = article.id
        new_items = store.replace_analysis(article.id, lexicon_version, hits, events, center_key)
    else:
        outlet = article.outlet
        article_id, new_items = store.save_article(
            article.article, outlet=outlet.name if outlet else None, outlet_level=outlet.level if outlet else None,
            outlet_province=outlet.province if outlet else None, source_url=article.source_url, raw=article.raw,
            raw_encoding=article.encoding, lexicon_version=lexicon_version, hits=hits, events=events,
            center_key=center_key, backfill=article.backfill)
    return Ingested(article_id, analysis.matched, len(events), new_items)
