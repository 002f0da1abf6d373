"""Whether a launch is news for the page that reports it, or background.

A ceremony more than `STALE_DAYS` before the page's day is background (中心于2018年成立), unless the page
is a late report of it: a copy of the launch report under a later header (its dateline or its lede dates
the launch as news), or a feature that tells a founding of the page's own year as an event, in a sentence
that opens with its date (今年6月，…成立X). A look back over the year (岁末回眸, 盘点, in the title or the
opening) reports only the launches of its last days as news, and none late.
"""

from __future__ import annotations

import datetime as dt
import re

from monitor.events.dates import EventDate, event_date
from monitor.events.reference import DateContext
from monitor.models import Sentence

STALE_DAYS = 45     # a ceremony this long before publication is background, not news
# A look back over a year or more (岁末回眸, 盘点): only what happened in the last days is news.
RETROSPECTIVE = re.compile(r"(回眸|回望|盘点|回顾|年终|岁末|年末|十件大事|十大新闻|一年来|这一年)")
RETROSPECTIVE_DAYS = 7
OPENING = 150  # the words of the opening that may say the article looks back


def retrospective(title: str, text: str) -> bool:
    """The article looks back over a year (its title or its opening says so)."""
    return RETROSPECTIVE.search(title + "\n" + text[:OPENING]) is not None


def late_report(text: str, sentences: tuple[Sentence, ...], date: EventDate, context: DateContext) -> bool:
    """The article is a late copy of the launch report, not a later article that looks back on the launch:
    the launch is news on the report's own day, that of its dateline (中新网南宁9月6日电 on a page of
    November) or of its lede (12月9日，X国际传播中心揭牌 under a header of February); or the article tells
    it as an event of the page's own year, in a sentence that opens with its date (今年6月，…成立X; 6月18日，
    X揭牌), not as a description of the center (X于今年2月成立) nor as one of an earlier year."""
    if date.narrated and date.value and date.reference and date.value[:4] == f"{date.reference.year:04d}":
        return True
    news = date.dateline or lede_day(text, sentences, context)
    return news is not None and not stale(date.value, news)


def lede_day(text: str, sentences: tuple[Sentence, ...], context: DateContext) -> dt.date | None:
    """The day the lede is dated (its first date, to the day), if it has one. The lede is the first
    sentence of the first line written as prose: header, navigation and headline lines have none of
    its punctuation."""
    for s in sentences:
        line = text[text.rfind("\n", 0, s.start) + 1:s.end]
        if len(line.strip()) >= 20 and re.search(r"[，,。]", text[s.start:s.end + 1]):
            lede = event_date(text, s.start, context)
            return lede.day if lede.source == "sentence" else None
    return None


def stale(date: str | None, published: dt.date | None, days: int = STALE_DAYS) -> bool:
    """A ceremony date well before publication: the article looks back on an older launch."""
    if not date or not published or date.startswith("--"):
        return False
    parts = [int(p) for p in date.split("-")]
    if len(parts) == 1:
        return parts[0] < published.year
    if len(parts) == 2:  # a month: judged by its last day
        following = dt.date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
        return (published - following).days > days - 1
    return (published - dt.date(*parts)).days > days
