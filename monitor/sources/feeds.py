"""Feeds → FeedEntry records (list pages: monitor.sources.links).

Input is text already decoded by monitor.fetch.encoding: this module never sees bytes from the network.
RSS 0.9x/2.0, RDF (RSS 1.0), Atom 0.3/1.0 go through feedparser.
Dates come back as aware datetimes in China time (UTC+08:00); a date written without a zone
(``2025-03-28 10:21:00``) is China time, not UTC as feedparser assumes.

Hostile input is defused before feedparser sees it: a DOCTYPE that declares entities expanding into
other entities or files (the "billion laughs" bomb, external entities) is refused, harmless entities are
replaced by their text within a bound, and only the first `max_entries` items are parsed at all, so a
feed of 50,000 items costs what one of 2,000 does.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import io
import logging
import re
from dataclasses import dataclass
from typing import Any, Literal

import feedparser
import lxml.html  # type: ignore[import-untyped]
from lxml import etree

from monitor.models import FeedEntry
from monitor.sources.links import absolute_http_url as absolute_http_url  # re-exported: feeds resolve links too
from monitor.sources.links import parse_list_page as parse_list_page  # re-exported: list pages live in links

log = logging.getLogger(__name__)

FeedKind = Literal["rss", "atom", "rdf", "unknown"]
CHINA_TZ = dt.timezone(dt.timedelta(hours=8), "UTC+08:00")
DEFAULT_MAX_ENTRIES = 2000
HTML_ERROR = (
    "HTML page where a feed was expected (a web page, not RSS/Atom): find the outlet's feed address,"
    " or list this page under [[outlets.pages]] with a links pattern"
)
EMPTY_ERROR = "not a feed: the response is empty"
ENTITY_ERROR = "refused: the feed declares"
MAX_ENTITY_GROWTH = 1_000_000  # characters that harmless declared entities may add to a feed
_MAX_ENTITY_DECLARATIONS = 200
_PREDEFINED_ENTITIES = frozenset({"amp", "lt", "gt", "quot", "apos"})

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_PROLOG = re.compile(r"(?:\s+|<\?.*?\?>|<!--.*?-->)*", re.DOTALL)
_HTML_START = re.compile(
    r"<(?:!doctype\s+html|(?:html|head|body|meta|title|script|style|link|div|p|table|iframe|frameset"
    r"|center|font|br|span|a|noscript|form|ul|h[1-6])(?![\w:.-]))",
    re.IGNORECASE,
)
_ENTRY_CLOSE = re.compile(r"</(?:[\w.-]+:)?(?:item|entry)\s*>", re.IGNORECASE)
_DOCTYPE = re.compile(r"<!DOCTYPE\b", re.IGNORECASE)
_ANY_ENTITY = re.compile(r"<!ENTITY", re.IGNORECASE)
_SUBSET_END = re.compile(r"\]\s*>")
_ENTITY_DECL = re.compile(
    r"""<!ENTITY\s+(?P<param>%\s*)?(?P<name>[\w.:-]+)\s+(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<ext>SYSTEM|PUBLIC)\b)"""
    r"[^>]*>",
    re.IGNORECASE,
)
_CHAR_REF = re.compile(r"&#(?:[0-9]+|x[0-9A-Fa-f]+);")
_SPACES = re.compile(r"\s+")
# 2025-03-28, 2025/3/28 10:21, 2025-03-28T10:21:00.000+08:00, 2025年03月28日 10时21分
_NUMERIC_DATE = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:(?:T|\s*)(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2})(?:[.,]\d+)?\s*秒?)?\s*分?)?"
    r"\s*(Z|UTC|GMT|CST|[+-]\d{2}(?::?\d{2})?)?",
    re.IGNORECASE,
)
# the zone after the time: "10:21:00 +0800", "10:21:00Z", "10:21:00 CST 2025" (Java's Date.toString())
_ZONE_TAIL = re.compile(
    r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?\s*(Z|[A-Za-z]{1,5}|[+-]\d{2}(?::?\d{2})?)(?:\s+\d{4})?\s*$"
)
# Zone names that mean China time on Chinese servers (Java's Date.toString() writes "CST").
_CHINA_ZONE_NAMES = frozenset({"CST", "BJT", "HKT", "CCT"})


@dataclass(frozen=True)
class ParsedFeed:
    """One parsed feed. `error` says why there are no entries when the document is unusable."""

    kind: FeedKind
    entries: tuple[FeedEntry, ...]
    title: str | None
    error: str | None


def parse_feed(text: str, base_url: str, max_entries: int = DEFAULT_MAX_ENTRIES) -> ParsedFeed:
    """Parse a decoded feed; relative links resolve against `base_url`; only the first `max_entries`
    items are read. `error` says why a feed gave no entries, in words a person can act on."""
    refusal = _refusal(text)
    if refusal is not None:
        return ParsedFeed("unknown", (), None, refusal)
    text, refusal = defuse_entities(text)
    if refusal is not None:
        return ParsedFeed("unknown", (), None, refusal)
    text, total = _first_entries(text, max_entries)
    parsed = _run_feedparser(text, base_url)
    kind = _kind(str(parsed.get("version") or ""))
    items = _complete_entries(parsed, text)
    entries = _entries(items, base_url, max_entries)
    if total > max_entries:
        log.warning("feed %s: read the first %d items of %d", base_url, max_entries, total)
    title = _plain(parsed.get("feed", {}).get("title"))
    return ParsedFeed(kind, entries, title, _feed_error(parsed, kind, entries, len(items)))


def defuse_entities(text: str) -> tuple[str, str | None]:
    """The document with the entities of its DOCTYPE replaced by their text, or a refusal.

    Refused (the second value says why): entities that refer to other entities, to parameter entities
    or to external files (the "billion laughs" bomb, XXE); harmless ones that would still grow the
    document by more than MAX_ENTITY_GROWTH characters (the quadratic blow-up); and any `<!ENTITY` left
    where this function cannot read it, so that no parser downstream ever sees a declaration. A document
    without a DOCTYPE subset comes back unchanged.
    """
    subset = _internal_subset(text)
    if subset is not None:
        start, inside, after = subset
        values, problem = _entity_values(inside)
        if problem is None:
            text, problem = _expand(text[:start], text[after:], values)
        if problem is not None:
            return "", _entity_refusal(problem)
    if _ANY_ENTITY.search(text):
        return "", _entity_refusal("XML entities where they cannot be read")
    return text, None


def _expand(head: str, rest: str, values: dict[str, str]) -> tuple[str, str | None]:
    """`rest` with the declared entities replaced, unless that would grow it beyond MAX_ENTITY_GROWTH."""
    if not values:
        return head + rest, None
    references = re.compile("&(" + "|".join(re.escape(name) for name in values) + ");")
    growth = sum(len(values[m.group(1)]) for m in references.finditer(rest))
    if growth > MAX_ENTITY_GROWTH:
        return "", f"XML entities that would add {growth:,} characters to it"
    return head + references.sub(lambda m: values[m.group(1)], rest), None


def _entity_refusal(problem: str) -> str:
    return (f"{ENTITY_ERROR} {problem} (the pattern of an entity-expansion bomb); nothing of it was read:"
            " ask the outlet to fix the feed or remove it from feeds.toml")


def _refusal(text: str) -> str | None:
    """Why the text is no feed at all before parsing it: empty, or an HTML page."""
    if looks_like_html(text):
        return HTML_ERROR
    body = text.lstrip("\ufeff")
    prolog = _PROLOG.match(body)
    if not body[prolog.end() if prolog else 0 :].strip():
        return EMPTY_ERROR
    return None


def _internal_subset(text: str) -> tuple[int, str, int] | None:
    """(start of the <!DOCTYPE, the text of its [internal subset], end of the DOCTYPE), if the prolog
    (after the XML declaration, comments and processing instructions) has a DOCTYPE with a subset."""
    body = text.lstrip("\ufeff")
    offset = len(text) - len(body)
    prolog = _PROLOG.match(body)
    doctype = _DOCTYPE.match(body, prolog.end() if prolog else 0)
    if doctype is None:
        return None
    bracket = _subset_start(body, doctype.end())
    if bracket is None:
        return None
    end = _SUBSET_END.search(body, bracket)
    stop = (end.start(), end.end()) if end else (len(body), len(body))
    return offset + doctype.start(), body[bracket + 1 : stop[0]], offset + stop[1]


def _subset_start(body: str, position: int) -> int | None:
    """Index of the `[` opening the DOCTYPE's internal subset, skipping quoted literals; None at `>`."""
    while position < len(body):
        char = body[position]
        if char in "\"'":
            closing = body.find(char, position + 1)
            position = len(body) if closing < 0 else closing + 1
            continue
        if char == "[":
            return position
        if char == ">":
            return None
        position += 1
    return None


