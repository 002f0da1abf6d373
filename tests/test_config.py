"""Tests of monitor.sources.config: the real feeds.toml, one file per bad case, and the config path.

Each tests/data/config/bad-*.toml states what it expects in header comments of the form
``# expect: LINE TEXT`` (LINE may be ``LINE:COLUMN``): loading the file must raise one ConfigError
with exactly one message line per expectation, each starting with ``FILE:LINE:`` and containing TEXT.
"""

from __future__ import annotations

import logging
import re
from itertools import pairwise, takewhile
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from monitor.errors import ConfigError
from monitor.models import FetchSettings, HealthLimits, RunSettings
from monitor.sources.config import (
    API_KEYS,
    CONFIG_ENV,
    DEFAULT_CONFIG,
    OUTLET_KEYS,
    PAGE_KEYS,
    SEARCH_KEYS,
    config_path,
    load_config,
    parse_config,
    province_names,
)

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "config"
REAL = ROOT / "feeds.toml"
NOT_MAINLAND = {"香港特别行政区", "澳门特别行政区", "台湾省"}
EXPECT = re.compile(rb"^# expect: (\d+(?::\d+)?) (.+)$", re.MULTILINE)
BAD_FILES = sorted(DATA.glob("bad-*.toml"))


def expectations(path: Path) -> list[tuple[str, str]]:
    """The (line, text) pairs a fixture expects; read as bytes since one fixture is not UTF-8."""
    return [(m[1].decode(), m[2].decode("utf-8").strip()) for m in EXPECT.finditer(path.read_bytes())]


def error_lines(path: Path) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_config(path)
    return str(info.value).splitlines()


# --- one bad file per case -------------------------------------------------------------------------


def test_there_are_bad_cases() -> None:
    assert len(BAD_FILES) >= 20


@pytest.mark.parametrize("path", BAD_FILES, ids=lambda p: p.stem)
def test_bad_file_is_reported_with_file_line_and_key(path: Path) -> None:
    expected = expectations(path)
    assert expected, f"{path.name} states no '# expect: LINE TEXT'"
    lines = error_lines(path)
    for where, text in expected:
        prefix = f"{path}:{where}:"
        assert any(line.startswith(prefix) and text in line for line in lines), (
            f"expected a line starting {prefix!r} containing {text!r}; got:\n" + "\n".join(lines)
        )
    assert len(lines) == len(expected), "unexpected extra errors:\n" + "\n".join(lines)


def test_all_errors_of_a_file_come_together_sorted_by_line() -> None:
    lines = error_lines(DATA / "bad-many.toml")
    numbers = [int(line.split(":")[1]) for line in lines]
    assert len(lines) == 5
    assert numbers == sorted(numbers)


def test_typo_in_key_suggests_the_right_key() -> None:
    (line,) = error_lines(DATA / "bad-unknown-key.toml")
    assert "did you mean 'feeds'?" in line


def test_short_province_name_suggests_the_full_name() -> None:
    (line,) = error_lines(DATA / "bad-province-short.toml")
    assert "'河南省'" in line


def test_message_names_the_outlet() -> None:
    (line,) = error_lines(DATA / "bad-level.toml")
    assert "新华网" in line


# --- good files ------------------------------------------------------------------------------------


def test_minimal_file_takes_fetch_defaults() -> None:
    config = load_config(DATA / "good-minimal.toml")
    assert config.fetch == FetchSettings()
    assert (config.health, config.run) == (HealthLimits(), RunSettings())
    assert (config.health.frozen_days, config.run.backfill_days) == (30, 60)
    (outlet,) = config.outlets
    assert (outlet.name, outlet.level, outlet.province) == ("人民网", "central", None)
    assert outlet.feeds == ("http://www.people.com.cn/rss/politics.xml",)
    assert (outlet.pages, outlet.language, outlet.checked) == ((), "zh", "never")


def test_partial_fetch_table_overrides_only_its_keys() -> None:
    fetch = load_config(DATA / "good-partial-fetch.toml").fetch
    assert fetch.timeout == 5.0 and isinstance(fetch.timeout, float)
    assert fetch.workers == 2
    assert fetch.user_agent.startswith("monitor-test/1.0")
    defaults = FetchSettings()
    assert (fetch.retries, fetch.max_bytes, fetch.respect_robots) == (
        defaults.retries,
        defaults.max_bytes,
        defaults.respect_robots,
    )


