"""monitor.fetch.encoding: one case per fixture in tests/data/encoding (expectations in cases.json), plus the
real specimens of ../shared/realworld read in place."""

from __future__ import annotations

import codecs
import html
import json
import re
from pathlib import Path
from typing import Any

import feedparser
import pytest

from monitor.fetch.encoding import decode_feed, decode_html, normalize_label, not_text
from tests.support.realworld import specimens

DATA = Path(__file__).parent / "data" / "encoding"
CASES: dict[str, dict[str, Any]] = json.loads((DATA / "cases.json").read_text(encoding="utf-8"))
CWCE = specimens("pages/cwce", "*")
FEEDS = specimens("feeds", "*.xml")


@pytest.mark.parametrize("name", sorted(CASES))
def test_fixture_case(name: str) -> None:
    case = CASES[name]
    decode = decode_feed if case["kind"] == "feed" else decode_html
    decoded = decode((DATA / case["file"]).read_bytes(), case["content_type"])
    assert (decoded.encoding, decoded.source) == (case["encoding"], case["source"]), case["note"]
    assert case["contains"] in decoded.text
    assert not decoded.text.startswith("\ufeff")


@pytest.mark.parametrize(
    "label", ["gb2312", "GB2312", "gbk", "x-gbk", "cp936", "GB_2312-80", "euc-cn", "gb18030"]
)
def test_chinese_labels_read_as_gb18030(label: str) -> None:
    assert normalize_label(label) == "gb18030"


@pytest.mark.parametrize("label", ["no-such-charset", "base64", "rot13", "zlib", "undefined", ""])
def test_unusable_labels_are_ignored(label: str) -> None:
    assert normalize_label(label) is None


def test_utf16_declared_inside_a_document_means_utf8() -> None:
    assert normalize_label("utf-16", in_document=True) == "utf-8"
    assert normalize_label("utf-16") == "utf-16"


def test_gbk_only_character_survives() -> None:
    text = "<p>朱镕基</p>"
    decoded = decode_html(text.encode("gbk"), "text/html; charset=gb2312")
    assert decoded.text == text
    assert decoded.encoding == "gb18030"


def test_meta_in_body_is_not_read_when_head_has_none() -> None:
    page = '<html><head><title>t</title></head><body><meta charset="big5">' + "国际传播中心" * 20 + "</body>"
    decoded = decode_html(page.encode("gbk"), None)
    assert decoded.source == "detected"
    assert "国际传播中心" in decoded.text


def test_quoted_header_charset() -> None:
    decoded = decode_html("<p>国际传播</p>".encode("gbk"), 'text/html; charset="GB2312"')
    assert (decoded.encoding, decoded.source) == ("gb18030", "header")


def test_unclosed_comment_or_script_ends_the_meta_search() -> None:
    page = b"<html><head>" + b"<!-- never closed " * 20_000 + b'<meta charset="big5">'
    page += "国际传播中心".encode("gbk") * 30
    decoded = decode_html(page, None)
    assert decoded.source == "detected"
    assert "国际传播中心" in decoded.text


def test_utf16_is_never_guessed_without_a_bom() -> None:
    decoded = decode_html(b"<p>" + "国".encode("gbk") * 50_000, None)
    assert decoded.encoding == "gb18030"
    assert decoded.text.endswith("国国国")


def test_undeclared_latin1_page_is_not_read_as_chinese() -> None:
    text = "<p>Le café crème à la française: été, hôtel, garçon, naïve, déjà vu.</p>" * 5
    decoded = decode_html(text.encode("latin-1"), None)
    assert decoded.encoding != "gb18030"  # which Latin code page is charset-normalizer's call
    assert "café" in decoded.text and "été" in decoded.text


def test_garbage_never_raises() -> None:
    junk = bytes(range(256)) * 50
    for decode in (decode_html, decode_feed):
        decoded = decode(junk, "text/html; charset=utf-8")
        assert decoded.text
        assert decoded.source in {"header", "detected", "fallback"}


def test_empty_input() -> None:
    assert decode_html(b"", None).text == ""
    assert decode_feed(b"", "application/xml").text == ""


def test_feed_declaration_rewritten_to_utf8() -> None:
    feed = "<?xml version='1.0' encoding='GB2312' standalone='yes'?>"
    feed += "<rss><channel><title>新闻</title></channel></rss>"
    decoded = decode_feed(feed.encode("gb2312"), "text/xml")
    assert decoded.text.startswith("<?xml version='1.0' encoding=\"utf-8\" standalone='yes'?>")
    assert feedparser.parse(decoded.text).feed.title == "新闻"


