"""`monitor report`: the samples charted into one self-contained HTML file; hostile text escaped."""

from __future__ import annotations

import base64
import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.errors import MonitorError
from monitor.publish.report import build_report, by_level, by_month, by_province, top_partners, write_report
from monitor.run.daily import run
from monitor.sources.config import load_config
from monitor.store.database import Store, now
from monitor.store.queue import decide, list_items
from tools.demo import SAMPLES, sample_config, serve_samples

EXPECTED = json.loads((SAMPLES / "expected.json").read_text("utf-8"))
LAUNCHES = [launch for launch in EXPECTED["launches"] if launch["type"] == "launch"]
PNG = b"\x89PNG\r\n\x1a\n"
IMAGE = re.compile(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"')


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    tmp = tmp_path_factory.mktemp("report")
    with serve_samples() as base:
        store = Store.open(tmp / "samples.db")
        run(load_config(sample_config(base, tmp / "feeds.toml")), store)
        store.close()
    yield tmp / "samples.db"


@pytest.fixture(scope="module")
def sample_report(sample_db: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path, str]:
    out = tmp_path_factory.mktemp("out")
    result = CliRunner().invoke(cli, ["report", str(out / "report.html"), "--png", str(out / "png"),
                                      "--db", str(sample_db)])
    assert result.exit_code == 0, result.output
    return (out / "report.html").read_text("utf-8"), out / "png", result.output


def test_report_on_the_samples_embeds_every_chart_as_a_png(sample_report: tuple[str, Path, str]) -> None:
    page, _, output = sample_report
    images = [base64.b64decode(data) for data in IMAGE.findall(page)]
    assert len(images) >= 5
    assert all(image.startswith(PNG) and len(image) > 5000 for image in images)
    assert "5 charts, 0 confirmed centers, 11 awaiting review" in output


def test_report_needs_no_network(sample_report: tuple[str, Path, str]) -> None:
    page, _, _ = sample_report
    assert "<script" not in page and "<link" not in page and "@import" not in page
    assert not re.search(r'src="(?!data:)', page)


def test_every_sample_center_is_listed(sample_report: tuple[str, Path, str]) -> None:
    page, _, _ = sample_report
    missing = [launch["center"] for launch in EXPECTED["launches"] if launch["center"] not in page]
    assert missing == []
    assert "No center has been confirmed yet" in page and "<h2>Awaiting review</h2>" in page


def test_charts_count_the_sample_launches(sample_db: Path) -> None:
    store = Store.open(sample_db)
    items = list_items(store)
    store.close()
    months, undated = by_month(items)
    assert {bar.label: bar.total for bar in months if bar.total} == Counter(x["date"][:7] for x in LAUNCHES)
    assert undated == 0
    provinces = {bar.label: bar.total for bar in by_province(items)}
    for province, count in Counter(x["place"]["province"] for x in LAUNCHES if x["place"]["province"]).items():
        assert provinces[province] == count, province
    levels = {bar.label: bar.total for bar in by_level(items)}
    assert {k: v for k, v in levels.items() if v} == Counter(x["place"]["level"] for x in LAUNCHES)
    partners = {bar.label for bar in top_partners(items, limit=100)}
    assert {p for x in LAUNCHES for p in x["partners"]} <= partners


def test_png_folder_holds_the_same_charts(sample_report: tuple[str, Path, str]) -> None:
    page, png_dir, _ = sample_report
    names = sorted(path.stem for path in png_dir.glob("*.png"))
    assert names == ["center-terms-by-week", "launches-by-level", "launches-by-month", "launches-by-province",
                     "top-partners"]
    assert {base64.b64decode(data) for data in IMAGE.findall(page)} == {
        path.read_bytes() for path in png_dir.glob("*.png")}


def test_trends_section_lists_the_center_terms(sample_report: tuple[str, Path, str]) -> None:
    page, _, _ = sample_report
    trends = page.split("<h2>Trends of center terms</h2>", 1)[1]
    assert "<td>国际传播中心</td>" in trends and "<td>国际传媒中心</td>" in trends


# -- a store built by hand ------------------------------------------------------------------------

HOSTILE = '<script>alert("x")</script>国际传播中心'


def _item(store: Store, number: int, center: str, url: str | None = None, **fields: object) -> None:
    record = {"id": number, "center_key": f"k{number}", "type": "launch", "center": center, "place": "洛阳市",
              "province": "河南省", "level": "city", "date": "2025-03-28", "partners": "[]", "confidence": 0.9,
              "status": "new", "created_at": now(), "updated_at": now(), **fields}
    store.db.table("items").insert(record)
    store.db.table("articles").insert({"id": number, "url": url or f"http://127.0.0.1/{number}",
                                       "outlet": "洛阳日报", "published": "2025-03-28", "text": "…",
                                       "content_hash": str(number), "fetched_at": now()})
    store.db.table("events").insert({"article_id": number, "item_id": number, "type": "launch", "center": center,
                                     "center_key": f"k{number}", "confidence": 0.9, "evidence": "…"})


@pytest.fixture
def small_store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "small.db")
    with store.transaction():
        _item(store, 1, "洛阳国际传播中心", partners='["中国日报社"]')
        _item(store, 2, HOSTILE, partners='["$\\\\frac{1}{0$", "<b>伙伴</b>"]', url="javascript:alert(1)",
              date="2025")
        _item(store, 3, "被拒绝国际传播中心", status="rejected")
    decide(store, 1, "confirm", "alice")
    yield store
    store.close()


