import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.errors import MonitorError
from monitor.models import Place
from monitor.publish.locations import division_point
from monitor.publish.registry import evidence_article_ids, geojson, registry, render_registry
from monitor.store.database import Store
from monitor.store.queue import decide, list_items
from tests.support.triage import OTHER, REPORT, event, save

ENTERPRISE = Place("华辰石化", "北京市", "other", None)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store.open(tmp_path / "r.db")
    save(store, "http://zz/1", REPORT, [event("http://zz/1")])
    save(store, "http://hx/1", REPORT, [event("http://hx/1")], outlet="华夏通讯社", level="central")
    save(store, "http://e/1", OTHER, [event("http://e/1", "华辰石化国际传播中心", ENTERPRISE, date="2025-07-10")],
         outlet="神州网")
    save(store, "http://n/1", OTHER + "新", [event("http://n/1", "栾川国际传播中心",
                                                   Place("栾川县", "河南省", "county", "410324"))])
    for item in list_items(store):
        if item.center != "栾川国际传播中心":
            decide(store, item.id, "confirm", "alice")
    return store


def test_only_confirmed_items_with_first_and_all_sources(store: Store) -> None:
    entries = registry(store)
    assert [e.center for e in entries] == ["开封国际传播中心", "华辰石化国际传播中心"]
    kaifeng = entries[0]
    assert kaifeng.first_source is not None and kaifeng.first_source.url == "http://zz/1"
    assert [s.url for s in kaifeng.sources] == ["http://zz/1", "http://hx/1"]
    assert [s.copy_of for s in kaifeng.sources] == [None, kaifeng.sources[0].article_id]
    assert (kaifeng.confirmed_by, kaifeng.code, kaifeng.partners) == ("alice", "410200", ["中州日报社"])
    assert sorted(evidence_article_ids(store)) == [1, 2, 3]


def test_geojson_points_at_the_division_or_has_null_geometry(store: Store) -> None:
    data = json.loads(render_registry(registry(store), "geojson"))
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 2
    for feature in data["features"]:
        assert feature["type"] == "Feature" and isinstance(feature["properties"], dict)
        assert set(feature) == {"type", "id", "geometry", "properties"}
    kaifeng, enterprise = data["features"]
    assert kaifeng["geometry"]["type"] == "Point"
    lon, lat = kaifeng["geometry"]["coordinates"]
    assert 113.5 < lon < 115.5 and 34 < lat < 35.5
    assert enterprise["geometry"] is None
    assert kaifeng["properties"]["sources"][0]["url"] == "http://zz/1"


def test_csv_and_json_hold_the_same_entries(store: Store) -> None:
    rows = list(csv.DictReader(io.StringIO(render_registry(registry(store), "csv"))))
    assert [r["center"] for r in rows] == ["开封国际传播中心", "华辰石化国际传播中心"]
    assert rows[0]["sources"] == "http://zz/1; http://hx/1" and rows[0]["longitude"]
    assert rows[1]["longitude"] == ""
    data = json.loads(render_registry(registry(store), "json"))
    assert data[0]["point"] == list(geojson(registry(store))["features"][0]["geometry"]["coordinates"])
    with pytest.raises(MonitorError, match="unknown registry format"):
        render_registry([], "xml")


def test_division_points_come_from_the_coordinates_package() -> None:
    point = division_point("361130")
    assert point is not None and 117 < point[0] < 119 and 28 < point[1] < 30
    assert division_point(None) is None and division_point("12") is None and division_point("999999") is None


def test_cli_lists_and_exports_with_warc(store: Store, tmp_path: Path) -> None:
    runner = CliRunner()
    listed = runner.invoke(cli, ["registry", "list", "--db", store.path, "--format", "json"])
    assert listed.exit_code == 0, listed.output
    assert [e["center"] for e in json.loads(listed.stdout)] == ["开封国际传播中心", "华辰石化国际传播中心"]
    out, warc = tmp_path / "r.geojson", tmp_path / "e.warc.gz"
    result = runner.invoke(cli, ["registry", "export", "--db", store.path, "--format", "geojson", "-o", str(out),
                                 "--warc", str(warc)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text("utf-8"))["type"] == "FeatureCollection"
    assert "wrote 3 pages" in result.stderr and warc.stat().st_size > 0
