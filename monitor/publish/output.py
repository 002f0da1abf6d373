"""Output formats shared by every command: table for people, json / jsonl / csv for pipes; and for one
thing shown alone (`monitor queue show`), a record: a field a line, then paragraphs wrapped to the
terminal by cells (a CJK character takes two)."""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

import click

from monitor.events.evidence import pieces, with_marks

FORMATS = ("table", "json", "jsonl", "csv")
TABLE_MIN_WIDTH = 16  # cells a column keeps before the table folds it (eight Chinese characters)


def render(rows: Sequence[dict[str, Any]], fmt: str, columns: Sequence[str] | None = None,
           title: str | None = None) -> str:
    """`rows` in format `fmt`; `columns` chooses and orders the table and csv columns."""
    if fmt == "json":
        return json.dumps(list(rows), ensure_ascii=False, indent=2)
    if fmt == "jsonl":
        return "\n".join(json.dumps(row, ensure_ascii=False) for row in rows)
    cols = list(columns or (rows[0].keys() if rows else []))
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=cols, extrasaction="ignore")
        writer.writeheader()
        writer.writerows({c: _cell(row.get(c)) for c in cols} for row in rows)
        return buffer.getvalue().rstrip("\n")
    return _table(rows, cols, title)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def _table(rows: Sequence[dict[str, Any]], cols: Sequence[str], title: str | None) -> str:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_lines=False)
    texts = [[_cell(row.get(c)) for c in cols] for row in rows]
    for i, col in enumerate(cols):  # a short value (a name, a date) is never folded; long ones give way
        widest = max([cells(col), *(cells(line[i]) for line in texts)])
        table.add_column(col, overflow="fold", min_width=min(widest, TABLE_MIN_WIDTH))
    for line in texts:
        table.add_row(*line)
    console = Console(file=io.StringIO(), width=160, force_terminal=False, color_system=None)
    console.print(table)
    out = console.file.getvalue()  # type: ignore[attr-defined]
    return str(out).rstrip("\n") if rows else f"{title + ': ' if title else ''}(none)"


# -- records: one thing, a field a line, for people ---------------------------------------------------

_TOKEN = r"[\u2e80-\uffff]|[^\s\u2e80-\uffff]+\s*|\s+"  # a wide character, a word and its spaces, spaces
MARK_STYLES: dict[str, Callable[[str], str]] = {
    "center": lambda text: click.style(text, fg="black", bg="yellow", bold=True),
    "trigger": lambda text: click.style(text, fg="magenta", bold=True, underline=True),
}


def terminal_width(default: int = 80) -> int:
    """The terminal's width in cells (COLUMNS when set; `default` when the output is not a terminal)."""
    import shutil

    return max(40, shutil.get_terminal_size((default, 24)).columns)


def cells(text: str) -> int:
    """Width of `text` on a terminal: CJK and other wide characters take two cells."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrap_spans(text: str, width: int) -> list[tuple[int, int]]:
    """Where to cut `text` into lines of at most `width` cells: (start, end) offsets, breaking between
    words or between CJK characters; a word longer than a line is cut; spaces at a break are dropped."""
    spans: list[tuple[int, int]] = []
    start = end = used = 0
    for match in re.finditer(_TOKEN, text):
        token = match.group()
        word = token.rstrip()
        if not word:
            if used:
                end, used = match.end(), used + cells(token)
            else:
                start = end = match.end()
            continue
        if used and used + cells(word) > width:
            spans.append((start, end))
            start = end = match.start()
            used = 0
        for ch in word:
            if used and used + cells(ch) > width:
                spans.append((start, end))
                start, used = end, 0
            end, used = end + 1, used + cells(ch)
        end, used = match.end(), used + len(token) - len(word)
    spans.append((start, end))
    return [(a, a + len(text[a:b].rstrip())) for a, b in spans]


def wrap(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` cells (see wrap_spans)."""
    return [text[a:b] for a, b in wrap_spans(text, width)]


def marked(text: str, width: int, indent: str = "") -> list[str]:
    """Evidence wrapped to `width`, its center ⟦…⟧ and trigger ⟨…⟩ kept and styled (click.echo drops the
    styles when the output is not a terminal)."""
    found = pieces(text)
    written = "".join(with_marks(piece) for piece in found)  # the text itself, unless a mark was left open
    styles = [None if piece.kind == "text" else piece.kind for piece in found for _ in with_marks(piece)]
    lines: list[str] = []
    for a, b in wrap_spans(written, width - cells(indent)):
        runs = [(styles[a], a)]
        runs += [(styles[at], at) for at in range(a + 1, b) if styles[at] != styles[at - 1]]
        ends = [at for _, at in runs[1:]] + [b]
        lines.append(indent + "".join(
            MARK_STYLES[mark](written[at:stop]) if mark else written[at:stop]
            for (mark, at), stop in zip(runs, ends, strict=True)))
    return lines


def fields(rows: Sequence[tuple[str, str | None]], width: int) -> list[str]:
    """`label: value` lines, the values aligned and wrapped under themselves; no value shows —."""
    pad = max((cells(label) for label, _ in rows), default=0) + 2
    lines: list[str] = []
    for label, value in rows:
        head = click.style(f"{label}:", bold=True) + " " * (pad - cells(label) - 1)
        parts = wrap(value or "—", max(20, width - pad))
        lines.append(head + parts[0])
        lines.extend(" " * pad + part for part in parts[1:])
    return lines


def heading(text: str) -> str:
    return click.style(text, bold=True)
