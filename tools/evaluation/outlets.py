"""The dev set served as outlets: every record an HTML page on a local HTTP server (127.0.0.1), the pages
shared out among a few outlets with an RSS feed each, and the feeds.toml that points `monitor run` at them.

A record keeps the path (and query) of its own URL under its outlet's folder, so the dates its address
carries reach the monitor as they would from the real site (/2024/0726/…); a record without a URL is
given one. A page is dated by the record's `published` (a meta tag and the feed's pubDate); a record
without it gives neither, and the monitor falls back on what the text says and on the fetch date.
"""

from __future__ import annotations

import datetime as dt
import html
import http.server
import threading
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from email.utils import format_datetime
from functools import partial
from pathlib import Path
from urllib.parse import unquote, urlsplit

from tools.evaluation.devset import DevRecord

OUTLETS = 4
_HTML = "text/html; charset=utf-8"
_RSS = "application/rss+xml; charset=utf-8"
_CST = dt.timezone(dt.timedelta(hours=8))


@dataclass(frozen=True)
class Page:
    """One record as served: its outlet, its address on the server (path and query) and its HTML."""

    record_id: str
    outlet: int
    path: str
    title: str
    published: str | None
    body: bytes


@dataclass(frozen=True)
class Site:
    """Every page and feed of the served dev set, by path (with query) on the server."""

    pages: tuple[Page, ...]
    outlets: int

    def feed_path(self, outlet: int) -> str:
        return f"/o{outlet}/rss.xml"

    def files(self, base: str) -> dict[str, tuple[bytes, str]]:
        """Path → (bytes, content type): the pages, then one RSS feed an outlet."""
        served = {page.path: (page.body, _HTML) for page in self.pages}
        for outlet in range(1, self.outlets + 1):
            mine = [p for p in self.pages if p.outlet == outlet]
            served[self.feed_path(outlet)] = (_rss(outlet, mine, base).encode("utf-8"), _RSS)
        return served

    def record_of(self, url: str, base: str) -> str | None:
        """The record a fetched URL (on this server) is the page of."""
        wanted = unquote(url.removeprefix(base))
        return next((p.record_id for p in self.pages if unquote(p.path) == wanted), None)


def build_site(records: Sequence[DevRecord], outlets: int = OUTLETS) -> Site:
    """The pages of `records`, shared out among `outlets` outlets (by a stable hash of the record's id)."""
    pages: list[Page] = []
    taken: set[str] = set()
    for record in records:
        outlet = zlib.crc32(record.id.encode("utf-8")) % outlets + 1
        path = _path(record, outlet, taken)
        taken.add(path)
        title = record.title or record.text.strip().split("\n", 1)[0][:60]
        pages.append(Page(record.id, outlet, path, title, record.published, _page(title, record)))
    return Site(tuple(pages), outlets)


def _path(record: DevRecord, outlet: int, taken: set[str]) -> str:
    """The record's own path and query under its outlet's folder; one of its own when it has no URL or
    its path is taken."""
    if record.url:
        parts = urlsplit(record.url)
        path = f"/o{outlet}/{parts.netloc or 'site'}{parts.path or '/'}" + (f"?{parts.query}" if parts.query else "")
        if path not in taken:
            return path
    return f"/o{outlet}/page/{record.id}.html"


def _page(title: str, record: DevRecord) -> bytes:
    date = f'<meta property="article:published_time" content="{record.published}">' if record.published else ""
    paragraphs = "\n".join(f"<p>{html.escape(line.strip())}</p>" for line in record.text.split("\n") if line.strip())
    return (f'<!doctype html>\n<html lang="zh"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"{date}</head>\n<body><article><h1>{html.escape(title)}</h1>\n{paragraphs}\n</article></body></html>\n"
            ).encode()


def _rss(outlet: int, pages: Sequence[Page], base: str) -> str:
    items = []
    for page in pages:
        when = ""
        if page.published:
            day = dt.date.fromisoformat(page.published[:10])
            when = f"<pubDate>{format_datetime(dt.datetime(day.year, day.month, day.day, 8, tzinfo=_CST))}</pubDate>"
        link = html.escape(base + page.path)
        items.append(f"<item><title>{html.escape(page.title)}</title><link>{link}</link>"
                     f"<guid isPermaLink=\"true\">{link}</guid>{when}</item>")
    return ('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
            f"<title>outlet {outlet}</title><link>{base}/o{outlet}/</link><description>dev set, outlet {outlet}"
            f"</description>\n" + "\n".join(items) + "\n</channel></rss>\n")


def feeds_toml(site: Site, base: str) -> str:
    """The config of `monitor run` over the served site: one central outlet a feed, no delays."""
    lines = ["[fetch]", 'user_agent = "monitor-eval/0.1 (+dev set served locally)"', "host_delay = 0.0",
             "host_concurrency = 4", "workers = 4", "retries = 0", ""]
    for outlet in range(1, site.outlets + 1):
        lines += ["[[outlets]]", f'name = "评测源{outlet}"', 'level = "central"',
                  f'feeds = ["{base}{site.feed_path(outlet)}"]', ""]
    return "\n".join(lines)


class _Handler(http.server.BaseHTTPRequestHandler):
    def __init__(self, *args: object, files: dict[str, tuple[bytes, str]], **kwargs: object) -> None:
        self.files = {unquote(path): served for path, served in files.items()}
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def do_GET(self) -> None:
        found = self.files.get(unquote(self.path))
        if found is None:
            self.send_error(404, "Not Found")
            return
        body, content_type = found
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the evaluation prints its own summary."""


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hangs up leaves a broken pipe behind: expected."""


@contextmanager
def serve_site(site: Site) -> Iterator[str]:
    """Serve the site on 127.0.0.1 (any free port); yields the base URL (http://127.0.0.1:PORT)."""
    server = _Server(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    base = f"http://127.0.0.1:{server.server_port}"
    server.RequestHandlerClass = partial(_Handler, files=site.files(base))  # type: ignore[assignment]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield base
    finally:
        server.shutdown()
        server.server_close()


def write_config(site: Site, base: str, folder: Path) -> Path:
    path = folder / "feeds.toml"
    path.write_text(feeds_toml(site, base), encoding="utf-8")
    return path
