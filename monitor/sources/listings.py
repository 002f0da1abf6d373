"""listings: JSON and JSONP listings of articles ([[outlets.api]]) → FeedEntry records.

CCTV keeps its live news lists as JSONP data files (`china({"data": {"list": [{"url": …, "title": …,
"focus_date": "2026-03-14 09:30:00"}]}})`). The callback wrapper is stripped whatever its name: a leading
`/**/`, a `typeof cb === 'function' &&` guard, `name(` … `)` with an optional `;`. The array of items is
found at a dotted path (`data.list`; a number steps into an array: `data.0.list`), and each item's
address, title and date under their keys (dotted paths too). A date without a zone is Beijing time
("YYYY-MM-DD HH:MM:SS", as CCTV's `focus_date`); a number is a Unix time in seconds or milliseconds.

What is wrong with a listing comes back in words: not JSON or JSONP (with the first characters of the
response), JSON cut short (with the line and column where it ends), no array at the path (and which
keys there are instead), items without the link key.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from monitor.models import FeedEntry, ListingSource
from monitor.sources.feeds import CHINA_TZ, parse_date_text
from monitor.sources.links import absolute_http_url, clean_text

# /**/ typeof china === 'function' && china( … ); — the wrappers JSONP responses come in
_JSONP = re.compile(
    r"^\s*(?:/\*\*/\s*)?(?:typeof\s+[\w$.]+\s*===?\s*['\"]function['\"]\s*&&\s*)?"
    r"(?P<name>[A-Za-z_$][\w$.]*)\s*\((?P<body>.*)\)\s*;?\s*$",
    re.DOTALL,
)
_JSONP_OPEN = re.compile(
    r"^\s*(?:/\*\*/\s*)?(?:typeof\s+[\w$.]+\s*===?\s*['\"]function['\"]\s*&&\s*)?(?P<name>[A-Za-z_$][\w$.]*)\s*\("
)
_SHOWN = 60  # characters of a bad response quoted in a message
_MILLISECONDS = 10**11  # a Unix time above this is in milliseconds


@dataclass(frozen=True)
class ParsedListing:
    """The entries of a listing in its order, or why there are none."""

    entries: tuple[FeedEntry, ...]
    error: str | None


def parse_listing(text: str, base_url: str, listing: ListingSource) -> ParsedListing:
    """A decoded JSON or JSONP listing → its entries; relative links resolve against `base_url`."""
    document, error = read_json(text)
    if error is not None:
        return ParsedListing((), error)
    items = dig(document, listing.items)
    if not isinstance(items, list):
        return ParsedListing((), _not_a_list(document, listing.items))
    if not items:
        return ParsedListing((), f"the array of items at {listing.items or 'the top'!r} is empty")
    entries = _entries(items, base_url, listing)
    if not entries:
        return ParsedListing((), f"none of the {len(items)} items has an address under {listing.link!r}"
                                 f"{_keys_hint(items[0])}: check link in feeds.toml")
    return ParsedListing(entries, None)


def read_json(text: str) -> tuple[Any, str | None]:
    """The JSON value of a JSON or JSONP text, or why there is none."""
    body = text.lstrip("\ufeff").strip()
    if not body:
        return None, "not JSON: the response is empty"
    if body[0] not in "[{":
        wrapped = _JSONP.match(body)
        if wrapped is None:
            return None, _unwrapped(body)
        body = wrapped.group("body").strip()
    return _loads(body, "JSON")


def _loads(body: str, what: str) -> tuple[Any, str | None]:
    try:
        return json.loads(body), None
    except json.JSONDecodeError as exc:
        cut = exc.pos >= len(body.rstrip()) - 1 or exc.msg.startswith("Unterminated")
        return None, f"{what} {'cut short' if cut else 'malformed'}: {exc.msg} (line {exc.lineno}, column {exc.colno})"


def _unwrapped(body: str) -> str:
    """Why a text that is neither JSON nor a whole JSONP call cannot be read."""
    opened = _JSONP_OPEN.match(body)
    if opened is None:
        return f"not JSON nor a JSONP callback name(...): the response starts {body[:_SHOWN]!r}"
    _, error = _loads(body[opened.end():], f"JSONP {opened.group('name')}(...)")
    return error or f"JSONP {opened.group('name')}(...) is never closed: the response ends {body[-_SHOWN:]!r}"


def dig(value: Any, path: str) -> Any:
    """The value at a dotted path ("data.list"; a number indexes an array); None where the path ends."""
    for step in path.split(".") if path else ():
        if isinstance(value, dict):
            value = value.get(step)
        elif isinstance(value, list) and step.isdigit() and int(step) < len(value):
            value = value[int(step)]
        else:
            return None
    return value


def listing_date(value: Any) -> dt.datetime | None:
    """A listing's date: text (Beijing time unless zoned) or a Unix time in seconds or milliseconds."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        seconds = value / 1000 if value > _MILLISECONDS else value
        try:
            return dt.datetime.fromtimestamp(seconds, dt.UTC).astimezone(CHINA_TZ)
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, str):
        text = value.strip()
        if text.isdigit():
            return listing_date(int(text))
        return parse_date_text(text)
    return None


def _entries(items: list[Any], base_url: str, listing: ListingSource) -> tuple[FeedEntry, ...]:
    out: dict[str, FeedEntry] = {}
    for item in items:
        link = dig(item, listing.link)
        url = absolute_http_url(link, base_url) if isinstance(link, str) else None
        if url is None or url in out:
            continue
        title = dig(item, listing.title) if listing.title else None
        date = listing_date(dig(item, listing.date)) if listing.date else None
        out[url] = FeedEntry(url=url, title=clean_text(title) if isinstance(title, str) else None, published=date)
    return tuple(out.values())


def _not_a_list(document: Any, path: str) -> str:
    where = f"at {path!r}" if path else "at the top of the document"
    found = dig(document, path)
    if found is None:
        parent, _, _ = path.rpartition(".")
        return f"no array of items {where}: the path ends{_keys_hint(dig(document, parent))}; check items in feeds.toml"
    return f"no array of items {where}: it holds {type(found).__name__}{_keys_hint(found)}; check items in feeds.toml"


def _keys_hint(value: Any) -> str:
    if isinstance(value, dict) and value:
        keys = ", ".join(list(map(str, value))[:12])
        return f" (keys there: {keys})"
    return ""
