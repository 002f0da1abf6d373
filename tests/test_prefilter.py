"""run.prefilter (`backfill --only-matching`): what the visible text holds, which pages are left out, and
that no page the full path finds a center in is ever left out (on the case files of tests/data/prefilter,
the sample site, and the real texts of the development set)."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest

from monitor.fetch.encoding import decode_html
from monitor.match.lexicon import LexiconMatcher, load_lexicon, matcher_for
from monitor.models import FeedEntry
from monitor.run.backfill import warm_worker, worker_analyzer
from monitor.run.ingest import Analyzer, extract_page
from monitor.run.prefilter import NO_CENTER, NO_TEXT, skip_reason, visible_text
from tests.support.realworld import REALWORLD
from tools.demo import SAMPLES

CASES = Path(__file__).parent / "data" / "prefilter"


@pytest.fixture(scope="module")
def matcher() -> LexiconMatcher:
    return matcher_for(load_lexicon())


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    lexicon = load_lexicon()
    warm_worker(lexicon)
    return worker_analyzer(lexicon)


def _page(body: str, head: str = "") -> str:
    return f"<html><head><title>标题</title>{head}</head><body>{body}</body></html>"


def _reason(path: Path, matcher: LexiconMatcher) -> str | None:
    return skip_reason(decode_html(path.read_bytes(), None).text, matcher)


def test_the_visible_text_is_titles_links_and_body_but_no_script_style_or_comment() -> None:
    text = visible_text(_page('<div class="nav"><a href="/">首页</a></div><p>正文第一段。</p><!-- 注释 -->尾巴',
                              "<script>var 脚本 = 1;</script><style>.样式{}</style>")) or ""
    for seen in ("标题", "首页", "正文第一段。", "尾巴"):
        assert seen in text
    for unseen in ("脚本", "样式", "注释"):
        assert unseen not in text
    assert "\n" not in text


def test_names_split_by_tags_annotations_entities_or_hidden_spans_are_whole_in_the_visible_text() -> None:
    ruby = "".join(f"<ruby>{c}<rt>x</rt></ruby>" for c in "國際傳播中心")
    text = visible_text(_page(f"<p>甲<b>国际</b><i>传播</i>&#20013;&#24515;</p><p>乙{ruby}</p>"
                              '<p>丙国际<span style="display: none">广告</span>传播中心</p>')) or ""
    assert "甲国际传播中心" in text and "乙國際傳播中心" in text and "丙国际传播中心" in text
    assert "广告" in text  # what is hidden is read too, apart


def test_json_ld_strings_are_read() -> None:
    body = "\\u6d1b\\u9633\\u56fd\\u9645\\u4f20\\u64ad\\u4e2d\\u5fc3"  # 洛阳国际传播中心, escaped as JSON
    head = f'<script type="application/ld+json">{{"articleBody": "{body}"}}</script>'
    assert "洛阳国际传播中心" in (visible_text(_page("<p>正文</p>", head)) or "")


def test_a_page_names_a_center_anywhere_visible_or_is_left_out_with_a_reason(matcher: LexiconMatcher) -> None:
    assert skip_reason(_page("<p>今天天气很好，市民出门踏青。</p>"), matcher) == NO_CENTER
    assert skip_reason(_page('<ul><li><a href="/1">洛阳国际传播中心揭牌</a></li></ul>'), matcher) is None
    assert skip_reason(_page("<p>洛陽國際傳播中心揭牌成立</p>"), matcher) is None  # traditional script
    assert skip_reason(_page("<p>ＸＸ对外传播中心</p>"), matcher) is None
    assert skip_reason("  \n", matcher) == NO_TEXT
    assert skip_reason("<html><body><img src='a.png'></body></html>", matcher) == NO_TEXT


def test_the_prefilter_follows_the_lexicon(tmp_path: Path) -> None:
    page = _page("<p>北海国际传播港今天揭牌。</p>")
    assert skip_reason(page, matcher_for(load_lexicon())) == NO_CENTER
    (tmp_path / "centers.toml").write_text('category = "center"\n[[terms]]\nterm = "国际传播港"\n', "utf-8")
    assert skip_reason(page, matcher_for(load_lexicon(tmp_path))) is None


@pytest.mark.parametrize("name", sorted(p.name for p in CASES.glob("*.html")))
def test_no_case_page_that_names_a_center_is_left_out(name: str, matcher: LexiconMatcher,
                                                      analyzer: Analyzer) -> None:
    path = CASES / name
    reason = _reason(path, matcher)
    article, _ = extract_page(path.read_bytes(), None, f"http://cases.test/{name}", FeedEntry(name))
    if article is not None and analyzer.analyze(article).matched:
        assert reason is None
    if name.startswith(("ordinary", "hidden-terms")):
        assert reason == NO_CENTER  # the prefilter does leave pages out


def test_no_sample_page_that_names_a_center_is_left_out(matcher: LexiconMatcher, analyzer: Analyzer) -> None:
    pages = sorted(p for p in (SAMPLES / "site").rglob("*") if p.suffix in (".html", ".htm", ".shtml"))
    named = 0
    for path in pages:
        article, _ = extract_page(path.read_bytes(), None, f"http://samples.test/{path.name}", FeedEntry(path.name))
        if article is not None and analyzer.analyze(article).matched:
            named += 1
            assert _reason(path, matcher) is None, path
    assert named >= 15


@pytest.mark.slow
@pytest.mark.realworld
def test_no_real_text_that_names_a_center_is_left_out(matcher: LexiconMatcher, analyzer: Analyzer) -> None:
    """The development set's real texts (read in place), each made a page in UTF-8 and in GBK."""
    rows = [json.loads(line) for line in (REALWORLD / "icc-dev" / "articles.jsonl").open(encoding="utf-8")]
    named = 0
    for row in rows:
        body = "".join(f"<p>{html.escape(line)}</p>" for line in row["text"].split("\n") if line.strip())
        title = html.escape(row["title"] or "")
        for charset in ("utf-8", "gb18030"):
            page = (f'<html><head><meta charset="{charset}"><title>{title}</title></head><body><h1>{title}</h1>'
                    f'<div class="content">{body}</div><ul class="related"><li><a href="/x">其他新闻</a></li></ul>'
                    "</body></html>").encode(charset, "xmlcharrefreplace")
            article, _ = extract_page(page, None, row["url"], FeedEntry(row["url"]))
            if article is not None and analyzer.analyze(article).matched:
                named += 1
                assert skip_reason(decode_html(page, None).text, matcher) is None, (row["id"], charset)
    assert named >= 40
