"""monitor.fetch.client against a real local HTTP server (tests.support.http), with injected sleep and clock so
that backoff and politeness are checked without waiting."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import threading
import zlib
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from monitor.errors import ConfigError
from monitor.fetch.client import Fetcher, failure_reason
from monitor.models import FetchSettings, Validators
from monitor.sources.config import parse_config
from tests.support.http import LocalServer, Reply, unused_port_url
from tests.support.http import local_server as local_server_fixture  # noqa: F401

UA = "monitor-test/1.0 (+https://example.org/monitor)"


class FakeTime:
    """A clock that only moves when the fetcher sleeps; every sleep is recorded."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def settings(**changes: Any) -> FetchSettings:
    base = FetchSettings(
        user_agent=UA, timeout=0.5, max_bytes=100_000, retries=0, backoff=1.0, host_delay=0.0, max_redirects=5
    )
    return replace(base, **changes)


def fetcher(fake: FakeTime | None = None, **changes: Any) -> Fetcher:
    fake = fake or FakeTime()
    return Fetcher(settings(**changes), sleep=fake.sleep, clock=fake.clock)


# ---- success, headers ----


def test_success_returns_body_type_and_validators(local_server: LocalServer) -> None:
    local_server.route(
        "/page",
        body=b"<html>ok</html>",
        headers={
            "Content-Type": "text/html; charset=utf-8",
            "ETag": '"v1"',
            "Last-Modified": "Mon, 01 Jan 2024 00:00:00 GMT",
        },
    )
    with fetcher() as f:
        result = f.fetch(local_server.url("/page"))
    assert result.ok
    assert (result.status, result.content, result.content_type) == (
        200,
        b"<html>ok</html>",
        "text/html; charset=utf-8",
    )
    assert (result.etag, result.last_modified) == ('"v1"', "Mon, 01 Jan 2024 00:00:00 GMT")
    assert result.final_url == local_server.url("/page")
    assert not result.permanent_redirect
    assert result.elapsed >= 0


def test_user_agent_sent_to_pages_and_robots(local_server: LocalServer) -> None:
    local_server.route("/page", body=b"x")
    with fetcher() as f:
        f.fetch(local_server.url("/page"))
    assert [r.path for r in local_server.requests] == ["/robots.txt", "/page"]
    assert {r.headers["user-agent"] for r in local_server.requests} == {UA}
    assert "gzip" in local_server.requests[1].headers["accept-encoding"]


def test_chinese_url_is_fetched(local_server: LocalServer) -> None:
    local_server.route("/%E6%96%B0%E9%97%BB/1.htm", body=b"ok")
    with fetcher() as f:
        result = f.fetch(local_server.url("/新闻/1.htm"))
    assert result.ok, result.error
    assert result.content == b"ok"


# ---- failures come back as results, and the fetcher goes on ----


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (Reply(404), "HTTP 404 Not Found"),
        (Reply(500), "HTTP 500 Internal Server Error"),
        (Reply(403, b"no"), "HTTP 403 Forbidden"),
        (Reply(raw=b"garbage, not HTTP\r\n\r\n"), "bad HTTP response"),
        (Reply(delay=1.5), "timed out after 0.5s"),
        (Reply(body=b"x" * 2000, drip=0.15, chunk_size=100), "timed out after 0.5s"),
        (Reply(reset=True), "connection"),
        (Reply(200, b"short", headers={"Content-Length": "5000"}, content_length=False), "bad HTTP response"),
    ],
    ids=["404", "500", "403", "garbage", "slow-headers", "drip-body", "reset", "truncated"],
)
def test_bad_answer_gives_error_result_and_the_next_url_works(
    local_server: LocalServer, reply: Reply, expected: str
) -> None:
    local_server.sequence("/bad", [reply])
    local_server.route("/good", body=b"fine")
    with Fetcher(settings()) as f:  # the real clock: a dripping body must hit the deadline
        bad = f.fetch(local_server.url("/bad"))
        good = f.fetch(local_server.url("/good"))
    assert bad.error is not None and bad.error.startswith(expected), bad.error
    assert not bad.ok and bad.content == b""
    assert good.ok and good.content == b"fine"


