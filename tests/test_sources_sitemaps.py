"""Sitemaps (`sitemaps = [...]`, `robots_sitemaps = true`) through a real `monitor run` on local servers, and
monitor.sources.sitemaps on its own: indexes, urlsets, Google News sitemaps, gzip, cycles, bad XML, a
million entries in bounded memory.
"""

from __future__ import annotations

import datetime as dt
import gzip
import os
import subprocess
import sys
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor.sources.sitemaps import (
    FIRST_RUN_DAYS,
    MAX_CHILDREN,
    OVERLAP,
    SitemapRef,
    choose_children,
    read_sitemap,
    robots_sitemaps,
    sitemap_since,
)
from tests.support.http import LocalServer
from tests.support.sources import (
    KAIFENG,
    MIANYANG,
    XML,
    articles,
    failures,
    queue,
    recently,
    rss,
    run_monitor,
    serve_page,
    sitemap_index,
    sources,
    urlset,
)

NOW = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC)
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def publisher() -> Iterator[LocalServer]:
    with LocalServer("127.0.0.2") as server:
        yield server


def _outlet(sitemaps: list[str], feeds: list[str] | None = None, extra: str = "") -> str:
    quoted = ", ".join(f'"{url}"' for url in sitemaps)
    feed_line = f"feeds = [{', '.join(repr(f).replace(chr(39), chr(34)) for f in feeds)}]\n" if feeds else ""
    return (f'[[outlets]]\nname = "汴梁日报"\nlevel = "city"\nprovince = "河南省"\n{extra}'
            f"sitemaps = [{quoted}]\n{feed_line}")


# --- through `monitor run` -------------------------------------------------------------------------


def test_index_news_and_gzip_sitemaps_bring_a_launch_to_the_queue_once(publisher: LocalServer,
                                                                       tmp_path: Path) -> None:
    kaifeng = serve_page(publisher, "/a/2026/kaifeng.html", "launch_kaifeng.html")
    ordinary = serve_page(publisher, "/a/2026/ordinary.html", "ordinary.html")
    index = publisher.url("/sitemap_index.xml")
    publisher.route("/sitemap_index.xml", headers=XML, body=sitemap_index([
        (publisher.url("/news.xml"), recently()),
        (publisher.url("/pages.xml.gz"), None),
        (publisher.url("/archive-2019-01.xml"), None),  # a month long past, known by its address
        (publisher.url("/old.xml"), "2020-01-01"),  # not changed since: not read
        (index, recently()),  # lists itself: a cycle, skipped and said so
    ]))
    publisher.route("/news.xml", headers=XML, body=urlset([(kaifeng, recently())], news=True))
    entries = [(kaifeng, recently()), (ordinary, recently(1)), (publisher.url("/a/2020/x.html"), "2020-05-01")]
    publisher.route("/pages.xml.gz", headers={"Content-Type": "application/gzip"},
                    body=gzip.compress(urlset(entries).encode()))
    publisher.route("/rss.xml", headers=XML, body=rss([(kaifeng, "开封国际传播中心揭牌成立")]))

    result, db = run_monitor(tmp_path, _outlet([index], [publisher.url("/rss.xml")]))

    assert result.exit_code == 0, result.output
    items = queue(db)
    assert [(item["center"], item["mentions"]) for item in items] == [(KAIFENG, 1)]
    assert len(publisher.requests_for("/a/2026/kaifeng.html")) == 1, "found by a feed and two sitemaps, fetched once"
    assert len(publisher.requests_for("/a/2026/ordinary.html")) == 1
    assert not publisher.requests_for("/old.xml") and not publisher.requests_for("/archive-2019-01.xml")
    assert not publisher.requests_for("/a/2020/x.html"), "an entry older than the first-run window is not read"
    assert len(publisher.requests_for("/sitemap_index.xml")) == 1
    stored = articles(db)
    assert stored[kaifeng]["outlet"] == "汴梁日报" and stored[kaifeng]["outlet_level"] == "city"
    row = sources(db)[index]
    assert (row["kind"], row["status"], row["error"]) == ("sitemap", "ok", None)
    assert row["items"] == 3, "the entries of its two new sitemaps, added up"
    assert any(url == index and "a cycle" in reason for url, reason in failures(db))


