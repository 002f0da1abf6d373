"""Fault injection for the hostile-web tests: a LocalServer (127.0.0.1) that serves every fault on demand.

Each fault of `FAULTS` installs its routes under its own prefix (``/<name>/``) and becomes one outlet of a
feeds.toml: the outlet's faulty feed(s) plus a good feed with one good article, so a test can check that
the fault was recorded *and* that the good content of the same outlet was kept::

    def test_x(fault_server: FaultServer, tmp_path: Path) -> None:
        fault_server.install(["timeout", "pdf-items"])
        config = parse_config(fault_server.config_text(), str(tmp_path / "feeds.toml"))
        summary = run(config, Store.open(tmp_path / "m.db"))
        assert "timed out" in reason_of(summary, "timeout")
        FAULTS["timeout"].expect        # the words the recorded reason must contain (None: no failure)
        fault_server.good_urls["timeout"]  # articles that must be stored

Builders for hostile documents (`gzip_bomb`, `billion_laughs`, `quadratic_blowup`, `huge_feed`,
`huge_page`, `PDF`, `JPEG`, `PNG`, `blocked_page`) are public for the unit tests too. docs/FAULTS.md describes
every fault; tests/test_faults.py checks that it does.

`FaultServer.secret` is a file on this machine with a random token in it: faults that point at local files
(`file:` redirects, XML external entities) point at it, and the tests check that the token reaches no table.
An outlet may have list pages and sitemaps too (`FaultServer.pages`, `FaultServer.sitemaps`).
"""

from __future__ import annotations

import codecs
import gzip
import html
import json
import re
import secrets
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag

import pytest

from tests.support.http import LocalServer, Reply, unused_port_url
from tools.demo import SAMPLES, SampleHandler, serve_samples

DATA = Path(__file__).resolve().parents[1] / "data"
RSS_TYPE = "application/rss+xml; charset=utf-8"
HTML_TYPE = "text/html; charset=utf-8"
PUB_DATE = "Tue, 03 Jun 2025 18:00:00 +0800"
PDF = b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(range(256)) * 8
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8
MAX_BYTES = 12_000_000  # the fault world's fetch.max_bytes: the 10 MB feed of 50,000 items passes
DEADLINE = 4.0  # the fault world's fetch.deadline: seconds for one request as a whole
ROBOTS = "User-agent: *\nDisallow: /robots-disallow/private/\n"
LAUNCH = (
    "本报讯 6月3日上午，{p}国际传播中心在{p}县融媒体中心揭牌成立，县委宣传部负责同志出席揭牌仪式。",
    "{p}国际传播中心由县委宣传部主导、县融媒体中心运营，将围绕生态旅游开展对外传播，向海外讲好{p}故事。",
    "中心已在多个海外社交媒体平台开设账号，首批多语种短视频同步上线，受到海外网友关注。",
)


@dataclass(frozen=True)
class Fault:
    """One fault: what the server does, what the monitor must do, and the words of the recorded reason."""

    name: str
    serves: str
    monitor: str
    expect: str | None  # substring of the reason recorded for the outlet; None: nothing may be recorded
    install: Callable[[FaultServer, str], list[str]]  # routes under /<name>/; returns the faulty feed URLs
    launch: str | None = None  # place of a launch article whose queue item proves the page was decoded


FAULTS: dict[str, Fault] = {}


def fault(name: str, serves: str, monitor: str, expect: str | None, launch: str | None = None,
          ) -> Callable[[Callable[[FaultServer, str], list[str]]], Callable[[FaultServer, str], list[str]]]:
    def register(install: Callable[[FaultServer, str], list[str]]) -> Callable[[FaultServer, str], list[str]]:
        FAULTS[name] = Fault(name, serves, monitor, expect, install, launch)
        return install

    return register


# ---- documents ----------------------------------------------------------------------------------


def rss(items: Sequence[tuple[str, str] | tuple[str, str, str]], title: str = "新闻", encoding: str = "utf-8",
        date: str = PUB_DATE) -> str:
    """An RSS 2.0 feed; items are (title, link) or (title, link, guid), all published on `date`."""
    body = "".join(
        f"<item><title>{item[0]}</title><link>{item[1]}</link>"
        + (f"<guid isPermaLink=\"false\">{item[2]}</guid>" if len(item) > 2 else "")
        + f"<pubDate>{date}</pubDate></item>\n"
        for item in items
    )
    return (f'<?xml version="1.0" encoding="{encoding}"?>\n<rss version="2.0"><channel><title>{title}</title>\n'
            f"{body}</channel></rss>\n")


def page(title: str, paragraphs: Sequence[str], charset: str = "utf-8", head_padding: str = "") -> str:
    """An article page: title, heading, paragraphs in an article block, navigation and footer around."""
    text = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<html><head>{head_padding}<meta charset=\"{charset}\"><title>{title}</title></head>\n"
            f"<body><div class=\"nav\"><a href=\"/\">首页</a> <a href=\"/news\">新闻</a></div>\n"
            f"<h1>{title}</h1><div class=\"article\">\n{text}\n</div>\n"
            f"<div class=\"footer\">版权所有 赣北日报社</div></body></html>\n")


def good_paragraphs(key: str) -> list[str]:
    return [f"本报讯 {key}：全县秋粮收购工作进展顺利，各收购网点秩序井然，农民群众售粮积极性高。",
            f"{key}：今年以来，县里持续推进高标准农田建设，粮食单产稳步提高，为丰收打下坚实基础。",
            f"{key}：县农业农村局负责同志表示，将继续做好粮食收购服务保障，确保颗粒归仓、农民增收。"]


def launch_paragraphs(place: str) -> list[str]:
    return [line.format(p=place) for line in LAUNCH]


def gzip_bomb(size: int = 50_000_000) -> bytes:
    """`size` zero bytes, gzip-compressed to a few dozen kilobytes."""
    return gzip.compress(b"\0" * size, compresslevel=9)


