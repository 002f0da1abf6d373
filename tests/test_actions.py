import json

import pytest

from monitor.errors import MonitorError, NotFoundError
from monitor.events.keys import center_key
from monitor.models import Hit
from monitor.review.actions import edit, merge, place_suggestions, split, undo
from monitor.store.database import Store
from monitor.store.queue import decide, get_item, history, list_items, mentions
from tests.support.triage import LUOYANG, OTHER, REPORT, event, save


def _two_items(store: Store) -> tuple[int, int]:
    save(store, "http://a/1", REPORT, [event("http://a/1")])
    save(store, "http://b/1", OTHER, [event("http://b/1", "洛阳国际传播中心", LUOYANG)], outlet="洛阳日报")
    ids = {i.center: i.id for i in list_items(store)}
    return ids["开封国际传播中心"], ids["洛阳国际传播中心"]


# -- edit -----------------------------------------------------------------------------------------


def test_edit_changes_fields_and_writes_one_audit_row(store: Store) -> None:
    item_id, _ = _two_items(store)
    item = edit(store, item_id, "alice", {"date": "2025-03", "partners": "中州日报社；汴京外国语学院、 ",
                                          "province": "河南"}, reason="dateline")
    assert (item.date, item.partners, item.province) == ("2025-03", ["中州日报社", "汴京外国语学院"], "河南省")
    rows = history(store, item_id)
    assert [r["action"] for r in rows] == ["edit"]
    assert json.loads(rows[0]["before"])["date"] == "2025-03-26"
    assert json.loads(rows[0]["after"])["date"] == "2025-03"
    assert rows[0]["reason"] == "dateline"


def test_a_place_from_the_gazetteer_brings_full_name_province_level_and_code(store: Store) -> None:
    item_id, _ = _two_items(store)
    item = edit(store, item_id, "alice", {"place": "婺源"})
    assert (item.place, item.province, item.level, item.code) == ("婺源县", "江西省", "county", "361130")


@pytest.mark.parametrize(("changes", "message"), [
    ({"level": "town"}, "unknown level"),
    ({"province": "火星"}, "unknown province"),
    ({"date": "2025-13-01"}, "date"),
    ({"date": "26.3.2025"}, "YYYY"),
    ({"code": "4103"}, "six-digit"),
    ({"center": " "}, "center cannot be empty"),
    ({"status": "confirmed"}, "cannot edit 'status'"),
    ({"partners": 3}, "partners"),
])
def test_edit_rejects_bad_values_and_changes_nothing(store: Store, changes: dict[str, object], message: str) -> None:
    item_id, _ = _two_items(store)
    with pytest.raises(MonitorError, match=message):
        edit(store, item_id, "alice", changes)
    assert history(store, item_id) == []
    assert get_item(store, item_id).date == "2025-03-26"


def test_edit_without_a_change_writes_nothing_and_needs_a_reviewer(store: Store) -> None:
    item_id, _ = _two_items(store)
    edit(store, item_id, "alice", {"date": "2025-03-26", "center": "开封国际传播中心"})
    assert history(store, item_id) == []
    with pytest.raises(MonitorError, match="reviewer"):
        edit(store, item_id, "", {"date": "2025"})


def test_edits_survive_new_mentions_and_rescans(store: Store) -> None:
    item_id, _ = _two_items(store)
    edit(store, item_id, "alice", {"center": "开封市国际传播中心", "date": "2025-03-25"})
    better = event("http://c/1", confidence=0.99, date="2025-03-26", partners=("甲", "乙", "丙"))
    _, new_items = save(store, "http://c/1", OTHER + "开封", [better], outlet="神州网")
    assert new_items == 0
    article_id = store.db.execute("SELECT id FROM articles WHERE url = 'http://a/1'").fetchone()[0]
    store.replace_analysis(article_id, "v2", [Hit("国际传播中心", "国际传播中心", "center", 0, 6)],
                           [event("http://a/1", confidence=0.99)], center_key)
    item = get_item(store, item_id)
    assert (item.center, item.date, item.status, item.mentions) == ("开封市国际传播中心", "2025-03-25", "new", 2)


