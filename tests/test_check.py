"""`monitor sources check` against local servers: each source's newest item and its flags (frozen, blocked,
moved, broken), in every format, and what a run stores of them for `monitor sources health`."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from click.testing import CliRunner

from monitor.cli import cli
from monitor.fetch.client import Fetcher
from monitor.models import FetchSettings
from monitor.run.check import SourceCheck, check_sources, checked_value
from monitor.sources.config import parse_config
from monitor.store.database import open_store
from tests.support.http import LocalServer
from tests.support.http import local_server as local_server_fixture  # noqa: F401

TODAY = dt.datetime.now(dt.UTC).date()
RSS = {"Content-Type": "application/rss+xml; charset=utf-8"}
HTML = {"Content-Type": "text/html; charset=utf-8"}
# A JavaScript challenge as 加速乐 sends it: HTTP 521 and a script that sets a cookie and reloads the page.
CHALLENGE = ('<html><head><script>document.cookie="__jsl_clearance=1700000000.1|0|abc";'
             "location.href=location.pathname+location.search</script></head><body></body></html>")


def _rss(days_ago: list[int], base: str) -> str:
    items = "".join(f"<item><title>第{n}条</title><link>{base}/a/{n}.html</link><pubDate>"
                    f"{_rfc822(TODAY - dt.timedelta(days=ago))}</pubDate></item>" for n, ago in enumerate(days_ago))
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'


def _rfc822(day: dt.date) -> str:
    return dt.datetime(day.year, day.month, day.day, 9, 30, tzinfo=dt.UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")


def _config(server: LocalServer, tmp_path: Path, extra: str = "") -> Path:
    """Five outlets: a frozen feed, a live feed, a challenge, a list page with dated addresses, a moved feed."""
    path = tmp_path / "feeds.toml"
    outlets = {"冻报": 'feeds = ["{}"]'.format(server.url("/frozen/rss.xml")),
               "活报": 'feeds = ["{}"]'.format(server.url("/live/rss.xml")),
               "墙报": 'feeds = ["{}"]'.format(server.url("/wall/rss.xml")),
               "页报": '[[outlets.pages]]\nurl = "{}"\nlinks = \'/\\d{{4}}/\\d{{2}}/\\d{{2}}/\\d+\\.shtml\''.format(
                   server.url("/list/")),
               "迁报": 'feeds = ["{}"]'.format(server.url("/old/rss.xml"))}
    text = f"[fetch]\nretries = 0\nhost_delay = 0.0\nhost_concurrency = 8\nrespect_robots = false\n{extra}"
    for name, sources in outlets.items():
        text += f'\n[[outlets]]\nname = "{name}"\nlevel = "central"\n{sources}\n'
    path.write_text(text, "utf-8")
    return path


def _serve(server: LocalServer) -> None:
    base = server.base_url
    server.route("/frozen/rss.xml", body=_rss([900, 950, 1000], base), headers=RSS)
    server.route("/live/rss.xml", body=_rss([1, 3, 400], base), headers=RSS)
    server.route("/wall/rss.xml", status=521, body=CHALLENGE, headers=HTML)
    old, recent = TODAY - dt.timedelta(days=500), TODAY - dt.timedelta(days=2)
    links = "".join(f'<a href="/{d:%Y/%m/%d}/{n}.shtml">第{n}条</a>' for n, d in enumerate((old, recent)))
    server.route("/list/", body=f"<html><body>{links}</body></html>", headers=HTML)
    server.route("/old/rss.xml", status=301, headers={"Location": "/new/rss.xml"})
    server.route("/new/rss.xml", body=_rss([2], base), headers=RSS)


def _by_outlet(checks: list[dict[str, object]]) -> dict[str, dict[str, object]]:
    return {str(c["outlet"]): c for c in checks}


def test_check_reports_newest_and_flags_frozen_blocked_and_moved(local_server: LocalServer, tmp_path: Path) -> None:
    _serve(local_server)
    result = CliRunner().invoke(cli, ["sources", "check", "--config", str(_config(local_server, tmp_path)),
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    checks = _by_outlet(json.loads(result.stdout))
    day = lambda ago: (TODAY - dt.timedelta(days=ago)).isoformat()  # noqa: E731
    assert (checks["冻报"]["ok"], checks["冻报"]["status"], checks["冻报"]["newest"], checks["冻报"]["flags"]) == (
        True, 200, day(900), ["frozen"])
    assert (checks["活报"]["newest"], checks["活报"]["flags"]) == (day(1), [])
    assert (checks["页报"]["newest"], checks["页报"]["flags"], checks["页报"]["items"]) == (day(2), [], 2)
    assert (checks["迁报"]["flags"], checks["迁报"]["newest"]) == (["moved"], day(2))
    wall = checks["墙报"]
    assert (wall["ok"], wall["flags"], wall["newest"]) == (False, ["blocked"], None)
    assert str(wall["error"]).startswith("blocked (challenge)")


def test_check_table_shows_newest_and_flags_and_the_limit_comes_from_the_config(local_server: LocalServer,
                                                                               tmp_path: Path) -> None:
    _serve(local_server)
    runner = CliRunner()
    table = runner.invoke(cli, ["sources", "check", "--config", str(_config(local_server, tmp_path))],
                          env={"COLUMNS": "250"}).output
    [frozen] = [line for line in table.splitlines() if "冻报" in line]
    assert "frozen" in frozen and (TODAY - dt.timedelta(days=900)).isoformat() in frozen
    lenient = _config(local_server, tmp_path, "\n[health]\nfrozen_days = 5000\n")
    checks = _by_outlet(json.loads(runner.invoke(cli, ["sources", "check", "--config", str(lenient),
                                                       "--format", "json"]).stdout))
    assert checks["冻报"]["flags"] == []
    strict = runner.invoke(cli, ["sources", "check", "--config", str(lenient), "--format", "json",
                                 "--frozen-days", "2"]).stdout
    assert _by_outlet(json.loads(strict))["活报"]["flags"] == []  # newest is 1 day old
    assert _by_outlet(json.loads(strict))["页报"]["flags"] == []  # 2 days: not older than 2


def test_check_sources_in_the_library_and_the_checked_value(local_server: LocalServer, tmp_path: Path) -> None:
    _serve(local_server)
    config = parse_config(_config(local_server, tmp_path).read_text("utf-8"))
    with Fetcher(FetchSettings(retries=0, host_delay=0.0, respect_robots=False)) as fetcher:
        checks = {c.outlet: c for c in check_sources(config, fetcher, today=TODAY, frozen_days=100)}
    assert checks["冻报"].flags == ("frozen",) and checks["活报"].flags == ()
    text = checked_value([checks["冻报"]], TODAY)
    assert text.startswith(f"{TODAY.isoformat()}: 1/1 ok (rss 3 (newest ") and "frozen" in text
    failed = SourceCheck("x", "http://x/", "feed", False, 521, "-", 0, "blocked (challenge): …", None, ("blocked",))
    assert "failed: blocked (challenge)" in checked_value([failed], TODAY)


def test_a_run_stores_the_newest_item_and_health_flags_without_fetching(local_server: LocalServer,
                                                                      tmp_path: Path) -> None:
    _serve(local_server)
    local_server.route("/a/0.html", status=521, body=CHALLENGE, headers=HTML)  # an article behind a challenge
    for n in (1, 2):
        local_server.route(f"/a/{n}.html", status=404)
    config = _config(local_server, tmp_path)
    db = tmp_path / "m.db"
    runner = CliRunner()
    run = runner.invoke(cli, ["run", "--config", str(config), "--db", str(db), "--quiet"])
    assert run.exit_code in (0, 1), run.output
    with open_store(db) as store:
        newest = dict(store.db.execute("SELECT outlet, newest FROM sources").fetchall())
        stored = store.count("articles")
        reasons = dict(store.db.execute("SELECT url, reason FROM failures").fetchall())
    assert newest["冻报"] == (TODAY - dt.timedelta(days=900)).isoformat() and newest["墙报"] is None
    assert stored == 0  # the challenge answered for an article is recorded, never stored as one
    assert reasons[local_server.url("/a/0.html")].startswith("blocked (challenge)")
    assert reasons[local_server.url("/wall/rss.xml")].startswith("blocked (challenge)")
    served = len(local_server.requests)
    health = _by_outlet(json.loads(runner.invoke(cli, ["sources", "health", "--config", str(config), "--db",
                                                       str(db), "--format", "json"]).stdout))
    listed = _by_outlet(json.loads(runner.invoke(cli, ["sources", "list", "--config", str(config), "--db",
                                                       str(db), "--format", "json"]).stdout))
    assert listed["冻报"]["newest"] == newest["冻报"]
    assert len(local_server.requests) == served  # from the store alone
    assert health["冻报"]["flags"] == ["frozen"] and health["活报"]["flags"] == []
    assert health["墙报"]["flags"] == ["blocked"] and health["迁报"]["flags"] == ["moved"]


def test_check_reads_the_newest_item_of_a_listing_and_a_sitemap(local_server: LocalServer, tmp_path: Path) -> None:
    """A CCTV-style JSONP listing whose items stop at December 2022 is frozen; a sitemap with recent lastmod is not."""
    items = ",".join(f'{{"url": "{local_server.url(f"/2022/12/0{n}/ARTI{n}.shtml")}", "title": "第{n}条", '
                     f'"focus_date": "2022-12-0{n} 10:00:00"}}' for n in (1, 2))
    local_server.route("/list_1.jsonp", body=f'china({{"data": {{"total": 2, "list": [{items}]}}}})',
                       headers={"Content-Type": "application/javascript"})
    recent = (TODAY - dt.timedelta(days=1)).isoformat()
    local_server.route("/sitemap.xml", headers={"Content-Type": "application/xml"}, body=(
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f'<url><loc>{local_server.url("/n1/a.html")}</loc><lastmod>{recent}</lastmod></url>'
        f'<url><loc>{local_server.url("/n1/b.html")}</loc><lastmod>2020-01-01</lastmod></url></urlset>'))
    path = tmp_path / "feeds.toml"
    path.write_text("[fetch]\nretries = 0\nhost_delay = 0.0\nrespect_robots = false\n"
                    '[[outlets]]\nname = "央视网"\nlevel = "central"\n'
                    f'[[outlets.api]]\nurl = "{local_server.url("/list_1.jsonp")}?cb=china"\nitems = "data.list"\n'
                    'link = "url"\ntitle = "title"\ndate = "focus_date"\n'
                    f'[[outlets]]\nname = "图报"\nlevel = "central"\n'
                    f'sitemaps = ["{local_server.url("/sitemap.xml")}"]\n',
                    "utf-8")
    result = CliRunner().invoke(cli, ["sources", "check", "--config", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    checks = _by_outlet(json.loads(result.stdout))
    assert (checks["央视网"]["kind"], checks["央视网"]["ok"], checks["央视网"]["items"]) == ("api", True, 2)
    assert (checks["央视网"]["newest"], checks["央视网"]["flags"]) == ("2022-12-02", ["frozen"])
    assert (checks["图报"]["kind"], checks["图报"]["newest"], checks["图报"]["flags"]) == ("sitemap", recent, [])