def test_host_down_gives_connection_refused() -> None:
    with fetcher() as f:
        result = f.fetch(unused_port_url("/feed.xml"))
    assert result.error == "connection refused"
    assert result.status is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("ftp://example.org/file", "not http(s)"),
        ("javascript:void(0)", "not http(s)"),
        ("mailto:news@example.org", "not http(s)"),
        ("/relative/path.htm", "not http(s)"),
        ("http:///no-host", "invalid URL: no host"),
        ("", "not http(s)"),
    ],
)
def test_unfetchable_urls(url: str, expected: str) -> None:
    with fetcher() as f:
        result = f.fetch(url)
    assert result.error == expected
    assert result.url == url


def test_unexpected_exception_becomes_an_error_result() -> None:
    def explode(request: httpx.Request) -> httpx.Response:
        raise RuntimeError("boom")

    with Fetcher(settings(respect_robots=False), transport=httpx.MockTransport(explode)) as f:
        result = f.fetch("http://example.org/")
    assert result.error == "internal error: RuntimeError: boom"


# ---- retries, backoff, Retry-After ----


def test_503_retried_with_exponential_backoff_then_success(local_server: LocalServer) -> None:
    local_server.sequence("/feed", [Reply(503), Reply(503), Reply(200, b"items")])
    fake = FakeTime()
    with fetcher(fake, retries=2, backoff=0.5) as f:
        result = f.fetch(local_server.url("/feed"))
    assert result.ok and result.content == b"items"
    assert fake.sleeps == [0.5, 1.0]
    assert len(local_server.requests_for("/feed")) == 3


def test_gives_up_after_the_retries(local_server: LocalServer) -> None:
    local_server.route("/feed", 502)
    fake = FakeTime()
    with fetcher(fake, retries=2) as f:
        result = f.fetch(local_server.url("/feed"))
    assert result.error == "HTTP 502 Bad Gateway (after 3 attempts)"
    assert result.status == 502
    assert fake.sleeps == [1.0, 2.0]
    assert len(local_server.requests_for("/feed")) == 3


def test_404_is_not_retried(local_server: LocalServer) -> None:
    local_server.route("/gone", 404)
    fake = FakeTime()
    with fetcher(fake, retries=3) as f:
        assert f.fetch(local_server.url("/gone")).error == "HTTP 404 Not Found"
    assert fake.sleeps == []
    assert len(local_server.requests_for("/gone")) == 1


def test_connection_errors_are_retried() -> None:
    fake = FakeTime()
    with fetcher(fake, retries=2, backoff=0.25, respect_robots=False) as f:
        result = f.fetch(unused_port_url())
    assert result.error == "connection refused (after 3 attempts)"
    assert fake.sleeps == [0.25, 0.5]


def test_timeouts_are_retried(local_server: LocalServer) -> None:
    local_server.sequence("/slow", [Reply(delay=1.0), Reply(200, b"now")])
    fake = FakeTime()
    with fetcher(fake, retries=1, respect_robots=False) as f:
        result = f.fetch(local_server.url("/slow"))
    assert result.ok and result.content == b"now"
    assert fake.sleeps == [1.0]


def test_429_retry_after_seconds_honoured(local_server: LocalServer) -> None:
    local_server.sequence("/feed", [Reply(429, headers={"Retry-After": "7"}), Reply(200, b"ok")])
    fake = FakeTime()
    with fetcher(fake, retries=2) as f:
        result = f.fetch(local_server.url("/feed"))
    assert result.ok
    assert fake.sleeps == [7.0]


def test_retry_after_http_date_honoured(local_server: LocalServer) -> None:
    when = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30)
    date = when.strftime("%a, %d %b %Y %H:%M:%S GMT")
    local_server.sequence("/feed", [Reply(503, headers={"Retry-After": date}), Reply(200, b"ok")])
    fake = FakeTime()
    with fetcher(fake, retries=1) as f:
        assert f.fetch(local_server.url("/feed")).ok
    assert len(fake.sleeps) == 1
    assert 20 < fake.sleeps[0] <= 30


def test_retry_after_above_the_cap_gives_up_and_says_so(local_server: LocalServer) -> None:
    local_server.route("/feed", 429, headers={"Retry-After": "3600"})
    fake = FakeTime()
    with fetcher(fake, retries=3, max_retry_after=60.0) as f:
        result = f.fetch(local_server.url("/feed"))
    assert result.error is not None
    assert result.error.startswith("HTTP 429 Too Many Requests")
    assert "3600s" in result.error and "max_retry_after (60s)" in result.error
    assert fake.sleeps == []
    assert len(local_server.requests_for("/feed")) == 1


