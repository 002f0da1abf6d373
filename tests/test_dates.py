"""The date of a launch, read against the publication date and the dateline."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from monitor.events.dates import find_dateline, resolve_event_date

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
