"""sitemaps: sitemap indexes, urlsets and Google News sitemaps → the entries newer than the last run.

A sitemap may list a million addresses; a daily run wants the few hundred new ones. The document is read
as a stream (lxml's pull parser, fed a chunk at a time; gzip, known by its magic bytes whatever the
address says, is inflated a chunk at a time too) and each `<url>` is looked at once and dropped, so memory
stays flat whatever the size: what is kept is at most `limit` entries, the newest of those dated (a
`<news:publication_date>`, else `<lastmod>`) at or after `since`. Entries without any date are kept only
from a sitemap where no entry has one (the first `limit` of them): a dated sitemap's undated entries
cannot be told new from old. An index gives the sitemaps it lists (`children`): those not older than
`since` by their `<lastmod>` (or by a date in their address, /2024-04.xml), newest first, at most
MAX_CHILDREN per index per run. Plain-text sitemaps (one address a line) are read as undated entries;
a sitemap that is an RSS or Atom feed is said to be one (kind "feed") for the caller to parse as a feed.

The XML is read with the same care as feeds: a sitemap that declares a DOCTYPE is refused unread (it has
no use for one; it is how entity bombs and external entities come in), and the parser neither resolves
entities nor touches the network. A document cut short or malformed keeps the entries read before the
fault, and says where it was (`problems`); one with nothing readable says why (`error`).

Why not Media Cloud's ultimate-sitemap-parser (usp): it builds an object for every page of a sitemap and
keeps them all (measured: 200,000 entries took 7 s and 375 MB more; a million would take about 1.9 GB), and it
walks an index's sitemaps itself, where the run wants each as its own fetch (robots.txt, politeness,
conditional GET, the run's deadline). This reader does a million entries in about 6 s and 15 MB.

Dates without a zone are Beijing time (monitor.sources.feeds.parse_date_text). `sitemap_since` turns the
source's last success into the cutoff of this run (with an overlap), or gives the first run's window.
"""

from __future__ import annotations

import calendar
import datetime as dt
import heapq
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from lxml import etree

from monitor.models import FeedEntry
from monitor.sources.feeds import CHINA_TZ, parse_date_text
from monitor.sources.links import absolute_http_url

SitemapKind = Literal["urlset", "index", "text", "feed", "unknown"]

MAX_SITEMAP_BYTES = 200_000_000  # decompressed bytes read of one sitemap (the protocol allows 50 MB)
MAX_CHILDREN = 20  # sitemaps of one index read per run, newest first
MAX_INDEX_ENTRIES = 50_000  # sitemaps of one index considered (the protocol's limit)
FIRST_RUN_DAYS = 7  # a source never read before: entries of the last week
OVERLAP = dt.timedelta(days=2)  # read back before the last success: day-only lastmods, zones, a killed run
_CHUNK = 1 << 20
_HEAD_BYTES = 4096  # bytes looked at to tell what a document is
_MAX_LINE = 8192  # characters of one line of a plain-text sitemap
_GZIP_MAGIC = b"\x1f\x8b"
_PROLOG = re.compile(rb"^(?:\xef\xbb\xbf)?(?:\s+|<\?.*?\?>|<!--.*?-->)*", re.DOTALL)
_ROOT = re.compile(rb"<(?:[\w.-]+:)?([\w.-]+)")
_DAY_PREFIX = re.compile(r"\d{4}-\d{2}-\d{2}")
_ADDRESS_DATE = re.compile(r"(?<!\d)(20\d{2})[-_/]?(0[1-9]|1[0-2])(?:[-_/]?(0[1-9]|[12]\d|3[01]))?(?!\d)")
_ROBOTS_SITEMAP = re.compile(r"^\s*sitemap\s*:\s*(\S+)", re.IGNORECASE | re.MULTILINE)
_FEED_ROOTS = frozenset({"rss", "feed", "RDF"})


@dataclass(frozen=True)
class SitemapRef:
    """A sitemap listed by an index, with its <lastmod> when it has one."""

    url: str
    lastmod: dt.datetime | None = None


