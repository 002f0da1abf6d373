"""charts: the report's pictures, drawn by matplotlib (Agg, no display, no pyplot state) as PNG bytes.

Chinese labels need a font with Chinese glyphs. `find_cjk_font` registers one with matplotlib and
returns its family name: the file named by $MONITOR_CJK_FONT, else Noto Sans CJK SC as shipped inside
the `mplfonts` package (a dependency, so every install has it), else an installed CJK font (matplotlib's
cached font list may predate it, so the system's font folders are read too). A font only counts when
distinct Chinese characters have distinct glyphs: fallback fonts such as matplotlib's "Last Resort
High-Efficiency" map every character to one placeholder. Without a font the charts are still drawn,
Chinese labels show as empty boxes, and one warning is logged instead of a warning per glyph.

Labels come from hostile text (center names, partners): `$` is escaped so that matplotlib never
parses a label as mathtext, and long labels are shortened.
"""

from __future__ import annotations

import io
import logging
import os
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import matplotlib

matplotlib.use("Agg")

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

log = logging.getLogger(__name__)

CJK_FAMILIES = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", "Heiti SC", "SimHei",
    "Droid Sans Fallback", "Noto Serif CJK SC", "AR PL UMing CN", "Noto Sans CJK TC", "Noto Sans CJK JP",
)
PROBE = "国际传播中心"
BUNDLED_FONT = ("mplfonts", "fonts/NotoSansCJKsc-Regular.otf")
CONFIRMED_COLOUR = "#1f5f99"
UNREVIEWED_COLOUR = "#9cc3e6"
LINE_COLOURS = ("#1f5f99", "#c0392b", "#27ae60", "#8e44ad", "#d68910", "#17a589")
MAX_LABEL = 22
DPI = 110


@dataclass(frozen=True)
class Chart:
    """One picture: `name` is its file stem, `alt` a text summary for readers without images."""

    name: str
    title: str
    png: bytes
    alt: str
    note: str = ""


@dataclass(frozen=True)
class Bar:
    """One bar of a stacked chart: confirmed centers below, unreviewed ones on top."""

    label: str
    confirmed: int
    unreviewed: int = 0

    @property
    def total(self) -> int:
        return self.confirmed + self.unreviewed


@dataclass(frozen=True)
class Series:
    """One line of a line chart (a term's weekly counts)."""

    label: str
    values: tuple[int, ...]


@lru_cache(maxsize=1)
def find_cjk_font() -> str | None:
    """The family name of a font with Chinese glyphs, registered with matplotlib; None (a warning is logged)."""
    override = os.environ.get("MONITOR_CJK_FONT")
    if override:
        return _font_from_file(override)
    path = cjk_font_file()
    if path is None:
        log.warning("no font with Chinese glyphs found: chart labels in Chinese will show as boxes; reinstall "
                    "monitor (its dependency mplfonts ships one) or set MONITOR_CJK_FONT=/path/font.otf")
        return None
    return _register(path)


def cjk_font_file() -> str | None:
    """The file of the font the charts use for Chinese (without $MONITOR_CJK_FONT): see the module's doc."""
    bundled = bundled_font_file()
    if bundled is not None and _has_glyphs(bundled):
        return bundled
    return next((path for path in _installed_font_files() if _has_glyphs(path)), None)


def bundled_font_file() -> str | None:
    """Noto Sans CJK SC inside the mplfonts package, or None when that package or file is missing."""
    try:
        found = resources.files(BUNDLED_FONT[0]).joinpath(BUNDLED_FONT[1])
    except ModuleNotFoundError:
        return None
    return str(found) if found.is_file() else None


def _installed_font_files() -> Iterator[str]:
    """Font files of matplotlib's font list, the known CJK families first, then any the cached list missed."""
    from matplotlib import font_manager

    rank = {family: index for index, family in enumerate(CJK_FAMILIES)}
    listed = [entry.fname for entry in sorted(font_manager.fontManager.ttflist,
                                              key=lambda entry: rank.get(entry.name, len(rank)))]
    yield from listed
    yield from sorted(set(font_manager.findSystemFonts()) - set(listed))


def _register(path: str) -> str:
    """Add a font file to matplotlib's (in-memory) font list and return its family name."""
    from matplotlib import font_manager

    font_manager.fontManager.addfont(path)
    return str(font_manager.FontProperties(fname=path).get_name())


def _font_from_file(path: str) -> str | None:
    if _has_glyphs(path):
        return _register(path)
    log.warning("MONITOR_CJK_FONT=%s: not a readable font file with Chinese glyphs; charts use the default font",
                path)
    return None


def _has_glyphs(path: str) -> bool:
    """True when every character of PROBE has its own glyph (a placeholder shared by all does not count)."""
    from matplotlib.ft2font import FT2Font

    try:
        font = FT2Font(path)
    except (OSError, RuntimeError, ValueError):
        return False
    glyphs = [font.get_char_index(ord(char)) for char in PROBE]
    return all(glyphs) and len(set(glyphs)) == len(set(PROBE))


def label(text: str | None, empty: str = "(none)", limit: int | None = MAX_LABEL) -> str:
    """A safe tick or legend label: one line, `$` escaped (no mathtext), at most `limit` characters."""
    value = " ".join((text or "").split()) or empty
    if limit is not None and len(value) > limit:
        value = value[:limit - 1] + "…"
    value = value.replace("$", r"\$")
    return "\u200b" + value if value.startswith("_") else value