def billion_laughs(levels: int = 9) -> str:
    """The classic entity-expansion bomb: 10**levels "lol"s from a few hundred bytes."""
    entities = "".join(
        f'<!ENTITY lol{i} "' + (f"&lol{i - 1};" if i > 1 else "&lol;") * 10 + '">\n' for i in range(1, levels + 1)
    )
    return (f'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY lol "lol">\n{entities}]>\n'
            f'<rss version="2.0"><channel><title>&lol{levels};</title>'
            f"<item><title>&lol{levels};</title><link>http://127.0.0.1/x</link></item></channel></rss>\n")


def quadratic_blowup(size: int = 50_000, references: int = 50_000) -> str:
    """One plain entity of `size` characters referenced `references` times (no nesting: feedparser's own
    filter lets it through)."""
    return (f'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY a "{"a" * size}">\n]>\n'
            f'<rss version="2.0"><channel><title>t</title><item><title>{"&a;" * references}</title>'
            f"<link>http://127.0.0.1/x</link></item></channel></rss>\n")


def huge_feed(count: int, base: str) -> bytes:
    """An RSS feed of `count` items linking to base/n/<i>.html."""
    items = "".join(
        f"<item><title>第{i}条新闻</title><link>{base}/n/{i}.html</link><guid>g{i}</guid>"
        f"<pubDate>{PUB_DATE}</pubDate><description>摘要{i}</description></item>\n"
        for i in range(count)
    )
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>巨大</title>\n{items}'
            "</channel></rss>\n").encode()


def blocked_page(name: str) -> tuple[bytes, int, dict[str, str]]:
    """A challenge, CAPTCHA or login page of tests/data/blocked: (body, status, headers)."""
    spec = json.loads((DATA / "blocked" / f"{name}.json").read_text("utf-8"))
    return (DATA / "blocked" / f"{name}.html").read_bytes(), int(spec["status"]), dict(spec["headers"])


def refresh_page(target: str | None, delay: int = 0) -> str:
    """A page that is only a meta refresh (to itself when `target` is None)."""
    content = f"{delay}" if target is None else f"{delay}; url={target}"
    return f'<html><head><meta http-equiv="refresh" content="{content}"><title>跳转</title></head><body></body></html>'


def huge_page(chars: int = 200_000, place: str = "弋阳") -> str:
    """An article page of about `chars` characters, every paragraph different, a launch at the top."""
    paragraphs = launch_paragraphs(place)
    size = sum(map(len, paragraphs))
    number = 0
    while size < chars:
        line = f"第{number}段：这是一段很长的新闻文字，用来检验长页面的处理，内容涉及经济社会发展的各个方面。"
        paragraphs.append(line)
        size += len(line)
        number += 1
    return page(f"{place}国际传播中心揭牌成立", paragraphs)


# ---- the server ---------------------------------------------------------------------------------


class FaultServer(LocalServer):
    """A LocalServer with every fault of FAULTS on demand, and the feeds.toml of the outlets installed."""

    def __init__(self) -> None:
        super().__init__()
        self.outlets: dict[str, list[str]] = {}  # outlet name → its feed URLs
        self.pages: dict[str, list[tuple[str, str]]] = {}  # outlet name → its list pages (url, links pattern)
        self.sitemaps: dict[str, list[str]] = {}  # outlet name → its sitemaps
        self.good_urls: dict[str, list[str]] = {}  # outlet name → article URLs that must be stored
        self.route("/robots.txt", body=ROBOTS, headers={"Content-Type": "text/plain"})
        self._secret_dir = Path(tempfile.mkdtemp(prefix="monitor-secret-"))
        self.token = f"SECRET-{secrets.token_hex(12)}"
        self.secret = self._secret_dir / "secret.txt"
        self.secret.write_text(f"{self.token}\n", "utf-8")

    def close(self) -> None:
        super().close()
        shutil.rmtree(self._secret_dir, ignore_errors=True)

    @property
    def other_host(self) -> str:
        """The same server under another host name (its own politeness gate and robots.txt origin)."""
        return f"http://localhost:{self.port}"

    def install(self, names: Sequence[str] | None = None) -> None:
        """Install the named faults (all by default), each as an outlet with a good feed beside it."""
        for name in names or list(FAULTS):
            feeds = FAULTS[name].install(self, f"/{name}")
            self.outlets[name] = [*feeds, self.good_feed(name)]

    def good_feed(self, name: str) -> str:
        """/<name>/ok.xml: a sound feed with one sound article of its own."""
        article = self.good_page(f"/{name}/good.html", f"{name}好消息")
        return self.feed(f"/{name}/ok.xml", [(f"{name}好消息", article)])

    def feed(self, path: str, items: Sequence[tuple[str, str] | tuple[str, str, str]], **reply: object) -> str:
        headers = reply.pop("headers", {"Content-Type": RSS_TYPE})
        self.route(path, body=reply.pop("body", rss(items)), headers=headers, **reply)  # type: ignore[arg-type]
        return self.url(path)

    def good_page(self, path: str, key: str, **reply: object) -> str:
        """A sound article page at /<outlet>/...; recorded as content of that outlet that must be stored."""
        headers = reply.pop("headers", {"Content-Type": HTML_TYPE})
        self.route(path, body=page(f"{key}：秋粮收购进展顺利", good_paragraphs(key)), headers=headers,
                   **reply)  # type: ignore[arg-type]
        url = self.url(path)
        self.good_urls.setdefault(path.split("/")[1], []).append(url)
        return url

    def launch_page(self, path: str, place: str, body: bytes | str | None = None, **reply: object) -> str:
        headers = reply.pop("headers", {"Content-Type": HTML_TYPE})
        self.route(path, body=body if body is not None else page(f"{place}国际传播中心揭牌成立",
                                                                    launch_paragraphs(place)),
                   headers=headers, **reply)  # type: ignore[arg-type]
        url = self.url(path)
        self.good_urls.setdefault(path.split("/")[1], []).append(url)
        return url

    def config_text(self, **fetch: object) -> str:
        """feeds.toml for the installed outlets, with short timeouts and quick retries (overridable)."""
        settings = {"user_agent": "monitor-faults/1.0 (+tests)", "timeout": 0.5, "retries": 1, "backoff": 0.05,
                    "max_retry_after": 2.0, "host_delay": 0.0, "host_concurrency": 8, "workers": 8,
                    "max_bytes": MAX_BYTES, "max_redirects": 4, "max_articles_per_source": 5, "deadline": DEADLINE,
                    **fetch}
        text = "[fetch]\n" + "".join(f"{k} = {_toml(v)}\n" for k, v in settings.items())
        for name, feeds in self.outlets.items():
            urls = ", ".join(f'"{url}"' for url in feeds)
            text += f'\n[[outlets]]\nname = "{name}"\nlevel = "county"\nprovince = "江西省"\nfeeds = [{urls}]\n'
            if name in self.sitemaps:
                text += "sitemaps = [" + ", ".join(f'"{url}"' for url in self.sitemaps[name]) + "]\n"
            for url, links in self.pages.get(name, []):
                text += f"[[outlets.pages]]\nurl = \"{url}\"\nlinks = '{links}'\n"
        return text


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return f'"{value}"' if isinstance(value, str) else repr(value)


