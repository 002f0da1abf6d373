"""Paraphrase batteries: each class of the issue-12 rules in several wordings of the project's own.

A rule that passes only the sentence it was written for does not generalise to pages it never saw. For every
class (names, coreference, indirect statements, scheduled launches, places by abbreviation or venue, partners,
late copies, background mentions, plans, an existing center's activities, round-ups), the cases below say
the same thing in other words, word orders, punctuation and script, with noise, next to look-alikes that
must stay negatives. The texts are invented; the places are real.
"""

from __future__ import annotations

import datetime as dt

import pytest

from monitor.run.ingest import Analyzer
from tests.support.analysis import (
    analyzer_fixture,  # noqa: F401
    no_swallowed_errors,  # noqa: F401
)
from tests.support.analysis import events as _events
from tests.support.analysis import launches as _launches

D = dt.date


# -- names: a bay, a lake, a mountain, a river; long official names; the province before the place ---------

@pytest.mark.parametrize(("text", "published", "center"), [
    ("4月2日，湄洲湾国际传播中心在莆田揭牌成立。", D(2025, 4, 3), "湄洲湾国际传播中心"),
    ("千岛湖国际传播中心昨天在淳安县正式挂牌。", D(2025, 4, 3), "千岛湖国际传播中心"),
    ("長白山國際傳播中心11日揭牌成立。", D(2025, 4, 12), "长白山国际传播中心"),
    ("大别山国际传播中心揭牌仪式8日在六安举行。", D(2025, 4, 9), "大别山国际传播中心"),
    ("9日上午，北部湾国际传播中心在南宁正式揭牌。", D(2025, 4, 10), "北部湾国际传播中心"),
    ("中新网温州5月6日电 乐清湾国际传播中心6日在乐清揭牌。", D(2025, 5, 6), "乐清湾国际传播中心"),
    ("本报讯 嘉陵江国际传播中心于7日正式成立。", D(2025, 5, 8), "嘉陵江国际传播中心"),
    ("3月18日，西江国际传播中心在梧州挂牌运行。", D(2025, 3, 19), "西江国际传播中心"),
])
def test_a_center_named_after_a_bay_lake_mountain_or_river(analyzer: Analyzer, text: str,
                                                           published: dt.date, center: str) -> None:
    assert [c for c, _ in _launches(analyzer, text, published)] == [center]


@pytest.mark.parametrize(("text", "center", "place"), [
    ("10日，长阳土家族自治县国际传播中心揭牌成立。", "长阳土家族自治县国际传播中心", "长阳土家族自治县"),
    ("10日上午，峨边彝族自治县国际传播中心在县融媒体中心揭牌。", "峨边彝族自治县国际传播中心", "峨边彝族自治县"),
    ("10日，莫力达瓦达斡尔族自治旗国际传播中心正式挂牌。", "莫力达瓦达斡尔族自治旗国际传播中心",
     "莫力达瓦达斡尔族自治旗"),
    ("10日，在城中区国际传播中心揭牌成立当天，该中心与青海大学签署合作协议。", "城中区国际传播中心", None),
    ("10日，在鄂温克族自治旗国际传播中心揭牌成立当天，该中心与呼伦贝尔学院签署协议。",
     "鄂温克族自治旗国际传播中心", "鄂温克族自治旗"),
])
def test_long_official_names_are_kept_whole(analyzer: Analyzer, text: str, center: str, place: str | None) -> None:
    [event] = _events(analyzer, text, D(2025, 4, 11))
    assert (event.center, event.date) == (center, "2025-04-10")
    if place:
        assert event.place is not None and event.place.name == place


