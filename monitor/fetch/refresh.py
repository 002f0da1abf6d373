"""refresh: a page that is only a `<meta http-equiv="refresh">` — a redirect written in HTML.

Old CMSs put one at an article's or a list page's address (`content="0; url=/2025/0603/a.html"`). The
fetcher follows it like an HTTP redirect (counted against max_redirects, checked for loops, robots.txt
and the scheme: file:, javascript: and the like are refused). A page with text of its own keeps its
content whatever refresh it carries, and so does one that refreshes only after `MAX_DELAY` seconds
(portals reload themselves every few minutes); a page without text that refreshes to itself (no url=,
or its own address) is a loop, never followed.
"""

from __future__ import annotations

import html
import re

import httpx

from monitor.fetch.blocked import visible_text
from monitor.fetch.encoding import decode_html

STUB = 200  # visible characters under which a page with a refresh is only the refresh
MAX_DELAY = 30.0  # seconds: a page that refreshes later than this reloads itself now and then (a portal)
_SCAN = 1 << 16
_META = re.compile(r"<meta\b[^<>]{0,2000}>", re.I)  # bounded: a page of unclosed <meta is never quadratic
_HTTP_EQUIV = re.compile(r"""\bhttp-equiv\s*=\s*["']?\s*refresh\b""", re.I)
_CONTENT = re.compile(r"""\bcontent\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_TARGET = re.compile(r"""^\s*([\d.]*)\s*(?:[;,]\s*(?:url\s*=\s*)?["']?\s*([^"'\s][^"']*?)\s*["']?\s*)?$""", re.I)


def refresh_target(content: bytes, content_type: str | None, url: str) -> str | None:
    """Where a page that is only a meta refresh sends the reader (absolute; `url` itself when it reloads
    itself); None for a page with content, or without a refresh."""
    head = content[:_SCAN]
    if b"refresh" not in head.lower():
        return None
    text = decode_html(head, content_type).text
    if len(visible_text(text)) >= STUB:
        return None
    for tag in _META.findall(text):
        if not _HTTP_EQUIV.search(tag):
            continue
        found = _CONTENT.search(tag)
        value = html.unescape(next((g for g in found.groups() if g is not None), "")) if found else ""
        target = _TARGET.match(value)
        if target is None or _delay(target.group(1)) > MAX_DELAY:
            continue
        try:
            return str(httpx.URL(url).join(target.group(2).strip())) if target.group(2) else url
        except (httpx.InvalidURL, ValueError):
            return target.group(2)
    return None


def _delay(text: str) -> float:
    try:
        return float(text) if text else 0.0
    except ValueError:
        return 0.0
