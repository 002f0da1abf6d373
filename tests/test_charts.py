"""Charts: PNG bytes from hostile labels, with or without a font for Chinese."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

from monitor.charts import Bar, Series, _has_glyphs, bar_chart, column_chart, find_cjk_font, label, line_chart

PNG = b"\x89PNG\r\n\x1a\n"
HOSTILE = [Bar("$\\frac{1}{0$ 国际传播中心", 2, 1), Bar("_hidden", 0, 3), Bar("<script>x</script>", 1),
           Bar("一个很长很长很长很长很长很长很长很长很长很长的合作单位名称", 1)]


@pytest.fixture
def fresh_font_lookup() -> Iterator[None]:
    find_cjk_font.cache_clear()
    yield
    find_cjk_font.cache_clear()


def test_labels_never_parse_as_mathtext_and_stay_short() -> None:
    assert label("a$b$c") == r"a\$b\$c"
    assert label("_x").startswith("\u200b")
    assert label(None) == "(none)"
    assert label("  两行\n标签 ") == "两行 标签"
    assert len(label("长" * 40)) == 22 and label("长" * 40).endswith("…")


@pytest.mark.parametrize("font", [None, "auto"])
def test_hostile_labels_draw_without_error_or_glyph_warnings(font: str | None) -> None:
    family = find_cjk_font() if font == "auto" else None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        charts = [bar_chart("b", "by province", HOSTILE, family),
                  column_chart("c", "per month", HOSTILE, family),
                  line_chart("l", "per week", ["2025-W01", "2025-W02"], [Series("$国际$", (1, 2))], family)]
    assert all(chart.png.startswith(PNG) for chart in charts)
    assert not [w for w in caught if "Glyph" in str(w.message)]
    assert "国际传播中心 3" in charts[0].alt and "_hidden 3" in charts[0].alt


def test_empty_data_still_draws_a_picture() -> None:
    chart = bar_chart("e", "nothing", [], None)
    assert chart.png.startswith(PNG)
    assert chart.alt == "nothing: none"
    assert line_chart("l", "weeks", [], [], None).png.startswith(PNG)


def test_a_bad_font_file_falls_back_with_a_warning(fresh_font_lookup: None, monkeypatch: pytest.MonkeyPatch,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("MONITOR_CJK_FONT", "/nonexistent/font.ttf")
    assert find_cjk_font() is None
    assert "MONITOR_CJK_FONT=/nonexistent/font.ttf" in caplog.text


def test_the_font_found_has_chinese_glyphs(fresh_font_lookup: None) -> None:
    from matplotlib import font_manager

    family = find_cjk_font()
    if family is None:
        pytest.skip("no CJK font installed (Debian: apt-get install fonts-noto-cjk)")
    path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    assert _has_glyphs(path)
