from pathlib import Path

import jieba
import pytest

from monitor.errors import LexiconError
from monitor.match.lexicon import LexiconMatcher, load_lexicon, register_with_jieba
from monitor.models import HIT_CATEGORIES
from monitor.normalize import normalize


def test_project_lexicon_loads_with_every_domain_term() -> None:
    lexicon = load_lexicon()
    forms = {form for term in lexicon.terms for form in term.forms}
    for needed in ("国际传播中心", "国际传媒中心", "揭牌", "成立", "正式成立", "挂牌", "启动", "授牌", "上线",
                   "成立仪式", "揭牌仪式"):
        assert needed in forms, needed
    assert {"center", "trigger", "negative"} <= set(lexicon.categories())
    assert len(lexicon.version) == 12


def test_the_shipped_lexicon_has_the_categories_the_code_knows() -> None:
    """One file per category of models.HitCategory: a new shipped category is added to the type too."""
    assert load_lexicon().categories() == tuple(sorted(HIT_CATEGORIES))


def test_hits_carry_offsets_of_the_original_traditional_text() -> None:
    matcher = LexiconMatcher(load_lexicon())
    original = "洛陽國際傳播中心今日揭牌"
    hits = matcher.scan(normalize(original))
    center = next(h for h in hits if h.category == "center")
    assert original[center.start:center.end] == "國際傳播中心"
    assert any(h.canonical == "揭牌" for h in hits)


def test_hits_in_annotated_text_cover_the_original_with_its_pinyin() -> None:
    matcher = LexiconMatcher(load_lexicon())
    original = "鎮(zhèn)遠國(guó)際傳播中心揭(jiē)牌"
    copy = normalize(original)
    hits = matcher.scan(copy)
    center = next(h for h in hits if h.category == "center")
    assert original[center.start:center.end] == "國(guó)際傳播中心"
    inside = copy.in_text([center])[0]
    assert copy.text[inside.start:inside.end] == "国际传播中心"
    assert any(h.canonical == "揭牌" and original[h.start:h.end] == "揭(jiē)牌" for h in hits)


def test_names_with_spaces_or_invisible_characters_are_found() -> None:
    matcher = LexiconMatcher(load_lexicon())
    for original in ("镇远国\u200b际传播中心揭牌", "镇 远 国 际 传 播 中 心", "镇远国际 传播中心"):
        assert [h.canonical for h in matcher.scan(normalize(original)) if h.category == "center"] == ["国际传播中心"]


def test_related_links_give_no_hits() -> None:
    matcher = LexiconMatcher(load_lexicon())
    text = "镇远古城春季游客增长。\n相关阅读：\n· 凯里国际传播中心揭牌成立\n· 铜仁国际传播中心上线"
    assert matcher.scan(normalize(text)) == []


def test_article_without_terms_has_no_hits() -> None:
    matcher = LexiconMatcher(load_lexicon())
    assert matcher.scan(normalize("今年全省小麦喜获丰收，农民收入持续增长。")) == []


def test_jieba_keeps_terms_whole() -> None:
    register_with_jieba(load_lexicon().terms)
    assert "国际传播中心" in jieba.lcut("洛阳国际传播中心揭牌")


def _write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "x.toml").write_text(text, "utf-8")
    return tmp_path


def test_missing_term_names_file_and_line(tmp_path: Path) -> None:
    folder = _write(tmp_path, 'category = "center"\n\n[[terms]]\nnote = "no term"\n')
    with pytest.raises(LexiconError, match=r"x\.toml:3: key 'term'"):
        load_lexicon(folder)


def test_bad_toml_names_file(tmp_path: Path) -> None:
    folder = _write(tmp_path, 'category = "center"\n[[terms]\n')
    with pytest.raises(LexiconError, match=r"x\.toml:2:\d+: invalid TOML"):
        load_lexicon(folder)


def test_empty_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(LexiconError, match="no lexicon files"):
        load_lexicon(tmp_path)
