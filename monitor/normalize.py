"""normalize: the matching copy of a text (simplified script, half-width, without noise) and its sentences.

OpenCC's t2s conversion and width folding both map one character to one character for the
characters that matter here, so the script copy usually has the length of the original and offsets
are the identity. When a conversion changes the length (rare phrase conversions, or NFC composing a
decomposed character), the copy is built character by character and an offset map is kept.

Mirrors and learner sites add noise that the matching copy leaves out, with an offset map back to
the original (NormalizedText.offsets), so that evidence still shows the page's own text:
- annotation: pinyin after a character (國(guó)際, 际（jì）, 国guó际jì) and invisible characters
  (zero-width space and joiners, soft hyphen, BOM) are cut out;
- spaces inside a center's name are cut out: inside its suffix (国际 传播中心, and a middle dot:
  国际·传播中心), a letter-spaced run (抚 远 国 际 传 播 中 心), a stray space next to a single character
  (景德 镇国际传播中心) or between a short word and the suffix (泸州 国际传播中心);
- page chrome (related links, 【广告】, share bars: extract.chrome_lines) and the translation lines of a
  bilingual page become spaces of the same length, so that no event is read from them.
Each step first asks a cheap question (an invisible character? a bracket that opens on a Latin
letter? a 传 and a center's suffix?), so an article without such noise and without a center's
name pays a few microseconds more than the script copy.

Most articles match nothing, so the matching copy comes in two steps: `simplify` (what the lexicon
needs) and `with_sentences` (the sentence bounds that event detection needs, split only for articles
that go on to it). `normalize` does both.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import re
import unicodedata
from collections.abc import Sequence

import opencc

from monitor.extract import chrome_lines, translation_lines
from monitor.models import NormalizedText, Sentence

_SENTENCE_END = re.compile(r"[。！？!?；;]+[”’」』\"')）]*|\n+")
_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20
# Chinese punctuation that must stay full-width (sentence logic relies on it).
for _keep in "，。！？；：（）":
    _FULLWIDTH.pop(ord(_keep), None)
_FOLDABLE = re.compile("[" + re.escape("".join(map(chr, _FULLWIDTH))) + "]")

Offsets = Sequence[int] | None  # where each character of a copy comes from; None: the identity
Span = tuple[int, int]

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SPACES = " \u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_SPACE = re.escape(_SPACES)  # in a character class
_DOT = "·・‧•"

# Invisible characters: zero-width space, non-joiner, joiner, direction marks, word joiner, soft hyphen, BOM.
_INVISIBLE = "\u00ad\u180e\u200b-\u200f\u2060-\u2064\ufeff"
_INVISIBLE_RUN = re.compile(f"[{_INVISIBLE}]+")
# Pinyin in brackets right after a character (or after the ? that a lost character became): one to four
# syllables in lower case, with or without tone marks or tone digits. Pinyin without brackets (a page's
# ruby annotation pasted as text: 国guó际jì) counts only with a tone mark.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_RARE_CHAR = re.compile(f"[{_INVISIBLE}{_TONED}]")
_TONED_WORD = re.compile(f"[a-zü{_TONED}]*[{_TONED}][a-zü{_TONED}]*")
_PINYIN_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzü" + _TONED)
_PINYIN_SYLLABLE = f"[a-zü{_TONED}]{{1,6}}[1-5]?"
_ANNOTATION = re.compile(rf"[(（]({_PINYIN_SYLLABLE}(?: ?{_PINYIN_SYLLABLE}){{0,3}})[)）]")
_CJK_CHAR = re.compile(f"[{_CJK}]")
_LATIN_LETTER = re.compile("[A-Za-z]")
_SYLLABLE = re.compile(r"(?:[zcs]h|[bpmfdtnlgkhjqxrzcsyw])?[aeiouüv]{1,3}(?:ng|n|r)?")
# The suffix of a center's name as the lexicon's center terms write it (simplified script; 流传 and 传扬 are
# what synonym spinners make of 传播), a space or a middle dot allowed between any two of its characters.
# Every form holds 传: an article without one skips the rest cheaply.
_GAP = f"[{_SPACE}{_DOT}]?"
_NAME_SUFFIX = re.compile(f"[国对]{_GAP}[际外]{_GAP}(?:交{_GAP}流{_GAP})?(?:传{_GAP}[播媒扬]|流{_GAP}传){_GAP}"
                          f"(?:运{_GAP}营{_GAP})?(?:分{_GAP})?中{_GAP}心")
_NOISE_IN_NAME = re.compile(f"[{_SPACE}{_DOT}]")
# The words of a name before its suffix are this short; a longer word before a space is a phrase.
_SHORT_NAME = 8
_CJK_RUN_BEFORE = re.compile(f"[{_CJK}]+$")
_SPACE_CHAR = re.compile(f"[{_SPACE}]")
_FUNCTION_CHAR = re.compile("[的了是在将为与和及等把被让对向从个]")  # a phrase, not a name (成立了一个 国际传播中心)


@functools.cache
def _converter(config: str) -> opencc.OpenCC:
    """The one OpenCC converter of `config` ("t2s", "s2t") in this process: building one reads its
    dictionaries, so every stage shares these."""
    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    """Traditional to simplified script (OpenCC t2s)."""
    return str(_converter("t2s").convert(text))


def to_traditional(text: str) -> str:
    """Simplified to traditional script (OpenCC s2t): the other spelling of a search term."""
    return str(_converter("s2t").convert(text))


def fold_width(text: str) -> str:
    """Full-width ASCII letters and digits to half-width; Chinese punctuation kept."""
    return text.translate(_FULLWIDTH) if _FOLDABLE.search(text) else text


def normalize(original: str) -> NormalizedText:
    """The matching copy of `original`: simplified script, half-width, without noise, with sentence bounds."""
    return with_sentences(simplify(original))


def simplify(original: str) -> NormalizedText:
    """The matching copy of `original` (simplified script, half-width, NFC, noise left out: see the module
    docstring) without sentence bounds: all the lexicon needs. Its `sentences` stay empty until
    `with_sentences`."""
    text, offsets = _script_copy(original)
    text, offsets = _cut(text, offsets, annotation_spans(text))
    if "传" in text and _NAME_SUFFIX.search(text):  # the rest matters only where a center may be named
        text, offsets = _cut(text, offsets, glue_spans(text))
        text = _blank_lines(text)
    return NormalizedText(original, text, None if offsets is None else tuple(offsets), ())


def with_sentences(normalized: NormalizedText) -> NormalizedText:
    """`normalized` with its sentence bounds (split once; a copy that has them is returned as it is)."""
    if normalized.sentences or not normalized.text.strip():
        return normalized
    return dataclasses.replace(normalized, sentences=split_sentences(normalized.text))


def _script_copy(original: str) -> tuple[str, Offsets]:
    """Simplified script, half-width, NFC; the offset map only when that changed the length."""
    composed = unicodedata.normalize("NFC", original)
    if len(composed) != len(original):  # composition moved offsets: map every character on its own
        return _per_char(original)
    simplified = to_simplified(fold_width(composed))
    if len(simplified) != len(original):
        return _per_char(fold_width(composed))
    return simplified, None


def _per_char(source: str) -> tuple[str, list[int]]:
    """The copy built one character of `source` (as long as the original) at a time, with its offset map."""
    chars: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(source):
        converted = to_simplified(fold_width(char))
        chars.append(converted)
        offsets.extend([index] * len(converted))
    return "".join(chars), offsets


# -- noise ----------------------------------------------------------------------------------------


def annotation_spans(text: str) -> list[Span]:
    """Spans of annotation in `text`: pinyin in brackets after a character (国(guó)际, 际（jì）) or
    with tone marks right after it (国guó际jì), and invisible characters (zero-width space, joiners,
    soft hyphen, BOM). Pinyin in brackets without tone marks counts only as a single syllable of a text
    that annotates more than once (方案(a) is a label)."""
    spans: list[Span] = []
    if _RARE_CHAR.search(text):
        spans = [m.span() for m in _INVISIBLE_RUN.finditer(text)]
        spans += [m.span() for m in _TONED_WORD.finditer(text)
                  if _after_a_character(text, m) and not _LATIN_LETTER.match(text, m.end())]
    if _bracket_and_letter(text):
        found = [m for m in _ANNOTATION.finditer(text) if _after_a_character(text, m, "?")]
        spans += [m.span() for m in found if _is_pinyin(m.group(1), len(found))]
    return sorted(spans)


def _after_a_character(text: str, found: re.Match[str], lost: str = "") -> bool:
    """Whether `found` follows a Chinese character (or a `lost` one: the ? of a character the page lost)."""
    before = text[found.start() - 1:found.start()]
    return bool(before) and (before in lost or _CJK_CHAR.match(before) is not None)


def _bracket_and_letter(text: str) -> bool:
    """Whether a bracket opens on a lower-case letter somewhere in `text` (cheaper than a regex search:
    brackets are few)."""
    for bracket in "(（":
        at = text.find(bracket)
        while at >= 0:
            if text[at + 1:at + 2] in _PINYIN_LETTERS:
                return True
            at = text.find(bracket, at + 1)
    return False


def _is_pinyin(annotation: str, annotations: int) -> bool:
    if any(c in _TONED or c.isdigit() for c in annotation):
        return True
    return annotations > 1 and len(annotation) >= 2 and _SYLLABLE.fullmatch(annotation) is not None


def glue_spans(text: str) -> list[Span]:
    """Spans of spaces (and middle dots) inside a center's name: between the characters of its suffix
    (国际 传播中心, 国际·传播中心) and in the name before it (`_name_start`)."""
    spans: list[Span] = []
    for suffix in _NAME_SUFFIX.finditer(text):
        begin = _name_start(text, suffix.start())
        if begin < suffix.start() or _NOISE_IN_NAME.search(suffix.group()):
            spans.extend(m.span() for m in _NOISE_IN_NAME.finditer(text, begin, suffix.end()))
    return sorted(set(spans))


def _name_start(text: str, start: int) -> int:
    """Where the name before the suffix at `start` begins when the spaces in it are noise: a space
    between the suffix or the word attached to it and a short word before (泸州 国际传播中心, 景德 镇国际传播中心,
    潍 坊国际传播中心), and a letter-spaced run of single characters (抚 远 国 际 传 播 中 心). Spaces between
    longer words stay (讲好西安故事 西安国际传播中心 is a headline of two parts), and so does a middle dot
    (北极·漠河国际传播中心 is the name)."""
    if _SPACE_CHAR.search(text, max(0, start - _SHORT_NAME - 1), start) is None:
        return start  # the usual case: no space right before the name
    attached = _CJK_RUN_BEFORE.search(text, max(0, start - _SHORT_NAME), start)
    begin = attached.start() if attached else start
    right = len(attached.group()) if attached else 0
    first = True
    while begin and text[begin - 1] in _SPACES:
        gap = begin - 1
        while gap and text[gap - 1] in _SPACES:
            gap -= 1
        found = _CJK_RUN_BEFORE.search(text, max(0, gap - _SHORT_NAME - 1), gap)
        word = found.group() if found else ""
        if not word or len(word) > _SHORT_NAME or _FUNCTION_CHAR.search(word):
            break
        # The first space may follow a word of the name; a space further left only continues a run of
        # single characters.
        single = len(word) == 1
        if not (right == 0 or single or right == 1) if first else not (single and right == 1):
            break
        begin, right, first = gap - len(word), len(word), False
    return begin


def _cut(text: str, offsets: Offsets, spans: list[Span]) -> tuple[str, Offsets]:
    """`text` without `spans` (sorted), and the offset map of what is kept."""
    if not spans:
        return text, offsets
    kept: list[Span] = []
    at = 0
    for start, end in spans:
        if start > at:
            kept.append((at, start))
        at = max(at, end)
    kept.append((at, len(text)))
    source: Sequence[int] = offsets if offsets is not None else range(len(text))
    mapped = list(itertools.chain.from_iterable(source[a:b] for a, b in kept))
    return "".join(text[a:b] for a, b in kept), mapped


def _blank_lines(text: str) -> str:
    """`text` with its page chrome and translation lines (extract.chrome_lines, translation_lines) as spaces."""
    lines = text.split("\n")
    blank = chrome_lines(lines) | translation_lines(lines)
    if not blank:
        return text
    return "\n".join(" " * len(line) if i in blank else line for i, line in enumerate(lines))


# -- sentences ------------------------------------------------------------------------------------


def split_sentences(text: str) -> tuple[Sentence, ...]:
    """Sentence spans: a sentence ends at 。！？；, at a newline, or at the end of the text."""
    spans: list[Sentence] = []
    start = 0
    for end_match in _SENTENCE_END.finditer(text):
        end = end_match.end()
        if text[start:end].strip():
            spans.append(Sentence(start, end))
        start = end
    if text[start:].strip():
        spans.append(Sentence(start, len(text)))
    return tuple(spans)


def sentence_at(sentences: tuple[Sentence, ...], offset: int) -> Sentence | None:
    """The sentence that holds `offset`."""
    for sentence in sentences:
        if sentence.start <= offset < sentence.end:
            return sentence
    return None


def paragraph_bounds(text: str, offset: int) -> tuple[int, int]:
    """The paragraph (text between newlines) that holds `offset`."""
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return start, len(text) if end < 0 else end