@dataclass(frozen=True)
class SitemapRead:
    """What one sitemap document gave.

    `entries`: the new entries, newest first (at most `limit`); `children`: the sitemaps of an index to read
    next; `listed`: how many entries (or sitemaps) the document lists in all; `error`: why nothing could be
    read; `problems`: why it was read only in part (cut short, malformed after N entries, children left)."""

    kind: SitemapKind
    entries: tuple[FeedEntry, ...] = ()
    children: tuple[SitemapRef, ...] = ()
    listed: int = 0
    error: str | None = None
    problems: tuple[str, ...] = ()


def read_sitemap(content: bytes, url: str, since: dt.datetime | None, limit: int) -> SitemapRead:
    """Read a sitemap (XML, gzip or plain text): its entries dated at or after `since` (all, newest first,
    when `since` is None), at most `limit`; or the sitemaps of an index."""
    reader = _Reader(url, since, max(1, limit))
    problem = None
    try:
        for chunk in _inflated(content):
            if not reader.feed(chunk):
                break
    except zlib.error as exc:
        problem = f"cannot decompress the gzip sitemap ({exc})"
    except _TooLarge:
        problem = f"sitemap larger than {MAX_SITEMAP_BYTES:,} bytes uncompressed: read the first {MAX_SITEMAP_BYTES:,}"
    return reader.result(problem)


def robots_sitemaps(text: str, base_url: str) -> tuple[SitemapRef, ...]:
    """The sitemaps a robots.txt announces on its `Sitemap:` lines, once each, in order."""
    found: dict[str, None] = {}
    for match in _ROBOTS_SITEMAP.finditer(text):
        url = absolute_http_url(match.group(1), base_url)
        if url is not None:
            found.setdefault(url)
    return tuple(SitemapRef(url) for url in found)


