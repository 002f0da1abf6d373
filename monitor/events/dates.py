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

How the forms are read: a month and day takes the year of the page's day (a date more than ~2 months after
it is taken from the year before; a bare month told as done, any month after the page's); a day takes its
month and year from the dateline, else from the page's day (a day after the reference day is in the month
before); 今天/昨天/前天/明天/后天 count from the page's day, else the dateline; 日前/近日/近期 give the
publication month. A scheduled launch (将于明天/26日/本月18日揭牌, 26日将举行…) is read forward: the next
26th from the page's day. Which texts are dates, and which are left out (titles, spans, deadlines,
datelines, relayed reports), is monitor.events.date_forms' concern.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from typing import Literal

from monitor.events.date_forms import WIDE, Found, find_all, find_dateline
from monitor.events.reference import DateContext, Reference, page_reference

log = logging.getLogger(__name__)

# Where a date was found: the anchor's sentence, the sentences around it, the article's ceremony sentence,
# the dateline, the publication month; "none" when nothing dated the event.
DateSource = Literal["sentence", "nearby", "ceremony", "dateline", "publication", "none"]

_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
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
_CEREMONY = re.compile(r"(揭牌|成立|挂牌|揭幕|启幕|设立|开办)(成立)?(仪式|典礼|大会|庆典)")
_REFERENCE = re.compile(r"(该中心|这一[^，。]{0,20}(机构|平台)|这家[^，。]{0,20}机构"
                        r"|(成立|组建|设立)了?(一个|一家)?国际传[播媒]中心|(^|[，,；;\s])中心)")
_PLAN = re.compile(r"(筹建|筹备|拟建|计划|规划|争取|力争|将于|将在|定于|拟于|即将)")
# A label that opens a line before its news (遵义：3月5日，… / 【新机构】12月3日，…).
_LINE_LABEL = re.compile(r"(?:(?<=\n)|^)(?:[^\n，。,：:]{1,8}[：:]|【[^\n】]{1,8}】)\s*$")
_DAY_KINDS = frozenset({"full", "monthday", "day", "relmonth", "relative", "weekday"})


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
    wide = text.translate(WIDE)
    anchor = max(0, min(anchor, len(wide)))
    found = find_all(wide)
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


def _opens_sentence(text: str, found: Found) -> bool:
    """The date opens a sentence (。今年6月，… / \n6月18日，… / a round-up's \n遵义：3月5日，…), not an item of a
    list (…；8月，…)."""
    before = _LINE_LABEL.sub("", text[:found.start].rstrip(" \t\u3000"))
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


def _by_preference(found: list[Found], text: str, anchor: int) -> list[tuple[DateSource, list[Found]]]:
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


def _ceremony(found: list[Found], text: str, anchor: int, center: str | None) -> list[Found]:
    """The day-precise dates of the article's ceremony sentences, in text order (the anchor's sentence
    left out): sentences that launch the same center (by name or reference) or hold its ceremony."""
    own = _sentence(text, anchor)
    spans: list[tuple[int, int]] = []
    for end_match in [*_SENTENCE_END.finditer(text), None]:
        start = spans[-1][1] + 1 if spans else 0
        end = end_match.start() if end_match else len(text)
        spans.append((start, end))
    dated: list[Found] = []
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


def _resolve(item: Found, ref: _Reference) -> str | None:
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
    """A bare month (6月): in the year the reference gives (see `_Reference.in_year`), else "--MM". A launch
    told as done in a month that starts after the day written is of the year before (3月，X揭牌 on a page of
    January looks back on last March); one to come (将于3月) is read forward."""
    within = ref.in_year(month, 1)
    if within is None:
        return f"--{month:02d}"
    if not ref.future and ref.written is not None and within > ref.written:
        return f"{within.year - 1:04d}-{month:02d}"
    return f"{within.year:04d}-{month:02d}"


def _forward(month: int, day: int, base: dt.date) -> str | None:
    """A scheduled day: the first such month and day on or after the page's day."""
    date = _date(base.year, month, day)
    if date is not None and date < base - dt.timedelta(days=1):
        date = _date(base.year + 1, month, day)
    return date.isoformat() if date else None


def _day_of_month(item: Found, ref: _Reference) -> str | None:
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


def _day_without_year(item: Found, ref: _Reference) -> str | None:
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


def _resolve_relative(item: Found, ref: _Reference) -> str | None:
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


def _relative_without_year(item: Found, ref: _Reference) -> str | None:
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


def _relative_year(item: Found, year: int) -> str | None:
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
