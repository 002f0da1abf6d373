"""Charts: PNG bytes from hostile labels, with or without a font for Chinese."""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor.publish.charts import (
    Bar,
    Series,
    _has_glyphs,
    _style,
    bar_chart,
    bundled_font_file,
    cjk_font_file,
    column_chart,
    find_cjk_font,
    label,
    line_chart,
)

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


def _glyphs(path: str) -> list[int]:
    from matplotlib.ft2font import FT2Font

    font = FT2Font(path)
    return [font.get_char_index(ord(char)) for char in "国际传播中心"]


def _missing_glyph_warnings(family: str | None) -> list[str]:
    """Draw Chinese text with the charts' settings, without their filter on glyph warnings."""
    from matplotlib.figure import Figure

    with _style(family), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figure = Figure()
        figure.text(0.1, 0.5, "国际传播中心揭牌")
        figure.savefig(io.BytesIO(), format="png")
    return [str(w.message) for w in caught if "missing from" in str(w.message)]


def test_the_font_used_has_chinese_glyphs(fresh_font_lookup: None) -> None:
    from matplotlib import font_manager

    family = find_cjk_font()
    assert family is not None, "mplfonts (a dependency) ships Noto Sans CJK SC"
    with _style(family):
        used = font_manager.findfont(font_manager.FontProperties(), fallback_to_default=False)
    assert used == bundled_font_file()
    glyphs = _glyphs(used)
    assert all(glyphs) and len(set(glyphs)) == 6
    assert _has_glyphs(used)
    assert _missing_glyph_warnings(family) == []
    assert _missing_glyph_warnings(None), "DejaVu Sans has no Chinese: the check above can fail"


def test_placeholder_fonts_do_not_count_as_chinese() -> None:
    import matplotlib

    fonts = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    last_resort = fonts / "LastResortHE-Regular.ttf"
    assert all(_glyphs(str(last_resort))), "Last Resort maps every character to a placeholder"
    assert not _has_glyphs(str(last_resort))
    assert not _has_glyphs(str(fonts / "DejaVuSans.ttf"))


def test_a_font_file_without_chinese_is_refused(fresh_font_lookup: None, monkeypatch: pytest.MonkeyPatch,
                                                caplog: pytest.LogCaptureFixture) -> None:
    import matplotlib

    path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "LastResortHE-Regular.ttf"
    monkeypatch.setenv("MONITOR_CJK_FONT", str(path))
    assert find_cjk_font() is None
    assert "not a readable font file with Chinese glyphs" in caplog.text


def test_without_the_bundled_font_only_a_real_cjk_font_is_chosen(fresh_font_lookup: None,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from monitor.publish import charts

    monkeypatch.setattr(charts, "BUNDLED_FONT", ("no_such_font_package", "fonts/x.otf"))
    assert bundled_font_file() is None
    family = find_cjk_font()  # on a machine without CJK fonts: None, never Last Resort or DejaVu
    assert family not in ("Last Resort High-Efficiency", "DejaVu Sans")
    path = cjk_font_file()
    assert (family is None) == (path is None)
    if path is not None:
        assert _has_glyphs(path) and _missing_glyph_warnings(family) == []
