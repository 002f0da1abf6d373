"""The date of a launch ceremony (not of the report): read from the text around the event.

Where to look, in order: the sentence holding the anchor (the event's center or trigger; the date
closest before it, else the closest after it), then the earlier sentences of the same paragraph (the
latest date first) and the next sentence, then the article's own ceremony sentence (a sentence elsewhere
that launches the same center, or holds the ceremony: "6月18日，该中心揭牌", "18日上午的揭牌仪式…"),
then the dateline ("新华社郑州3月27日电", "参考消息网7月15日报道"). If none of them dates the event, the
publication month ("YYYY-MM") stands in: reports of a launch almost always follow it within weeks, and month
precision says that the day is not known. Without a publication date that fallback is None.

What partial dates are read against is the page's day (monitor.events.reference: the publication date,
the URL's date, a header line, the fetch date), else a year (the URL's, the latest the text writes). With
neither, what the text knows is kept without a year: "--MM-DD" (10月28日, or 28日 under a dateline of
October) and "--MM" (今年6月).

Values carry their precision: "YYYY-MM-DD", "YYYY-MM", "YYYY", "--MM-DD", "--MM" or None.

Forms read: 2024年9月6日, 二〇二四年九月六日, 2024-09-06, 2024/9/6, 2024.9.6 (full dates); 2024年9月
(month); 2024年 (year); 9月6日 (year from the page's day: a date more than ~2 months after it is
taken from the year before); 6日 / 六日上午 (month and year from the dateline, else from the page's day;
a day after the reference day is in the month before); 本月18日 / 上月 / 下月; 今天/今日, 昨天/昨日, 前天,
明天/明日, 后天 (from the page's day, else the dateline); 日前/近日/近期 (the publication month). A
scheduled launch (将于明天/26日/本月18日揭牌, 26日将举行…) is read forward: the next 26th from the page's day.
Full-width digits work; Chinese numerals (十二月三十一日, 廿八日, 卅日, 二〇二四年) are read by cn2an.

Ignored: dates inside 《》 titles; dates that open or close a span or a deadline (自2018年以来, 截至
9月底, 9月6日前, 9月6日起, 9月6日至8日); 2024年度; the report's own dateline (5月12日电) when it sits in
the sentence, and the date of a report it relays (据…网站10月28日报道); durations (为期10日); 今日头条
and other names.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from typing import Literal

from monitor.events.reference import DateContext, Reference, page_reference

log = logging.getLogger(__name__)

Kind = Literal["full", "month", "year", "relyear", "yearsago", "monthonly", "weekday", "monthday", "day",
               "relmonth", "relative", "recent"]
# Where a date was found: the anchor's sentence, the sentences around it, the article's ceremony sentence,
# the dateline, the publication month; "none" when nothing dated the event.
DateSource = Literal["sentence", "nearby", "ceremony", "dateline", "publication", "none"]

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
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
_DATELINE = re.compile(
    rf"^[^\n。]{{0,40}}?(?:{_year('a')}年)?{_month('a')}月{_day('a')}日\s*(?:电|讯|消息|报道)"
    rf"|^[^\n。]{{0,10}}本报讯\s*[（(][^）)\n]{{0,40}}[）)]\s*{_month('b')}月{_day('b')}[日号]"
    rf"|^\s*[（(]\s*{_year('c')}年{_month('c')}月{_day('c')}日\s*[）)]\s*$"  # a speech's date under its title
    rf"|^[^\n。]{{0,40}}?(?<![\d{_CN}月])(?P<dd>\d{{1,2}})日\s*(?:电|讯)",  # （中央社记者…台北18日电）
    re.MULTILINE,
)
_DATELINE_SPAN = 300
_VAGUE = frozenset({"year", "recent", "monthonly"})
_RECENT_WINDOW = dt.timedelta(days=62)
# The fetch date is today: a report fetched now tells of days up to now (a scheduled launch: months ahead).
_FETCH_WINDOW = dt.timedelta(days=1)
_SCHEDULE_WINDOW = dt.timedelta(days=300)


# Before the verb: the launch is scheduled (将于明天…揭牌, 將於26日揭牌成立, 26日将举行揭牌仪式); 将 alone only
# next to a day.
_FUTURE = re.compile(r"(将于|将在|定于|拟于|即将|计划于|预计于|将要|将(?=明天|明日|后天|本月|下月|下周|\d+日)"
                     r"|(?:明天|明日|后天|\d+日)(?:上午|下午|晚上|中午)?将)[^，。；]{0,30}$")
# A sentence elsewhere in the article that holds the launch: a launch verb, and the center by name or by
# reference, or the ceremony itself (18日上午的揭牌仪式…).
_LAUNCH_VERB = re.compile(r"(揭牌|成立|挂牌|揭幕|启幕|启用|上线|授牌|运行)(?!以来|至今|周年|之初|后|于)")
_CEREMONY = re.compile(r"(揭牌|成立|挂牌|揭幕|启幕)(成立)?(仪式|大会|庆典)")
_REFERENCE = re.compile(r"(该中心|这一[^，。]{0,20}(机构|平台)|这家[^，。]{0,20}机构"
                        r"|(成立|组建|设立)了?(一个|一家)?国际传[播媒]中心|(^|[，,；;\s])中心)")
_PLAN = re.compile(r"(筹建|筹备|拟建|计划|规划|争取|力争|将于|将在|定于|拟于|即将)")
_DAY_KINDS = frozenset({"full", "monthday", "day", "relmonth", "relative", "weekday"})


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
    """What relative and partial dates are read against: the page's day, a year known without a day, the
    fetch date, the dateline (a date when a year is known, else its month and day), and whether the event
    lies ahead (将于…)."""

    day: dt.date | None
    year: int | None
    fetched: dt.date | None
    dateline: dt.date | None
    dateline_md: tuple[int, int] | None
    future: bool = False

    @property
    def written(self) -> dt.date | None:
        """The day the report was written: its dateline, else the page's day."""
        return self.dateline or self.day

    @property
    def base(self) -> dt.date | None:
        """What relative words (今天, 26日, 近日) are read against: the day written, else the fetch date."""
        return self.written or self.fetched

    @property
    def page_day(self) -> dt.date | None:
        """What the event's age is judged against: the page's day, else the fetch date."""
        return self.day or self.fetched

    def in_year(self, month: int, day: int) -> dt.date | None:
        """A month and day in the year the reference gives (None if it gives none): near the day written, in
        the year known without a day, else near the fetch date."""
        if self.written is not None:
            return _with_year(month, day, self.written)
        if self.year is not None:
            return _date(self.year, month, day)
        if self.fetched is None:
            return None
        return _with_year(month, day, self.fetched, _SCHEDULE_WINDOW if self.future else _FETCH_WINDOW)

    @property
    def known_year(self) -> int | None:
        """The year of 今年: the day written, else the year known without a day, else the fetch date's."""
        if self.written is not None:
            return self.written.year
        return self.year or (self.fetched.year if self.fetched else None)


