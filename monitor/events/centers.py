"""Center names: the full name of a center around a lexicon hit (洛阳 + 国际传播中心).

The name is grown leftwards from the suffix found by the automaton over name-like words (jieba
parts of speech), stopping at verbs, function words, numbers, punctuation and the name of an
operating organisation (湖北日报传媒集团 | 长江国际传播中心). A place name of the gazetteer that
ends at the suffix is kept whole even when jieba cut it badly (标志着望城区 → 望城区).

Names without a place are names too: a region or theme (西部…, 黄河几字弯…, 长江文化…), a bay, lake or
mountain after a name (罗源湾…, 三门湾…: jieba tags 湾 apart), a place in
brackets (大湾区（江门）…), a brand with a middle dot (茶·安溪…). A Latin brand in brackets before
the suffix (茶·安溪（Anxi Tea）国际传播中心) is not part of the name. The name never starts with the tail
of the word before it: an epithet glued to a place (…之城昆明…, 千年古都洛阳…, 中国侨都江门…) is left
out. Generic phrases (县级国际传播中心, 该中心) have an empty or generic prefix (`CenterName.generic`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import jieba.posseg

from monitor.events.keys import center_name_key
from monitor.events.places import Gazetteer, short_forms, word_frequency

WINDOW = 24
_NAME_FLAGS = ("n", "j", "b", "s", "an")
_STOP_WORDS = frozenset({
    "首个", "首家", "全省", "全市", "全县", "全区", "全国", "县级", "市级", "省级", "我省", "我市", "我县",
    "我区", "该", "这个", "新", "一个", "一家", "仪式", "揭牌", "成立", "挂牌", "标志", "依托", "暨",
    "举行", "举办", "召开", "隆重", "正式", "宣布", "迎来", "见证", "共同", "为",
    "区级", "州级", "乡级", "镇级", "村级", "旗级", "盟级", "地级", "各级", "本级", "校级",
})
_ORG_SUFFIX = re.compile(r"(集团|日报社|报社|电视台|广播电视台|融媒体中心|大学|学院|宣传部|网信办|委员会|"
                         r"公司|局|厅|办)$")
_PUNCT = re.compile(r"[\s，。、；：！？“”‘’\"'（）()《》〈〉【】\[\]—…·,.;:!?<>|/\\-]")
_QUOTED_BEFORE = re.compile(r"[“「\"][^“”「」\"，。；\n]{1,20}[”」\"]$")
_ALIAS_BEFORE = re.compile(r"[（(]以下简称[“\"「]?([^”\"」）)]{1,12})[”\"」]?[）)]$")
_VERB_IN_NAME = re.compile(r"(举行|举办|召开|迎来|宣布|见证|标志着|揭牌|成立|挂牌)")
GENERIC_PREFIXES = frozenset({"", "县", "市", "省", "区", "州", "该", "本", "中心"})
# A Latin brand in brackets right before the suffix: 茶·安溪（Anxi Tea）国际传播中心.
_LATIN_BRAND_BEFORE = re.compile(r"[（(][A-Za-z][A-Za-z0-9 .·•&'’-]{0,30}[）)]$")
# Chinese words in brackets inside a name: 粤港澳大湾区（江门）国际传播中心.
_BRACKETED_BEFORE = re.compile(r"[（(][\u4e00-\u9fff]{1,8}[）)]$")
_DOTS = "·•・"
# Direction words that jieba tags as localizers but that name regions (西部, 东北, 西南).
_DIRECTION_WORD = re.compile(r"^[东西南北中][东西南北中部方]$")
# A verb or adjective of one character inside a run of name words (黄河几字弯).
_INNER_FLAGS = ("v", "a", "vg", "ag")
# An epithet before a place (古都, 侨都, 之城): the name starts at the place.
_EPITHET = re.compile(r"(城|都|乡|城市|都市|故里|省会|首府)$")
_FUNCTION_CHARS = frozenset("的之在于由与和及是为了将把被从向对给也都又就并等着过")
# A feature of the land or sea after a name (罗源|湾, 乐清|湾, 三门|湾): jieba tags it apart, it is in the name.
_FEATURE_CHARS = frozenset("湾湖港岛山江河峡洲")


@dataclass(frozen=True)
class CenterName:
    """A center named in the (normalized) text: [start, end) covers prefix and suffix."""

    name: str
    start: int
    end: int
    suffix_start: int
    inferred: bool = False  # not written in the text: made from the place that founds it (named_by_place)

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
    “Hello Liuzhou”国际传播中心), and so do the name words before the quote; so do a bracketed place
    (大湾区（江门）) and a middle dot (北极·漠河); a bracketed Latin brand does not.
    """
    alias = _ALIAS_BEFORE.search(text[max(0, suffix_start - 40):suffix_start])
    if alias:  # 山东省港口集团有限公司（以下简称“山东港口”）国际传播中心
        start = max(0, suffix_start - 40) + alias.start()
        return CenterName(alias.group(1) + text[suffix_start:suffix_end], start, suffix_end, suffix_start)
    brand = _LATIN_BRAND_BEFORE.search(text[max(0, suffix_start - 34):suffix_start])
    head_end = max(0, suffix_start - 34) + brand.start() if brand else suffix_start
    start = _grow_left(text, head_end)
    while (grown := _grow_over_marks(text, start, head_end, gazetteer)) < start:
        start = grown
    verbs = list(_VERB_IN_NAME.finditer(text, start, head_end))
    if verbs:  # 隆重举行|襄阳 cut as one word: the name starts after the verb
        start = verbs[-1].end()
    start = _extend_to_place(text, start, head_end, gazetteer)
    start = _without_epithet(text, start, head_end, gazetteer)
    start = _without_glued_tail(text, start, head_end)
    name = text[start:head_end] + text[suffix_start:suffix_end]
    return CenterName(name, start if start < head_end else suffix_start, suffix_end, suffix_start)


