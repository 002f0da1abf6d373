"""The hostile web (issues 6 and 15): every fault of tests/support/faults.py through the whole `monitor run`.

One world holds every fault as an outlet (its faulty feed beside a good feed), plus the real specimens
of ../shared/realworld. One real `python -m monitor run` goes over all of it, the way cron runs it, and
the tests read what it recorded: it finished before its deadline, every fault is recorded with its
reason, the good content of the same and of every other outlet is stored, its memory stayed bounded,
and no traceback reached the terminal. docs/FAULTS.md lists the same faults.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import sys
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from monitor.fetch.blocked import blocked_reason
from monitor.fetch.client import ROBOTS_DISALLOWED
from monitor.run.daily import RunSummary, run
from monitor.sources.config import parse_config
from monitor.store.database import Store
from monitor.store.queue import list_items
from tests.support.faults import (
    FAULTS,
    REALWORLD_FEEDS,
    REALWORLD_PAGES,
    FaultServer,
    good_paragraphs,
    install_realworld,
    page,
    rss,
)
from tests.support.faults import fault_server as fault_server_fixture  # noqa: F401
from tests.support.http import LocalServer
from tests.support.http import local_server as local_server_fixture  # noqa: F401
from tests.support.realworld import REALWORLD

ROOT = Path(__file__).resolve().parents[1]
DEADLINE_MINUTES = 2
MAX_EXTRA_RSS_MB = 200  # the world's peak memory beyond that of a run over one small feed

pytestmark = pytest.mark.timeout(240)


@dataclass
class World:
    server: FaultServer
    store: Store
    returncode: int
    output: str  # stdout and stderr of `monitor run`
    max_rss_mb: float


def monitor_run(config: Path, db: Path, *extra: str) -> tuple[int, str, float]:
    """`python -m monitor run` as cron runs it: (exit code, stdout + stderr, peak resident memory in MB)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MONITOR_")}
    command = [sys.executable, "-m", "monitor", "run", "--config", str(config), "--db", str(db), *extra]
    with subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT) as proc:
        assert proc.stdout is not None
        output = proc.stdout.read().decode("utf-8", "replace")
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, output, usage.ru_maxrss / 1024


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("hostile")
    with FaultServer() as server:
        server.install()
        if REALWORLD.is_dir():
            install_realworld(server, REALWORLD)
        config = tmp / "feeds.toml"
        config.write_text(server.config_text(), "utf-8")
        code, output, rss_mb = monitor_run(config, tmp / "world.db", "--max-minutes", str(DEADLINE_MINUTES))
        store = Store.open(tmp / "world.db")
        yield World(server, store, code, output, rss_mb)
        store.close()


def reasons(world: World, outlet: str) -> list[str]:
    return [row[0] for row in world.store.db.execute("SELECT reason FROM failures WHERE outlet = ?", [outlet])]


def stored_urls(world: World) -> set[str]:
    return {row[0] for row in world.store.db.execute("SELECT fetched_url FROM articles")}


# ---- the run as a whole ----


def test_the_run_completes_before_its_deadline_without_a_traceback(world: World) -> None:
    assert world.returncode == 0, world.output[-3000:]
    assert "Traceback" not in world.output
    status = world.store.db.execute("SELECT status FROM runs ORDER BY id DESC LIMIT 1").fetchone()[0]
    assert status == "completed"


def test_every_failing_outlet_is_named_on_the_terminal(world: World) -> None:
    for fault in FAULTS.values():
        if fault.expect is not None:
            assert f"failed: {fault.name}: " in world.output, fault.name


def test_memory_stays_bounded(world: World, tmp_path: Path) -> None:
    """Peak memory of the whole world (a 10 MB feed of 50,000 items, a page of 200,000 characters, a gzip
    bomb, entity bombs...) against a run over one small feed."""
    with FaultServer() as server:
        server.install(["empty-feed"])
        config = tmp_path / "feeds.toml"
        config.write_text(server.config_text(), "utf-8")
        _, _, baseline = monitor_run(config, tmp_path / "base.db")
    assert world.max_rss_mb - baseline < MAX_EXTRA_RSS_MB, (world.max_rss_mb, baseline)


def test_nothing_is_stored_twice(world: World) -> None:
    rows = world.store.db.execute("SELECT fetched_url FROM articles").fetchall()
    assert len(rows) == len({row[0] for row in rows})
    items = [(i.center, i.place) for i in list_items(world.store)]
    assert len(items) == len(set(items))


# ---- each fault ----