@dataclass(frozen=True)
class EventDate:
    """The date of an event, where it was found, and what it was read against: the page's day (published,
    URL, header or fetch date) and the dateline of the report (for a late copy: the original's date)."""

    value: str | None
    source: DateSource
    reference: dt.date | None
    dateline: dt.date | None
    # The anchor's sentence opens with the date (今年6月，… / 6月18日，…): the article tells the launch as an
    # event (not 该中心于今年2月成立, a description of the center).
    narrated: bool = False

    @property
    def day(self) -> dt.date | None:
        """The value as a day, when it is one with a year."""
        if self.value is None or len(self.value) != 10 or self.value.startswith("--"):
            return None
        return dt.date.fromisoformat(self.value)


def resolve_event_date(text: str, anchor: int, published: dt.date | None, *, url: str | None = None,
                       fetched: dt.date | None = None, center: str | None = None) -> str | None:
    """The date of the event whose center or trigger is at offset ``anchor`` of ``text``: "YYYY-MM-DD",
    "YYYY-MM", "YYYY", "--MM-DD", "--MM", or None when neither the text nor the page gives anything.
    See the module doc; `center` (the center's name) lets the article's ceremony sentence date it."""
    return event_date(text, anchor, DateContext(published, url, fetched), center).value


def event_date(text: str, anchor: int, context: DateContext, center: str | None = None) -> EventDate:
    """The date of the event at ``anchor`` with where it was found (see `resolve_event_date`)."""
    wide = text.translate(_WIDE)
    anchor = max(0, min(anchor, len(wide)))
    found = _find_all(wide)
    reference = _reference(wide, anchor, page_reference(wide, context))
    dateline = reference.dateline
    for source, candidates in _by_preference(found, wide, anchor):
        for candidate in candidates:
            value = _resolve(candidate, reference)
            if value is not None:
                narrated = source == "sentence" and _opens_sentence(wide, candidate)
                return EventDate(value, source, reference.page_day, dateline, narrated)
    for candidate in _ceremony(found, wide, anchor, center):
        value = _resolve(candidate, reference)
        if value is not None:
            return EventDate(value, "ceremony", reference.page_day, dateline)
    fallback = _fallback(reference)
    return EventDate(fallback[0], fallback[1], reference.page_day, dateline)


