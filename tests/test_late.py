"""Late reports: an aggregator or mirror re-posts a launch report weeks or months later. The launch is kept,
dated from the original report and flagged late; a later article that only looks back on a launch is not
one; a late copy joins the queue item of its center, and a launch first seen in a late copy is queued late."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.models import Article, Event, Outlet
from monitor.run.contract import extract_lines
from monitor.run.ingest import Analyzer, NewArticle, ingest
from monitor.store.database import Store
from monitor.store.queue import get_item, list_items

WIRE = ("中新网洛阳9月6日电（记者 王明）9月6日，洛阳国际传播中心在洛阳市揭牌成立。该中心由洛阳日报社承建运营，"
        "洛阳师范学院与中心签署合作协议。\n洛阳是十三朝古都，中心将面向海外讲好河洛文化故事。")
# An aggregator's copy two months later: its own header above the original dateline, in traditional script.
LATE_COPY = ("首页 > 资讯 > 河南 > 正文\n發佈時間：2024-11-14 17:51:31　來源：中國新聞網\n"
             "中新網洛陽9月6日電（記者 王明）9月6日，洛陽國際傳播中心在洛陽市揭牌成立。該中心由洛陽日報社承建運營，"
             "洛陽師範學院與中心簽署合作協議。\n洛陽是十三朝古都，中心將面向海外講好河洛文化故事。")
# A copy without a dateline: the lede carries the launch and its day.
LEDE_COPY = ("发布时间：2026-02-03 11:20:45　来源：大众日报　编辑：孙晓\n"
             "大众日报讯 12月9日，开封国际传播中心成立揭牌仪式在开封传媒集团举行。该中心依托开封传媒集团组建，"
             "由开封市委宣传部统筹指导。\n（本文来源：大众日报）")
# A recent article that only looks back on an older launch.
BACKGROUND = ("本报讯 10月12日，洛阳国际传播中心举办海外网红古都行活动，20余名外国博主走进龙门石窟。\n"
              "洛阳国际传播中心于2024年9月揭牌成立，由洛阳日报社承建运营。")
LOOK_BACK_IN_A_COPY = ("发布时间：2025-12-01 09:00　来源：某某网\n"
                       "中新网洛阳11月28日电 28日，洛阳国际传播中心举办海外网红古都行活动。\n"
                       "洛阳国际传播中心于2024年9月6日揭牌成立，由洛阳日报社承建运营。")
ROUND_UP = ("岁末回眸：今年我市十件大事\n三、洛阳国际传播中心揭牌。9月6日，洛阳国际传播中心在洛阳市揭牌成立。\n"
            "四、高铁站建成投用。")
OUTLET = Outlet("河洛资讯网", "city", "河南省", ("http://hl.example.cn/rss.xml",))


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


def events(analyzer: Analyzer, text: str, published: dt.date | None, fetched: dt.date | None = None,
           url: str = "http://hl.example.cn/a.html") -> list[Event]:
    return analyzer.analyze(Article(url, None, text, published, fetched_on=fetched), "河南省").events


# -- the extractor: kept, dated from the original, flagged ---------------------------------------------


def test_a_timely_report_is_not_late(analyzer: Analyzer) -> None:
    [event] = events(analyzer, WIRE, dt.date(2024, 9, 6))
    assert (event.center, event.date, event.late) == ("洛阳国际传播中心", "2024-09-06", False)


def test_a_late_copy_under_its_own_header_is_dated_from_the_original_dateline(analyzer: Analyzer) -> None:
    [event] = events(analyzer, LATE_COPY, dt.date(2024, 11, 14))
    assert (event.date, event.late) == ("2024-09-06", True)


def test_without_published_the_copiers_header_dates_the_copy_not_the_launch(analyzer: Analyzer) -> None:
    [event] = events(analyzer, LATE_COPY, None)
    assert (event.date, event.late) == ("2024-09-06", True)


def test_a_late_copy_without_a_dateline_is_known_by_its_lede(analyzer: Analyzer) -> None:
    [event] = events(analyzer, LEDE_COPY, None)
    assert (event.center, event.date, event.late) == ("开封国际传播中心", "2025-12-09", True)


@pytest.mark.parametrize("text", [BACKGROUND, LOOK_BACK_IN_A_COPY])
def test_a_later_article_about_an_older_launch_is_no_event(analyzer: Analyzer, text: str) -> None:
    assert events(analyzer, text, dt.date(2025, 12, 1)) == []


def test_a_feature_telling_this_years_founding_reports_it_late(analyzer: Analyzer) -> None:
    feature = ("洛阳打造传播新模式\n近年来，洛阳依托高校集聚优势，不断搭平台、建阵地。\n"
               "今年6月，洛阳市委宣传部与洛阳师范学院举行校地合作仪式，成立洛阳国际传播中心。随后，该中心组织留学生"
               "拍摄短视频。")
    [event] = events(analyzer, feature, dt.date(2025, 11, 20))
    assert (event.center, event.date, event.late) == ("洛阳国际传播中心", "2025-06", True)


def test_a_founding_this_year_described_in_passing_is_no_event(analyzer: Analyzer) -> None:
    passing = ("本报讯 11月8日，洛阳国际传播中心举办海外网红古都行活动，20余名外国博主走进龙门石窟。\n"
               "洛阳国际传播中心于今年2月成立，由洛阳日报社承建运营。")
    assert events(analyzer, passing, dt.date(2025, 11, 9)) == []


def test_a_look_back_over_the_year_keeps_no_launch_of_months_ago(analyzer: Analyzer) -> None:
    assert events(analyzer, ROUND_UP, dt.date(2024, 12, 28)) == []


def test_in_a_run_the_fetch_date_gives_the_year_and_judges_the_age(analyzer: Analyzer) -> None:
    """A page without any date, fetched in January: the December launch gets its year; one fetched a year
    later is a late report of it."""
    text = LEDE_COPY.split("\n", 1)[1]
    [event] = events(analyzer, text, None, fetched=dt.date(2026, 1, 5))
    assert (event.date, event.late) == ("2025-12-09", False)
    [later] = events(analyzer, text, None, fetched=dt.date(2026, 11, 5))
    assert (later.date, later.late) == ("2025-12-09", True)


def test_the_contract_says_late_and_keeps_a_date_without_a_year(analyzer: Analyzer) -> None:
    lines = [json.dumps({"url": "u1", "title": None, "text": LATE_COPY, "published": "2024-11-14"}),
             json.dumps({"url": "u2", "title": None, "text": WIRE.split("）", 1)[1], "published": None})]
    out = [e.to_contract() for e in extract_lines(lines, analyzer, lambda number, reason: None)]
    assert [(o["url"], o["date"], o["late"]) for o in out] == [("u1", "2024-09-06", True), ("u2", "--09-06", False)]


# -- the store: copies join the item; a launch first seen late is queued late ---------------------------


def _ingest(store: Store, analyzer: Analyzer, url: str, text: str, published: dt.date | None) -> int:
    article = Article(url, None, text, published, fetched_on=dt.date(2024, 11, 20))
    found = NewArticle(article, OUTLET, OUTLET.feeds[0], text.encode("utf-8"), "utf-8")
    return ingest(store, found, analyzer.analyze(article, OUTLET.province), analyzer.lexicon_version).new_items


def test_a_late_copy_joins_the_item_of_the_original(store: Store, analyzer: Analyzer) -> None:
    assert _ingest(store, analyzer, "http://ly.example.cn/1.html", WIRE, dt.date(2024, 9, 6)) == 1
    assert _ingest(store, analyzer, "http://hl.example.cn/2.html", LATE_COPY, dt.date(2024, 11, 14)) == 0
    [item] = list_items(store)
    assert (item.mentions, item.date, item.late) == (2, "2024-09-06", False)
    assert store.db.execute("SELECT late FROM events ORDER BY article_id").fetchall() == [(0,), (1,)]


def test_a_launch_first_seen_in_a_late_copy_is_queued_late_until_a_timely_report_joins(
        store: Store, analyzer: Analyzer) -> None:
    assert _ingest(store, analyzer, "http://hl.example.cn/2.html", LATE_COPY, dt.date(2024, 11, 14)) == 1
    [item] = list_items(store)
    assert (item.center, item.date, item.late) == ("洛阳国际传播中心", "2024-09-06", True)
    assert _ingest(store, analyzer, "http://ly.example.cn/1.html", WIRE, dt.date(2024, 9, 6)) == 0
    assert get_item(store, item.id).late is False


def test_the_queue_shows_a_late_item(tmp_path: Path, analyzer: Analyzer) -> None:
    db = tmp_path / "late.db"
    store = Store.open(db)
    _ingest(store, analyzer, "http://hl.example.cn/2.html", LATE_COPY, dt.date(2024, 11, 14))
    store.close()
    runner = CliRunner()
    listed = json.loads(runner.invoke(cli, ["queue", "list", "--db", str(db), "--format", "json"]).output)
    assert [(i["center"], i["late"]) for i in listed] == [("洛阳国际传播中心", True)]
    table = runner.invoke(cli, ["queue", "list", "--db", str(db)], env={"COLUMNS": "200"}).output
    [row] = [line for line in table.splitlines() if "洛阳国际传播中心" in line]
    assert re.search(r"│ late\s+│", row)  # the flags column of the table
    shown = runner.invoke(cli, ["queue", "show", "1", "--db", str(db)], env={"COLUMNS": "200"}).output
    assert "late copy" in shown


def test_the_web_pages_show_a_late_item(tmp_path: Path, analyzer: Analyzer) -> None:
    import warnings

    from monitor.review.web import create_app
    from monitor.review.web.security import REVIEWER_COOKIE

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Starlette's notice about its httpx dependency
        from starlette.testclient import TestClient

    db = tmp_path / "late.db"
    store = Store.open(db)
    _ingest(store, analyzer, "http://hl.example.cn/2.html", LATE_COPY, dt.date(2024, 11, 14))
    _ingest(store, analyzer, "http://kf.example.cn/3.html", LEDE_COPY.replace("12月9日", "11月2日"),
            dt.date(2024, 11, 3))
    store.close()
    with TestClient(create_app(str(db)), base_url="http://127.0.0.1", follow_redirects=False) as client:
        client.cookies.set(REVIEWER_COOKIE, "alice")
        late, timely = client.get("/item/1").text, client.get("/item/2").text
        queue = client.get("/queue").text
    assert "late report" in late and "late report" not in timely
    assert queue.count('class="badge late"') == 1


def test_a_late_copy_placed_elsewhere_still_joins_through_its_copy_group(tmp_path: Path) -> None:
    """The copy's center resolves to another province (a mirror's noise): no key matches, but the copy group
    (the same text under the aggregator's header) ties it to the original's item."""
    from monitor.events.keys import center_key
    from monitor.models import Hit, Place

    store = Store.open(tmp_path / "copies.db")

    def save(url: str, text: str, place: Place, late: bool, published: dt.date) -> int:
        event = Event(url, "launch", "洛阳国际传播中心", place, "2024-09-06", ("洛阳日报社",), 0.9, "…", late)
        hits = [Hit("国际传播中心", "国际传播中心", "center", 0, 6)]
        return store.save_article(Article(url, None, text, published), outlet="某网", outlet_level="city",
                                  outlet_province=None, source_url=None, raw=None, raw_encoding=None,
                                  lexicon_version="v1", hits=hits, events=[event], center_key=center_key)[1]

    assert save("http://ly.example.cn/1.html", WIRE, Place("洛阳市", "河南省", "city", "410300"), False,
                dt.date(2024, 9, 6)) == 1
    assert save("http://hl.example.cn/2.html", LATE_COPY, Place("洛阳", "山东省", "other", None), True,
                dt.date(2024, 11, 14)) == 0
    [item] = list_items(store)
    assert (item.mentions, item.late) == (2, False)
    store.close()