def test_a_second_run_reads_only_what_is_newer_with_conditional_get(publisher: LocalServer,
                                                                      tmp_path: Path) -> None:
    kaifeng = serve_page(publisher, "/a/kaifeng.html", "launch_kaifeng.html")
    mianyang = serve_page(publisher, "/a/mianyang.html", "launch_mianyang.html")
    index = publisher.url("/index.xml")
    publisher.route("/index.xml", headers={**XML, "ETag": '"i1"'},
                    body=sitemap_index([(publisher.url("/latest.xml"), None)]))
    first = urlset([(kaifeng, recently())])
    second = urlset([(kaifeng, recently()), (mianyang, recently(0.01))])
    publisher.route("/latest.xml", headers={**XML, "ETag": '"v1"'}, body=first)

    result, db = run_monitor(tmp_path, _outlet([index]))
    assert result.exit_code == 0, result.output
    publisher.route("/latest.xml", headers={**XML, "ETag": '"v2"'}, body=second)
    result, db = run_monitor(tmp_path, _outlet([index]))
    assert result.exit_code == 0, result.output

    assert sorted(item["center"] for item in queue(db)) == sorted([KAIFENG, MIANYANG])
    assert len(publisher.requests_for("/a/kaifeng.html")) == 1, "stored by the first run: not fetched again"
    latest = publisher.requests_for("/latest.xml")
    assert latest[1].headers.get("if-none-match") == '"v1"', "a sitemap is fetched with conditional GET"
    assert "if-none-match" not in publisher.requests_for("/index.xml")[1].headers, \
        "an index is read whole every run: the sitemaps it lists change while it does not"


def test_robots_txt_sitemap_lines_are_read_when_the_outlet_asks(publisher: LocalServer, tmp_path: Path) -> None:
    kaifeng = serve_page(publisher, "/a/kaifeng.html", "launch_kaifeng.html")
    publisher.route("/robots.txt", body=f"User-agent: *\nDisallow: /private/\nSitemap: {publisher.url('/news.xml')}\n")
    publisher.route("/news.xml", headers=XML, body=urlset([(kaifeng, recently())], news=True))
    outlet = (f'[[outlets]]\nname = "汴梁日报"\nlevel = "city"\nprovince = "河南省"\n'
              f'homepage = "{publisher.url("/")}"\nrobots_sitemaps = true\n')

    result, db = run_monitor(tmp_path, outlet)

    assert result.exit_code == 0, result.output
    assert [item["center"] for item in queue(db)] == [KAIFENG]
    assert sources(db)[publisher.url("/robots.txt")]["kind"] == "sitemap"


BAD_SITEMAPS: dict[str, tuple[str | None, str | None]] = {
    "/cut.xml": ('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>{kaifeng}</loc>'
                 "<lastmod>{when}</lastmod></url><url><loc>http://x", "malformed sitemap XML"),
    "/self.xml": ('<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>{self}</loc>'
                  "</sitemap></sitemapindex>", "a cycle"),
    "/a.xml": ('<sitemapindex><sitemap><loc>{base}/b.xml</loc></sitemap></sitemapindex>', None),  # → b → a
    "/html.xml": ("<html><body>页面不存在</body></html>", "HTML page where a sitemap was expected"),
    "/bomb.xml": ('<?xml version="1.0"?><!DOCTYPE u [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
                  "<urlset><url><loc>&b;</loc></url></urlset>", "refused: the sitemap declares a DOCTYPE"),
    "/gone.xml": (None, "HTTP 404"),
}