def test_sample_world_shape_with_local_addresses_loads() -> None:
    config = load_config(DATA / "good-sample-world.toml")
    assert [o.level for o in config.outlets] == ["central", "provincial", "county"]
    assert config.fetch.host_delay == 0.0 and config.fetch.retries == 0
    page = config.outlets[1].pages[0]
    assert page.url == "http://127.0.0.1:8765/dahe/list.html"
    assert re.search(page.links, "http://127.0.0.1:8765/dahe/2025/03-12/1234.html")
    assert config.outlets[2].feeds and config.outlets[2].pages


def test_unreplaced_base_token_is_rejected() -> None:
    text = '[[outlets]]\nname = "x"\nlevel = "central"\nfeeds = ["__BASE__/people/rss.xml"]\n'
    with pytest.raises(ConfigError, match=r"samples\.toml:4: outlets\[0\]\.feeds\[0\]"):
        parse_config(text, "samples.toml")


def test_optional_keys_inline_pages_and_toml_date() -> None:
    daily, cnpc = load_config(DATA / "good-optional-keys.toml").outlets
    assert (daily.language, daily.note, daily.checked) == ("en", "English edition", "2025-06-01")
    assert daily.homepage == "https://www.chinadaily.com.cn/"
    assert daily.pages[0].links == r"WS[0-9a-f]{24}\.html"
    assert (cnpc.level, cnpc.province, len(cnpc.pages)) == ("enterprise", None, 1)


def test_health_and_run_tables_set_the_frozen_and_backfill_days() -> None:
    text = ('[health]\nfrozen_days = 90\n[run]\nbackfill_days = 7\n'
            '[[outlets]]\nname = "x"\nlevel = "central"\nfeeds = ["http://a.cn/rss.xml"]\n')
    config = parse_config(text)
    assert (config.health.frozen_days, config.run.backfill_days) == (90, 7)


def test_sitemaps_listings_and_query_sources_load() -> None:
    outlets = {o.name: o for o in load_config(DATA / "good-new-kinds.toml").outlets}
    people, cctv, search = outlets["人民网"], outlets["央视网"], outlets["新闻搜索"]
    assert people.sitemaps == ("http://www.people.cn/sitemap_index.xml",) and people.robots_sitemaps
    (listing,) = cctv.api
    assert (listing.items, listing.link, listing.title, listing.date) == ("data.list", "url", "title", "focus_date")
    feed, page, api = search.search
    assert (feed.format, feed.queries, feed.links, feed.listing) == ("feed", (), None, None)
    assert (page.format, page.links, page.queries) == ("html", r"content_\d+\.htm", ("国际传播中心", "国际传媒中心"))
    assert api.format == "json" and api.listing is not None
    assert (api.listing.items, api.listing.link, api.listing.url) == ("result.list", "info.url", api.url)


def test_parse_config_names_the_given_path() -> None:
    with pytest.raises(ConfigError, match=r"^<string>:2: outlets\[0\] has no name"):
        parse_config('\n[[outlets]]\nlevel = "central"\nfeeds = ["http://a.cn/rss.xml"]\n')


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "feeds.toml"
    path.write_bytes(b"\xef\xbb\xbf" + (DATA / "good-minimal.toml").read_bytes())
    assert load_config(path).outlets[0].name == "人民网"


def test_missing_file_says_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.toml"
    with pytest.raises(ConfigError, match=r"nowhere\.toml: cannot read") as info:
        load_config(path)
    assert CONFIG_ENV in str(info.value) and "--config" in str(info.value)


def test_url_shared_by_two_outlets_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    text = "".join(
        f'[[outlets]]\nname = "{name}"\nlevel = "central"\nfeeds = ["http://a.cn/rss.xml"]\n'
        for name in ("甲", "乙")
    )
    with caplog.at_level(logging.WARNING, logger="monitor.sources.config"):
        config = parse_config(text, "feeds.toml")
    assert len(config.outlets) == 2
    assert "http://a.cn/rss.xml is listed by both 甲 and 乙" in caplog.text


def test_province_names_are_the_34_full_names() -> None:
    names = province_names()
    assert len(names) == 34
    assert {"河南省", "广西壮族自治区", "重庆市", "新疆维吾尔自治区"} <= set(names)
    assert "河南" not in names


# --- the real feeds.toml ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_text() -> str:
    return REAL.read_text(encoding="utf-8")