@pytest.mark.parametrize("name", list(FAULTS))
def test_fault_is_recorded_with_its_reason(world: World, name: str) -> None:
    fault = FAULTS[name]
    recorded = reasons(world, name)
    if fault.expect is None:
        assert recorded == [], f"{name}: {fault.monitor}"
    else:
        assert any(fault.expect in reason for reason in recorded), recorded


@pytest.mark.parametrize("name", list(FAULTS))
def test_good_content_of_the_same_outlet_is_kept(world: World, name: str) -> None:
    missing = set(world.server.good_urls[name]) - stored_urls(world)
    assert not missing, f"{name}: {FAULTS[name].monitor}"
    ok_feed = world.server.url(f"/{name}/ok.xml")
    row = world.store.db.execute("SELECT status, items FROM sources WHERE url = ?", [ok_feed]).fetchone()
    assert tuple(row) == ("ok", 1)


def test_launches_read_through_wrong_encodings_reach_the_queue(world: World) -> None:
    centers = {item.center: item.place for item in list_items(world.store)}
    for fault in FAULTS.values():
        if fault.launch:
            assert centers.get(f"{fault.launch}国际传播中心") == f"{fault.launch}县", fault.name


def test_the_gbk_line_of_a_mixed_page_is_read(world: World) -> None:
    url = world.server.url("/mixed-encodings/a.html")
    text = world.store.db.execute("SELECT text FROM articles WHERE fetched_url = ?", [url]).fetchone()[0]
    assert "都昌国际传播中心在都昌县融媒体中心揭牌成立，县委宣传部负责同志出席揭牌仪式" in text


def test_items_of_files_store_nothing_and_name_the_file_type(world: World) -> None:
    recorded = " ".join(reasons(world, "binary-items"))
    assert "a JPEG image (image/jpeg)" in recorded and "a PNG image (application/octet-stream)" in recorded
    files = {world.server.url(f"/binary-items/{name}") for name in ("notice.pdf", "photo.jpg", "chart")}
    assert not files & stored_urls(world)


def test_robots_disallowed_addresses_are_never_requested(world: World) -> None:
    assert world.server.requests_for("/robots-disallow/private/feed.xml") == []
    assert world.server.requests_for("/robots-disallow/private/a.html") == []
    skipped = world.server.url("/robots-disallow/private/a.html")
    row = world.store.db.execute("SELECT error FROM url_state WHERE url = ?", [skipped]).fetchone()
    assert row[0] == ROBOTS_DISALLOWED


def test_an_item_with_a_repeated_guid_is_not_fetched(world: World) -> None:
    assert world.server.requests_for("/duplicate-guids/same-guid.html") == []
    assert len(world.server.requests_for("/duplicate-guids/b.html")) == 1


def test_the_cut_item_of_a_truncated_feed_is_not_fetched(world: World) -> None:
    assert world.server.requests_for("/truncated-xml/three.html") == []


def test_redirect_to_another_host_is_followed_and_kept(world: World) -> None:
    url = world.server.url("/redirect-other-host/feed.xml")
    row = world.store.db.execute("SELECT final_url, permanent_redirect FROM sources WHERE url = ?", [url]).fetchone()
    assert tuple(row) == (f"{world.server.other_host}/redirect-other-host/moved.xml", 1)


def test_retry_after_is_waited_for(world: World) -> None:
    first, second = world.server.requests_for("/429-retry-after-short/feed.xml")
    assert second.at - first.at >= 0.9  # Retry-After: 1 (a lower bound: the wait can only be longer)
    assert len(world.server.requests_for("/429-retry-after-long/feed.xml")) == 1  # 3600 s: no retry


def test_a_feed_of_50000_items_is_read_in_part(world: World) -> None:
    url = world.server.url("/huge-feed/feed.xml")
    assert world.store.db.execute("SELECT items FROM sources WHERE url = ?", [url]).fetchone()[0] == 2000
    fetched = [r for r in world.server.requests if r.path.startswith("/huge-feed/n/")]
    assert len(fetched) == 5  # max_articles_per_source


def test_a_page_of_200000_characters_is_stored_whole(world: World) -> None:
    url = world.server.url("/huge-page/a.html")
    text = world.store.db.execute("SELECT text FROM articles WHERE fetched_url = ?", [url]).fetchone()[0]
    assert len(text) > 150_000


# ---- round two (issue 15) ----


def test_a_header_drip_ends_at_the_deadline_and_is_not_retried(world: World) -> None:
    assert len(world.server.requests_for("/header-drip/feed.xml")) == 1
    assert [reason[:9] for reason in reasons(world, "header-drip")] == ["deadline:"]


