"""Helpers of the source-kind tests (tests/test_sources_*.py): the pages of tests/data/sources served from
local servers on 127.0.0.x, documents (RSS, sitemaps) written around their addresses, a feeds.toml for
them, a real `monitor run` through the CLI, and what the store then holds.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from monitor.cli import cli
from tests.support.http import LocalServer

DATA = Path(__file__).resolve().parents[1] / "data" / "sources"
HTML = {"Content-Type": "text/html; charset=utf-8"}
XML = {"Content-Type": "application/xml"}
FETCH = "[fetch]\nhost_delay = 0.0\nretries = 0\ntimeout = 10.0\nhost_concurrency = 4\n\n"
KAIFENG = "开封国际传播中心"
MIANYANG = "绵阳国际传播中心"


def serve_page(server: LocalServer, path: str, name: str) -> str:
    """Serve tests/data/sources/NAME at PATH; its address."""
    server.route(path, body=(DATA / name).read_bytes(), headers=HTML)
    return server.url(path)


def recently(days: float = 0.5) -> str:
    """A W3C date-time `days` ago (sitemaps, feeds): new for a run today."""
    return (dt.datetime.now(dt.UTC) - dt.timedelta(days=days)).isoformat(timespec="seconds")


def rss(items: list[tuple[str, str]]) -> str:
    """An RSS 2.0 feed of (link, title) items dated today."""
    stamp = dt.datetime.now(dt.UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")
    body = "".join(f"<item><title>{escape(title)}</title><link>{escape(link)}</link><pubDate>{stamp}</pubDate></item>"
                   for link, title in items)
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>{body}</channel></rss>'


def urlset(entries: Sequence[tuple[str, str | None]], news: bool = False) -> str:
    """A urlset of (address, date) entries: <lastmod>, or a Google News <news:publication_date> with `news`."""
    rows = []
    for url, when in entries:
        if when is None:
            rows.append(f"<url><loc>{escape(url)}</loc></url>")
        elif news:
            rows.append(f"<url><loc>{escape(url)}</loc><news:news><news:publication><news:name>汴梁日报</news:name>"
                        f"<news:language>zh</news:language></news:publication><news:publication_date>{when}"
                        f"</news:publication_date><news:title>新闻</news:title></news:news></url>")
        else:
            rows.append(f"<url><loc>{escape(url)}</loc><lastmod>{when}</lastmod></url>")
    spaces = ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"' if news else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
            f'{spaces}>\n' + "\n".join(rows) + "\n</urlset>\n")


def sitemap_index(entries: Sequence[tuple[str, str | None]]) -> str:
    rows = "".join(f"<sitemap><loc>{escape(url)}</loc>{f'<lastmod>{when}</lastmod>' if when else ''}</sitemap>"
                   for url, when in entries)
    return f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{rows}</sitemapindex>'


def run_monitor(tmp_path: Path, outlets: str, *, fetch: str = FETCH, name: str = "m.db",
                args: Sequence[str] = ()) -> tuple[Result, Path]:
    """`monitor run` over a feeds.toml of `outlets` (and a quick [fetch]); the CLI's result and the database."""
    config = tmp_path / "feeds.toml"
    config.write_text(fetch + outlets, "utf-8")
    db = tmp_path / name
    result = CliRunner().invoke(cli, ["run", "--config", str(config), "--db", str(db), "--quiet", *args])
    return result, db


def queue(db: Path) -> list[dict[str, Any]]:
    result = CliRunner().invoke(cli, ["queue", "list", "--format", "json", "--db", str(db)])
    assert result.exit_code == 0, result.output
    items: list[dict[str, Any]] = json.loads(result.stdout)
    return items


def rows(db: Path, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return list(conn.execute(sql, params))
    finally:
        conn.close()


def failures(db: Path) -> list[tuple[str, str]]:
    """(url, reason) of every failure the runs recorded."""
    return [(row["url"], row["reason"]) for row in rows(db, "SELECT url, reason FROM failures ORDER BY id")]


def sources(db: Path) -> dict[str, sqlite3.Row]:
    return {row["url"]: row for row in rows(db, "SELECT * FROM sources")}


def articles(db: Path) -> dict[str, sqlite3.Row]:
    """Stored articles by the address they were fetched from."""
    return {row["fetched_url"] or row["url"]: row for row in rows(db, "SELECT * FROM articles")}