def test_real_file_loads_with_default_fetch_settings() -> None:
    config = load_config(REAL)
    assert config.path == str(REAL)
    assert config.fetch == FetchSettings(), "[fetch] in feeds.toml must show the defaults of FetchSettings"
    assert config.health == HealthLimits() and config.run == RunSettings(), "[health] and [run] show the defaults"


def test_real_file_has_central_outlets() -> None:
    central = {o.name for o in load_config(REAL).outlets if o.level == "central"}
    assert len(central) >= 7
    assert {
        "人民网",
        "新华网",
        "中国新闻网",
        "中国日报网",
        "央视网",
        "CGTN",
        "光明网",
        "中国政府网",
    } <= central


def test_real_file_covers_all_31_mainland_province_level_units() -> None:
    provincial = {o.province for o in load_config(REAL).outlets if o.level == "provincial"}
    mainland = set(province_names()) - NOT_MAINLAND
    assert len(mainland) == 31
    assert mainland <= provincial, f"missing: {sorted(mainland - provincial)}"


def test_real_file_every_outlet_has_a_source_and_is_unchecked() -> None:
    for outlet in load_config(REAL).outlets:
        assert outlet.feeds or outlet.pages or outlet.sitemaps or outlet.api or outlet.search, outlet.name
        assert outlet.checked == "never", outlet.name


def test_real_file_keeps_the_known_feed_addresses() -> None:
    feeds = {url for outlet in load_config(REAL).outlets for url in outlet.feeds}
    assert {
        "http://www.people.com.cn/rss/politics.xml",
        "http://www.people.com.cn/rss/society.xml",
        "http://www.people.com.cn/rss/haixia.xml",
        "http://www.xinhuanet.com/politics/news_politics.xml",
        "http://www.xinhuanet.com/local/news_province.xml",
        "http://www.chinanews.com/rss/scroll-news.xml",
    } <= feeds


def test_real_file_link_patterns_do_not_take_their_own_list_page() -> None:
    for outlet in load_config(REAL).outlets:
        for page in outlet.pages:
            assert not re.search(page.links, page.url), (outlet.name, page.url)