def _title(axes: Axes, title: str) -> None:
    axes.set_title(label(title, "", None), loc="left", fontsize=11)


@contextmanager
def _style(font: str | None) -> Iterator[None]:
    families = [font, "DejaVu Sans"] if font else ["DejaVu Sans"]
    settings: dict[Any, Any] = {"font.family": "sans-serif", "font.sans-serif": families, "axes.unicode_minus": False,
                "font.size": 9, "axes.spines.top": False, "axes.spines.right": False}
    with matplotlib.rc_context(settings), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Glyph .* missing from")
        yield


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight", metadata={"Software": None})
    return buffer.getvalue()


def _empty(axes: Axes, message: str) -> None:
    axes.text(0.5, 0.5, message, ha="center", va="center", transform=axes.transAxes, color="#666666")
    axes.set_xticks([])
    axes.set_yticks([])


def _legend(axes: Axes) -> None:
    """Above the plot on the right, where it never hides a bar or a line."""
    axes.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=3, frameon=False, borderaxespad=0.2)


def column_chart(name: str, title: str, bars: Sequence[Bar], font: str | None, *, note: str = "",
                 ylabel: str = "centers") -> Chart:
    """Vertical stacked bars in the given order (e.g. months), every k-th label shown when crowded."""
    def ticks(axes: Axes) -> None:
        step = max(1, len(bars) // 24)
        axes.set_xticks(range(0, len(bars), step), [label(b.label) for b in bars][::step],
                        rotation=60, ha="right")
        axes.set_ylabel(ylabel)

    size = (max(6.0, min(14.0, 0.28 * len(bars) + 2)), 3.6)
    return _bar_figure(name, title, bars, font, note, size, horizontal=False, ticks=ticks)


def bar_chart(name: str, title: str, bars: Sequence[Bar], font: str | None, *, note: str = "",
              xlabel: str = "centers") -> Chart:
    """Horizontal stacked bars, the first bar on top (for provinces, levels, partners)."""
    def ticks(axes: Axes) -> None:
        axes.set_yticks(range(len(bars)), [label(b.label) for b in bars])
        axes.invert_yaxis()
        axes.set_xlabel(xlabel)

    size = (7.0, max(2.4, 0.32 * len(bars) + 1.2))
    return _bar_figure(name, title, bars, font, note, size, horizontal=True, ticks=ticks)


def _bar_figure(name: str, title: str, bars: Sequence[Bar], font: str | None, note: str,
                size: tuple[float, float], *, horizontal: bool, ticks: Callable[[Axes], None]) -> Chart:
    """Stacked bars (confirmed, awaiting review) with their `ticks` and labels, or "nothing to show yet"."""
    from matplotlib.figure import Figure

    with _style(font):
        figure = Figure(figsize=size)
        axes = figure.add_subplot()
        _title(axes, title)
        if not any(bar.total for bar in bars):
            _empty(axes, "nothing to show yet")
        else:
            _stacked(axes, bars, horizontal=horizontal)
            ticks(axes)
            _legend(axes)
        return Chart(name, title, _png(figure), _alt(title, bars), note)


def _stacked(axes: Axes, bars: Sequence[Bar], *, horizontal: bool) -> None:
    positions = list(range(len(bars)))
    confirmed = [bar.confirmed for bar in bars]
    unreviewed = [bar.unreviewed for bar in bars]
    if any(confirmed):
        draw = axes.barh if horizontal else axes.bar
        draw(positions, confirmed, 0.7, color=CONFIRMED_COLOUR, label="confirmed")
    if any(unreviewed):
        if horizontal:
            axes.barh(positions, unreviewed, 0.7, left=confirmed, color=UNREVIEWED_COLOUR,
                      label="awaiting review")
        else:
            axes.bar(positions, unreviewed, 0.7, bottom=confirmed, color=UNREVIEWED_COLOUR,
                     label="awaiting review")
    from matplotlib.ticker import MaxNLocator

    (axes.xaxis if horizontal else axes.yaxis).set_major_locator(MaxNLocator(integer=True))


def line_chart(name: str, title: str, weeks: Sequence[str], series: Sequence[Series], font: str | None, *,
               note: str = "", ylabel: str = "articles") -> Chart:
    """One line per series over `weeks` (x labels thinned to about 20)."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    with _style(font):
        figure = Figure(figsize=(9.0, 3.6))
        axes = figure.add_subplot()
        _title(axes, title)
        if not weeks or not series:
            _empty(axes, "no hits stored yet")
        else:
            for index, line in enumerate(series):
                axes.plot(range(len(weeks)), line.values, drawstyle="steps-mid", linewidth=1.4,
                          color=LINE_COLOURS[index % len(LINE_COLOURS)], label=label(line.label))
            step = max(1, len(weeks) // 20)
            axes.set_xticks(range(0, len(weeks), step), list(weeks)[::step], rotation=60, ha="right")
            axes.yaxis.set_major_locator(MaxNLocator(integer=True))
            axes.set_ylabel(ylabel)
            _legend(axes)
        alt = f"{title}: " + "; ".join(f"{s.label} {sum(s.values)} in {len(weeks)} weeks" for s in series)
        return Chart(name, title, _png(figure), alt, note)


def _alt(title: str, bars: Sequence[Bar]) -> str:
    shown = [f"{bar.label} {bar.total}" for bar in bars if bar.total]
    return f"{title}: " + ("; ".join(shown) if shown else "none")