# ---- conditional GET ----


def test_conditional_get_sends_validators_and_reports_304(local_server: LocalServer) -> None:
    local_server.route("/feed", 304, headers={"ETag": '"v2"'})
    validators = Validators(etag='"v1"', last_modified="Mon, 01 Jan 2024 00:00:00 GMT")
    with fetcher() as f:
        result = f.fetch(local_server.url("/feed"), validators)
    sent = local_server.requests_for("/feed")[0].headers
    assert sent["if-none-match"] == '"v1"'
    assert sent["if-modified-since"] == "Mon, 01 Jan 2024 00:00:00 GMT"
    assert result.not_modified and result.error is None and not result.ok
    assert result.status == 304
    assert result.etag == '"v2"'
    assert result.last_modified == "Mon, 01 Jan 2024 00:00:00 GMT"  # kept: the 304 did not repeat it


def test_no_validators_no_conditional_headers(local_server: LocalServer) -> None:
    local_server.route("/feed", body=b"x")
    with fetcher() as f:
        f.fetch(local_server.url("/feed"), Validators())
    sent = local_server.requests_for("/feed")[0].headers
    assert "if-none-match" not in sent and "if-modified-since" not in sent


def test_validators_follow_an_http_to_https_style_redirect(local_server: LocalServer) -> None:
    local_server.route("/old", 301, headers={"Location": "/new"})
    local_server.route("/new", 304)
    with fetcher() as f:
        result = f.fetch(local_server.url("/old"), Validators(etag='"e"'))
    assert result.not_modified and result.permanent_redirect
    assert local_server.requests_for("/new")[0].headers["if-none-match"] == '"e"'


# ---- size cap, compression ----


def test_body_over_the_cap_with_content_length(local_server: LocalServer) -> None:
    local_server.route("/big", body=b"x" * 100_001)
    with fetcher(max_bytes=100_000) as f:
        result = f.fetch(local_server.url("/big"))
    assert result.error is not None and result.error.startswith("body larger than 100000 bytes (max_bytes")
    assert result.content == b""


def test_body_over_the_cap_without_content_length(local_server: LocalServer) -> None:
    local_server.route("/big", body=b"x" * 300_000, content_length=False)
    with fetcher(max_bytes=100_000) as f:
        result = f.fetch(local_server.url("/big"))
    assert result.error is not None and result.error.startswith("body larger than 100000 bytes (max_bytes")


def test_body_at_the_cap_is_fine(local_server: LocalServer) -> None:
    local_server.route("/exact", body=b"x" * 100_000, content_length=False)
    with fetcher(max_bytes=100_000) as f:
        result = f.fetch(local_server.url("/exact"))
    assert result.ok and len(result.content) == 100_000


@pytest.mark.parametrize(
    ("encoding", "compress"),
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda data: zlib.compress(data)[2:-4]),  # raw deflate, as some servers send it
    ],
    ids=["gzip", "deflate-zlib", "deflate-raw"],
)
def test_compressed_body_is_decoded(local_server: LocalServer, encoding: str, compress: Any) -> None:
    body = "国际传播中心".encode() * 5000
    local_server.route("/z", body=compress(body), headers={"Content-Encoding": encoding})
    with fetcher() as f:
        result = f.fetch(local_server.url("/z"))
    assert result.ok, result.error
    assert result.content == body


def test_gzip_bomb_stops_at_the_cap(local_server: LocalServer) -> None:
    bomb = gzip.compress(b"\0" * 30_000_000, compresslevel=9)
    assert len(bomb) < 100_000
    local_server.route("/bomb", body=bomb, headers={"Content-Encoding": "gzip"})
    with fetcher(max_bytes=1_000_000) as f:
        result = f.fetch(local_server.url("/bomb"))
    assert result.error is not None and result.error.startswith("body larger than 1000000 bytes")
    assert result.content == b""


