"""Launch events from text: one rule per test, through the same Analyzer that `monitor run` uses."""

from __future__ import annotations

import datetime as dt

import pytest

from monitor.models import Article, Event
from monitor.run.ingest import Analyzer
from tests.support.analysis import (
    analyzer_fixture,  # noqa: F401
    events,
    no_swallowed_errors,  # noqa: F401
)


def _events(analyzer: Analyzer, text: str, published: dt.date = dt.date(2025, 3, 28),
            hint: str | None = None) -> list[Event]:
    return events(analyzer, text, published, url="http://t", hint=hint)


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
    "在此之前，衡阳已有南岳国际传播中心投入运行。",                            # a center that is already there
    "加上此前成立的南岳国际传播中心，衡阳已有3个国际传播中心。",
    "南岳国际传播中心此前已挂牌运行，海外联络网络覆盖30多个国家。",
    "南岳国际传播中心已投入运行两年，发布作品千余条。",                        # a look back by its duration
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


# -- names (issue 12, class 3) ---------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "center"), [
    ("6月3日，西北国际传播中心在兰州正式揭牌。", "西北国际传播中心"),                   # a region, no place
    ("6月3日，运河文化国际传播中心揭牌成立。", "运河文化国际传播中心"),                 # a theme
    ("6月3日，黄河几字弯国际传播中心揭牌。", "黄河几字弯国际传播中心"),                 # jieba reads 弯 as a verb
    ("6月3日，大湾区（中山）国际传播中心揭牌成立。", "大湾区（中山）国际传播中心"),       # a place in brackets
    ("6月3日，瓷·景德镇国际传播中心揭牌成立。", "瓷·景德镇国际传播中心"),             # a middle dot
    ("6月3日，瓷·景德镇（China Porcelain）国际传播中心揭牌成立。", "瓷·景德镇国际传播中心"),  # a Latin brand
])
def test_names_without_a_place_at_their_start(analyzer: Analyzer, text: str, center: str) -> None:
    [event] = _events(analyzer, text, dt.date(2025, 6, 4))
    assert event.center == center


@pytest.mark.parametrize(("text", "center"), [
    ("6月3日，一座活力之城深圳国际传播中心揭牌。", "深圳国际传播中心"),
    ("6月3日，千年商都广州国际传播中心揭牌。", "广州国际传播中心"),
    ("6月3日，著名侨乡江门国际传播中心揭牌。", "江门国际传播中心"),
])
def test_a_name_never_takes_the_tail_of_the_words_before_it(analyzer: Analyzer, text: str, center: str) -> None:
    [event] = _events(analyzer, text, dt.date(2025, 6, 4))
    assert event.center == center


@pytest.mark.parametrize("text", [
    "6月3日，区级国际传播中心揭牌成立。",
    "6月3日，我市首个县级国际传播中心揭牌成立。",
    "截至目前，全省已建成区域性国际传播中心12个。",
])
def test_generic_phrases_name_no_center(analyzer: Analyzer, text: str) -> None:
    assert _events(analyzer, text, dt.date(2025, 6, 4)) == []


def test_a_short_form_introduced_by_yixia_jiancheng_is_the_full_name(analyzer: Analyzer) -> None:
    text = ("洞庭湖生态国际传播中心（以下简称“洞庭中心”）由岳阳市委宣传部指导。3日，洞庭中心在岳阳揭牌。"
            "仪式上，洞庭中心与湖南理工学院签署协议。")
    [event] = _events(analyzer, text, dt.date(2025, 6, 4))
    assert (event.center, event.date) == ("洞庭湖生态国际传播中心", "2025-06-03")
    assert "⟦洞庭中心⟧" in event.evidence


def test_a_short_form_with_its_own_suffix_is_one_event_and_no_partner(analyzer: Analyzer) -> None:
    text = ("3日，粤港澳大湾区（中山）国际传播中心（下称“中山国际传播中心”）揭牌成立。"
            "仪式上，中山国际传播中心与中山大学签署合作协议。")
    [event] = _events(analyzer, text, dt.date(2025, 6, 4))
    assert event.center == "粤港澳大湾区（中山）国际传播中心"
    assert event.partners == ("中山大学",)


# -- coreference (class 4) ---------------------------------------------------------------------------------