# Article addresses that ../shared/realworld/outlets/EVIDENCE.md (and the saved pages it cites) gives for each
# outlet: real addresses where a page shows one, else an address of the shape the evidence states.
EVIDENCE_ARTICLES = {
    "人民网": ["http://politics.people.com.cn/n1/2024/0424/c1001-40223222.html",
            "http://culture.people.com.cn/n1/2019/0308/c1013-30964005.html",
            "http://js.people.com.cn/n2/2021/1109/c360303-34996904.html",  # provincial subsite, /n2/
            "http://gx.people.com.cn/n2/2018/1226/c229131-32456513.html",
            "http://v.people.cn/n1/2019/0522/c187594-31098223.html"],  # the people.cn domain
    "新华网": ["http://www.news.cn/20240424/b3e483975ed64224afba3567f940a0b0/c.html",  # new form, no channel
            "https://www.news.cn/politics/20240424/b3e483975ed64224afba3567f940a0b0/c.html",  # with a channel
            "http://www.news.cn/2023-11/17/c_1212302829.htm",  # old form without a channel segment
            "http://www.news.cn/fortune/2023-11/17/c_1129981476.htm",
            "http://www.xinhuanet.com/world/2019-12/10/c_1125327450.htm",
            "http://www.xinhuanet.com/politics/2020-02/19/c_1125598009.htm"],
    "中国新闻网": ["http://www.chinanews.com/ll/2020/07-04/9229287.shtml",
              "https://www.chinanews.com.cn/gn/2023/11-17/10113456.shtml"],
    "中国日报网": ["https://china.chinadaily.com.cn/a/202311/17/WS65571297a310d5acd876f404.html",
              "https://cn.chinadaily.com.cn/a/202307/31/WS64c7233ba3109d7585e4733e.html"],
    "China Daily": ["https://www.chinadaily.com.cn/a/202311/17/WS65571297a310d5acd876f404.html"],
    "光明网": ["http://politics.gmw.cn/2017-02/20/content_23766334.htm",
            "http://news.gmw.cn/2017-03/10/content_23932721.htm",
            "http://www.gmw.cn/ny/2016-06/02/content_20390690.htm",  # a path segment before the date
            "http://www.gmw.cn/content/2011-02/14/content_1609313.htm"],
    "中国政府网": ["https://www.gov.cn/lianbo/difang/202311/content_6915678.htm"],
    "央广网": ["https://news.cnr.cn/native/gd/20231117/t20231117_526489123.shtml"],
    "中国网": ["http://news.china.com.cn/2023-11/17/content_116123456.shtml",
            "http://news.china.com.cn/2021-11/17/content_77876543.htm"],  # .htm until about 2022
    "环球网": ["https://china.huanqiu.com/article/4FRxYz3aBcD"],
    "中国青年网": ["http://news.youth.cn/gj/201607/t20160714_8284254.htm",
              "http://news.youth.cn/201611/t20161130_8898999.htm",  # no channel segment
              "http://edu.youth.cn/2015/1123/2882433.shtml"],  # the other CMS
    "中国石油新闻中心": ["http://news.cnpc.com.cn/system/2024/03/14/030112345.shtml"],
    "北京日报": ["https://news.bjd.com.cn/2024/03/14/10712345.shtml"],
    "天津日报": ["http://www.app2020.tjyun.com/jyapp/system/2026/03/14/059224428.shtml",
             "http://www.tjyun.com/system/2018/03/17/035206826.shtml",  # in the 2018 front page's script array
             "http://www.app.tjyun.com/jyapp/system/2017/03/16/032517299.shtml",
             "http://news.enorth.com.cn/system/2024/03/14/054712345.shtml"],
    "内蒙古日报": ["http://inews.nmgnews.com.cn/system/2024/03/14/013512345.shtml"],
    "辽宁日报": ["https://news.lnd.com.cn/system/2024/03/14/030412345.shtml"],
    "吉林日报": ["http://news.cnjiwang.com/gn/202403/3812345.html"],
    "黑龙江日报": ["https://heilongjiang.dbw.cn/system/2024/03/14/059212345.shtml"],
    "新华日报": ["https://www.xhby.net/content/s65f2a1b0e4b0c5d6a7b8c9d0.html"],
    "浙江日报": ["https://zjnews.zjol.com.cn/zjnews/202403/t20240314_26712345.shtml"],
    "安徽日报": ["http://ah.anhuinews.com/szxw/202403/t20240314_7712345.html"],
    "福建日报": ["http://fjnews.fjsen.com/2024-03/14/content_31612345.htm"],
    "江西日报": ["https://jiangxi.jxnews.com.cn/system/2024/03/14/020312345.shtml"],
    "大众日报": ["https://sd.dzwww.com/sdnews/202403/t20240314_12912345.htm"],
    "河南日报": ["http://www.henandaily.cn/2014/12-18/103950144.html",  # the paper's own site
             "https://news.dahe.cn/2021/03-02/812345.html",
             "http://www.dahe.cn/xwzx/zz/t20071017_1174552.htm"],
    "湖北日报": ["http://news.cnhubei.com/content/2024-03/14/content_17512345.html"],
    "湖南日报": ["https://news.voc.com.cn/article/202011/202011171234567890.html"],
    "南方日报": ["https://news.southcn.com/node_54a44f01a2/8a1b2c3d4e.shtml"],
    "广西日报": ["https://www.gxnews.com.cn/staticpages/20240314/newgx65f2a1b0-21512345.shtml"],
    "海南日报": ["http://www.hinews.cn/news/system/2020/11/17/032912345.shtml"],
    "四川日报": ["https://sichuan.scol.com.cn/ggxw/202311/58912345.html"],
    "西藏日报": ["https://www.xzxw.com/xw/xzyw/2024-03/14/content_1234567.html",
             "http://epaper.chinatibetnews.com/xzrb/202202/13/content_128707.html"],  # e-paper, <area> links
    "陕西日报": ["https://www.sxdaily.com.cn/2024-03/14/content_10612345.html"],
    "甘肃日报": ["https://gansu.gansudaily.com.cn/system/2024/03/14/030912345.shtml"],
    "青海日报": ["http://www.qhnews.com/newscenter/system/2024/03/14/013912345.shtml"],
    "宁夏日报": ["https://www.nxnews.net/sz/zzyw/202403/t20240314_9012345.html"],
    "新疆日报": ["https://www.ts.cn/xwzx/szxw/202403/t20240314_19876543.shtml"],
    "洛阳日报": ["https://news.lyd.com.cn/system/2024/03/14/032512345.shtml"],
    "广州日报": ["https://news.dayoo.com/guangzhou/202403/14/139995_54712345.htm"],
    "深圳特区报": ["https://www.sznews.com/news/content/2024-03/14/content_30712345.htm"],
}
# Share links carrying an article's address in their query string (chinadaily 2023 and chinanews 2020 saved
# pages), look-alike hosts, and the list pages a loose pattern took: no list-page pattern may take them.
NOT_ARTICLES = [
    "https://service.weibo.com/share/share.php?appkey=2152474398&type=3&title=t&url="
    "https://china.chinadaily.com.cn/a/202311/17/WS65571297a310d5acd876f404.html",
    "https://sns.qzone.qq.com/cgi-bin/qzshare/cgi_qzshare_onekey?title=t&url="
    "https://china.chinadaily.com.cn/a/202311/17/WS65571297a310d5acd876f404.html",
    "http://www.linkedin.com/shareArticle?mini=true&title=t&url="
    "https://china.chinadaily.com.cn/a/202311/17/WS65571297a310d5acd876f404.html",
    "https://www.facebook.com/sharer.php?title=t&u=https://china.chinadaily.com.cn/a/202311/17/"
    "WS65571297a310d5acd876f404.html",
    "https://twitter.com/share?text=t&url=https://china.chinadaily.com.cn/a/202311/17/WS65571297a310d5acd876f404.html",
    "http://service.weibo.com/share/share.php?url=http://www.chinanews.com/ll/2020/07-04/9229287.shtml",
    "http://service.weibo.com/share/share.php?url=http%3A%2F%2Fwww.chinanews.com%2Fll%2F2020%2F07-04%2F9229287.shtml",
    "https://twitter.com/share?url=http://politics.people.com.cn/n1/2024/0424/c1001-40223222.html",
    "http://bshare.optimix.asia/bshare_view?url=http://tech.gmw.cn/2017-03/10/content_23937776.htm",
    "http://www.people.com.cn.example.org/n1/2024/0424/c1001-40223222.html",
    "http://fakepeople.com.cn/n1/2024/0424/c1001-40223222.html",
    "http://www.news.cn.example.org/20240424/b3e483975ed64224afba3567f940a0b0/c.html",
    "https://china.huanqiu.com/article/index.html",
]


