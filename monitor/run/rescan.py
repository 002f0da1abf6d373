"""Work on stored articles without re-crawling: what a term would hit, and a full rescan.

`term_hits` answers a lexicon maintainer's question "how many stored articles would this term
hit?" without changing anything. `rescan` re-matches (and with `reextract`, re-extracts from the
stored raw page) every stored article after the lexicon, the gazetteer or the rules changed; each
hit records the lexicon version that produced it, and new launches become new queue items.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from monitor.extract import extract_article
from monitor.fetch.encoding import decode_html
from monitor.models import Article
from monitor.normalize import fold_width, normalize, to_simplified
from monitor.run.ingest import Analyzer, IngestCounts, ingest
from monitor.store.articles import matched_ids
from monitor.store.database import Store, StoredArticle
from monitor.store.search import spellings

log = logging.getLogger(__name__)
SNIPPET = 24


@dataclass(frozen=True)
class TermHit:
    article_id: int
    url: str
    title: str | None
    snippet: str


@dataclass
class TermReport:
    term: str
    articles: int = 0
    occurrences: int = 0
    already_matching: int = 0
    hits: list[TermHit] = field(default_factory=list)


def term_hits(store: Store, term: str, limit: int = 20) -> TermReport:
    """Stored articles whose normalized text holds `term` (simplified or traditional), with snippets."""
    wanted = to_simplified(fold_width(term.strip()))
    report = TermReport(wanted)
    matched = matched_ids(store)
    seen: set[int] = set()
    for form in spellings(term.strip()):
        for stored in store.stored_articles(only_matching=form):
            if stored.id not in seen:
                seen.add(stored.id)
                _add_hits(report, stored, wanted, limit, stored.id in matched)
    return report


def _add_hits(report: TermReport, stored: StoredArticle, wanted: str, limit: int, matching: bool) -> None:
    normalized = normalize(stored.text)
    count = normalized.text.count(wanted)
    if not count:
        return
    report.articles += 1
    report.occurrences += count
    report.already_matching += int(matching)
    if len(report.hits) < limit:
        at = normalized.text.index(wanted)
        start = normalized.to_original(max(0, at - SNIPPET))
        end = normalized.to_original(min(len(normalized.text) - 1, at + len(wanted) + SNIPPET)) + 1
        snippet = stored.text[start:end].replace("\n", " ")
        report.hits.append(TermHit(stored.id, stored.url, stored.title, snippet))


@dataclass
class RescanSummary(IngestCounts):
    """What a rescan did: (IngestCounts) the articles re-analysed, how many were re-extracted, and the
    unreviewed items left without mentions that were dropped."""

    reextracted: int = 0
    dropped_items: int = 0
    lexicon_version: str = ""

    @property
    def articles(self) -> int:
        return self.stored


def rescan(store: Store, analyzer: Analyzer, *, reextract: bool = False,
           progress: Callable[[int, int], None] | None = None) -> RescanSummary:
    """Re-match every stored article with the current lexicon, gazetteer and rules; `progress` is told
    (articles done, articles in all) after each one."""
    summary = RescanSummary(lexicon_version=analyzer.lexicon_version)
    articles = list(store.stored_articles())
    for stored in articles:
        article = _article(store, stored, reextract, summary)
        analysis = analyzer.analyze(article, stored.outlet_province)
        summary.add(ingest(store, stored, analysis, analyzer.lexicon_version))
        if progress:
            progress(summary.articles, len(articles))
    summary.dropped_items = store.drop_orphan_items()
    return summary


def _article(store: Store, stored: StoredArticle, reextract: bool, summary: RescanSummary) -> Article:
    published = dt.date.fromisoformat(stored.published[:10]) if stored.published else None
    fetched = dt.date.fromisoformat(stored.fetched_at[:10]) if stored.fetched_at else None
    article = Article(stored.url, stored.title, stored.text, published, fetched_on=fetched)
    if not reextract:
        return article
    raw = store.raw_page(stored.id)
    if raw is None:
        return article
    fresh = extract_article(decode_html(raw, None).text, stored.url)
    if fresh is None:
        log.warning("re-extraction found no text in %s; keeping the stored text", stored.url)
        return article
    summary.reextracted += 1
    store.update_text(stored.id, fresh.text, fresh.title or stored.title)
    return Article(stored.url, fresh.title or stored.title, fresh.text, fresh.published or article.published,
                   fetched_on=article.fetched_on)