def test_the_ceremony_of_the_center_launches_it_by_reference(analyzer: Analyzer) -> None:
    text = "赣江国际传播中心由南昌市委宣传部主管、南昌日报社运营。该中心的揭牌仪式于3日在南昌举行。"
    [event] = _events(analyzer, text, dt.date(2025, 6, 4))
    assert (event.center, event.date) == ("赣江国际传播中心", "2025-06-03")


def test_a_platform_named_by_reference_goes_live(analyzer: Analyzer) -> None:
    text = "半年来，市委宣传部筹建达州国际传播中心。这一平台昨日正式上线运行，首批推出短视频10条。"
    [event] = _events(analyzer, text, dt.date(2025, 6, 4))
    assert (event.center, event.date) == ("达州国际传播中心", "2025-06-03")


@pytest.mark.parametrize("text", [
    "达州国际传播中心去年成立。该平台昨日上线了英文栏目。",               # the platform launches something
    "达州国际传播中心去年成立。该中心的年度总结会昨日举行。",             # an activity of the center
])
def test_a_reference_that_launches_something_else_is_no_launch(analyzer: Analyzer, text: str) -> None:
    assert _events(analyzer, text, dt.date(2025, 6, 4)) == []


# -- indirect statements (class 5) -------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "center"), [
    ("3日，鹰潭国际传播中心揭牌成立当天，鹰潭市融媒体中心与江西师范大学签署合作协议。", "鹰潭国际传播中心"),
    ("3日，安康国际传播中心启动仪式在安康举行。", "安康国际传播中心"),
    ("3日，鹤壁国际传播中心成立揭牌仪式在鹤壁举行。", "鹤壁国际传播中心"),
    ("3日，2025文旅推介会暨鹤壁国际传播中心揭牌仪式在鹤壁举行。", "鹤壁国际传播中心"),
])
def test_indirect_launch_statements(analyzer: Analyzer, text: str, center: str) -> None:
    [event] = _events(analyzer, text, dt.date(2025, 6, 4))
    assert (event.center, event.date) == (center, "2025-06-03")


def test_a_translated_report_names_the_center_by_its_place(analyzer: Analyzer) -> None:
    text = "据一家外国网站报道，位于中国西南部的四川省乐山市成立了一个国际传播中心，以推广当地文化。"
    [event] = _events(analyzer, text, dt.date(2025, 6, 4))
    assert event.center == "乐山国际传播中心"
    assert event.place is not None and event.place.name == "乐山市"


def test_the_ceremony_sentence_dates_a_center_named_by_its_place(analyzer: Analyzer) -> None:
    text = ("据外国网站5月30日报道，浙江省衢州市成立了一个国际传播中心。该中心的揭牌仪式于5月26日举行。"
            "衢州国际传播中心将讲好当地故事。")
    [event] = _events(analyzer, text, dt.date(2025, 6, 4))
    assert (event.center, event.date) == ("衢州国际传播中心", "2025-05-26")


@pytest.mark.parametrize("text", [
    "3日，鹰潭国际传播中心与江西师范大学签署合作协议。",                   # an agreement of an existing center
    "新近成立的扬州国际传播中心的首批短视频正式上线。",                     # its products
    "新近成立的扬州国际传播中心和泰州国际传播中心的两大产品全新推出。",       # products of two centers
    "3日，扬州国际传播中心首批短视频正式上线。",
    "海南国际传媒中心为三亚国际传播中心授牌，双方签署合作协议。",             # the giver of the plaque
    "工作站由四川国际传播中心与快手科技联合设立。",                         # the center founds, is not founded
    "开幕当天，温州国际传播中心在会展中心设立多语种直播间。",               # 设立 with an object
    "相关阅读：\n扬州国际传播中心揭牌成立\n泰州国际传播中心正式上线",         # a list of links
    "· 扬州国际传播中心揭牌成立",
])
def test_look_alikes_of_indirect_statements_are_no_launch(analyzer: Analyzer, text: str) -> None:
    events = _events(analyzer, text, dt.date(2025, 6, 4))
    assert [e.center for e in events if e.center != "三亚国际传播中心"] == []


