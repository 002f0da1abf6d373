"""Query sources ([[outlets.search]]) through a real `monitor run` on local servers — feed, html and json
formats, queries from the lexicon, click-through links followed to the publisher, results attributed to the
outlet of their host, the private/loopback rule — and monitor.sources.search on its own.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.match.lexicon import DEFAULT_LEXICON_DIR, load_lexicon
from monitor.models import Outlet, PageSource, SearchSource
from monitor.sources.links import carried_address
from monitor.sources.search import Attribution, address_class, fill, may_follow, publisher_entries, search_urls
from tests.support.http import LocalServer
from tests.support.sources import (
    HTML,
    KAIFENG,
    MIANYANG,
    XML,
    articles,
    failures,
    queue,
    recently,
    rss,
    run_monitor,
    serve_page,
    sources,
    urlset,
)

PUBLIC_SEARCH = "93.184.216.34"  # a public address: reached only through the test's proxy, never the internet


@pytest.fixture
def hosts() -> Iterator[tuple[LocalServer, LocalServer, LocalServer]]:
    """The search host (127.0.0.4), a configured outlet's host (127.0.0.2) and a host no outlet has (127.0.0.3)."""
    with LocalServer("127.0.0.4") as search, LocalServer("127.0.0.2") as daily, LocalServer("127.0.0.3") as other:
        yield search, daily, other


def _daily(daily: LocalServer, extra: str = "") -> str:
    return (f'[[outlets]]\nname = "汴梁日报"\nlevel = "city"\nprovince = "河南省"\nhomepage = "{daily.url("/")}"\n'
            f"{extra}")


def _search(url: str, extra: str = "") -> str:
    return f'[[outlets]]\nname = "资讯搜索"\nlevel = "central"\n[[outlets.search]]\nurl = "{url}"\n{extra}'


def _click(search: LocalServer, target: str) -> str:
    """A news-search click-through link carrying the publisher's address (as Bing News writes them)."""
    return search.url(f"/news/apiclick.aspx?ref=FexRss&aid=&url={quote(target, safe='')}&c=123")


# --- through `monitor run` -------------------------------------------------------------------------


def test_a_news_search_feed_asks_the_lexicons_centers_and_goes_to_the_publishers(
        hosts: tuple[LocalServer, LocalServer, LocalServer], tmp_path: Path) -> None:
    search, daily, other = hosts
    kaifeng = serve_page(daily, "/a/kaifeng.html", "launch_kaifeng.html")
    mianyang = serve_page(other, "/a/mianyang.html", "launch_mianyang.html")
    search.route("/news/search", headers=XML, body=rss([(_click(search, kaifeng), "开封"),
                                                        (_click(search, mianyang), "绵阳")]))
    daily.route("/rss.xml", headers=XML, body=rss([(kaifeng, "开封国际传播中心揭牌成立")]))
    config = (_daily(daily, f'feeds = ["{daily.url("/rss.xml")}"]\n')
              + _search(search.url("/news/search?q={query}&format=rss")))

    result, db = run_monitor(tmp_path, config)

    assert result.exit_code == 0, result.output
    assert sorted((item["center"], item["mentions"]) for item in queue(db)) == sorted([(KAIFENG, 1), (MIANYANG, 1)])
    centers = [term.term for term in load_lexicon().by_category("center")]
    asked = sorted(unquote(urlsplit(r.path).query).split("&")[0] for r in search.requests_for("/news/search"))
    assert asked == sorted(f"q={term}" for term in centers), "one request per center term of the lexicon"
    assert not search.requests_for("/news/apiclick.aspx"), "click-through links are followed to the publisher"
    assert len(daily.requests_for("/a/kaifeng.html")) == 1, "found by the feed and by every search: fetched once"
    stored = articles(db)
    assert (stored[kaifeng]["outlet"], stored[kaifeng]["outlet_level"]) == ("汴梁日报", "city")
    assert (stored[mianyang]["outlet"], stored[mianyang]["outlet_level"]) == ("127.0.0.3", None)
    template = search.url("/news/search?q={query}&format=rss")
    row = sources(db)[template]
    assert (row["kind"], row["status"], row["outlet"]) == ("search", "ok", "资讯搜索")