@pytest.mark.parametrize("name", sorted(EVIDENCE_ARTICLES))
def test_real_file_link_patterns_match_the_article_addresses_of_the_evidence(name: str) -> None:
    pages = {o.name: o.pages for o in load_config(REAL).outlets}[name]
    for url in EVIDENCE_ARTICLES[name]:
        assert any(re.search(page.links, url) for page in pages), (name, url)


def test_real_file_link_patterns_take_no_share_link_or_look_alike_host() -> None:
    patterns = [(o.name, p.links) for o in load_config(REAL).outlets for p in o.pages]
    for url in NOT_ARTICLES:
        assert not [name for name, links in patterns if re.search(links, url)], url


def test_real_file_every_list_page_pattern_is_anchored_on_its_host() -> None:
    """A pattern takes addresses on its own site only: the path of an article on another host, on a look-alike
    host, or inside another address's query string is not taken."""
    outlets = load_config(REAL).outlets
    assert all(page.links.startswith("^https?://") for o in outlets for page in o.pages)
    pages = {o.name: o.pages for o in outlets}
    for name, urls in EVIDENCE_ARTICLES.items():
        for url in urls:
            parts = urlsplit(url)
            elsewhere = (parts._replace(netloc="www.example.org").geturl(), f"https://share.example.org/s?url={url}",
                         parts._replace(netloc=parts.netloc + ".example.org").geturl())
            assert not [(page.links, other) for page in pages[name] for other in elsewhere
                        if re.search(page.links, other)]


def test_real_file_follows_the_evidence_on_sources() -> None:
    outlets = {o.name: o for o in load_config(REAL).outlets}
    assert outlets["人民网"].sitemaps == ("http://www.people.cn/sitemap_index.xml",)
    assert not [p for o in outlets.values() for p in o.pages if "local.people.com.cn" in p.url]  # seen nowhere
    cctv = outlets["央视网"]
    assert [(a.items, a.link, a.title, a.date) for a in cctv.api] == [("data.list", "url", "title", "focus_date")] * 2
    assert any("china_1.jsonp?cb=china" in a.url for a in cctv.api) and not cctv.feeds
    assert "https://zjnews.zjol.com.cn/xwzx/jrtt.xml" in outlets["浙江日报"].feeds
    assert {"http://www.chinanews.com/rss/world.xml", "http://www.chinanews.com/rss/finance.xml"} <= set(
        outlets["中国新闻网"].feeds)
    assert "https://sichuan.scol.com.cn/ggxw/" in [p.url for p in outlets["四川日报"].pages]
    homes = {o.homepage for o in outlets.values()}
    assert {"https://www.cnjiwang.com/", "https://www.ts.cn/", "https://www.xzxw.com/", "https://www.henandaily.cn/",
            "https://www.xhby.net/"} <= homes
    page_hosts = {p.url.split("/")[2] for o in outlets.values() for p in o.pages}
    assert {"www.hljnews.cn", "www.northnews.cn", "news.cnjiwang.com", "www.ts.cn", "www.xzxw.com"} <= page_hosts


