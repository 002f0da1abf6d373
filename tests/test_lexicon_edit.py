import datetime as dt
import shutil
from pathlib import Path

import pytest

from monitor.errors import LexiconError
from monitor.match.edit import add_term, check_lexicon
from monitor.match.lexicon import DEFAULT_LEXICON_DIR, load_lexicon


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "lexicon"
    shutil.copytree(DEFAULT_LEXICON_DIR, target)
    return target


def test_add_appends_to_its_category_file_keeping_comments(folder: Path) -> None:
    before = (folder / "centers.toml").read_text("utf-8")
    path = add_term("国际传播港", "center", "a name form", directory=folder, today=dt.date(2026, 11, 22))
    after = path.read_text("utf-8")
    assert path.name == "centers.toml"
    assert after.startswith(before.rstrip("\n"))
    assert 'term = "国际传播港"' in after and "added = 2026-11-22" in after
    lexicon = load_lexicon(folder)
    added = next(t for t in lexicon.terms if t.term == "国际传播港")
    assert (added.category, added.note, added.added) == ("center", "a name form", dt.date(2026, 11, 22))


def test_add_refuses_duplicates_and_non_chinese_terms(folder: Path) -> None:
    with pytest.raises(LexiconError, match="already in the lexicon"):
        add_term("國際傳播中心", "center", directory=folder)
    with pytest.raises(LexiconError, match="no Chinese character"):
        add_term("hello", "center", directory=folder)


def test_add_creates_a_file_for_a_new_category(folder: Path) -> None:
    path = add_term("国际传播联盟", "alliance", directory=folder)
    assert path.name == "alliance.toml"
    assert any(t.category == "alliance" for t in load_lexicon(folder).terms)


def test_project_lexicon_has_no_errors() -> None:
    assert [p for p in check_lexicon() if p.severity == "error"] == []


def test_check_finds_duplicates_containment_and_non_chinese(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(
        'category = "trigger"\n\n[[terms]]\nterm = "揭牌"\n\n[[terms]]\nterm = "揭牌仪式"\n\n'
        '[[terms]]\nterm = "揭牌"\n\n[[terms]]\nterm = "launch"\n', "utf-8")
    problems = [str(p) for p in check_lexicon(tmp_path)]
    assert any("a.toml:9: error" in p and "duplicates" in p for p in problems)
    assert any("a.toml:6: warning" in p and "contains '揭牌'" in p for p in problems)
    assert any("a.toml:12: error" in p and "no Chinese character" in p for p in problems)
