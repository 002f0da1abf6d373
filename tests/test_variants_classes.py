"""Paraphrase batteries for the classes of error the ninth blind set showed, as general rules.

Precision: an existing center's stations at home (“国际传播联络站” conferred on companies), a government work
report's aims and achievements (推动X挂牌运行, 过去一年成立了X), a year-in-review that lists past launches by
month. Recall: a synonym-spun copy of a launch report (建立庆典, 创立仪式). Fields: an enterprise's center named
after a group written without 有限公司, and partners (a name that swallowed 这是, something more the center will
do later, a nickname in quotes before the operators' role). Each class is said in several ways next to the
near misses that must keep working. The texts are invented; the places are real.
"""

from __future__ import annotations

import datetime as dt

import pytest

from monitor.events.dates import resolve_event_date
from monitor.events.partners import find_partners
from monitor.run.ingest import Analyzer
from tests.support.analysis import (
    analyzer_fixture,  # noqa: F401
    no_swallowed_errors,  # noqa: F401
)
from tests.support.analysis import events as _events

D = dt.date


def _summary(analyzer: Analyzer, text: str, published: dt.date | None,
             title: str | None = None) -> list[tuple[str, str, str | None]]:
    return [(e.type, e.center, e.date) for e in _events(analyzer, text, published, title)]


# -- an existing center's stations at home are no branch; a station abroad is ------------------------------

@pytest.mark.parametrize(("title", "text"), [
    ("淮安国际传播中心为8家外贸企业授牌", "5日，淮安国际传播中心“企业联络站”授牌仪式举行，8家外贸企业获授牌。"),
    (None, "5日，连云港国际传播中心“国际传播联络站”授牌仪式在港口集团举行，首批12家企业获得授牌。"),
    (None, "5日，连云港国际传播中心国际传播联络站授牌仪式在港口集团举行，首批12家企业获得授牌。"),
    (None, "5日，宿迁国际传播中心企业联络站揭牌，首批设在5家本地企业，协助中心收集海外故事。"),
    (None, "5日，泰州国际传播中心向辖区8家外向型企业授予“海外传播联络站”牌匾。"),
    (None, "5日，镇江国际传播中心「國際傳播服務站」授牌儀式舉行，10家出海企業獲授牌。"),
])
def test_stations_a_center_confers_at_home_are_neither_launch_nor_branch(analyzer: Analyzer, title: str | None,
                                                                       text: str) -> None:
    events = _events(analyzer, text, D(2025, 11, 6), title)
    assert events == []
    assert not any("“" in e.center or "”" in e.center for e in events)


@pytest.mark.parametrize(("text", "center"), [
    ("当地时间5日，扬州国际传播中心马德里联络站在西班牙马德里揭牌。", "扬州国际传播中心马德里联络站"),
    ("当地时间5日，镇江国际传播中心海外联络站在泰国曼谷揭牌成立。", "镇江国际传播中心海外联络站"),
    ("当地时间5日，南通国际传播中心悉尼联络处揭牌，由澳大利亚南通同乡会承办。", "南通国际传播中心悉尼联络处"),
])
def test_a_station_abroad_stays_a_branch(analyzer: Analyzer, text: str, center: str) -> None:
    assert _summary(analyzer, text, D(2025, 11, 6)) == [("branch", center, "2025-11-05")]


def test_a_sub_center_at_home_named_by_its_place_stays_a_launch(analyzer: Analyzer) -> None:
    [event] = _events(analyzer, "5日，常州国际传播中心溧阳分中心揭牌成立。", D(2025, 11, 6))
    assert (event.type, event.center, event.place and event.place.name) == \
        ("launch", "常州国际传播中心溧阳分中心", "溧阳市")


# -- a work report's aims and achievements are no launch ---------------------------------------------------