def _grow_over_marks(text: str, start: int, head_end: int, gazetteer: Gazetteer) -> int:
    """Grow the name over a quoted brand, a bracketed place or a middle dot just before `start`."""
    before = text[max(0, start - 24):start]
    quoted = _QUOTED_BEFORE.search(before)
    if quoted is not None:
        return _grow_left(text, start - len(before) + quoted.start())
    bracket = _BRACKETED_BEFORE.search(before)
    if bracket is not None and gazetteer.chain(bracket.group(0)[1:-1]):  # a place, with a name before it
        opening = start - len(before) + bracket.start()
        left = _grow_left(text, opening)
        return left if left < opening else start
    if start >= 2 and text[start - 1] in _DOTS and start < head_end:
        dot = start - 1
        left = _grow_left(text, dot)
        if left == dot and _is_brand_char(text[dot - 1]):  # 瓯·嗨: one character that jieba does not tag a name
            left = dot - 1
        return left
    if start == head_end and start >= 3 and text[start - 2] in _DOTS and _is_brand_char(text[start - 1]):
        return start - 1  # the last character after a dot, whatever jieba thinks of it (瓯·嗨)
    return start


def _is_brand_char(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" and ch not in _FUNCTION_CHARS


def _without_epithet(text: str, start: int, head_end: int, gazetteer: Gazetteer) -> int:
    """千年古都洛阳, 开放之城宁波, 中国侨都江门: an epithet before the place is not part of the name."""
    head = text[start:head_end]
    mentions = gazetteer.mentions(head)
    last = next((m for m in reversed(mentions) if m.end == len(head) or head[m.end:m.end + 1] in "（("), None)
    if last is None or last.start == 0:
        return start
    descriptor = head[:last.start]
    if gazetteer.chain(head) and len(gazetteer.chain(head)) > 1:
        return start  # 浙江湖州: a province and its city, not an epithet
    if _EPITHET.search(descriptor) or text[start - 1:start] == "之":
        return start + last.start
    return start


def _without_glued_tail(text: str, start: int, head_end: int) -> int:
    """…之城国际传播中心: a name never starts with the tail of a phrase glued to it on the left."""
    if 0 < start < head_end and text[start - 1] == "之":
        return start + 1
    return start


def _grow_left(text: str, end: int) -> int:
    """The start of the run of name words that ends at `end`."""
    window = text[max(0, end - WINDOW):end]
    words = list(reversed(list(jieba.posseg.cut(window))))
    kept = 0
    for i, (word, flag) in enumerate(words):
        left = words[i + 1] if i + 1 < len(words) else None
        if kept and _ORG_SUFFIX.search(word):
            break
        if not (_is_name_word(word, flag) or _inner_word(word, flag, left)):
            break
        kept += len(word)
    return end - kept


def _inner_word(word: str, flag: str, left: tuple[str, str] | None) -> bool:
    """A word that jieba does not tag as a name but that stands inside one: a direction (西部), a feature of
    the land after a word (罗源|湾), or one character tagged a verb or adjective right after a name word of
    two or more characters (几字|弯)."""
    if word in _STOP_WORDS or _PUNCT.search(word):
        return False
    if word in _FEATURE_CHARS and left is not None:
        left_word, _ = left
        return left_word not in _STOP_WORDS and not _PUNCT.search(left_word) and left_word[-1] not in _FUNCTION_CHARS
    if flag == "f":
        return bool(_DIRECTION_WORD.match(word))
    if len(word) == 1 and flag in _INNER_FLAGS and word not in _FUNCTION_CHARS and left is not None:
        left_word, left_flag = left
        return len(left_word) >= 2 and left_word not in _STOP_WORDS and left_flag.startswith("n")
    return False


def _is_name_word(word: str, flag: str) -> bool:
    if _PUNCT.search(word) or word in _STOP_WORDS:
        return False
    if flag in ("x", "eng"):
        return bool(re.fullmatch(r"[A-Za-z]+", word))
    return flag.startswith(_NAME_FLAGS) or _unknown_word(word)


def _unknown_word(word: str) -> bool:
    """A word of two or more characters that jieba's dictionary lacks (雄安, guessed as an adjective):
    a proper name."""
    return len(word) >= 2 and all("\u4e00" <= ch <= "\u9fff" for ch in word) and word_frequency(word) == 0


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


# （以下简称“黄梅戏国传中心”） or （下称“中心”） right after a name.
_ALIAS_AFTER = re.compile(r"\s*[（(](?:以下|下文|下)?(?:简称|称)[为作]?[：:]?\s*[“\"「『]?"
                          r"([^”\"」』（）()，。；\n]{2,16}?)[”\"」』]?\s*[）)]")
_GENERIC_ALIASES = frozenset({"中心", "该中心", "本中心", "国传中心", "国际传播中心", "国际传媒中心"})


def with_aliases(text: str, names: list[CenterName]) -> list[CenterName]:
    """Names with the short forms introduced after them (X（以下简称“Y”）, X（下称“Y”）) read as X: a
    mention of Y, whether it carries a center suffix (江门国际传播中心) or not (黄梅戏国传中心), is a
    mention of X. A generic short form (中心) is left to coreference."""
    full: dict[str, CenterName] = {}
    shorts: dict[str, str] = {}
    for name in names:
        alias = _ALIAS_AFTER.match(text, name.end)
        if alias is None or alias.group(1) in _GENERIC_ALIASES:
            continue
        key = center_name_key(alias.group(1))
        if key != center_name_key(name.name):
            full.setdefault(key, name)
            shorts.setdefault(key, alias.group(1))
    if not full:
        return names
    renamed = [_renamed(n, full.get(center_name_key(n.name))) for n in names]
    covered = [(n.start, n.end) for n in renamed]
    for key, name in full.items():
        for m in re.finditer(re.escape(shorts[key]), text):
            if not any(s <= m.start() < e for s, e in covered):
                renamed.append(CenterName(name.name, m.start(), m.end(), m.end()))
    return sorted(renamed, key=lambda n: n.start)


def aliases_of(text: str, name: str) -> list[str]:
    """The short forms that the text introduces for `name` (X（以下简称“Y”）): [Y, …]."""
    found = []
    for m in re.finditer(re.escape(name), text):
        alias = _ALIAS_AFTER.match(text, m.end())
        if alias is not None:
            found.append(alias.group(1))
    return found


def _renamed(mention: CenterName, full: CenterName | None) -> CenterName:
    if full is None or full.start == mention.start:
        return mention
    return CenterName(full.name, mention.start, mention.end, mention.suffix_start)


# 浙江省金华市成立了一个国际传播中心: a center named by its place only (translations of foreign reports).
_BY_PLACE = re.compile(r"(成立|设立|组建|建立|揭牌成立|挂牌成立)(了(一个|一家|首个|新的|自己的)*|"
                       r"(一个|一家|首个|新的|自己的)+)$")
# A look back: the place founded its center long ago (近年来，杭州市成立了一个…), no news.
_BACKGROUND = re.compile(r"(近年来|此前|早在|以来|曾经|已经|已)")


# What may stand between the founding place and its verb: 近日, 于6月10日, 已经, 正式 …
_TIME_GAP = re.compile(r"(?:于|在|正式|也|还|又|近日|日前|最近|近期|今年|上周|本月|上月|今天|日|"
                       r"[\d一二三四五六七八九十]{1,4}[年月日]|上午|下午)*")


def named_by_place(text: str, suffix_start: int, suffix_end: int, gazetteer: Gazetteer) -> CenterName | None:
    """The center that a place founds without naming it (金华市成立了一个国际传播中心), named the usual
    way: the place's short form and the suffix (金华国际传播中心); None unless the place is the subject
    right before the verb."""
    lo = max(0, suffix_start - 30)
    launched = _BY_PLACE.search(text, lo, suffix_start)
    if launched is None:
        return None
    head = text[lo:launched.start()]
    mentions = gazetteer.mentions(head)
    if not mentions or not _TIME_GAP.fullmatch(head[mentions[-1].end:]) or _BACKGROUND.search(head):
        return None
    place = mentions[-1].place
    short = next(iter(short_forms(place.name)), place.name)
    return CenterName(short + text[suffix_start:suffix_end], suffix_start, suffix_end, suffix_start, True)
