"""Organization names (ORG spans) by spaCy rule components over jieba words.

The pipeline is a blank ``zh`` spaCy pipeline with the jieba segmenter, built once, with four
components:

- ``monitor_split_function_chars``: splits a preposition jieba glued onto a name (由岳阳 → 由 岳阳);
- ``entity_ruler``: well-known names without a generic suffix (新华社, 人民网, 快手 ...);
- ``monitor_org_suffix_spans``: an ORG is a run of name-like words ending in an organization suffix
  (日报社, 报业集团, 传媒集团, 广播电视台, 融媒体中心, 大学, 学院, 外文局, 新闻社, 宣传部, 网信办,
  集团, 公司, 协会, 联盟, 分社, 局, 厅 ...). The suffix is found by a regular expression over the
  characters, because jieba cuts suffixes its own way (日报+社, 县融+媒体+中心, 外文+局); its end must
  fall on a word boundary (大学生 is no 大学). The name then grows leftwards over name-like words and
  stops at punctuation, function words, verbs, time words, numbers and pronouns (jieba's parts of
  speech plus a list), so "与郑州大学" gives 郑州大学 and "由靖安县委宣传部" gives 靖安县委宣传部.
  A name may contain another organization (中国新闻社河南分社); the longest span wins;
- ``merge_entities``: each ORG becomes one token, so the partner rules read words and ORGs alike.

A bracketed aside that names the same body belongs to its name: an alias (辽宁报刊传媒集团（辽宁日报社）),
a campus or a place (曲阜师范大学（日照校区）, 香港科技大学（广州）), 集团 (海南广播电视总台（集团）); the name
is written as the text writes it. Noise of real pages is read through: synonym-spun copies of wire stories
write 宣传部 as 宣扬部, 广播电视台 as 播送电视台 and 融媒体中心 as 融媒体核心 (suffixes of their own), and a
stray space between a place and its suffix (九江 学院) does not cut a name.

Traditional script is read through an OpenCC copy of the same length, so spans are written as in
the original text.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable
from typing import Any

import jieba
import jieba.posseg
import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from monitor.normalize import to_simplified

logger = logging.getLogger(__name__)

LABEL = "ORG"
MAX_NAME_TOKENS = 9
MAX_NAME_CHARS = 32

def _words(*lines: str) -> tuple[str, ...]:
    """Words written space-separated over several lines."""
    return tuple(word for line in lines for word in line.split())


# The longest suffix that ends at a place is tried first (融媒体中心 before 中心).
_SUFFIXES = _words(
    "广播电视总台 报业传媒集团 广播电视集团 融媒体中心 广播电视台 人民政府 国际传播集团 报业集团 传媒集团",
    "晚报社 时报社 商报社 早报社 快报社 周报社 报刊社 都市报社 联谊会 同乡会 总会",
    "出版集团 委员会 办公室 新闻社 通讯社 日报社 杂志社 出版社 研究院 研究所 研究会 联合会 促进会 基金会",
    "记者站 海外网 日报网 新闻网 校区 分校 分院 外文局 电视台 广播电台 管委会 总公司 总局 分局 分公司",
    "宣传部 统战部 组织部 外联部 网信办 外事办 新闻办 外办 台办 侨办 报社 大学 学院 学校 集团 公司 协会",
    "学会 商会 联盟 分社 中心 政府 银行 频道 总台 联络部 部 局 厅 院 会馆",
    "宣扬部 播送电视台 播送电视总台 融媒体核心",  # what synonym spinners make of 宣传部, 广播电视台, 融媒体中心
    "日报 晚报 时报 商报 早报 快报 文汇报",  # papers named without 社 (星洲日报, 香港文汇报)
)
# A lookahead, so that overlapping suffixes are all tried (外事办 inside 外事办公室).
_SUFFIX_RE = re.compile("(?=(" + "|".join(sorted(_SUFFIXES, key=len, reverse=True)) + "))")
# Names with a conjunction inside (河南省文化和旅游厅, 郑州大学新闻与传播学院).
_INNER_PHRASES = re.compile("|".join(_words(
    "文化和旅游 新闻与传播 新闻和传播 文学与新闻 外国语言与文化", "广播电视和网络视听 自然资源和规划",
)))
_INNER_CONJ = frozenset({"与", "和"})
_PARENT_ORG = re.compile(r"(?:大学|学院|研究院|外文局|科学院)$")
# Jieba words that end in a suffix but are no organization (格局, 展厅).
_JUNK_WORDS = frozenset(_words(
    "格局 新格局 布局 结局 大局 当局 全局 开局 僵局 时局 政局 骗局 饭局 棋局",
    "展厅 大厅 餐厅 客厅 门厅 舞厅 歌厅 前厅 市中心 城中心",
))
_ADMIN_CHARS = frozenset("省市县区州盟旗镇乡村")
_DETERMINERS = frozenset("各全该本每诸其此这那我")
# Words that make what follows a description, not a name (与当地华文学校合作: local schools).
_GENERIC_HEADS = _words("当地 本地 外地 各地 多所 多家 部分 一些 其他 其它 兄弟 有关 相关")
_PAIRS = {"）": "（", ")": "(", "”": "“", "」": "「"}
_OPEN, _CLOSE = frozenset("（("), frozenset("）)")
_MAX_ASIDE_TOKENS = 6
_PERSON_TAGS = frozenset({"nr", "nrfg", "nrt"})
_FUNCTION_CHARS = frozenset("由与在同和及跟向对为将把被于从经")
_FUNCTION_FLAGS = frozenset({"p", "c", "u", "uj", "ul", "uz", "ud", "ug", "uv", "r", "m", "q", "x"})
# A newspaper or magazine named in title marks (《欧洲时报》): the name inside is an ORG.
_TITLE_ORG_RE = re.compile(r"《([^《》\s]{1,12}(?:日报|时报|晚报|商报|快报|早报|周报|报|周刊|杂志))》")
KNOWN_ORGS = _words(
    "新华社 新华通讯社 人民日报社 人民日报 中国日报 光明日报 经济日报 人民网 新华网 中国网 央视网 国际在线",
    "中新网 中国新闻网 央视 中央电视台 中国国际电视台 CGTN 中国国际广播电台 中央广播电视总台 大公报 文汇报",
    "香港商报 快手 快手科技 抖音 今日头条 字节跳动 腾讯 新浪 百度 华为 阿里巴巴",
)
# jieba parts of speech that never belong to a name: prepositions, conjunctions, particles, pronouns,
# time words, numerals, classifiers, adverbs, localizers, verbs, idioms.
_STOP_FLAGS = frozenset(_words(
    "p c u uj ul uz ud ug uv r rr rz t tg m mq q y e o x d dg ad f v vd vg vi vq l i z",
))
# Words of those parts of speech that do occur in names (中国出版集团, 首都师范大学, 贵州日报当代融媒体集团).
_NAME_WORDS = frozenset(_words(
    "出版 开发 发行 印刷 经营 促进 推广 规划 设计 保护 创新 联合 首都 高新 当代 现代 今日 近代 新时代 翻译",
    "青年 少年",
))
_ORDINAL = re.compile(r"第[一二三四五六七八九十]+")
# Words that end a name on its left whatever jieba's part of speech.
_STOP_WORDS = frozenset(_words(
    "与 和 及 由 同 跟 在 为 向 对 把 被 将 于 以及 并 暨 联合 携手 联手 牵手 共建 签署 签约 签订 主导",
    "主管 运营 承办 主办 协办 指导 支持 依托 来自 邀请 包括 现场 会上 当天 同时 分别 共同 举行 成立",
    "揭牌 授牌 出席 参加 代表 记者 本报 双方 单位 首个 首家 全省 全市 全县 全区 全国 县级 市级 省级",
    "我省 我市 我县 我区 各 该 仪式 活动 期间 据悉 近年来 此外 其中 作为 标志 之间 以来 之后 之前 以后",
    "以前 以上 以下 之中 当中 之际 方面 讯 电 日电 报道 消息 通讯员",
    "这是 那是 也是 都是 均是 亦是 它是 其是 此乃 这就是 这也是 不仅是 已是 仍是 又是 这所 这家",  # 这是X设立的…
))


def word_flag(word: str) -> str | None:
    """jieba's part of speech for a dictionary word (None for a word jieba does not know)."""
    flag = jieba.dt.user_word_tag_tab.get(word) or jieba.posseg.dt.word_tag_tab.get(word)
    return str(flag) if flag else None


