"""The whole path on the offline samples: feeds.toml → fetch → … → queue, run twice."""

from __future__ import annotations

import json
from typing import Any

import pytest

from monitor.events.keys import center_name_key
from monitor.run.daily import run
from monitor.sources.config import load_config
from monitor.store.database import Store
from monitor.store.queue import list_items, mentions
from tools.demo import SAMPLES, sample_config, serve_samples

EXPECTED = json.loads((SAMPLES / "expected.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp = tmp_path_factory.mktemp("samples")
    with serve_samples() as base:
        config = load_config(sample_config(base, tmp / "feeds.toml"))
        store = Store.open(tmp / "run.db")
        first = run(config, store)
        second = run(config, store)
        yield base, store, first, second
        store.close()


def test_every_sample_outlet_is_fetched_without_failure(sample_run: Any) -> None:
    _, store, first, _ = sample_run
    assert first.failures == []
    assert first.articles_new == EXPECTED["articles"]
    assert store.count("articles") == EXPECTED["articles"]


def test_queue_holds_each_launch_exactly_once_with_every_copy(sample_run: Any) -> None:
    base, store, _, _ = sample_run
    items = list_items(store)
    by_key = {center_name_key(i.center): i for i in items}
    assert len(items) == len(EXPECTED["launches"]), [i.center for i in items]
    for launch in EXPECTED["launches"]:
        item = by_key.get(center_name_key(launch["center"]))
        assert item is not None, f"missing {launch['center']}"
        assert item.type == launch["type"]
        if launch["place"]["province"]:
            assert item.province == launch["place"]["province"], launch["center"]
        assert item.level == launch["place"]["level"], launch["center"]
        urls = {m.url.removeprefix(base) for m in mentions(store, item.id)}
        assert urls == set(launch["urls"]), launch["center"]


def test_no_activity_or_ordinary_article_reaches_the_queue(sample_run: Any) -> None:
    base, store, _, _ = sample_run
    queued = {m.url.removeprefix(base) for i in list_items(store) for m in mentions(store, i.id)}
    assert queued.isdisjoint(EXPECTED["not_launches"])


def test_second_run_adds_nothing_and_downloads_only_what_changed(sample_run: Any) -> None:
    _, store, first, second = sample_run
    assert second.articles_new == 0
    assert second.new_items == 0
    assert second.not_modified == first.sources - first.sources_failed
    assert store.count("runs", "WHERE status = 'completed'") == 2


def test_queue_fields_match_the_sample_truth(sample_run: Any) -> None:
    _, store, _, _ = sample_run
    by_key = {center_name_key(i.center): i for i in list_items(store)}
    wrong = []
    for launch in EXPECTED["launches"]:
        item = by_key[center_name_key(launch["center"])]
        if item.date != launch["date"]:
            wrong.append((launch["center"], "date", item.date, launch["date"]))
        if launch["place"]["level"] != "other" and item.place != launch["place"]["name"]:
            wrong.append((launch["center"], "place", item.place, launch["place"]["name"]))
        if not set(launch["partners"]) <= set(item.partners):
            wrong.append((launch["center"], "partners", item.partners, launch["partners"]))
    assert wrong == []


def test_extract_gives_the_same_events_as_the_run(sample_run: Any) -> None:
    from click.testing import CliRunner

    from monitor.cli import cli

    _, store, _, _ = sample_run
    rows = store.db.execute("SELECT url, title, text, published FROM articles ORDER BY id").fetchall()
    lines = "\n".join(json.dumps({"url": u, "title": t, "text": x, "published": p, "html": None},
                                 ensure_ascii=False) for u, t, x, p in rows)
    result = CliRunner().invoke(cli, ["extract"], input=lines)
    extracted = {(e["url"], e["type"], e["center"], e["date"], e["place"]["name"])
                 for e in map(json.loads, result.stdout.splitlines())}
    stored = set(store.db.execute("SELECT a.url, e.type, e.center, e.date, e.place FROM events e "
                                  "JOIN articles a ON a.id = e.article_id").fetchall())
    assert extracted == stored
