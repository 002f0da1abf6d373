"""monitor.sources.feeds: feeds and list pages → FeedEntry records.

Cases under tests/data/feeds/ (one document per case, the expected parse beside it), then the real
feeds of ../shared/realworld/feeds read in place.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from monitor.errors import ConfigError
from monitor.models import FeedEntry
from monitor.sources.feeds import (
    CHINA_TZ,
    DEFAULT_MAX_ENTRIES,
    HTML_ERROR,
    absolute_http_url,
    looks_like_html,
    parse_date_text,
    parse_feed,
    parse_list_page,
)
from tests.support.realworld import REALWORLD, require

DATA = Path(__file__).parent / "data" / "feeds"
REAL_FEEDS = REALWORLD / "feeds"

CASES = sorted(p for p in DATA.iterdir() if p.suffix in (".xml", ".html"))
LIST_CASES = sorted((DATA / "lists").glob("*.html"))


def _expected(path: Path) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    return result


def _check_entry(entry: FeedEntry, expected: dict[str, Any]) -> None:
    for key, value in expected.items():
        actual = getattr(entry, key)
        if key == "published" and value is not None:
            assert actual == dt.datetime.fromisoformat(value), entry.url
            assert actual.utcoffset() == dt.timedelta(hours=8), "dates come back in China time"
        else:
            assert actual == value, f"{entry.url}: {key}"


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.name)
def test_feed_case(path: Path) -> None:
    expected = _expected(path)
    parsed = parse_feed(path.read_text(encoding="utf-8"), expected["base_url"])
    assert parsed.kind == expected["kind"]
    if "title" in expected:
        assert parsed.title == expected["title"]
    if "error_prefix" in expected:
        assert parsed.error is not None and parsed.error.startswith(expected["error_prefix"])
    else:
        assert parsed.error == expected["error"]
    assert len(parsed.entries) == len(expected["entries"]), [e.url for e in parsed.entries]
    for entry, wanted in zip(parsed.entries, expected["entries"], strict=True):
        _check_entry(entry, wanted)


@pytest.mark.parametrize("path", LIST_CASES, ids=lambda p: p.name)
def test_list_page_case(path: Path) -> None:
    expected = _expected(path)
    entries = parse_list_page(path.read_text(encoding="utf-8"), expected["base_url"], expected["pattern"])
    assert [(e.url, e.title) for e in entries] == [(e["url"], e["title"]) for e in expected["entries"]]


def test_zoneless_pub_date_is_china_time() -> None:
    feed = (DATA / "rss20_zoneless_date.xml").read_text(encoding="utf-8")
    first = parse_feed(feed, "http://news.example.cn/rss.xml").entries[0]
    assert first.published == dt.datetime(2025, 3, 28, 10, 21, tzinfo=CHINA_TZ)
    assert first.published == dt.datetime(2025, 3, 28, 2, 21, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025-03-28 10:21:00", "2025-03-28T10:21:00+08:00"),
        ("2025/3/28 10:21", "2025-03-28T10:21:00+08:00"),  # feedparser reads this as 2025-11-01
        ("2025年03月28日 10时21分", "2025-03-28T10:21:00+08:00"),
        ("2025-03-28T10:21:00.000Z", "2025-03-28T18:21:00+08:00"),
        ("Wed,14-Dec-2022 11:37:37 GMT", "2022-12-14T19:37:37+08:00"),  # Xinhua's bare date
        ("Sat, 31 Dec 2005 06:15:55+0900", "2005-12-31T05:15:55+08:00"),
        ("Fri, 28 Mar 2025 10:21:00 CST", "2025-03-28T10:21:00+08:00"),
        ("2020-08-25", "2020-08-25T00:00:00+08:00"),
    ],
)
def test_parse_date_text(raw: str, expected: str) -> None:
    assert parse_date_text(raw) == dt.datetime.fromisoformat(expected)


@pytest.mark.parametrize("raw", ["", "   ", "yesterday", "2025-13-45 10:00"])
def test_parse_date_text_unreadable(raw: str) -> None:
    assert parse_date_text(raw) is None


def test_entries_are_capped() -> None:
    item = "<item><title>{0}</title><link>http://x.example.cn/{0}.htm</link></item>"
    items = "".join(item.format(i) for i in range(30))
    feed = f'<rss version="2.0"><channel><title>big</title>{items}</channel></rss>'
    parsed = parse_feed(feed, "http://x.example.cn/rss.xml", max_entries=10)
    assert [e.url for e in parsed.entries] == [f"http://x.example.cn/{i}.htm" for i in range(10)]
    assert DEFAULT_MAX_ENTRIES == 2000


def test_text_that_looks_like_a_url_is_parsed_not_fetched() -> None:
    parsed = parse_feed("http://127.0.0.1:9/never-fetched.xml", "http://x.example.cn/rss.xml")
    assert parsed.entries == ()
    assert parsed.error is not None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<!DOCTYPE html><html><body>x</body></html>", True),
        ("\ufeff\n  <!-- gateway --><HTML><head></head></HTML>", True),
        ('<?xml version="1.0"?><!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "x"><html/>', True),
        ("<head><meta charset=utf-8></head>", True),
        ('<?xml version="1.0"?><rss version="2.0"><channel/></rss>', False),
        ('<?xml version="1.0"?>\n<?xml-stylesheet href="s.xsl"?><feed xmlns="x"/>', False),
        ("<atom:feed xmlns:atom='http://www.w3.org/2005/Atom'/>", False),
        ("<rdf:RDF/>", False),
        ("", False),
    ],
)
def test_looks_like_html(text: str, expected: bool) -> None:
    assert looks_like_html(text) is expected


def test_html_error_message() -> None:
    parsed = parse_feed("<html><body>404</body></html>", "http://x.example.cn/rss.xml")
    assert (parsed.kind, parsed.entries, parsed.error) == ("unknown", (), HTML_ERROR)


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("a/1.htm", "https://www.example.cn/news/a/1.htm"),
        ("//cdn.example.cn/1.htm", "https://cdn.example.cn/1.htm"),
        ("  HTTP://WWW.EXAMPLE.CN/1.htm ", "HTTP://WWW.EXAMPLE.CN/1.htm"),
        ("javascript:void(0)", None),
        ("mailto:a@example.cn", None),
        ("#top", "https://www.example.cn/news/index.htm#top"),
        ("", None),
        (None, None),
        ("http:///nohost", None),
    ],
)
def test_absolute_http_url(href: str | None, expected: str | None) -> None:
    assert absolute_http_url(href, "https://www.example.cn/news/index.htm") == expected


def test_list_page_bad_pattern_names_page_and_key() -> None:
    with pytest.raises(ConfigError, match=r"http://x\.example\.cn/list.*links"):
        parse_list_page("<a href='/a'>a</a>", "http://x.example.cn/list", "content_(\\d+")


@pytest.mark.parametrize("html", ["", "   ", "<?xml version='1.0' encoding='gbk'?>", "not html at all"])
def test_list_page_without_links(html: str) -> None:
    assert parse_list_page(html, "http://x.example.cn/list", ".") == ()


# --- real feeds of ../shared/realworld, read in place -------------------------------------------

REAL_CASES = [
    # file, kind, entries, entries with a date, entries with a title
    ("rss-parser_qq-news-china_gb2312.xml", "rss", 20, 20, 20),
    ("chardet_GB2312_acnnewswire.net.xml", "rss", 8, 8, 8),
    ("chardet_GB2312_cnblog.org.xml", "rss", 16, 0, 15),  # RSS 0.92: no dates; one <title></title>
    ("chardet_GB2312_eighthday.blogspot.com.xml", "atom", 7, 7, 7),  # Atom 0.3
]


def _real_feed(name: str) -> str:
    require()
    return (REAL_FEEDS / name).read_bytes().decode("gb18030")  # all four are GB2312; GB18030 is its superset


@pytest.mark.parametrize(
    ("name", "kind", "count", "dated", "titled"), REAL_CASES, ids=[case[0] for case in REAL_CASES]
)
def test_real_feed_parses(name: str, kind: str, count: int, dated: int, titled: int) -> None:
    parsed = parse_feed(_real_feed(name), "http://feeds.example.cn/" + name)
    assert (parsed.kind, parsed.error, len(parsed.entries)) == (kind, None, count)
    assert sum(e.published is not None for e in parsed.entries) == dated
    assert sum(e.title is not None for e in parsed.entries) == titled
    assert all(e.url.startswith(("http://", "https://")) for e in parsed.entries)
    assert len({e.url for e in parsed.entries}) == count


def test_real_qq_feed_matches_rss_parser_expectation() -> None:
    """rss-parser reads the zone-less pubDate `2018-09-18 14:38:10` as +08:00, as we do."""
    parsed = parse_feed(_real_feed("rss-parser_qq-news-china_gb2312.xml"), "http://news.qq.com/")
    expected = json.loads((REAL_FEEDS / "rss-parser_qq-news-china_gb2312.expected.json").read_text("utf-8"))
    items = expected["feed"]["items"]
    assert parsed.title == "新闻国内"
    assert [(e.url, e.title) for e in parsed.entries] == [(i["link"], i["title"]) for i in items]
    for entry, item in zip(parsed.entries, items, strict=True):
        assert entry.published == dt.datetime.fromisoformat(item["isoDate"]), entry.url
    assert parsed.entries[0].published == dt.datetime(2018, 9, 18, 14, 38, 10, tzinfo=CHINA_TZ)


# ---- hostile feeds (issue 6) ----

_ITEM = "<item><title>{0}</title><link>http://x.example.cn/{0}.htm</link></item>"


def _doctype_feed(subset: str, title: str) -> str:
    return (f'<?xml version="1.0"?>\n<!DOCTYPE rss [\n{subset}\n]>\n<rss version="2.0"><channel><title>t</title>'
            f"<item><title>{title}</title><link>http://x.example.cn/1.htm</link></item></channel></rss>")


@pytest.mark.parametrize(
    ("subset", "title", "reason"),
    [
        ('<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">', "&b;", "built from other entities (b)"),
        ('<!ENTITY x SYSTEM "file:///etc/passwd">', "&x;", "an external or parameter XML entity (x)"),
        ('<!ENTITY % p "<!ENTITY y \'z\'>"> %p;', "x", "an external or parameter XML entity (p)"),
        (f'<!ENTITY big "{"a" * 10_000}">', "&big;" * 200, "would add 2,000,000 characters"),
    ],
    ids=["nested", "external", "parameter", "quadratic"],
)
def test_entity_bombs_are_refused_before_parsing(subset: str, title: str, reason: str) -> None:
    parsed = parse_feed(_doctype_feed(subset, title), "http://x.example.cn/rss.xml")
    assert parsed.entries == ()
    assert parsed.error is not None and parsed.error.startswith("refused: the feed declares") and reason in parsed.error


_QUADRATIC = f'<!ENTITY big "{"a" * 10_000}">'


@pytest.mark.parametrize(
    "feed",
    [
        f'<?xml version="1.0"?>\n<!-- <a href="x"> -->\n<!DOCTYPE rss [\n{_QUADRATIC}\n]>\n<rss/>',
        f'<?xml version="1.0"?>\n<!DOCTYPE rss SYSTEM "a>b" [\n{_QUADRATIC}\n]>\n<rss/>',
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!-- ]> -->\n{_QUADRATIC}\n]>\n<rss/>',
        f'<rss version="2.0"><channel><title>t</title></channel></rss>\n<!DOCTYPE rss [\n{_QUADRATIC}\n]>',
    ],
    ids=["element-in-a-comment-first", "quoted-gt-in-the-doctype", "subset-end-in-a-comment", "after-the-root"],
)
def test_entity_declarations_are_never_let_through(feed: str) -> None:
    """However the DOCTYPE is disguised, no `<!ENTITY` reaches feedparser or expat (feedparser's own
    filter misses the first one: it takes `<a` in the comment for the root element)."""
    parsed = parse_feed(feed.replace("<rss/>", "<rss>" + "&big;" * 200 + "</rss>"), "http://x.example.cn/rss.xml")
    assert parsed.error is not None and parsed.error.startswith("refused: the feed declares")


def test_harmless_entities_are_replaced_by_their_text() -> None:
    subset = '<!ENTITY nbsp "&#160;"><!ENTITY org \'人民网\'><!ENTITY amp "&#38;#38;">'
    parsed = parse_feed(_doctype_feed(subset, "要闻&nbsp;&org; &amp; 图"), "http://x.example.cn/rss.xml")
    assert parsed.error is None
    assert parsed.entries[0].title == "要闻 人民网 & 图"


def test_a_doctype_without_internal_subset_is_left_alone() -> None:
    feed = ('<?xml version="1.0"?>\n<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
            '"http://my.netscape.com/publish/formats/rss-0.91.dtd">\n<rss version="0.91"><channel><title>t</title>'
            + _ITEM.format("a") + "</channel></rss>")
    parsed = parse_feed(feed, "http://x.example.cn/rss.xml")
    assert (parsed.kind, parsed.error, len(parsed.entries)) == ("rss", None, 1)


def test_only_the_first_items_of_a_huge_feed_are_parsed() -> None:
    items = "".join(_ITEM.format(i) for i in range(20_000))
    feed = f'<rss version="2.0"><channel><title>big</title>{items}</channel></rss>'
    parsed = parse_feed(feed, "http://x.example.cn/rss.xml", max_entries=50)
    assert (parsed.kind, parsed.error, parsed.title) == ("rss", None, "big")
    assert [e.url for e in parsed.entries] == [f"http://x.example.cn/{i}.htm" for i in range(50)]


@pytest.mark.parametrize("text", ["", "  \n", "\ufeff", '<?xml version="1.0"?>\n<!-- nothing -->\n'])
def test_an_empty_document_is_not_a_feed(text: str) -> None:
    assert parse_feed(text, "http://x.example.cn/rss.xml").error == "not a feed: the response is empty"


def test_items_without_a_usable_link_are_reported() -> None:
    feed = ('<rss version="2.0"><channel><title>t</title><item><title>a</title><link>javascript:go()</link></item>'
            "<item><title>b</title></item></channel></rss>")
    error = parse_feed(feed, "http://x.example.cn/rss.xml").error
    assert error is not None and error.startswith("feed has 2 items but none links to a web page")


def test_malformed_feed_error_names_the_line_of_the_document() -> None:
    feed = '<?xml version="1.0"?>\n<rss version="2.0">\n<channel>\n<title>x</ti\x01tle>'
    error = parse_feed(feed, "http://x.example.cn/rss.xml").error
    assert error is not None and error.startswith("malformed feed: ") and "at line 4, column 13" in error  # the \x01