# -- scheduled launches (class 6) --------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "date"), [
    ("记者从市委宣传部获悉，滁州国际传播中心将于明天上午在滁州揭牌。", "2025-06-17"),
    ("滁州国际传播中心将于后天揭牌成立。", "2025-06-18"),
    ("记者昨天获悉，滁州国际传播中心将于本月28日揭牌。", "2025-06-28"),
    ("滁州国际传播中心各项筹建工作已就绪，计划于6月26日正式揭牌成立。", "2025-06-26"),
    ("记者获悉，滁州国际传播中心明天上午将在滁州市融媒体中心揭牌。", "2025-06-17"),   # the day before 将
    ("滁州国际传播中心26日将举行揭牌仪式。", "2025-06-26"),
    ("明天上午，滁州国际传播中心将在滁州揭牌。", "2025-06-17"),
])
def test_a_launch_announced_for_a_stated_day_is_a_launch_on_that_day(analyzer: Analyzer, text: str,
                                                                      date: str) -> None:
    [event] = _events(analyzer, text, dt.date(2025, 6, 16))
    assert (event.center, event.date) == ("滁州国际传播中心", date)


@pytest.mark.parametrize("text", [
    "滁州国际传播中心拟于下半年挂牌运行。",
    "滁州国际传播中心将于7月揭牌。",
    "滁州国际传播中心正在筹建，力争年底前揭牌。",
    "会议要求，力争7月1日前完成改造，推动滁州国际传播中心揭牌运行。",
    "原定于6月18日举行的滁州国际传播中心揭牌仪式推迟举行。",
])
def test_a_plan_without_a_day_is_no_launch(analyzer: Analyzer, text: str) -> None:
    assert _events(analyzer, text, dt.date(2025, 6, 16)) == []


def test_a_plan_in_one_clause_does_not_cancel_a_launch_in_another(analyzer: Analyzer) -> None:
    text = "丽水国际传播中心15日在丽水揭牌成立，衢州国际传播中心则将于本月28日揭牌，湖州国际传播中心将于下半年挂牌。"
    events = _events(analyzer, text, dt.date(2025, 6, 16))
    assert [(e.center, e.date) for e in events] == [("丽水国际传播中心", "2025-06-15"),
                                                    ("衢州国际传播中心", "2025-06-28")]


def test_an_overseas_liaison_station_set_up_at_home_is_no_branch(analyzer: Analyzer) -> None:
    text = ("3日，衡阳国际传播中心海外传播联络站授牌仪式在衡阳某集团举行。这是衡阳国际传播中心在省内企业设立的"
            "首个海外传播联络站，将收集该集团海外项目的故事。")
    assert _events(analyzer, text, dt.date(2025, 6, 4)) == []
    abroad = "3日，衡阳国际传播中心海外传播联络站在曼谷揭牌，这是中心在国内外设立的第五个站点。"
    assert [e.type for e in _events(analyzer, abroad, dt.date(2025, 6, 4))] == ["branch"]


def test_a_branch_has_its_co_founders_but_not_its_parent_nor_the_parents_operators(analyzer: Analyzer) -> None:
    text = ("当地时间8月2日，漳州国际传播中心曼谷联络处在泰国曼谷揭牌。该联络处由漳州国际传播中心与泰国漳州同乡会"
            "共同设立。\n漳州国际传播中心由漳州市委宣传部指导、漳州市融媒体中心运营。")
    [event] = _events(analyzer, text, dt.date(2025, 8, 3))
    assert (event.type, event.partners) == ("branch", ("泰国漳州同乡会",))
    assert event.place is not None and event.place.name == "漳州市"


def test_a_themed_center_is_placed_by_its_operators_or_its_venue(analyzer: Analyzer) -> None:
    [run] = _events(analyzer, "3日，太湖国际传播中心揭牌。该中心由无锡市委宣传部指导、无锡日报社运营。",
                    dt.date(2025, 6, 4))
    assert run.place is not None and run.place.name == "无锡市"
    [venue] = _events(analyzer, "3日，东部国际传播中心在沪揭牌。", dt.date(2025, 6, 4))
    assert venue.place is not None and venue.place.name == "上海市"