def doc_text(doc: Doc) -> str:
    """The text of `doc`, kept with it (spaCy joins the tokens anew on every `doc.text`)."""
    text = doc.user_data.get("text")
    if not isinstance(text, str):
        text = doc.user_data["text"] = doc.text
    return text


def is_name_word(token: Token) -> bool:
    """True when `token` may stand inside an organization name."""
    text = token.text
    if not text.strip() or token.is_punct or token.like_num or any(ch.isdigit() for ch in text):
        return False
    if not all(ch.isalnum() for ch in text) or text in _STOP_WORDS:
        return False
    if text in _NAME_WORDS or _ORDINAL.fullmatch(text):
        return True
    flag = word_flag(text)
    if flag not in _STOP_FLAGS or (flag == "f" and len(text) > 1):  # 南方报业, 西部
        return True
    return len(text) > 1 and flag not in _FUNCTION_FLAGS and _is_place_head(text)


def _is_place_head(word: str) -> bool:
    """True when jieba knows `word` + 市/县/区/省/州 as a word: a place it tags oddly (大连 d, 长治 n)."""
    return any(word_flag(word + ch) is not None for ch in "市县区省州")


def _inside_inner_phrase(doc: Doc, token: Token, head: int) -> bool:
    """True when `token` (与, 和) is part of a name: 文化和旅游厅, or a school of a university
    (中山大学国际翻译与传播学院: a university, at most three words, 与, words that are no place, suffix)."""
    if token.text not in _INNER_CONJ:
        return False
    text = doc_text(doc)
    lo, hi = max(0, token.idx - 12), min(len(text), token.idx + 12)
    if any(m.start() + lo <= token.idx < m.end() + lo for m in _INNER_PHRASES.finditer(text[lo:hi])):
        return True
    if any(_is_place_like(t) for t in doc[token.i + 1 : head + 1]):
        return False
    for j in range(token.i - 1, max(-1, token.i - 5), -1):
        if _PARENT_ORG.search(doc[j].text):
            return j < token.i - 1
        if not is_name_word(doc[j]):
            return False
    return False


