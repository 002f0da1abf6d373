"""Links wherever a list page keeps them (monitor.sources.links): <a>, image-map <area>, inline scripts; on
the page's own site; never a share or redirect link. The real pages of ../shared/realworld are read in place
(they skip cleanly without it), and a list page goes through a real `monitor run`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urljoin

import pytest

from monitor.sources.links import carries_address, is_share_link, parse_list_page, script_links, site_of
from tests.support.http import LocalServer
from tests.support.realworld import require
from tests.support.sources import HTML, KAIFENG, MIANYANG, queue, run_monitor, serve_page

TJYUN = "outlets/tjyun.com_home_2018-03-17.html"
TJYUN_PATTERN = r"tjyun\.com/system/\d{4}/\d{2}/\d{2}/\d+\.shtml"
TIBET = "pages/cwce/chinatibetnews.com_aefcf136/original.html"
TIBET_URL = "http://epaper.chinatibetnews.com/xzrb/202202/13/content_128707.html"  # as SOURCES.md infers it
TIBET_PATTERN = r"chinatibetnews\.com/xzrb/\d{6}/\d{2}/content_\d+\.html"
CHINA_DAILY = "pages/newspaper4k/chinese_article_001.html"
CHINA_DAILY_URL = "https://china.chinadaily.com.cn/a/202311/17/WS65571297a310d5acd876f404.html"
CHINA_DAILY_PATTERN = r"chinadaily\.com\.cn/a/\d{6}/\d{2}/WS[0-9a-f]{24}\.html"


# --- the real pages, read in place ---------------------------------------------------------------


def test_tjyun_front_page_yields_every_article_of_its_script_array() -> None:
    text = (require() / TJYUN).read_text("utf-8")
    in_script = set(re.findall(r'"url":"(http://www\.tjyun\.com/system/[^"]+)"', text))
    in_anchors = {url for url in re.findall(r'href="([^"]+)"', text) if re.search(TJYUN_PATTERN, url)}
    assert len(in_script) == 99 and len(in_script - in_anchors) == 96, "the specimen as SOURCES.md describes it"
    entries = parse_list_page(text, "https://www.tjyun.com/", TJYUN_PATTERN)
    found = {entry.url for entry in entries}
    assert in_script <= found and in_anchors <= found
    assert len(entries) == len(in_script | in_anchors) == 115
    titles = {entry.url: entry.title for entry in entries}
    assert titles["http://www.tjyun.com/system/2018/03/17/035207711.shtml"] == "二月二龙抬头 煎焖子绘彩龙", \
        "a script address takes the title of its object"


def test_tibet_daily_e_paper_yields_its_area_links() -> None:
    text = (require() / TIBET).read_bytes().decode("utf-8-sig")
    entries = parse_list_page(text, TIBET_URL, TIBET_PATTERN)
    assert [entry.url for entry in entries] == [urljoin(TIBET_URL, f"content_1287{n:02d}.html") for n in range(4, 11)]


def test_china_daily_share_links_never_count() -> None:
    text = (require() / CHINA_DAILY).read_text("utf-8")
    hrefs = {urljoin(CHINA_DAILY_URL, html.unescape(h)) for h in re.findall(r'href="([^"]+)"', text)}
    shares = {h for h in hrefs if re.search(CHINA_DAILY_PATTERN, h) and "chinadaily.com.cn" not in h.split("/")[2]}
    assert len(shares) == 5, "linkedin, weibo, qzone, twitter, facebook: each carries the article's address"
    entries = parse_list_page(text, CHINA_DAILY_URL, CHINA_DAILY_PATTERN)
    assert len(entries) >= 50
    assert not [entry.url for entry in entries if entry.url in shares or carries_address(entry.url)]
    assert all(site_of(entry.url.split("/")[2]) == "chinadaily.com.cn" for entry in entries)


# --- the rules -------------------------------------------------------------------------------------------


def _page(*links: str, script: str = "") -> str:
    anchors = "".join(f"<li>{link}</li>" for link in links)
    return f"<html><body><ul>{anchors}</ul><script>{script}</script></body></html>"


def test_links_are_on_the_pages_own_site_unless_the_pattern_names_a_host() -> None:
    page = _page('<a href="/2026/content_1.htm">本站</a>', '<a href="http://m.example.cn/2026/content_2.htm">子域</a>',
                 '<a href="http://example.cn.evil.com/2026/content_3.htm">仿冒</a>',
                 '<a href="http://other.cn/2026/content_4.htm">他站</a>')
    entries = parse_list_page(page, "http://www.example.cn/list/", r"content_\d+\.htm")
    assert [entry.url for entry in entries] == ["http://www.example.cn/2026/content_1.htm",
                                                "http://m.example.cn/2026/content_2.htm"]
    widened = parse_list_page(page, "http://www.example.cn/list/", r"(example|other)\.cn/2026/content_\d+|other\.cn/")
    assert "http://other.cn/2026/content_4.htm" in [entry.url for entry in widened]
    assert "http://example.cn.evil.com/2026/content_3.htm" not in [entry.url for entry in widened]


def test_share_and_redirect_links_never_count_even_on_the_own_site() -> None:
    target = "http://www.example.cn/2026/content_9.htm"
    page = _page(f'<a href="/redirect?url={quote(target)}&content_1.htm">跳转</a>',
                 f'<a href="http://service.weibo.com/share/share.php?url={target}">微博</a>',
                 '<a href="http://twitter.com/share?text=content_5.htm">推特</a>',
                 '<a href="/2026/content_2.htm">文章</a>')
    entries = parse_list_page(page, "http://www.example.cn/", r"content_\d+\.htm")
    assert [entry.url for entry in entries] == ["http://www.example.cn/2026/content_2.htm"]
    assert is_share_link("https://sns.qzone.qq.com/cgi-bin/qzshare/cgi_qzshare_onekey?url=x")


def test_area_links_with_their_alt_titles_and_script_literals() -> None:
    page = ('<html><body><map name="m"><area shape="rect" coords="0,0,1,1" href="content_7.html" alt="头版头条">'
            '</map><script>var list=["http:\\/\\/www.example.cn\\/a\\/content_8.html", \'/a/content_9.html\'];'
            'var other = {"url": "//img.example.cn/x.jpg"};</script></body></html>')
    entries = parse_list_page(page, "http://www.example.cn/a/node_1.html", r"content_\d+\.html")
    assert [(entry.url, entry.title) for entry in entries] == [
        ("http://www.example.cn/a/content_7.html", "头版头条"),
        ("http://www.example.cn/a/content_8.html", None),
        ("http://www.example.cn/a/content_9.html", None)]


def test_script_links_find_quoted_addresses_only() -> None:
    script = 'var a = "http://x.cn/1.html"; b = 3 / 4; c = \'//y.cn/2\'; d = "/3.shtml"; e = "not/a/link";'
    assert [url for url, _, _ in script_links(script, "http://x.cn/")] == [
        "http://x.cn/1.html", "http://y.cn/2", "http://x.cn/3.shtml"]


def test_a_fragment_link_is_no_link() -> None:
    page = _page('<a href="#top">上一期</a>', '<a href="">空</a>')
    assert parse_list_page(page, "http://www.example.cn/content_1.htm", r"content_\d+") == ()


# --- through `monitor run` ---------------------------------------------------------------------------------


@pytest.fixture
def site() -> Iterator[LocalServer]:
    with LocalServer("127.0.0.2") as server:
        yield server


def test_a_list_page_with_script_and_area_links_in_a_run(site: LocalServer, tmp_path: Path) -> None:
    serve_page(site, "/system/2026/11/20/001.shtml", "launch_kaifeng.html")
    serve_page(site, "/system/2026/11/25/002.shtml", "launch_mianyang.html")
    serve_page(site, "/system/2026/11/21/003.shtml", "ordinary.html")
    share = site.url("/system/2026/11/21/003.shtml")
    site.route("/", headers=HTML, body=(
        "<html><body><map><area href='/system/2026/11/25/002.shtml' alt='绵阳'></map>"
        f"<a href='http://service.weibo.com/share/share.php?url={share}'>分享</a>"
        f"<a href='/out?url={quote(share)}'>/system/2026/11/21/003.shtml</a>"
        '<script>var json = [{"title": "开封", "url": "http:\\/\\/127.0.0.2:' + str(site.port)
        + '\\/system\\/2026\\/11\\/20\\/001.shtml"}];</script></body></html>'))
    outlet = ('[[outlets]]\nname = "津云"\nlevel = "provincial"\nprovince = "天津市"\n[[outlets.pages]]\n'
              f'url = "{site.url("/")}"\n' + "links = 'system/\\d{4}/\\d{2}/\\d{2}/\\d+\\.shtml'\n")

    result, db = run_monitor(tmp_path, outlet)

    assert result.exit_code == 0, result.output
    assert sorted(item["center"] for item in queue(db)) == sorted([KAIFENG, MIANYANG])
    assert not site.requests_for("/system/2026/11/21/003.shtml"), "share and redirect links are not articles"
