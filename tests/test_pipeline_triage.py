"""Triage on the offline samples: copies tied together, one item per launch, confirmed launches stay quiet."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from monitor.events.keys import center_key, center_name_key
from monitor.models import Article
from monitor.run.daily import run
from monitor.run.ingest import Analyzer
from monitor.sources.config import load_config
from monitor.store.database import Store
from monitor.store.queue import decide, get_item, list_items, mentions
from tools.demo import sample_config, serve_samples

# (original, copies) among the samples: a wire story with its traditional-script mirror, wire copies of
# provincial reports, a provincial re-post of a county report.
COPY_GROUPS = {
    "/zhongzhou/html/2025-03/27/content_812345.htm": {"/hxnews/2025-03/27/c_1131526608.htm",
                                                      "/szw/gate/big5/n1/2025/0327/c1004-40451276.html"},
    "/ganjiang/news/2024-11/19/content_30218.html": {"/hxnews/2024-11/19/c_1130223716.htm"},
    "/wuyuan/art/2025/6/3/art_1152_88231.html": {"/ganjiang/news/2025-06/04/content_32675.html"},
}


@pytest.fixture(scope="module")
def triaged(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp: Path = tmp_path_factory.mktemp("triage")
    with serve_samples() as base:
        config = load_config(sample_config(base, tmp / "feeds.toml"))
        store = Store.open(tmp / "run.db")
        run(config, store)
        kaifeng = next(i for i in list_items(store) if center_name_key(i.center) == "开封国际传播中心")
        decide(store, kaifeng.id, "confirm", "alice")
        second = run(config, store)
        yield base, store, kaifeng.id, second
        store.close()


def test_copies_point_at_their_original(triaged: Any) -> None:
    base, store, _, _ = triaged
    rows = store.db.execute("SELECT c.url, o.url FROM copies JOIN articles c ON c.id = copies.article_id "
                            "JOIN articles o ON o.id = copies.original_id").fetchall()
    found: dict[str, set[str]] = {}
    for copy_url, original_url in rows:
        found.setdefault(original_url.removeprefix(base), set()).add(copy_url.removeprefix(base))
    assert found == COPY_GROUPS


def test_every_copy_is_a_mention_of_the_one_item_of_its_launch(triaged: Any) -> None:
    base, store, _, _ = triaged
    for original, copies in COPY_GROUPS.items():
        holders = {i.id for i in list_items(store) for m in mentions(store, i.id)
                   if m.url.removeprefix(base) in {original, *copies}}
        assert len(holders) == 1, original


def test_rerun_after_confirming_raises_nothing_new(triaged: Any) -> None:
    _, store, kaifeng_id, second = triaged
    assert second.new_items == 0
    assert get_item(store, kaifeng_id).status == "confirmed"
    assert all(center_name_key(i.center) != "开封国际传播中心" for i in list_items(store, "new"))


def test_a_later_report_of_a_confirmed_launch_is_attached_without_an_alert(triaged: Any) -> None:
    _, store, kaifeng_id, _ = triaged
    analyzer = Analyzer()
    text = ("汴梁晚报讯 3月26日上午，开封市国际传播中心在开封市正式揭牌成立。中心由开封市委宣传部指导，"
            "将面向海外讲述古都开封的历史文化。半个月来，中心已发布多语种短视频二十余条。")
    article = Article("http://later.example/kaifeng.html", "开封市国际传播中心揭牌半月记", text, dt.date(2025, 4, 10))
    analysis = analyzer.analyze(article, "河南省")
    assert [e.center for e in analysis.events] == ["开封市国际传播中心"]
    before = len(list_items(store, "new"))
    _, new_items = store.save_article(article, outlet="汴梁晚报", outlet_level="city", outlet_province="河南省",
                                      source_url=None, raw=None, raw_encoding=None,
                                      lexicon_version=analyzer.lexicon_version, hits=analysis.hits,
                                      events=analysis.events, center_key=center_key)
    assert new_items == 0
    assert len(list_items(store, "new")) == before
    assert get_item(store, kaifeng_id).status == "confirmed"
    assert "http://later.example/kaifeng.html" in {m.url for m in mentions(store, kaifeng_id)}