def test_one_launch_found_by_a_feed_a_sitemap_a_listing_and_a_search_is_one_item(
        hosts: tuple[LocalServer, LocalServer, LocalServer], tmp_path: Path) -> None:
    search, daily, _ = hosts
    kaifeng = serve_page(daily, "/a/kaifeng.html", "launch_kaifeng.html")
    daily.route("/rss.xml", headers=XML, body=rss([(kaifeng, "开封国际传播中心揭牌成立")]))
    daily.route("/news.xml", headers=XML, body=urlset([(kaifeng, recently())], news=True))
    daily.route("/list.jsonp", headers=XML, body=f'list({{"data": {{"list": [{{"url": "{kaifeng}"}}]}}}})')
    search.route("/rss", headers=XML, body=rss([(_click(search, kaifeng), "开封")]))
    config = _daily(daily, (f'feeds = ["{daily.url("/rss.xml")}"]\nsitemaps = ["{daily.url("/news.xml")}"]\n'
                            f'[[outlets.api]]\nurl = "{daily.url("/list.jsonp?cb=list")}"\nitems = "data.list"\n'
                            'link = "url"\n'))
    config += _search(search.url("/rss?q={query}"), 'queries = ["国际传播中心", "国际传媒中心"]\n')

    result, db = run_monitor(tmp_path, config)

    assert result.exit_code == 0, result.output
    assert [(item["center"], item["mentions"]) for item in queue(db)] == [(KAIFENG, 1)]
    assert len(daily.requests_for("/a/kaifeng.html")) == 1
    assert {row["kind"] for row in sources(db).values()} == {"feed", "sitemap", "api", "search"}
    assert all(row["status"] == "ok" for row in sources(db).values())


def test_a_site_search_page_and_a_json_search(hosts: tuple[LocalServer, LocalServer, LocalServer],
                                             tmp_path: Path) -> None:
    search, daily, _ = hosts
    kaifeng = serve_page(daily, "/content/kaifeng.htm", "launch_kaifeng.html")
    ordinary = serve_page(daily, "/content/ordinary.htm", "ordinary.html")
    daily.route("/search", headers=HTML, body=(
        '<html><body><ul class="results">'
        f'<li><a href="/content/kaifeng.htm">开封国际传播中心揭牌成立</a></li>'
        '<li><a href="/search?q=x&page=2">下一页</a></li>'
        f'<li><a href="http://service.weibo.com/share/share.php?url={quote(ordinary)}">分享</a></li>'
        "</ul></body></html>"))
    search.route("/api/search", headers={"Content-Type": "application/json"}, body=json.dumps(
        {"result": {"list": [{"info": {"href": ordinary, "title": "农田水利"}}, {"info": {"href": kaifeng}}]}}))
    config = _daily(daily, (f'[[outlets.search]]\nurl = "{daily.url("/search?q={query}")}"\nformat = "html"\n'
                            "links = 'content/\\w+\\.htm'\nqueries = [\"国际传播中心\"]\n"))
    config += _search(search.url("/api/search?kw={query}"),
                      'format = "json"\nitems = "result.list"\nlink = "info.href"\ntitle = "info.title"\n'
                      'queries = ["国际传播中心", "国际传媒中心"]\n')

    result, db = run_monitor(tmp_path, config)

    assert result.exit_code == 0, result.output
    assert [(item["center"], item["mentions"]) for item in queue(db)] == [(KAIFENG, 1)]
    assert len(daily.requests_for("/content/kaifeng.htm")) == 1
    assert len(daily.requests_for("/content/ordinary.htm")) == 1
    assert len(search.requests_for("/api/search")) == 2 and len(daily.requests_for("/search")) == 1
    assert daily.requests_for("/search")[0].path.endswith("q=" + quote("国际传播中心", safe=""))
    assert articles(db)[ordinary]["outlet"] == "汴梁日报", "a json search's result on the outlet's host is the outlet's"