def test_broken_gzip_is_an_error(local_server: LocalServer) -> None:
    local_server.route("/z", body=b"this is not gzip at all", headers={"Content-Encoding": "gzip"})
    with fetcher() as f:
        result = f.fetch(local_server.url("/z"))
    assert result.error is not None and result.error.startswith("cannot decompress the gzip body")


# ---- redirects ----


def _chain(server: LocalServer, hops: int, status: int = 302) -> None:
    for i in range(hops):
        server.route(f"/r{i}", status, headers={"Location": f"/r{i + 1}"})
    server.route(f"/r{hops}", body=b"end")


def test_redirects_up_to_the_limit_are_followed(local_server: LocalServer) -> None:
    _chain(local_server, 5)
    with fetcher(max_redirects=5) as f:
        result = f.fetch(local_server.url("/r0"))
    assert result.ok and result.content == b"end"
    assert result.final_url == local_server.url("/r5")
    assert result.url == local_server.url("/r0")
    assert not result.permanent_redirect


def test_too_many_redirects(local_server: LocalServer) -> None:
    _chain(local_server, 6)
    with fetcher(max_redirects=5) as f:
        result = f.fetch(local_server.url("/r0"))
    assert result.error is not None and result.error.startswith("too many redirects (>5): still redirecting at ")
    assert local_server.url("/r5") in result.error and "feeds.toml" in result.error
    assert local_server.requests_for("/r6") == []


def test_redirect_loop_is_stopped(local_server: LocalServer) -> None:
    local_server.route("/loop", 302, headers={"Location": "/loop"})
    with fetcher(max_redirects=3) as f:
        error = f.fetch(local_server.url("/loop")).error
    assert error == (f"too many redirects (>3): a redirect loop through {local_server.url('/loop')}; "
                     "open the address in a browser and update feeds.toml")
    assert len(local_server.requests_for("/loop")) == 4


@pytest.mark.parametrize(
    ("statuses", "permanent"),
    [
        ((301,), True),
        ((308,), True),
        ((301, 308), True),
        ((302,), False),
        ((307,), False),
        ((301, 302), False),
    ],
)
def test_permanent_redirect_flag(
    local_server: LocalServer, statuses: tuple[int, ...], permanent: bool
) -> None:
    for i, status in enumerate(statuses):
        local_server.route(f"/r{i}", status, headers={"Location": local_server.url(f"/r{i + 1}")})
    local_server.route(f"/r{len(statuses)}", body=b"moved here")
    with fetcher() as f:
        result = f.fetch(local_server.url("/r0"))
    assert result.ok
    assert result.permanent_redirect is permanent
    assert result.final_url == local_server.url(f"/r{len(statuses)}")


def test_redirect_to_another_scheme_is_refused(local_server: LocalServer) -> None:
    local_server.route("/r", 302, headers={"Location": "ftp://example.org/file"})
    with fetcher() as f:
        result = f.fetch(local_server.url("/r"))
    assert result.error == "redirect to a non-http(s) URL: ftp://example.org/file"


def test_redirect_without_location(local_server: LocalServer) -> None:
    local_server.route("/r", 302)
    with fetcher() as f:
        assert f.fetch(local_server.url("/r")).error == "HTTP 302 redirect without a Location header"


# ---- robots.txt ----


def test_robots_disallow(local_server: LocalServer) -> None:
    local_server.route("/robots.txt", body=b"User-agent: *\nDisallow: /private/\n")
    local_server.route("/private/a.htm", body=b"secret")
    local_server.route("/public/a.htm", body=b"news")
    with fetcher() as f:
        refused = f.fetch(local_server.url("/private/a.htm"))
        allowed = f.fetch(local_server.url("/public/a.htm"))
    assert refused.error == "disallowed by robots.txt"
    assert allowed.ok
    assert local_server.requests_for("/private/a.htm") == []
    assert len(local_server.requests_for("/robots.txt")) == 1


def test_robots_group_for_our_user_agent(local_server: LocalServer) -> None:
    local_server.route(
        "/robots.txt", body=b"User-agent: monitor-test\nDisallow: /\n\nUser-agent: *\nAllow: /\n"
    )
    local_server.route("/a", body=b"x")
    with fetcher() as f:
        assert f.fetch(local_server.url("/a")).error == "disallowed by robots.txt"


