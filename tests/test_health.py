"""Outlet health from the store: last success, failures in a row, new articles per day, and the flags."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.events.keys import center_key
from monitor.models import Article
from monitor.publish.health import HealthSettings, flag_changes, outlet_health, snapshot, sparkline
from monitor.sources.config import parse_config
from monitor.sources.feeds import HTML_ERROR
from monitor.store.database import Store

TODAY = dt.datetime.now(dt.UTC).date()


def _articles(store: Store, outlet: str, days_ago: list[int]) -> None:
    """One stored article per entry, first fetched that many days ago."""
    for n, ago in enumerate(days_ago):
        url = f"http://127.0.0.1/{outlet}/{n}-{ago}.html"
        store.save_article(Article(url, "t", f"{outlet} 正文 {n} {ago}", None), outlet=outlet, outlet_level="city",
                           outlet_province=None, source_url=None, raw=None, raw_encoding=None, lexicon_version="t",
                           hits=[], events=[], center_key=center_key)
        day = (TODAY - dt.timedelta(days=ago)).isoformat()
        store.db.execute("UPDATE articles SET fetched_at = ? WHERE url = ?", [f"{day}T08:00:00+00:00", url])


def _health(store: Store, **settings: int) -> dict[str, dict[str, object]]:
    return {h.outlet: h.to_dict() for h in outlet_health(store, settings=HealthSettings(**settings), today=TODAY)}


def test_a_healthy_outlet_has_its_counts_per_day_and_no_flags(store: Store) -> None:
    store.record_source("http://127.0.0.1/a/rss.xml", "甲报", "feed", None, 5)
    _articles(store, "甲报", [0, 0, 3, 13, 20])
    health = _health(store)["甲报"]
    per_day = health["per_day"]
    assert isinstance(per_day, list) and len(per_day) == 14
    assert per_day[-1] == 2 and per_day[-4] == 1 and per_day[0] == 1 and sum(per_day) == 4
    assert health["flags"] == [] and health["consecutive_failures"] == 0
    assert health["last_success"] is not None


def test_one_network_failure_is_not_broken_two_are(store: Store) -> None:
    url = "http://127.0.0.1/b/rss.xml"
    store.record_source(url, "乙报", "feed", None, 5)
    store.record_source(url, "乙报", "feed", "timed out after 20s", None)
    assert _health(store)["乙报"]["flags"] == []
    store.record_source(url, "乙报", "feed", "timed out after 20s", None)
    health = _health(store)["乙报"]
    assert health["flags"] == ["broken"] and health["consecutive_failures"] == 2
    assert "timed out" in str(health["problems"])
    store.record_source(url, "乙报", "feed", None, 5)
    assert _health(store)["乙报"]["flags"] == []


@pytest.mark.parametrize("error", [HTML_ERROR, "feed has no items",
                                   "no article links matched the pattern on the list page"])
def test_html_instead_of_a_feed_or_no_items_is_broken_at_once(store: Store, error: str) -> None:
    store.record_source("http://127.0.0.1/c/rss.xml", "丙报", "feed", error, None)
    assert _health(store)["丙报"]["flags"] == ["broken"]


def test_an_outlet_that_answers_but_stopped_publishing_is_quiet(store: Store) -> None:
    store.record_source("http://127.0.0.1/d/rss.xml", "丁报", "feed", None, 5)  # answered today
    _articles(store, "丁报", [9, 10, 12, 20])
    health = _health(store)["丁报"]
    assert health["flags"] == ["quiet"]
    assert "no new article for 7 days" in str(health["problems"])
    _articles(store, "丁报", [1])
    assert _health(store)["丁报"]["flags"] == []


def test_a_new_or_silent_unreachable_outlet_is_not_quiet(store: Store) -> None:
    store.record_source("http://127.0.0.1/e/rss.xml", "戊报", "feed", None, 5)
    _articles(store, "戊报", [9])  # too little history to say it used to publish
    assert _health(store)["戊报"]["flags"] == []
    assert _health(store, min_history=1)["戊报"]["flags"] == ["quiet"]
    store.db.execute("UPDATE sources SET last_success = '2020-01-01T00:00:00+00:00'")  # not answered lately
    assert _health(store, min_history=1)["戊报"]["flags"] == []


def test_a_permanent_redirect_is_moved(store: Store) -> None:
    store.record_source("http://127.0.0.1/f/rss.xml", "己报", "feed", None, 5,
                        final_url="http://127.0.0.1/f/new.xml", permanent_redirect=True)
    health = _health(store)["己报"]
    assert health["flags"] == ["moved"]
    assert "http://127.0.0.1/f/new.xml" in str(health["problems"])


def test_with_a_config_every_outlet_is_listed_and_dropped_sources_do_not_count(store: Store,
                                                                              tmp_path: Path) -> None:
    store.record_source("http://127.0.0.1/old.xml", "甲报", "feed", HTML_ERROR, None)
    config = parse_config('[[outlets]]\nname = "甲报"\nlevel = "central"\nfeeds = ["http://127.0.0.1/new.xml"]\n'
                          '[[outlets]]\nname = "新报"\nlevel = "central"\nfeeds = ["http://127.0.0.1/x.xml"]\n',
                          str(tmp_path / "feeds.toml"))
    healths = outlet_health(store, config, today=TODAY)
    assert [(h.outlet, h.flags, h.sources) for h in healths] == [("甲报", (), 0), ("新报", (), 0)]


def test_flag_changes_name_what_turned_and_what_recovered() -> None:
    before = {"甲报": ["broken"], "乙报": ["quiet"]}
    after = {"甲报": ["broken", "moved"], "丙报": ["broken"]}
    assert flag_changes(before, after) == [
        {"outlet": "丙报", "turned": ["broken"], "recovered": []},
        {"outlet": "乙报", "turned": [], "recovered": ["quiet"]},
        {"outlet": "甲报", "turned": ["moved"], "recovered": []},
    ]


def test_snapshot_keeps_only_flagged_outlets_and_sparkline_scales(store: Store) -> None:
    store.record_source("http://127.0.0.1/c/rss.xml", "丙报", "feed", HTML_ERROR, None)
    store.record_source("http://127.0.0.1/a/rss.xml", "甲报", "feed", None, 5)
    assert snapshot(outlet_health(store, today=TODAY)) == {"丙报": ["broken"]}
    assert sparkline((0, 1, 4)) == "·▂█"
    assert sparkline((0, 0)) == "··"


def test_sources_health_command_as_json_and_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no ./feeds.toml: the outlets are those the database knows
    db = tmp_path / "m.db"
    store = Store.open(db)
    store.record_source("http://127.0.0.1/c/rss.xml", "丙报", "feed", HTML_ERROR, None)
    store.close()
    runner = CliRunner()
    result = runner.invoke(cli, ["sources", "health", "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows[0]["outlet"] == "丙报" and rows[0]["flags"] == ["broken"] and len(rows[0]["per_day"]) == 14
    table = runner.invoke(cli, ["sources", "health", "--db", str(db), "--days", "7"])
    assert "丙报" in table.output and "broken" in table.output and "last 7 days" in table.output


# -- frozen and blocked, and the newest item ------------------------------------------------------------

def _day(ago: int) -> str:
    return (TODAY - dt.timedelta(days=ago)).isoformat()


def test_a_source_that_answers_with_old_items_only_is_frozen(store: Store) -> None:
    store.record_source("http://127.0.0.1/g/rss.xml", "庚报", "feed", None, 20, newest=_day(700))
    store.record_source("http://127.0.0.1/g/list.html", "庚报", "page", None, 30, newest=_day(2))
    health = _health(store)["庚报"]
    assert health["flags"] == ["frozen"] and health["newest"] == _day(2)
    assert f"newest item is of {_day(700)}" in str(health["problems"])
    by_source = {s["url"]: s for s in health["by_source"]}  # type: ignore[union-attr]
    assert by_source["http://127.0.0.1/g/rss.xml"]["flags"] == ["frozen"]
    assert by_source["http://127.0.0.1/g/list.html"] == {"url": "http://127.0.0.1/g/list.html", "kind": "page",
                                                          "newest": _day(2), "flags": [], "error": None}


def test_frozen_follows_the_limit_and_a_failing_or_undated_source_is_not_frozen(store: Store) -> None:
    store.record_source("http://127.0.0.1/h/rss.xml", "辛报", "feed", None, 20, newest=_day(40))
    assert _health(store)["辛报"]["flags"] == ["frozen"]  # default: 30 days
    assert _health(store, frozen_days=45)["辛报"]["flags"] == []
    store.record_source("http://127.0.0.1/h/rss.xml", "辛报", "feed", "HTTP 503", None)  # the old day is kept
    assert _health(store)["辛报"]["newest"] == _day(40) and _health(store)["辛报"]["flags"] == []
    store.record_source("http://127.0.0.1/i/rss.xml", "壬报", "feed", None, 20)  # no item had a date
    assert (_health(store)["壬报"]["flags"], _health(store)["壬报"]["newest"]) == ([], None)


def test_the_config_health_table_sets_the_frozen_limit(store: Store, tmp_path: Path) -> None:
    store.record_source("http://127.0.0.1/h/rss.xml", "辛报", "feed", None, 20, newest=_day(40))
    text = '[[outlets]]\nname = "辛报"\nlevel = "central"\nfeeds = ["http://127.0.0.1/h/rss.xml"]\n'
    lenient = parse_config("[health]\nfrozen_days = 60\n" + text, str(tmp_path / "feeds.toml"))
    assert outlet_health(store, lenient, HealthSettings.of(lenient), today=TODAY)[0].flags == ()
    assert outlet_health(store, lenient, HealthSettings.of(lenient, frozen_days=10), today=TODAY)[0].flags == (
        "frozen",)
    assert outlet_health(store, parse_config(text), today=TODAY)[0].flags == ("frozen",)
    assert outlet_health(store, lenient, today=TODAY)[0].flags == ()  # as the digest calls it


def test_a_challenge_or_login_page_is_blocked_not_broken(store: Store) -> None:
    url = "http://127.0.0.1/j/rss.xml"
    error = ("blocked (challenge): the site answers with the JavaScript challenge of 加速乐 (jsl) "
             f"(HTTP 521, {url}) instead of the page")
    for _ in range(3):
        store.record_source(url, "癸报", "feed", error, None, newest=None)
    health = _health(store)["癸报"]
    assert health["flags"] == ["blocked"] and "加速乐" in str(health["problems"])
    store.record_source("http://127.0.0.1/k/", "子报", "page", "blocked (login): a redirect to a login page", None)
    assert _health(store)["子报"]["flags"] == ["blocked"]
    store.record_source(url, "癸报", "feed", None, 5, newest=_day(1))
    assert _health(store)["癸报"]["flags"] == []


def test_sources_of_every_kind_in_the_config_count(store: Store) -> None:
    config = parse_config('[[outlets]]\nname = "丑报"\nlevel = "central"\nsitemaps = ["http://127.0.0.1/s.xml"]\n'
                          '[[outlets.api]]\nurl = "http://127.0.0.1/l.jsonp?cb=x"\nitems = "data.list"\nlink = "url"\n'
                          '[[outlets.search]]\nurl = "http://127.0.0.1/s?q={query}"\nformat = "feed"\n')
    for url in ("http://127.0.0.1/s.xml", "http://127.0.0.1/l.jsonp?cb=x", "http://127.0.0.1/s?q=%E4%B8%AD",
                "http://127.0.0.1/gone.xml"):
        store.record_source(url, "丑报", "feed", None, 5, newest=_day(90))
    [health] = outlet_health(store, config, today=TODAY)
    assert health.sources == 3 and health.flags == ("frozen",)


def test_sources_health_command_shows_newest_and_frozen_from_the_store(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "m.db"
    store = Store.open(db)
    store.record_source("http://127.0.0.1/g/rss.xml", "庚报", "feed", None, 20, newest="2022-12-01")
    store.close()
    runner = CliRunner()
    rows = json.loads(runner.invoke(cli, ["sources", "health", "--db", str(db), "--format", "json"]).output)
    assert (rows[0]["newest"], rows[0]["flags"], rows[0]["by_source"][0]["flags"]) == (
        "2022-12-01", ["frozen"], ["frozen"])
    table = runner.invoke(cli, ["sources", "health", "--db", str(db)], env={"COLUMNS": "200"}).output
    assert "2022-12-01" in table and "frozen" in table
    lenient = runner.invoke(cli, ["sources", "health", "--db", str(db), "--format", "json", "--frozen-days",
                                  "100000"]).output
    assert json.loads(lenient)[0]["flags"] == []