@pytest.fixture(name="fault_server")
def fault_server() -> Iterator[FaultServer]:
    """A fresh FaultServer per test (nothing installed yet), shut down afterwards."""
    with FaultServer() as server:
        yield server


# ---- the faults -----------------------------------------------------------------------------------
# Each install function registers its routes under `p` (= "/<name>") and returns the faulty feed URLs.


@fault("timeout", "answers a feed only after 3 s", "gives up after `timeout`, retries, records it",
       "timed out after 0.5s")
def _timeout(s: FaultServer, p: str) -> list[str]:
    s.route(f"{p}/feed.xml", body=rss([]), delay=3.0)
    return [s.url(f"{p}/feed.xml")]


@fault("slow-drip", "sends a feed 256 bytes every 0.3 s", "stops reading at the deadline of `timeout`",
       "timed out after 0.5s")
def _slow_drip(s: FaultServer, p: str) -> list[str]:
    s.route(f"{p}/feed.xml", body=rss([("x", s.url(f"{p}/x.html"))] * 40), drip=0.3, chunk_size=256)
    return [s.url(f"{p}/feed.xml")]


@fault("429-retry-after-long", "429 Too Many Requests with Retry-After: 3600",
       "does not wait longer than `max_retry_after`; records the server's request", "more than max_retry_after")
def _too_many_long(s: FaultServer, p: str) -> list[str]:
    s.route(f"{p}/feed.xml", 429, body="slow down", headers={"Retry-After": "3600"})
    return [s.url(f"{p}/feed.xml")]


@fault("429-retry-after-short", "429 with Retry-After: 1, then the feed", "waits 1 s, retries, reads the feed",
       None)
def _too_many_short(s: FaultServer, p: str) -> list[str]:
    article = s.good_page(f"{p}/after-wait.html", "限流之后")
    s.sequence(f"{p}/feed.xml", [Reply(429, "slow down", {"Retry-After": "1"}),
                                 Reply(200, rss([("限流之后", article)]), {"Content-Type": RSS_TYPE})])
    return [s.url(f"{p}/feed.xml")]


def _status_fault(status: int, reason: str) -> None:
    @fault(f"http-{status}", f"HTTP {status} on the feed", "retries with backoff, then records the status",
           f"HTTP {status} {reason} (after 2 attempts)")
    def install(s: FaultServer, p: str) -> list[str]:
        s.route(f"{p}/feed.xml", status, body=f"error {status}")
        return [s.url(f"{p}/feed.xml")]


for _status, _reason in ((500, "Internal Server Error"), (502, "Bad Gateway"), (503, "Service Unavailable")):
    _status_fault(_status, _reason)


@fault("503-then-ok", "HTTP 503 once, then the feed", "retries after the backoff and reads the feed", None)
def _flaky(s: FaultServer, p: str) -> list[str]:
    article = s.good_page(f"{p}/second-try.html", "重试成功")
    s.sequence(f"{p}/feed.xml", [Reply(503), Reply(200, rss([("重试成功", article)]), {"Content-Type": RSS_TYPE})])
    return [s.url(f"{p}/feed.xml")]


@fault("connection-reset", "closes the connection with a TCP RST before answering",
       "retries, then records it", "connection reset by the server")
def _reset(s: FaultServer, p: str) -> list[str]:
    s.route(f"{p}/feed.xml", reset=True)
    return [s.url(f"{p}/feed.xml")]


@fault("reset-mid-body", "sends the headers and 200 bytes of the feed, then a TCP RST",
       "retries, then records it; keeps nothing of the partial body", "connection reset by the server")
def _reset_mid_body(s: FaultServer, p: str) -> list[str]:
    s.route(f"{p}/feed.xml", body=rss([("x", s.url(f"{p}/x.html"))] * 40), headers={"Content-Type": RSS_TYPE},
            reset_after=200)
    return [s.url(f"{p}/feed.xml")]


@fault("truncated-transfer", "promises 5000 bytes (Content-Length), sends 5, closes",
       "records a bad HTTP response", "bad HTTP response")
def _truncated_transfer(s: FaultServer, p: str) -> list[str]:
    s.route(f"{p}/feed.xml", body=b"<rss>", headers={"Content-Length": "5000"}, content_length=False)
    return [s.url(f"{p}/feed.xml")]


@fault("redirect-loop", "/a redirects to /b, /b back to /a", "stops after `max_redirects` and names the loop",
       "a redirect loop")
def _redirect_loop(s: FaultServer, p: str) -> list[str]:
    s.route(f"{p}/a.xml", 302, headers={"Location": f"{p}/b.xml"})
    s.route(f"{p}/b.xml", 302, headers={"Location": f"{p}/a.xml"})
    return [s.url(f"{p}/a.xml")]


@fault("redirect-other-host", "301 to the feed on another host (whose items are there too)",
       "follows it, with that host's robots.txt and politeness; keeps the new address", None)