def test_robots_ignored_when_settings_say_so(local_server: LocalServer) -> None:
    local_server.route("/robots.txt", body=b"User-agent: *\nDisallow: /\n")
    local_server.route("/a", body=b"x")
    with fetcher(respect_robots=False) as f:
        assert f.fetch(local_server.url("/a")).ok
    assert local_server.requests_for("/robots.txt") == []


def test_redirect_into_a_disallowed_path(local_server: LocalServer) -> None:
    local_server.route("/robots.txt", body=b"User-agent: *\nDisallow: /private/\n")
    local_server.route("/go", 302, headers={"Location": "/private/x"})
    with fetcher() as f:
        result = f.fetch(local_server.url("/go"))
    assert result.error == "disallowed by robots.txt"
    assert result.final_url == local_server.url("/private/x")
    assert local_server.requests_for("/private/x") == []


@pytest.mark.parametrize("status", [404, 410, 500, 503])
def test_robots_missing_or_broken_allows_all(local_server: LocalServer, status: int) -> None:
    local_server.route("/robots.txt", status)
    local_server.route("/a", body=b"x")
    local_server.route("/b", body=b"y")
    with fetcher() as f:
        assert f.fetch(local_server.url("/a")).ok
        assert f.fetch(local_server.url("/b")).ok
    assert len(local_server.requests_for("/robots.txt")) == 1


def test_robots_fetched_once_by_concurrent_threads(local_server: LocalServer) -> None:
    local_server.route("/robots.txt", body=b"User-agent: *\nAllow: /\n", delay=0.2)
    local_server.route("/a", body=b"x")
    with Fetcher(settings(host_concurrency=4)) as f:
        results = _in_threads(lambda: f.fetch(local_server.url("/a")), 6)
    assert all(r.ok for r in results)
    assert len(local_server.requests_for("/robots.txt")) == 1


def test_crawl_delay_larger_than_configured_is_used(local_server: LocalServer) -> None:
    local_server.route("/robots.txt", body=b"User-agent: *\nCrawl-delay: 3\n")
    local_server.route("/a", body=b"x")
    fake = FakeTime()
    with fetcher(fake, host_delay=1.0) as f:
        for _ in range(3):
            assert f.fetch(local_server.url("/a")).ok
    assert fake.sleeps == [3.0, 3.0, 3.0]  # robots.txt, then three pages, 3 s apart


def test_crawl_delay_smaller_than_configured_is_ignored(local_server: LocalServer) -> None:
    local_server.route("/robots.txt", body=b"User-agent: *\nCrawl-delay: 0.5\n")
    local_server.route("/a", body=b"x")
    fake = FakeTime()
    with fetcher(fake, host_delay=2.0) as f:
        f.fetch(local_server.url("/a"))
        f.fetch(local_server.url("/a"))
    assert fake.sleeps == [2.0, 2.0]


# ---- per-host delay and concurrency ----


def test_per_host_delay_between_requests(local_server: LocalServer) -> None:
    local_server.route("/a", body=b"x")
    fake = FakeTime()
    with fetcher(fake, host_delay=2.0, respect_robots=False) as f:
        for _ in range(3):
            f.fetch(local_server.url("/a"))
    assert fake.sleeps == [2.0, 2.0]


def test_delay_already_elapsed_means_no_wait(local_server: LocalServer) -> None:
    local_server.route("/a", body=b"x")
    fake = FakeTime()
    with fetcher(fake, host_delay=2.0, respect_robots=False) as f:
        f.fetch(local_server.url("/a"))
        fake.now += 5.0
        f.fetch(local_server.url("/a"))
    assert fake.sleeps == []


def test_other_hosts_do_not_wait(local_server: LocalServer) -> None:
    local_server.route("/a", body=b"x")
    fake = FakeTime()
    other_host = local_server.url("/a").replace("127.0.0.1", "localhost")
    with fetcher(fake, host_delay=2.0, respect_robots=False) as f:
        assert f.fetch(local_server.url("/a")).ok
        assert f.fetch(other_host).ok
    assert fake.sleeps == []


@pytest.mark.parametrize("limit", [1, 2])
def test_per_host_concurrency_limit(local_server: LocalServer, limit: int) -> None:
    local_server.route("/slow", body=b"x", delay=0.15)
    with Fetcher(settings(host_concurrency=limit, respect_robots=False)) as f:
        results = _in_threads(lambda: f.fetch(local_server.url("/slow")), 5)
    assert all(r.ok for r in results)
    assert 1 <= local_server.max_in_flight <= limit


