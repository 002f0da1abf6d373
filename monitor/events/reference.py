"""What the dates of an article are read against when its text gives no year: the page's day, or a year.

The day of the page, first found of: the publication date given with the article (page metadata, the
feed, the contract's `published`); a date in its URL (/2024/0726/, /20241028/, 2024-10/28, /2023/06/19/,
t20240907_…); a header line above the text (发布时间：2025-01-03 09:41, 2024年10月30日 09:34, a line that
is only a date; "11-09 07:52" takes the URL's year). A copier's header dates the copy, not the ceremony:
it is a reference, never the event.

Without a day a year still helps: the URL's year (/2025/), else the latest year that names an event in the
text ("2024外媒记者…"). Last comes the fetch date (`monitor run`: a queue item always has a year); with
none of them, a month and day stay without a year (--10-28, see monitor.events.dates).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

_WIDE = str.maketrans("０１２３４５６７８９．／－：", "0123456789./-:")
_HEADER_SPAN = 400  # header lines sit above the report
_YEARS = range(1990, 2100)

# /2024/0726/ · /2023/06/19/ · 2024-10/28 · /2024-11-26/ · /20241028/ · t20240907_27079956
_URL_DAY = re.compile(r"(?<!\d)(20\d\d)(?:([-/_.])(\d{1,2})[-/_.](\d{1,2})|/(\d\d)(\d\d)|(\d\d)(\d\d))(?!\d)")
_URL_YEAR = re.compile(r"(?<!\d)(20\d\d)(?:[-/_]?\d\d)?(?=[/_.-]|$)")
_TIME = r"\s*\d{1,2}:\d\d"
_LABEL = r"(?:发布时间|发布日期|发表时间|发稿时间|更新时间|时间|日期|发布于|发布)\s*[:：]?\s*"
_FULL = r"(20\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
_HEADER_FULL = re.compile(rf"{_LABEL}{_FULL}|{_FULL}(?={_TIME})|^\s*{_FULL}\s*$", re.MULTILINE)
_HEADER_MONTH_DAY = re.compile(rf"(?:{_LABEL}|^\s*)(?<![\d/.-])(\d{{1,2}})-(\d{{1,2}})(?={_TIME})", re.MULTILINE)
# A year that names a current event ("2024外媒记者西安行", "2025“…”大赛"). Not 2024年…: statistics, plans
# and background (2022年生产总值, 2024年重点项目) are often of another year than the report.
_TEXT_YEAR = re.compile(r"(?<![\d第到至/.-])(20\d\d)(?=[“\"《「]|[\u4e00-\u9fff])"
                        r"(?![人个家名万亿元米件条次多余吨期届号位所项座台辆户篇部场首款份年])")


@dataclass(frozen=True)
class DateContext:
    """What an article offers besides its text to date its events: its publication date, its URL, and
    when the monitor fetched it (None outside `monitor run`)."""

    published: dt.date | None = None
    url: str | None = None
    fetched: dt.date | None = None


@dataclass(frozen=True)
class Reference:
    """The page's own day (None if nothing gives one), a year known without a day, and the fetch date."""

    day: dt.date | None
    year: int | None
    fetched: dt.date | None = None


def page_reference(text: str, context: DateContext) -> Reference:
    """The day and year an article's relative and partial dates are read against (see the module doc)."""
    head = text[:_HEADER_SPAN].translate(_WIDE)
    url_year = _url_year(context.url)
    day = context.published or _url_day(context.url) or _header_day(head, url_year)
    if day is not None:
        return Reference(day, day.year, context.fetched)
    return Reference(None, url_year or text_year(text), context.fetched)


def _date(year: int | str, month: int | str, day: int | str) -> dt.date | None:
    try:
        value = dt.date(int(year), int(month), int(day))
    except ValueError:
        return None
    return value if value.year in _YEARS else None


def _url_path(url: str | None) -> str:
    if not url:
        return ""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def _url_day(url: str | None) -> dt.date | None:
    """The date a URL's path carries, if any."""
    for match in _URL_DAY.finditer(_url_path(url)):
        groups = [g for g in match.groups()[1:] if g is not None]
        month, day = (groups[1], groups[2]) if groups[0] in "-/_." else (groups[0], groups[1])
        found = _date(match.group(1), month, day)
        if found is not None:
            return found
    return None


def _url_year(url: str | None) -> int | None:
    match = _URL_YEAR.search(_url_path(url))
    return int(match.group(1)) if match else None


def _header_day(head: str, url_year: int | None) -> dt.date | None:
    """A header line's date: a full one, or a month and day in the URL's year."""
    for match in _HEADER_FULL.finditer(head):
        groups = [g for g in match.groups() if g is not None]
        found = _date(*groups[:3])
        if found is not None:
            return found
    if url_year is not None:
        for match in _HEADER_MONTH_DAY.finditer(head):
            found = _date(url_year, match.group(1), match.group(2))
            if found is not None:
                return found
    return None


def text_year(text: str) -> int | None:
    """The latest year that names an event in the text ("2024外媒记者西安行"); None if there is none."""
    years = [int(m.group(1)) for m in _TEXT_YEAR.finditer(text.translate(_WIDE))]
    return max(years) if years else None
