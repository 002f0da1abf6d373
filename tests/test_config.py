"""Tests of monitor.sources.config: the real feeds.toml, one file per bad case, and the config path.

Each tests/data/config/bad-*.toml states what it expects in header comments of the form
``# expect: LINE TEXT`` (LINE may be ``LINE:COLUMN``): loading the file must raise one ConfigError
with exactly one message line per expectation, each starting with ``FILE:LINE:`` and containing TEXT.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from monitor.errors import ConfigError
from monitor.models import FetchSettings
from monitor.sources.config import (
    CONFIG_ENV,
    DEFAULT_CONFIG,
    OUTLET_KEYS,
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
        assert outlet.feeds or outlet.pages, outlet.name
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


def test_real_file_link_patterns_match_real_article_addresses() -> None:
    pages = {o.name: o.pages for o in load_config(REAL).outlets}
    samples = {  # addresses of real articles, from the specimens in ../shared/realworld
        "新华网": "http://www.news.cn/fortune/2023-11/17/c_1129981476.htm",
        "中国日报网": "https://china.chinadaily.com.cn/a/202311/17/WS65571297a310d5acd876f404.html",
        "光明网": "http://politics.gmw.cn/2017-02/20/content_23766334.htm",
        "人民网": "http://culture.people.com.cn/n1/2019/0308/c1013-30964005.html",
        "西藏日报": "http://epaper.chinatibetnews.com/xzrb/202202/13/content_128707.html",
        "河南日报": "http://www.dahe.cn/xwzx/zz/t20071017_1174552.htm",
    }
    for name, url in samples.items():
        assert any(re.search(page.links, url) for page in pages[name]), (name, url)


def test_real_file_documents_every_key(real_text: str) -> None:
    header = real_text.split("[fetch]\n", 1)[0]
    for key in (*OUTLET_KEYS, "url", "links", *FetchSettings.__dataclass_fields__):
        assert re.search(rf"^#\s+{key}\s", header, re.MULTILINE), f"key {key} is not explained at the top"


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