@pytest.mark.parametrize(("title", "text", "center"), [
    ("湖北恩施州国际传播中心揭牌", "9月12日，恩施州国际传播中心在恩施揭牌成立。", "恩施州国际传播中心"),
    ("浙江湖州國際傳播中心揭牌", "【僑報網】據中新社報道，9月12日，湖州國際傳播中心在湖州揭牌成立。",
     "湖州国际传播中心"),
    ("四川达州市国际传播中心今天揭牌", "9月12日上午，达州国际传播中心在达州揭牌成立。", "达州国际传播中心"),
    ("长阳国际传播中心揭牌", "9月12日，长阳土家族自治县国际传播中心揭牌成立。", "长阳国际传播中心"),
    ("婺源国际传播中心揭牌", "9月12日上午，婺源县国际传播中心在县融媒体中心揭牌成立。", "婺源国际传播中心"),
    ("梅里斯区国际传播中心与齐齐哈尔大学签约",
     "9月12日，在梅里斯达斡尔族区国际传播中心揭牌成立当天，该中心与齐齐哈尔大学签署协议。",
     "梅里斯达斡尔族区国际传播中心"),
])
def test_a_title_with_a_longer_or_shorter_form_of_the_place_is_the_same_center(
        analyzer: Analyzer, title: str, text: str, center: str) -> None:
    """One event, dated by the body, under the shortest form that launches it (the title's when the title, as
    the first line of the text, launches it too)."""
    [(_, date)] = _launches(analyzer, text, D(2025, 9, 13), title)
    assert date == "2025-09-12"
    assert _launches(analyzer, f"{title}\n{text}", D(2025, 9, 13), title) == [(center, "2025-09-12")]

# -- coreference -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "center"), [
    ("溧阳国际传播中心由溧阳市委宣传部主管。该中心于12日上午正式揭牌。", "溧阳国际传播中心"),
    ("蚌埠国际传播中心依托蚌埠日报社组建。经过三个月筹备，这一平台12日正式上线运行。", "蚌埠国际传播中心"),
    ("韶关国际传播中心由市委宣传部指导。12日，中心揭牌仪式在韶关市融媒体中心举行。", "韶关国际传播中心"),
    ("新余國際傳播中心由新余市委宣傳部指導。該中心的揭牌儀式於12日舉行。", "新余国际传播中心"),
    ("舟山国际传播中心设在舟山日报社。12日，这家新机构在定海正式揭牌。", "舟山国际传播中心"),
    ("为讲好侨乡故事，泉州组建了泉州国际传播中心。该中心12日上午揭牌成立。", "泉州国际传播中心"),
])
def test_a_center_named_once_and_launched_by_reference(analyzer: Analyzer, text: str, center: str) -> None:
    assert _launches(analyzer, text, D(2025, 6, 13)) == [(center, "2025-06-12")]


@pytest.mark.parametrize("text", [
    "溧阳国际传播中心去年成立。该中心12日发布了首部英文宣传片。",
    "溧阳国际传播中心去年成立。该中心成立一周年座谈会12日举行。",
    "溧阳国际传播中心去年成立。该中心举办的首届国际传播论坛12日开幕。",
    "溧阳国际传播中心去年成立。该平台12日上线了俄语频道。",
    "溧阳国际传播中心去年成立。12日，中心启动“外国人眼中的溧阳”短视频大赛。",
    "溧阳国际传播中心去年成立。这一平台上线以来，已发布作品五百余条。",
])
def test_a_reference_to_an_existing_center_launches_nothing(analyzer: Analyzer, text: str) -> None:
    assert _launches(analyzer, text, D(2025, 6, 13)) == []