def _in_threads(call: Any, count: int) -> list[Any]:
    results: list[Any] = [None] * count

    def run(i: int) -> None:
        results[i] = call()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


# ---- hostile servers (issue 6) ----


def test_reset_in_the_middle_of_the_body_keeps_nothing(local_server: LocalServer) -> None:
    local_server.route("/cut", body=b"<rss>" + b"x" * 4000, reset_after=100)
    with fetcher() as f:
        result = f.fetch(local_server.url("/cut"))
    assert result.error == "connection reset by the server"
    assert result.content == b""


def test_robots_txt_is_read_up_to_500_kib(local_server: LocalServer) -> None:
    padding = b"# a very long robots.txt\n" * 25_000  # 625,000 bytes
    local_server.route("/robots.txt", body=b"User-agent: *\nDisallow: /early/\n" + padding + b"Disallow: /late/\n")
    local_server.route("/early/a", body=b"x")
    local_server.route("/late/a", body=b"x")
    with fetcher(max_bytes=1_000_000) as f:
        assert f.fetch(local_server.url("/early/a")).error == "disallowed by robots.txt"
        assert f.fetch(local_server.url("/late/a")).ok


# ---- a deadline for the request as a whole, cancel, blocked, meta refresh, broken framing (issue 15) ----

HEADER_DRIP = b"HTTP/1.1 200 OK\r\n" + b"X-Drip: 0123456789\r\n" * 500  # 0.1 s a line: 50 s in all


def test_a_header_drip_ends_at_the_deadline_not_when_the_server_likes(local_server: LocalServer) -> None:
    local_server.route("/drip", raw=HEADER_DRIP, drip=0.1, chunk_size=20)
    with Fetcher(settings(timeout=1.0, deadline=1.5, retries=2, backoff=0.01)) as f:
        result = f.fetch(local_server.url("/drip"))
    assert result.reason == "deadline"
    assert result.error == "deadline: no complete answer within 1.5s (deadline in [fetch]); the server kept the " \
                           "request going"
    assert 1.4 <= result.elapsed < 10.0  # not the 50 s the server would take
    assert len(local_server.requests_for("/drip")) == 1  # a deadline is not retried


def test_the_deadline_counts_every_hop_of_a_redirect(local_server: LocalServer) -> None:
    for hop in range(4):
        local_server.route(f"/r{hop}", 302, headers={"Location": f"/r{hop + 1}"}, delay=0.3)
    local_server.route("/r4", body=b"x")
    with Fetcher(settings(timeout=1.0, deadline=0.8)) as f:
        result = f.fetch(local_server.url("/r0"))
    assert result.reason == "deadline"
    assert local_server.requests_for("/r4") == []


def test_waiting_for_the_hosts_politeness_slot_does_not_count(local_server: LocalServer) -> None:
    local_server.route("/a", body=b"a")
    local_server.route("/b", body=b"b")
    with Fetcher(settings(host_delay=1.0, deadline=0.6, respect_robots=False)) as f:
        first, second = f.fetch(local_server.url("/a")), f.fetch(local_server.url("/b"))
    assert first.ok and second.ok  # the second waited ~1 s for its slot, more than its deadline
    assert second.elapsed >= 0.9


def test_a_retry_wait_that_would_pass_the_deadline_is_not_started(local_server: LocalServer) -> None:
    local_server.route("/busy", 503, headers={"Retry-After": "20"})
    fake = FakeTime()
    with fetcher(fake, retries=3, deadline=10.0) as f:
        result = f.fetch(local_server.url("/busy"))
    assert fake.sleeps == [] and len(local_server.requests_for("/busy")) == 1
    assert result.error == "HTTP 503 Service Unavailable" and result.reason is None


def test_cancel_ends_a_request_in_flight_at_once_and_starts_no_other(local_server: LocalServer) -> None:
    local_server.route("/drip", raw=HEADER_DRIP, drip=0.1, chunk_size=20)
    with Fetcher(settings(timeout=30.0, deadline=60.0, retries=2)) as f:
        threading.Timer(0.5, f.cancel).start()
        result = f.fetch(local_server.url("/drip"))
        later = f.fetch(local_server.url("/drip"))
    assert (result.reason, later.reason) == ("cancelled", "cancelled")
    assert result.error is not None and result.error.startswith("cancelled: ")
    assert result.elapsed < 10.0  # not the 50 s the server would take
    assert len(local_server.requests_for("/drip")) == 1


