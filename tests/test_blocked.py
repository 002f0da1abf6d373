"""monitor.fetch.blocked: challenges, CAPTCHAs and login walls told from pages (issue 15).

Each specimen of tests/data/blocked is a body with how it is served and what must be said of it; the real
pages of ../shared/realworld and the sample world must all be taken for what they are: pages.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from monitor.fetch.blocked import BLOCKED_REASONS, blocked_reason, detect, login_redirect, visible_text
from monitor.fetch.refresh import refresh_target
from tests.support.realworld import REALWORLD

DATA = Path(__file__).parent / "data" / "blocked"
SAMPLES = Path(__file__).resolve().parents[1] / "samples"
SPECIMENS = sorted(path.stem for path in DATA.glob("*.json"))


@pytest.mark.parametrize("name", SPECIMENS)
def test_specimen_is_recognised_for_what_it_is(name: str) -> None:
    spec = json.loads((DATA / f"{name}.json").read_text("utf-8"))
    headers = {key.lower(): value for key, value in spec["headers"].items()}
    block = detect(spec["status"], headers, (DATA / f"{name}.html").read_bytes())
    if spec["reason"] is None:
        assert block is None, name
    else:
        assert block is not None and block.reason == spec["reason"], name
        assert spec["seen"].lower() in block.seen.lower(), block.seen


def test_there_are_specimens_of_every_kind() -> None:
    reasons = {json.loads((DATA / f"{name}.json").read_text("utf-8"))["reason"] for name in SPECIMENS}
    assert reasons == {"challenge", "login", None}


def _real_pages() -> list[Path]:
    pages = [p for p in (REALWORLD / "pages").rglob("*") if p.suffix in (".html", ".htm")]
    pages += [p for p in (REALWORLD / "outlets").glob("*") if p.suffix in (".html", ".gz")]
    return sorted(pages) + sorted((SAMPLES / "site").rglob("*.html"))


def _body(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


@pytest.mark.realworld
def test_no_real_page_is_taken_for_a_challenge_a_wall_or_a_refresh() -> None:
    pages = _real_pages()
    assert len(pages) > 40
    for path in pages:
        body = _body(path)
        for status in (200, 404):
            assert detect(status, {"content-type": "text/html"}, body) is None, (path, status)
        assert refresh_target(body, "text/html", "http://example.cn/a.html") is None, path


def test_a_challenge_with_no_mark_is_a_server_error() -> None:
    assert detect(503, {}, b"<html><body><h1>503 Service Unavailable</h1></body></html>") is None
    assert detect(412, {}, b"") is None


def test_a_page_with_text_of_its_own_is_a_page_whatever_it_says_about_javascript() -> None:
    text = "<p>" + "县里秋粮收购工作进展顺利，各收购网点秩序井然。" * 12 + "</p>"
    page = f"<html><body><noscript>请开启JavaScript</noscript>{text}</body></html>".encode()
    assert detect(200, {}, page) is None
    assert detect(200, {}, page.replace(text.encode(), b"")) is not None


def test_a_gbk_challenge_page_is_read_in_its_encoding() -> None:
    page = "<html><head><meta charset=gbk></head><body>请开启JavaScript并刷新页面</body></html>".encode("gbk")
    block = detect(200, {"content-type": "text/html"}, page)
    assert block is not None and block.reason == "challenge"


@pytest.mark.parametrize(("chain", "wall"), [
    (["http://a.cn/rss.xml", "http://a.cn/passport/login?return=/rss.xml"], True),
    (["http://a.cn/a.html", "http://a.cn/b.html", "http://a.cn/member/login.do"], True),
    (["http://a.cn/a.html", "http://passport.a.cn/"], True),
    (["http://a.cn/a.html", "https://a.cn/a.html"], False),
    (["http://a.cn/a.html", "http://a.cn/blogindex.html"], False),
    (["http://a.cn/a.html", "http://a.cn/cas_2025/designing.html"], False),
    (["http://a.cn/login/rss.xml", "http://a.cn/login/rss2.xml"], False),  # asked for a login address itself
    (["http://a.cn/a.html"], False),
])
def test_a_redirect_to_a_login_page_is_a_login_wall(chain: list[str], wall: bool) -> None:
    block = login_redirect(chain)
    assert (block is not None and block.reason == "login") == wall


def test_the_recorded_error_says_the_reason_and_can_be_read_back() -> None:
    assert BLOCKED_REASONS == ("challenge", "login")
    body = (DATA / "ruishu-412.html").read_bytes()
    block = detect(412, {}, body)
    assert block is not None
    message = block.message(412, "http://a.cn/rss.xml")
    assert message.startswith("blocked (challenge): ") and "HTTP 412" in message and "http://a.cn/rss.xml" in message
    assert blocked_reason(message) == "challenge"
    assert blocked_reason("blocked (login): a redirect to a login page") == "login"
    assert blocked_reason("HTTP 412 Precondition Failed") is None
    assert blocked_reason(None) is None


def test_visible_text_leaves_out_scripts_styles_comments_and_tags() -> None:
    markup = "<html><head><style>p{}</style><script>var a='<p>x</p>';</script></head><!-- c --><p>正文&amp;</p></html>"
    assert visible_text(markup) == "正文&"


@pytest.mark.parametrize("body", [b"User-agent: *\nDisallow: /captcha/\nDisallow: /login/\n",
                                  b'{"code": 0, "msg": "captcha", "data": {"list": []}}',
                                  b'<?xml version="1.0"?><urlset><url><loc>http://a.cn/captcha</loc></url></urlset>'],
                         ids=["robots.txt", "json", "sitemap"])
def test_what_is_no_html_page_is_never_a_challenge(body: bytes) -> None:
    assert detect(200, {}, body) is None and detect(403, {}, body) is None