# -- indirect statements -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "center"), [
    ("6月12日，在宿迁国际传播中心揭牌成立当天，该中心与宿迁学院签署合作协议，双方将在多语种翻译等方面开展合作。",
     "宿迁国际传播中心"),
    ("宿迁国际传播中心揭牌成立当日，中心与宿迁学院签约，共建国际传播人才培养基地。", "宿迁国际传播中心"),
    ("12日上午，宿迁国际传播中心成立大会暨首届运河文化传播论坛召开。", "宿迁国际传播中心"),
    ("12日，2025宿迁文旅推介会暨宿迁国际传播中心揭牌仪式在宿迁举行。", "宿迁国际传播中心"),
    ("宿迁国际传播中心启动仪式12日在宿迁市融媒体中心举行。", "宿迁国际传播中心"),
    ("12日，市委常委、宣传部部长王某为宿迁国际传播中心揭牌。", "宿迁国际传播中心"),
    ("在12日举行的宿迁国际传播中心揭牌仪式上，中心与江苏师范大学签署战略合作协议。", "宿迁国际传播中心"),
    ("12日，随着嘉宾共同推动启动球，宿迁国际传播中心正式成立。", "宿迁国际传播中心"),
    ("在宿迁國際傳播中心揭牌成立當天，該中心與宿遷學院簽署合作協議。12日的儀式由市委宣傳部主持。",
     "宿迁国际传播中心"),
])
def test_indirect_launch_statements_in_other_words(analyzer: Analyzer, text: str, center: str) -> None:
    assert [c for c, _ in _launches(analyzer, text, D(2025, 6, 13))] == [center]


@pytest.mark.parametrize("text", [
    "在宿迁国际传播中心成立一周年之际，该中心与宿迁学院签署合作协议。",
    "宿迁国际传播中心揭牌一年来，已与12家高校签署合作协议。",
    "12日，宿迁国际传播中心与宿迁学院签署合作协议，双方将在多语种翻译等方面开展合作。",
    "在宿迁国际传播中心成立后的首次活动中，30名留学生走进运河。",
    "宿迁国际传播中心揭牌时推出的英文网站，12日完成改版。",
])
def test_look_alikes_of_indirect_statements_stay_negatives(analyzer: Analyzer, text: str) -> None:
    assert _launches(analyzer, text, D(2025, 6, 13)) == []

# -- scheduled launches ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "date"), [
    ("记者从市委宣传部获悉，黄山国际传播中心将于本月20日揭牌。", "2025-06-20"),
    ("黄山国际传播中心定于6月19日上午揭牌成立。", "2025-06-19"),
    ("黄山国际传播中心将于后天正式揭牌。", "2025-06-18"),
    ("明天上午，黄山国际传播中心将在屯溪举行揭牌仪式。", "2025-06-17"),
    ("黃山國際傳播中心將於本月20日揭牌。", "2025-06-20"),
    ("黄山国际传播中心各项准备工作就绪，将于22日揭牌运行。", "2025-06-22"),
])
def test_a_launch_announced_for_a_day_in_other_words(analyzer: Analyzer, text: str, date: str) -> None:
    assert _launches(analyzer, text, D(2025, 6, 16)) == [("黄山国际传播中心", date)]


@pytest.mark.parametrize("text", [
    "黄山国际传播中心计划于下月中旬揭牌运行。",
    "黄山国际传播中心下月中旬揭牌",
    "黄山国际传播中心将于今年下半年挂牌运行。",
    "黄山国际传播中心预计7月底前揭牌。",
    "黄山国际传播中心揭牌仪式推迟至下月举行。",
    "黄山国际传播中心年内将揭牌运行。",
    "黄山国际传播中心有望于近期揭牌。",
    "黄山国际传播中心目前已完成场地改造，计划下个月揭牌。",
    "黄山国际传播中心明年揭牌",
])
def test_a_launch_announced_for_a_period_stays_a_plan(analyzer: Analyzer, text: str) -> None:
    assert _launches(analyzer, text, D(2025, 6, 16)) == []


def test_what_the_partners_will_do_is_no_plan_of_the_launch(analyzer: Analyzer) -> None:
    texts = ["12日，景德镇国际传播中心揭牌成立，双方将在陶瓷文化传播方面开展合作。",
             "12日，景德镇国际传播中心揭牌成立，将在海外平台开设多语种账号。",
             "景德镇国际传播中心12日揭牌，中心将于下月推出首部纪录片。"]
    for text in texts:
        assert _launches(analyzer, text, D(2025, 6, 13)) == [("景德镇国际传播中心", "2025-06-12")], text

