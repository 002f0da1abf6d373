"""The date of a launch, read against the publication date and the dateline."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from monitor.events.date_forms import find_dateline
from monitor.events.dates import event_date, resolve_event_date
from monitor.events.reference import DateContext

PUB = dt.date(2025, 3, 10)


def at(text: str, marker: str = "中心") -> int:
    """The anchor: the offset of the center's mention."""
    return text.index(marker)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024年9月6日，某县国际传播中心揭牌。", "2024-09-06"),
        ("2024-09-06，某县国际传播中心揭牌。", "2024-09-06"),
        ("2024.9.6，某县国际传播中心揭牌。", "2024-09-06"),
        ("2024/9/6，某县国际传播中心揭牌。", "2024-09-06"),
        ("二〇二四年九月六日，某县国际传播中心揭牌。", "2024-09-06"),
        ("二〇二四年十二月二十八日，某县国际传播中心揭牌。", "2024-12-28"),
        ("２０２４年９月６日，某县国际传播中心揭牌。", "2024-09-06"),
        ("2024年9月，某县国际传播中心揭牌。", "2024-09"),
        ("2024年，某县国际传播中心揭牌。", "2024"),
    ],
)
def test_written_dates(text: str, expected: str) -> None:
    assert resolve_event_date(text, at(text), PUB) == expected


def test_month_day_takes_the_publication_year() -> None:
    text = "3月5日，某县国际传播中心揭牌。"
    assert resolve_event_date(text, at(text), PUB) == "2025-03-05"


def test_month_day_rolls_over_to_the_previous_year() -> None:
    text = "12月28日，某县国际传播中心揭牌。"
    assert resolve_event_date(text, at(text), dt.date(2025, 1, 3)) == "2024-12-28"


def test_day_only_takes_month_from_the_dateline() -> None:
    text = "新华社郑州3月27日电（记者 张三）26日上午，洛阳国际传播中心揭牌。"
    assert resolve_event_date(text, at(text), dt.date(2025, 3, 28)) == "2025-03-26"


def test_day_only_after_the_publication_day_is_last_month() -> None:
    text = "28日上午，某县国际传播中心揭牌。"
    assert resolve_event_date(text, at(text), dt.date(2025, 3, 3)) == "2025-02-28"


def test_chinese_numeral_day_with_time_of_day() -> None:
    text = "二十六日上午，某县国际传播中心揭牌。"
    assert resolve_event_date(text, at(text), dt.date(2025, 3, 28)) == "2025-03-26"


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("今天", "2025-03-10"),
        ("今日", "2025-03-10"),
        ("昨天", "2025-03-09"),
        ("昨日", "2025-03-09"),
        ("前天", "2025-03-08"),
        ("近日", "2025-03"),
        ("日前", "2025-03"),
        ("近期", "2025-03"),
    ],
)
def test_relative_words(word: str, expected: str) -> None:
    text = f"{word}，某县国际传播中心揭牌成立。"
    assert resolve_event_date(text, at(text), PUB) == expected


def test_dateline_in_the_sentence_is_not_the_event() -> None:
    text = "中新网洛阳5月12日电 洛阳国际传播中心11日在洛阳揭牌。"
    assert resolve_event_date(text, at(text), dt.date(2025, 5, 12)) == "2025-05-11"


def test_closest_date_before_the_anchor_wins() -> None:
    text = "2月1日筹备，3月5日某县国际传播中心揭牌，3月8日开展活动。"
    assert resolve_event_date(text, at(text), PUB) == "2025-03-05"


def test_precise_date_after_anchor_beats_a_bare_year_before() -> None:
    text = "2025年，某县国际传播中心于3月5日揭牌。"
    assert resolve_event_date(text, at(text), PUB) == "2025-03-05"


def test_earlier_sentence_of_the_paragraph() -> None:
    text = "3月6日，县委召开会议。随后，某县国际传播中心揭牌。"
    assert resolve_event_date(text, at(text), PUB) == "2025-03-06"


