"""Decide the text encoding of a fetched page or feed once, and decode it.

Order of evidence: a byte-order mark (proof of the bytes, as in the WHATWG sniffing algorithm), the HTTP
header charset, a ``<meta>`` charset anywhere in the head (HTML) or the ``<?xml encoding?>`` declaration,
then detection with charset-normalizer. GB2312 and GBK are read as their superset GB18030. Bytes that are
valid UTF-8 (with non-ASCII in them) are read as UTF-8 whatever is declared: re-saved Chinese pages often
keep a stale ``charset=GB2312``. A page whose lines mix UTF-8 and GBK (a template in one, an included
footer in the other) is read line by line. Decoding never raises: the last resort is ``errors="replace"``.

`not_text` tells a PDF, an image or other binary file from a page before anyone tries to decode it.
"""

from __future__ import annotations

import codecs
import contextlib
import logging
import re
from dataclasses import dataclass
from typing import Literal

import charset_normalizer

log = logging.getLogger(__name__)

Source = Literal["header", "bom", "meta", "xml-declaration", "detected", "mixed", "fallback"]

# Labels Python does not know, or knows under a narrower codec than browsers use (WHATWG Encoding).
_ALIASES = {
    "x-gbk": "gb18030",
    "windows-936": "gb18030",
    "csgb2312": "gb18030",
    "gb_2312": "gb18030",
    "gb_2312-80": "gb18030",
    "x-euc-cn": "gb18030",
    "unicode-1-1-utf-8": "utf-8",
    "x-sjis": "shift_jis",
    "ks_c_5601-1987": "cp949",
}
# Python codec names replaced by the superset browsers decode them as.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "ascii": "cp1252",
    "iso8859-1": "cp1252",
    "big5": "big5hkscs",
    "euc_kr": "cp949",
}
_NOT_TEXT = {"idna", "punycode", "undefined", "unicode-escape", "raw-unicode-escape", "mbcs", "oem"}
_WEAK_HEADER = {"cp1252"}  # a Latin-1 header on a Chinese site is a server default, not a statement
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_MAX_SCAN = 1 << 20  # bytes of a page searched for <meta charset>
_MAX_TAG = 1024  # bytes of one <meta> tag read for its charset
_MAX_DETECT = 1 << 18  # bytes given to charset-normalizer
_MAX_BAD_RATIO = 0.01  # share of undecodable non-ASCII characters tolerated in a declared encoding
_MAX_BAD_FEW = 2  # ...and a few more, for short pages

_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([^"';,\s]+)""", re.I)
_HEAD_TOKEN = re.compile(rb"<(!--|script\b|style\b|/head\b|body\b|meta\b)")  # searched in lower case
_BLOCK_END = {b"!--": b"-->", b"script": b"</script", b"style": b"</style"}
_META_CHARSET = re.compile(rb"""\bcharset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
_XML_DECL = re.compile(rb"""\A\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']\s*([A-Za-z0-9_.:\-]+)""", re.I)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_MIXED_MIN_CJK = 4  # ideographs a UTF-8 line needs to count as evidence of UTF-8 in a mixed page
# Magic numbers of files that feeds link instead of articles.
_MAGIC = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"PK\x03\x04", "a ZIP archive or Office document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Office (Word, Excel) document"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"ID3", "an MP3 audio file"),
    (b"\x00\x00\x01\xba", "an MPEG video"),
)
_BINARY_TYPES = ("image/", "audio/", "video/", "application/pdf", "application/zip", "application/msword",
                 "application/vnd.")
_XML_DECL_TEXT = re.compile(r"""\A(\ufeff?\s*<\?xml\b[^>]*?\bencoding\s*=\s*)(["'])[^"']*\2""", re.I)


@dataclass(frozen=True)
class Decoded:
    """Text decoded from bytes, the codec used (a Python codec name) and where that choice came from."""

    text: str
    encoding: str
    source: Source


def decode_html(content: bytes, content_type: str | None) -> Decoded:
    """Decode an HTML page: BOM, header charset, <meta> in the head, XML declaration, detection."""
    declared = [
        *_header_candidate(content_type),
        *_label_candidate(_meta_label(content), "meta"),
        *_label_candidate(_xml_label(content), "xml-declaration"),
    ]
    return _without_nul(_decode(content, declared))


def decode_feed(content: bytes, content_type: str | None) -> Decoded:
    """Decode an RSS/Atom feed; the text's XML declaration then says utf-8 so expat can parse the str."""
    declared = [*_header_candidate(content_type), *_label_candidate(_xml_label(content), "xml-declaration")]
    decoded = _without_nul(_decode(content, declared))
    text = _XML_DECL_TEXT.sub(r'\1"utf-8"', decoded.text.lstrip("\ufeff"), count=1)
    return Decoded(text, decoded.encoding, decoded.source)


