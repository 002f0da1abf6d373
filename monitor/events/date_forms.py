"""Date forms: what a date looks like in a Chinese news text, found but not yet resolved.

Full dates (2024年9月6日, 二〇二四年九月六日, 2024-09-06, 2024/9/6, 2024.9.6), a year and month (2024年9月), a
year (2024年), a month and day (9月6日), a day (6日, 六日上午, 昨（17）日), a month alone (6月), 本月18日 / 上月 /
下月, 今年/去年/前年 (with a month and day or not), N年前(的今天), 今天/昨天/前天/明天/后天, 上周三 / 本周六, and
日前/近日/近期. Full-width digits are read; Chinese numerals are read by cn2an (`number`).

Left out (`find_all`): dates inside 《》 titles; dates that open or close a span or a deadline (自2018年以来,
截至9月底, 9月6日前, 9月6日起, 9月6日至8日); 2024年度; the report's own dateline (5月12日电) and the date of a
report it relays (据…网站10月28日报道); durations (为期10日); 今日头条 and other names.

The dateline that opens a report (中新网洛阳5月12日电, 本报讯（记者 王五）3月27日, 四川日报讯（…）11月21日,
台北18日电) is read by
`find_dateline`. What the forms mean for an event is monitor.events.dates' concern.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["full", "month", "year", "relyear", "yearsago", "monthonly", "weekday", "monthday", "day",
               "relmonth", "relative", "recent"]

WIDE = str.maketrans("０１２３４５６７８９．／－", "0123456789./-")
_CN = "〇零一二两三四五六七八九十廿卅"  # 廿 twenty, 卅 thirty (廿八日, 卅一日)
_TIME_OF_DAY = "上午|下午|晚上|晚|中午|早上|凌晨"


def _year(key: str) -> str:
    return rf"(?P<y{key}>(?:19|20)\d\d|[〇零一二三四五六七八九]{{4}})"


def _month(key: str) -> str:
    return rf"(?P<m{key}>\d{{1,2}}|[{_CN}]{{1,2}})"


def _day(key: str) -> str:
    return rf"(?P<d{key}>\d{{1,2}}|[{_CN}]{{1,3}})"


# (kind, pattern) tried left to right at each position; group names carry the alternative's index.
_TEMPLATES: tuple[tuple[Kind, str], ...] = (
    ("full", r"YEAR\s*年\s*MONTH\s*月\s*DAY\s*[日号]"),
    ("full", r"(?P<yK>(?:19|20)\d\d)(?P<sepK>[-./])(?P<mK>\d{1,2})(?P=sepK)(?P<dK>\d{1,2})(?![\d.])"),
    ("month", rf"YEAR\s*年\s*MONTH\s*月(?![\d{_CN}])"),
    ("relyear", r"(?P<ryK>今年|去年|前年|上年)\s*(?:MONTH\s*月\s*(?:DAY\s*[日号])?)?"),
    ("yearsago", r"(?P<agoK>[一两二三四五六七八九十\d]{1,2})\s*年前(?P<todayK>的?(今天|今日|当天|这一天))?"),
    ("monthday", r"(?<!\d)MONTH\s*月\s*DAY\s*[日号]"),
    ("year", rf"YEAR\s*年(?![\d{_CN}]|度)"),
    ("monthonly", rf"(?<![\d{_CN}年])MONTH\s*月(?![\d{_CN}日号]|份?[底末初中])"),
    ("relmonth", r"(?P<rmK>本月|当月|上月|上个月|下月|下个月)\s*DAY\s*[日号]"),
    (
        "day",
        rf"(?<![\d{_CN}月])(?:(?P<dK>\d{{1,2}})|(?P<eK>[{_CN}]{{1,3}})(?=日(?:{_TIME_OF_DAY})))"
        r"日(?![报电])",
    ),
    ("day", r"[今昨前]\s*[（(]\s*(?P<dK>\d{1,2})\s*[）)]\s*日"),  # 昨（17）日: the day is written
    ("relative", r"(?P<relK>今天|今日|昨天|昨日|前天|前日|明天|明日(?!之)|后天(?!性))"),
    ("weekday", r"(?P<wkK>上|本|这|下)(?:周|週|星期|礼拜)(?P<wdK>[一二三四五六日天])"),
    ("recent", r"(?P<recentK>日前|近日|近期)"),
)


def _compile_dates() -> re.Pattern[str]:
    parts = []
    for i, (_, template) in enumerate(_TEMPLATES):
        key = str(i)
        pattern = template.replace("YEAR", _year(key)).replace("MONTH", _month(key)).replace("DAY", _day(key))
        parts.append(f"(?P<k{i}>{pattern.replace('K>', f'{key}>').replace('=sepK', f'=sep{key}')})")
    return re.compile("|".join(parts))


_DATES = _compile_dates()
_RELATIVE_YEARS = {"今年": 0, "去年": -1, "上年": -1, "前年": -2}
_RELATIVE_DAYS = {"今天": 0, "今日": 0, "昨天": -1, "昨日": -1, "前天": -2, "前日": -2, "明天": 1, "明日": 1,
                  "后天": 2}
_RELATIVE_MONTHS = {"本月": 0, "当月": 0, "上月": -1, "上个月": -1, "下月": 1, "下个月": 1}
_WEEKS = {"上": -1, "本": 0, "这": 0, "下": 1}

_NOT_BEFORE = re.compile(r"(?:自|从|截至|截止|到|至|为期|历时|连续|每|第|近)\s*$")
_NOT_AFTER = re.compile(
    rf"\s*(?:以来|之前|以前|前(?!往|来|去|进|行)|起|至今|以后|之后|后|止|为止|截止|底前|电|讯|消息|报道|刊文"
    rf"|(?:至|到|[-—~～])\s*[\d{_CN}])"
)
_NOT_AFTER_RELATIVE = re.compile(r"头条|说法|中国|俄罗斯|关注")
_DIGIT_BEFORE = re.compile(rf"[\d{_CN}月]$")
_TITLE = re.compile(r"《[^《》]{0,200}》")
_DATELINE = re.compile(
    rf"^[^\n。]{{0,40}}?(?:{_year('a')}年)?{_month('a')}月{_day('a')}日\s*(?:电|讯|消息|报道)"
    rf"|^[^\n。]{{0,10}}讯\s*[（(][^）)\n]{{0,40}}[）)]\s*{_month('b')}月{_day('b')}[日号]"  # 本报讯, 四川日报讯
    rf"|^\s*[（(]\s*{_year('c')}年{_month('c')}月{_day('c')}日\s*[）)]\s*$"  # a speech's date under its title
    rf"|^[^\n。]{{0,40}}?(?<![\d{_CN}月])(?P<dd>\d{{1,2}})日\s*(?:电|讯)",  # （中央社记者…台北18日电）
    re.MULTILINE,
)
_DATELINE_SPAN = 300
# The first line of Chinese prose: navigation, header and ad lines have no ，。; a translation is no Chinese.
_PROSE_LINE = re.compile(r"^(?=(?:[^\n]*?[\u4e00-\u9fff]){8})[^\n]*[，,。][^\n]*$", re.MULTILINE)


@dataclass(frozen=True)
class Found:
    """A date expression in the text, not yet resolved."""

    start: int
    end: int
    kind: Kind
    year: int | None = None
    month: int | None = None
    day: int | None = None
    shift: int = 0


def find_dateline(text: str) -> tuple[int | None, int | None, int | None] | None:
    """(year, month, day) of the dateline opening a report, year None unless written:
    "中新网洛阳5月12日电" → (None, 5, 12); "本报讯（记者 王五）3月27日" → (None, 3, 27); a day alone
    ("（中央社记者 林昭宏台北18日电）") → (None, None, 18). It opens the text, or the first line written as prose
    below the navigation, header and ad lines of a page."""
    text = text.lstrip()
    prose = _PROSE_LINE.search(text)
    match = _DATELINE.search(text[:_DATELINE_SPAN].translate(WIDE)) or (
        _DATELINE.search(text[prose.start():prose.start() + _DATELINE_SPAN].translate(WIDE)) if prose else None)
    if match is None:
        return None
    groups = match.groupdict()
    year = groups["ya"] or groups["yc"]
    month = groups["ma"] or groups["mb"] or groups["mc"]
    day = groups["da"] or groups["db"] or groups["dc"] or groups["dd"]
    try:
        return (_number(year) if year else None, _number(month) if month else None, _number(day))
    except ValueError:
        return None


def _number(value: str) -> int:
    """An Arabic or Chinese numeral: "28", "二十八", "十二", "廿八", "卅一", "二〇二四" (digit by digit).
    Raises ValueError for anything else ("1十", "十十")."""
    if value.isascii() and value.isdigit():
        return int(value)
    import cn2an  # ~100 ms to import: only when a Chinese numeral is met

    try:
        return int(cn2an.cn2an(value.replace("卅", "三十"), "normal"))  # cn2an reads 廿, not 卅
    except (KeyError, ValueError) as error:  # cn2an raises KeyError for some malformed ones (〇十一)
        raise ValueError(f"not a numeral: {value!r}") from error


def find_all(text: str) -> list[Found]:
    """Every date expression of ``text`` that can date an event (see the module doc for exclusions)."""
    titles = [m.span() for m in _TITLE.finditer(text)]
    found = []
    for match in _DATES.finditer(text):
        if any(a <= match.start() < b for a, b in titles) or _excluded(text, match):
            continue
        item = _parse(match)
        if item is not None:
            found.append(item)
    return found


def _excluded(text: str, match: re.Match[str]) -> bool:
    before = text[max(0, match.start() - 4) : match.start()]
    if match.group(0) in _RELATIVE_DAYS or match.group(0) in ("日前", "近日", "近期"):
        after_relative = _NOT_AFTER_RELATIVE.match(text, match.end()) is not None
        return after_relative or (match.group(0) == "日前" and bool(_DIGIT_BEFORE.search(before)))
    return bool(_NOT_BEFORE.search(before) or _NOT_AFTER.match(text, match.end()))


def _parse(match: re.Match[str]) -> Found | None:
    index = next(i for i in range(len(_TEMPLATES)) if match.group(f"k{i}"))
    kind = _TEMPLATES[index][0]
    groups = {
        name[: -len(str(index))]: value
        for name, value in match.groupdict().items()
        if value and name.endswith(str(index)) and not name.startswith("k")
    }
    try:
        return _found(kind, groups, *match.span())
    except ValueError:  # a malformed numeral: 十十月, 1十年前
        return None


def _found(kind: Kind, groups: dict[str, str], start: int, end: int) -> Found | None:
    """The expression of `kind` read from its named groups (suffix removed); None if implausible."""
    if kind == "relative":
        return Found(start, end, kind, shift=_RELATIVE_DAYS[groups["rel"]])
    if kind == "recent":
        return Found(start, end, kind)
    if kind == "weekday":
        weekday = "一二三四五六日".find(groups["wd"]) if groups["wd"] != "天" else 6
        return Found(start, end, kind, day=weekday, shift=_WEEKS[groups["wk"]])
    if kind == "yearsago":
        years = -_number(groups["ago"])
        return Found(start, end, kind, day=1 if "today" in groups else None, shift=years)
    if kind == "relmonth":
        item = Found(start, end, kind, day=_number(groups["d"]), shift=_RELATIVE_MONTHS[groups["rm"]])
        return item if _plausible(item) else None
    if kind == "relyear":
        month = _number(groups["m"]) if "m" in groups else None
        day = _number(groups["d"]) if "d" in groups else None
        item = Found(start, end, kind, month=month, day=day, shift=_RELATIVE_YEARS[groups["ry"]])
        return item if _plausible(item) else None
    numbers = [_number(groups[g]) if g in groups else None for g in ("y", "m", "d")]
    if "e" in groups:
        numbers[2] = _number(groups["e"])
    item = Found(start, end, kind, year=numbers[0], month=numbers[1], day=numbers[2])
    return item if _plausible(item) else None


def _plausible(item: Found) -> bool:
    month_ok = item.month is None or 1 <= item.month <= 12
    day_ok = item.day is None or 1 <= item.day <= 31
    year_ok = item.year is None or 1949 <= item.year <= 2100
    return month_ok and day_ok and year_ok