@pytest.mark.parametrize(("title", "text"), [
    ("2026年抚顺市政府工作报告（摘要）",
     "二、2026年重点工作\n加强国际传播能力建设，推动抚顺国际传播中心挂牌运行，打造城市海外传播品牌。"),
    ("2026年本溪市政府工作报告",
     "今年，我们将重点抓好以下工作：深化文旅融合，加快推进本溪国际传播中心建设并挂牌运行。"),
    ("丹东市2026年重点工作安排", "推进丹东国际传播中心揭牌成立，讲好边境城市故事。"),
    ("区委全会报告", "全力推动铁西区国际传播中心年内挂牌，打造对外宣传新平台。"),
    ("县政府工作报告", "确保彰武县国际传播中心上半年建成并投入运行。"),
    ("营口市政府工作报告", "过去一年，我们成立营口国际传播中心，推出多语种作品2000余件。今年将继续做强外宣平台。"),
    ("盘锦：2025年外宣成绩单", "过去的一年，盘锦国际传播中心挂牌成立，海外账号粉丝突破百万。"),
])
def test_a_work_reports_aims_and_achievements_are_no_launch(analyzer: Analyzer, title: str, text: str) -> None:
    assert _events(analyzer, text, D(2026, 1, 22), title) == []


@pytest.mark.parametrize(("title", "text", "center"), [
    (None, "为推动城市形象传播，阜新国际传播中心今天上午正式揭牌成立。", "阜新国际传播中心"),
    (None, "在市委宣传部的推动下，辽阳国际传播中心22日揭牌。", "辽阳国际传播中心"),
    ("两会时间",
     "22日，市十七届人大五次会议开幕，市长作政府工作报告。会议间隙，朝阳国际传播中心在市融媒体中心揭牌成立。",
     "朝阳国际传播中心"),
    ("铁岭国际传播中心揭牌",
     "市政府工作报告提出要加强国际传播能力建设。22日上午，铁岭国际传播中心正式揭牌成立。",
     "铁岭国际传播中心"),
    (None, "22日，葫芦岛市对外传播工作推进会暨葫芦岛国际传播中心揭牌仪式举行。", "葫芦岛国际传播中心"),
])
def test_a_launch_told_beside_an_aim_or_a_work_report_stays_a_launch(analyzer: Analyzer, title: str | None,
                                                                   text: str, center: str) -> None:
    assert _summary(analyzer, text, D(2026, 1, 22), title) == [("launch", center, "2026-01-22")]


# -- a year in review lists past launches; its last days and a launch report of its own stay news -----------

@pytest.mark.parametrize(("title", "text", "published"), [
    ("回眸2025｜全省对外传播亮点纷呈",
     "2025年，全省对外传播守正创新。\n这一年，3月，通化国际传播中心揭牌；6月，白山国际传播中心揭牌。", D(2026, 1, 6)),
    ("2025年全市外宣工作综述",
     "一年来，全市外宣工作亮点频现。4月，赣州国际传播中心揭牌成立；8月，瑞金国际传播中心挂牌。",
     D(2026, 1, 8)),
    ("岁末盘点", "回望这一年：5月，宜宾国际传播中心正式成立，10月，泸州国际传播中心揭牌运行。", D(2025, 12, 28)),
    ("我市外宣工作一年来成效显著", "今年以来，我市外宣扎实推进。2月，抚州国际传播中心揭牌成立，推出作品600余件。",
     D(2025, 11, 20)),
    (None, "3月，鹰潭国际传播中心揭牌成立。该中心立足铜产业，讲好鹰潭故事。", D(2026, 1, 5)),
])
def test_a_year_in_review_reports_no_past_launch(analyzer: Analyzer, title: str | None, text: str,
                                                 published: dt.date) -> None:
    assert _events(analyzer, text, published, title) == []