def test_a_fetch_on_a_closed_fetcher_is_cancelled_without_an_error_logged(
        local_server: LocalServer, caplog: pytest.LogCaptureFixture) -> None:
    local_server.route("/a", body=b"a")
    f = Fetcher(settings())
    f.close()
    result = f.fetch(local_server.url("/a"))
    assert result.reason == "cancelled"
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


def test_cancel_interrupts_a_backoff_wait(local_server: LocalServer) -> None:
    local_server.route("/busy", 503)
    with Fetcher(settings(retries=1, backoff=30.0, deadline=60.0)) as f:
        threading.Timer(0.5, f.cancel).start()
        result = f.fetch(local_server.url("/busy"))
    assert result.elapsed < 10.0 and len(local_server.requests_for("/busy")) == 1  # not after 30 s


def _specimen(name: str) -> Reply:
    folder = Path(__file__).parent / "data" / "blocked"
    spec = json.loads((folder / f"{name}.json").read_text("utf-8"))
    return Reply(spec["status"], (folder / f"{name}.html").read_bytes(), spec["headers"])


@pytest.mark.parametrize(("name", "reason"), [("ruishu-412", "challenge"), ("jsl-521", "challenge"),
                                              ("cloudflare-503", "challenge"), ("captcha-200", "challenge"),
                                              ("login-form-200", "login"), ("http-401", "login")])
def test_blocked_answers_are_named_not_retried_and_give_no_content(
        local_server: LocalServer, name: str, reason: str) -> None:
    local_server.sequence("/x", [_specimen(name)])
    with fetcher(retries=2) as f:
        result = f.fetch(local_server.url("/x"))
    assert result.reason == reason and result.blocked
    assert result.error is not None and result.error.startswith(f"blocked ({reason}): ")
    assert result.content == b"" and not result.ok
    assert len(local_server.requests_for("/x")) == 1


def test_a_plain_server_error_is_still_retried(local_server: LocalServer) -> None:
    local_server.sequence("/x", [_specimen("http-503-plain"), Reply(200, b"ok")])
    with fetcher(retries=1) as f:
        result = f.fetch(local_server.url("/x"))
    assert result.ok and result.content == b"ok"


def test_a_redirect_to_a_login_page_stops_before_requesting_it(local_server: LocalServer) -> None:
    local_server.route("/feed.xml", 302, headers={"Location": "/sso/login.jsp?service=/feed.xml"})
    local_server.route("/sso/login.jsp", body=b"<form><input type=password></form>")
    with fetcher() as f:
        result = f.fetch(local_server.url("/feed.xml"))
    assert result.reason == "login" and result.final_url == local_server.url("/sso/login.jsp?service=/feed.xml")
    assert local_server.requests_for("/sso/login.jsp") == []


def test_a_page_that_is_only_a_meta_refresh_is_followed_as_a_redirect(local_server: LocalServer) -> None:
    local_server.route("/old.html", body=b'<html><head><meta http-equiv="refresh" content="0; url=/new.html">')
    local_server.route("/new.html", body=b"<html><body>" + "正文".encode() * 200 + b"</body></html>")
    with fetcher() as f:
        result = f.fetch(local_server.url("/old.html"))
    assert result.ok and result.final_url == local_server.url("/new.html") and not result.permanent_redirect


@pytest.mark.parametrize(("target", "expected"), [
    ("", "is only a meta refresh to itself"),
    ("; url=/loop.html", "is only a meta refresh to itself"),
    ("; url=file:///etc/passwd", "redirect to a non-http(s) URL: file:"),
])
def test_a_meta_refresh_to_itself_or_to_a_file_is_not_followed(
        local_server: LocalServer, target: str, expected: str) -> None:
    local_server.route("/loop.html", body=f'<meta http-equiv="refresh" content="0{target}">')
    with fetcher(retries=2) as f:
        result = f.fetch(local_server.url("/loop.html"))
    assert result.error is not None and expected in result.error
    assert len(local_server.requests_for("/loop.html")) == 1