# -- places by abbreviation or venue -----------------------------------------------------------------------

@pytest.mark.parametrize(("text", "place"), [
    ("罗源湾国际传播中心28日在榕揭牌。", "罗源县"),            # the name's place, not the venue
    ("福清国际传播中心28日在榕揭牌成立。", "福清市"),
    ("长江文化国际传播中心28日在汉揭牌。", "武汉市"),          # a themed center: the venue
    ("巴蜀文化国际传播中心28日在蓉正式揭牌。", "成都市"),
    ("三峡国际传播中心28日在渝揭牌。", "重庆市"),
    ("甬江国际传播中心28日在甬揭牌成立。", "宁波市"),
    ("湾区文化国际传播中心28日在穗揭牌。", "广州市"),
])
def test_places_by_abbreviation_or_venue(analyzer: Analyzer, text: str, place: str) -> None:
    [event] = _events(analyzer, text, D(2025, 4, 29))
    assert event.place is not None and event.place.name == place, event.place

# -- partners ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "partners"), [
    ("12日，丽江国际传播中心揭牌。该中心由丽江市委宣传部与云南大学共同建设。", ("丽江市委宣传部", "云南大学")),
    ("12日，丽江国际传播中心揭牌。中心由丽江日报社承建运营。", ("丽江日报社",)),
    ("12日，丽江国际传播中心揭牌。中心依托丽江市融媒体中心组建。", ("丽江市融媒体中心",)),
    ("12日，丽江国际传播中心揭牌。在丽江市委宣传部指导下，丽江日报社牵头组建中心。",
     ("丽江市委宣传部", "丽江日报社")),
    ("12日，丽江国际传播中心揭牌成立，并与丽江文化旅游学院、云南民族大学签署合作协议。",
     ("丽江文化旅游学院", "云南民族大学")),
    ("据新华社报道，12日，丽江国际传播中心揭牌。副市长李明出席仪式。", ()),
    ("12日，丽江国际传播中心揭牌。来源：丽江日报", ()),
    ("12日，丽江国际传播中心揭牌，5名外籍人士受聘为国际推荐官。", ()),
])
def test_partners_in_other_words(analyzer: Analyzer, text: str, partners: tuple[str, ...]) -> None:
    [event] = _events(analyzer, text, D(2025, 6, 13))
    assert event.partners == partners

# -- an existing center's activities -----------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "17日，湘潭国际传播中心与湖南科技大学签署战略合作协议，并为该校外国语学院授牌“湘潭国际传播中心实践基地”。",
    "17日，湘潭国际传播中心实践基地在湖南科技大学揭牌。",
    "17日，湘潭国际传播中心为湖南科技大学授牌“国际传播人才培养基地”。",
    "17日，“湘潭国际传播中心海外传播基地”在湖南科技大学揭牌。",
    "17日，湘潭国际传播中心首期国际传播骨干培训班开班。",
    "17日，湘潭国际传播中心年度工作会议召开。",
    "17日，湘潭国际传播中心案例获评全省对外传播优秀案例。",
    "17日，湘潭国际传播中心英文网站正式上线。",
    "17日，湘潭国际传播中心与湘潭大学签约，双方共建国际传播实践基地并举行授牌仪式。",
])
def test_an_existing_centers_activities_are_no_launch(analyzer: Analyzer, text: str) -> None:
    assert _launches(analyzer, text, D(2025, 4, 18)) == []

# -- more launch wordings: the verb far from the name, an attribute, a ceremony named first, a brand ---------

