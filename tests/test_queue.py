import datetime as dt
import json
from pathlib import Path

import pytest

from monitor.errors import MonitorError, NotFoundError
from monitor.events.keys import center_key
from monitor.models import Article, Event, Place
from monitor.store.database import Store
from monitor.store.queue import decide, get_item, history, list_items, mentions


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store.open(tmp_path / "q.db")
    for n, outlet in enumerate(["洛阳日报", "河南日报"]):
        url = f"http://x/{n}"
        event = Event(url, "launch", "洛阳国际传播中心", Place("洛阳市", "河南省", "city", "410300"),
                      "2025-03-26", ("中国日报社",), 0.8 + n / 10, f"证据{n}")
        store.save_article(Article(url, "t", f"text {n}", dt.date(2025, 3, 27 + n)), outlet=outlet,
                           outlet_level="city", outlet_province="河南省", source_url=None, raw=None,
                           raw_encoding=None, lexicon_version="v", hits=[], events=[event], center_key=center_key)
    return store


def test_one_item_with_two_mentions(store: Store) -> None:
    items = list_items(store)
    assert len(items) == 1
    item = items[0]
    assert (item.center, item.province, item.level, item.mentions) == ("洛阳国际传播中心", "河南省", "city", 2)
    assert item.partners == ["中国日报社"]
    assert [m.outlet for m in mentions(store, item.id)] == ["洛阳日报", "河南日报"]


def test_confirm_writes_an_audit_row_with_before_and_after(store: Store) -> None:
    item = list_items(store)[0]
    decide(store, item.id, "confirm", "alice", note="checked the source")
    assert get_item(store, item.id).status == "confirmed"
    rows = history(store, item.id)
    assert len(rows) == 1
    assert rows[0]["reviewer"] == "alice"
    assert json.loads(rows[0]["before"])["status"] == "new"
    assert json.loads(rows[0]["after"])["status"] == "confirmed"
    assert list_items(store, "new") == []


def test_reject_needs_a_known_reason_and_a_reviewer(store: Store) -> None:
    item = list_items(store)[0]
    with pytest.raises(MonitorError, match="reason"):
        decide(store, item.id, "reject", "alice", reason="meh")
    with pytest.raises(MonitorError, match="reviewer"):
        decide(store, item.id, "confirm", " ")
    decide(store, item.id, "reject", "bob", reason="not a launch")
    assert get_item(store, item.id).status == "rejected"


def test_unknown_item_is_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError, match="queue item 99"):
        get_item(store, 99)