def test_earlier_paragraph_is_not_read_but_the_dateline_is() -> None:
    text = "新华社郑州3月9日电 会议。\n2月1日，县委开会。\n某县国际传播中心揭牌。"
    assert resolve_event_date(text, at(text), PUB) == "2025-03-09"


@pytest.mark.parametrize(
    "text",
    [
        "自2018年以来，某县国际传播中心不断发展。",
        "某县国际传播中心揭牌，报名须于3月20日前完成。",
        "3月1日起，某县国际传播中心揭牌运行。",
        "《2024年9月6日工作要点》提到某县国际传播中心揭牌。",
        "某县国际传播中心于10时30分揭牌，电话0379-65231234。",
        "第2024期：某县国际传播中心揭牌。",
        "2024年度某县国际传播中心揭牌。",
        "今日头条与某县国际传播中心签约。",
    ],
)
def test_ignored_expressions_fall_back_to_the_publication_month(text: str) -> None:
    assert resolve_event_date(text, at(text), PUB) == "2025-03"


def test_departure_is_not_a_deadline() -> None:
    text = "他于3月7日前往某县国际传播中心揭牌。"
    assert resolve_event_date(text, at(text), PUB) == "2025-03-07"


def test_nothing_at_all_is_none() -> None:
    text = "某县国际传播中心揭牌。"
    assert resolve_event_date(text, at(text), None) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("中新网洛阳5月12日电 洛阳国际传播中心揭牌", (None, 5, 12)),
        ("新华社郑州3月27日电（记者 李四）", (None, 3, 27)),
        ("本报讯（记者 王五）3月27日，某县国际传播中心揭牌", (None, 3, 27)),
        ("央广网北京12月3日消息 某中心", (None, 12, 3)),
        ("新华社北京2025年3月27日电", (2025, 3, 27)),
        ("据新华社拉萨电（记者 格桑）近日", None),
        ("某县国际传播中心于3月27日揭牌。", None),
    ],
)
def test_find_dateline(text: str, expected: tuple[int | None, int | None, int | None] | None) -> None:
    assert find_dateline(text) == expected


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("此前，临沂国际传播中心已于去年揭牌运行。", dt.date(2024, 6, 17), "2023"),
        ("今年3月，某国际传播中心揭牌。", dt.date(2025, 10, 15), "2025-03"),
        ("去年12月28日，某国际传播中心揭牌。", dt.date(2025, 1, 15), "2024-12-28"),
        ("该中心前年成立。", dt.date(2025, 1, 15), "2023"),
    ],
)
def test_years_relative_to_publication(text: str, published: dt.date, expected: str) -> None:
    anchor = max(text.find("揭牌"), text.find("成立"))
    assert resolve_event_date(text, anchor, published) == expected


def test_years_ago_on_the_same_day_and_without_a_day() -> None:
    text = "一年前的今天，南沙国际传播中心揭牌成立。两年前，另一中心揭牌。"
    assert resolve_event_date(text, text.index("揭牌"), dt.date(2025, 9, 12)) == "2024-09-12"
    assert resolve_event_date(text, text.rindex("揭牌"), dt.date(2025, 9, 12)) == "2023"


def test_a_bare_month_and_the_next_sentence_date_a_headline_line() -> None:
    text = "三、桐乡国际传播中心揭牌成立。5月，中心在乌镇揭牌，开设海外账号。\n四、高铁站建成投用。"
    assert resolve_event_date(text, text.index("揭牌"), dt.date(2025, 1, 2)) == "2024-05"


