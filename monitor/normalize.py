"""normalize: a simplified-script, half-width copy of a text for matching, and its sentences.

OpenCC's t2s conversion and width folding both map one character to one character for the
characters that matter here, so the copy usually has the length of the original and offsets are
the identity. When a conversion changes the length (rare phrase conversions, or NFC composing a
decomposed character), the copy is built character by character and an offset map is kept, so
offsets can always be mapped back.

Most articles match nothing, so the matching copy comes in two steps: `simplify` (what the lexicon
needs; width folding only when there is something to fold) and `with_sentences` (the sentence bounds
that event detection needs, split only for articles that go on to it). `normalize` does both.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata

import opencc

from monitor.models import NormalizedText, Sentence

_SENTENCE_END = re.compile(r"[。！？!?；;]+[”’」』\"')）]*|\n+")
_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20
# Chinese punctuation that must stay full-width (sentence logic relies on it).
for _keep in "，。！？；：（）":
    _FULLWIDTH.pop(ord(_keep), None)
_FOLDABLE = re.compile("[" + re.escape("".join(map(chr, _FULLWIDTH))) + "]")


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
    """The matching copy of `original`: simplified script, half-width, with sentence bounds."""
    return with_sentences(simplify(original))


def simplify(original: str) -> NormalizedText:
    """The matching copy of `original` (simplified script, half-width, NFC) without sentence bounds:
    all the lexicon needs. Its `sentences` stay empty until `with_sentences`."""
    composed = unicodedata.normalize("NFC", original)
    if len(composed) != len(original):  # composition moved offsets: map every character on its own
        return _per_char(original, original)
    simplified = to_simplified(fold_width(composed))
    if len(simplified) != len(original):
        return _per_char(original, fold_width(composed))
    return NormalizedText(original, simplified, None, ())


def with_sentences(normalized: NormalizedText) -> NormalizedText:
    """`normalized` with its sentence bounds (split once; a copy that has them is returned as it is)."""
    if normalized.sentences or not normalized.text.strip():
        return normalized
    return dataclasses.replace(normalized, sentences=split_sentences(normalized.text))


def _per_char(original: str, source: str) -> NormalizedText:
    """The copy built one character of `source` (as long as `original`) at a time, with its offset map."""
    chars: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(source):
        converted = to_simplified(fold_width(char))
        chars.append(converted)
        offsets.extend([index] * len(converted))
    return NormalizedText(original, "".join(chars), tuple(offsets), ())


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