def test_bad_sitemaps_are_recorded_with_their_reason_and_the_run_goes_on(publisher: LocalServer,
                                                                          tmp_path: Path) -> None:
    kaifeng = serve_page(publisher, "/a/kaifeng.html", "launch_kaifeng.html")
    base = publisher.base_url
    for path, (body, _) in BAD_SITEMAPS.items():
        if body is not None:
            text = body.format(kaifeng=kaifeng, when=recently(), self=publisher.url(path), base=base)
            publisher.route(path, headers=XML, body=text)
    publisher.route("/b.xml", headers=XML, body=sitemap_index([(publisher.url("/a.xml"), None)]))
    urls = [publisher.url(path) for path in BAD_SITEMAPS]

    result, db = run_monitor(tmp_path, _outlet(urls))

    assert result.exit_code == 0, result.output
    assert [item["center"] for item in queue(db)] == [KAIFENG], "the entry before the fault is kept and read"
    recorded = failures(db)
    assert any(url == publisher.url("/b.xml") and "leads back" in why for url, why in recorded), "b lists a"
    for path, (_, reason) in BAD_SITEMAPS.items():
        if reason is not None:
            assert any(url.startswith(publisher.url(path)) and reason in why for url, why in recorded), path
    assert any("read the 1 entries before it" in why for _, why in recorded)
    rows = sources(db)
    assert rows[publisher.url("/html.xml")]["status"] == "failed"
    assert rows[publisher.url("/cut.xml")]["status"] == "ok", "read in part: the source answered"
    assert len(publisher.requests_for("/a.xml")) == 1 and len(publisher.requests_for("/b.xml")) == 1


def test_indexes_nested_too_deep_are_not_followed(publisher: LocalServer, tmp_path: Path) -> None:
    for n in range(7):
        publisher.route(f"/i{n}.xml", headers=XML, body=sitemap_index([(publisher.url(f"/i{n + 1}.xml"), None)]))
    publisher.route("/i7.xml", headers=XML, body=urlset([(publisher.url("/a/x.html"), recently())]))

    result, db = run_monitor(tmp_path, _outlet([publisher.url("/i0.xml")]))

    assert result.exit_code == 0, result.output
    assert [len(publisher.requests_for(f"/i{n}.xml")) for n in range(8)] == [1, 1, 1, 1, 1, 0, 0, 0]
    assert any("nested deeper than 4 indexes" in reason for _, reason in failures(db))


@pytest.mark.slow
def test_a_million_entry_sitemap_is_read_in_bounded_memory(publisher: LocalServer, tmp_path: Path) -> None:
    """A real `monitor run` (its own process) over a gzip sitemap of a million entries, two of them new: its peak
    RSS stays within 100 MB of the same run over a sitemap of two entries (keeping every entry would take
    gigabytes: ultimate-sitemap-parser needs about 1.9 GB for a million)."""
    kaifeng = serve_page(publisher, "/a/kaifeng.html", "launch_kaifeng.html")
    ordinary = serve_page(publisher, "/a/ordinary.html", "ordinary.html")
    new = [(kaifeng, recently()), (ordinary, recently(1))]
    publisher.route("/small.xml.gz", headers={"Content-Type": "application/gzip"},
                    body=gzip.compress(urlset(new).encode()))
    publisher.route("/big.xml.gz", headers={"Content-Type": "application/gzip"}, body=_million(publisher, new))

    small = _peak_rss(tmp_path / "small", _outlet([publisher.url("/small.xml.gz")]))
    big = _peak_rss(tmp_path / "big", _outlet([publisher.url("/big.xml.gz")]))

    assert big.articles == small.articles == 2
    print(f"peak RSS: {small.peak / 2**20:.0f} MB for 2 entries, {big.peak / 2**20:.0f} MB for a million")
    assert big.peak - small.peak < 100 * 2**20, (big.peak, small.peak)


# --- monitor.sources.sitemaps ----------------------------------------------------------------------------