def _is_place_like(token: Token) -> bool:
    """A place or an organization name word (河南, 郑州大学), which begins a new name after 与."""
    flag = word_flag(token.text)
    if flag in ("ns", "nt"):
        return True
    return flag is not None and len(token.text) > 1 and _is_place_head(token.text)


def _name_word_at(doc: Doc, token: Token, head: int) -> bool:
    """True when `token` belongs to the name whose suffix starts after token `head - 1`."""
    return is_name_word(token) or _cut_place(doc, token) or _inside_inner_phrase(doc, token, head) \
        or bool(_PARENT_ORG.search(token.text)) or _transliteration_tail(doc, token)  # 曲阜师范大学|日照校区


def _transliteration_tail(doc: Doc, token: Token) -> bool:
    """The last character of a transliterated foreign name that jieba cut off as a word of its own
    (意大利普拉|托华人华侨联谊会: 普拉 is tagged a transliterated name, 托 a verb)."""
    if len(token.text) != 1 or token.i == 0 or token.text in _STOP_WORDS or token.text in _FUNCTION_CHARS:
        return False
    left = doc[token.i - 1]
    return not left.whitespace_ and len(left.text) >= 2 and word_flag(left.text) == "nrt"


def _cut_place(doc: Doc, token: Token) -> bool:
    """A place name that jieba cut after its first character (望|城区融媒体中心: 望城 is a place)."""
    if len(token.text) != 1 or token.i + 1 >= len(doc) or token.text in _STOP_WORDS:
        return False
    if token.is_punct or word_flag(token.text) in _FUNCTION_FLAGS:
        return False
    following = doc[token.i + 1].text
    return any(word_flag(token.text + following[:n]) == "ns" for n in (1, 2) if len(following) >= n)


