"""The start-up figure of `make bench`: its shape and the item it shows (no time is asserted)."""

from __future__ import annotations

from pathlib import Path

from monitor.store.database import Store
from tests.support.triage import REPORT, event, save
from tools.bench.startup import describe, measure_startup, monitor_command


def test_startup_figures_cover_the_three_light_commands(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s.db")
    save(store, "http://a/1", REPORT, [event("http://a/1")])
    store.close()
    startup = measure_startup(tmp_path / "s.db", runs=1)
    assert list(startup["commands"]) == ["monitor --help", "monitor queue list", "monitor queue show"]
    for figure in startup["commands"].values():
        assert 0 < figure["min_s"] <= figure["median_s"] <= figure["max_s"]
        assert figure["exit_codes"] == [0]
    assert startup["slowest_median_s"] == max(f["median_s"] for f in startup["commands"].values())
    assert startup["target_s"] == 0.3 and isinstance(startup["holds"], bool)
    assert "monitor queue show" in describe(startup) and "target < 0.3 s" in describe(startup)
    assert Path(monitor_command()[0]).exists()
    empty = measure_startup(tmp_path / "empty.db", runs=1)  # no item 1 to show: the failure is said
    assert empty["commands"]["monitor queue show"]["exit_codes"] == [1] and "(exit [1])" in describe(empty)