# -- a confirmed center -----------------------------------------------------------------------------


def test_a_later_article_about_a_confirmed_center_joins_it_and_raises_no_new_item(store: Store) -> None:
    item_id, _ = _two_items(store)
    decide(store, item_id, "confirm", "alice")
    later = event("http://later/1", center="开封市国际传播中心", confidence=0.99, date="2025-04-01")
    _, new_items = save(store, "http://later/1", OTHER + "开封", [later], outlet="河南日报")
    assert new_items == 0
    assert [i.center for i in list_items(store, "new")] == ["洛阳国际传播中心"]
    item = get_item(store, item_id)
    assert (item.status, item.mentions, item.date) == ("confirmed", 2, "2025-03-26")


# -- merge ----------------------------------------------------------------------------------------


def test_merge_moves_mentions_and_marks_the_other_merged(store: Store) -> None:
    keep, gone = _two_items(store)
    kept = merge(store, keep, gone, "bob", reason="same center")
    assert kept.mentions == 2
    assert get_item(store, gone).status == "merged"
    assert get_item(store, gone).merged_into == keep
    assert [i.id for i in list_items(store)] == [keep]
    assert [i.id for i in list_items(store, "merged")] == [gone]
    assert [r["action"] for r in history(store, keep)] == ["merge"]
    assert [r["action"] for r in history(store, gone)] == ["merge"]
    _, new_items = save(store, "http://b/2", OTHER + "续", [event("http://b/2", "洛阳国际传播中心", LUOYANG)])
    assert new_items == 0
    assert get_item(store, keep).mentions == 3


def test_merge_refuses_itself_and_merged_items(store: Store) -> None:
    keep, gone = _two_items(store)
    with pytest.raises(MonitorError, match="itself"):
        merge(store, keep, keep, "bob")
    merge(store, keep, gone, "bob")
    with pytest.raises(MonitorError, match=f"merged into item {keep}"):
        merge(store, keep, gone, "bob")
    with pytest.raises(MonitorError, match="merged"):
        decide(store, gone, "confirm", "bob")
    with pytest.raises(NotFoundError):
        merge(store, keep, 99, "bob")


# -- split ----------------------------------------------------------------------------------------


def test_split_moves_one_mention_to_a_new_item_that_rescans_keep(store: Store) -> None:
    save(store, "http://a/1", REPORT, [event("http://a/1")])
    copy_id, _ = save(store, "http://b/1", OTHER, [event("http://b/1", confidence=0.5)], outlet="洛阳日报")
    item_id = list_items(store)[0].id
    created = split(store, item_id, copy_id, "carol", reason="another center")
    assert created.id != item_id and created.status == "new" and created.mentions == 1
    assert [m.article_id for m in mentions(store, created.id)] == [copy_id]
    assert get_item(store, item_id).mentions == 1
    store.replace_analysis(copy_id, "v2", [Hit("国际传播中心", "国际传播中心", "center", 0, 6)],
                           [event("http://b/1", confidence=0.5)], center_key)
    assert [m.article_id for m in mentions(store, created.id)] == [copy_id]
    rows = history(store, created.id)
    assert [(r["action"], r["item_id"], r["other_item_id"]) for r in rows] == [("split", item_id, created.id)]


def test_split_needs_a_mention_of_the_item_and_another_one_to_keep(store: Store) -> None:
    item_id, other_id = _two_items(store)
    other_article = mentions(store, other_id)[0].article_id
    with pytest.raises(NotFoundError, match="not a mention"):
        split(store, item_id, other_article, "carol")
    with pytest.raises(MonitorError, match="only this mention"):
        split(store, item_id, mentions(store, item_id)[0].article_id, "carol")


# -- undo -----------------------------------------------------------------------------------------