def _glued_prefix_ok(token: Token, prefix: str, suffix: str) -> bool:
    """A suffix that starts inside a jieba word: is the word's head a plausible name (县融|媒体中心)?"""
    if token.text in _JUNK_WORDS or token.text in _STOP_WORDS or prefix in _STOP_WORDS \
            or prefix.startswith(_GENERIC_HEADS):
        return False
    named = word_flag(token.text) in ("nt", "nz")  # 万里学院: jieba knows the whole as a name
    if word_flag(prefix) in _STOP_FLAGS and not named:  # 县级|融媒体中心: a description, no name
        return False
    if prefix[0] in _DETERMINERS and word_flag(prefix) != "ns" and not _is_place_head(prefix):
        return False  # 各县|融媒体中心
    if len(prefix) >= 2:
        return all(ch.isalnum() for ch in prefix)
    return (len(suffix) > 1 and prefix in _ADMIN_CHARS) or word_flag(token.text) == "nt"  # 县融, 外交部


def _name_start(doc: Doc, first: int) -> int:
    """Index of the first token of the name whose head (before the suffix) ends at token `first - 1`."""
    i = first
    while i > 0 and first - i < MAX_NAME_TOKENS:
        prev = doc[i - 1]
        aside = _aside_start(doc, prev.i)
        if aside is not None:  # 腾讯科技（深圳）有限公司
            i = aside
            continue
        if (prev.whitespace_ and not _stray_space(doc, prev, first)) or not _name_word_at(doc, prev, first):
            break
        if doc[i - 1 : first].end_char - prev.idx > MAX_NAME_CHARS:
            break
        i -= 1
    while i < first and doc[i].text in _INNER_CONJ:  # never start on 与 of 新闻与传播
        i += 1
    return i


def _stray_space(doc: Doc, prev: Token, first: int) -> bool:
    """九江 学院: one space of a noisy page between a place and the suffix right after it."""
    return prev.i == first - 1 and prev.whitespace_ == " " and len(prev.text) >= 2 \
        and _is_cjk(prev.text) and _is_cjk(doc[first].text[:1]) and _is_place_like(prev)


def _is_cjk(text: str) -> bool:
    return bool(text) and all("\u4e00" <= ch <= "\u9fff" for ch in text)


def _aside_start(doc: Doc, close: int) -> int | None:
    """Index where a bracketed or quoted name part closed at token `close` opens, or None:
    腾讯科技（深圳）有限公司 (a name word must precede the bracket), “草原丝路”国际传播联盟."""
    closing = doc[close].text
    if closing not in _PAIRS:
        return None
    for j in range(close - 1, max(-1, close - 5), -1):
        if doc[j].text == _PAIRS[closing]:
            if j == close - 1 or (closing in "）)" and (j == 0 or not is_name_word(doc[j - 1]))):
                return None
            return j
        if not is_name_word(doc[j]) or doc[j].whitespace_:
            return None
    return None


def _suffix_span(doc: Doc, start: int, end: int, word_ends: frozenset[int]) -> Span | None:
    """The ORG span ending with the suffix at characters [start, end), or None."""
    if end not in word_ends:
        return None
    covering = doc.char_span(start, end, alignment_mode="expand")
    if covering is None:
        return None
    head, last = covering[0], covering[-1]
    if head.idx < start:  # suffix glued onto the end of a word: 郑州大学, 县融|媒体中心
        text = doc_text(doc)
        if not _glued_prefix_ok(head, text[head.idx : start], text[start:end]):
            return None
        first = _name_start(doc, head.i)
        return doc[first : last.i + 1] if not _described(doc, first) else None
    first = _name_start(doc, head.i)
    return doc[first : last.i + 1] if first < head.i and not _described(doc, first) else None


def _described(doc: Doc, first: int) -> bool:
    """The name starts after a word that makes it a description (当地|华文学校, 多所|高校)."""
    return (first > 0 and doc[first - 1].text.endswith(_GENERIC_HEADS)) or doc[first].text.startswith(_GENERIC_HEADS)


@Language.component("monitor_split_function_chars")
def split_function_chars(doc: Doc) -> Doc:
    """Split a function character that jieba glued onto a name (由岳阳 → 由 + 岳阳)."""
    glued = [tok for tok in doc if _is_glued(tok.text)]
    if glued:
        with doc.retokenize() as retokenizer:
            for tok in glued:
                retokenizer.split(tok, [tok.text[0], tok.text[1:]], heads=[(tok, 1), (tok, 1)])
    return doc