def test_a_generic_phrase_that_launches_the_one_named_center_is_that_center(analyzer: Analyzer) -> None:
    text = "3日，我县首个县级国际传播中心在县融媒体中心揭牌成立。宜丰国际传播中心由县委宣传部主导。"
    [event] = _events(analyzer, text, dt.date(2025, 6, 4))
    assert (event.center, event.date) == ("宜丰国际传播中心", "2025-06-03")


@pytest.mark.parametrize("text", [
    "宜丰国际传播中心成立一周年。目前，全市各县级国际传播中心已陆续挂牌成立。",
    "宜丰国际传播中心由县委宣传部主导。3日，12个县级国际传播中心集中揭牌。",
])
def test_a_generic_phrase_for_many_centers_launches_none(analyzer: Analyzer, text: str) -> None:
    assert _events(analyzer, text, dt.date(2025, 6, 4)) == []


@pytest.mark.parametrize("text", [
    "10日，莆田国际传播中心正式上线英文网站。",
    "10日，莆田国际传播中心启动“外国人看莆田”短视频征集活动。",
    "10日，莆田国际传播中心正式启用新演播厅。",
    "10日，莆田国际传播中心开通海外社交媒体账号。",
    "10日，莆田国际传播中心组建多语种采编团队。",
    "这是莆田国际传播中心在海外设立的首个工作站。",
])
def test_a_launch_verb_with_an_object_launches_something_of_the_center(analyzer: Analyzer, text: str) -> None:
    assert [e for e in _events(analyzer, text, dt.date(2025, 6, 16)) if e.type == "launch"] == []


@pytest.mark.parametrize("text", [
    "10日，莆田国际传播中心正式上线。",
    "10日，莆田国际传播中心上线运行。",
    "10日，莆田国际传播中心启动仪式在莆田举行。",
    "10日，莆田国际传播中心正式启用，首批推出短视频。",
])
def test_the_same_verbs_without_an_object_launch_the_center(analyzer: Analyzer, text: str) -> None:
    [event] = _events(analyzer, text, dt.date(2025, 6, 16))
    assert (event.center, event.date) == ("莆田国际传播中心", "2025-06-10")


def test_a_kind_of_center_is_no_partner(analyzer: Analyzer) -> None:
    text = "3日，珠海国际传播中心揭牌成立，与澳门日报社签署合作协议。专家认为，内地城市国际传播中心与澳门媒体合作有益。"
    [event] = _events(analyzer, text, dt.date(2025, 6, 4))
    assert event.partners == ("澳门日报社",)


@pytest.mark.parametrize("text", [
    "据英国媒体报道，中国东部城市衢州日前设立了国际传播中心。",
    "据外媒报道，浙江省衢州市近日成立了一个新的国际传播中心。",
])
def test_translations_name_the_center_by_its_founding_place(analyzer: Analyzer, text: str) -> None:
    [event] = _events(analyzer, text, dt.date(2025, 6, 4))
    assert event.center == "衢州国际传播中心"


def test_a_place_that_founded_its_center_long_ago_is_background(analyzer: Analyzer) -> None:
    assert _events(analyzer, "近年来，衢州市成立了一个国际传播中心，讲好衢州故事。", dt.date(2025, 6, 4)) == []


def test_a_reference_stands_for_the_center_named_as_subject_not_for_its_guide(analyzer: Analyzer) -> None:
    text = "在江西国际传播中心指导下，赣州国际传播中心筹建半年。该中心3日正式揭牌。"
    [event] = _events(analyzer, text, dt.date(2025, 6, 4))
    assert (event.center, event.date) == ("赣州国际传播中心", "2025-06-03")
    assert event.partners == ("江西国际传播中心",)


# -- round-ups, late features, organizations' provinces -----------------------------------------------------

def test_a_digest_of_bulleted_news_items_reports_each_launch(analyzer: Analyzer) -> None:
    """Bulleted lines that tell their news in sentences are a digest's items, not a list of links."""
    text = ("国际传播周报｜第十八期\n【新机构】\n"
            "· 5月8日，衡阳国际传播中心在衡阳揭牌成立。该中心由衡阳市委宣传部指导，衡阳日报社承建运营。\n"
            "· 5月9日，株洲国际传播中心挂牌。中心依托株洲市融媒体中心组建，与湖南工业大学签订合作协议。\n"
            "【动态】\n· 湘潭国际传播中心召开年度工作会议。\n· 娄底市召开国际传播中心筹建工作推进会。")
    events = _events(analyzer, text, dt.date(2025, 5, 12))
    assert [(e.center, e.date, e.partners) for e in events] == [
        ("衡阳国际传播中心", "2025-05-08", ("衡阳市委宣传部", "衡阳日报社")),
        ("株洲国际传播中心", "2025-05-09", ("株洲市融媒体中心", "湖南工业大学"))]


