"""The date of a launch ceremony (not of the report): read from the text around the event.

Where to look, in order: the sentence holding the anchor (the event's center or trigger; the date
closest before it, else the closest after it), then the earlier sentences of the same paragraph (the
latest date first), then the dateline ("新华社郑州3月27日电"). If none of them dates the event, the
publication month ("YYYY-MM") stands in: reports of a launch almost always follow it within weeks, and
month precision says that the day is not known. Without a publication date that fallback is None.

Values carry their precision: "YYYY-MM-DD", "YYYY-MM", "YYYY" or None.

Forms read: 2024年9月6日, 二〇二四年九月六日, 2024-09-06, 2024/9/6, 2024.9.6 (full dates); 2024年9月
(month); 2024年 (year); 9月6日 (year from the publication date: a date more than ~2 months after it is
taken from the year before); 6日 / 六日上午 (month and year from the dateline, else from the publication
date; a day after the reference day is in the month before); 今天/今日, 昨天/昨日, 前天 (from the
publication date, else the dateline); 日前/近日/近期 (the publication month). Full-width digits work;
Chinese numerals (十二月三十一日, 廿八日, 卅日, 二〇二四年) are read by cn2an.

Ignored: dates inside 《》 titles; dates that open or close a span or a deadline (自2018年以来, 截至
9月底, 9月6日前, 9月6日起, 9月6日至8日); 2024年度; the report's own dateline (5月12日电) when it sits in
the sentence; durations (为期10日); 今日头条 and other names.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from typing import Literal

log = logging.getLogger(__name__)

Kind = Literal["full", "month", "year", "relyear", "yearsago", "monthonly", "weekday", "monthday", "day",
               "relative", "recent"]

_WIDE = str.maketrans("０１２３４５６７８９．／－", "0123456789./-")
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
    (
        "day",
        rf"(?<![\d{_CN}月])(?:(?P<dK>\d{{1,2}})|(?P<eK>[{_CN}]{{1,3}})(?=日(?:{_TIME_OF_DAY})))"
        r"日(?![报电])",
    ),
    ("relative", r"(?P<relK>今天|今日|昨天|昨日|前天|前日)"),
    ("weekday", r"(?P<wkK>上|本|这)(?:周|週|星期|礼拜)(?P<wdK>[一二三四五六日天])"),
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
_RELATIVE_DAYS = {"今天": 0, "今日": 0, "昨天": -1, "昨日": -1, "前天": -2, "前日": -2}

_NOT_BEFORE = re.compile(r"(?:自|从|截至|截止|到|至|为期|历时|连续|每|第|近)\s*$")
_NOT_AFTER = re.compile(
    rf"\s*(?:以来|之前|以前|前(?!往|来|去|进|行)|起|至今|以后|之后|后|止|为止|截止|底前|电|讯|消息"
    rf"|(?:至|到|[-—~～])\s*[\d{_CN}])"
)
_NOT_AFTER_RELATIVE = re.compile(r"头条|说法|中国|俄罗斯|关注")
_DIGIT_BEFORE = re.compile(rf"[\d{_CN}月]$")
_TITLE = re.compile(r"《[^《》]{0,200}》")
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
_DATELINE = re.compile(
    rf"^[^\n。]{{0,40}}?(?:{_year('a')}年)?{_month('a')}月{_day('a')}日\s*(?:电|讯|消息)"
    rf"|^[^\n。]{{0,10}}本报讯\s*[（(][^）)\n]{{0,40}}[）)]\s*{_month('b')}月{_day('b')}[日号]",
    re.MULTILINE,
)
_DATELINE_SPAN = 300
_VAGUE = frozenset({"year", "recent", "monthonly"})
_RECENT_WINDOW = dt.timedelta(days=62)


@dataclass(frozen=True)
class _Found:
    """A date expression in the text, not yet resolved."""

    start: int
    end: int
    kind: Kind
    year: int | None = None
    month: int | None = None
    day: int | None = None
    shift: int = 0


@dataclass(frozen=True)
class _Reference:
    """What relative and partial dates are read against."""

    published: dt.date | None
    dateline: dt.date | None


def resolve_event_date(text: str, anchor: int, published: dt.date | None) -> str | None:
    """The date of the event whose center or trigger is at offset ``anchor`` of ``text``.

    See the module doc for where it looks and what it reads. Returns "YYYY-MM-DD", "YYYY-MM", "YYYY",
    or None when neither the text nor ``published`` gives anything."""
    wide = text.translate(_WIDE)
    found = _find_all(wide)
    reference = _Reference(published, _dateline_date(find_dateline(wide), published))
    for candidate in _by_preference(found, wide, max(0, min(anchor, len(wide)))):
        value = _resolve(candidate, reference)
        if value is not None:
            return value
    if reference.dateline is not None:
        return reference.dateline.isoformat()
    return f"{published.year:04d}-{published.month:02d}" if published else None


def find_dateline(text: str) -> tuple[int | None, int | None, int | None] | None:
    """(year, month, day) of the dateline opening a report, year None unless written:
    "中新网洛阳5月12日电" → (None, 5, 12); "本报讯（记者 王五）3月27日" → (None, 3, 27)."""
    match = _DATELINE.search(text.lstrip()[:_DATELINE_SPAN].translate(_WIDE))
    if match is None:
        return None
    groups = match.groupdict()
    year = groups["ya"]
    month = groups["ma"] or groups["mb"]
    day = groups["da"] or groups["db"]
    try:
        return (_number(year) if year else None, _number(month), _number(day))
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


def _find_all(text: str) -> list[_Found]:
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


def _parse(match: re.Match[str]) -> _Found | None:
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


def _found(kind: Kind, groups: dict[str, str], start: int, end: int) -> _Found | None:
    """The expression of `kind` read from its named groups (suffix removed); None if implausible."""
    if kind == "relative":
        return _Found(start, end, kind, shift=_RELATIVE_DAYS[groups["rel"]])
    if kind == "recent":
        return _Found(start, end, kind)
    if kind == "weekday":
        weekday = "一二三四五六日".find(groups["wd"]) if groups["wd"] != "天" else 6
        return _Found(start, end, kind, day=weekday, shift=-1 if groups["wk"] == "上" else 0)
    if kind == "yearsago":
        years = -_number(groups["ago"])
        return _Found(start, end, kind, day=1 if "today" in groups else None, shift=years)
    if kind == "relyear":
        month = _number(groups["m"]) if "m" in groups else None
        day = _number(groups["d"]) if "d" in groups else None
        item = _Found(start, end, kind, month=month, day=day, shift=_RELATIVE_YEARS[groups["ry"]])
        return item if _plausible(item) else None
    numbers = [_number(groups[g]) if g in groups else None for g in ("y", "m", "d")]
    if "e" in groups:
        numbers[2] = _number(groups["e"])
    item = _Found(start, end, kind, year=numbers[0], month=numbers[1], day=numbers[2])
    return item if _plausible(item) else None


def _plausible(item: _Found) -> bool:
    month_ok = item.month is None or 1 <= item.month <= 12
    day_ok = item.day is None or 1 <= item.day <= 31
    year_ok = item.year is None or 1949 <= item.year <= 2100
    return month_ok and day_ok and year_ok


def _by_preference(found: list[_Found], text: str, anchor: int) -> list[_Found]:
    """The candidates in the order they are tried: the anchor's sentence (closest before the anchor,
    then closest after; a bare year or 近日 only after the precise ones), then each earlier sentence of
    the paragraph, latest date first."""
    start, end = _sentence(text, anchor)
    paragraph = text.rfind("\n", 0, anchor) + 1
    here = [f for f in found if start <= f.start < end]
    before = sorted((f for f in here if f.start < anchor), key=lambda f: -f.start)
    after = sorted((f for f in here if f.start >= anchor), key=lambda f: f.start)
    sentence = sorted(before + after, key=lambda f: f.kind in _VAGUE or (f.kind == "relyear" and not f.month))
    # A date right before the verb binds to it, however vague (于2018年成立 is not today).
    sentence = [f for f in before if anchor - f.end <= 2] + [f for f in sentence if anchor - f.end > 2
                                                              or f.start >= anchor]
    earlier = sorted((f for f in found if paragraph <= f.start < start), key=lambda f: -f.start)
    paragraph_end = text.find("\n", end)
    _, next_end = _sentence(text, end + 1) if end < len(text) else (end, end)
    following = [f for f in found if end <= f.start < min(next_end, paragraph_end if paragraph_end >= 0 else len(text))
                 and f.kind not in ("relative", "recent")]
    return sentence + earlier + following


def _sentence(text: str, anchor: int) -> tuple[int, int]:
    starts = [m.end() for m in _SENTENCE_END.finditer(text, 0, anchor)]
    following = _SENTENCE_END.search(text, anchor)
    return (starts[-1] if starts else 0), (following.start() if following else len(text))


def _dateline_date(
    line: tuple[int | None, int | None, int | None] | None, published: dt.date | None
) -> dt.date | None:
    if line is None or line[1] is None or line[2] is None:
        return None
    if line[0] is not None:
        return _date(line[0], line[1], line[2])
    return _with_year(line[1], line[2], published) if published else None


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _with_year(month: int, day: int, reference: dt.date) -> dt.date | None:
    """Month and day in the year of ``reference``, or the year before if that is well after it."""
    date = _date(reference.year, month, day)
    if date is not None and date > reference + _RECENT_WINDOW:
        date = _date(reference.year - 1, month, day)
    return date


def _resolve(item: _Found, ref: _Reference) -> str | None:
    """The value of one expression, or None if it cannot be dated (no year to read it against)."""
    if item.kind == "full" and item.year and item.month and item.day:
        date = _date(item.year, item.month, item.day)
        return date.isoformat() if date else None
    if item.kind == "monthonly" and item.month and (ref.published or ref.dateline):
        base = ref.published or ref.dateline
        assert base is not None
        within = _with_year(item.month, 1, base)
        return f"{within.year:04d}-{item.month:02d}" if within else None
    if item.kind == "month" and item.year and item.month:
        return f"{item.year:04d}-{item.month:02d}"
    if item.kind == "year" and item.year:
        return f"{item.year:04d}"
    return _resolve_relative(item, ref)


def _resolve_relative(item: _Found, ref: _Reference) -> str | None:
    base = ref.published or ref.dateline
    if item.kind == "monthday" and item.month and item.day and base:
        date = _with_year(item.month, item.day, base)
        return date.isoformat() if date else None
    if item.kind == "day" and item.day:
        date = _day_in_month(item.day, ref.dateline or ref.published)
        return date.isoformat() if date else None
    if item.kind == "relative" and base:
        return (base + dt.timedelta(days=item.shift)).isoformat()
    if item.kind == "weekday" and base and item.day is not None:
        monday = base - dt.timedelta(days=base.weekday()) + dt.timedelta(weeks=item.shift)
        return (monday + dt.timedelta(days=item.day)).isoformat()
    if item.kind == "yearsago" and base:
        if item.day:  # 一年前的今天: the same day, N years before (28 Feb for 29 Feb)
            same_day = _date(base.year + item.shift, base.month, base.day)
            return (same_day or dt.date(base.year + item.shift, base.month, 28)).isoformat()
        return f"{base.year + item.shift:04d}"
    if item.kind == "relyear" and base:
        return _relative_year(item, base.year + item.shift)
    if item.kind == "recent" and base:
        return f"{base.year:04d}-{base.month:02d}"
    return None


def _relative_year(item: _Found, year: int) -> str | None:
    """今年3月5日 / 去年12月 / 前年: the year counted from the publication date."""
    if item.month and item.day:
        date = _date(year, item.month, item.day)
        return date.isoformat() if date else None
    return f"{year:04d}-{item.month:02d}" if item.month else f"{year:04d}"


def _day_in_month(day: int, reference: dt.date | None) -> dt.date | None:
    """Day ``day`` of the reference's month, or of the month before if it is after the reference day."""
    if reference is None:
        return None
    if day <= reference.day:
        return _date(reference.year, reference.month, day)
    last_month = reference.replace(day=1) - dt.timedelta(days=1)
    return _date(last_month.year, last_month.month, day)
