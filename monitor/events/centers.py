"""Center names: the full name of a center around a lexicon hit (洛阳 + 国际传播中心).

The name is grown leftwards from the suffix found by the automaton over name-like words (jieba
parts of speech), stopping at verbs, function words, numbers, punctuation and the name of an
operating organisation (湖北日报传媒集团 | 长江国际传播中心). A place name of the gazetteer that
ends at the suffix is kept whole even when jieba cut it badly (标志着望城区 → 望城区).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import jieba.posseg

from monitor.events.places import Gazetteer

WINDOW = 24
_NAME_FLAGS = ("n", "j", "b", "s", "an")
_STOP_WORDS = frozenset({
    "首个", "首家", "全省", "全市", "全县", "全区", "全国", "县级", "市级", "省级", "我省", "我市", "我县",
    "我区", "该", "这个", "新", "一个", "一家", "仪式", "揭牌", "成立", "挂牌", "标志", "依托", "暨",
    "举行", "举办", "召开", "隆重", "正式", "宣布", "迎来", "见证", "共同", "为",
})
_ORG_SUFFIX = re.compile(r"(集团|日报社|报社|电视台|广播电视台|融媒体中心|大学|学院|宣传部|网信办|委员会|"
                         r"公司|局|厅|办)$")
_PUNCT = re.compile(r"[\s，。、；：！？“”‘’\"'（）()《》〈〉【】\[\]—…·,.;:!?<>|/\\-]")
_QUOTED_BEFORE = re.compile(r"[“「\"][^“”「」\"，。；\n]{1,20}[”」\"]$")
_ALIAS_BEFORE = re.compile(r"[（(]以下简称[“\"「]?([^”\"」）)]{1,12})[”\"」]?[）)]$")
_VERB_IN_NAME = re.compile(r"(举行|举办|召开|迎来|宣布|见证|标志着|揭牌|成立|挂牌)")
GENERIC_PREFIXES = frozenset({"", "县", "市", "省", "区", "州", "该", "本", "中心"})


@dataclass(frozen=True)
class CenterName:
    """A center named in the (normalized) text: [start, end) covers prefix and suffix."""

    name: str
    start: int
    end: int
    suffix_start: int

    @property
    def prefix(self) -> str:
        return self.name[: len(self.name) - (self.end - self.suffix_start)]

    @property
    def generic(self) -> bool:
        """A bare reference such as 县国际传播中心 or 国际传播中心 that names no center."""
        return self.prefix in GENERIC_PREFIXES


def name_at(text: str, suffix_start: int, suffix_end: int, gazetteer: Gazetteer) -> CenterName:
    """The center name whose suffix (国际传播中心, …) spans [suffix_start, suffix_end) of `text`.

    A quoted brand right before the suffix belongs to the name (鄂尔多斯“暖城”国际传播中心,
    “Hello Liuzhou”国际传播中心), and so do the name words before the quote.
    """
    alias = _ALIAS_BEFORE.search(text[max(0, suffix_start - 40):suffix_start])
    if alias:  # 山东省港口集团有限公司（以下简称“山东港口”）国际传播中心
        start = max(0, suffix_start - 40) + alias.start()
        return CenterName(alias.group(1) + text[suffix_start:suffix_end], start, suffix_end, suffix_start)
    start = _grow_left(text, suffix_start)
    while (quoted := _QUOTED_BEFORE.search(text[max(0, start - 24):start])) is not None:
        start = _grow_left(text, max(0, start - 24) + quoted.start())
    verbs = list(_VERB_IN_NAME.finditer(text, start, suffix_start))
    if verbs:  # 隆重举行|襄阳 cut as one word: the name starts after the verb
        start = verbs[-1].end()
    start = _extend_to_place(text, start, suffix_start, gazetteer)
    return CenterName(text[start:suffix_end], start, suffix_end, suffix_start)


def _grow_left(text: str, end: int) -> int:
    """The start of the run of name words that ends at `end`."""
    window = text[max(0, end - WINDOW):end]
    kept = 0
    for word, flag in reversed(list(jieba.posseg.cut(window))):
        if not _is_name_word(word, flag) or (kept and _ORG_SUFFIX.search(word)):
            break
        kept += len(word)
    return end - kept


def _is_name_word(word: str, flag: str) -> bool:
    if _PUNCT.search(word) or word in _STOP_WORDS:
        return False
    if flag in ("x", "eng"):
        return bool(re.fullmatch(r"[A-Za-z]+", word))
    return flag.startswith(_NAME_FLAGS)


def _extend_to_place(text: str, start: int, suffix_start: int, gazetteer: Gazetteer) -> int:
    """Move `start` left over place names that jieba cut through or tagged as something else.

    A place name that holds `start` or ends right at it belongs to the name (大同 tagged as an
    adverb, 标志着望城区 cut as 着望|城区); chains such as 宜春市靖安县 are followed leftwards.
    """
    while True:
        lookback_start = max(0, start - 8)
        mentions = gazetteer.mentions(text[lookback_start:suffix_start])
        moved = [lookback_start + m.start for m in mentions
                 if lookback_start + m.start < start <= lookback_start + m.end]
        if not moved or min(moved) >= start:
            return start
        start = min(moved)