def _redirect_other_host(s: FaultServer, p: str) -> list[str]:
    article = f"{s.other_host}{p}/moved.html"
    s.good_page(f"{p}/moved.html", "搬家之后")
    s.good_urls[p[1:]][-1] = article
    s.feed(f"{p}/moved.xml", [("搬家之后", article)])
    s.route(f"{p}/feed.xml", 301, headers={"Location": f"{s.other_host}{p}/moved.xml"})
    return [s.url(f"{p}/feed.xml")]


@fault("redirect-dead-host", "302 to a host where nothing listens", "records the refused connection",
       "connection refused")
def _redirect_dead_host(s: FaultServer, p: str) -> list[str]:
    s.route(f"{p}/feed.xml", 302, headers={"Location": unused_port_url("/feed.xml")})
    return [s.url(f"{p}/feed.xml")]


@fault("redirect-javascript", "302 to javascript:alert(1)", "refuses to follow it",
       "the target of its redirect")
def _redirect_javascript(s: FaultServer, p: str) -> list[str]:
    s.route(f"{p}/feed.xml", 302, headers={"Location": "javascript:alert(1)"})
    return [s.url(f"{p}/feed.xml")]


@fault("html-not-feed", "an HTML portal page at the feed address", "records it and says what to do instead",
       "HTML page where a feed was expected")
def _html_not_feed(s: FaultServer, p: str) -> list[str]:
    s.route(f"{p}/feed.xml", body=page("首页", ["欢迎访问"]), headers={"Content-Type": "text/html"})
    return [s.url(f"{p}/feed.xml")]


@fault("wrong-content-type", "a UTF-8 feed as text/html; charset=iso-8859-1, its article as "
       "application/octet-stream", "trusts the bytes, not the header: reads both", None, launch="武宁")
def _wrong_content_type(s: FaultServer, p: str) -> list[str]:
    article = s.launch_page(f"{p}/a.html", "武宁", headers={"Content-Type": "application/octet-stream"})
    s.feed(f"{p}/feed.xml", [("武宁国际传播中心揭牌成立", article)],
           headers={"Content-Type": "text/html; charset=iso-8859-1"})
    return [s.url(f"{p}/feed.xml")]


@fault("gzip-bomb", "a feed of 50 MB of zeros gzip-compressed to 50 KB (Content-Encoding: gzip)",
       "stops decompressing at `max_bytes`", "body larger than")
def _gzip_bomb(s: FaultServer, p: str) -> list[str]:
    s.route(f"{p}/feed.xml", body=_BOMB, headers={"Content-Encoding": "gzip", "Content-Type": RSS_TYPE})
    return [s.url(f"{p}/feed.xml")]


_BOMB = gzip_bomb()


@fault("too-large", "a feed larger than `max_bytes` (12 MB in the tests), without Content-Length",
       "stops reading at `max_bytes`", "body larger than")
def _too_large(s: FaultServer, p: str) -> list[str]:
    s.route(f"{p}/feed.xml", body=b" " * (MAX_BYTES + 1), headers={"Content-Type": RSS_TYPE}, content_length=False)
    return [s.url(f"{p}/feed.xml")]


@fault("truncated-xml", "a feed cut off in the middle of its third item",
       "keeps the complete items, drops the cut one", None)
def _truncated_xml(s: FaultServer, p: str) -> list[str]:
    first = s.good_page(f"{p}/one.html", "截断之前一")
    second = s.good_page(f"{p}/two.html", "截断之前二")
    text = rss([("一", first), ("二", second), ("三", s.url(f"{p}/three.html"))])
    s.route(f"{p}/feed.xml", body=text[: text.index("three.html")], headers={"Content-Type": RSS_TYPE})
    return [s.url(f"{p}/feed.xml")]


@fault("malformed-xml", "bytes that are not XML at all behind an XML declaration",
       "records where the XML breaks", "malformed feed")
def _malformed_xml(s: FaultServer, p: str) -> list[str]:
    s.route(f"{p}/feed.xml", body=b'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>x</ti\x01tle>\n<<<',
            headers={"Content-Type": RSS_TYPE})
    return [s.url(f"{p}/feed.xml")]


@fault("sloppy-xml", "bare & and unclosed <br> in titles (not well-formed)",
       "feedparser's lenient parser reads the items", None)
def _sloppy_xml(s: FaultServer, p: str) -> list[str]:
    article = s.good_page(f"{p}/a.html", "松散")
    text = rss([("经济 & 社会<br>要闻", article)])
    s.route(f"{p}/feed.xml", body=text, headers={"Content-Type": RSS_TYPE})
    return [s.url(f"{p}/feed.xml")]


@fault("wrong-charset", "a GBK feed and page that declare UTF-8 (header and document)",
       "finds GBK from the bytes; the launch is read correctly", None, launch="修水")
def _wrong_charset(s: FaultServer, p: str) -> list[str]:
    body = page("修水国际传播中心揭牌成立", launch_paragraphs("修水"), charset="utf-8").encode("gbk")
    article = s.launch_page(f"{p}/a.html", "修水", body=body)
    s.feed(f"{p}/feed.xml", [], body=rss([("修水国际传播中心揭牌成立", article)]).encode("gbk"))
    return [s.url(f"{p}/feed.xml")]


@fault("charset-after-1024", "a GBK page whose only charset is a <meta> after 1500 bytes of script; "
       "no charset in the header", "reads the late <meta>", None, launch="永修")
def _charset_late(s: FaultServer, p: str) -> list[str]:
    padding = "<script>var x = '" + "z" * 1500 + "';</script>"
    body = page("永修国际传播中心揭牌成立", launch_paragraphs("永修"), charset="gbk", head_padding=padding)
    article = s.launch_page(f"{p}/a.html", "永修", body=body.encode("gbk"), headers={"Content-Type": "text/html"})
    s.feed(f"{p}/feed.xml", [("永修国际传播中心揭牌成立", article)])
    return [s.url(f"{p}/feed.xml")]


@fault("bom", "a UTF-8 page with a BOM that says charset=gbk, a UTF-16 feed with a BOM, a UTF-8 feed with "
       "a BOM that declares gb2312", "the BOM wins over every declaration", None, launch="德安")
