"""Term trends per ISO week over a small store built by hand (hits joined with articles)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.errors import MonitorError, NotFoundError
from monitor.publish.trends import center_terms, iso_week, term_trend, week_range, week_start
from monitor.store.database import Store

# (published, outlet, province, [(term, canonical, category), ...])
ARTICLES = [
    ("2025-03-24", "中州日报", "河南省", [("国际传播中心", "国际传播中心", "center")] * 3),
    ("2025-03-27", "华夏通讯社", None, [("国际传播中心", "国际传播中心", "center")]),
    ("2025-03-30", "中州日报", "河南省", [("國際傳播中心", "国际传播中心", "center"), ("揭牌", "揭牌", "trigger")]),
    ("2025-04-14", "赣江日报", "江西省", [("国际传播分中心", "国际传播中心", "center")]),
    ("2025-04-20", "赣江日报", "江西省", [("国际传媒中心", "国际传媒中心", "center")]),
    (None, "赣江日报", "江西省", [("国际传播中心", "国际传播中心", "center")]),
]
FETCHED = "2025-04-09T06:00:00+00:00"


def _store(path: Path) -> Store:
    store = Store.open(path)
    with store.transaction():
        for number, (published, outlet, province, hits) in enumerate(ARTICLES, 1):
            store.db.table("articles").insert({
                "id": number, "url": f"http://127.0.0.1/{number}", "outlet": outlet, "outlet_province": province,
                "published": published, "text": "…", "content_hash": str(number), "fetched_at": FETCHED})
            store.db.table("hits").insert_all(
                {"article_id": number, "term": term, "canonical": canonical, "category": category,
                 "start": start * 10, "end": start * 10 + 6, "lexicon_version": "v"}
                for start, (term, canonical, category) in enumerate(hits))
    return store


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return _store(tmp_path / "trend.db")


def test_iso_weeks_cross_the_year_boundary() -> None:
    assert iso_week(dt.date(2024, 12, 30)) == "2025-W01"
    assert week_start("2025-W01") == dt.date(2024, 12, 30)
    assert week_range(["2024-W52", "2025-W02"]) == ["2024-W52", "2025-W01", "2025-W02"]
    assert week_range([]) == []


def test_weekly_series_counts_articles_and_hits_with_zero_weeks(store: Store) -> None:
    rows = {r.week: (r.articles, r.hits) for r in term_trend(store, "国际传播中心")}
    # W13: three articles (3 + 1 + 1 hits of the canonical or its variants); the undated article
    # counts in its fetch week (W15); the variant 国际传播分中心 counts under its canonical (W16).
    assert rows == {"2025-W13": (3, 5), "2025-W14": (0, 0), "2025-W15": (1, 1), "2025-W16": (1, 1)}


def test_grouped_by_province_and_by_outlet(store: Store) -> None:
    by_province = [r.to_dict("province") for r in term_trend(store, "国际传播中心", by="province")]
    assert by_province[0] == {"week": "2025-W13", "week_start": "2025-03-24", "province": "河南省",
                              "articles": 2, "hits": 4}
    assert {(r["week"], r["province"]) for r in by_province} == {
        ("2025-W13", "河南省"), ("2025-W13", None), ("2025-W15", "江西省"), ("2025-W16", "江西省")}
    outlets = {(r.week, r.group): r.articles for r in term_trend(store, "国际传播中心", by="outlet")}
    assert outlets[("2025-W13", "华夏通讯社")] == 1 and outlets[("2025-W13", "中州日报")] == 2


def test_traditional_input_folds_and_a_variant_counts_only_itself(store: Store) -> None:
    assert [r.articles for r in term_trend(store, "國際傳播中心")] == [3, 0, 1, 1]
    variant = term_trend(store, "国际传播分中心")
    assert [(r.week, r.articles) for r in variant] == [("2025-W16", 1)]


def test_since_leaves_out_earlier_articles(store: Store) -> None:
    rows = term_trend(store, "国际传播中心", since=dt.date(2025, 4, 1))
    assert [r.week for r in rows] == ["2025-W15", "2025-W16"]


def test_unknown_term_names_the_terms_that_have_hits(store: Store) -> None:
    with pytest.raises(NotFoundError, match=r"国际交流中心.*terms with hits: 国际传播中心.*monitor lexicon test"):
        term_trend(store, "国际交流中心")
    with pytest.raises(MonitorError, match="--by 'county'"):
        term_trend(store, "国际传播中心", by="county")


def test_center_terms_are_those_of_the_center_category_most_hits_first(store: Store) -> None:
    assert center_terms(store) == ["国际传播中心", "国际传媒中心"]


def test_cli_trend_as_json_and_csv(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    _store(db).close()
    runner = CliRunner()
    result = runner.invoke(cli, ["terms", "trend", "国际传播中心", "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert [row["articles"] for row in json.loads(result.output)] == [3, 0, 1, 1]
    result = runner.invoke(cli, ["terms", "trend", "国际传播中心", "--db", str(db), "--by", "outlet",
                                 "--format", "csv", "--since", "2025-04-01"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert list(rows[0]) == ["week", "week_start", "outlet", "articles", "hits"]
    assert {r["outlet"] for r in rows} == {"赣江日报"}


def test_cli_unknown_term_is_one_clear_line(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    _store(db).close()
    result = CliRunner().invoke(cli, ["terms", "trend", "不存在", "--db", str(db)])
    assert result.exit_code == 1
    assert "no stored article has a hit for '不存在'" in result.output
    assert "Traceback" not in result.output
