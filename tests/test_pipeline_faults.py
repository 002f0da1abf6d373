"""One broken outlet never stops a run: each failure is recorded with its reason, the rest is kept."""

from __future__ import annotations

from pathlib import Path

from monitor.run.daily import run
from monitor.sources.config import parse_config
from monitor.store.database import Store
from monitor.store.queue import list_items
from tests.support.http import LocalServer, unused_port_url

LAUNCH_PAGE = """<html><head><meta charset="utf-8"><title>靖安国际传播中心揭牌成立</title></head><body>
<div class="nav"><a href="/">首页</a> <a href="/news">新闻</a></div>
<h1>靖安国际传播中心揭牌成立</h1><div class="article">
<p>本报讯 6月3日上午，靖安国际传播中心在县融媒体中心揭牌成立，县委宣传部负责同志出席揭牌仪式。</p>
<p>靖安国际传播中心由县委宣传部主导、县融媒体中心运营，将围绕生态旅游开展对外传播，向海外讲好靖安故事。</p>
<p>中心已在多个海外社交媒体平台开设账号，首批多语种短视频同步上线，受到海外网友关注。</p>
</div><div class="footer">版权所有 赣北日报社</div></body></html>"""


def _rss(items: list[tuple[str, str]]) -> str:
    entries = "".join(f"<item><title>{t}</title><link>{u}</link><pubDate>Tue, 03 Jun 2025 18:00:00 +0800</pubDate>"
                      f"</item>" for t, u in items)
    head = '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
    return f"{head}{entries}</channel></rss>"


def _config(server: LocalServer, down: str) -> str:
    outlets = {
        "好报": server.url("/good/rss.xml"), "断网": down, "慢报": server.url("/slow/rss.xml"),
        "缺页": server.url("/missing/rss.xml"), "坏服务器": server.url("/error/rss.xml"),
        "乱码": server.url("/garbage/rss.xml"), "网页": server.url("/html/rss.xml"),
    }
    text = "[fetch]\ntimeout = 0.5\nretries = 0\nhost_delay = 0.0\nhost_concurrency = 8\nrespect_robots = false\n"
    for name, url in outlets.items():
        text += f'\n[[outlets]]\nname = "{name}"\nlevel = "county"\nprovince = "江西省"\nfeeds = ["{url}"]\n'
    return text


def test_failing_outlets_are_recorded_and_the_good_one_is_kept(local_server: LocalServer, tmp_path: Path) -> None:
    server = local_server
    server.route("/good/rss.xml", body=_rss([("靖安国际传播中心揭牌成立", server.url("/good/a1.html")),
                                             ("缺失的文章", server.url("/good/gone.html"))]),
                 headers={"Content-Type": "application/rss+xml"})
    server.route("/good/a1.html", body=LAUNCH_PAGE, headers={"Content-Type": "text/html"})
    server.route("/slow/rss.xml", body=_rss([]), delay=3.0)
    server.route("/error/rss.xml", status=500, body=b"oops")
    server.route("/garbage/rss.xml", body=bytes(range(256)) * 20, headers={"Content-Type": "application/rss+xml"})
    server.route("/html/rss.xml", body="<html><body><p>首页</p></body></html>", headers={"Content-Type": "text/html"})
    config = parse_config(_config(server, unused_port_url("/rss.xml")), str(tmp_path / "feeds.toml"))
    store = Store.open(tmp_path / "m.db")

    summary = run(config, store)

    reasons = {outlet: reason for outlet, _, reason in summary.failures}
    assert set(reasons) == {"断网", "慢报", "缺页", "坏服务器", "乱码", "网页", "好报"}
    assert "refused" in reasons["断网"]
    assert "timed out" in reasons["慢报"]
    assert "404" in reasons["缺页"] and "500" in reasons["坏服务器"]
    assert "HTML" in reasons["网页"]
    assert "feed" in reasons["乱码"]
    assert "404" in reasons["好报"]  # the one missing article of the good outlet
    assert summary.sources_failed == 6
    assert store.count("failures") == 7
    assert [i.center for i in list_items(store)] == ["靖安国际传播中心"]
    stored = store.db.execute("SELECT outlet, status, error FROM sources WHERE outlet = '坏服务器'").fetchone()
    assert stored[1] == "failed" and "500" in stored[2]