def test_hostile_text_is_escaped_and_unsafe_links_are_not_links(small_store: Store) -> None:
    page = build_report(small_store, font=None).html
    assert "<script>" not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "&lt;b&gt;伙伴&lt;/b&gt;" in page
    assert 'href="javascript' not in page


def test_confirmed_centers_form_the_registry_and_new_ones_their_own_table(small_store: Store) -> None:
    report = build_report(small_store, font=None)
    registry, waiting = report.html.split("<h2>Registry (confirmed centers)</h2>")[1].split("<h2>Awaiting review</h2>")
    assert "洛阳国际传播中心" in registry and "国际传播中心</td>" in waiting and "洛阳国际传播中心" not in waiting
    assert "被拒绝" not in report.html
    assert (report.confirmed, report.unreviewed) == (1, 1)
    assert "1 launches with a year only or no date" in report.html


def test_confirmed_only_leaves_unreviewed_items_out(small_store: Store) -> None:
    report = build_report(small_store, include_new=False, font=None)
    assert "&lt;script&gt;" not in report.html and "Awaiting review" not in report.html
    assert "洛阳国际传播中心" in report.html


def test_without_a_cjk_font_the_report_says_so(small_store: Store) -> None:
    page = build_report(small_store, font=None).html
    assert 'class="warning"' in page and "fonts-noto-cjk" in page
    assert len(IMAGE.findall(page)) == 4  # no hits stored: no trend chart


def test_an_empty_database_still_gives_a_report(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "empty.db")
    report = build_report(store, font=None, terms=["国际传播中心"])
    store.close()
    assert len(report.charts) == 4 and "No stored hits for: 国际传播中心" in report.html


def test_writing_into_a_missing_folder_is_a_clear_error(small_store: Store, tmp_path: Path) -> None:
    report = build_report(small_store, font=None)
    with pytest.raises(MonitorError, match="does not exist"):
        write_report(report, tmp_path / "nowhere" / "r.html")
    assert write_report(report, tmp_path / "r.html") == [tmp_path / "r.html"]
    assert list(tmp_path.glob(".r.html*")) == []


def test_cli_needs_an_output(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["report", "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 2 and "give OUT.html, --png DIR, or both" in result.output


def test_cli_warns_when_no_cjk_font_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from monitor.publish.charts import find_cjk_font

    monkeypatch.setenv("MONITOR_CJK_FONT", str(tmp_path / "missing.otf"))
    find_cjk_font.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["report", str(tmp_path / "r.html"), "--db", str(tmp_path / "x.db")])
    finally:
        find_cjk_font.cache_clear()
    assert result.exit_code == 0, result.output
    assert "warning: no font with Chinese glyphs found" in result.stderr
    assert 'class="warning"' in (tmp_path / "r.html").read_text("utf-8")
