"""`monitor queue edit|merge|split|undo`: thin commands over monitor.review.actions."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.store.database import Store
from monitor.store.queue import get_item, history, list_items, mentions
from tests.support.triage import LUOYANG, OTHER, REPORT, event, save


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    path = tmp_path / "c.db"
    store = Store.open(path)
    save(store, "http://a/1", REPORT, [event("http://a/1")])
    save(store, "http://a/2", REPORT + "续", [event("http://a/2")], outlet="华夏通讯社")
    save(store, "http://b/1", OTHER, [event("http://b/1", "洛阳国际传播中心", LUOYANG)], outlet="洛阳日报")
    store.close()
    monkeypatch.setenv("MONITOR_REVIEWER", "dana")
    return str(path)


def _ids(db: str) -> dict[str, int]:
    return {i.center: i.id for i in list_items(Store.open(db))}


def test_edit_then_undo(db: str) -> None:
    item_id = _ids(db)["开封国际传播中心"]
    runner = CliRunner()
    result = runner.invoke(cli, ["queue", "edit", str(item_id), "--db", db, "--date", "2025-03",
                                 "--partners", "甲; 乙"])
    assert result.exit_code == 0, result.output
    assert "2025-03 | 甲; 乙" in result.output
    bad = runner.invoke(cli, ["queue", "edit", str(item_id), "--db", db, "--date", "March"])
    assert bad.exit_code == 1 and "YYYY" in bad.output
    assert runner.invoke(cli, ["queue", "edit", str(item_id), "--db", db]).exit_code == 2
    undone = runner.invoke(cli, ["queue", "undo", str(item_id), "--db", db])
    assert undone.exit_code == 0, undone.output
    store = Store.open(db)
    assert get_item(store, item_id).date == "2025-03-26"
    assert [r["reviewer"] for r in history(store, item_id)] == ["dana", "dana"]


def test_merge_and_split(db: str) -> None:
    ids = _ids(db)
    keep, gone = ids["开封国际传播中心"], ids["洛阳国际传播中心"]
    runner = CliRunner()
    merged = runner.invoke(cli, ["queue", "merge", str(keep), str(gone), "--db", db])
    assert merged.exit_code == 0, merged.output
    assert "(3 mentions)" in merged.output
    article = mentions(Store.open(db), keep)[-1].article_id
    split = runner.invoke(cli, ["queue", "split", str(keep), str(article), "--db", db, "--reason", "other center"])
    assert split.exit_code == 0, split.output
    store = Store.open(db)
    assert get_item(store, keep).mentions == 2
    assert [i.status for i in list_items(store, "merged")] == ["merged"]
    listed = runner.invoke(cli, ["queue", "list", "--db", db, "--status", "merged", "--format", "json"])
    assert listed.exit_code == 0 and f'"id": {gone}' in listed.output


def test_a_reviewer_is_required(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MONITOR_REVIEWER")
    result = CliRunner().invoke(cli, ["queue", "undo", "1", "--db", db])
    assert result.exit_code == 2 and "--reviewer" in result.output