def _bom(s: FaultServer, p: str) -> list[str]:
    body = codecs.BOM_UTF8 + page("德安国际传播中心揭牌成立", launch_paragraphs("德安"), charset="gbk").encode()
    article = s.launch_page(f"{p}/a.html", "德安", body=body, headers={"Content-Type": "text/html; charset=gbk"})
    s.feed(f"{p}/utf8.xml", [], body=codecs.BOM_UTF8 + rss([("德安", article)], encoding="gb2312").encode())
    other = s.good_page(f"{p}/b.html", "字节顺序")
    utf16 = codecs.BOM_UTF16_LE + rss([("字节顺序", other)], encoding="utf-16").encode("utf-16-le")
    s.feed(f"{p}/utf16.xml", [], body=utf16, headers={"Content-Type": "application/xml"})
    return [s.url(f"{p}/utf8.xml"), s.url(f"{p}/utf16.xml")]


@fault("mixed-encodings", "a UTF-8 page whose launch paragraph is a line of GBK bytes",
       "decodes line by line; the GBK line is read correctly", None, launch="都昌")
def _mixed(s: FaultServer, p: str) -> list[str]:
    text = page("都昌国际传播中心揭牌成立", ["__GBK__", *launch_paragraphs("都昌")[1:]])
    before, after = text.split("__GBK__")
    body = before.encode() + launch_paragraphs("都昌")[0].encode("gbk") + after.encode()
    article = s.launch_page(f"{p}/a.html", "都昌", body=body)
    s.feed(f"{p}/feed.xml", [("都昌国际传播中心揭牌成立", article)])
    return [s.url(f"{p}/feed.xml")]


@fault("empty-body", "200 OK with an empty body", "records an empty response", "not a feed: the response is empty")
def _empty_body(s: FaultServer, p: str) -> list[str]:
    s.route(f"{p}/feed.xml", body=b"", headers={"Content-Type": RSS_TYPE})
    return [s.url(f"{p}/feed.xml")]


@fault("empty-feed", "a valid feed without items", "records that the feed has no items", "feed has no items")
def _empty_feed(s: FaultServer, p: str) -> list[str]:
    return [s.feed(f"{p}/feed.xml", [])]


@fault("no-usable-links", "a feed whose items link only to javascript:, mailto: or nothing",
       "records that no item links to a web page", "none links to a web page")
def _no_links(s: FaultServer, p: str) -> list[str]:
    return [s.feed(f"{p}/feed.xml", [("a", "javascript:void(0)"), ("b", "mailto:x@example.cn"), ("c", "")])]


@fault("duplicate-guids", "two items with one GUID, two items with one link",
       "fetches and stores each article once", None)
def _duplicate_guids(s: FaultServer, p: str) -> list[str]:
    first = s.good_page(f"{p}/a.html", "重复一")
    second = s.good_page(f"{p}/b.html", "重复二")
    s.route(f"{p}/same-guid.html", body=page("x", ["不应抓取"]), headers={"Content-Type": HTML_TYPE})
    items = [("一", first, "g1"), ("一again", s.url(f"{p}/same-guid.html"), "g1"), ("二", second, "g2"),
             ("二again", second, "g3")]
    return [s.feed(f"{p}/feed.xml", items)]


@fault("odd-links", "item links that are relative, root-relative, protocol-relative (//host/...) and "
       "javascript:", "resolves the first three against the feed's address, drops javascript:", None)
def _odd_links(s: FaultServer, p: str) -> list[str]:
    s.good_page(f"{p}/rel.html", "相对链接")
    s.good_page(f"{p}/root.html", "根相对链接")
    s.good_page(f"{p}/proto.html", "协议相对链接")
    items = [("相对", "rel.html"), ("根相对", f"{p}/root.html"),
             ("协议相对", f"//127.0.0.1:{s.port}{p}/proto.html"), ("脚本", "javascript:window.open('x')")]
    return [s.feed(f"{p}/feed.xml", items)]


@fault("robots-disallow", "robots.txt disallows /robots-disallow/private/: a feed there, and an item there "
       "in the good feed", "fetches neither; records the feed as disallowed, skips the item",
       "disallowed by robots.txt")
def _robots(s: FaultServer, p: str) -> list[str]:
    s.route(f"{p}/private/feed.xml", body=rss([]), headers={"Content-Type": RSS_TYPE})
    s.route(f"{p}/private/a.html", body=page("x", ["机密"]), headers={"Content-Type": HTML_TYPE})
    article = s.good_page(f"{p}/public.html", "公开")
    s.feed(f"{p}/feed.xml", [("机密", s.url(f"{p}/private/a.html")), ("公开", article)])
    return [s.url(f"{p}/private/feed.xml"), s.url(f"{p}/feed.xml")]


@fault("binary-items", "feed items that are a PDF, a JPEG and a PNG (the PNG as application/octet-stream)",
       "records each as a file, not an article; stores nothing of them", "not a web page but a PDF document")
def _binary_items(s: FaultServer, p: str) -> list[str]:
    s.route(f"{p}/notice.pdf", body=PDF, headers={"Content-Type": "application/pdf"})
    s.route(f"{p}/photo.jpg", body=JPEG, headers={"Content-Type": "image/jpeg"})
    s.route(f"{p}/chart", body=PNG, headers={"Content-Type": "application/octet-stream"})
    article = s.good_page(f"{p}/a.html", "附件旁的文章")
    items = [("通知", s.url(f"{p}/notice.pdf")), ("图片", s.url(f"{p}/photo.jpg")), ("图表", s.url(f"{p}/chart")),
             ("文章", article)]
    return [s.feed(f"{p}/feed.xml", items)]


@fault("billion-laughs", "a feed whose DOCTYPE nests entities ten deep (10**9 \"lol\"s from 900 bytes)",
       "refuses the feed before parsing; nothing expands", "refused: the feed declares XML entities built")
def _billion_laughs(s: FaultServer, p: str) -> list[str]:
    s.route(f"{p}/feed.xml", body=billion_laughs(), headers={"Content-Type": RSS_TYPE})
    return [s.url(f"{p}/feed.xml")]


@fault("entity-blowup", "one 50,000-character entity referenced 50,000 times (2.5 GB if expanded; "
       "feedparser's own entity filter lets it through)", "counts the growth, refuses the feed",
       "would add 2,500,000,000 characters")
