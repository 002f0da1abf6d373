"""Whether a launch is background on a page whose day is unknown (a WeChat post or a mirror without a year).

With the page's day, age decides (monitor.events.age: a ceremony well before the page is background unless
the page is a late copy of its report). Without it, the text still tells a launch of the past from news:
- it tells it of an earlier year (该中心于去年3月揭牌成立, 前年成立, 两年前挂牌), dates it in a year before
  the page's known year (the URL's, the text's), or by a year alone (2018年就成立X: news gives a day or a
  month);
- it tells the center's age (成立五周年, 揭牌以来, 一年来，中心推出…) in a sentence about that center;
- it describes the center after the lede, its date bound to the verb (X于2023年7月成立, 去年揭牌的X,
  今年3月揭牌成立的X), where a launch report tells it as news in its lede or opens a sentence with its date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from monitor.events.age import lede_lines
from monitor.events.dates import EventDate
from monitor.events.reference import DateContext, page_reference
from monitor.models import Sentence

# 于去年3月揭牌成立, 前年成立, 两年前挂牌 (去年12月 may be news in January; 去年以来 is a span).
EARLIER_YEAR = re.compile(r"(去年|前年|上年|[一二两三四五六七八九十\d]+年前)(?!12月|十二月|以来)[^。；;]{0,28}$")
# The center's age: 成立五周年, 揭牌以来, 一年来 / 一年多来 (not 近年来, 多年来: no number).
AGE = re.compile(r"(周年|(?:成立|揭牌|挂牌|运行|上线)(?:以来|至今)|(?:[一二两三四五六七八九十]|\d{1,2})年多?来)")
# The date bound to the verb after the name: X于2023年7月成立, X已于今年2月挂牌, X去年揭牌.
DESCRIBED = re.compile(r"^(?!.*(?:将|拟|计划|预计|定于))(?:已经?|早|也|则)?(?:于|在)?"
                       r"[^，。；,;]{0,14}[年月][^，。；,;]{0,10}$")
REFERENCE = re.compile(r"(该中心|(?:^|[，,。；;\s])中心)")


@dataclass(frozen=True)
class Told:
    """How a launch is told: its sentence, the center's name and span, and where its trigger starts."""

    sentence: Sentence
    name: str
    start: int
    end: int
    trigger: int


def background_without_day(text: str, sentences: tuple[Sentence, ...], told: Told, date: EventDate,
                           context: DateContext, alone: bool) -> bool:
    """The launch `told` is background though the page has no day (see the module doc); `alone`: the article
    names only this center, so that 该中心 and 中心 are it."""
    if date.reference is not None:
        return False
    if EARLIER_YEAR.search(text, max(told.sentence.start, told.trigger - 30), told.trigger):
        return True
    year = page_reference(text, context).year
    value = date.value or ""
    if year is not None and value[:4].isdigit() and int(value[:4]) < year and value[5:7] != "12":
        return True
    if re.fullmatch(r"\d{4}", value):
        return True  # 2018年就成立X: news gives a day or a month, a bare year is a look back
    if any(AGE.search(text, s.start, s.end) and _about(text[s.start:s.end], told.name, alone) for s in sentences):
        return True
    return _described(text, told) and told.sentence not in lede_lines(text, sentences)[:1]


def _about(sentence: str, name: str, alone: bool) -> bool:
    return name in sentence or (alone and REFERENCE.search(sentence) is not None)


def _described(text: str, told: Told) -> bool:
    """The date is bound to the verb: X于2023年7月成立 (after the name), 今年3月揭牌成立的X (before it)."""
    end = told.end
    if not told.sentence.start <= told.start < told.sentence.end:  # 该中心于2024年挂牌: named by reference
        references = list(REFERENCE.finditer(text, told.sentence.start, told.trigger))
        end = references[-1].end() if references else told.trigger
    if told.trigger >= end:
        return DESCRIBED.match(text[end:told.trigger]) is not None
    return text[told.trigger:told.start].find("的") >= 0 and \
        re.search(r"[年月][^，。；,;]{0,8}$", text[told.sentence.start:told.trigger]) is not None