def _without_nul(decoded: Decoded) -> Decoded:
    """NUL characters dropped: a stray NUL (a broken template, a padded file) is no text, and XML and lxml
    refuse it."""
    if "\0" not in decoded.text:
        return decoded
    return Decoded(decoded.text.replace("\0", ""), decoded.encoding, decoded.source)


def not_text(content: bytes, content_type: str | None) -> str | None:
    """Why these bytes are no web page (a PDF, an image, an archive...), in words for people; None for text.

    The bytes decide: a server may call a page application/octet-stream or an image text/html. A
    declared binary type is believed only when the bytes hold NUL characters, as text never does (a page
    of markup with a few stray NULs is still a page: they are dropped when it is decoded).
    """
    kind = _binary_kind(content)
    if (kind is None and content_type and content_type.lower().startswith(_BINARY_TYPES) and b"\0" in content[:1024]
            and not _markup_with_nul(content)):
        kind = "binary data"
    if kind is None:
        return None
    declared = content_type.split(";")[0].strip() if content_type else "no Content-Type"
    return f"not a web page but {kind} ({declared}): the link leads to a file, not to an article"


def _binary_kind(content: bytes) -> str | None:
    if _bom(content) is not None:
        return None
    head = content[:16]
    if head[:4] == b"RIFF" and head[8:12] in (b"WEBP", b"AVI ", b"WAVE"):
        return {b"WEBP": "a WebP image", b"AVI ": "an AVI video", b"WAVE": "a WAV audio file"}[head[8:12]]
    if head[4:8] == b"ftyp":
        return "an MP4 video"
    kind = next((name for magic, name in _MAGIC if head.startswith(magic)), None)
    if kind is None and b"\0" in content[:1024] and not _markup_with_nul(content):
        return "binary data"
    return kind


def _markup_with_nul(content: bytes) -> bool:
    """A page or feed with a few stray NUL bytes (under 1 in 10): markup from its first byte, otherwise text."""
    head = content[:4096]
    return head.replace(b"\0", b"").lstrip().startswith(b"<") and head.count(0) * 10 < len(head)


def normalize_label(label: str, *, in_document: bool = False) -> str | None:
    """The Python codec for a charset label, GB2312/GBK widened to GB18030; None if unknown.

    A label inside the document cannot be UTF-16 (the document was read as ASCII to find it), so
    there it means UTF-8, as browsers read it.
    """
    key = label.strip().strip("\"'").lower()
    try:
        info = codecs.lookup(_ALIASES.get(key, key))
    except (LookupError, ValueError):
        return None
    name = info.name
    if name in _NOT_TEXT or not getattr(info, "_is_text_encoding", True):  # base64, rot13, zlib...
        return None
    if in_document and name.startswith(("utf-16", "utf-32")):
        return "utf-8"
    return _SUPERSETS.get(name, name)


def _decode(content: bytes, declared: list[tuple[str, Source]]) -> Decoded:
    bom = _bom(content)
    if bom is not None:
        return Decoded(content[len(_bom_bytes(bom)) :].decode(bom, "replace"), bom, "bom")
    declared = _demote_weak_header(declared)
    return (
        _utf8_if_valid(content, declared)
        or _mixed_lines(content, declared)
        or _first_strict(content, declared)
        or _first_tolerable(content, declared)
        or _detect(content)
        or _fallback(content, declared)
    )


def _header_candidate(content_type: str | None) -> list[tuple[str, Source]]:
    match = _HEADER_CHARSET.search(content_type or "")
    name = normalize_label(match.group(1)) if match else None
    return [(name, "header")] if name else []


def _label_candidate(label: str | None, source: Source) -> list[tuple[str, Source]]:
    name = normalize_label(label, in_document=True) if label else None
    return [(name, source)] if name else []


def _meta_label(content: bytes) -> str | None:
    """The charset of the first <meta> in the head that has one, skipping scripts, styles and comments.

    A linear scan (each step jumps forward with find, a tag is read up to its end or the next "<"), so
    unclosed comments and tags cannot make it quadratic.
    """
    page = content[:_MAX_SCAN].lower()
    pos = 0
    while (token := _HEAD_TOKEN.search(page, pos)) is not None:
        kind = token.group(1)
        if kind in (b"/head", b"body"):
            return None
        if kind == b"meta":
            label = _meta_tag_label(page, token.start(), _tag_end(page, token.start(), token.end()))
            if label is not None:
                return label
            pos = token.end()
            continue
        closer = _BLOCK_END[kind]
        end = page.find(closer, token.end())
        if end < 0:
            return None
        pos = end + len(closer)
    return None


def _tag_end(page: bytes, start: int, after_name: int) -> int:
    """Where the tag at `start` ends: its ">", or the next "<" (an unclosed tag), at most _MAX_TAG bytes on.
    Never searched past the next "<", so a page of unclosed tags is read once."""
    limit = min(len(page), start + _MAX_TAG)
    next_tag = page.find(b"<", after_name, limit)
    bound = next_tag if next_tag >= 0 else limit
    close = page.find(b">", after_name, bound)
    return close if close >= 0 else bound


