"""checks: what the checks of every part of feeds.toml share — each problem kept with its line, unknown keys
with the nearest known one, and the small helpers that write a key path and a value as in the file."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from monitor.sources.toml_lines import KeyPath, Lines


class Checks:
    """The problems found in one part of a file, each with its line: what the checks of each part share."""

    def __init__(self, path: str, lines: Lines) -> None:
        self.path = path
        self.lines = lines
        self.errors: list[tuple[int, str]] = []
        self.names: dict[int, str] = {}

    def error(self, where: KeyPath, message: str, value: str | None = None) -> None:
        line = self.lines.of(where) if value is None else self.lines.of_value(where, value)
        outlet = self.names.get(where[1]) if len(where) > 1 and isinstance(where[1], int) else None
        suffix = f" (outlet {outlet})" if outlet and where[0] == "outlets" else ""
        self.errors.append((line, f"{self.path}:{line}: {message}{suffix}"))

    def unknown_keys(self, where: KeyPath, table: Mapping[str, Any], known: tuple[str, ...]) -> None:
        for key in table:
            if key not in known:
                close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                known_keys = ", ".join(known)
                self.error(
                    (*where, key), f"{dotted((*where, key))}: unknown key{hint} (known keys: {known_keys})"
                )


def regex_problem(pattern: str) -> str | None:
    try:
        re.compile(pattern)
    except re.error as exc:
        return str(exc)
    return None


def is_table_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, dict) for item in value)


def is_http_url(value: object) -> bool:
    if not isinstance(value, str) or value != value.strip() or any(c.isspace() for c in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def dotted(path: KeyPath) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def toml_value(value: object, literal: bool = False) -> str:
    """A value written as in TOML, for messages; strings with backslashes (or `literal`) in '...'."""
    if isinstance(value, bool):
        return "true" if value else "false"
    wants_literal = literal or (isinstance(value, str) and "\\" in value)
    if isinstance(value, str) and wants_literal and "'" not in value and "\n" not in value:
        return f"'{value}'"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(value)


def needle(value: object) -> str | None:
    """Text to look for on the lines after a key, to point at one item of a multi-line array."""
    return value if isinstance(value, str) and value else None