def _entity_blowup(s: FaultServer, p: str) -> list[str]:
    s.route(f"{p}/feed.xml", body=quadratic_blowup(), headers={"Content-Type": RSS_TYPE})
    return [s.url(f"{p}/feed.xml")]


@fault("billion-laughs-page", "an article page (XHTML) whose DOCTYPE nests entities ten deep",
       "the HTML parser never expands DTD entities: the page is read as it is", None)
def _billion_laughs_page(s: FaultServer, p: str) -> list[str]:
    doctype = billion_laughs().split("<rss")[0].replace("<!DOCTYPE rss", "<!DOCTYPE html")
    body = doctype + page("&lol9;笑话", [f"&lol9; {line}" for line in good_paragraphs(p)])
    article = s.url(f"{p}/a.html")
    s.route(f"{p}/a.html", body=body, headers={"Content-Type": HTML_TYPE})
    s.good_urls.setdefault(p[1:], []).append(article)
    return [s.feed(f"{p}/feed.xml", [("笑话", article)])]


@fault("huge-feed", "a feed of 50,000 items (10 MB)", "parses only the first 2,000 items, fetches "
       "`max_articles_per_source` of them", None)
def _huge_feed(s: FaultServer, p: str) -> list[str]:
    for i in range(5):  # the first `max_articles_per_source` items of the world's config
        s.good_page(f"{p}/n/{i}.html", f"巨量第{i}条")
    s.route(f"{p}/feed.xml", body=huge_feed(50_000, s.url(p)), headers={"Content-Type": RSS_TYPE})
    return [s.url(f"{p}/feed.xml")]


@fault("huge-page", "an article page of 200,000 characters", "extracts and stores it whole", None)
def _huge_page(s: FaultServer, p: str) -> list[str]:
    article = s.url(f"{p}/a.html")
    s.route(f"{p}/a.html", body=huge_page(), headers={"Content-Type": HTML_TYPE})
    s.good_urls.setdefault(p[1:], []).append(article)
    return [s.feed(f"{p}/feed.xml", [("弋阳国际传播中心揭牌成立", article)])]


# ---- round two (issue 15): deadlines, floods, broken framing, refreshes, local files, challenges, logins ----


def _raw_response(headers: bytes, body: bytes = b"") -> bytes:
    return b"HTTP/1.1 200 OK\r\n" + headers + b"Connection: close\r\n\r\n" + body


@fault("header-drip", "sends its status line, then one header line every 0.2 s for ten minutes (every read "
       "returns within `timeout`, so no read timeout fires)", "gives up when the request as a whole passes "
       "`deadline` (4 s in the tests); does not retry; the run goes on",
       f"deadline: no complete answer within {DEADLINE:g}s")
def _header_drip(s: FaultServer, p: str) -> list[str]:
    s.route(f"{p}/feed.xml", raw=_raw_response(b"X-Drip: 0123456789\r\n" * 3000), drip=0.2, chunk_size=20)
    return [s.url(f"{p}/feed.xml")]


@fault("header-flood", "20,000 header lines (700 KB) before the body", "stops reading the headers at 100 KB; "
       "records it, does not retry", "the response headers are larger than 100 KB (a header flood)")
def _header_flood(s: FaultServer, p: str) -> list[str]:
    flood = b"".join(b"X-Flood-%05d: %s\r\n" % (number, b"v" * 16) for number in range(20_000))
    s.route(f"{p}/feed.xml", raw=_raw_response(flood, rss([]).encode()))
    return [s.url(f"{p}/feed.xml")]


@fault("huge-header-line", "one header line of 2 MB", "the same: stops at 100 KB of headers",
       "the response headers are larger than 100 KB")
def _huge_header_line(s: FaultServer, p: str) -> list[str]:
    s.route(f"{p}/feed.xml", raw=_raw_response(b"X-Huge: " + b"a" * 2_000_000 + b"\r\n", rss([]).encode()))
    return [s.url(f"{p}/feed.xml")]


@fault("many-headers", "3,000 small header lines (50 KB) before a sound feed", "reads them and the feed", None)
def _many_headers(s: FaultServer, p: str) -> list[str]:
    article = s.good_page(f"{p}/a.html", "头部众多")
    body = rss([("头部众多", article)]).encode()
    headers = b"".join(b"X-Many-%04d: v\r\n" % number for number in range(3000))
    headers += b"Content-Type: application/rss+xml\r\nContent-Length: %d\r\n" % len(body)
    s.route(f"{p}/feed.xml", raw=_raw_response(headers, body))
    return [s.url(f"{p}/feed.xml")]


@fault("bad-chunked", "Transfer-Encoding: chunked with a chunk size that is no number", "records the broken "
       "framing, does not retry", "bad HTTP response: invalid chunked encoding")
def _bad_chunked(s: FaultServer, p: str) -> list[str]:
    headers = b"Content-Type: application/rss+xml\r\nTransfer-Encoding: chunked\r\n"
    s.route(f"{p}/feed.xml", raw=_raw_response(headers, b"ZZZ\r\n<rss version=\"2.0\">\r\n0\r\n\r\n"))
    return [s.url(f"{p}/feed.xml")]


@fault("brotli-garbage", "Content-Encoding: br (never asked for) over bytes that are no brotli",
       "refuses to guess: records the encoding it cannot decode", "cannot decode the body: the server compressed "
       "it as 'br'")
def _brotli_garbage(s: FaultServer, p: str) -> list[str]:
    s.route(f"{p}/feed.xml", body=b"\x1b\x8b\x00\x80\xff\xfe garbage " * 64,
            headers={"Content-Encoding": "br", "Content-Type": RSS_TYPE})
    return [s.url(f"{p}/feed.xml")]


@fault("meta-refresh-loop", "a feed address that is only a meta refresh to itself, and an article that "
       "refreshes to a page that refreshes back to it", "follows a refresh once, stops at the first page seen "
       "twice and names the loop", "is only a meta refresh to itself")
