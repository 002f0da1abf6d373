"""JSON and JSONP listings ([[outlets.api]]) through a real `monitor run` on local servers, and
monitor.sources.listings on its own: callback wrappers, dotted paths, Beijing-time dates, bad input.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor.models import ListingSource
from monitor.sources.listings import dig, listing_date, parse_listing, read_json
from tests.support.http import LocalServer
from tests.support.sources import KAIFENG, MIANYANG, articles, failures, queue, run_monitor, serve_page, sources

BEIJING = dt.timezone(dt.timedelta(hours=8))
CCTV = ListingSource("https://news.cctv.com/2019/07/gaiban/cmsdatainterface/page/china_1.jsonp?cb=china",
                     link="url", items="data.list", title="title", date="focus_date")
JS = {"Content-Type": "application/javascript; charset=utf-8"}


@pytest.fixture
def cctv() -> Iterator[LocalServer]:
    with LocalServer("127.0.0.3") as server:
        yield server


def _jsonp(callback: str, items: list[dict[str, object]]) -> str:
    return f"{callback}({json.dumps({'data': {'total': len(items), 'list': items}}, ensure_ascii=False)});"


def _outlet(urls: list[str]) -> str:
    tables = "".join(f'[[outlets.api]]\nurl = "{url}"\nitems = "data.list"\nlink = "url"\ntitle = "title"\n'
                     'date = "focus_date"\n' for url in urls)
    return f'[[outlets]]\nname = "央视网"\nlevel = "central"\n{tables}'


# --- through `monitor run` -------------------------------------------------------------------------


def test_a_jsonp_listing_brings_its_launches_to_the_queue(cctv: LocalServer, tmp_path: Path) -> None:
    kaifeng = serve_page(cctv, "/2026/11/20/ARTIkaifeng.shtml", "launch_kaifeng.html")
    mianyang = serve_page(cctv, "/2026/11/25/ARTImianyang.shtml", "launch_mianyang.html")
    now = dt.datetime.now(BEIJING).strftime("%Y-%m-%d %H:%M:%S")
    cctv.route("/page/china_1.jsonp", headers=JS, body="/**/" + _jsonp("china", [
        {"url": kaifeng, "title": "开封国际传播中心揭牌成立", "focus_date": now},
        {"url": "/2026/11/25/ARTImianyang.shtml", "title": "绵阳国际传播中心正式成立", "focus_date": now},
        {"url": kaifeng, "title": "repeated", "focus_date": now},
    ]))
    listing = cctv.url("/page/china_1.jsonp?cb=china")

    result, db = run_monitor(tmp_path, _outlet([listing]))

    assert result.exit_code == 0, result.output
    assert sorted((item["center"], item["mentions"]) for item in queue(db)) == sorted([(KAIFENG, 1), (MIANYANG, 1)])
    assert len(cctv.requests_for("/2026/11/20/ARTIkaifeng.shtml")) == 1
    stored = articles(db)
    assert stored[mianyang]["source_url"] == listing and stored[mianyang]["outlet"] == "央视网"
    row = sources(db)[listing]
    assert (row["kind"], row["status"], row["items"]) == ("api", "ok", 2)
    assert row["newest"] == dt.datetime.now(BEIJING).date().isoformat(), "the listing's own dates, Beijing time"


BAD_LISTINGS = {
    "/wrong_callback.jsonp": ('var china = {"data": {"list": []}};', "not JSON nor a JSONP callback"),
    "/truncated.jsonp": ('china({"data": {"list": [{"url": "http://127.0.0.3/a.shtml", "tit',
                         "JSONP china(...) cut short"),
    "/unclosed.jsonp": ('china({"data": {"list": []}}', "is never closed"),
    "/wrong_path.json": ('{"data": {"items": [{"url": "http://127.0.0.3/a.shtml"}]}}',
                         "no array of items at 'data.list'"),
    "/no_links.json": ('{"data": {"list": [{"href": "http://127.0.0.3/a.shtml"}]}}', "has an address under 'url'"),
    "/page.html": ("<!DOCTYPE html><html><body>维护中</body></html>", "not JSON"),
}


def test_bad_listings_are_recorded_with_their_reason_and_the_run_goes_on(cctv: LocalServer, tmp_path: Path) -> None:
    kaifeng = serve_page(cctv, "/a/kaifeng.shtml", "launch_kaifeng.html")
    for path, (body, _) in BAD_LISTINGS.items():
        cctv.route(path, headers=JS, body=body)
    cctv.route("/good.jsonp", headers=JS, body=_jsonp("news", [{"url": kaifeng, "title": "t", "focus_date": None}]))
    urls = [cctv.url(path) for path in BAD_LISTINGS] + [cctv.url("/good.jsonp")]

    result, db = run_monitor(tmp_path, _outlet(urls))

    assert result.exit_code == 0, result.output
    assert [item["center"] for item in queue(db)] == [KAIFENG], "a callback of any name is read"
    recorded = dict(failures(db))
    rows = sources(db)
    for path, (_, reason) in BAD_LISTINGS.items():
        assert reason in recorded[cctv.url(path)], (path, recorded[cctv.url(path)])
        assert rows[cctv.url(path)]["status"] == "failed"


# --- monitor.sources.listings ----------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    'china({"a": 1})',
    'china({"a": 1});',
    '/**/ china({"a": 1});\n',
    "/**/typeof china === 'function' && china({\"a\": 1});",
    'jQuery1830_1({"a": 1})',
    'window.cb.list({"a": 1})',
    '\ufeff{"a": 1}',
])
def test_the_callback_wrapper_is_stripped_whatever_its_name(text: str) -> None:
    assert read_json(text) == ({"a": 1}, None)


def test_a_cctv_listing_reads_link_title_and_a_beijing_time_date() -> None:
    text = _jsonp("china", [{"url": "/2026/03/14/ARTI1.shtml", "title": " 标题  一 ",
                             "focus_date": "2026-03-14 09:30:00",
                             "brief": "…"}])
    parsed = parse_listing(text, CCTV.url, CCTV)
    assert parsed.error is None
    (entry,) = parsed.entries
    assert entry.url == "https://news.cctv.com/2026/03/14/ARTI1.shtml"
    assert entry.title == "标题 一"
    assert entry.published == dt.datetime(2026, 3, 14, 1, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(("value", "expected"), [
    ("2026-03-14 09:30:00", dt.datetime(2026, 3, 14, 1, 30, tzinfo=dt.UTC)),
    ("2026-03-14T09:30:00Z", dt.datetime(2026, 3, 14, 9, 30, tzinfo=dt.UTC)),
    ("2026-03-14T09:30:00+09:00", dt.datetime(2026, 3, 14, 0, 30, tzinfo=dt.UTC)),
    (1773451800, dt.datetime(2026, 3, 14, 1, 30, tzinfo=dt.UTC)),
    (1773451800000, dt.datetime(2026, 3, 14, 1, 30, tzinfo=dt.UTC)),
    ("1773451800000", dt.datetime(2026, 3, 14, 1, 30, tzinfo=dt.UTC)),
    ("yesterday", None),
    (None, None),
    (True, None),
])
def test_listing_dates(value: object, expected: dt.datetime | None) -> None:
    assert listing_date(value) == expected


def test_dotted_paths_step_into_objects_and_arrays() -> None:
    document = {"data": [{"list": [1, 2]}], "x": {"y": {"z": "u"}}}
    assert dig(document, "data.0.list") == [1, 2]
    assert dig(document, "x.y.z") == "u"
    assert dig(document, "") is document
    assert dig(document, "data.5.list") is None and dig(document, "x.q") is None


def test_items_may_be_the_document_itself_and_links_nested() -> None:
    listing = ListingSource("http://a.cn/l.json", link="info.href", date="info.time")
    parsed = parse_listing('[{"info": {"href": "http://a.cn/1.html", "time": "2026-01-02"}}, {"info": {}}]',
                           listing.url, listing)
    assert [entry.url for entry in parsed.entries] == ["http://a.cn/1.html"]
    assert parsed.entries[0].published == dt.datetime(2026, 1, 2, tzinfo=BEIJING)


@pytest.mark.parametrize(("text", "error"), [
    ("", "the response is empty"),
    ('china({"data": {"list": [', "cut short"),
    ('{"data": {"list": [1, }}', "malformed"),
    ('{"data": {"list": []}}', "is empty"),
    ('{"data": {"list": {"url": "x"}}}', "it holds dict (keys there: url)"),
    ('{"data": 3}', "no array of items at 'data.list'"),
])
def test_what_is_no_listing_says_why(text: str, error: str) -> None:
    parsed = parse_listing(text, CCTV.url, CCTV)
    assert parsed.entries == () and parsed.error is not None and error in parsed.error, parsed.error
