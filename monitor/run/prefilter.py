"""prefilter: can a page name a center at all? (`monitor backfill --only-matching`)

Most pages of an archive name no center, and extracting each one fully (trafilatura, ~25 ms) only to
learn that is what a backfill costs. The prefilter takes the page as decoded once (fetch.encoding),
parses it with lxml (~1 ms), reads its visible text, copies it for matching with the analyzer's own
normalization (normalize.simplify) and scans it with the lexicon automaton. A page is skipped only
when that text names no center; any other page goes the full way (extract, analyse, store).

The visible text holds everything an extraction can keep, with names at least as whole as there:
- every text node except scripts and styles (titles, link texts, navigation, the body), whitespace
  runs folded to one space as trafilatura folds them;
- then the text again without the elements that trafilatura deletes even from inside a sentence (its
  MANUALLY_CLEANED list: ruby annotations 國<rt>guó</rt>際, buttons, <time> …; and elements hidden by
  an inline style), so that a name extraction joins across one is joined here too;
- the strings of JSON-LD blocks (trafilatura takes an articleBody from there when a page has little else).
It is one line: normalization blanks lines of page chrome (link lists under 相关阅读, share bars), judging
each line as a whole; when it blanks this one, the prefilter cannot judge and the page goes the full way.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import lxml.html  # type: ignore[import-untyped]
from lxml import etree
from trafilatura.settings import MANUALLY_CLEANED

from monitor.match.hits import names_a_center
from monitor.match.lexicon import LexiconMatcher
from monitor.normalize import simplify

log = logging.getLogger(__name__)

NO_CENTER = "no center term"
NO_TEXT = "no text"
# The parser trafilatura reads pages with (trafilatura.utils.HTML_PARSER): comments and processing
# instructions go, so the text around them joins as it does there.
_PARSER = lxml.html.HTMLParser(collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True,
                               remove_pis=True)
_NEVER_READ = ("script", "style")
_DELETED = tuple(tag for tag in MANUALLY_CLEANED if tag not in _NEVER_READ)
_HIDING = ("display:none", "display: none", "visibility:hidden", "visibility: hidden")
_STYLED = etree.XPath("//*[@style]")
_JSON_LD = etree.XPath('//script[@type="application/ld+json"]')


def skip_reason(html: str, matcher: LexiconMatcher) -> str | None:
    """Why the page `html` (decoded) cannot report a launch — NO_CENTER, NO_TEXT — or None when it may
    (it names a center, or the prefilter cannot judge it: then the full path decides)."""
    text = visible_text(html)
    if text is None:
        return None
    if not text:
        return NO_TEXT
    normalized = simplify(text)
    if not normalized.text.strip():  # blanked as page chrome: no judgement here
        return None
    return None if names_a_center(matcher.scan(normalized)) else NO_CENTER


def visible_text(html: str) -> str | None:
    """The page's visible text on one line (see the module docstring); "" when it has none, None when
    lxml cannot parse it."""
    if not html.strip():
        return ""
    try:
        root = etree.fromstring(html.encode("utf-8", "surrogatepass"), _PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        log.debug("prefilter: lxml cannot parse the page: %s", exc)
        return None
    if root is None:
        return ""
    embedded = list(_json_ld_strings(root)) if "ld+json" in html else []
    etree.strip_elements(root, *_NEVER_READ, with_tail=False)
    everything = _folded(root)
    _delete_hidden(root, html)
    etree.strip_elements(root, *_DELETED, with_tail=False)
    return " ".join(part for part in (_folded(root), everything, *embedded) if part)


def _folded(root: Any) -> str:
    """Every text node under `root`, whitespace runs folded to one space."""
    return " ".join(etree.tostring(root, method="text", encoding=str).split())


def _delete_hidden(root: Any, html: str) -> None:
    """Remove the elements an inline style hides (their tails stay), when the page has any."""
    if not any(marker in html for marker in _HIDING):
        return
    for element in _STYLED(root):
        style = element.get("style", "").lower()
        if any(marker in style for marker in _HIDING):
            element.drop_tree()


def _json_ld_strings(root: Any) -> Iterator[str]:
    for script in _JSON_LD(root):
        try:
            data = json.loads(script.text or "", strict=False)
        except ValueError:
            continue
        yield " ".join(" ".join(_strings(data)).split())


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