def _meta_refresh_loop(s: FaultServer, p: str) -> list[str]:
    s.route(f"{p}/feed.xml", body=refresh_page(None), headers={"Content-Type": HTML_TYPE})
    s.route(f"{p}/a.html", body=refresh_page("b.html"), headers={"Content-Type": HTML_TYPE})
    s.route(f"{p}/b.html", body=refresh_page("a.html"), headers={"Content-Type": HTML_TYPE})
    return [s.url(f"{p}/feed.xml"), s.feed(f"{p}/items.xml", [("来回跳转", s.url(f"{p}/a.html"))])]


@fault("meta-refresh-stub", "a list page and an article that are only a meta refresh to the real list page "
       "and the real article (content=\"0; url=...\")", "follows each refresh like a redirect: the list page's "
       "links and both articles are stored", None)
def _meta_refresh_stub(s: FaultServer, p: str) -> list[str]:
    s.good_page(f"{p}/real.html", "跳转之后")
    stub = s.url(f"{p}/stub.html")
    s.route(f"{p}/stub.html", body=refresh_page("real.html"), headers={"Content-Type": HTML_TYPE})
    s.good_urls[p[1:]][-1] = stub  # stored under the address the feed gave
    listed = s.good_page(f"{p}/n/1.html", "列表跳转之后")
    s.route(f"{p}/real-list.html", body=f'<html><body><a href="{listed}">列表跳转之后</a></body></html>',
            headers={"Content-Type": HTML_TYPE})
    s.route(f"{p}/list.html", body=refresh_page(f"{p}/real-list.html", delay=1), headers={"Content-Type": HTML_TYPE})
    s.pages[p[1:]] = [(s.url(f"{p}/list.html"), r"/n/\d+\.html")]
    return [s.feed(f"{p}/feed.xml", [("跳转", stub)])]


@fault("redirect-file", "a 302 to a file: URL of this machine, and an article that is only a meta refresh to "
       "it", "refuses both; the file is never read", "redirect to a non-http(s) URL: file:")
def _redirect_file(s: FaultServer, p: str) -> list[str]:
    s.route(f"{p}/feed.xml", 302, headers={"Location": s.secret.as_uri()})
    s.route(f"{p}/to-file.html", body=refresh_page(s.secret.as_uri()), headers={"Content-Type": HTML_TYPE})
    return [s.url(f"{p}/feed.xml"), s.feed(f"{p}/items.xml", [("本地文件", s.url(f"{p}/to-file.html"))])]


@fault("nul-bytes", "NUL bytes in a page (one in every paragraph) and in a feed's title", "drops them: the "
       "page is read as the page it is; the launch reaches the queue", None, launch="浮梁")
def _nul_bytes(s: FaultServer, p: str) -> list[str]:
    body = page("浮梁国际传播中心揭牌成立", [f"\0{line}\0" for line in launch_paragraphs("浮梁")]).encode()
    article = s.launch_page(f"{p}/a.html", "浮梁", body=body)
    s.feed(f"{p}/feed.xml", [], body=rss([("浮梁\0国际传播中心揭牌成立", article)]).encode())
    return [s.url(f"{p}/feed.xml")]


@fault("xml-external-entities", "a feed whose DOCTYPE declares an external entity (SYSTEM \"file:///...\"), one "
       "with an external parameter entity, a sitemap that uses one in a <loc>, and an XHTML article that declares "
       "and uses one", "refuses both feeds before any parser sees them; the sitemap parser and the HTML parsers "
       "never load a DTD or expand an entity: no local file reaches the database", "an external or parameter "
       "XML entity")
def _xml_external_entities(s: FaultServer, p: str) -> list[str]:
    secret = s.secret.as_uri()
    general = (f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{secret}">]>\n'
               f'<rss version="2.0"><channel><title>&xxe;</title><item><title>&xxe;</title>'
               f"<link>{s.url(f'{p}/x.html')}</link></item></channel></rss>\n")
    parameter = (f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY % ext SYSTEM "{secret}"> %ext;]>\n'
                 f'<rss version="2.0"><channel><title>t</title><item><title>x</title>'
                 f"<link>{s.url(f'{p}/x.html')}</link></item></channel></rss>\n")
    s.route(f"{p}/general.xml", body=general, headers={"Content-Type": RSS_TYPE})
    s.route(f"{p}/parameter.xml", body=parameter, headers={"Content-Type": RSS_TYPE})
    doctype = f'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html [<!ENTITY xxe SYSTEM "{secret}">]>\n'
    body = doctype + page("外部实体：秋粮收购进展顺利", [f"&xxe; {line}" for line in good_paragraphs(p)])
    article = s.url(f"{p}/xhtml.html")
    s.route(f"{p}/xhtml.html", body=body, headers={"Content-Type": "application/xhtml+xml; charset=utf-8"})
    s.good_urls.setdefault(p[1:], []).append(article)
    sitemap = (f'<?xml version="1.0"?>\n<!DOCTYPE urlset [<!ENTITY xxe SYSTEM "{secret}">]>\n'
               f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>{s.url(p)}/&xxe;</loc></url>'
               f"<url><loc>{s.url(f'{p}/x.html')}?&xxe;</loc></url></urlset>\n")
    s.route(f"{p}/sitemap.xml", body=sitemap, headers={"Content-Type": "application/xml"})
    s.sitemaps[p[1:]] = [s.url(f"{p}/sitemap.xml")]
    return [s.url(f"{p}/general.xml"), s.url(f"{p}/parameter.xml"), s.feed(f"{p}/items.xml", [("外部实体", article)])]


@fault("frozen-feed", "a sound feed whose items are all six years old", "reads it and stores its articles "
       "(`monitor sources health` flags the feed frozen); the run goes on", None)
def _frozen_feed(s: FaultServer, p: str) -> list[str]:
    items = [(f"旧闻{number}", s.good_page(f"{p}/old{number}.html", f"旧闻{number}")) for number in range(2)]
    s.route(f"{p}/feed.xml", body=rss(items, date="Mon, 03 Jun 2019 09:00:00 +0800"),
            headers={"Content-Type": RSS_TYPE})
    return [s.url(f"{p}/feed.xml")]