def test_news_sitemap_dates_and_titles_win_over_lastmod() -> None:
    text = urlset([("http://a.cn/1.html", "2026-12-06 10:00:00")], news=True).encode()
    read = read_sitemap(text, "http://a.cn/news.xml", NOW - dt.timedelta(days=3), 200)
    assert read.kind == "urlset" and read.error is None
    (entry,) = read.entries
    assert entry.title == "新闻"
    assert entry.published == dt.datetime(2026, 12, 6, 2, 0, tzinfo=dt.UTC), "zone-less: Beijing time"


def test_entries_are_the_newest_since_the_cutoff_newest_first_and_at_most_limit() -> None:
    entries = [(f"http://a.cn/{n}.html", f"2026-12-0{n}T00:00:00Z") for n in range(1, 8)]
    read = read_sitemap(urlset(entries).encode(), "http://a.cn/s.xml", NOW - dt.timedelta(days=5), 3)
    assert [entry.url for entry in read.entries] == ["http://a.cn/7.html", "http://a.cn/6.html", "http://a.cn/5.html"]
    assert read.listed == 7


def test_undated_entries_count_only_where_no_entry_has_a_date() -> None:
    undated = read_sitemap(urlset([("http://a.cn/1", None), ("http://a.cn/2", None)]).encode(), "http://a.cn/s", NOW, 9)
    assert [entry.url for entry in undated.entries] == ["http://a.cn/1", "http://a.cn/2"]
    mixed = read_sitemap(urlset([("http://a.cn/1", None), ("http://a.cn/2", "2026-12-07")]).encode(),
                         "http://a.cn/s", NOW - dt.timedelta(days=1), 9)
    assert [entry.url for entry in mixed.entries] == ["http://a.cn/2"]


def test_gzip_is_known_by_its_bytes_not_its_name() -> None:
    text = urlset([("http://a.cn/1.html", "2026-12-07")]).encode()
    assert len(read_sitemap(gzip.compress(text), "http://a.cn/s.xml", None, 9).entries) == 1
    assert len(read_sitemap(text, "http://a.cn/s.xml.gz", None, 9).entries) == 1, "inflated by the server already"
    broken = read_sitemap(gzip.compress(text)[:-30] + b"\x00" * 30, "http://a.cn/s.xml.gz", None, 9)
    assert broken.problems or broken.error


