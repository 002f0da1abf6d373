"""Tests of tools.evaluation on the dev set of real pages: its loader, the scorer's conventions, and the
agreement with the dev set's own score.py (read in place) on synthetic records written here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.support.realworld import require
from tools.evaluation.counts import Counts, Ratio
from tools.evaluation.devscore import PartnerTally, partner_tally, score_devset, score_record
from tools.evaluation.devset import DevRecord, load_devset, parse_record
from tools.evaluation.extractor import parse_predictions
from tools.evaluation.records import EvaluationError, EventRecord, PlaceRecord
from tools.evaluation.run import evaluate_devset

JIANGXI = "江西省"


def gold(center: str, place: str | None = None, date: str | None = None, **more: Any) -> dict[str, Any]:
    return {"type": "launch", "center": center, "place": place, "province": JIANGXI, "level": "county",
            "date": date, "partners": [], **more}


def record(id_: str, text: str, events: list[dict[str, Any]], **more: Any) -> dict[str, Any]:
    return {"id": id_, "url": None, "title": None, "text": text, "published": None, "gold": events, **more}


def launch(center: str, name: str | None = None, date: str | None = None, province: str | None = JIANGXI,
           level: str | None = "county", partners: list[str] | None = None, type_: str = "launch") -> dict[str, Any]:
    return {"type": type_, "center": center, "place": {"name": name, "province": province, "level": level,
                                                       "code": None},
            "date": date, "partners": partners or [], "confidence": 0.9}


# Each record: the article, its annotation, and what a pretend extractor reports for it.
RECORDS = [
    (record("a-partners", "3月5日，临川国际传播中心揭牌成立，由临川区委宣传部指导、临川区融媒体中心运营，"
                          "抚州日报社到场。",
            [gold("临川国际传播中心", "临川", "2025-03-05", level="district", year_resolvable=True,
                  partners=["临川区委宣传部", "临川区融媒体中心"], partners_optional=["抚州日报社"])]),
     [launch("临川国际传播中心", "临川区", "2025-03-05", level="district",
             partners=["临川区融媒体中心", "抚州日报社", "某某文化公司"])]),
    (record("b-no-year", "6月18日，南丰国际传播中心挂牌。",
            [gold("南丰国际传播中心", "南丰", None, year_resolvable=False, date_partial="--06-18")]),
     [launch("南丰国际传播中心", "南丰县", "2024-06-18")]),
    (record("c-no-year-wrong", "9月1日，宜丰国际传播中心揭牌。",
            [gold("宜丰国际传播中心", "宜丰", "2023-09-01", year_resolvable=False)]),
     [launch("宜丰国际传播中心", "宜丰县", "--09-02")]),
    (record("d-by-place", "黎川县对外传播平台近日启用。", [gold("黎川国际传播中心", "黎川", "2025-05-20")]),
     [launch("黎川县对外传播平台", "黎川县", "2025-05")]),
    (record("e-pinyin", "廣昌國(guó)際傳播中心揭牌，廣昌縣融媒體中心承建。",
            [gold("廣昌國(guó)際傳播中心", "廣昌", None, partners=["廣昌縣融媒體中心"])]),
     [launch("广昌国际传播中心", "广昌县", partners=["广昌县融媒体中心"])]),
    (record("f-optional", "资溪国际传播中心成立一周年，某大学国际传播研究中心同日揭牌。",
            [{**gold("某大学国际传播研究中心"), "type": "research_center_launch"}],
            gold_optional=[gold("资溪国际传播中心", "资溪")], negative_reason="an anniversary"),
     [launch("资溪国际传播中心", "资溪县"), launch("某大学国际传播研究中心", type_="branch")]),
    (record("g-negative", "宜黄国际传播中心开展培训。", [], negative_reason="training"),
     [launch("宜黄国际传播中心", "宜黄县")]),
    (record("h-missed", "金溪国际传播中心揭牌。", [gold("金溪国际传播中心", "金溪")]), []),
    (record("i-two-and-a-copy", "崇仁、乐安两地国际传播中心同日揭牌。",
            [gold("崇仁国际传播中心", "崇仁"), gold("乐安国际传播中心", "乐安")]),
     [launch("乐安国际传播中心", province=None, level=None), launch("崇仁国际传播中心", province=None, level=None),
      launch("崇仁国际传播中心", province=None, level=None)]),
]


@pytest.fixture(name="devset_file")
def devset_file_fixture(tmp_path: Path) -> Path:
    path = tmp_path / "articles.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r, _ in RECORDS), "utf-8")
    return path


@pytest.fixture(name="extractor_command")
def extractor_command_fixture(tmp_path: Path) -> str:
    """A pretend `monitor extract`: prints the canned events of every article it is given."""
    canned = tmp_path / "canned.json"
    canned.write_text(json.dumps({r["id"]: events for r, events in RECORDS}, ensure_ascii=False), "utf-8")
    script = tmp_path / "extract.py"
    script.write_text("import json, sys\n"
                      "canned = json.load(open(sys.argv[1], encoding='utf-8'))\n"
                      "for line in sys.stdin:\n"
                      "    url = json.loads(line)['url']\n"
                      "    for event in canned.get(url, []):\n"
                      "        print(json.dumps({'url': url, **event}, ensure_ascii=False))\n", "utf-8")
    return f"{sys.executable} {script} {canned}"


def _predictions() -> dict[str, list[EventRecord]]:
    output = "".join(json.dumps({"url": r["id"], **e}, ensure_ascii=False) + "\n" for r, events in RECORDS
                     for e in events)
    return parse_predictions(output)[0]


def _record(id_: str) -> DevRecord:
    raw = next(r for r, _ in RECORDS if r["id"] == id_)
    return parse_record(json.dumps(raw, ensure_ascii=False), id_)


def test_synthetic_set_scores_as_worked_out_by_hand(devset_file: Path) -> None:
    report = score_devset(load_devset(devset_file), _predictions())
    figures = report.scorer_figures()
    assert report.launches == Counts(tp=7, fp=2, fn=1)
    assert figures["launch_precision"] == pytest.approx(7 / 9) and figures["launch_recall"] == pytest.approx(7 / 8)
    assert report.date == Ratio(2, 4) and report.province == Ratio(5, 7)
    assert report.partners == PartnerTally(found=2, reported=3, owed_found=2, owed=3)
    assert (report.negatives, report.false_alarms) == (2, 1)
    assert [e.kind for e in report.errors if e.case == "g-negative"] == ["false_alarm"]


def test_only_launches_count_and_optional_mentions_are_set_aside() -> None:
    result = score_record(_record("f-optional"), _predictions()["f-optional"])
    assert result.launches == Counts() and result.errors == ()
    assert result.negative and not result.false_alarm


def test_center_pairs_across_pinyin_and_script_else_by_province_and_place() -> None:
    assert score_record(_record("e-pinyin"), _predictions()["e-pinyin"]).launches == Counts(tp=1)
    by_place = score_record(_record("d-by-place"), _predictions()["d-by-place"])
    assert by_place.launches == Counts(tp=1) and by_place.date == Ratio(0, 1)


def test_year_less_gold_date_needs_month_and_day_only() -> None:
    assert score_record(_record("b-no-year"), _predictions()["b-no-year"]).date == Ratio(1, 1)
    assert score_record(_record("c-no-year-wrong"), _predictions()["c-no-year-wrong"]).date == Ratio(0, 1)


def test_optional_partner_counts_neither_way_and_containment_needs_no_length() -> None:
    tally = partner_tally(["融媒体中心", "抚州日报社", "某某公司"], ["临川区融媒体中心", "临川区委宣传部"],
                          optional=["抚州日报社"])
    assert tally == PartnerTally(found=1, reported=2, owed_found=1, owed=2)
    assert partner_tally([], []) == PartnerTally() and partner_tally([], []).precision == 0.0


def test_a_duplicate_report_of_one_center_is_a_false_positive() -> None:
    result = score_record(_record("i-two-and-a-copy"), _predictions()["i-two-and-a-copy"])
    assert result.launches == Counts(tp=2, fp=1) and result.province == Ratio(0, 2)


def test_the_extractor_is_given_the_id_as_url() -> None:
    assert _record("h-missed").contract_input()["url"] == "h-missed"
    event = EventRecord("launch", "金溪国际传播中心", PlaceRecord("金溪县", JIANGXI, "county"))
    assert score_record(_record("h-missed"), [event]).launches == Counts(tp=1)


@pytest.mark.parametrize(("line", "message"), [
    ("{not json", r"x\.jsonl line 3: not JSON"),
    ('{"id": "a", "text": "t", "gold": [{"type": "merger", "center": "c"}]}', r"line 3 gold\[0\]: type 'merger'"),
    ('{"id": "a", "gold": []}', r"line 3: missing key 'text'"),
])
def test_loader_names_the_line_and_key(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text('{"id": "z", "text": "t", "gold": []}\n\n' + line + "\n", "utf-8")
    with pytest.raises(EvaluationError, match=message):
        load_devset(path)


def test_loader_refuses_a_repeated_id(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text('{"id": "z", "text": "t", "gold": []}\n' * 2, "utf-8")
    with pytest.raises(EvaluationError, match="id 'z' is used twice"):
        load_devset(path)


@pytest.mark.realworld
def test_figures_agree_with_the_dev_sets_own_scorer(devset_file: Path, extractor_command: str,
                                                    tmp_path: Path) -> None:
    scorer = require() / "icc-dev" / "score.py"
    theirs_file = tmp_path / "theirs.json"
    subprocess.run([sys.executable, str(scorer), str(devset_file), "--cmd", extractor_command,
                    "--json", str(theirs_file)], check=True, capture_output=True, timeout=120)
    theirs = json.loads(theirs_file.read_text("utf-8"))
    ours = evaluate_devset(devset_file, extractor_command.split(), timeout=120).scorer_figures()
    assert theirs["tp"] == 7  # the synthetic set exercises the conventions (see the test worked out by hand)
    assert set(theirs) == set(ours)
    assert ours == pytest.approx(theirs)