@pytest.mark.parametrize("path", ["/header-flood/feed.xml", "/huge-header-line/feed.xml", "/bad-chunked/feed.xml",
                                  "/meta-refresh-loop/feed.xml", "/redirect-file/feed.xml"])
def test_faults_that_another_try_cannot_mend_are_not_retried(world: World, path: str) -> None:
    assert len(world.server.requests_for(path)) == 1


@pytest.mark.parametrize("name", ["ruishu-412", "jsl-521", "cloudflare-503", "aliyun-200"])
def test_a_challenge_is_named_with_its_service_and_never_retried(world: World, name: str) -> None:
    url = world.server.url(f"/js-challenge/{name}.xml")
    error = world.store.db.execute("SELECT error FROM sources WHERE url = ?", [url]).fetchone()[0]
    assert blocked_reason(error) == "challenge"
    service = {"ruishu-412": "瑞数", "jsl-521": "加速乐", "cloudflare-503": "Cloudflare", "aliyun-200": "Aliyun"}[name]
    assert service in error
    assert len(world.server.requests_for(f"/js-challenge/{name}.xml")) == 1


def test_challenge_and_login_pages_are_never_stored(world: World) -> None:
    blocked = {world.server.url(path) for path in ("/challenge-article/enable-js-200.html",
                                                   "/challenge-article/captcha-200.html", "/members-only/member.html")}
    assert not blocked & stored_urls(world)
    recorded = {row[0]: blocked_reason(row[1]) for row in world.store.db.execute(
        "SELECT url, reason FROM failures WHERE outlet IN ('challenge-article', 'members-only')")}
    assert recorded == {**dict.fromkeys(blocked - {world.server.url("/members-only/member.html")}, "challenge"),
                        world.server.url("/members-only/member.html"): "login",
                        world.server.url("/members-only/feed.xml"): "login"}


def test_a_redirect_to_a_login_page_is_not_followed(world: World) -> None:
    assert world.server.requests_for("/members-only/passport/login") == []


def test_a_page_that_is_only_a_meta_refresh_is_followed(world: World) -> None:
    assert len(world.server.requests_for("/meta-refresh-stub/real.html")) == 1
    assert len(world.server.requests_for("/meta-refresh-stub/real-list.html")) == 1
    url = world.server.url("/meta-refresh-stub/list.html")
    assert world.store.db.execute("SELECT status, items FROM sources WHERE url = ?", [url]).fetchone() == ("ok", 1)


def test_a_meta_refresh_loop_is_left_at_the_first_page_seen_twice(world: World) -> None:
    assert [len(world.server.requests_for(f"/meta-refresh-loop/{name}.html")) for name in "ab"] == [1, 1]


def test_no_local_file_reaches_the_database(world: World) -> None:
    """file: redirects and XML external entities point at a file holding a random token: no table has it."""
    token = world.server.token
    for (table,) in world.store.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
        for row in world.store.db.execute(f"SELECT * FROM [{table}]"):
            text = " ".join(v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for v in row)
            assert token not in text, table


def test_nul_bytes_never_reach_the_store(world: World) -> None:
    rows = world.store.db.execute("SELECT title, text FROM articles").fetchall()
    assert rows and not any("\0" in f"{title}{text}" for title, text in rows)
    url = world.server.url("/nul-bytes/a.html")
    text = world.store.db.execute("SELECT text FROM articles WHERE fetched_url = ?", [url]).fetchone()[0]
    assert "浮梁国际传播中心在浮梁县融媒体中心揭牌成立" in text


def test_every_fault_is_in_the_documentation() -> None:
    doc = (ROOT / "docs" / "FAULTS.md").read_text("utf-8")
    missing = [name for name in FAULTS if f"`{name}`" not in doc]
    assert not missing


# ---- real specimens ----


@pytest.mark.realworld
def test_real_gb2312_feeds_are_read(world: World) -> None:
    for number, name in enumerate(REALWORLD_FEEDS):
        url = world.server.url(f"/realworld/feed{number}.xml")
        row = world.store.db.execute("SELECT status, items FROM sources WHERE url = ?", [url]).fetchone()
        assert row[0] == "ok" and row[1] > 0, name
    titles = [r[0] for r in world.store.db.execute("SELECT title FROM articles WHERE outlet = 'realworld'")]
    assert titles and all("\ufffd" not in (t or "") for t in titles)


