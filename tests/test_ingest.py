"""monitor.run.ingest: the one path that stores an article (daily run, backfill, rescan) and counts it."""

from __future__ import annotations

import datetime as dt
import pickle

import pytest

from monitor.models import Article, FeedEntry, Outlet
from monitor.run.backfill import BackfillSummary
from monitor.run.daily import RunSummary
from monitor.run.ingest import Analyzer, IngestCounts, Ingested, NewArticle, extract_page, ingest
from monitor.run.rescan import RescanSummary
from monitor.store.database import Store

LAUNCH = ("本报讯（记者 王明）3月5日上午，洛阳国际传播中心在洛阳市揭牌成立。中心由洛阳日报社与洛阳师范学院"
          "共同建设，洛阳市委宣传部部长出席仪式。")
ORDINARY = "今年全省秋粮喜获丰收，农民收入持续增长。"
OUTLET = Outlet("洛阳日报", "city", "河南省", ("http://ly.example.cn/rss.xml",))


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


def _new(url: str, text: str) -> NewArticle:
    article = Article(url, "标题", text, dt.date(2025, 3, 5))
    return NewArticle(article, OUTLET, "http://ly.example.cn/rss.xml", text.encode("utf-8"), "utf-8")


def test_a_launch_is_stored_with_its_outlet_and_counted(store: Store, analyzer: Analyzer) -> None:
    found = _new("http://ly.example.cn/1.htm", LAUNCH)
    stored = ingest(store, found, analyzer.analyze(found.article, OUTLET.province), analyzer.lexicon_version)
    assert (stored.matched, stored.events, stored.new_items) == (True, 1, 1)
    row = store.db.execute("SELECT id, outlet, outlet_level, source_url, raw_encoding FROM articles").fetchone()
    assert row == (stored.article_id, "洛阳日报", "city", "http://ly.example.cn/rss.xml", "utf-8")


def test_an_article_without_a_center_is_stored_and_counted_as_not_matching(store: Store, analyzer: Analyzer) -> None:
    found = _new("http://ly.example.cn/2.htm", ORDINARY)
    stored = ingest(store, found, analyzer.analyze(found.article), analyzer.lexicon_version)
    assert (stored.matched, stored.events, stored.new_items) == (False, 0, 0)
    assert store.count("articles") == 1


def test_storing_the_same_article_again_opens_no_second_item(store: Store, analyzer: Analyzer) -> None:
    found = _new("http://ly.example.cn/1.htm", LAUNCH)
    analysis = analyzer.analyze(found.article)
    first = ingest(store, found, analysis, analyzer.lexicon_version)
    again = ingest(store, found, analysis, analyzer.lexicon_version)
    assert again.article_id == first.article_id and again.new_items == 0
    assert store.count("items") == 1


def test_a_stored_article_gets_its_analysis_replaced_as_a_rescan_does(store: Store, analyzer: Analyzer) -> None:
    found = _new("http://ly.example.cn/1.htm", LAUNCH)
    first = ingest(store, found, analyzer.analyze(found.article), "old")
    stored = next(iter(store.stored_articles()))
    rescanned = ingest(store, stored, analyzer.analyze(found.article), analyzer.lexicon_version)
    assert rescanned.article_id == first.article_id and (rescanned.matched, rescanned.events) == (True, 1)
    assert store.db.execute("SELECT lexicon_version FROM articles").fetchone()[0] == analyzer.lexicon_version
    assert store.count("events") == 1 and store.count("items") == 1


def test_an_analysis_travels_between_processes(analyzer: Analyzer) -> None:
    analysis = analyzer.analyze(Article("http://ly.example.cn/1.htm", None, LAUNCH, dt.date(2025, 3, 5)))
    assert analysis.matched and len(analysis.events) == 1
    assert pickle.loads(pickle.dumps(analysis)) == analysis


def test_every_summary_counts_an_article_the_same_way() -> None:
    one = Ingested(article_id=7, matched=True, events=2, new_items=1)
    summaries: list[IngestCounts] = [IngestCounts(), RunSummary(), BackfillSummary(), RescanSummary()]
    for summary in summaries:
        summary.add(one)
        summary.add(Ingested(article_id=8, matched=False, events=0, new_items=0))
        assert (summary.stored, summary.matched, summary.events, summary.new_items) == (2, 1, 2, 1)
    run, rescan = summaries[1], summaries[3]
    assert isinstance(run, RunSummary) and run.articles_new == 2 and run.counts()["articles_new"] == 2
    assert isinstance(rescan, RescanSummary) and rescan.articles == 2


def test_a_page_is_decoded_and_extracted_or_found_empty() -> None:
    body = "".join(f"<p>{LAUNCH}</p>" for _ in range(3))
    page = f"<html><head><meta charset='gbk'><title>洛阳</title></head><body><article>{body}</article></body></html>"
    article, encoding = extract_page(page.encode("gbk"), None, "http://ly.example.cn/1.htm",
                                     FeedEntry("http://ly.example.cn/1.htm"))
    assert article is not None and "洛阳国际传播中心" in article.text
    assert encoding in ("gb18030", "gbk")
    empty, _ = extract_page(b"<html><body></body></html>", "text/html", "http://ly.example.cn/2.htm",
                            FeedEntry("http://ly.example.cn/2.htm"))
    assert empty is None
