import re
from pathlib import Path

import pytest
from lxml import html as lxml_html

from monitor.errors import NotFoundError
from monitor.review.archive import CSP, archived_html, inert_html
from monitor.store.database import Store
from tests.support.triage import REPORT, save

HOSTILE = Path(__file__).parent / "data" / "triage" / "hostile.html"


@pytest.fixture
def page() -> str:
    store_text = HOSTILE.read_text("utf-8")
    return inert_html(store_text, "http://evil.example/a?<b>", "2025-03-27T03:00:00+00:00")


def test_nothing_that_runs_or_loads_is_left(page: str) -> None:
    doc = lxml_html.document_fromstring(page)
    for tag in ("script", "iframe", "object", "embed", "link", "base", "svg", "animate"):
        assert list(doc.iter(tag)) == [], tag
    assert all("evil" not in (style.text or "") for style in doc.iter("style"))
    assert not any("refresh" in (m.get("content") or "") for m in doc.iter("meta"))
    for element in doc.iter():
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (element.tag, name)
            if not name.startswith("data-archived-"):
                assert "evil" not in value and "javascript" not in value, (element.tag, name, value)
    assert "<!--" not in page


def test_text_stays_and_a_strict_policy_and_banner_come_first(page: str) -> None:
    doc = lxml_html.document_fromstring(page)
    body_text = doc.body.text_content()
    assert "开封国际传播中心在开封市揭牌成立。" in body_text and "这是正文。" in body_text and "表格" in body_text
    csp = doc.find(".//meta[@http-equiv='Content-Security-Policy']")
    assert csp is not None and csp.get("content") == CSP and "default-src 'none'" in CSP
    banner = doc.body[0]
    assert banner.get("class") == "monitor-archive-banner"
    assert "http://evil.example/a?<b>" in banner.text and "&lt;b&gt;" in page
    assert re.search(r'data-archived-href="javascript:alert\(3\)"', page)


def test_archived_html_reads_the_stored_bytes(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "a.db")
    raw = HOSTILE.read_text("utf-8").replace("utf-8", "gbk").encode("gbk")
    article_id, _ = save(store, "http://a/1", REPORT, [], raw=raw)
    store.db.execute("UPDATE articles SET raw_encoding = 'gbk' WHERE id = ?", [article_id])
    page = archived_html(store, article_id)
    assert page is not None and "这是正文。" in page and "<script" not in page
    no_raw, _ = save(store, "http://b/1", REPORT + "。", [], raw=b"")
    store.db.execute("UPDATE articles SET raw = NULL WHERE id = ?", [no_raw])
    assert archived_html(store, no_raw) is None
    with pytest.raises(NotFoundError):
        archived_html(store, 999)


def test_broken_markup_still_gives_inert_text() -> None:
    page = inert_html("<p>unclosed <b>bold <script>alert(1)", "http://x/")
    assert "alert" not in page and "bold" in page
    assert "<p>" in inert_html("", "http://x/")