def test_real_file_marks_the_frozen_feeds(real_text: str) -> None:
    """People's Daily's and Xinhua's RSS feeds are kept, each marked frozen where it is listed."""
    outlets = {o.name: o for o in load_config(REAL).outlets}
    for name in ("人民网", "新华网"):
        outlet = outlets[name]
        assert outlet.feeds and "frozen" in (outlet.note or ""), name
        for url in outlet.feeds:
            [line] = [line for line in real_text.splitlines() if f'"{url}"' in line]
            assert "# " in line and "frozen" in line.split("#", 1)[1], line
        assert outlet.sitemaps or outlet.pages, f"{name} keeps a live source beside its frozen feeds"


def test_real_file_has_commented_query_source_examples(real_text: str) -> None:
    commented = [line for line in real_text.splitlines() if line.startswith("#")]
    searches = [n for n, line in enumerate(commented) if line.strip() == "# [[outlets.search]]"]
    assert len(searches) >= 2
    formats = {commented[n + 2].split("=", 1)[1].split("#")[0].strip() for n in searches}
    assert {'"feed"', '"html"'} <= formats  # a news-search feed and a site search
    assert all("{query}" in commented[n + 1] for n in searches)
    assert not [o for o in load_config(REAL).outlets if o.search]  # examples only


def test_real_file_says_what_evidence_there_is_for_each_outlet(real_text: str) -> None:
    """Above each [[outlets]] a comment says what evidence there is, with its date (a year), or that there is none."""
    parts = real_text.split("\n[[outlets]]\n")
    for before, block in pairwise(parts):
        name = block.split('"', 2)[1]
        comment = " ".join(takewhile(lambda line: line.startswith("#"), reversed(before.rstrip("\n").splitlines())))
        assert re.search(r"evidence", comment, re.I), f"{name}: no comment on its evidence above it"
        assert "No evidence either way" in comment or re.search(r"\b20\d\d\b", comment), f"{name}: evidence of when?"


def test_real_file_documents_every_key(real_text: str) -> None:
    header = real_text.split("[fetch]\n", 1)[0]
    keys = (*OUTLET_KEYS, *PAGE_KEYS, *API_KEYS, *SEARCH_KEYS, *FetchSettings.__dataclass_fields__,
            *HealthLimits.__dataclass_fields__, *RunSettings.__dataclass_fields__)
    for key in keys:
        assert re.search(rf"^#\s+(\w+, )*{key}[\s,]", header, re.MULTILINE), f"key {key} is not explained at the top"
    for line in real_text.split("[fetch]\n", 1)[1].split("\n[[outlets]]", 1)[0].splitlines():
        assert not line.strip() or line.startswith(("[", "#")) or "#" in line, f"setting without a comment: {line}"


def test_real_file_shows_rsshub_only_as_a_comment(real_text: str) -> None:
    assert re.search(r"^#.*http://localhost:1200/", real_text, re.MULTILINE)
    urls = [u for o in load_config(REAL).outlets for u in (*o.feeds, *(p.url for p in o.pages))]
    assert not [u for u in urls if "localhost" in u or "127.0.0.1" in u]


# --- which file -------------------------------------------------------------------------------------


def test_config_path_prefers_the_option(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CONFIG_ENV, "/etc/monitor/env.toml")
    assert config_path("mine.toml") == Path("mine.toml")


def test_config_path_falls_back_to_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CONFIG_ENV, "/etc/monitor/env.toml")
    assert config_path(None) == Path("/etc/monitor/env.toml")


def test_config_path_defaults_to_feeds_toml(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(CONFIG_ENV, raising=False)
    assert config_path(None) == Path("feeds.toml") == Path(DEFAULT_CONFIG)
    monkeypatch.setenv(CONFIG_ENV, "")
    assert config_path(None) == Path("feeds.toml")
