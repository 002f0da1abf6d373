"""`monitor queue show ID`: a record for people (a field a line, the evidence, every source); JSON unchanged."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.publish.output import cells, marked, wrap
from monitor.store.database import Store
from monitor.store.queue import get_item, list_items, mentions
from tests.support.triage import OTHER, REPORT, event, save

ANSI = re.compile(r"\x1b\[[0-9;]*m")
EVIDENCE = "3月26日上午，⟦开封国际传播中心⟧在开封市⟨揭牌成立⟩。开封市委常委、宣传部部长周怀瑾出席揭牌仪式并致辞，" \
           "中心与中州日报社签署战略合作框架协议。"


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = tmp_path / "show.db"
    store = Store.open(path)
    save(store, "http://a/1", REPORT, [replace(event("http://a/1", confidence=0.9), evidence=EVIDENCE)])
    save(store, "http://a/2", REPORT + "续", [event("http://a/2", confidence=0.7)], outlet="华夏通讯社",
         title="开封国际传播中心揭牌")
    save(store, "http://b/1", OTHER, [event("http://b/1", "洛阳国际传播中心")], outlet="洛阳日报")
    store.close()
    return str(path)


def _kaifeng(db: str) -> int:
    store = Store.open(db)
    try:
        return next(i.id for i in list_items(store) if i.center == "开封国际传播中心")
    finally:
        store.close()


def show(db: str, *args: str, columns: int = 80, color: bool = False) -> str:
    result = CliRunner().invoke(cli, ["queue", "show", *args, "--db", db], env={"COLUMNS": str(columns)},
                                color=color)
    assert result.exit_code == 0, result.output
    return result.output


def test_show_prints_the_fields_one_a_line_then_the_evidence_then_each_source(db: str) -> None:
    item_id = _kaifeng(db)
    out = show(db, str(item_id))
    lines = out.splitlines()
    assert lines[0] == f"item {item_id}"
    expected = {"center": "开封国际传播中心", "status": "new", "place": "开封市", "province": "河南省",
                "level": "city", "code": "410200", "date": "2025-03-26", "partners": "中州日报社",
                "confidence": "0.90", "mentions": "2"}
    for label, value in expected.items():
        assert re.search(rf"^{label}: +{re.escape(value)}$", out, re.M), label
    assert "reviewer:" not in out and "decision:" not in out
    evidence = lines.index("evidence (中州日报, 2025-03-27)")
    sources = lines.index("sources (2)")
    assert evidence < sources
    assert "⟦开封国际传播中心⟧" in "".join(lines[evidence:sources]) and "⟨揭牌成立⟩" in out
    after = "\n".join(lines[sources:])
    assert re.search(r"1\. 中州日报 · 2025-03-27 · article \d+ · confidence 0\.90", after)
    assert re.search(r"2\. 华夏通讯社 · 2025-03-27 · article \d+ · confidence 0\.70", after)
    assert "     http://a/1" in after and "     http://a/2" in after and "开封国际传播中心揭牌" in after
    assert not ANSI.search(out), "no colour when the output is not a terminal"


def test_show_wraps_to_the_terminal_width_counting_wide_characters(db: str) -> None:
    out = show(db, str(_kaifeng(db)), columns=50)
    assert max(cells(line) for line in out.splitlines() if "http://" not in line) <= 50
    joined = "".join(line.strip() for line in out.splitlines())
    assert "⟦开封国际传播中心⟧在开封市⟨揭牌成立⟩" in joined  # wrapped, not cut
    assert max(cells(line) for line in show(db, str(_kaifeng(db)), columns=120).splitlines()) > 50


def test_show_colours_the_marks_on_a_terminal(db: str) -> None:
    out = show(db, str(_kaifeng(db)), color=True)
    assert re.search(r"\x1b\[[0-9;]*m⟦开封国际传播中心⟧", out)
    assert ANSI.sub("", out) == show(db, str(_kaifeng(db)))


def test_show_names_the_reviewer_and_the_last_decision(db: str) -> None:
    item_id = _kaifeng(db)
    runner = CliRunner()
    rejected = runner.invoke(cli, ["queue", "reject", str(item_id), "--db", db, "--reviewer", "王分析",
                                   "--reason", "duplicate", "--note", "same as #1"])
    assert rejected.exit_code == 0, rejected.output
    out = show(db, str(item_id))
    assert re.search(r"^status: +rejected$", out, re.M)
    assert re.search(r"^reviewer: +王分析$", out, re.M) and re.search(r"^note: +same as #1$", out, re.M)
    assert re.search(r"^decision: +reject by 王分析 at \S+ \(duplicate\)$", out, re.M)
    assert re.search(rf"^history: +1 decision: monitor queue history {item_id}$", out, re.M)


def test_show_json_is_the_item_with_its_mention_list(db: str) -> None:
    item_id = _kaifeng(db)
    store = Store.open(db)
    expected = {**get_item(store, item_id).to_dict(), "mention_list": [asdict(m) for m in mentions(store, item_id)]}
    store.close()
    for fmt in ("json", "jsonl"):
        out = show(db, str(item_id), "--format", fmt)
        assert out == json.dumps(expected, ensure_ascii=False, indent=2) + "\n"
    assert list(json.loads(out)) == ["id", "status", "type", "center", "place", "province", "level", "code", "date",
                                     "partners", "confidence", "mentions", "first_seen", "reviewer", "note",
                                     "merged_into", "late", "backfill", "mention_list"]
    csv = show(db, str(item_id), "--format", "csv").splitlines()
    assert csv[0].startswith("id,status,type,center") and "article_id,outlet,published,url,evidence" in csv


def test_show_of_an_unknown_item_is_one_line(db: str) -> None:
    result = CliRunner().invoke(cli, ["queue", "show", "999", "--db", db])
    assert result.exit_code == 1 and "queue item 999 does not exist" in result.output
    assert "Traceback" not in result.output


def test_wrap_breaks_between_words_and_wide_characters() -> None:
    assert wrap("the quick brown fox", 10) == ["the quick", "brown fox"]
    assert wrap("开封国际传播中心", 6) == ["开封国", "际传播", "中心"]
    assert wrap("abcdefghij", 4) == ["abcd", "efgh", "ij"]
    assert wrap("", 5) == [""]
    lines = marked("甲⟦乙丙⟧丁", 4, "")
    assert [ANSI.sub("", line) for line in lines] == ["甲⟦", "乙丙", "⟧丁"]