@pytest.mark.parametrize(("body", "error"), [
    (b"", "the response is empty"),
    (b"<html><head><title>404</title></head></html>", "HTML page where a sitemap was expected"),
    (b"<!DOCTYPE html>\n<html><body>\xe7\xbb\xb4\xe6\x8a\xa4</body></html>", "HTML page where a sitemap was expected"),
    (b'<?xml version="1.0"?><!DOCTYPE urlset SYSTEM "file:///etc/passwd"><urlset/>', "declares a DOCTYPE"),
    (b"<catalog><book/></catalog>", "the document is <catalog>"),
    (b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>', "lists no addresses"),
    (b"<urlset><url><loc>http://a.cn/1", "malformed sitemap XML"),
])
def test_what_is_no_sitemap_says_why(body: bytes, error: str) -> None:
    read = read_sitemap(body, "http://a.cn/s.xml", None, 9)
    assert read.entries == () and read.error is not None and error in read.error


def test_an_index_gives_its_new_sitemaps_newest_first() -> None:
    text = sitemap_index([("http://a.cn/2019-01.xml", None), ("http://a.cn/n.xml", "2026-12-06T00:00:00Z"),
                          ("http://a.cn/m.xml", "2026-12-07T00:00:00Z"), ("http://a.cn/undated.xml", None),
                          ("http://a.cn/old.xml", "2020-01-01")]).encode()
    read = read_sitemap(text, "http://a.cn/i.xml", NOW - dt.timedelta(days=3), 9)
    assert read.kind == "index" and read.listed == 5
    assert [ref.url for ref in read.children] == ["http://a.cn/m.xml", "http://a.cn/n.xml", "http://a.cn/undated.xml"]


def test_an_index_reads_at_most_max_children_per_run() -> None:
    refs = [SitemapRef(f"http://a.cn/{n}.xml") for n in range(MAX_CHILDREN + 5)]
    chosen, left = choose_children(refs, None)
    assert len(chosen) == MAX_CHILDREN and left is not None and str(MAX_CHILDREN + 5) in left


def test_plain_text_sitemap_and_feed_as_sitemap() -> None:
    text = read_sitemap(b"http://a.cn/1.html\n\nnot an address\nhttps://a.cn/2.html\n", "http://a.cn/s.txt", None, 9)
    assert (text.kind, [e.url for e in text.entries]) == ("text", ["http://a.cn/1.html", "https://a.cn/2.html"])
    assert read_sitemap(b'<?xml version="1.0"?><rss version="2.0"/>', "http://a.cn/s", None, 9).kind == "feed"


def test_robots_txt_sitemap_lines() -> None:
    text = "User-agent: *\nDisallow: /\nsitemap: /s1.xml\nSitemap:https://b.cn/s2.xml.gz\nSitemap: /s1.xml\n"
    assert robots_sitemaps(text, "http://a.cn/robots.txt") == (SitemapRef("http://a.cn/s1.xml"),
                                                               SitemapRef("https://b.cn/s2.xml.gz"))


def test_the_cutoff_is_the_last_success_less_an_overlap_or_the_first_run_window() -> None:
    assert sitemap_since(None, NOW) == NOW - dt.timedelta(days=FIRST_RUN_DAYS)
    assert sitemap_since(NOW - dt.timedelta(days=1), NOW) == NOW - dt.timedelta(days=1) - OVERLAP


def test_what_is_read_is_dropped_as_it_goes() -> None:
    """Python's own allocations while reading a gzip sitemap of 100,000 entries stay under 8 MB: no entry is
    kept but the new ones (100,000 kept entries alone would take over 30 MB)."""
    body = _million(None, [("http://a.cn/new.html", "2026-12-07T08:00:00+08:00")], 100_000)
    tracemalloc.start()
    try:
        read = read_sitemap(body, "http://a.cn/big.xml.gz", NOW - dt.timedelta(days=2), 200)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert read.listed == 100_000 and [entry.url for entry in read.entries] == ["http://a.cn/new.html"]
    assert peak < 8 * 2**20, peak


# --- helpers -------------------------------------------------------------------------------------------


def _million(server: LocalServer | None, new: list[tuple[str, str]], size: int = 1_000_000) -> bytes:
    """A gzip urlset of `size` entries: old ones, then `new`."""
    base = server.url("/old") if server else "http://a.cn/old"
    head = b'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
    old = "".join(f"<url><loc>{base}/{n:07d}.html</loc><lastmod>2019-05-01</lastmod></url>\n"
                  for n in range(size - len(new)))
    tail = urlset(new).split(">\n", 2)[2]
    return gzip.compress(head + old.encode() + tail.encode(), compresslevel=1)


class _Peak:
    def __init__(self, peak: int, articles: int) -> None:
        self.peak, self.articles = peak, articles


_MEASURE = """
import resource, sys
from monitor.cli import cli
try:
    cli.main(args=sys.argv[1:], prog_name="monitor")
except SystemExit as exc:
    code = exc.code
print("PEAK", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, code, file=sys.stderr)
"""


def _peak_rss(folder: Path, outlets: str) -> _Peak:
    """Peak RSS (bytes) of `monitor run` in its own process, and the articles it stored."""
    folder.mkdir()
    (folder / "feeds.toml").write_text("[fetch]\nhost_delay = 0.0\nretries = 0\n\n" + outlets, "utf-8")
    db = folder / "m.db"
    args = ["run", "--config", str(folder / "feeds.toml"), "--db", str(db), "--quiet"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", _MEASURE, *args], capture_output=True, text=True, env=env,
                          timeout=240, check=False)
    line = next((line for line in done.stderr.splitlines() if line.startswith("PEAK")), f"PEAK 0 {done.stderr}")
    _, peak, code = line.split()
    assert code in ("0", "None"), done.stderr
    return _Peak(int(peak), len(articles(db)))
