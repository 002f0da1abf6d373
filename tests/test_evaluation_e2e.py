"""tools.evaluation end to end: a dev set served as outlets, a real `monitor run`, the queue scored.

The corpus here is written in the project's own words: a wire report and its late copy on an aggregator,
a launch known only from a late copy, a report without any year, and two negatives."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from tools.evaluation.cli import main
from tools.evaluation.devset import DevRecord, parse_record
from tools.evaluation.endtoend import QueuedItem, gold_centers, run_end_to_end, score_queue
from tools.evaluation.outlets import build_site, feeds_toml, serve_site

HENAN = "河南省"


def gold(center: str, place: str, date: str | None, **more: Any) -> dict[str, Any]:
    return {"type": "launch", "center": center, "place": place, "province": HENAN, "level": "city", "date": date,
            "partners": more.pop("partners", []), **more}


def record(id_: str, text: str, events: list[dict[str, Any]], url: str | None = None,
           published: str | None = None, **more: Any) -> DevRecord:
    data = {"id": id_, "url": url, "title": None, "text": text, "published": published, "gold": events, **more}
    return parse_record(json.dumps(data, ensure_ascii=False), id_)


KAIFENG = "开封国际传播中心"
CORPUS = [
    record("kf-wire", "开封国际传播中心揭牌成立\n中新网开封3月26日电（记者 王明）26日上午，开封国际传播中心在开封市"
           "揭牌成立。该中心由开封日报社承建运营，河南大学与中心签署合作协议。\n开封是八朝古都，中心将讲好宋文化故事。",
           [gold(KAIFENG, "开封", "2025-03-26", partners=["开封日报社", "河南大学"])],
           url="http://zz.example.cn/2025-03/26/content_1.htm", published="2025-03-26"),
    record("kf-late", "首页 > 资讯 > 正文\n發佈時間：2025-06-10 09:12　來源：中國新聞網\n"
           "中新網開封3月26日電（記者 王明）26日上午，開封國際傳播中心在開封市揭牌成立。該中心由開封日報社承建運營，"
           "河南大學與中心簽署合作協議。\n開封是八朝古都，中心將講好宋文化故事。",
           [gold("開封國際傳播中心", "開封", "2025-03-26", partners=["開封日報社", "河南大學"])],
           published="2025-06-10"),
    record("ny-late-only", "发布时间：2025-11-14 17:51　来源：中国新闻网\n中新网南阳9月6日电（记者 李华）9月6日，"
           "南阳国际传播中心在南阳市揭牌成立。该中心由南阳日报社承建运营。\n南阳是张衡故里，中心将面向海外讲好南阳故事。",
           [gold("南阳国际传播中心", "南阳", "2025-09-06", partners=["南阳日报社"])],
           url="http://agg.example.cn/info.asp?id=77", published="2025-11-14"),
    record("ly-no-year", "10月28日，洛阳国际传播中心成立仪式在洛阳广播电视台举行。该中心由洛阳日报社承建运营。\n"
           "洛阳是十三朝古都，中心将讲好河洛文化故事。",
           [gold("洛阳国际传播中心", "洛阳", None, year_resolvable=False, date_partial="--10-28",
                 partners=["洛阳日报社"])]),
    record("neg-anniversary", "本报讯 3月26日，开封国际传播中心成立一周年座谈会举行。\n"
           "一年来，中心推出多语种短视频百余条。", [], url="http://zz.example.cn/2026-03/27/content_9.htm",
           published="2026-03-27"),
    record("neg-activity", "本报讯 10月12日，洛阳国际传播中心举办海外网红古都行活动。\n"
           "洛阳国际传播中心于2024年9月揭牌成立，由洛阳日报社承建运营。",
           [], url="http://ly.example.cn/2025/1013/c2.html", published="2025-10-13"),
]


# -- scoring a queue (no run) --------------------------------------------------------------------------


def item(id_: int, center: str, date: str | None = "2025-03-26", records: tuple[str, ...] = (),
         late: bool = False, partners: tuple[str, ...] = ()) -> QueuedItem:
    return QueuedItem(id_, "launch", center, HENAN, date, partners, late, records)


def test_centers_are_grouped_across_scripts_and_longer_names() -> None:
    extra = record("hz", "浙江开封国际传播中心揭牌。", [gold("浙江开封国际传播中心", "开封", "2025-03-26")])
    centers = gold_centers([*CORPUS, extra])
    assert [(c.names[0], c.records) for c in centers] == [
        (KAIFENG, ["kf-wire", "kf-late", "hz"]), ("南阳国际传播中心", ["ny-late-only"]),
        ("洛阳国际传播中心", ["ly-no-year"])]


def test_a_queue_with_one_right_item_a_center_meets_the_target() -> None:
    items = [item(1, KAIFENG, partners=("开封日报社", "河南大学")),
             item(2, "南阳国际传播中心", "2025-09-06", late=True, partners=("南阳日报社",)),
             item(3, "洛阳国际传播中心", "2026-10-28", partners=("洛阳日报社",))]
    report = score_queue(CORPUS, items, outlets=4)
    assert (report.queued, report.duplicates, len(report.not_launch), report.dates) == (3, 0, 0, (3, 3))
    assert report.met and (report.partners.precision, report.partners.recall) == (1.0, 1.0)
    assert [i.center for i in report.late_items] == ["南阳国际传播中心"]


def test_duplicates_misses_and_items_that_are_no_launch_are_counted() -> None:
    items = [item(1, KAIFENG), item(2, "开封市(Kaifeng)国际传播中心", "2025-03"), item(3, "郑州国际传播中心"),
             item(4, "国际传播中心"), item(5, "开封日报国际传播中心", records=("kf-late",))]
    report = score_queue(CORPUS, items)
    assert (report.queued, report.duplicates) == (1, 2)
    assert [i.id for i in report.not_launch] == [3, 4]
    assert report.to_dict()["centers"][0]["items"] == [1, 2, 5]
    assert not report.met


def test_an_annotated_event_that_is_no_launch_is_not_held_against_the_queue() -> None:
    optional = record("opt", "开封国际传播中心于2018年成立，郑州国际传播研究中心同日揭牌。", [],
                      gold_optional=[gold("郑州国际传播中心", "郑州", "2018")])
    report = score_queue([*CORPUS, optional], [item(1, "郑州国际传播中心", "2018")])
    assert (len(report.not_launch), len(report.other_events)) == (0, 1)


# -- the site -------------------------------------------------------------------------------------------


def test_pages_keep_their_own_path_and_pages_without_an_address_get_one() -> None:
    site = build_site(CORPUS)
    paths = {p.record_id: p.path for p in site.pages}
    assert paths["kf-wire"].endswith("/zz.example.cn/2025-03/26/content_1.htm")
    assert paths["ny-late-only"].endswith("/agg.example.cn/info.asp?id=77")
    assert paths["ly-no-year"].endswith("/page/ly-no-year.html")
    assert {p.outlet for p in site.pages} <= set(range(1, site.outlets + 1))
    assert feeds_toml(site, "http://127.0.0.1:1").count("[[outlets]]") == site.outlets


def test_the_served_feed_dates_only_the_pages_that_have_a_date() -> None:
    site = build_site(CORPUS, outlets=1)
    with serve_site(site) as base:
        feed = httpx.get(base + site.feed_path(1)).text
        page = httpx.get(base + next(p.path for p in site.pages if p.record_id == "ny-late-only"))
    assert feed.count("<item>") == len(CORPUS) and feed.count("<pubDate>") == len(CORPUS) - 1
    assert page.status_code == 200 and "南阳国际传播中心" in page.text
    assert 'content="2025-11-14"' in page.text


# -- a real run ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ran() -> Any:
    return run_end_to_end(CORPUS)


def test_a_real_run_queues_each_launch_once_and_nothing_else(ran: Any) -> None:
    assert (ran.queued, ran.duplicates, len(ran.not_launch)) == (3, 0, 0)
    assert ran.met


def test_the_late_copy_joins_its_item_and_the_launch_seen_only_late_is_late(ran: Any) -> None:
    kaifeng = next(c for c in ran.centers if c.center == KAIFENG)
    assert len(kaifeng.items) == 1 and not kaifeng.late
    assert [i.center for i in ran.late_items] == ["南阳国际传播中心"]


def test_a_report_without_any_year_gets_one_in_the_queue(ran: Any) -> None:
    luoyang = next(c for c in ran.centers if c.center == "洛阳国际传播中心")
    assert luoyang.date is True
    assert ran.dates == (3, 3)


def test_the_command_line_prints_and_writes_the_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    devset = tmp_path / "mini.jsonl"
    lines = [json.dumps({"id": r.id, "url": r.url, "title": r.title, "text": r.text, "published": r.published,
                         "gold": [_event_json(e) for e in r.gold]}, ensure_ascii=False) for r in CORPUS]
    devset.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "e2e.json"
    assert main(["--devset-e2e", str(devset), "--out", str(out)]) == 0
    assert "launches queued   3/3 centers" in capsys.readouterr().out
    assert json.loads(out.read_text(encoding="utf-8"))["target_met"] is True


def _event_json(event: Any) -> dict[str, Any]:
    return {"type": event.type, "center": event.center, "place": event.place, "province": event.province,
            "level": event.level, "date": event.date, "year_resolvable": event.year_resolvable,
            "date_partial": event.date_partial, "partners": list(event.partners)}
