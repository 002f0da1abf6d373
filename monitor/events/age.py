"""Whether a launch is news for the page that reports it, or background.

A ceremony more than `STALE_DAYS` before the page's day is background (中心于2018年成立), unless the page
is a late report of it: a copy of the launch report under a later header (its dateline or its lede dates
the launch as news), or a feature that tells a founding of the page's own year as an event, in a sentence
that opens with its date (今年6月，…成立X). A look back over the year or an anniversary (岁末回眸, 盘点,
一周年, a work report's 过去一年, a 成绩单 or 综述, in the title or the opening) reports only the launches of
its last days as news, and none late; published in the first days of January, it looks back on the year
just ended (`look_back_end`). The lede is the first line of Chinese prose (`lede_lines`): not a header, a
summary box (导读：) or a translation.
"""

from __future__ import annotations

import datetime as dt
import re

from monitor.events.dates import EventDate, event_date
from monitor.events.reference import DateContext
from monitor.models import Sentence

STALE_DAYS = 45     # a ceremony this long before publication is background, not news
# A look back over a year or more (岁末回眸, 盘点): only what happened in the last days is news.
# A work report (政府工作报告: 过去一年 and 今年's aims) and a report card (成绩单, 综述) look back as well.
RETROSPECTIVE = re.compile(r"(回眸|回望|盘点|回顾|年终|岁末|年末|十件大事|十大新闻|一年来|这一年|周年|"
                           r"过去一年|过去的一年|工作报告|成绩单|综述)")
RETROSPECTIVE_DAYS = 7
OPENING = 150  # the words of the opening that may say the article looks back


def retrospective(title: str, text: str) -> bool:
    """The article looks back over a year (its title or its opening says so; a translation after each
    paragraph is no part of the opening)."""
    chinese = "\n".join(line for line in text[:OPENING * 8].splitlines() if CJK.search(line))
    return RETROSPECTIVE.search(title + "\n" + chinese[:OPENING]) is not None


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


CJK = re.compile(r"[\u4e00-\u9fff]")  # a lede is Chinese prose (a translation may follow each paragraph)
# A summary box above the report (导读：…, 编者按：…) is not its lede.
SUMMARY = re.compile(r"^\s*[【\[]?(导读|摘要|编者按|核心提示|内容提要|提要)[】\]]?\s*[:：]?")


def lede_lines(text: str, sentences: tuple[Sentence, ...]) -> list[Sentence]:
    """The sentences of the lede: the first line written as prose (header, navigation and headline lines have
    none of its punctuation; a summary box, 导读：…, stands above it)."""
    for s in sentences:
        line_start = text.rfind("\n", 0, s.start) + 1
        line_end = text.find("\n", s.start)
        line = text[line_start:line_end if line_end >= 0 else len(text)]
        if len(CJK.findall(line)) >= 12 and re.search(r"[，,。]", line) and not SUMMARY.match(line):
            return [t for t in sentences if line_start <= t.start < line_start + len(line)]
    return []


def lede_day(text: str, sentences: tuple[Sentence, ...], context: DateContext) -> dt.date | None:
    """The day the lede is dated (the date of its first sentence, to the day), if it has one. A quote may open
    it before the date (“…欢迎来洛阳！”3月28日上午，…)."""
    for own in lede_lines(text, sentences):
        lede = event_date(text, own.start, context)
        if lede.source == "sentence":
            return lede.day
        if not re.search(r"[“”「」\"]", text[own.start:own.end]):
            return None  # the lede's first sentence has no date: the report is not dated by its lede
    return None


def look_back_end(reference: dt.date | None) -> dt.date | None:
    """The last day of the year a look back covers: published in the first week of January, it looks back
    on the year just ended (岁末年初，又有三家…揭牌: the launches of its last week are news)."""
    if reference is not None and reference.month == 1 and reference.day <= RETROSPECTIVE_DAYS:
        return dt.date(reference.year - 1, 12, 31)
    return reference


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