@fault("js-challenge", "JavaScript challenges at feed addresses: 瑞数 (Ruishu) HTTP 412 with `$_ts`, 加速乐 "
       "HTTP 521 with a `__jsluid` cookie and a cookie script, Cloudflare \"Just a moment...\" HTTP 503, and an "
       "Aliyun `acw_sc__v2` script served with 200", "names the challenge and the service, never retries it "
       "(it is no server failure), parses nothing of it", "blocked (challenge): the site answers with the "
       "JavaScript challenge of")
def _js_challenge(s: FaultServer, p: str) -> list[str]:
    urls = []
    for name in ("ruishu-412", "jsl-521", "cloudflare-503", "aliyun-200"):
        body, status, headers = blocked_page(name)
        s.route(f"{p}/{name}.xml", status, body=body, headers=headers)
        urls.append(s.url(f"{p}/{name}.xml"))
    return urls


@fault("challenge-article", "feed items whose pages are a \"请开启JavaScript\" check and a CAPTCHA, served "
       "with 200", "records each as a challenge; stores nothing of them", "blocked (challenge): the site answers "
       "with a CAPTCHA")
def _challenge_article(s: FaultServer, p: str) -> list[str]:
    items = []
    for name in ("enable-js-200", "captcha-200"):
        body, status, headers = blocked_page(name)
        s.route(f"{p}/{name}.html", status, body=body, headers=headers)
        items.append((name, s.url(f"{p}/{name}.html")))
    return [s.feed(f"{p}/feed.xml", items)]


@fault("members-only", "a feed address that redirects to /passport/login?return=..., and an item that is a "
       "password form (\"用户登录\")", "records both as login walls; never requests the login page",
       "blocked (login)")
def _members_only(s: FaultServer, p: str) -> list[str]:
    s.route(f"{p}/feed.xml", 302, headers={"Location": f"{p}/passport/login?return={p}/feed.xml"})
    s.route(f"{p}/passport/login", body=page("用户登录", ["请登录"]), headers={"Content-Type": HTML_TYPE})
    body, status, headers = blocked_page("login-form-200")
    s.route(f"{p}/member.html", status, body=body, headers=headers)
    return [s.url(f"{p}/feed.xml"), s.feed(f"{p}/items.xml", [("会员专享", s.url(f"{p}/member.html"))])]


@fault("unclosed-tags", "an article page of 1 MB of unclosed `<meta http-equiv=refresh charset=` tags",
       "reads the page once (every scan for a charset, a refresh or a challenge goes forward only): it finds "
       "no article and says so", "no article text found")
def _unclosed_tags(s: FaultServer, p: str) -> list[str]:
    body = b"<html><head>" + b"<meta http-equiv=refresh charset=" * 30_000 + b"<title>x</title></head></html>"
    s.route(f"{p}/a.html", body=body, headers={"Content-Type": "text/html"})
    return [s.feed(f"{p}/feed.xml", [("未闭合", s.url(f"{p}/a.html"))])]


# ---- real specimens (../shared/realworld, read in place) ----------------------------------------------

REALWORLD_FEEDS = ("rss-parser_qq-news-china_gb2312.xml", "chardet_GB2312_acnnewswire.net.xml",
                   "chardet_GB2312_cnblog.org.xml", "chardet_GB2312_eighthday.blogspot.com.xml")
REALWORLD_PAGES = (  # under pages/: a <meta> charset after byte 1024, GB2312 declared on UTF-8, BOM, GB2312
    "trafilatura/archive.org.he.xinhuanet.com.25340717.html",
    "gne/people-1.html",
    "cwce/dahe.cn_274a65d9/original.html",
    "cwce/people.com.cn_b26fbb82/original.html",
)
_LINK = re.compile(rb"(<link>|<link[^>]*href=\")\s*https?://([^<\"\s]+)")


def install_realworld(s: FaultServer, realworld: Path) -> None:
    """Outlet "realworld": the four real GB2312 feeds (their links moved to this server, each to a sound page)
    and a feed of four real pages served as bare text/html (late <meta>, a wrong charset, BOMs)."""
    feeds = []
    for number, name in enumerate(REALWORLD_FEEDS):
        prefix = f"{s.base_url}/realworld/ext/{number}/".encode()
        raw = (realworld / "feeds" / name).read_bytes()
        data = _LINK.sub(lambda m, prefix=prefix: m.group(1) + prefix + m.group(2), raw)
        for link in re.findall(rb"/realworld/ext/[^<\"\s]+", data):
            path = urldefrag(html.unescape(link.decode("ascii", "replace"))).url
            s.route(path, body=page("转载", good_paragraphs(path)), headers={"Content-Type": HTML_TYPE})
        feeds.append(s.feed(f"/realworld/feed{number}.xml", [], body=data, headers={"Content-Type": "text/xml"}))
    items = []
    for number, name in enumerate(REALWORLD_PAGES):
        s.route(f"/realworld/page{number}.html", body=(realworld / "pages" / name).read_bytes(),
                headers={"Content-Type": "text/html"})
        items.append((f"页面{number}", s.url(f"/realworld/page{number}.html")))
    s.outlets["realworld"] = [*feeds, s.feed("/realworld/pages.xml", items)]


# ---- the sample world, slowed down (crash and concurrency tests) ---------------------------------------


class _SlowSampleHandler(SampleHandler):
    """samples/site as tools.demo serves it, each answer delayed by `delay(path)` seconds."""

    def __init__(self, *args: Any, delay: Callable[[str], float], **kwargs: Any) -> None:
        self.delay = delay
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        wait = self.delay(self.path)
        if wait > 0:
            time.sleep(wait)
        super().do_GET()


@contextmanager
def serve_slow_samples(delay: Callable[[str], float], samples: Path = SAMPLES) -> Iterator[str]:
    """Serve samples/site on 127.0.0.1 like tools.demo.serve_samples, slowed by `delay(path)`; yields the
    base URL (write the config with tools.demo.sample_config)."""
    with serve_samples(samples=samples, handler=_SlowSampleHandler, delay=delay) as base_url:
        yield base_url