@pytest.mark.parametrize(("title", "text", "published", "expected"), [
    ("回眸2025", "岁末年初，又一个国际传播平台落地。12月30日，上饶国际传播中心在上饶揭牌成立。", D(2026, 1, 2),
     ("上饶国际传播中心", "2025-12-30")),
    (None, "一年来，全市外宣亮点纷呈。今天上午，萍乡国际传播中心正式揭牌成立。", D(2025, 6, 20),
     ("萍乡国际传播中心", "2025-06-20")),
    (None, "12月，新余国际传播中心揭牌成立，标志着当地外宣迈上新台阶。", D(2026, 1, 3),
     ("新余国际传播中心", "2025-12")),
])
def test_a_review_that_is_itself_a_launch_report_keeps_it(analyzer: Analyzer, title: str | None, text: str,
                                                          published: dt.date, expected: tuple[str, str]) -> None:
    assert _summary(analyzer, text, published, title) == [("launch", *expected)]


@pytest.mark.parametrize(("text", "expected"), [
    ("3月，通化国际传播中心揭牌。", "2025-03"),
    ("11月，通化国际传播中心揭牌。", "2025-11"),
    ("1月，通化国际传播中心揭牌。", "2026-01"),
    ("通化国际传播中心将于3月揭牌。", "2026-03"),
])
def test_a_bare_month_told_as_done_is_never_after_the_page(text: str, expected: str) -> None:
    assert resolve_event_date(text, text.index("揭牌"), D(2026, 1, 6)) == expected


# -- a synonym-spun copy of a launch report ---------------------------------------------------------------

@pytest.mark.parametrize(("text", "center", "date"), [
    ("中新网宝鸡3月9日电 宝鸡国际传播中心建立庆典于9日在宝鸡举办。", "宝鸡国际传播中心", "2025-03-09"),
    ("8日上午，渭南国际传播中心建立仪式在渭南市融媒体中心举办。", "渭南国际传播中心", "2025-03-08"),
    ("铜川国际传播中心创立典礼7日在铜川举办，市委宣传部负责人出席。", "铜川国际传播中心", "2025-03-07"),
    ("本报讯 延安国际传播中心建立大会9日举办。", "延安国际传播中心", "2025-03-09"),
    ("安康國際傳播中心創立儀式9日舉辦。", "安康国际传播中心", "2025-03-09"),
])
def test_a_spun_ceremony_word_launches(analyzer: Analyzer, text: str, center: str, date: str) -> None:
    assert _summary(analyzer, text, D(2025, 3, 10)) == [("launch", center, date)]


@pytest.mark.parametrize("text", [
    "安康国际传播中心建立以来，推出多语种作品300余件。",
    "商洛国际传播中心与当地高校建立合作机制，9日举行签约仪式。",
    "汉中国际传播中心建立两周年庆典9日举办。",
    "咸阳国际传播中心的建立，是咸阳深化对外开放的重要举措。",
])
def test_building_something_is_no_spun_launch(analyzer: Analyzer, text: str) -> None:
    assert _events(analyzer, text, D(2025, 3, 10)) == []


# -- an enterprise's center belongs to the enterprise, also when it is written …集团 -------------------------

@pytest.mark.parametrize(("text", "center", "owner"), [
    ("8日，中国远洋海运集团品牌传播大会暨中远海运国际传播中心揭牌仪式在上海举行。", "中远海运国际传播中心",
     "中国远洋海运集团"),
    ("9日，中国化学工程集团在北京举行中国化学国际传播中心揭牌仪式。", "中国化学国际传播中心", "中国化学工程集团"),
    ("9日，中国中铁国际传播中心在北京揭牌成立。中国中铁股份有限公司党委书记出席。", "中国中铁国际传播中心",
     "中国中铁股份有限公司"),
])
def test_an_enterprise_center_is_placed_at_the_enterprise(analyzer: Analyzer, text: str, center: str,
                                                          owner: str) -> None:
    [event] = _events(analyzer, text, D(2025, 7, 10))
    assert event.center == center and event.place is not None
    assert (event.place.name, event.place.level, event.place.code) == (owner, "other", None)


