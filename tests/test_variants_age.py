"""Paraphrase batteries for dating and age: late copies, background, pages without a day, round-ups.

The companion of tests/test_variants.py for the classes that depend on when a page was written: a late copy
under a mirror's header, a launch recalled as background, a WeChat post without a year, a round-up at the
turn of the year, an anniversary. Each is said in several ways next to look-alikes that must stay negatives.
The texts are invented; the places are real.
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


# -- late copies and background ----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "published", "date"), [
    ("发布时间：2025-03-02 10:12 来源：某某网\n中新网兰州1月8日电 8日，白银国际传播中心揭牌成立。",
     D(2025, 3, 2), "2025-01-08"),
    ("来源：白银日报 2025年03月02日\n本报讯（记者 王某）1月8日，白银国际传播中心在白银揭牌成立。",
     D(2025, 3, 2), "2025-01-08"),
    ("转载于 2025-03-02\n1月8日上午，白銀國際傳播中心揭牌成立儀式在白銀舉行。", D(2025, 3, 2), "2025-01-08"),
])
def test_a_late_copy_keeps_the_launch_and_marks_it_late(analyzer: Analyzer, text: str, published: dt.date,
                                                        date: str) -> None:
    [event] = _events(analyzer, text, published)
    assert (event.center, event.date, event.late) == ("白银国际传播中心", date, True)


@pytest.mark.parametrize(("text", "published"), [
    ("近日，白银国际传播中心获评全省优秀案例。白银国际传播中心于去年3月揭牌成立，依托市融媒体中心运营。", None),
    ("近日，白银国际传播中心获评全省优秀案例。该中心于去年3月揭牌成立，依托市融媒体中心运营。", None),
    ("白银国际传播中心前年揭牌成立，今年推出作品百余件。", None),
    ("去年8月揭牌的白银国际传播中心，今天发布首部英文纪录片。", None),
    ("近日，白银国际传播中心获评优秀案例。白银国际传播中心于2023年5月挂牌成立。", D(2025, 6, 13)),
    ("2024年6月，白银国际传播中心揭牌成立。一年来，中心推出作品三百余件。", D(2025, 7, 1)),
    ("白银国际传播中心自去年揭牌以来，已推出作品三百余件。", D(2025, 7, 1)),
])
def test_a_launch_recalled_in_passing_is_background(analyzer: Analyzer, text: str,
                                                     published: dt.date | None) -> None:
    assert _launches(analyzer, text, published) == []

# -- round-ups ---------------------------------------------------------------------------------------------

def test_a_new_years_round_up_of_the_last_week_reports_each_launch(analyzer: Analyzer) -> None:
    text = ("岁末年初，又有三家县级国际传播中心揭牌\n2025年最后一周，三地先后举行国际传播中心揭牌仪式。\n"
            "12月25日，德昌国际传播中心在德昌县揭牌。\n12月29日，镇巴国际传播中心揭牌成立。\n"
            "12月31日，泗县国际传播中心在县融媒体中心揭牌。")
    assert _launches(analyzer, text, D(2026, 1, 3)) == [
        ("德昌国际传播中心", "2025-12-25"), ("镇巴国际传播中心", "2025-12-29"), ("泗县国际传播中心", "2025-12-31")]


def test_a_look_back_over_the_year_keeps_no_launch_of_months_ago(analyzer: Analyzer) -> None:
    text = "2025年全省外宣工作盘点\n3月，德昌国际传播中心揭牌。11月20日，镇巴国际传播中心揭牌成立。"
    assert _launches(analyzer, text, D(2025, 12, 30)) == []

# -- pages without a day (WeChat posts, mirrors): news still told from background ---------------------------

@pytest.mark.parametrize(("text", "date"), [
    ("普洱发布 \n3月5日上午，普洱国际传播中心揭牌仪式在普洱市融媒体中心举行。", "--03-05"),
    ("普洱国际传播中心揭牌！\n（记者 李某）普洱国际传播中心于3月5日在思茅揭牌成立。", "--03-05"),
    ("“让世界看见普洱！”3月5日上午，伴随着嘉宾共同推杆，普洱國際傳播中心正式揭牌。", "--03-05"),
    ("今年3月5日，普洱国际传播中心揭牌成立。该中心由普洱市委宣传部主管。", "--03-05"),
])
def test_a_launch_report_without_a_year_keeps_its_day(analyzer: Analyzer, text: str, date: str) -> None:
    assert _launches(analyzer, text, None) == [("普洱国际传播中心", date)]


@pytest.mark.parametrize("text", [
    "普洱国际传播中心成立一周年\n3月5日，普洱国际传播中心举行座谈会。2024年3月5日，普洱国际传播中心揭牌成立。",
    "近日，普洱国际传播中心举办培训班。\n一年来，中心推出多语种作品五百余件。该中心于今年3月揭牌成立。",
    "近日，普洱国际传播中心与云南大学签约。\n普洱国际传播中心于2023年7月成立，依托普洱日报社运营。",
    "【记者报道】普洱国际传播中心近日邀请海外博主走读茶山。据报道，该中心于2024年挂牌。",
    "据了解，普洱是较早成立国际传播机构的城市，2018年就成立了普洱国际传播中心。",
    "普洱国际传播中心自2023年揭牌以来，已在海外平台开设账号12个。3月5日，中心发布年度报告。",
    "岁末回眸：3月，普洱国际传播中心揭牌；8月，临沧国际传播中心成立。",
])
def test_background_on_a_page_without_a_day(analyzer: Analyzer, text: str) -> None:
    assert _launches(analyzer, text, None) == []


def test_a_round_up_without_a_year_keeps_its_items(analyzer: Analyzer) -> None:
    text = ("本周，又有两地国际传播中心揭牌。\n普洱：3月5日，普洱国际传播中心揭牌成立。\n"
            "临沧：3月7日，临沧国际传播中心在临沧揭牌。")
    assert _launches(analyzer, text, None) == [("普洱国际传播中心", "--03-05"), ("临沧国际传播中心", "--03-07")]

# -- late copies under a mirror's header -----------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "首页 > 资讯 > 云南\n发布时间：2025-06-02 09:10  来源：网络\n3月5日，普洱国际传播中心揭牌成立。",
    "首页 > 资讯\n发布时间：2025-06-02 09:10\n“让世界看见普洱！”3月5日上午，普洱国际传播中心正式揭牌。",
    "发布时间：2025-06-02\n导读：普洱有了对外传播新平台。\n3月5日，普洱国际传播中心揭牌成立。",
    "发布时间：2025-06-02\n云南日报讯（记者 王某）3月5日，普洱国际传播中心在思茅揭牌。",
    "发布时间：2025-06-02\n普洱国际传播中心揭牌\nPuer ICC launched\n3月5日，普洱国际传播中心揭牌成立。\n"
    "On March 5, the Puer ICC was launched.",
])
def test_a_late_copy_under_a_header_is_kept_late_with_its_day(analyzer: Analyzer, text: str) -> None:
    [event] = _events(analyzer, text, D(2025, 6, 2))
    assert (event.center, event.date, event.late) == ("普洱国际传播中心", "2025-03-05", True)


def test_a_later_feature_with_a_summary_box_is_no_late_copy(analyzer: Analyzer) -> None:
    text = ("发布时间：2025-06-02\n导读：普洱国际传播中心成立三个月来成绩亮眼。\n"
            "三个月来，普洱国际传播中心推出作品百余件。该中心于2月10日揭牌成立，由普洱日报社运营。")
    assert _launches(analyzer, text, D(2025, 6, 2)) == []

# -- spun copies: the ceremony under other words still dates the launch ------------------------------------

def test_a_spun_ceremony_dates_the_launch(analyzer: Analyzer) -> None:
    text = ("新华社昆明3月6日电 在普洱国际传播中心揭牌成立当天，云南大学与该中心签署协议。\n"
            "5日上午的揭牌典礼在普洱市融媒体中心举办。")
    assert _launches(analyzer, text, D(2025, 3, 6)) == [("普洱国际传播中心", "2025-03-05")]

# -- anniversaries ------------------------------------------------------------------------------------------

def test_an_anniversary_page_reduced_to_its_lede_is_no_late_copy(analyzer: Analyzer) -> None:
    text = "荆门国际传播中心揭牌一周年\n一年前的今天——2024年5月16日，荆门国际传播中心在荆门揭牌成立。"
    assert _launches(analyzer, text, D(2025, 5, 16)) == []