def _opens_sentence(text: str, found: _Found) -> bool:
    """The date opens a sentence (。今年6月，… / \n6月18日，…), not an item of a list (…；8月，…)."""
    before = text[:found.start].rstrip()
    return not before or before[-1] in "。！？!?\n"


def _reference(text: str, anchor: int, page: Reference) -> _Reference:
    line = find_dateline(text)
    dateline = _dateline_date(line, page)
    md = (line[1], line[2]) if line and line[1] and line[2] and _date(2000, line[1], line[2]) else None
    start, _ = _sentence(text, anchor)
    return _Reference(page.day, page.year, page.fetched, dateline, md,
                      _FUTURE.search(text[start:anchor]) is not None)


def _fallback(ref: _Reference) -> tuple[str | None, DateSource]:
    """No expression dated the event: the dateline, else the publication month."""
    if ref.dateline is not None:
        return ref.dateline.isoformat(), "dateline"
    if ref.dateline_md is not None:
        return _month_day(ref, *ref.dateline_md), "dateline"
    if ref.page_day is not None:
        return f"{ref.page_day.year:04d}-{ref.page_day.month:02d}", "publication"
    return None, "none"


def find_dateline(text: str) -> tuple[int | None, int | None, int | None] | None:
    """(year, month, day) of the dateline opening a report, year None unless written:
    "中新网洛阳5月12日电" → (None, 5, 12); "本报讯（记者 王五）3月27日" → (None, 3, 27); a day alone
    ("（中央社记者 林昭宏台北18日电）") → (None, None, 18)."""
    match = _DATELINE.search(text.lstrip()[:_DATELINE_SPAN].translate(_WIDE))
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
        return _Found(start, end, kind, day=weekday, shift=_WEEKS[groups["wk"]])
    if kind == "yearsago":
        years = -_number(groups["ago"])
        return _Found(start, end, kind, day=1 if "today" in groups else None, shift=years)
    if kind == "relmonth":
        item = _Found(start, end, kind, day=_number(groups["d"]), shift=_RELATIVE_MONTHS[groups["rm"]])
        return item if _plausible(item) else None
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


def _by_preference(found: list[_Found], text: str, anchor: int) -> list[tuple[DateSource, list[_Found]]]:
    """The candidates in the order they are tried: the anchor's sentence (closest before the anchor,
    then closest after; a bare year or 近日 only after the precise ones), then each earlier sentence of
    the paragraph, latest date first, then the next sentence of the paragraph."""
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
    return [("sentence", sentence), ("nearby", earlier + following)]