def _meta_tag_label(page: bytes, start: int, end: int) -> str | None:
    found = _META_CHARSET.search(page, start, end)
    label = found.group(1).decode("ascii") if found else None
    return label if label and normalize_label(label, in_document=True) else None


def _xml_label(content: bytes) -> str | None:
    found = _XML_DECL.search(content[:512])
    return found.group(1).decode("ascii") if found else None


def _bom(content: bytes) -> str | None:
    for mark, name in _BOMS:
        if content.startswith(mark):
            return name
    return None


def _bom_bytes(name: str) -> bytes:
    return next(mark for mark, codec in _BOMS if codec == name)


def _demote_weak_header(declared: list[tuple[str, Source]]) -> list[tuple[str, Source]]:
    """Move a Latin-1 header behind the document's own declaration (a server default, usually wrong)."""
    weak = [c for c in declared if c[1] == "header" and c[0] in _WEAK_HEADER]
    return [c for c in declared if c not in weak] + weak


def _utf8_if_valid(content: bytes, declared: list[tuple[str, Source]]) -> Decoded | None:
    if content.isascii():
        return None
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    source = next((src for name, src in declared if name == "utf-8"), None)
    if source is None and declared:
        log.debug("declared %s, but the bytes are valid UTF-8: reading UTF-8", declared[0][0])
    return Decoded(text, "utf-8", source or "detected")


def _mixed_lines(content: bytes, declared: list[tuple[str, Source]]) -> Decoded | None:
    """A page whose lines are partly UTF-8 and partly in a legacy encoding, decoded line by line.

    Evidence needed: a line that is valid UTF-8 with at least four Chinese characters in it (GBK bytes
    hardly ever are), and a line that is not valid UTF-8. The lines that are not are read in the
    declared legacy encoding, else GB18030.
    """
    if b"\n" not in content:
        return None
    lines = content.splitlines(keepends=True)
    texts = [_utf8_or_none(line) for line in lines]
    if None not in texts or not any(text and len(_CJK.findall(text)) >= _MIXED_MIN_CJK for text in texts):
        return None
    legacy = next((name for name, _ in declared if name != "utf-8"), "gb18030")
    log.debug("mixed encodings: %d of %d lines are not UTF-8; reading them as %s", texts.count(None), len(lines),
              legacy)
    parts = (text if text is not None else line.decode(legacy, "replace")
             for line, text in zip(lines, texts, strict=True))
    return Decoded("".join(parts), "utf-8", "mixed")


def _utf8_or_none(line: bytes) -> str | None:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _first_strict(content: bytes, declared: list[tuple[str, Source]]) -> Decoded | None:
    for name, source in declared:
        try:
            return Decoded(content.decode(name), name, source)
        except UnicodeDecodeError:
            continue
    return None


def _first_tolerable(content: bytes, declared: list[tuple[str, Source]]) -> Decoded | None:
    """A declared encoding that fails on a few bytes only (a title cut mid-character, say) still wins."""
    for name, source in declared:
        text = content.decode(name, "replace")
        non_ascii = len(text) - len(text.encode("ascii", "ignore"))
        if text.count("\ufffd") <= _MAX_BAD_FEW + _MAX_BAD_RATIO * non_ascii:
            log.debug("%s: %d undecodable sequences, keeping it", name, text.count("\ufffd"))
            return Decoded(text, name, source)
    return None


def _detect(content: bytes) -> Decoded | None:
    if content.isascii():
        return Decoded(content.decode("ascii"), "utf-8", "detected")
    best = charset_normalizer.from_bytes(content[:_MAX_DETECT]).best()
    name = normalize_label(best.encoding) if best is not None else None
    if name is None or name.startswith(("utf-16", "utf-32")):  # never without a BOM on the web
        return None
    if _is_single_byte(name):  # markup-heavy pages with little Chinese can look like Latin-1
        with contextlib.suppress(UnicodeDecodeError):
            return Decoded(content.decode("gb18030"), "gb18030", "detected")
    return Decoded(content.decode(name, "replace"), name, "detected")


def _is_single_byte(name: str) -> bool:
    return name != "utf-8" and len(bytes(range(0x80, 0x100)).decode(name, "replace")) == 0x80


def _fallback(content: bytes, declared: list[tuple[str, Source]]) -> Decoded:
    """Last resort: the first declaration, else GB18030 if it fits (these are Chinese sites), else UTF-8."""
    name = declared[0][0] if declared else "utf-8"
    if not declared:
        with contextlib.suppress(UnicodeDecodeError):
            return Decoded(content.decode("gb18030"), "gb18030", "fallback")
    log.debug("no usable encoding found; decoding as %s with replacement characters", name)
    return Decoded(content.decode(name, "replace"), name, "fallback")