def test_a_month_end_is_not_a_bare_month() -> None:
    text = "力争6月底前挂牌运行。"
    assert resolve_event_date(text, text.index("挂牌"), dt.date(2025, 2, 14)) == "2025-02"


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("二〇二四年十二月三十一日，某县国际传播中心揭牌。", PUB, "2024-12-31"),
        ("十二月三十一日，某县国际传播中心揭牌。", dt.date(2025, 1, 3), "2024-12-31"),
        ("二〇二四年五月廿八日，某县国际传播中心揭牌。", PUB, "2024-05-28"),
        ("五月卅日，某县国际传播中心揭牌。", dt.date(2024, 6, 5), "2024-05-30"),
        ("新华社郑州3月31日电 卅一日上午，某县国际传播中心揭牌。", dt.date(2025, 4, 1), "2025-03-31"),
    ],
)
def test_chinese_numerals_twenty_and_thirty(text: str, published: dt.date, expected: str) -> None:
    assert resolve_event_date(text, at(text), published) == expected


@pytest.mark.parametrize("text", ["1十年前，某县国际传播中心揭牌。", "今年十十月，某县国际传播中心揭牌。",
                                  "〇十一月，某县国际传播中心揭牌。"])
def test_a_malformed_numeral_is_no_date(text: str) -> None:
    assert resolve_event_date(text, at(text), PUB) == "2025-03"


def test_cn2an_is_imported_only_for_a_chinese_numeral() -> None:
    """cn2an costs ~100 ms to import: an article with Arabic dates only never pays it."""
    script = (
        "import sys\n"
        "from monitor.events.dates import resolve_event_date\n"
        "resolve_event_date('2024年9月6日，某县国际传播中心揭牌。', 10, None)\n"
        "print('cn2an' in sys.modules)\n"
        "resolve_event_date('二〇二四年九月六日，某县国际传播中心揭牌。', 10, None)\n"
        "print('cn2an' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "True"]


# -- dates without a year: the contract's --MM-DD and --MM ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10月28日，某县国际传播中心揭牌。", "--10-28"),
        ("今年6月，由县委宣传部牵头的某县国际传播中心揭牌成立。", "--06"),
        ("今年6月5日，某县国际传播中心揭牌成立。", "--06-05"),
        ("中新网西安10月29日电 某县国际传播中心成立仪式于28日举行。", "--10-28"),
        ("中新网西安10月29日电 今天，某县国际传播中心揭牌。", "--10-29"),
        ("中新网西安3月1日电 昨天，某县国际传播中心揭牌。", "--02-28"),
        ("某县国际传播中心揭牌。", None),
    ],
)
def test_without_any_year_what_is_known_is_kept(text: str, expected: str | None) -> None:
    assert resolve_event_date(text, at(text), None) == expected


def test_a_dateline_alone_dates_the_event_without_a_year() -> None:
    text = "新华社郑州3月27日电 某县国际传播中心揭牌。"
    assert resolve_event_date(text, at(text), None) == "--03-27"


# -- where the year comes from when `published` is missing ---------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://news.example.cn/zfqy/2025/1109/507877.html",
        "http://news.example.cn/2025-11/09/content_42911425.htm",
        "http://news.example.cn/system/2025/11/09/012976987.shtml",
        "http://news.example.cn/zhejiang/202511/t20251109_27079956.shtml",
        "http://news.example.cn/a/20251109/4417.html",
        "http://news.example.cn/shizheng/2025-11-09/2095681_pc.html",
    ],
)
def test_a_date_in_the_url_is_the_page_day(url: str) -> None:
    text = "11月7日下午，某县国际传播中心在乌镇揭牌。"
    assert resolve_event_date(text, at(text), None, url=url) == "2025-11-07"


def test_an_id_in_the_url_is_no_date() -> None:
    text = "11月7日下午，某县国际传播中心揭牌。"
    assert resolve_event_date(text, at(text), None, url="http://m.example.cn/new/652204010595422208") == "--11-07"


def test_a_year_alone_in_the_url_gives_the_year() -> None:
    text = "5月20日上午，某县国际传播中心揭牌。"
    assert resolve_event_date(text, at(text), None, url="http://news.example.cn/2025/list/c4417.html") == "2025-05-20"