def _entity_values(subset: str) -> tuple[dict[str, str], str | None]:
    """Declared name → replacement text of an internal subset, or a reason to refuse the document."""
    declared = subset.upper().count("<!ENTITY")
    if declared > _MAX_ENTITY_DECLARATIONS:
        return {}, f"{declared} XML entities"
    values: dict[str, str] = {}
    readable = 0
    for match in _ENTITY_DECL.finditer(subset):
        readable += 1
        name, value = match.group("name"), match.group("dq") if match.group("dq") is not None else match.group("sq")
        if match.group("param") or match.group("ext") or value is None:
            return {}, f"an external or parameter XML entity ({name})"
        if "%" in value or "<" in value or "&" in _CHAR_REF.sub("", value):
            return {}, f"XML entities built from other entities ({name})"
        if name not in _PREDEFINED_ENTITIES:
            values.setdefault(name, value)
    if readable < declared:
        return {}, "XML entity declarations that cannot be read"
    return values, None


def _first_entries(text: str, max_entries: int) -> tuple[str, int]:
    """The document with every item after the first `max_entries` cut out, and the number of items.

    The cut keeps the text after the last item (``</channel></rss>``), so the document stays well-formed.
    """
    closes = [match.end() for match in _ENTRY_CLOSE.finditer(text)]
    if len(closes) <= max_entries:
        return text, len(closes)
    return text[: closes[max_entries - 1]] + text[closes[-1] :], len(closes)