def _sentence(text: str, anchor: int) -> tuple[int, int]:
    starts = [m.end() for m in _SENTENCE_END.finditer(text, 0, anchor)]
    following = _SENTENCE_END.search(text, anchor)
    return (starts[-1] if starts else 0), (following.start() if following else len(text))


def _ceremony(found: list[_Found], text: str, anchor: int, center: str | None) -> list[_Found]:
    """The day-precise dates of the article's ceremony sentences, in text order (the anchor's sentence
    left out): sentences that launch the same center (by name or reference) or hold its ceremony."""
    own = _sentence(text, anchor)
    spans: list[tuple[int, int]] = []
    for end_match in [*_SENTENCE_END.finditer(text), None]:
        start = spans[-1][1] + 1 if spans else 0
        end = end_match.start() if end_match else len(text)
        spans.append((start, end))
    dated: list[_Found] = []
    for start, end in spans:
        body = text[start:end]
        if (start, end) == own or not _holds_the_launch(body, center):
            continue
        verb = _LAUNCH_VERB.search(body)
        at = start + (verb.start() if verb else 0)
        here = [f for f in found if start <= f.start < end and f.kind in _DAY_KINDS]
        dated.extend(sorted(here, key=lambda f: (f.start > at, abs(f.start - at))))
    return dated


def _holds_the_launch(body: str, center: str | None) -> bool:
    if _PLAN.search(body):
        return False
    if _CEREMONY.search(body):
        return True
    named = center is not None and center in body
    return _LAUNCH_VERB.search(body) is not None and (named or _REFERENCE.search(body) is not None)


def _dateline_date(line: tuple[int | None, int | None, int | None] | None, page: Reference) -> dt.date | None:
    if line is not None and line[1] is None and line[2] is not None:  # 台北18日电: the month of the page's day
        return _day_in_month(line[2], page.day or page.fetched)
    if line is None or line[1] is None or line[2] is None:
        return None
    if line[0] is not None:
        return _date(line[0], line[1], line[2])
    if page.day is not None:
        return _with_year(line[1], line[2], page.day)
    if page.year is not None:
        return _date(page.year, line[1], line[2])
    return _with_year(line[1], line[2], page.fetched, _FETCH_WINDOW) if page.fetched else None


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _with_year(month: int, day: int, reference: dt.date, window: dt.timedelta = _RECENT_WINDOW) -> dt.date | None:
    """Month and day in the year of ``reference``, or the year before if that is more than `window` after it."""
    date = _date(reference.year, month, day)
    if date is not None and date > reference + window:
        date = _date(reference.year - 1, month, day)
    return date


def _month_day(ref: _Reference, month: int, day: int) -> str | None:
    """A month and day against the reference: a date, or "--MM-DD" when no year is known."""
    if ref.written is None and ref.year is None and ref.fetched is None:
        return f"--{month:02d}-{day:02d}" if _date(2000, month, day) else None
    date = ref.in_year(month, day)
    return date.isoformat() if date else None


def _resolve(item: _Found, ref: _Reference) -> str | None:
    """The value of one expression, or None if it cannot be dated (nothing to read it against)."""
    if item.kind == "full" and item.year and item.month and item.day:
        date = _date(item.year, item.month, item.day)
        return date.isoformat() if date else None
    if item.kind == "monthonly" and item.month:
        return _bare_month(ref, item.month)
    if item.kind == "month" and item.year and item.month:
        return f"{item.year:04d}-{item.month:02d}"
    if item.kind == "year" and item.year:
        return f"{item.year:04d}"
    if item.kind == "monthday" and item.month and item.day:
        return _forward(item.month, item.day, ref.base) if ref.future and ref.base else \
            _month_day(ref, item.month, item.day)
    if item.kind in ("day", "relmonth") and item.day:
        return _day_of_month(item, ref)
    return _resolve_relative(item, ref)