@pytest.mark.parametrize(
    "header",
    [
        "发布时间：2025-03-18 16:05　来源：桂林日报",
        "發佈時間：2025-03-18 16:05　來源：桂林日報",
        "原创　县域发布　2025年03月18日 20:05　广西",
        "2025-03-18",
    ],
)
def test_a_copiers_header_gives_the_year_but_not_the_day(header: str) -> None:
    text = f"县域 > 龙胜\n{header}\n3月15日，某县国际传播中心在县融媒体中心揭牌成立。"
    assert resolve_event_date(text, at(text), None) == "2025-03-15"


def test_a_month_and_day_header_takes_the_year_of_the_url() -> None:
    text = "首页 > 县区动态\n05-21 10:32　来源：保山日报\n该中心于20日上午揭牌，某县国际传播中心由宣传部主导。"
    url = "http://news.example.cn/2025/0521/content_30817.html"
    assert resolve_event_date(text, text.index("揭牌"), None, url=url) == "2025-05-20"


def test_a_header_in_the_new_year_dates_a_december_launch_in_the_old_one() -> None:
    text = "发布时间：2026-02-03 11:20:45　来源：大众日报\n大众日报讯 12月9日，某县国际传播中心成立揭牌仪式举行。"
    assert resolve_event_date(text, at(text), None) == "2025-12-09"


def test_the_fetch_date_is_the_last_reference() -> None:
    text = "12月30日，某县国际传播中心揭牌成立。"
    assert resolve_event_date(text, at(text), None, fetched=dt.date(2026, 1, 5)) == "2025-12-30"
    assert resolve_event_date(text, at(text), dt.date(2025, 12, 31), fetched=dt.date(2027, 1, 5)) == "2025-12-30"


def test_a_year_that_names_a_current_event_gives_the_year() -> None:
    text = "10月28日，某县国际传播中心成立。\n此外，2025“古城之光”短视频大赛同日启动。"
    assert resolve_event_date(text, at(text), None) == "2025-10-28"


@pytest.mark.parametrize("extra", ["并表彰了2023年度对外传播优秀案例。", "2022年地区生产总值达到1.1万亿元。",
                                   "到2035年建成文化强县。", "全年接待游客2024万人次。"])
def test_statistics_plans_and_counts_give_no_year(extra: str) -> None:
    text = f"10月28日，某县国际传播中心成立。\n{extra}"
    assert resolve_event_date(text, at(text), None) == "--10-28"


def test_the_year_of_a_text_event_wins_over_the_fetch_date() -> None:
    text = "10月28日，某县国际传播中心成立。\n此外，2024外媒记者古城行活动同日启动。"
    assert resolve_event_date(text, at(text), None, fetched=dt.date(2026, 12, 7)) == "2024-10-28"


# -- scheduled launches are read forward ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("记者获悉，某县国际传播中心将于明天上午在古城区揭牌。", dt.date(2025, 9, 25), "2025-09-26"),
        ("某县国际传播中心将于后天揭牌。", dt.date(2025, 9, 25), "2025-09-27"),
        ("某县国际传播中心将于26日揭牌成立。", dt.date(2025, 6, 23), "2025-06-26"),
        ("某县国际传播中心将于3日揭牌成立。", dt.date(2025, 6, 28), "2025-07-03"),
        ("某县国际传播中心将于本月18日在报业集团揭牌。", dt.date(2025, 11, 10), "2025-11-18"),
        ("某县国际传播中心将于下月2日揭牌。", dt.date(2025, 12, 10), "2026-01-02"),
        ("某县国际传播中心定于1月6日揭牌。", dt.date(2025, 12, 20), "2026-01-06"),
        ("某县国际传播中心将于下周三揭牌。", dt.date(2025, 9, 25), "2025-10-01"),
    ],
)
def test_a_scheduled_launch_is_dated_the_announced_day(text: str, published: dt.date, expected: str) -> None:
    assert resolve_event_date(text, text.index("揭牌"), published) == expected