def looks_like_html(text: str) -> bool:
    """True when the first element of the document is HTML (an error page, a portal) and not a feed."""
    head = text[:8192].lstrip("\ufeff")
    prolog = _PROLOG.match(head)
    rest = head[prolog.end() :] if prolog else head
    return _HTML_START.match(rest) is not None


def parse_date_text(raw: str | None, parsed: Any = None) -> dt.datetime | None:
    """An aware datetime (China time) from a feed's raw date text; zone-less text is China time.

    `parsed` is feedparser's struct_time for the same text (UTC, zone-less read as UTC): used only
    when the raw text is in a format this function does not read itself.
    """
    if not raw or not raw.strip():
        return None
    value = _parse_numeric_date(raw) or _parse_rfc822_date(raw)
    if value is None and parsed is not None:
        value = _from_feedparser_struct(raw, parsed)
    return value.astimezone(CHINA_TZ) if value else None


# --- feedparser --------------------------------------------------------------------------------


def _run_feedparser(text: str, base_url: str) -> Any:
    """feedparser over the text re-declared as UTF-8 (a stream, so it never opens a URL or a file).

    The line numbers of XML errors are those of `text` (see `_describe_bozo`)."""
    original = text.lstrip("\ufeff")
    body = _XML_DECL.sub("", original, count=1).lstrip()
    removed_lines = original[: len(original) - len(body)].count("\n")
    data = ('<?xml version="1.0" encoding="utf-8"?>\n' + body).encode("utf-8", errors="replace")
    headers = {"content-type": "application/xml; charset=utf-8", "content-location": base_url}
    try:
        parsed = feedparser.parse(io.BytesIO(data), response_headers=headers)
    except Exception as exc:  # feedparser reports bad XML as bozo; anything else must not stop a run
        log.warning("feedparser failed on %s: %s", base_url, exc)
        return {"bozo": True, "bozo_exception": exc, "entries": [], "feed": {}, "line_shift": 0}
    parsed["line_shift"] = removed_lines - 1  # our declaration is line 1; the removed prolog had lines too
    return parsed


def _kind(version: str) -> FeedKind:
    if version in ("rss090", "rss10"):
        return "rdf"
    if version.startswith("rss"):
        return "rss"
    if version.startswith("atom"):
        return "atom"
    return "unknown"


def _complete_entries(parsed: Any, text: str) -> list[Any]:
    """Entries of a malformed (bozo) feed stop at the last closed <item>/<entry>: a cut-off one is dropped."""
    entries = list(parsed.get("entries", []))
    if parsed.get("bozo"):
        closed = len(_ENTRY_CLOSE.findall(text))
        if closed < len(entries):
            log.debug("dropping %d unclosed entries of a malformed feed", len(entries) - closed)
            entries = entries[:closed]
    return entries


def _feed_error(parsed: Any, kind: FeedKind, entries: tuple[FeedEntry, ...], items: int) -> str | None:
    if entries:
        return None
    if items:
        return (f"feed has {items} item{'s' if items > 1 else ''} but none links to a web page (links missing,"
                " javascript: or not http(s)); check the feed in a browser")
    if parsed.get("bozo"):
        return f"malformed feed: {_describe_bozo(parsed.get('bozo_exception'), parsed.get('line_shift', 0))}"
    if kind == "unknown":
        return "not a feed: no RSS, Atom or RDF root element"
    return None


def _describe_bozo(exc: Any, line_shift: int) -> str:
    """The XML error with its line and column in the feed as served, when the parser gives them."""
    if exc is None:
        return "unreadable XML"
    line = exc.getLineNumber() if hasattr(exc, "getLineNumber") else None
    column = exc.getColumnNumber() if hasattr(exc, "getColumnNumber") else None
    if not isinstance(line, int) or not isinstance(column, int) or not hasattr(exc, "getMessage"):
        return str(exc)
    return f"{exc.getMessage()} at line {max(1, line + line_shift)}, column {column + 1}"