@pytest.mark.realworld
def test_real_pages_with_hostile_encodings_are_decoded(world: World) -> None:
    for number, name in enumerate(REALWORLD_PAGES):
        url = world.server.url(f"/realworld/page{number}.html")
        row = world.store.db.execute("SELECT title, text FROM articles WHERE fetched_url = ?", [url]).fetchone()
        assert row is not None, name
        stored = f"{row[0] or ''}{row[1]}"
        assert "\ufffd" not in stored, name
        assert _expected_words(name) in _squeeze(stored), name


def _expected_words(name: str) -> str:
    folder = REALWORLD / "pages" / Path(name).parent
    if (folder / "cleaned.txt").exists():
        return _squeeze((folder / "cleaned.txt").read_text("utf-8"))[:12]
    evaldata = REALWORLD / "pages" / name.replace(".html", ".evaldata.json")
    if evaldata.exists():
        return _squeeze(json.loads(evaldata.read_text("utf-8"))["with"][0])
    words = "今年的6月16日是父亲节"  # gne/people-1.html: UTF-8 that declares GB2312
    assert words in (REALWORLD / "pages" / name).read_bytes().decode("utf-8")
    return words


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text.replace("\u3000", " ").replace("\xa0", " "))


# ---- faults that need a host or settings of their own ----


def _run_one(tmp_path: Path, feed: str, **fetch: object) -> tuple[Store, RunSummary]:
    settings = {"timeout": 0.5, "retries": 0, "host_delay": 0.0, "host_concurrency": 4, **fetch}
    text = "[fetch]\n" + "".join(f"{k} = {v!r}\n" for k, v in settings.items())
    text += f'\n[[outlets]]\nname = "慢站"\nlevel = "county"\nprovince = "江西省"\nfeeds = ["{feed}"]\n'
    store = Store.open(tmp_path / "one.db")
    return store, run(parse_config(text, str(tmp_path / "feeds.toml")), store, max_seconds=60)


def test_crawl_delay_spaces_the_requests_to_its_host(local_server: LocalServer, tmp_path: Path) -> None:
    server = local_server
    server.route("/robots.txt", body="User-agent: *\nCrawl-delay: 1\n")
    articles = [server.url(f"/a{i}.html") for i in range(2)]
    for i in range(2):
        server.route(f"/a{i}.html", body=page(f"慢站{i}", good_paragraphs(f"慢站{i}")))
    server.route("/feed.xml", body=rss([(f"慢站{i}", url) for i, url in enumerate(articles)]))
    store, summary = _run_one(tmp_path, server.url("/feed.xml"), max_retry_after=2.0)
    assert summary.status == "completed" and store.count("articles") == 2
    starts = sorted(r.at for r in server.requests if r.path != "/robots.txt")
    assert all(later - earlier >= 0.9 for earlier, later in itertools.pairwise(starts)), starts


def test_a_crawl_delay_of_an_hour_is_capped_by_max_retry_after(local_server: LocalServer, tmp_path: Path) -> None:
    server = local_server
    server.route("/robots.txt", body="User-agent: *\nCrawl-delay: 3600\n")
    server.route("/a.html", body=page("慢站", good_paragraphs("慢站")))
    server.route("/feed.xml", body=rss([("慢站", server.url("/a.html"))]))
    store, summary = _run_one(tmp_path, server.url("/feed.xml"), max_retry_after=0.2)
    assert summary.status == "completed" and store.count("articles") == 1


@pytest.mark.parametrize("names", [["gzip-bomb"], ["billion-laughs", "entity-blowup"]], ids=["gzip", "entities"])
def test_bombs_do_not_take_memory(fault_server: FaultServer, tmp_path: Path, names: list[str]) -> None:
    """Traced peak while the bombs go through the pipeline (the Python objects the monitor creates):
    a gzip bomb stops at max_bytes, entity bombs are refused before anything expands."""
    fault_server.install(["empty-feed"])  # a first run loads the lexicon, gazetteer and parsers
    run(parse_config(fault_server.config_text(), str(tmp_path / "warm.toml")), Store.open(tmp_path / "warm.db"))
    fault_server.outlets.clear()
    fault_server.install(names)
    config = parse_config(fault_server.config_text(max_bytes=1_000_000), str(tmp_path / "feeds.toml"))
    store = Store.open(tmp_path / "bombs.db")
    tracemalloc.start()
    try:
        summary = run(config, store, max_seconds=60)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert summary.status == "completed"
    assert {outlet for outlet, _, _ in summary.failures} == set(names)
    assert peak < 8_000_000, peak
