"""The review web app through Starlette's test client: pages, every action, CSRF, tokens, escaping."""

from __future__ import annotations

import html
import json
import re
import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from click.testing import CliRunner

from monitor.errors import MonitorError
from monitor.review.web import create_app
from monitor.review.web.filters import QueueFilter, neighbours
from monitor.review.web.security import ARCHIVE_CSP, CSRF_COOKIE, PAGE_CSP, REVIEWER_COOKIE, check_serve, is_loopback
from monitor.review.web.views import evidence_segments, hit_segments
from monitor.run.daily import run
from monitor.sources.config import load_config
from monitor.store.database import Store
from monitor.store.queue import QueueItem, get_item, list_items, mentions
from tools.demo import sample_config, serve_samples

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # Starlette's notice about its httpx dependency
    from starlette.testclient import TestClient

LOCAL = "http://127.0.0.1"
TOKEN = "s3cret-token-for-tests"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The samples run once into a database that each test copies."""
    tmp = tmp_path_factory.mktemp("web-samples")
    with serve_samples() as base:
        store = Store.open(tmp / "samples.db")
        run(load_config(sample_config(base, tmp / "feeds.toml")), store)
        store.close()
    return tmp / "samples.db"


@pytest.fixture
def db(sample_db: Path, tmp_path: Path) -> str:
    target = tmp_path / "web.db"
    shutil.copy(sample_db, target)
    return str(target)


@pytest.fixture
def client(db: str) -> Iterator[TestClient]:
    with TestClient(create_app(db), base_url=LOCAL, follow_redirects=False) as test_client:
        test_client.cookies.set(REVIEWER_COOKIE, "alice")
        yield test_client


def csrf_of(client: TestClient, path: str = "/reviewer") -> str:
    response = client.get(path)
    assert response.status_code == 200, response.text
    found = _CSRF.search(response.text)
    assert found, "no CSRF field on the page"
    return found.group(1)


def post(client: TestClient, path: str, data: dict[str, str] | None = None) -> httpx.Response:
    return client.post(path, data={"csrf": csrf_of(client), **(data or {})})


def opened(db: str) -> Store:
    return Store.open(db)


def new_ids(db: str) -> list[int]:
    store = opened(db)
    try:
        return [i.id for i in list_items(store, "new")]
    finally:
        store.close()


def decisions(db: str, item_id: int) -> list[tuple[str, str, str | None]]:
    """The audit rows involving an item (its own, and merges or splits naming it as the other item)."""
    store = opened(db)
    try:
        rows = store.db.execute("SELECT action, reviewer, reason FROM decisions WHERE item_id = ? "
                                "OR other_item_id = ? ORDER BY id", [item_id, item_id]).fetchall()
        return [tuple(r) for r in rows]
    finally:
        store.close()


def item_of(db: str, item_id: int) -> QueueItem:
    store = opened(db)
    try:
        return get_item(store, item_id)
    finally:
        store.close()


def multi_mention_item(db: str) -> int:
    store = opened(db)
    try:
        return next(i.id for i in list_items(store, "new") if i.mentions > 1)
    finally:
        store.close()


# -- pages ----------------------------------------------------------------------------------------------------


def test_queue_lists_the_new_items_most_confident_first(client: TestClient, db: str) -> None:
    page = client.get("/queue")
    assert page.status_code == 200
    shown = [int(n) for n in re.findall(r'id="row-(\d+)"', page.text)]
    assert shown == new_ids(db)
    assert "国际传播中心" in page.text


def test_queue_filters_by_province_level_and_date(client: TestClient, db: str) -> None:
    store = opened(db)
    items = list_items(store)
    store.close()
    province = next(i.province for i in items if i.province)
    page = client.get("/queue", params={"province": province, "status": ""})
    shown = {int(n) for n in re.findall(r'id="row-(\d+)"', page.text)}
    assert shown == {i.id for i in items if i.province == province}
    page = client.get("/queue", params={"level": "county", "status": ""})
    assert {int(n) for n in re.findall(r'id="row-(\d+)"', page.text)} == {i.id for i in items if i.level == "county"}
    page = client.get("/queue", params={"from": "2025-01", "to": "2025-06-30", "sort": "date"})
    dates = re.findall(r'<td class="date">([^<]+)</td>', page.text)
    assert dates and all("2025-01" <= d[:7] <= "2025-06" for d in dates)
    assert dates == sorted(dates, reverse=True)


def test_queue_filter_keeps_partial_dates_and_drops_nonsense() -> None:
    filt = QueueFilter.from_query({"from": "2025-03", "to": "2025", "level": "planet", "sort": "x"})
    assert (filt.date_from, filt.date_to, filt.level, filt.sort) == ("2025-03", "2025", "", "confidence")
    assert QueueFilter.from_query({"from": "yesterday"}).date_from == ""
    assert QueueFilter().query() == ""
    assert QueueFilter(status="", province="河南省").query() == "status=&province=%E6%B2%B3%E5%8D%97%E7%9C%81"


def test_neighbours_in_the_filtered_order() -> None:
    assert neighbours([5, 3, 9], 3) == (5, 9)
    assert neighbours([5, 3, 9], 5) == (None, 3)
    assert neighbours([5, 3, 9], 7) == (None, 5)
    assert neighbours([], 7) == (None, None)


def test_evidence_segments_mark_center_trigger_and_partners() -> None:
    pieces = evidence_segments("⟦靖安国际传播中心⟧在县融媒体中心⟨揭牌⟩，与中国日报社签约", ["中国日报社"])
    assert pieces == [("center", "靖安国际传播中心"), ("text", "在县融媒体中心"), ("trigger", "揭牌"),
                      ("text", "，与"), ("partner", "中国日报社"), ("text", "签约")]
    assert evidence_segments("no marks", []) == [("text", "no marks")]
    assert hit_segments("a 揭牌 b 揭牌", "揭牌 x") == [
        ("text", "a "), ("hit", "揭牌"), ("text", " b "), ("hit", "揭牌")]


def test_item_page_shows_evidence_marks_every_mention_and_the_edit_form(client: TestClient, db: str) -> None:
    item_id = multi_mention_item(db)
    store = opened(db)
    found = mentions(store, item_id)
    item = get_item(store, item_id)
    store.close()
    page = client.get(f"/item/{item_id}")
    assert page.status_code == 200
    assert '<mark class="center"' in page.text
    for mention in found:
        assert f'href="{mention.url}"' in page.text
        assert f'src="/archive/{mention.article_id}"' in page.text
        assert f'name="article" value="{mention.article_id}"' in page.text
    assert f'name="center" id="center" value="{item.center}"' in page.text
    assert '<datalist id="places">' in page.text and f'<option value="{item.place}">' in page.text
    assert all(reason in page.text for reason in ("not a launch", "wrong place"))


def test_unknown_item_is_a_404_page(client: TestClient) -> None:
    page = client.get("/item/99999")
    assert page.status_code == 404
    assert "99999" in page.text


def test_registry_shows_confirmed_items_only(client: TestClient, db: str) -> None:
    first, second = new_ids(db)[:2]
    post(client, f"/item/{first}/confirm")
    page = client.get("/registry")
    assert page.status_code == 200
    assert f'href="/item/{first}?status=confirmed"' in page.text
    assert f'href="/item/{second}?status=confirmed"' not in page.text
    assert ">alice<" in page.text


def test_registry_downloads(client: TestClient, db: str) -> None:
    first = new_ids(db)[0]
    post(client, f"/item/{first}/confirm")
    geo = client.get("/registry.geojson")
    assert geo.status_code == 200 and geo.headers["content-type"] == "application/geo+json"
    assert [f["id"] for f in geo.json()["features"]] == [first]
    csv = client.get("/registry.csv")
    assert csv.headers["content-disposition"] == 'attachment; filename="registry.csv"'
    assert len(csv.text.strip().splitlines()) == 2
    assert client.get("/registry.xlsx").status_code == 404


def test_security_headers_on_pages_and_archived_copies(client: TestClient, db: str) -> None:
    page = client.get("/queue")
    assert page.headers["content-security-policy"] == PAGE_CSP
    assert "script-src 'self'" in PAGE_CSP and "unsafe-inline" not in PAGE_CSP.split("style-src")[0]
    assert page.headers["x-frame-options"] == "DENY"
    store = opened(db)
    article_id = mentions(store, new_ids(db)[0])[0].article_id
    store.close()
    archived = client.get(f"/archive/{article_id}")
    assert archived.status_code == 200
    assert archived.headers["content-security-policy"] == ARCHIVE_CSP
    assert ARCHIVE_CSP.startswith("sandbox;") and "default-src 'none'" in ARCHIVE_CSP
    store = opened(db)
    with store.transaction():
        store.db.execute("UPDATE articles SET raw = NULL WHERE id = ?", [article_id])
    store.close()
    missing = client.get(f"/archive/{article_id}")
    assert missing.status_code == 200 and "<p>No stored copy of this page.</p>" in missing.text
    assert missing.headers["content-security-policy"] == ARCHIVE_CSP


def test_static_files_are_served(client: TestClient) -> None:
    assert "keydown" in client.get("/static/keys.js").text
    assert client.get("/static/style.css").status_code == 200


# -- reviewer ---------------------------------------------------------------------------------------------------


@pytest.fixture
def fresh(db: str) -> Iterator[TestClient]:
    """A browser that never gave a name."""
    with TestClient(create_app(db), base_url=LOCAL, follow_redirects=False) as test_client:
        yield test_client


def hidden_fields(page: str) -> dict[str, str]:
    return {html.unescape(m.group(1)): html.unescape(m.group(2))
            for m in re.finditer(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page)}


def test_every_page_reads_without_a_name(fresh: TestClient, db: str) -> None:
    item_id = multi_mention_item(db)
    queue = fresh.get("/queue")
    assert queue.status_code == 200
    assert [int(n) for n in re.findall(r'id="row-(\d+)"', queue.text)] == new_ids(db)
    assert 'href="/reviewer"' in queue.text and "give your name" in queue.text
    item = fresh.get(f"/item/{item_id}")
    assert item.status_code == 200 and '<mark class="center"' in item.text
    assert fresh.get("/registry").status_code == 200
    assert fresh.get("/search", params={"q": "国际传播中心"}).status_code == 200
    assert REVIEWER_COOKIE not in fresh.cookies


def test_the_first_decision_asks_the_name_then_is_made_with_it(fresh: TestClient, db: str) -> None:
    first, second = new_ids(db)[:2]
    asked = post(fresh, f"/item/{first}/confirm?status=new", {"note": "seen the dateline"})
    assert asked.status_code == 200
    assert f'action="/item/{first}/confirm?status=new"' in asked.text
    assert 'name="reviewer" id="reviewer-name" required' in asked.text
    assert hidden_fields(asked.text)["note"] == "seen the dateline"
    assert decisions(db, first) == [] and item_of(db, first).status == "new"  # nothing yet
    done = fresh.post(f"/item/{first}/confirm?status=new", data={**hidden_fields(asked.text), "reviewer": " 王分析 "})
    assert done.status_code == 303 and done.headers["location"] == f"/item/{second}"
    assert decisions(db, first) == [("confirm", "王分析", "seen the dateline")]
    assert fresh.cookies.get(REVIEWER_COOKIE) == quote("王分析")
    assert "王分析" in fresh.get(done.headers["location"]).text
    again = post(fresh, f"/item/{second}/reject", {"reason": "duplicate"})  # asked once: now kept
    assert again.status_code == 303
    assert decisions(db, second) == [("reject", "王分析", "duplicate")]


@pytest.mark.parametrize("action", ["reject", "edit", "merge", "split", "undo"])
def test_every_decision_carries_its_fields_through_the_name_page(fresh: TestClient, db: str, action: str) -> None:
    item_id = multi_mention_item(db)
    store = opened(db)
    other = next(i.id for i in list_items(store, "new") if i.id != item_id)
    article = mentions(store, item_id)[-1].article_id
    store.close()
    if action == "undo":
        post(fresh, f"/item/{item_id}/confirm", {"reviewer": "ann"})
        fresh.cookies.delete(REVIEWER_COOKIE)
    fields = {"reject": {"reason": "wrong place", "note": "<b>县</b> \"x\""},
              "edit": {"center": item_of(db, item_id).center, "date": "2025-06", "partners": "甲\n乙"},
              "merge": {"other": str(other)}, "split": {"article": str(article)}, "undo": {}}[action]
    asked = post(fresh, f"/item/{item_id}/{action}", fields)
    assert asked.status_code == 200, asked.text
    assert hidden_fields(asked.text) == {**fields, "csrf": hidden_fields(asked.text)["csrf"]}
    before = decisions(db, item_id)
    done = fresh.post(f"/item/{item_id}/{action}", data={**hidden_fields(asked.text), "reviewer": "bo"})
    assert done.status_code == 303, done.text
    rows = decisions(db, item_id)
    assert len(rows) == len(before) + 1 and rows[-1][:2] == (action, "bo")
    if action == "edit":
        assert item_of(db, item_id).partners == ["甲", "乙"]
    if action == "reject":
        assert rows[-1][2] == "wrong place"


def test_an_empty_name_is_asked_again_and_nothing_is_decided(fresh: TestClient, db: str) -> None:
    item_id = new_ids(db)[0]
    again = post(fresh, f"/item/{item_id}/confirm", {"reviewer": "  "})
    assert again.status_code == 400 and "Give your name." in again.text
    assert 'name="reviewer"' in again.text
    assert decisions(db, item_id) == [] and REVIEWER_COOKIE not in fresh.cookies


def test_the_name_page_needs_csrf_like_every_form(fresh: TestClient, db: str) -> None:
    item_id = new_ids(db)[0]
    csrf_of(fresh, f"/item/{item_id}")
    assert fresh.post(f"/item/{item_id}/confirm", data={"reviewer": "mallory"}).status_code == 403
    assert fresh.post(f"/item/{item_id}/confirm", data={"csrf": "forged", "reviewer": "m"}).status_code == 403
    assert decisions(db, item_id) == [] and REVIEWER_COOKIE not in fresh.cookies


def test_a_name_in_the_form_does_not_replace_the_kept_one(client: TestClient, db: str) -> None:
    item_id = new_ids(db)[0]
    post(client, f"/item/{item_id}/confirm", {"reviewer": "mallory"})
    assert decisions(db, item_id) == [("confirm", "alice", None)]


def test_the_reviewer_page_still_sets_or_changes_the_name(fresh: TestClient) -> None:
    saved = post(fresh, "/reviewer", {"name": "王分析", "next": "/queue?status="})
    assert saved.status_code == 303 and saved.headers["location"] == "/queue?status="
    assert "王分析" in fresh.get("/queue").text


def test_reviewer_next_never_leaves_the_site(client: TestClient) -> None:
    saved = post(client, "/reviewer", {"name": "bob", "next": "//evil.example/x"})
    assert saved.headers["location"] == "/"
    empty = post(client, "/reviewer", {"name": "  ", "next": "/queue"})
    assert empty.status_code == 400


# -- actions ----------------------------------------------------------------------------------------------------


def test_confirm_records_the_decision_and_moves_to_the_next_item(client: TestClient, db: str) -> None:
    first, second = new_ids(db)[:2]
    response = post(client, f"/item/{first}/confirm")
    assert response.status_code == 303
    assert response.headers["location"] == f"/item/{second}"
    assert item_of(db, first).status == "confirmed"
    assert decisions(db, first) == [("confirm", "alice", None)]
    notice = client.get(response.headers["location"]).text
    assert f'action="/item/{first}/undo" class="inline" data-key="u"' in notice
    assert f'action="/item/{first}/undo"' not in client.get(response.headers["location"]).text  # said once


def test_reject_needs_a_reason_from_the_list(client: TestClient, db: str) -> None:
    item_id = new_ids(db)[0]
    refused = post(client, f"/item/{item_id}/reject", {"reason": "because"})
    assert refused.status_code == 400
    assert item_of(db, item_id).status == "new"
    done = post(client, f"/item/{item_id}/reject?status=new", {"reason": "not a launch"})
    assert done.status_code == 303
    assert done.headers["location"] == f"/item/{new_ids(db)[0]}"
    assert item_of(db, item_id).status == "rejected"
    assert decisions(db, item_id) == [("reject", "alice", "not a launch")]


def test_last_decision_goes_back_to_the_queue(client: TestClient, db: str) -> None:
    *_, last = new_ids(db)
    response = post(client, f"/item/{last}/confirm?status=new&province=nowhere")
    assert response.headers["location"].startswith("/queue?")


def test_undo_restores_the_item_with_a_new_audit_row(client: TestClient, db: str) -> None:
    item_id = new_ids(db)[0]
    post(client, f"/item/{item_id}/confirm")
    response = post(client, f"/item/{item_id}/undo")
    assert response.status_code == 303
    assert response.headers["location"].startswith(f"/item/{item_id}")
    assert item_of(db, item_id).status == "new"
    assert [row[0] for row in decisions(db, item_id)] == ["confirm", "undo"]
    assert ">undo<" in client.get(f"/item/{item_id}").text


def test_edit_changes_fields_and_a_known_place_brings_its_province(client: TestClient, db: str) -> None:
    item_id = new_ids(db)[0]
    before = item_of(db, item_id)
    form = {"center": before.center, "place": "婺源县", "province": before.province or "",
            "level": before.level or "", "code": before.code or "", "date": "2025-06",
            "partners": "中国日报社\n婺源县融媒体中心\n", "note": "checked the dateline"}
    response = post(client, f"/item/{item_id}/edit", form)
    assert response.status_code == 303, response.text
    after = item_of(db, item_id)
    assert (after.place, after.province, after.level, after.code) == (
        "婺源县", "江西省", "county", "361130")
    assert after.date == "2025-06"
    assert after.partners == ["中国日报社", "婺源县融媒体中心"]
    assert decisions(db, item_id)[-1][:2] == ("edit", "alice")


def test_edit_without_changes_records_nothing(client: TestClient, db: str) -> None:
    item_id = new_ids(db)[0]
    item = item_of(db, item_id)
    form = {"center": item.center, "place": item.place or "", "province": item.province or "",
            "level": item.level or "", "code": item.code or "", "date": item.date or "",
            "partners": "\n".join(item.partners)}
    response = post(client, f"/item/{item_id}/edit", form)
    assert "Nothing changed." in client.get(response.headers["location"]).text
    assert decisions(db, item_id) == []


def test_merge_moves_every_mention_onto_the_kept_item(client: TestClient, db: str) -> None:
    keep, other = new_ids(db)[:2]
    store = opened(db)
    expected = {m.article_id for m in mentions(store, keep)} | {m.article_id for m in mentions(store, other)}
    store.close()
    response = post(client, f"/item/{keep}/merge", {"other": str(other)})
    assert response.status_code == 303
    store = opened(db)
    assert {m.article_id for m in mentions(store, keep)} == expected
    assert get_item(store, other).status == "merged"
    store.close()
    assert decisions(db, keep)[-1][0] == "merge"


def test_merge_needs_an_item_number(client: TestClient, db: str) -> None:
    response = post(client, f"/item/{new_ids(db)[0]}/merge", {"other": "abc"})
    assert response.status_code == 400


def test_split_moves_one_mention_into_a_new_item(client: TestClient, db: str) -> None:
    item_id = multi_mention_item(db)
    store = opened(db)
    article_id = mentions(store, item_id)[-1].article_id
    store.close()
    response = post(client, f"/item/{item_id}/split", {"article": str(article_id)})
    assert response.status_code == 303
    moved = re.match(r"/item/(\d+)", response.headers["location"])
    assert moved
    created = int(moved.group(1))
    assert created != item_id
    store = opened(db)
    assert [m.article_id for m in mentions(store, created)] == [article_id]
    assert article_id not in {m.article_id for m in mentions(store, item_id)}
    store.close()


def test_unknown_action_is_a_404(client: TestClient, db: str) -> None:
    assert post(client, f"/item/{new_ids(db)[0]}/delete").status_code == 404


def test_search_finds_article_text_and_links_its_items(client: TestClient, db: str) -> None:
    item_id = multi_mention_item(db)
    store = opened(db)
    center = get_item(store, item_id).center
    store.close()
    page = client.get("/search", params={"q": center})
    assert page.status_code == 200
    assert f'href="/item/{item_id}?status="' in page.text
    assert f'<mark class="hit" title="hit">{center}</mark>' in page.text
    short = client.get("/search", params={"q": center[:2]})
    assert f'href="/item/{item_id}?status="' in short.text
    assert "0 articles found" in client.get("/search", params={"q": "不存在的词语组合"}).text


def test_place_suggestions_are_json(client: TestClient) -> None:
    found = client.get("/api/places", params={"q": "婺源"}).json()
    assert {"name": "婺源县", "province": "江西省", "level": "county", "code": "361130"} in found
    assert client.get("/api/places").json() == []


# -- CSRF -------------------------------------------------------------------------------------------------------


def test_post_without_csrf_token_is_refused(client: TestClient, db: str) -> None:
    item_id = new_ids(db)[0]
    csrf_of(client)
    assert client.post(f"/item/{item_id}/confirm").status_code == 403
    assert client.post(f"/item/{item_id}/confirm", data={"csrf": "forged"}).status_code == 403
    assert item_of(db, item_id).status == "new"
    assert decisions(db, item_id) == []


def test_csrf_token_of_another_server_or_a_forged_cookie_is_refused(client: TestClient, db: str) -> None:
    item_id = new_ids(db)[0]
    with TestClient(create_app(db), base_url=LOCAL) as other:
        foreign = csrf_of(other, "/reviewer")
    assert client.post(f"/item/{item_id}/confirm", data={"csrf": foreign}).status_code == 403
    client.cookies.set(CSRF_COOKIE, "chosen-by-attacker.signature")
    assert client.post(f"/item/{item_id}/confirm", data={"csrf": "chosen-by-attacker"}).status_code == 403
    assert decisions(db, item_id) == []


def test_post_from_another_origin_is_refused(client: TestClient, db: str) -> None:
    item_id = new_ids(db)[0]
    token = csrf_of(client)
    response = client.post(f"/item/{item_id}/confirm", data={"csrf": token},
                           headers={"Origin": "http://evil.example"})
    assert response.status_code == 403
    assert client.post(f"/item/{item_id}/confirm", data={"csrf": token},
                       headers={"Origin": LOCAL}).status_code == 303


def test_reviewer_form_needs_csrf_too(client: TestClient) -> None:
    assert client.post("/reviewer", data={"name": "mallory", "next": "/"}).status_code == 403


# -- binding and tokens -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"])
def test_loopback_hosts_need_no_token(host: str) -> None:
    assert is_loopback(host)
    check_serve(host, None)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "example.org"])
def test_other_hosts_refuse_to_start_without_a_token(host: str) -> None:
    assert not is_loopback(host)
    with pytest.raises(MonitorError, match="--token"):
        check_serve(host, None)
    check_serve(host, TOKEN)


def test_an_empty_token_is_refused() -> None:
    with pytest.raises(MonitorError, match="empty"):
        check_serve("127.0.0.1", "  ")


def test_serve_command_refuses_a_public_address_without_a_token(db: str) -> None:
    from monitor.cli import cli

    result = CliRunner().invoke(cli, ["serve", "--db", db, "--host", "0.0.0.0"])
    assert result.exit_code != 0
    assert "--token" in result.output and "MONITOR_TOKEN" in result.output


def test_serve_command_refuses_a_missing_database(tmp_path: Path) -> None:
    from monitor.cli import cli

    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "none.db")])
    assert result.exit_code != 0
    assert "monitor run" in result.output


def test_with_a_token_every_request_needs_it(db: str) -> None:
    with TestClient(create_app(db, token=TOKEN), base_url="http://192.168.1.20:8000",
                    follow_redirects=False) as remote:
        remote.cookies.set(REVIEWER_COOKIE, "alice")
        refused = remote.get("/queue")
        assert refused.status_code == 401 and "A token is needed: open the address with ?token=" in refused.text
        assert refused.text.startswith("<!doctype html>") and "<title>401</title>" in refused.text
        assert remote.get("/static/keys.js").status_code == 401
        assert remote.get("/queue", params={"token": "wrong"}).status_code == 401
        assert remote.get("/queue", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert remote.get("/queue", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
        assert remote.get("/queue", headers={"X-Monitor-Token": TOKEN}).status_code == 200


def test_token_in_the_address_once_then_a_cookie(db: str) -> None:
    with TestClient(create_app(db, token=TOKEN), base_url="http://192.168.1.20:8000",
                    follow_redirects=False) as remote:
        remote.cookies.set(REVIEWER_COOKIE, "alice")
        first = remote.get("/queue", params={"token": TOKEN, "status": ""})
        assert first.status_code == 303
        assert first.headers["location"] == "/queue?status="
        assert TOKEN not in first.headers["set-cookie"]
        assert remote.get("/queue").status_code == 200
        item_id = new_ids(db)[0]
        assert remote.post(f"/item/{item_id}/confirm", data={"csrf": csrf_of(remote)}).status_code == 303


def test_without_a_token_only_loopback_host_names_are_answered(db: str) -> None:
    with TestClient(create_app(db), base_url="http://rebound.example", follow_redirects=False) as rebound:
        rebound.cookies.set(REVIEWER_COOKIE, "alice")
        refused = rebound.get("/queue")
        assert refused.status_code == 403 and "answers only on the loopback" in refused.text
    with TestClient(create_app(db), base_url="http://localhost:8000", follow_redirects=False) as local:
        local.cookies.set(REVIEWER_COOKIE, "alice")
        assert local.get("/queue").status_code == 200


# -- hostile text -------------------------------------------------------------------------------------------------

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture
def hostile_db(tmp_path: Path) -> str:
    """An article whose every field holds a script tag, attached to a queue item."""
    import datetime as dt

    from monitor.events.keys import center_key
    from monitor.models import Article, Event, Place

    text = f"{HOSTILE}6月3日，{HOSTILE}国际传播中心在县融媒体中心揭牌成立，与{HOSTILE}报社签约。"
    event = Event(url="javascript:alert(1)", type="launch", center=f"{HOSTILE}国际传播中心",
                  place=Place(HOSTILE, HOSTILE, "county", None), date="2025-06-03",
                  partners=(f"{HOSTILE}报社",), confidence=0.9,
                  evidence=f"6月3日，⟦{HOSTILE}国际传播中心⟧在县融媒体中心⟨揭牌⟩成立，与{HOSTILE}报社签约。")
    raw = f"<html><head><script>alert(1)</script></head><body><p>{text}</p><img src=http://evil.example/x.png></body></html>"
    store = Store.open(tmp_path / "hostile.db")
    store.save_article(Article(url="javascript:alert(1)", title=HOSTILE, text=text, published=dt.date(2025, 6, 3)),
                       outlet=HOSTILE, outlet_level="county", outlet_province=HOSTILE, source_url=None,
                       raw=raw.encode("utf-8"), raw_encoding="utf-8", lexicon_version="t", hits=[], events=[event],
                       center_key=center_key)
    store.close()
    return str(tmp_path / "hostile.db")


def test_article_text_is_escaped_on_every_page(hostile_db: str) -> None:
    with TestClient(create_app(hostile_db), base_url=LOCAL, follow_redirects=False) as hostile:
        hostile.cookies.set(REVIEWER_COOKIE, HOSTILE)
        hostile.cookies.set("monitor_flash", quote(json.dumps({"notice": HOSTILE, "done": 1, "did": "rejected"})))
        pages = ["/queue", "/queue?status=&province=" + HOSTILE, "/item/1", "/registry", "/search?q=alert",
                 "/registry.xyz" + HOSTILE,
                 "/search?q=" + HOSTILE, "/reviewer?next=" + HOSTILE, "/item/1?notice=" + HOSTILE, "/archive/1",
                 "/item/2", "/api/places?q=" + HOSTILE]
        token = csrf_of(hostile, "/item/1")
        hostile.post("/item/1/confirm", data={"csrf": token})
        pages += ["/registry", "/item/1?status=confirmed"]
        for path in pages:
            response = hostile.get(path)
            assert response.status_code in (200, 404), path
            assert "<script>alert" not in response.text, path
            assert "javascript:" not in re.findall(r'href="([^"]*)"', response.text), path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hostile.get("/item/1").text


def test_archived_copy_loads_nothing_remote(hostile_db: str) -> None:
    with TestClient(create_app(hostile_db), base_url=LOCAL) as hostile:
        archived = hostile.get("/archive/1")
    assert "<script" not in archived.text.lower()
    assert not re.search(r"\s(src|href)=", archived.text)
    assert "img-src data:" in archived.headers["content-security-policy"]


def test_decision_rows_keep_the_hostile_reviewer_name_verbatim(hostile_db: str) -> None:
    with TestClient(create_app(hostile_db), base_url=LOCAL, follow_redirects=False) as hostile:
        hostile.cookies.set(REVIEWER_COOKIE, "ann")
        hostile.post("/item/1/reject", data={"csrf": csrf_of(hostile, "/item/1"), "reason": "other",
                                             "note": HOSTILE})
    store = Store.open(hostile_db)
    row = store.db.execute("SELECT action, reviewer, after FROM decisions").fetchone()
    store.close()
    assert row[:2] == ("reject", "ann")
    assert json.loads(row[2])["status"] == "rejected"


def test_the_name_page_escapes_what_it_carries(hostile_db: str) -> None:
    with TestClient(create_app(hostile_db), base_url=LOCAL, follow_redirects=False) as hostile:
        asked = hostile.post("/item/1/reject?province=" + quote(HOSTILE),
                             data={"csrf": csrf_of(hostile, "/item/1"), "reason": "other", "note": HOSTILE,
                                   HOSTILE: HOSTILE})
        assert asked.status_code == 200
        assert "<script>alert" not in asked.text
        assert hidden_fields(asked.text)["note"] == HOSTILE and hidden_fields(asked.text)[HOSTILE] == HOSTILE
        done = hostile.post(asked.url.path + "?" + asked.url.query.decode(),
                            data={**hidden_fields(asked.text), "reviewer": HOSTILE})
        assert done.status_code == 303
    store = Store.open(hostile_db)
    row = store.db.execute("SELECT action, reviewer, reason FROM decisions").fetchone()
    store.close()
    assert tuple(row) == ("reject", HOSTILE, "other")