def _entries(items: list[Any], base_url: str, max_entries: int) -> tuple[FeedEntry, ...]:
    """FeedEntry records in feed order; entries without a usable link, repeated links or GUIDs dropped."""
    out: list[FeedEntry] = []
    urls: set[str] = set()
    guids: set[str] = set()
    for item in items:
        entry = _entry(item, base_url)
        if entry is None or entry.url in urls or (entry.guid is not None and entry.guid in guids):
            continue
        urls.add(entry.url)
        if entry.guid is not None:
            guids.add(entry.guid)
        out.append(entry)
        if len(out) >= max_entries:
            break
    return tuple(out)


def _entry(item: Any, base_url: str) -> FeedEntry | None:
    guid = _plain(item.get("id"))
    link = item.get("link") or (guid if guid and guid.startswith(("http://", "https://")) else None)
    url = absolute_http_url(link, base_url)
    if url is None:
        return None
    return FeedEntry(
        url=url,
        title=_plain(item.get("title")),
        published=_entry_date(item),
        summary=_plain(item.get("summary")),
        guid=guid,
    )


def _entry_date(item: Any) -> dt.datetime | None:
    for key in ("published", "updated", "created"):
        raw = item.get(key)
        if isinstance(raw, str) and raw.strip():
            value = parse_date_text(raw, item.get(f"{key}_parsed"))
            if value is not None:
                return value
    return None


def _plain(value: Any) -> str | None:
    """Text of a feed field: markup removed, whitespace collapsed; None when empty."""
    if not isinstance(value, str):
        return None
    text = value
    if "<" in text and ">" in text:
        with contextlib.suppress(etree.ParserError, ValueError):
            text = lxml.html.fragment_fromstring(text, create_parent="div").text_content()
    text = _SPACES.sub(" ", text).strip()
    return text or None


# --- dates -------------------------------------------------------------------------------------


def _parse_numeric_date(raw: str) -> dt.datetime | None:
    match = _NUMERIC_DATE.fullmatch(raw.strip())
    if match is None:
        return None
    *fields, zone = match.groups()
    year, month, day, hour, minute, second = (int(part or 0) for part in fields)
    try:
        wall = dt.datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
    return wall.replace(tzinfo=_zone(zone))


def _zone(token: str | None) -> dt.tzinfo:
    """tzinfo of a zone token; no token, or a name meaning China time, is UTC+08:00."""
    if not token or token.upper() in _CHINA_ZONE_NAMES:
        return CHINA_TZ
    if token.upper() in ("Z", "UTC", "GMT", "UT"):
        return dt.UTC
    sign = -1 if token.startswith("-") else 1
    digits = token[1:].replace(":", "")
    minutes = int(digits[:2]) * 60 + int(digits[2:4] or 0)
    return dt.timezone(sign * dt.timedelta(minutes=minutes))


def _parse_rfc822_date(raw: str) -> dt.datetime | None:
    text = _normalize_rfc822(raw)
    fields = email.utils.parsedate_tz(text)
    if fields is None:
        return None
    try:
        wall = dt.datetime(*fields[:6])
    except ValueError:
        return None
    token = _zone_token(text)
    if token is None or token.upper() in _CHINA_ZONE_NAMES or fields[9] is None:
        return wall.replace(tzinfo=CHINA_TZ)
    return wall.replace(tzinfo=dt.timezone(dt.timedelta(seconds=fields[9])))


def _normalize_rfc822(raw: str) -> str:
    """Fix the usual deviations: `13:08:54+0900`, `Wed,14-Dec-2022`."""
    text = raw.strip()
    text = re.sub(r"(\d{1,2}:\d{2}(?::\d{2})?)([+-]\d{4})$", r"\1 \2", text)
    text = re.sub(r"(\d{1,2})-([A-Za-z]{3})-(\d{2,4})", r"\1 \2 \3", text)
    return re.sub(r",(?=\S)", ", ", text)


def _zone_token(raw: str) -> str | None:
    match = _ZONE_TAIL.search(raw.strip())
    return match.group(1) if match else None


def _from_feedparser_struct(raw: str, parsed: Any) -> dt.datetime | None:
    """feedparser's UTC struct_time; when the raw text had no zone, its wall clock is China time."""
    try:
        wall = dt.datetime(*tuple(parsed)[:6])
    except (TypeError, ValueError):
        return None
    token = _zone_token(raw)
    if token is None or token.upper() in _CHINA_ZONE_NAMES:
        return wall.replace(tzinfo=CHINA_TZ)  # CST was read as US Central: wrong anyway, use China time
    return wall.replace(tzinfo=dt.UTC)