def test_feed_without_declaration_is_left_alone() -> None:
    feed = "<rss><channel><title>新闻</title></channel></rss>"
    assert decode_feed(feed.encode("utf-8"), None).text == feed


def test_utf16_feed_with_bom_parses() -> None:
    feed = '<?xml version="1.0" encoding="utf-16"?><rss version="2.0"><channel><title>新闻</title>'
    feed += "<item><title>第一条</title><link>http://a.example/1</link></item></channel></rss>"
    decoded = decode_feed(codecs.BOM_UTF16_LE + feed.encode("utf-16-le"), None)
    parsed = feedparser.parse(decoded.text)
    assert decoded.source == "bom"
    assert [e.title for e in parsed.entries] == ["第一条"]


# ---- real specimens (../shared/realworld, read in place) ----


@pytest.mark.parametrize("name", FEEDS)
def test_realworld_feed_decodes_and_parses(realworld: Path, name: str) -> None:
    raw = (realworld / "feeds" / name).read_bytes()
    decoded = decode_feed(raw, None)
    parsed = feedparser.parse(decoded.text)
    assert decoded.encoding == "gb18030"
    assert "\ufffd" not in decoded.text
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert len(parsed.entries) == raw.count(b"<item") + raw.count(b"<entry")
    assert len(parsed.entries) > 0
    assert re.search(r"[\u4e00-\u9fff]", "".join(e.get("title", "") for e in parsed.entries))


def test_realworld_qq_feed_titles_match_expected(realworld: Path) -> None:
    decoded = decode_feed((realworld / "feeds/rss-parser_qq-news-china_gb2312.xml").read_bytes(), None)
    expected = json.loads(
        (realworld / "feeds/rss-parser_qq-news-china_gb2312.expected.json").read_text("utf-8")
    )
    titles = [e.title for e in feedparser.parse(decoded.text).entries]
    assert titles == [item["title"] for item in expected["feed"]["items"]]


def test_realworld_wayback_page_is_gb18030(realworld: Path) -> None:
    raw = (realworld / "pages/trafilatura/archive.org.he.xinhuanet.com.25340717.html").read_bytes()
    decoded = decode_html(raw, None)
    assert (decoded.encoding, decoded.source) == ("gb18030", "meta")
    assert "话剧《约定无期限》河北各市巡演结束" in decoded.text
    assert "\ufffd" not in decoded.text


def test_realworld_wayback_page_with_wayback_header(realworld: Path) -> None:
    """The Wayback Machine serves these pages with a bare text/html header: the meta still decides."""
    raw = (realworld / "pages/trafilatura/archive.org.he.xinhuanet.com.25340717.html").read_bytes()
    assert decode_html(raw, "text/html").encoding == "gb18030"


def test_realworld_people_page_declares_gb2312_but_is_utf8(realworld: Path) -> None:
    raw = (realworld / "pages/gne/people-1.html").read_bytes()
    assert b"charset=GB2312" in raw
    decoded = decode_html(raw, "text/html; charset=GB2312")
    assert decoded.encoding == "utf-8"
    assert "人民网" in decoded.text
    assert "\ufffd" not in decoded.text


@pytest.mark.parametrize("name", CWCE)
def test_realworld_cwce_page_decodes_to_its_cleaned_text(realworld: Path, name: str) -> None:
    folder = realworld / "pages" / "cwce" / name
    decoded = decode_html((folder / "original.html").read_bytes(), None)
    expected = _squeeze((folder / "cleaned.txt").read_text(encoding="utf-8"))[:20]
    assert expected in _squeeze(_visible(decoded.text))


def test_realworld_cwce_encodings(realworld: Path) -> None:
    pages = realworld / "pages" / "cwce"
    got = {name: decode_html((pages / name / "original.html").read_bytes(), None).encoding for name in CWCE}
    assert got["people.com.cn_b26fbb82"] == got["cnr.cn_f70d9c97"] == "gb18030"
    assert got["dahe.cn_274a65d9"] == got["yunnan.cn_9890f458"] == "utf-8"


def _visible(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]*>", " ", page))


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text.replace("\u3000", " ").replace("\xa0", " "))


# ---- hostile pages (issue 6) ----