def test_a_place_named_with_jiang_is_no_schedule() -> None:
    """将乐 is a county: 28日 in a past report stays in the past."""
    text = "新华社三明6月30日电 28日，将乐国际传播中心揭牌成立。"
    assert resolve_event_date(text, text.index("揭牌"), dt.date(2025, 6, 30)) == "2025-06-28"


# -- more forms --------------------------------------------------------------------------------------------


def test_a_relayed_report_is_dated_by_its_own_ceremony() -> None:
    text = ("参考消息网7月15日报道 据外国通讯社7月13日报道，某市成立了一个国际传播中心。\n"
            "报道称，这一机构于本月12日在市区挂牌。")
    assert resolve_event_date(text, text.index("成立"), None) == "--07-12"
    assert resolve_event_date(text, text.index("成立"), dt.date(2025, 7, 15)) == "2025-07-12"


def test_yesterday_with_the_day_in_brackets_under_a_day_only_dateline() -> None:
    text = "（本社记者 王明台北18日电）某市昨（17）日成立「某市国际传播中心」，该中心由市委宣传部主导。"
    assert find_dateline(text) == (None, None, 18)
    assert resolve_event_date(text, text.index("成立"), dt.date(2025, 4, 18)) == "2025-04-17"


def test_a_speech_is_dated_by_the_line_under_its_title() -> None:
    text = ("在某市国际传播中心揭牌仪式上的致辞\n（2023年12月19日）\n\n"
            "大家上午好！今天，我们隆重举行某市国际传播中心揭牌仪式。")
    assert resolve_event_date(text, text.rindex("揭牌"), dt.date(2023, 12, 20)) == "2023-12-19"


def test_a_copy_reads_relative_words_against_the_original_dateline() -> None:
    text = "发布时间：2024-11-14 17:51\n中新网南宁9月6日电 近日，某市国际传播中心揭牌成立。"
    assert resolve_event_date(text, at(text), dt.date(2024, 11, 14)) == "2024-09"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the anchor's sentence has no date: the article's own ceremony sentence dates the launch
        ("6月18日，某市国际传播中心全球启幕暨城市品牌发布仪式在市区举行。\n副市长说，某市国际传播中心的成立，将为文化插上翅膀。",
         "2025-06-18"),
        ("在某市国际传播中心揭牌成立当天，某大学与该中心签约。\n\n18日上午的揭牌仪式在古城内举行。", "2025-06-18"),
        ("某市星期一（6月16日）成立国际传播中心。\n\n据报道，某市国际传播中心由市委宣传部组建。", "2025-06-16"),
    ],
)
def test_the_ceremony_sentence_dates_a_launch_named_elsewhere(text: str, expected: str) -> None:
    anchor = text.rindex("某市国际传播中心") if "组建" in text or "成立，" in text else text.index("揭牌成立")
    assert resolve_event_date(text, anchor, dt.date(2025, 6, 19), center="某市国际传播中心") == expected


def test_a_plan_elsewhere_does_not_date_the_launch() -> None:
    text = "某市国际传播中心揭牌运行。\n\n另外，某县国际传播中心计划于8月1日揭牌成立。"
    assert resolve_event_date(text, text.index("揭牌"), dt.date(2025, 6, 19), center="某市国际传播中心") == "2025-06"


@pytest.mark.parametrize(
    ("text", "narrated"),
    [
        ("近年来，某市不断搭平台。今年6月，某市委宣传部与某大学举行仪式，成立某市国际传播中心。", True),
        ("本报讯 某市举办活动。\n6月18日，某市国际传播中心揭牌成立。", True),
        ("某市国际传播中心于今年2月成立，由某市日报社承建运营。", False),
        ("国际传播矩阵持续完善：3月，某县国际传播中心揭牌；8月，某市国际传播中心成立。", False),
    ],
)
def test_a_date_that_opens_the_sentence_narrates_the_event(text: str, narrated: bool) -> None:
    anchor = text.rindex("某市国际传播中心")
    assert event_date(text, anchor, DateContext(dt.date(2025, 11, 20))).narrated is narrated