@pytest.mark.parametrize(("text", "center", "date"), [
    ("昭通国际传播中心，在经过近半年的筹备之后，18日上午在昭通市融媒体中心正式揭牌。", "昭通国际传播中心",
     "2025-03-18"),
    ("18日，随着嘉宾共同按下启动键，昭通国际传播中心正式上线运行。", "昭通国际传播中心", "2025-03-18"),
    ("18日上午，昭通国际传播中心揭牌仪式暨首届乌蒙山文化对外传播论坛在昭通举行。", "昭通国际传播中心", "2025-03-18"),
    ("18日，市委宣传部在昭通日报社举行昭通国际传播中心揭牌仪式。", "昭通国际传播中心", "2025-03-18"),
    ("昭通国际传播中心（Zhaotong International Communication Center）18日揭牌。", "昭通国际传播中心",
     "2025-03-18"),
    ("18日刚刚揭牌成立的昭通国际传播中心，将面向南亚东南亚讲好昭通故事。", "昭通国际传播中心", "2025-03-18"),
    ("3月18日，昭通 国际 传播中心 揭牌成立。", "昭通国际传播中心", "2025-03-18"),
    ("3月18日，昭(zhāo)通(tōng)国(guó)际(jì)传(chuán)播(bō)中(zhōng)心(xīn)揭牌成立。", "昭通国际传播中心",
     "2025-03-18"),
    ("【广告】扫码下载客户端\n3月18日，昭通國際傳播中心揭牌成立。\nOn March 18, the Zhaotong ICC was launched.",
     "昭通国际传播中心", "2025-03-18"),
    ("昭通国际传播中心揭牌仪式将于明日上午举行。", "昭通国际传播中心", "2025-03-19"),
    ("昭通国际传播中心揭牌仪式定于3月20日在昭通举行。", "昭通国际传播中心", "2025-03-20"),
])
def test_more_ways_to_report_a_launch(analyzer: Analyzer, text: str, center: str, date: str) -> None:
    assert _launches(analyzer, text, D(2025, 3, 18)) == [(center, date)]


@pytest.mark.parametrize("text", [
    "昭通国际传播中心揭牌仪式计划于下月中旬举行。",
    "昭通国际传播中心成立两周年座谈会18日举行。",
    "在昭通国际传播中心揭牌一周年之际，中心发布年度报告。",
    "18日，在昭通国际传播中心的指导下，昭通学院国际传播工作室揭牌成立。",
    "18日，昭通国际传播中心海外传播基地在昆明揭牌。",
    "18日，昭通国际传播中心负责人出席曲靖国际传播中心揭牌仪式并致辞。",
    "18日，全省首批10家县级国际传播中心名单公布。",
    "18日，昭通国际传播中心主任张某一行赴昆明调研。",
    "县级国际传播中心建设不能一挂了之，更不能揭牌即终点。",
    "18日，昭通学院国际传播研究中心揭牌成立。",
    "18日，昭通国际传播中心召开揭牌一周年工作总结会。",
    "昭通国际传播中心的揭牌，让昭通有了对外发声的新窗口。回顾一年来，中心推出作品千余件。",
])
def test_more_look_alikes_stay_negatives(analyzer: Analyzer, text: str) -> None:
    found = [c for c, _ in _launches(analyzer, text, D(2025, 3, 18))]
    assert "昭通国际传播中心" not in found and not any("研究" in c for c in found)


def test_two_centers_at_one_ceremony_are_two_launches_and_a_guest_is_none(analyzer: Analyzer) -> None:
    text = ("18日，昭通国际传播中心和曲靖国际传播中心在昆明同时揭牌。省国际传播中心负责人出席仪式。\n"
            "云南国际传播中心主任在仪式上致辞。")
    assert _launches(analyzer, text, D(2025, 3, 18)) == [("昭通国际传播中心", "2025-03-18"),
                                                         ("曲靖国际传播中心", "2025-03-18")]


@pytest.mark.parametrize(("text", "date"), [
    ("昭通国际传播中心将于本周六上午揭牌。", "2025-03-22"),
    ("昭通国际传播中心将在明天上午揭牌成立。", "2025-03-19"),
    ("記者18日獲悉，昭通國際傳播中心定於本月21日揭牌。", "2025-03-21"),
])
def test_more_announced_days(analyzer: Analyzer, text: str, date: str) -> None:
    assert _launches(analyzer, text, D(2025, 3, 18)) == [("昭通国际传播中心", date)]