def _is_glued(word: str) -> bool:
    """An unknown word made of a function character and a name of two characters or more.

    和 / 同 / 于 also begin place names (和田, 同江, 于都), so after them the rest must be a known word."""
    if len(word) < 3 or word[0] not in _FUNCTION_CHARS or word_flag(word) is not None:
        return False
    return word[0] not in "和同于" or word_flag(word[1:]) is not None


@Language.component("monitor_org_suffix_spans")
def org_suffix_spans(doc: Doc) -> Doc:
    """Add ORG entities for runs of name-like words ending in an organization suffix."""
    word_ends = frozenset(tok.idx + len(tok.text) for tok in doc)
    found: list[Span] = []
    for start, end in _longest_suffixes(doc_text(doc)):
        span = _suffix_span(doc, start, end, word_ends)
        if span is not None:
            found.append(Span(doc, span.start, span.end, label=LABEL))
    for match in _TITLE_ORG_RE.finditer(doc_text(doc)):
        titled = doc.char_span(match.start(1), match.end(1), label=LABEL)
        if titled is not None:
            found.append(titled)
    spans = filter_spans([*doc.ents, *found])
    named = {(span.start, span.end) for span in spans}
    doc.ents = filter_spans([_with_aside(doc, span, named) for span in spans])
    return doc


def _with_aside(doc: Doc, span: Span, named: set[tuple[int, int]]) -> Span:
    """The ORG `span` grown over a bracketed aside right after it that names the same body: another ORG
    (an alias), or known name words such as a campus, a place or 集团 (曲阜师范大学（日照校区）). Not an aside
    of other words (以下简称…, a person, a verb, one character such as 筹)."""
    k = span.end
    if span.label_ != LABEL or k >= len(doc) or doc[k].text not in _OPEN or doc[k - 1].whitespace_:
        return span
    for j in range(k + 1, min(len(doc), k + _MAX_ASIDE_TOKENS + 2)):
        if doc[j].text in _CLOSE:
            inside = doc[k + 1 : j]
            alias = (k + 1, j) in named
            words = len(inside.text) >= 2 and _is_cjk(inside.text) and all(_aside_word(t) for t in inside)
            return Span(doc, span.start, j + 1, label=LABEL) if alias or words else span
    return span


def _aside_word(token: Token) -> bool:
    """A word that jieba knows and that may stand in a name, no person's name (places such as 石家庄, which
    jieba tags as a person, are places)."""
    flag = word_flag(token.text)
    return flag is not None and is_name_word(token) and (flag not in _PERSON_TAGS or _is_place_like(token))


def _longest_suffixes(text: str) -> list[tuple[int, int]]:
    """(start, end) of the suffixes in `text`, only the longest of those ending at the same place
    (融媒体中心, not 中心 with a name 融媒体)."""
    longest: dict[int, int] = {}
    for match in _SUFFIX_RE.finditer(text):
        start, end = match.start(1), match.end(1)
        longest[end] = min(start, longest.get(end, start))
    return sorted((start, end) for end, start in longest.items())


@functools.cache
def pipeline() -> Language:
    """The blank zh pipeline with jieba and the ORG rule components, built once."""
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    nlp.add_pipe("monitor_split_function_chars")
    ruler: Any = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": LABEL, "pattern": name} for name in KNOWN_ORGS])
    nlp.add_pipe("monitor_org_suffix_spans")
    nlp.add_pipe("merge_entities")
    logger.debug("organization pipeline built: %s", nlp.pipe_names)
    return nlp


def simplified(text: str) -> str:
    """A simplified-script copy of `text` with the same offsets (or `text` itself when that fails)."""
    if text.isascii():
        return text
    converted = to_simplified(text)
    return converted if len(converted) == len(text) else text


def parse(text: str) -> Doc:
    """`text` (any script) through the pipeline: ORG entities merged into single tokens.

    The Doc is of the simplified copy; its character offsets are those of `text`."""
    return pipeline()(simplified(text))


def organization_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, label) of every organization name in `text`, in order."""
    return [(ent.start_char, ent.end_char, ent.label_) for ent in parse(text).ents]


def org_names(text: str) -> Iterable[str]:
    """The organization names of `text`, written as in the text (for logs and tests)."""
    return (text[s:e] for s, e, _ in organization_spans(text))