def test_a_feature_telling_a_founding_of_its_own_year_reports_it_late(analyzer: Analyzer) -> None:
    """A sentence that opens with the date tells the founding as an event (a late report); the same founding
    as a description of the center (于今年2月成立) or as an item of a year's list is background."""
    feature = ("衡阳打造传播新模式\n近年来，衡阳依托高校集聚优势，不断搭平台。\n6月，衡阳市委宣传部与衡阳师范学院"
               "举行校地合作仪式，成立衡阳国际传播中心。随后，该中心组织留学生拍摄短视频。")
    [event] = _events(analyzer, feature, dt.date(2025, 11, 20))
    assert (event.center, event.date, event.late) == ("衡阳国际传播中心", "2025-06", True)
    described = "本报讯 11月8日，衡阳国际传播中心举办活动。\n衡阳国际传播中心于今年2月成立，由衡阳日报社承建运营。"
    listed = "全省对外传播亮点纷呈，国际传播矩阵持续完善：3月，衡阳国际传播中心揭牌；8月，株洲国际传播中心成立。"
    assert _events(analyzer, described, dt.date(2025, 11, 9)) == []
    attributive = "今年3月揭牌成立的衡阳国际传播中心，近日推出系列短视频。"
    assert _events(analyzer, attributive, dt.date(2025, 11, 9)) == []
    assert _events(analyzer, listed, dt.date(2025, 12, 30)) == []


def test_a_look_back_named_in_the_title_keeps_no_launch_of_months_ago(analyzer: Analyzer) -> None:
    text = "全省对外传播亮点纷呈。3月，衡阳国际传播中心揭牌。8月，株洲国际传播中心成立。"
    article = Article("http://t", "2025年外宣工作盘点", text, dt.date(2025, 12, 30))
    assert analyzer.analyze(article, None).events == []


def test_a_universitys_center_is_placed_where_the_article_says_not_by_a_partners_name(
        analyzer: Analyzer) -> None:
    """华龙 of 华龙网集团 is also a district of 河南: a statement of location (在穗) wins."""
    text = "5月28日，暨南大学国际传播中心揭牌。作为在穗高校首个国际传播中心，该中心与华龙网集团签署合作协议。"
    [event] = _events(analyzer, text, dt.date(2025, 5, 29))
    assert event.place is not None and (event.place.name, event.place.province, event.place.level) == \
        ("暨南大学", "广东省", "other")


def test_an_earlier_center_named_beside_a_launch_is_background_but_the_launch_is_kept(analyzer: Analyzer) -> None:
    text = "继此前成立的南岳国际传播中心之后，衡阳国际传播中心今天揭牌成立。"
    assert [e.center for e in _events(analyzer, text, dt.date(2025, 5, 9))] == ["衡阳国际传播中心"]
    prepared = "历时三个月筹建，衡阳国际传播中心8日揭牌运行。"
    assert [e.center for e in _events(analyzer, prepared, dt.date(2025, 5, 9))] == ["衡阳国际传播中心"]


def test_a_plaque_bearing_the_name_that_is_hung_launches_the_center(analyzer: Analyzer) -> None:
    text = "一块写着“衡阳国际传播中心”的铜牌，于5月8日被挂上了衡阳市融媒体中心大楼的外墙。"
    [event] = _events(analyzer, text, dt.date(2025, 5, 9))
    assert (event.center, event.date) == ("衡阳国际传播中心", "2025-05-08")
    assert _events(analyzer, "一块写着“衡阳国际传播中心”的铜牌静静立在大楼门口。", dt.date(2025, 5, 9)) == []
    assert _events(analyzer, "一块写着“衡阳国际传播中心”的牌子挂在大楼门口已经两年了。", dt.date(2025, 5, 9)) == []