def _bare_month(ref: _Reference, month: int) -> str | None:
    """A bare month (6月): in the year the reference gives (see `_Reference.in_year`), else "--MM"."""
    within = ref.in_year(month, 1)
    if within is None:
        return f"--{month:02d}"
    return f"{within.year:04d}-{month:02d}"


def _forward(month: int, day: int, base: dt.date) -> str | None:
    """A scheduled day: the first such month and day on or after the page's day."""
    date = _date(base.year, month, day)
    if date is not None and date < base - dt.timedelta(days=1):
        date = _date(base.year + 1, month, day)
    return date.isoformat() if date else None


def _day_of_month(item: _Found, ref: _Reference) -> str | None:
    """26日 / 本月18日: in the month of the dateline (else of the page's day); a day after that day is in
    the month before, unless the event is scheduled (将于26日): then it is the next such day."""
    assert item.day is not None
    base = ref.base
    if base is None:
        return _day_without_year(item, ref)
    if item.kind == "relmonth":
        month = _add_months(base, item.shift)
        date = _date(month.year, month.month, item.day)
    elif ref.future:
        date = _date(base.year, base.month, item.day)
        if date is not None and date < base:
            following = _add_months(base, 1)
            date = _date(following.year, following.month, item.day)
    else:
        date = _day_in_month(item.day, base)
    return date.isoformat() if date else None


def _day_without_year(item: _Found, ref: _Reference) -> str | None:
    """A day with only the dateline's month and day to go by: "--MM-DD" (or a date in the known year)."""
    if ref.dateline_md is None or item.day is None:
        return None
    month, dateline_day = ref.dateline_md
    if item.kind == "relmonth":
        month = (month - 1 + item.shift) % 12 + 1
    elif item.day > dateline_day and not ref.future:
        month = 12 if month == 1 else month - 1
    elif item.day < dateline_day and ref.future:
        month = 1 if month == 12 else month + 1
    return _month_day(ref, month, item.day)


def _add_months(base: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after (or before) the month of `base`."""
    index = base.year * 12 + base.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _resolve_relative(item: _Found, ref: _Reference) -> str | None:
    base = ref.base
    if base is None:
        return _relative_without_year(item, ref)
    if item.kind == "relative":
        return (base + dt.timedelta(days=item.shift)).isoformat()
    if item.kind == "weekday" and item.day is not None:
        monday = base - dt.timedelta(days=base.weekday()) + dt.timedelta(weeks=item.shift)
        return (monday + dt.timedelta(days=item.day)).isoformat()
    if item.kind == "yearsago":
        if item.day:  # 一年前的今天: the same day, N years before (28 Feb for 29 Feb)
            same_day = _date(base.year + item.shift, base.month, base.day)
            return (same_day or dt.date(base.year + item.shift, base.month, 28)).isoformat()
        return f"{base.year + item.shift:04d}"
    if item.kind == "relyear":
        return _relative_year(item, (ref.known_year or base.year) + item.shift)
    if item.kind == "recent":
        return f"{base.year:04d}-{base.month:02d}"
    return None


def _relative_without_year(item: _Found, ref: _Reference) -> str | None:
    """今天 under a dateline without a year, 今年6月 with no year anywhere: what is known, without a year."""
    if item.kind == "relative" and ref.dateline_md is not None:
        month, day = ref.dateline_md
        leap = 2000 if (month, day) == (2, 29) else 2001
        shifted = dt.date(leap, month, day) + dt.timedelta(days=item.shift)
        return _month_day(ref, shifted.month, shifted.day)
    if item.kind == "relyear" and ref.year is not None:
        return _relative_year(item, ref.year + item.shift)
    if item.kind == "relyear" and item.shift == 0 and item.month:  # 今年6月(5日), no year known
        return f"--{item.month:02d}-{item.day:02d}" if item.day else f"--{item.month:02d}"
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