# -- a center named in a sentence about something else that is launched, or founding something -------------

@pytest.mark.parametrize("text", [
    "昭通国际传播中心记者了解到，昭通博物馆新馆18日正式揭牌开放。",
    "（昭通国际传播中心记者 张某）18日，昭通市青年创业园揭牌成立。",
    "昭通国际传播中心相关负责人表示，下一步将推动更多海外工作站揭牌。",
    "昭通国际传播中心介绍，全市11个县级融媒体中心已全部挂牌运行。",
    "昭通国际传播中心消息：18日，昭通学院留学生服务中心正式成立。",
    "据昭通国际传播中心报道，18日，昭阳区乡村振兴学院挂牌。",
    "18日，昭通国际传播中心参与承办的乌蒙山文化节开幕，多个文旅项目同日签约落地。",
    "18日，昭通国际传播中心联合20家单位发起成立昭通国际传播联盟。",
    "论坛上，12家区县国际传播中心共同发起成立滇东北区县国际传播协作联盟。",
])
def test_a_center_named_beside_another_launch_is_not_launched(analyzer: Analyzer, text: str) -> None:
    assert _launches(analyzer, text, D(2025, 3, 18)) == []


# -- more venues by abbreviation ---------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "place"), [
    ("黔中文化国际传播中心18日在筑揭牌。", "贵阳市"),
    ("北部湾文化国际传播中心18日在邕揭牌成立。", "南宁市"),
    ("滇池国际传播中心18日在昆揭牌。", "昆明市"),
    ("晋商文化国际传播中心18日在并揭牌。", "太原市"),
])
def test_more_venues_by_abbreviation(analyzer: Analyzer, text: str, place: str) -> None:
    [event] = _events(analyzer, text, D(2025, 3, 18))
    assert event.place is not None and event.place.name == place, event.place

# -- more names: regions, themes, brands, short forms, an operator before the name ---------------------------

@pytest.mark.parametrize(("text", "center"), [
    ("12日，东北亚国际传播中心在长春揭牌成立。", "东北亚国际传播中心"),
    ("12日，长三角国际传播中心在上海揭牌。", "长三角国际传播中心"),
    ("12日，湖北日报传媒集团长江国际传播中心揭牌。", "长江国际传播中心"),
    ("12日，“丝路之声”国际传播中心在西安揭牌成立。", "“丝路之声”国际传播中心"),
    ("12日，凉山州国际传播中心（以下简称“凉传中心”）揭牌。凉传中心由州委宣传部主管。", "凉山州国际传播中心"),
    ("12日，雄安新区国际传播中心揭牌成立。", "雄安新区国际传播中心"),
    ("12日，浙江省湖州市德清县国际传播中心揭牌。", "浙江省湖州市德清县国际传播中心"),  # as written
    ("12日，科创中国·合肥国际传播中心揭牌成立。", "科创中国·合肥国际传播中心"),
    ("12日，作为“世界茶乡”的安溪国际传播中心正式揭牌。", "安溪国际传播中心"),
])
def test_more_names(analyzer: Analyzer, text: str, center: str) -> None:
    assert [c for c, _ in _launches(analyzer, text, D(2025, 6, 13))] == [center]