@pytest.mark.parametrize(("text", "place", "level"), [
    ("9日，泉州国际传播中心揭牌，泉州市文化旅游集团负责人出席。", "泉州市", "city"),
    ("9日，湖北日报传媒集团长江国际传播中心在武汉揭牌。", "湖北省", "province"),
])
def test_a_group_beside_a_place_center_does_not_own_it(analyzer: Analyzer, text: str, place: str,
                                                       level: str) -> None:
    [event] = _events(analyzer, text, D(2025, 7, 10))
    assert event.place is not None and (event.place.name, event.place.level) == (place, level)


# -- partners -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "center", "expected"), [
    ("联络处由徐州国际传播中心与德国杜伊斯堡华人华侨联合会共同设立，这是徐州国际传播中心设立的首个海外联络处。",
     "", ("徐州国际传播中心", "德国杜伊斯堡华人华侨联合会")),
    ("工作站由宿州国际传播中心与法国华侨华人联合会共同设立，这也是宿州国际传播中心的第一个海外站点。",
     "", ("宿州国际传播中心", "法国华侨华人联合会")),
    ("咸阳国际传播中心由咸阳市委宣传部主导，咸阳日报社、咸阳市广播电视台“两翼”协同运营。", "咸阳国际传播中心",
     ("咸阳市委宣传部", "咸阳日报社", "咸阳市广播电视台")),
    ("中心由安庆日报社、安庆市广播电视台「双引擎」联合运营。", "安庆国际传播中心", ("安庆日报社", "安庆市广播电视台")),
    ("由六安市委宣传部指导、皖西日报社承建的大别山国际传播中心在六安揭牌。据悉，中心还将联合皖西学院组建外语志愿者团队。",
     "大别山国际传播中心", ("六安市委宣传部", "皖西日报社")),
    ("黄山国际传播中心由黄山日报社运营。下一阶段，中心也将与黄山学院共同打造翻译实践基地。", "黄山国际传播中心",
     ("黄山日报社",)),
    ("揭牌当天，中心还将与宣城职业技术学院签署合作协议。", "宣城国际传播中心", ("宣城职业技术学院",)),
    ("仪式上，中心还将与滁州学院签约，共建多语种人才库。", "滁州国际传播中心", ("滁州学院",)),
])
def test_partners_of_the_classes(text: str, center: str, expected: tuple[str, ...]) -> None:
    assert find_partners(text, 0, len(text), center) == expected


# -- a generic word (县区, 市区) that ends a place's own name is the place (holdout10 showed it) ----------------

@pytest.mark.parametrize(("text", "center", "place"), [
    ("3日上午，沙县区国际传播中心正式挂牌，中心将讲好小吃出海的故事。", "沙县区国际传播中心", "沙县区"),
    ("3日，三明市沙县区国际传播中心揭牌成立。", "三明市沙县区国际传播中心", "沙县区"),
    ("荆州市沙市区国际传播中心3日揭牌，首批签约5家合作单位。", "荆州市沙市区国际传播中心", "沙市区"),
])
def test_a_place_whose_name_ends_in_a_generic_word_founds_its_center(analyzer: Analyzer, text: str, center: str,
                                                                    place: str) -> None:
    events = _events(analyzer, text, D(2025, 3, 4))
    assert [(e.type, e.center, e.place.name if e.place else None) for e in events] == [("launch", center, place)]


@pytest.mark.parametrize("text", [
    "3日，全市各县区国际传播中心同时挂牌。",
    "3日，全市9个县区国际传播中心集中揭牌。",
    "会议要求，今年底前各市区国际传播中心全部挂牌运行。",
])
def test_a_generic_word_before_the_center_still_names_none(analyzer: Analyzer, text: str) -> None:
    assert _summary(analyzer, text, D(2025, 3, 4)) == []
