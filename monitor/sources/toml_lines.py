"""Line numbers of the tables and keys of a TOML text, found by scanning the text (tomllib gives none).

The scanner follows table headers (``[fetch]``, ``[[outlets]]``, ``[[outlets.pages]]``), dotted keys,
multi-line arrays and multi-line strings. A key written somewhere the scanner cannot see (inside an
inline table) is found at the line of its closest enclosing key or table. monitor.sources.config
names these lines in its messages.
"""

from __future__ import annotations

import re

KeyPath = tuple[str | int, ...]

_KEY_PART = r'(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|\'[^\']*\')'
_KEY_LINE = re.compile(rf"\s*({_KEY_PART}(?:\s*\.\s*{_KEY_PART})*)\s*=")
_HEADER_LINE = re.compile(r"\s*(\[\[?)([^\]]*)\]")


class Lines:
    """Line numbers of the tables and keys of a TOML text, found by scanning the text."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.index = _scan(self.lines)

    def of(self, path: KeyPath) -> int:
        """The line of `path`, else of its nearest enclosing key or table, else 1."""
        for end in range(len(path), 0, -1):
            line = self.index.get(path[:end])
            if line is not None:
                return line
        return 1

    def of_value(self, path: KeyPath, value: str) -> int:
        """The line at or after `path`'s key holding `value` (an item of a multi-line array)."""
        start = self.of(path)
        for number in range(start, min(start + 500, len(self.lines) + 1)):
            if value and value in self.lines[number - 1]:
                return number
        return start


def _scan(lines: list[str]) -> dict[KeyPath, int]:
    index: dict[KeyPath, int] = {}
    counts: dict[KeyPath, int] = {}
    table: KeyPath = ()
    quote: str | None = None
    depth = 0
    for number, line in enumerate(lines, 1):
        rest = line
        if quote is None and depth == 0:
            table, rest = _statement(line, number, table, index, counts)
        quote, depth = _advance(rest, quote, depth)
    return index


def _statement(
    line: str, number: int, table: KeyPath, index: dict[KeyPath, int], counts: dict[KeyPath, int]
) -> tuple[KeyPath, str]:
    """Record a table header or a key starting on this line; return the current table and the rest."""
    header = _HEADER_LINE.match(line)
    if header:
        parts = _key_parts(header.group(2))
        if parts:
            is_array = header.group(1) == "[["
            table = _table_path(parts, is_array, counts)
            index.setdefault(table, number)
            if is_array:
                index.setdefault(table[:-1], number)  # the array itself: the line of its first table
        return table, ""
    key = _KEY_LINE.match(line)
    if key:
        index.setdefault(table + tuple(_key_parts(key.group(1))), number)
        return table, line[key.end() :]
    return table, line


def _key_parts(text: str) -> list[str]:
    return [part.strip("\"'") for part in re.findall(_KEY_PART, text)]


def _table_path(parts: list[str], is_array: bool, counts: dict[KeyPath, int]) -> KeyPath:
    """The path of a table header; arrays of tables get the index of their newest element."""
    path: list[str | int] = []
    for part in parts[:-1]:
        path.append(part)
        if tuple(path) in counts:
            path.append(counts[tuple(path)] - 1)
    path.append(parts[-1])
    if is_array:
        key = tuple(path)
        counts[key] = counts.get(key, 0) + 1
        path.append(counts[key] - 1)
    return tuple(path)


def _advance(text: str, quote: str | None, depth: int) -> tuple[str | None, int]:
    """Scan a piece of a line: the open multi-line string and bracket depth carried to the next."""
    i = 0
    while i < len(text):
        if quote is not None:
            i, quote = _skip_string(text, i, quote)
            continue
        char = text[i]
        if char == "#":
            break
        if text.startswith(('"""', "'''"), i):
            quote, i = text[i : i + 3], i + 3
            continue
        if char in "\"'":
            quote = char
        depth += (char in "[{") - (char in "]}")
        i += 1
    if quote in ('"', "'"):
        quote = None  # one-line strings end on their line (tomllib has accepted the file)
    return quote, depth


def _skip_string(text: str, i: int, quote: str) -> tuple[int, str | None]:
    """Move past the end of the string opened by `quote`, or to the end of the line."""
    while i < len(text):
        if quote[0] == '"' and text[i] == "\\":
            i += 2
            continue
        if text.startswith(quote, i):
            return i + len(quote), None
        i += 1
    return i, quote