# -- more partner constructions ----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "partners"), [
    ("12日，丽江国际传播中心揭牌。中心由丽江市委宣传部、丽江日报社和丽江广播电视台三家单位共同发起成立。",
     ("丽江市委宣传部", "丽江日报社", "丽江广播电视台")),
    ("12日，丽江国际传播中心揭牌。丽江市委宣传部为指导单位，丽江日报社为运营单位。", ("丽江市委宣传部", "丽江日报社")),
    ("12日，丽江国际传播中心揭牌。揭牌仪式上，云南大学、丽江文化旅游学院与中心签订战略合作协议。",
     ("云南大学", "丽江文化旅游学院")),
    ("12日，丽江国际传播中心揭牌。中心實行由麗江市委宣傳部主管、麗江日報社運營的模式。",
     ("丽江市委宣传部", "丽江日报社")),  # traditional script: the fields are simplified
    ("12日，丽江国际传播中心揭牌。云南省委宣传部副部长张某、丽江日报社社长李某等出席仪式。", ()),
    ("（本报记者 王某）12日，丽江国际传播中心揭牌。人民网、新华网等媒体进行了报道。", ()),
])
def test_more_partner_constructions(analyzer: Analyzer, text: str, partners: tuple[str, ...]) -> None:
    [event] = _events(analyzer, text, D(2025, 6, 13))
    assert event.partners == partners


# -- someone else's ceremony; more references and days -----------------------------------------------------

@pytest.mark.parametrize("text", [
    "12日，昭通学院国际传播研究院揭牌仪式上，昭通国际传播中心与学院签署合作协议。",
    "12日，昭通市青年创业园揭牌仪式上，昭通国际传播中心进行了全程直播。",
    "12日，乌蒙山文化研究基地揭牌成立，昭通国际传播中心与基地签约。",
    "12日，昭通市融媒体中心新演播大楼启用仪式上，昭通国际传播中心同步发布英文短片。",
])
def test_a_center_at_someone_elses_ceremony_is_not_launched(analyzer: Analyzer, text: str) -> None:
    assert _launches(analyzer, text, D(2025, 3, 13)) == []


@pytest.mark.parametrize(("text", "date"), [
    ("昭通国际传播中心由市委宣传部指导。这个新平台于12日正式上线运行。", "2025-03-12"),
    ("昭通国际传播中心由市委宣传部指导。12日，这家全市首个对外传播机构正式揭牌。", "2025-03-12"),
    ("昭通國際傳播中心由市委宣傳部指導。該機構12日正式掛牌。", "2025-03-12"),
    ("昭通国际传播中心揭牌仪式明天举行。", "2025-03-14"),
    ("昭通国际传播中心于明日上午揭牌。", "2025-03-14"),
])
def test_more_references_and_days(analyzer: Analyzer, text: str, date: str) -> None:
    assert _launches(analyzer, text, D(2025, 3, 13)) == [("昭通国际传播中心", date)]

# -- a generic phrase or a reference stands for the article's one center, unless that center is only a guest --

@pytest.mark.parametrize("text", [
    "12日，在江西国际传播中心指导下，我县首个县级国际传播中心在县融媒体中心揭牌成立。",
    "12日，我县首个县级国际传播中心在县融媒体中心揭牌成立，江西国际传播中心负责人出席。",
    "江西国际传播中心负责人出席仪式。12日，该中心在县融媒体中心正式揭牌。",
    "与江西国际传播中心签约后，12日，全县首个县级国际传播中心揭牌成立。",
])
def test_a_generic_phrase_is_not_a_center_named_only_as_a_guest(analyzer: Analyzer, text: str) -> None:
    assert _launches(analyzer, text, D(2025, 6, 13)) == []


@pytest.mark.parametrize("text", [
    "宜丰国际传播中心由县委宣传部主导。12日，我县首个县级国际传播中心在县融媒体中心揭牌成立。",
    "12日，全县首个县级国际传播中心揭牌成立。宜丰国际传播中心将由县融媒体中心运营。",
    "宜丰國際傳播中心由縣委宣傳部主導。12日，該中心在縣融媒體中心揭牌成立。",
])
def test_a_generic_phrase_or_reference_is_the_named_center(analyzer: Analyzer, text: str) -> None:
    assert _launches(analyzer, text, D(2025, 6, 13)) == [("宜丰国际传播中心", "2025-06-12")]
