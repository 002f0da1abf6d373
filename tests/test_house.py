"""The rules of the house that no single module's tests see: one OpenCC converter per direction, the
size rules of modules and classes, the map of the stages in `monitor`'s docstring, and the vocabulary
of models.py in step with the frozen schema."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import monitor
from monitor.models import ITEM_ORIGINS
from monitor.store.database import Store

ROOT = Path(__file__).resolve().parents[1]
CODE = sorted([*(ROOT / "monitor").rglob("*.py"), *(ROOT / "tools").rglob("*.py")])
MAX_MODULE_LINES = 600
MAX_CLASS_LINES = 200


def test_opencc_converters_are_only_built_in_normalize() -> None:
    """Building one reads OpenCC's dictionaries: everyone uses normalize.to_simplified / to_traditional."""
    building = [str(path.relative_to(ROOT)) for path in CODE if "OpenCC(" in path.read_text("utf-8")]
    assert building == ["monitor/normalize.py"]


def test_no_module_is_over_600_lines() -> None:
    long = {str(path.relative_to(ROOT)): n for path in CODE
            if (n := len(path.read_text("utf-8").splitlines())) > MAX_MODULE_LINES}
    assert long == {}


def test_no_class_is_over_200_lines() -> None:
    long = {f"{path.relative_to(ROOT)}:{node.name}": size for path in CODE
            for node in ast.walk(ast.parse(path.read_text("utf-8")))
            if isinstance(node, ast.ClassDef)
            and (size := (node.end_lineno or node.lineno) - node.lineno + 1) > MAX_CLASS_LINES}
    assert long == {}


def test_the_docstring_of_monitor_lists_the_stages_in_the_order_of_the_layers_contract() -> None:
    """`help(monitor)` shows the house: every stage of the import-linter contract, in flow order."""
    contract = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["importlinter"]["contracts"][0]
    stages = [layer.removeprefix("monitor.") for layer in reversed(contract["layers"]) if "|" not in layer]
    listed = re.findall(r"^ {4}(\w+)(?:/|\.py) ", monitor.__doc__ or "", re.MULTILINE)
    assert listed == stages
    for stage in listed:
        assert (ROOT / "monitor" / stage).is_dir() or (ROOT / "monitor" / f"{stage}.py").is_file()


def _check_values(store: Store, column: str) -> tuple[str, ...]:
    sql = store.db.execute("SELECT sql FROM sqlite_master WHERE name = 'items'").fetchone()[0]
    found = re.search(rf"CHECK \({column} IN \(([^)]*)\)\)", sql)
    assert found is not None, sql
    return tuple(re.findall(r"'([^']*)'", found[1]))


def test_the_schema_allows_the_origins_of_models(tmp_path: Path) -> None:
    """The migrations are frozen SQL and cannot import models.py: this keeps the two in step."""
    store = Store.open(tmp_path / "h.db")
    try:
        assert _check_values(store, "origin") == ITEM_ORIGINS
    finally:
        store.close()