def test_meta_refreshes_count_against_max_redirects(local_server: LocalServer) -> None:
    for hop in range(5):
        local_server.route(f"/m{hop}.html", body=f'<meta http-equiv="refresh" content="0;url=/m{hop + 1}.html">')
    with fetcher(max_redirects=2) as f:
        result = f.fetch(local_server.url("/m0.html"))
    assert result.error is not None and result.error.startswith("too many redirects (>2)")


@pytest.mark.parametrize(("raw", "expected"), [
    (b"HTTP/1.1 200 OK\r\n" + b"X-Flood: 0123456789abcdef\r\n" * 10_000 + b"\r\n",
     "bad HTTP response: the response headers are larger than 100 KB (a header flood)"),
    (b"HTTP/1.1 200 OK\r\nX-Huge: " + b"a" * 500_000 + b"\r\n\r\n",
     "bad HTTP response: the response headers are larger than 100 KB (a header flood)"),
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\nabc\r\n0\r\n\r\n",
     "bad HTTP response: invalid chunked encoding"),
], ids=["many-headers", "huge-header-line", "bad-chunked"])
def test_broken_framing_is_named_and_not_retried(local_server: LocalServer, raw: bytes, expected: str) -> None:
    local_server.route("/x", raw=raw)
    with fetcher(retries=2) as f:
        result = f.fetch(local_server.url("/x"))
    assert result.error is not None and result.error.startswith(expected), result.error
    assert len(local_server.requests_for("/x")) == 1


def test_an_encoding_never_asked_for_is_refused(local_server: LocalServer) -> None:
    local_server.route("/x", body=b"\x1b\x8b\x00garbage" * 20, headers={"Content-Encoding": "br"})
    with fetcher() as f:
        result = f.fetch(local_server.url("/x"))
    assert result.error == ("cannot decode the body: the server compressed it as 'br', which the monitor does not "
                            "ask for (Accept-Encoding: gzip, deflate)")


def test_a_proxy_of_the_environment_is_used(local_server: LocalServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """HTTP_PROXY is honoured, as httpx does (the local server answers as the proxy: it sees the full URL)."""
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "HTTPS_PROXY", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", local_server.base_url)
    local_server.route("/via-proxy.html", body=b"proxied")
    with fetcher(respect_robots=False) as f:
        result = f.fetch("http://news.example.invalid/via-proxy.html")
        monkeypatch.setenv("NO_PROXY", "example.invalid")
        bypassed = f.fetch("http://news.example.invalid/via-proxy.html")
    assert result.ok and result.content == b"proxied"
    assert local_server.requests_for("/via-proxy.html")[0].path == "http://news.example.invalid/via-proxy.html"
    assert bypassed.error is not None and bypassed.error.startswith("host not found")


def test_the_deadline_is_a_positive_number_of_feeds_toml() -> None:
    assert FetchSettings().deadline == 60.0
    assert parse_config('[fetch]\ndeadline = 30\n[[outlets]]\nname = "n"\nlevel = "central"\nfeeds = ["http://a.cn/"]\n'
                        ).fetch.deadline == 30
    with pytest.raises(ConfigError, match=r"feeds.toml:2: fetch.deadline = 0 must be"):
        parse_config('[fetch]\ndeadline = 0\n[[outlets]]\nname = "n"\nlevel = "central"\nfeeds = ["http://a.cn/"]\n',
                     "feeds.toml")


def test_the_named_reason_is_read_back_from_the_recorded_words(local_server: LocalServer) -> None:
    local_server.route("/drip", raw=HEADER_DRIP, drip=0.1, chunk_size=20)
    local_server.sequence("/challenge", [_specimen("jsl-521")])
    with Fetcher(settings(timeout=1.0, deadline=0.5)) as f:
        results = [f.fetch(local_server.url(path)) for path in ("/drip", "/challenge")]
        f.cancel()
        results.append(f.fetch(local_server.url("/drip")))
    assert [failure_reason(r.error) for r in results] == [r.reason for r in results] == ["deadline", "challenge",
                                                                                            "cancelled"]
    assert failure_reason("HTTP 500 Internal Server Error (after 3 attempts)") is None
    assert failure_reason(None) is None