def test_a_public_search_host_may_not_lead_to_a_loopback_address(
        hosts: tuple[LocalServer, LocalServer, LocalServer], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The search host is a public address, reached through a local proxy (the test's stand-in for the
    internet); its results point at an article on 127.0.0.2 (not followed) and at one on another public
    address (followed, through the proxy)."""
    proxy, daily, _ = hosts
    serve_page(daily, "/a/kaifeng.html", "launch_kaifeng.html")
    serve_page(proxy, "/a/ordinary.html", "ordinary.html")  # what the proxy answers for http://93.184.216.35/...
    loopback = daily.url("/a/kaifeng.html")
    public = "http://93.184.216.35/a/ordinary.html"
    proxy.route("/rss", headers=XML, body=rss([(loopback, "开封"), (public, "农田")]))
    monkeypatch.setenv("HTTP_PROXY", proxy.base_url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,127.0.0.2,127.0.0.3,127.0.0.4,localhost")
    for name in ("http_proxy", "no_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)

    result, db = run_monitor(tmp_path, _search(f"http://{PUBLIC_SEARCH}/rss?q={{query}}",
                                               'queries = ["国际传播中心"]\n'))

    assert result.exit_code == 0, result.output
    assert proxy.requests_for("/rss"), "the search was asked through the proxy"
    assert not daily.requests_for("/a/kaifeng.html"), "a public search host never leads to a loopback address"
    assert queue(db) == []
    assert any("private or loopback" in reason and loopback in reason for _, reason in failures(db))
    assert len(proxy.requests_for("/a/ordinary.html")) == 1, "a public result is followed"
    assert articles(db)[public]["outlet"] == "93.184.216.35"


def test_a_challenge_instead_of_results_is_recorded_as_blocked_and_nothing_is_stored(
        hosts: tuple[LocalServer, LocalServer, LocalServer], tmp_path: Path) -> None:
    search, daily, _ = hosts
    kaifeng = serve_page(daily, "/a/kaifeng.html", "launch_kaifeng.html")
    search.route("/rss", status=521, headers=HTML, body=(
        '<html><head><script>document.cookie="__jsl_clearance=1700000000.1|0|abc";location.href=location.pathname'
        "</script></head><body></body></html>"))
    search.route("/ok", headers=XML, body=rss([(kaifeng, "开封")]))
    config = _search(search.url("/rss?q={query}"), 'queries = ["国际传播中心"]\n')
    config += f'[[outlets.search]]\nurl = "{search.url("/ok?q={query}")}"\nqueries = ["国际传播中心"]\n'

    result, db = run_monitor(tmp_path, config)

    assert result.exit_code == 0, result.output
    reasons = [reason for url, reason in failures(db) if "/rss?" in url]
    assert reasons and reasons[0].startswith("blocked (challenge)"), reasons
    assert len(search.requests_for("/rss")) == 1, "a challenge is not retried"
    assert sources(db)[search.url("/rss?q={query}")]["status"] == "failed"
    assert [item["center"] for item in queue(db)] == [KAIFENG], "the other query source of the outlet still counts"


def test_without_queries_or_center_terms_a_search_source_fails_with_its_reason(
        hosts: tuple[LocalServer, LocalServer, LocalServer], tmp_path: Path) -> None:
    search, _, _ = hosts
    lexicon = tmp_path / "lexicon"
    shutil.copytree(DEFAULT_LEXICON_DIR, lexicon)
    (lexicon / "centers.toml").write_text('category = "center"\n', "utf-8")
    template = search.url("/rss?q={query}")

    result, db = run_monitor(tmp_path, _search(template), args=["--lexicon", str(lexicon)])

    assert result.exit_code == 0, result.output
    assert not search.requests
    assert sources(db)[template]["status"] == "failed"
    assert any(url == template and "no queries" in reason for url, reason in failures(db))


def test_a_search_source_without_query_stops_the_run_with_file_line_and_key(tmp_path: Path) -> None:
    result, _ = run_monitor(tmp_path, _search("https://search.example.cn/rss?q=国际传播中心"))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert f"{tmp_path / 'feeds.toml'}:" in result.output and "outlets[0].search[0].url" in result.output
    assert "has no {query}" in result.output


def test_sources_check_reads_a_search_source_by_its_first_query(hosts: tuple[LocalServer, LocalServer, LocalServer],
                                                               tmp_path: Path) -> None:
    search, daily, _ = hosts
    kaifeng = serve_page(daily, "/a/kaifeng.html", "launch_kaifeng.html")
    search.route("/rss", headers=XML, body=rss([(_click(search, kaifeng), "开封")]))
    config = tmp_path / "feeds.toml"
    config.write_text(_search(search.url("/rss?q={query}"), 'queries = ["国际传媒中心", "国际传播中心"]\n'), "utf-8")
    result = CliRunner().invoke(cli, ["sources", "check", "--config", str(config), "--format", "json"])
    assert result.exit_code == 0, result.output
    (check,) = json.loads(result.stdout)
    assert (check["kind"], check["ok"], check["items"]) == ("search", True, 1)
    assert [r.path.split("q=")[1] for r in search.requests_for("/rss")] == [quote("国际传媒中心", safe="")]


# --- monitor.sources.search and links ------------------------------------------------------------------


@pytest.mark.parametrize(("link", "publisher"), [
    ("http://www.bing.com/news/apiclick.aspx?ref=FexRss&aid=&tid=1&url=https%3a%2f%2fwww.example.cn%2fa%2f1.html&c=1",
     "https://www.example.cn/a/1.html"),
    ("https://www.google.com/url?rct=j&sa=t&url=http://news.example.cn/2026/1.shtml&ct=ga",
     "http://news.example.cn/2026/1.shtml"),
    ("https://www.google.com/url?q=https://www.example.cn/1&sa=U", "https://www.example.cn/1"),
    ("http://r.example.com/go?target=http%3A%2F%2Fa.cn%2F1.html", "http://a.cn/1.html"),
    ("http://r.example.com/go?u=http%3A%2F%2Fr2.example.com%2Fgo%3Furl%3Dhttp%253A%252F%252Fa.cn%252F2.html",
     "http://a.cn/2.html"),
    ("http://search.example.cn/s?q=国际传播中心", None),
    ("http://a.cn/1.html", None),
])
def test_the_address_a_result_link_carries(link: str, publisher: str | None) -> None:
    assert carried_address(link) == publisher


def test_queries_are_url_encoded_and_asked_once_each() -> None:
    assert fill("http://s.cn/s?q={query}&x=1", "国际 传播&中心") == "http://s.cn/s?q=%E5%9B%BD%E9%99%85%20%E4%BC%A0%E6%92%AD%26%E4%B8%AD%E5%BF%83&x=1"
    search = SearchSource("http://s.cn/s?q={query}")
    assert [q for q, _ in search_urls(search, ["甲", "乙", "甲"])] == ["甲", "乙"]
    own = SearchSource("http://s.cn/s?q={query}", queries=("丙",))
    assert [q for q, _ in search_urls(own, ["甲"])] == ["丙"], "a source's own queries win over the lexicon's"


def test_publisher_entries_unwrap_and_drop_share_links() -> None:
    from monitor.models import FeedEntry

    entries = [FeedEntry("http://s.cn/click?url=http%3A%2F%2Fa.cn%2F1.html", "一"), FeedEntry("http://a.cn/1.html"),
               FeedEntry("http://service.weibo.com/share/share.php?url=http%3A%2F%2Fs.cn%2Fs%3Fq%3Dx")]
    assert [(e.url, e.title) for e in publisher_entries(entries)] == [("http://a.cn/1.html", "一")]


def test_a_result_belongs_to_the_outlet_of_its_host_else_to_the_host() -> None:
    people = Outlet("人民网", "central", None, ("http://www.people.com.cn/rss/politics.xml",))
    jiangsu = Outlet("人民网江苏", "provincial", "江苏省", (), (PageSource("http://js.people.com.cn/", "n2/"),))
    attribution = Attribution([people, jiangsu])
    assert attribution.outlet_for("http://js.people.com.cn/n2/2026/1.html") is jiangsu
    assert attribution.outlet_for("http://www.people.com.cn/n1/2026/1.html") is people
    assert attribution.outlet_for("http://politics.people.com.cn/n1/2026/1.html") is people, "the same site"
    unknown = attribution.outlet_for("https://News.Example.com/a.html")
    assert (unknown.name, unknown.level, unknown.province) == ("news.example.com", None, None)


@pytest.mark.parametrize(("host", "kind"), [
    ("127.0.0.2", "loopback"), ("localhost", "loopback"), ("::1", "loopback"), ("[::1]", "loopback"),
    ("10.1.2.3", "private"), ("192.168.0.9", "private"), ("169.254.1.1", "private"), ("fd00::1", "private"),
    ("93.184.216.34", "public"), ("2606:4700::1111", "public"),
])
def test_address_classes(host: str, kind: str) -> None:
    assert address_class(host) == kind


def test_names_are_judged_by_what_they_resolve_to() -> None:
    assert address_class("intranet.example.cn", lambda host: ["10.0.0.5"]) == "private"
    assert address_class("www.example.cn", lambda host: ["93.184.216.34"]) == "public"

    def unknown(host: str) -> list[str]:
        raise OSError("no such host")

    assert address_class("nowhere.example.cn", unknown) == "public", "unresolvable: the fetch fails anyway"


def test_only_a_private_or_loopback_source_may_lead_to_one() -> None:
    assert not may_follow("public", "loopback") and not may_follow("public", "private")
    assert may_follow("public", "public") and may_follow("loopback", "loopback") and may_follow("private", "loopback")