def test_undo_reverses_decisions_one_by_one_with_new_rows(store: Store) -> None:
    item_id, _ = _two_items(store)
    decide(store, item_id, "confirm", "alice", note="ok")
    edit(store, item_id, "alice", {"date": "2025"})
    assert undo(store, item_id, "bob").date == "2025-03-26"
    restored = undo(store, item_id, "bob")
    assert (restored.status, restored.reviewer, restored.note) == ("new", None, None)
    rows = history(store, item_id)
    assert [r["action"] for r in rows] == ["confirm", "edit", "undo", "undo"]
    assert [r["undoes"] for r in rows[2:]] == [rows[1]["id"], rows[0]["id"]]
    with pytest.raises(MonitorError, match="no decision left to undo"):
        undo(store, item_id, "bob")


def test_undo_of_a_merge_gives_the_other_item_its_mentions_back(store: Store) -> None:
    keep, gone = _two_items(store)
    merge(store, keep, gone, "bob")
    restored = undo(store, keep, "bob")
    assert restored.mentions == 1
    back = get_item(store, gone)
    assert (back.status, back.merged_into, back.mentions) == ("new", None, 1)
    assert len(list_items(store)) == 2


def test_undo_of_a_split_folds_the_new_item_back_and_a_new_split_reuses_it(store: Store) -> None:
    save(store, "http://a/1", REPORT, [event("http://a/1")])
    copy_id, _ = save(store, "http://b/1", OTHER, [event("http://b/1")], outlet="洛阳日报")
    item_id = list_items(store)[0].id
    created = split(store, item_id, copy_id, "carol")
    assert undo(store, created.id, "carol").status == "merged"
    assert get_item(store, item_id).mentions == 2
    assert [i.id for i in list_items(store)] == [item_id]
    again = split(store, item_id, copy_id, "carol")
    assert again.id == created.id and again.status == "new"


def test_undo_of_a_split_waits_for_the_new_items_own_decisions(store: Store) -> None:
    save(store, "http://a/1", REPORT, [event("http://a/1")])
    copy_id, _ = save(store, "http://b/1", OTHER, [event("http://b/1")], outlet="洛阳日报")
    item_id = list_items(store)[0].id
    created = split(store, item_id, copy_id, "carol")
    decide(store, created.id, "reject", "carol", reason="not a launch")
    with pytest.raises(MonitorError, match="decisions of its own"):
        undo(store, item_id, "carol")
    undo(store, created.id, "carol")
    undo(store, item_id, "carol")
    assert get_item(store, item_id).mentions == 2


def test_no_action_deletes_an_audit_row(store: Store) -> None:
    keep, gone = _two_items(store)
    decide(store, keep, "confirm", "a")
    merge(store, keep, gone, "a")
    undo(store, keep, "a")
    undo(store, keep, "a")
    ids = [r[0] for r in store.db.execute("SELECT id FROM decisions ORDER BY id")]
    assert ids == [1, 2, 3, 4]


# -- place suggestions ----------------------------------------------------------------------------


def test_place_suggestions_by_prefix_with_the_province_first() -> None:
    found = place_suggestions("南沙", province="广东")
    assert found[0].name == "南沙区" and found[0].province == "广东省"
    assert {p.province for p in place_suggestions("南沙")} >= {"广东省"}
    assert [p.name for p in place_suggestions("洛阳")][:1] == ["洛阳市"]
    assert place_suggestions("  ") == []
    assert len(place_suggestions("新", limit=3)) == 3


def test_rescans_that_empty_a_split_off_item_keep_it_for_the_audit_trail(store: Store) -> None:
    save(store, "http://a/1", REPORT, [event("http://a/1")])
    copy_id, _ = save(store, "http://b/1", OTHER, [event("http://b/1")], outlet="洛阳日报")
    item_id = list_items(store)[0].id
    created = split(store, item_id, copy_id, "carol")
    store.replace_analysis(copy_id, "v2", [], [], center_key)
    assert store.drop_orphan_items() == 0
    assert get_item(store, created.id).mentions == 0
    assert [r["action"] for r in history(store, created.id)] == ["split"]