def sitemap_since(last_success: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    """The cutoff of a run: the source's last success less OVERLAP, or FIRST_RUN_DAYS back on a first run."""
    if last_success is None:
        return now - dt.timedelta(days=FIRST_RUN_DAYS)
    return last_success - OVERLAP


def choose_children(refs: list[SitemapRef], since: dt.datetime | None) -> tuple[tuple[SitemapRef, ...], str | None]:
    """The sitemaps of an index to read this run: not older than `since` (by lastmod, else by a date in the
    address), dated ones newest first, then undated ones in the index's order; at most MAX_CHILDREN. The
    second value says what was left for later."""
    dated: list[tuple[dt.datetime, int, SitemapRef]] = []
    undated: list[SitemapRef] = []
    for n, ref in enumerate(refs):
        when = ref.lastmod or _address_date(ref.url)
        if when is None:
            undated.append(ref)
        elif since is None or when >= since:
            dated.append((when, -n, ref))
    ordered = [ref for _, _, ref in sorted(dated, key=lambda item: (item[0], item[1]), reverse=True)] + undated
    if len(ordered) <= MAX_CHILDREN:
        return tuple(ordered), None
    return tuple(ordered[:MAX_CHILDREN]), (
        f"sitemap index lists {len(ordered)} sitemaps that may be new; read the {MAX_CHILDREN} newest "
        "(the rest have no date, or are older)")


# --- the stream ------------------------------------------------------------------------------------


class _TooLarge(Exception):
    pass


def _inflated(content: bytes) -> Iterator[bytes]:
    """The document a chunk at a time: gzip inflated as it goes, at most MAX_SITEMAP_BYTES in all."""
    produced = 0
    for chunk in _gunzip(content) if content.startswith(_GZIP_MAGIC) else _slices(content):
        produced += len(chunk)
        if produced > MAX_SITEMAP_BYTES:
            yield chunk[: len(chunk) - (produced - MAX_SITEMAP_BYTES)]
            raise _TooLarge
        yield chunk


def _slices(content: bytes) -> Iterator[bytes]:
    view = memoryview(content)
    for start in range(0, len(content), _CHUNK):
        yield bytes(view[start:start + _CHUNK])


def _gunzip(content: bytes) -> Iterator[bytes]:
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    for compressed in _slices(content):
        data = compressed
        while data:
            piece = inflater.decompress(data, _CHUNK)
            data = inflater.unconsumed_tail
            if piece:
                yield piece
        if inflater.eof:
            return


@dataclass
class _Found:
    """What the reader keeps: the newest dated entries (a heap), the first undated ones, an index's sitemaps."""

    dated: list[tuple[dt.datetime, int, FeedEntry]] = field(default_factory=list)
    undated: list[FeedEntry] = field(default_factory=list)
    refs: list[SitemapRef] = field(default_factory=list)
    any_dated: bool = False
    listed: int = 0


class _Reader:
    """A sitemap fed a chunk at a time: decides what the document is from its first bytes, then reads it."""

    def __init__(self, url: str, since: dt.datetime | None, limit: int) -> None:
        self.url = url
        self.since = since
        self.floor = (since - dt.timedelta(days=1)).date().isoformat() if since else ""
        self.limit = limit
        self.kind: SitemapKind = "unknown"
        self.error: str | None = None
        self.fault: str | None = None
        self.text = bytearray()  # the unfinished last line of a plain-text sitemap
        self.parser: Any = None
        self.found = _Found()
        self.head = b""  # the first bytes, until they say what the document is

    def feed(self, chunk: bytes) -> bool:
        """Take the next piece; False once nothing more should be read."""
        if self.kind == "unknown":
            self.head += chunk
            return len(self.head) < _HEAD_BYTES or self._decide()
        if self.kind == "text":
            self._text_lines(chunk)
            return True
        return self._parse(chunk)

    def result(self, problem: str | None) -> SitemapRead:
        if self.kind == "unknown" and self.error is None:
            self._decide()  # a document shorter than _HEAD_BYTES
        if self.kind in ("urlset", "index") and self.fault is None and problem is None:
            self._parse(None)
        if self.kind == "text":
            self._text_lines(b"\n")
        problems = tuple(p for p in (problem, self._fault_problem()) if p)
        if self.error is not None:
            return SitemapRead(self.kind, error=self.error)
        if self.kind == "index":
            return self._index_result(problems)
        if self.kind == "feed":
            return SitemapRead("feed")
        entries = self._entries()
        if not self.found.listed:
            return SitemapRead(self.kind, error="; ".join(problems) or "sitemap lists no addresses")
        return SitemapRead(self.kind, entries, (), self.found.listed, None, problems)

    # -- what the document is ----------------------------------------------------------------------

    def _decide(self) -> bool:
        """Tell from the first bytes what the document is, and start reading it; False to stop."""
        head, self.head = self.head, b""
        prolog = _PROLOG.match(head)
        rest = head[prolog.end() if prolog else 0:]
        if not rest.strip():
            return self._refuse("not a sitemap: the response is empty")
        if not rest.startswith(b"<"):
            self.kind = "text"
            self._text_lines(head)
            return True
        if rest[:14].upper() == b"<!DOCTYPE HTML":
            return self._root("html", head)
        if rest[:9].upper() == b"<!DOCTYPE":
            return self._refuse("refused: the sitemap declares a DOCTYPE, which no sitemap needs (it is how entity "
                                "bombs and external entities come in); nothing of it was read")
        root = _ROOT.match(rest)
        if root is None:
            return self._refuse("not a sitemap: unreadable XML at its start")
        return self._root(root.group(1).decode("ascii", "replace"), head)

    def _root(self, name: str, head: bytes) -> bool:
        if name in _FEED_ROOTS:
            self.kind = "feed"
            return False
        if name.lower() == "html":
            return self._refuse("HTML page where a sitemap was expected: check the address in a browser")
        if name not in ("urlset", "sitemapindex"):
            return self._refuse(f"not a sitemap: the document is <{name}>, not <urlset> or <sitemapindex>")
        self.kind = "urlset" if name == "urlset" else "index"
        self.parser = etree.XMLPullParser(events=("end",), tag=("{*}url", "{*}sitemap"), resolve_entities=False,
                                          no_network=True, load_dtd=False, huge_tree=False)
        return self._parse(head)

    def _refuse(self, reason: str) -> bool:
        self.error = reason
        return False

    # -- XML ----------------------------------------------------------------------------------------

    def _parse(self, chunk: bytes | None) -> bool:
        try:
            if chunk is None:
                self.parser.close()
            else:
                self.parser.feed(chunk)
        except etree.XMLSyntaxError as exc:
            self.fault = f"{exc.msg}" if exc.msg else str(exc)
            if chunk is None:
                return False  # cut short: the elements libxml2 closes at the end are no entries
        self._drain()
        return self.fault is None

    def _drain(self) -> None:
        for _, element in self.parser.read_events():
            parent = element.getparent()
            if parent is None or parent.getparent() is not None:
                continue  # a <url> nested in something else is no entry
            if self.kind == "index":
                self._ref(element)
            else:
                self._entry(element)
            element.clear()
            while element.getprevious() is not None:
                del parent[0]

    def _ref(self, element: Any) -> None:
        self.found.listed += 1
        fields = _fields(element)
        url = absolute_http_url(fields.get("loc"), self.url)
        if url is not None and len(self.found.refs) < MAX_INDEX_ENTRIES:
            self.found.refs.append(SitemapRef(url, parse_date_text(fields.get("lastmod"))))

    def _entry(self, element: Any) -> None:
        self.found.listed += 1
        fields = _fields(element)
        raw_date = fields.get("publication_date") or fields.get("lastmod")
        if raw_date:
            self.found.any_dated = True
            if self.floor and raw_date[:10] < self.floor and _DAY_PREFIX.match(raw_date):
                return  # old, known without parsing the date or the address
        url = absolute_http_url(fields.get("loc"), self.url)
        if url is None:
            return
        if raw_date:
            self._dated(url, fields.get("title"), parse_date_text(raw_date))
        elif len(self.found.undated) < self.limit:
            self.found.undated.append(FeedEntry(url=url, title=fields.get("title")))

    def _dated(self, url: str, title: str | None, when: dt.datetime | None) -> None:
        if when is None:
            if len(self.found.undated) < self.limit:
                self.found.undated.append(FeedEntry(url=url, title=title))
            return
        if self.since is not None and when < self.since:
            return
        item = (when, -self.found.listed, FeedEntry(url=url, title=title, published=when))
        if len(self.found.dated) < self.limit:
            heapq.heappush(self.found.dated, item)
        elif item[:2] > self.found.dated[0][:2]:
            heapq.heapreplace(self.found.dated, item)

    def _fault_problem(self) -> str | None:
        if self.fault is None:
            return None
        return f"malformed sitemap XML: {self.fault} (read the {self.found.listed} entries before it)"

    # -- results ------------------------------------------------------------------------------------

    def _entries(self) -> tuple[FeedEntry, ...]:
        dated = [entry for _, _, entry in sorted(self.found.dated, key=lambda item: item[:2], reverse=True)]
        if self.found.any_dated:
            return tuple(dated)
        return tuple(self.found.undated[: self.limit])

    def _index_result(self, problems: tuple[str, ...]) -> SitemapRead:
        if not self.found.refs:
            reason = "; ".join(problems) or "sitemap index lists no sitemaps"
            return SitemapRead("index", error=reason)
        children, left = choose_children(self.found.refs, self.since)
        return SitemapRead("index", (), children, self.found.listed, None, (*problems, *filter(None, [left])))

    def _text_lines(self, chunk: bytes) -> None:
        """A plain-text sitemap, a line at a time (what is left of a line waits for the next chunk)."""
        *lines, rest = (bytes(self.text) + chunk).split(b"\n")
        self.text = bytearray(rest[:_MAX_LINE])
        for raw in lines:
            line = raw.decode("utf-8", "replace").strip()
            url = absolute_http_url(line, self.url) if line.lower().startswith("http") else None
            if url is not None:
                self.found.listed += 1
                if len(self.found.undated) < self.limit:
                    self.found.undated.append(FeedEntry(url=url))


def _fields(element: Any) -> dict[str, str]:
    """The text of an entry's children by local name (loc, lastmod), and of a news sitemap's <news:news>
    (publication_date, title)."""
    fields: dict[str, str] = {}
    for child in element:
        if not isinstance(child.tag, str):
            continue
        name = child.tag.rpartition("}")[2]
        if name == "news":
            fields.update((inner.tag.rpartition("}")[2], (inner.text or "").strip())
                          for inner in child if isinstance(inner.tag, str))
        elif name in ("loc", "lastmod"):
            fields[name] = (child.text or "").strip()
    return {key: value for key, value in fields.items() if value}


def _address_date(url: str) -> dt.datetime | None:
    """The last moment of the period a sitemap's address names (/2024-04.xml: the end of April 2024)."""
    match = _ADDRESS_DATE.search(url)
    if match is None:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    day = int(match.group(3)) if match.group(3) else calendar.monthrange(year, month)[1]
    try:
        return dt.datetime(year, month, day, 23, 59, tzinfo=CHINA_TZ)
    except ValueError:
        return None
