import datetime as dt

import pytest

from monitor.models import Place
from monitor.store import copies
from monitor.store.database import Store
from monitor.store.queue import list_items, mentions
from tests.support.triage import OTHER, REPORT, event, save

_LEAD = "3月26日上午，开封国际传播中心在开封市揭牌成立。"
TRADITIONAL = "3月26日上午，開封國際傳播中心在開封市揭牌成立。" + REPORT[len(_LEAD):]


def test_traditional_repost_has_the_signature_of_its_original() -> None:
    a, b = copies.signature(REPORT), copies.signature(TRADITIONAL)
    assert a is not None and b is not None
    assert copies.similarity(a, b) == 1.0


def test_different_reports_are_far_apart_and_short_texts_are_not_signed() -> None:
    a, b = copies.signature(REPORT), copies.signature(OTHER)
    assert a is not None and b is not None
    assert copies.similarity(a, b) < 0.2
    assert copies.signature("开封国际传播中心揭牌") is None


def test_a_wire_copy_with_an_extra_paragraph_is_still_close() -> None:
    a = copies.signature(REPORT)
    b = copies.signature("华夏社开封3月27日电（记者 宋明哲）" + REPORT + "据了解，这是河南省又一家地市级国际传播中心。")
    assert a is not None and b is not None
    assert copies.similarity(a, b) >= copies.COPY_SIMILARITY


@pytest.mark.parametrize(("text", "html", "expected"), [
    ("正文。来源：华夏通讯社", None, "华夏通讯社"),
    ("正文", '<span>來源：<a href="/x">華夏通訊社</a></span>', "华夏通讯社"),
    ("正文", '<meta name="source" content="来源：神州网" />', "神州网"),
    ("转载自 南粤新闻网 。", None, "南粤新闻网"),
    ("正文", "<div>未经授权禁止转载、摘编</div>", None),
])
def test_source_lines_name_the_outlet(text: str, html: str | None, expected: str | None) -> None:
    assert copies.source_name(text, html) == expected


def test_the_earliest_article_is_the_original_even_when_it_arrives_last(store: Store) -> None:
    copy_id, _ = save(store, "http://hx/1", REPORT, [event("http://hx/1")], outlet="华夏通讯社", level="central",
                      published=dt.date(2025, 3, 28))
    mirror_id, _ = save(store, "http://szw/1", TRADITIONAL, [event("http://szw/1")], outlet="神州网",
                        level="central", published=dt.date(2025, 3, 28))
    original_id, _ = save(store, "http://zz/1", REPORT, [event("http://zz/1")], published=dt.date(2025, 3, 27))
    assert copies.original_of(store.db, copy_id) == original_id
    assert copies.original_of(store.db, mirror_id) == original_id
    assert copies.original_of(store.db, original_id) is None
    assert copies.group_of(store.db, mirror_id) == [original_id, copy_id, mirror_id]


def test_on_the_same_day_local_press_is_the_original(store: Store) -> None:
    wire, _ = save(store, "http://hx/1", REPORT, [], outlet="华夏通讯社", level="central")
    local, _ = save(store, "http://zz/1", REPORT + "本报讯。", [], outlet="中州日报", level="provincial")
    assert copies.original_of(store.db, wire) == local


def test_a_source_line_names_the_original_of_a_loose_copy(store: Store) -> None:
    first, _ = save(store, "http://a/1", REPORT, [], outlet="华夏通讯社", level="central")
    loose = REPORT[:120] + OTHER
    raw = f"<html><span>来源：华夏通讯社</span><p>{loose}</p></html>".encode()
    second, _ = save(store, "http://b/1", loose, [], outlet="神州网", level="central", raw=raw)
    row = store.db.execute("SELECT original_id, method, source FROM copies WHERE article_id = ?", [second]).fetchone()
    assert row == (first, "text+source", "华夏通讯社")


def test_unrelated_articles_are_no_copies(store: Store) -> None:
    save(store, "http://a/1", REPORT, [])
    save(store, "http://b/1", OTHER, [], outlet="洛阳日报")
    assert store.count("copies") == 0


def test_a_copy_joins_its_originals_item_though_its_event_names_the_center_differently(store: Store) -> None:
    save(store, "http://zz/1", REPORT, [event("http://zz/1")])
    central = event("http://hx/1", center="河南开封国际传播中心", place=None)
    _, new_items = save(store, "http://hx/1", REPORT + "（完）", [central], outlet="华夏通讯社", level="central")
    assert new_items == 0
    items = list_items(store)
    assert len(items) == 1
    assert {m.url for m in mentions(store, items[0].id)} == {"http://zz/1", "http://hx/1"}


def test_a_different_center_in_a_copy_still_gets_its_own_item(store: Store) -> None:
    save(store, "http://zz/1", REPORT, [event("http://zz/1")])
    other = event("http://hx/1", center="洛阳国际传播中心", place=Place("洛阳市", "河南省", "city", "410300"))
    _, new_items = save(store, "http://hx/1", REPORT, [event("http://hx/1"), other], outlet="华夏通讯社")
    assert new_items == 1
    assert len(list_items(store)) == 2


def test_changed_text_is_signed_again(store: Store) -> None:
    save(store, "http://a/1", REPORT, [])
    save(store, "http://b/1", REPORT, [], outlet="华夏通讯社", level="central")
    assert store.count("copies") == 1
    save(store, "http://b/1", OTHER, [], outlet="华夏通讯社", level="central")
    assert store.count("copies") == 0
    assert store.count("minhashes") == 2
