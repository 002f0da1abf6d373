"""The commands as users call them (CliRunner), on the offline samples where a run is needed."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.match.lexicon import DEFAULT_LEXICON_DIR
from tools.demo import sample_config, serve_samples

LAUNCH = {"url": "x", "title": None, "published": "2024-10-30", "html": None,
          "text": "中新网洛阳10月29日电 洛阳国际传播中心29日在洛阳日报社揭牌成立，"
                  "与中国日报社签署战略合作框架协议。"}
ORDINARY = {"url": "y", "title": "秋粮", "published": "2024-10-30", "html": None,
            "text": "今年全省秋粮喜获丰收，农民收入持续增长。"}
CONTRACT_KEYS = {"url", "type", "center", "place", "date", "partners", "confidence", "evidence", "late"}


def _lines(*records: object) -> str:
    return "\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records) + "\n"


def test_extract_prints_events_in_the_contract_shape_and_nothing_for_others() -> None:
    result = CliRunner().invoke(cli, ["extract"], input=_lines(LAUNCH, ORDINARY))
    assert result.exit_code == 0, result.output
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(events) == 1
    event = events[0]
    assert set(event) == CONTRACT_KEYS
    assert set(event["place"]) == {"name", "province", "level", "code"}
    assert (event["type"], event["center"], event["date"]) == ("launch", "洛阳国际传播中心", "2024-10-29")
    assert event["place"]["province"] == "河南省" and event["place"]["level"] == "city"
    assert "中国日报社" in event["partners"]
    assert 0 <= event["confidence"] <= 1


def test_extract_reports_a_bad_line_and_goes_on() -> None:
    result = CliRunner().invoke(cli, ["extract"], input=_lines("{not json", {"url": "z"}, LAUNCH))
    assert result.exit_code == 0
    assert "stdin:1: skipped" in result.stderr and "stdin:2: skipped" in result.stderr
    assert len(result.stdout.splitlines()) == 1


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    tmp = tmp_path_factory.mktemp("cli")
    with serve_samples() as base:
        config = sample_config(base, tmp / "feeds.toml")
        result = CliRunner().invoke(cli, ["run", "--config", str(config), "--db", str(tmp / "m.db")])
        assert result.exit_code == 0, result.output
        assert "new queue items" in result.output
        yield tmp / "m.db", config


def test_queue_list_json_has_the_contract_keys(sample_db: tuple[Path, Path]) -> None:
    db, _ = sample_db
    result = CliRunner().invoke(cli, ["queue", "list", "--format", "json", "--db", str(db)])
    items = json.loads(result.stdout)
    assert items and all({"id", "status", "center", "place", "province", "level", "date", "partners",
                          "mentions"} <= set(i) for i in items)
    assert max(i["mentions"] for i in items) >= 2


def test_confirm_and_reject_with_reviewer_and_history(sample_db: tuple[Path, Path]) -> None:
    db, _ = sample_db
    runner = CliRunner()
    items = json.loads(runner.invoke(cli, ["queue", "list", "--format", "json", "--db", str(db)]).stdout)
    first, second = items[0]["id"], items[1]["id"]
    missing = runner.invoke(cli, ["queue", "confirm", str(first), "--db", str(db)])
    assert missing.exit_code != 0 and "--reviewer" in missing.output
    assert runner.invoke(cli, ["queue", "confirm", str(first), "--db", str(db), "--reviewer", "ana"]).exit_code == 0
    rejected = runner.invoke(cli, ["queue", "reject", str(second), "--db", str(db), "--reviewer", "ana",
                                   "--reason", "not a launch"])
    assert rejected.exit_code == 0
    history = runner.invoke(cli, ["queue", "history", str(second), "--db", str(db), "--format", "json"])
    assert json.loads(history.stdout)[0]["action"] == "reject"
    shown = runner.invoke(cli, ["queue", "show", str(first), "--db", str(db), "--format", "json"])
    assert json.loads(shown.stdout)["status"] == "confirmed"
    unknown = runner.invoke(cli, ["queue", "show", "9999", "--db", str(db)])
    assert unknown.exit_code == 1 and "does not exist" in unknown.output and "Traceback" not in unknown.output


def test_a_maintainer_adds_a_term_sees_its_hits_rescans_and_sees_new_items(
        sample_db: tuple[Path, Path], tmp_path: Path) -> None:
    db, _ = sample_db
    copy = tmp_path / "db.sqlite"
    shutil.copy(db, copy)
    lexicon = tmp_path / "lexicon"
    shutil.copytree(DEFAULT_LEXICON_DIR, lexicon)
    # Without 国际传播中心, nothing is found; the maintainer adds it back and rescans.
    centers = lexicon / "centers.toml"
    centers.write_text('category = "center"\n', "utf-8")
    runner = CliRunner()
    env = {"MONITOR_LEXICON": str(lexicon), "MONITOR_DB": str(copy)}
    assert runner.invoke(cli, ["rescan"], env=env).exit_code == 0
    assert json.loads(runner.invoke(cli, ["queue", "list", "--format", "json", "--status", "new"], env=env).stdout) \
        == []
    added = runner.invoke(cli, ["lexicon", "add", "国际传播中心", "--category", "center"], env=env)
    assert added.exit_code == 0, added.output
    tested = runner.invoke(cli, ["lexicon", "test", "国际传播中心"], env=env)
    assert "stored articles" in tested.output and " 0 occurrences" not in tested.output
    rescanned = runner.invoke(cli, ["rescan"], env=env)
    assert rescanned.exit_code == 0 and "new queue items" in rescanned.output
    items = json.loads(runner.invoke(cli, ["queue", "list", "--format", "json", "--status", "new"], env=env).stdout)
    assert len(items) >= 5


def test_bad_config_is_one_clear_line_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "feeds.toml"
    bad.write_text('[[outlets]]\nname = "x"\nlevel = "national"\nfeeds = ["http://a/rss"]\n', "utf-8")
    result = CliRunner().invoke(cli, ["run", "--config", str(bad), "--db", str(tmp_path / "m.db")])
    assert result.exit_code == 1
    assert "feeds.toml:3" in result.output and "level" in result.output
    assert "Traceback" not in result.output


def test_sources_list_shows_every_source(sample_db: tuple[Path, Path]) -> None:
    db, config = sample_db
    result = CliRunner().invoke(cli, ["sources", "list", "--config", str(config), "--db", str(db),
                                      "--format", "json"])
    rows = json.loads(result.stdout)
    assert len(rows) == 8 and all(r["status"] == "ok" for r in rows)


def test_sources_check_reports_type_and_items_and_updates_checked(tmp_path: Path) -> None:
    with serve_samples() as base:
        config = sample_config(base, tmp_path / "feeds.toml")
        result = CliRunner().invoke(cli, ["sources", "check", "--config", str(config), "--format", "json",
                                          "--update"])
    assert result.exit_code == 0, result.output
    checks = json.loads(result.stdout)
    assert all(c["ok"] for c in checks)
    assert {c["type"] for c in checks} >= {"rss", "atom", "html list page"}
    assert 'checked = "20' in config.read_text("utf-8")
