"""datasette/metadata.json describes tables and columns that a fresh database has, and its canned
queries run on it (Datasette itself is not needed for this)."""

import json
from pathlib import Path

import pytest

from monitor.store.database import Store

METADATA = Path(__file__).resolve().parents[1] / "datasette" / "metadata.json"


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Store:
    return Store.open(tmp_path_factory.mktemp("datasette") / "monitor.db")


def _monitor() -> dict[str, object]:
    data = json.loads(METADATA.read_text("utf-8"))
    return data["databases"]["monitor"]  # type: ignore[no-any-return]


def test_every_described_table_and_column_exists(database: Store) -> None:
    tables = _monitor()["tables"]
    assert isinstance(tables, dict)
    names = set(database.db.table_names())
    assert set(tables) <= names
    for name, meta in tables.items():
        columns = set(database.db[name].columns_dict)
        assert set(meta.get("columns", {})) <= columns, name
        assert set(meta.get("facets", [])) <= columns, name
        for key in ("label_column", "sort_desc", "fts_pk"):
            assert meta.get(key) in (None, *columns), (name, key)
        if "fts_table" in meta:
            assert meta["fts_table"] in names


def test_the_main_tables_are_all_described(database: Store) -> None:
    tables = _monitor()["tables"]
    assert isinstance(tables, dict)
    assert {"articles", "events", "items", "decisions", "copies"} <= set(tables)


def test_canned_queries_run(database: Store) -> None:
    queries = _monitor()["queries"]
    assert isinstance(queries, dict)
    for name, query in queries.items():
        params = {"q": "国际传播"} if ":q" in query["sql"] else {}
        database.db.execute(query["sql"], params).fetchall()
        assert query["sql"].lstrip().lower().startswith("select"), name