_PAGE_HEAD = '<html><head><meta charset="utf-8"><title>靖安国际传播中心揭牌成立</title></head>\n'
_LAUNCH = "<p>本报讯 6月3日上午，靖安国际传播中心在县融媒体中心揭牌成立。</p>\n"
_FOOTER = "<div>版权所有 赣北日报社 联系电话</div>\n</body></html>\n"


@pytest.mark.parametrize(("head", "launch", "footer", "header"), [
    ("utf-8", "utf-8", "gbk", "text/html; charset=utf-8"),
    ("gbk", "utf-8", "gbk", "text/html; charset=gbk"),
    ("utf-8", "gbk", "utf-8", None),
])
def test_lines_of_mixed_encodings_are_each_read_right(head: str, launch: str, footer: str, header: str | None) -> None:
    content = _PAGE_HEAD.encode(head) + _LAUNCH.encode(launch) + _FOOTER.encode(footer)
    decoded = decode_html(content, header)
    assert (decoded.encoding, decoded.source) == ("utf-8", "mixed")
    assert decoded.text == _PAGE_HEAD + _LAUNCH + _FOOTER


def test_a_page_all_in_gbk_that_says_utf8_is_not_taken_for_mixed() -> None:
    content = (_PAGE_HEAD + _LAUNCH + _FOOTER).encode("gbk")
    decoded = decode_html(content, "text/html; charset=utf-8")
    assert decoded.encoding == "gb18030" and decoded.text == _PAGE_HEAD + _LAUNCH + _FOOTER


@pytest.mark.parametrize(("content", "content_type", "kind"), [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "application/pdf", "a PDF document (application/pdf)"),
    (b"%PDF-1.4\nrest", "text/html; charset=utf-8", "a PDF document (text/html)"),
    (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "application/octet-stream", "a PNG image (application/octet-stream)"),
    (b"\xff\xd8\xff\xe0\0\x10JFIF", "image/jpeg", "a JPEG image (image/jpeg)"),
    (b"GIF89a\x01\0\x01\0", None, "a GIF image (no Content-Type)"),
    (b"RIFF\0\0\0\0WEBPVP8 ", "image/webp", "a WebP image (image/webp)"),
    (b"PK\x03\x04\x14\0\x06\0", "application/vnd.openxmlformats", "a ZIP archive or Office document"),
    (b"\0\x01\x02binary" * 10, None, "binary data (no Content-Type)"),
], ids=["pdf", "pdf-as-html", "png-as-octet-stream", "jpeg", "gif", "webp", "docx", "nul-bytes"])
def test_files_are_told_from_pages(content: bytes, content_type: str | None, kind: str) -> None:
    problem = not_text(content, content_type)
    assert problem is not None and f"not a web page but {kind}" in problem


@pytest.mark.parametrize(("content", "content_type"), [
    (b"<html><body>\xe6\x96\xb0\xe9\x97\xbb</body></html>", "application/octet-stream"),
    (b"<html><body>news</body></html>", "image/png"),
    (codecs.BOM_UTF16_LE + "<html>新闻</html>".encode("utf-16-le"), "text/html"),
    (b"", None),
], ids=["html-as-octet-stream", "html-as-image", "utf16-with-bom", "empty"])
def test_pages_with_odd_types_are_still_pages(content: bytes, content_type: str | None) -> None:
    assert not_text(content, content_type) is None


def test_a_page_with_stray_nul_bytes_is_a_page_and_decodes_without_them() -> None:
    content = "<html><body><p>\0新闻\0正文</p></body></html>".encode()
    assert not_text(content, "text/html") is None
    assert not_text(content, "application/octet-stream") is None
    assert decode_html(content, "text/html").text == "<html><body><p>新闻正文</p></body></html>"
    feed = '<?xml version="1.0" encoding="utf-8"?><rss><channel><title>标\0题</title></channel></rss>'.encode()
    assert "\0" not in decode_feed(feed, None).text
    assert not_text(b"<" + b"\0" * 200 + b"binary", None) is not None  # NUL-heavy: still no page


@pytest.mark.timeout(30)  # the scan used to be quadratic: hours for this page
def test_a_page_of_unclosed_meta_tags_is_read_once() -> None:
    page = b"<html><head>" + b"<meta http-equiv=refresh charset=" * 30_000 + b"<meta charset=gbk></head></html>"
    assert decode_html(page, None).encoding == "gb18030"
