"""Launch events from text: one rule per test, through the same Analyzer that `monitor run` uses."""

from __future__ import annotations

import datetime as dt

import pytest

from monitor.models import Article, Event
from monitor.run.ingest import Analyzer


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


def _events(analyzer: Analyzer, text: str, published: dt.date = dt.date(2025, 3, 28),
            hint: str | None = None) -> list[Event]:
    return analyzer.analyze(Article("http://t", None, text, published), hint).events


def test_a_launch_with_place_date_partners_and_marked_evidence(analyzer: Analyzer) -> None:
    [event] = _events(analyzer, "新华社郑州3月27日电 26日上午，洛阳国际传播中心在洛阳日报社揭牌成立。"
                                "中心由洛阳市委宣传部指导、洛阳日报社运营，并与郑州大学签署合作协议。")
    assert (event.type, event.center, event.date) == ("launch", "洛阳国际传播中心", "2025-03-26")
    assert event.place is not None and (event.place.name, event.place.level, event.place.code) == \
        ("洛阳市", "city", "410300")
    assert {"洛阳日报社", "郑州大学"} <= set(event.partners)
    assert "⟦洛阳国际传播中心⟧" in event.evidence and "⟨揭牌成立⟩" in event.evidence


def test_traditional_script_gives_simplified_fields_and_original_evidence(analyzer: Analyzer) -> None:
    [event] = _events(analyzer, "12月30日，大連國際傳播中心揭牌成立。", dt.date(2025, 1, 2))
    assert (event.center, event.date) == ("大连国际传播中心", "2024-12-30")
    assert "⟦大連國際傳播中心⟧" in event.evidence


@pytest.mark.parametrize("text", [
    "自今年3月揭牌成立以来，开封国际传播中心已发布作品300余条。",            # look back
    "开封国际传播中心揭牌成立以来，已发布作品300余条。",                      # look back after the name
    "重庆国际传播中心成立五周年座谈会今天举行。",                            # anniversary
    "盐城国际传播中心将依托市广播电视总台组建，力争6月底前挂牌运行。",          # plan
    "自治区党委宣传部批复同意设立通辽国际传播中心。",                          # approval
    "浙江国际传播中心全新演播中心正式启用。",                                  # a part of the center
    "洛阳国际传播中心开设的“Hello Luoyang”账号正式上线。",                     # its account
    "大同国际传播中心举行“国际推荐官”授牌仪式。",                              # a ceremony for people
    "天津国际传播中心负责同志参加挂牌活动。",                                  # the center only attends
    "从实践看，省、市、县三级国际传播中心的成立拓展了渠道。",                  # commentary
    "重庆国际传播中心于2018年成立，今天与四川外国语大学签署战略合作协议。",      # background date
])
def test_not_a_launch(analyzer: Analyzer, text: str) -> None:
    assert _events(analyzer, text) == []


def test_an_overseas_station_is_a_branch_and_a_domestic_sub_center_a_launch(analyzer: Analyzer) -> None:
    [branch] = _events(analyzer, "当地时间3月17日，湖南国际传播中心吉隆坡工作站揭牌。", dt.date(2025, 3, 18))
    assert (branch.type, branch.center) == ("branch", "湖南国际传播中心吉隆坡工作站")
    assert branch.place is not None and branch.place.province == "湖南省"
    [sub] = _events(analyzer, "11月28日，四川国际传播中心宜宾分中心揭牌成立。", dt.date(2024, 11, 29))
    assert (sub.type, sub.center) == ("launch", "四川国际传播中心宜宾分中心")
    assert sub.place is not None and sub.place.name == "宜宾市"


def test_quoted_and_latin_brands_stay_in_the_name(analyzer: Analyzer) -> None:
    [event] = _events(analyzer, "9月24日，鄂尔多斯“暖城”国际传播中心在康巴什区揭牌。", dt.date(2024, 9, 25))
    assert event.center == "鄂尔多斯“暖城”国际传播中心"
    assert event.place is not None and event.place.name == "鄂尔多斯市"


def test_a_round_up_gives_one_event_per_center_with_its_own_partners(analyzer: Analyzer) -> None:
    text = ("6月12日，沂南国际传播中心揭牌成立。中心由沂南县融媒体中心运营。\n"
            "6月14日，兰陵国际传播中心揭牌成立，与临沂大学签署合作协议。")
    events = _events(analyzer, text, dt.date(2024, 6, 17))
    assert [(e.center, e.date) for e in events] == [("沂南国际传播中心", "2024-06-12"),
                                                    ("兰陵国际传播中心", "2024-06-14")]
    assert "临沂大学" not in events[0].partners and "临沂大学" in events[1].partners


def test_coordinated_places_share_one_suffix(analyzer: Analyzer) -> None:
    events = _events(analyzer, "5月18日，洛阳、开封和许昌国际传播中心同日揭牌成立。", dt.date(2025, 5, 19))
    assert [e.center for e in events] == ["洛阳国际传播中心", "开封国际传播中心", "许昌国际传播中心"]


def test_two_spellings_in_one_article_are_one_event(analyzer: Analyzer) -> None:
    events = _events(analyzer, "婺源国际传播中心揭牌\n6月3日上午，婺源县国际传播中心在县融媒体中心揭牌成立。",
                     dt.date(2025, 6, 4))
    assert len(events) == 1 and events[0].date == "2025-06-03"


def test_a_surer_event_gets_a_higher_confidence(analyzer: Analyzer) -> None:
    [sure] = _events(analyzer, "3月26日，洛阳国际传播中心揭牌成立仪式举行。")
    [vague] = _events(analyzer, "据了解，日前揭牌的宜春国际传播中心，将面向海外传播。")
    assert sure.confidence > vague.confidence
