"""Loading a gold set: a directory of JSON files, one article each (format: tests/data/gold/README.md).

A gold file holds its article inline (`text` or `html`) or names a real page under ../shared (`path`),
which is read in place and never copied into the repository.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from monitor.models import EVENT_TYPES, PLACE_LEVELS
from tools.evaluation.records import EvaluationError, EventRecord, GoldCase, PlaceRecord

SHARED_DIR = Path(__file__).resolve().parents[3] / "shared"
HTML_SUFFIXES = (".html", ".htm", ".xhtml")


def decode_bytes(data: bytes) -> str:
    """UTF-8 (with or without BOM) if it decodes strictly, else GB18030 (GB2312/GBK superset)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def require_key(data: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str,
                help_: str = "see tests/data/gold/README.md for the format") -> Any:
    """data[key], checked to be of `kind`; else an EvaluationError naming `where` and the key."""
    if key not in data:
        raise EvaluationError(f"{where}: missing key '{key}'; {help_}")
    value = data[key]
    if not isinstance(value, kind):
        raise EvaluationError(f"{where}: key '{key}' has the wrong type ({type(value).__name__})")
    return value


def _gold_event(data: Any, where: str) -> EventRecord:
    if not isinstance(data, Mapping):
        raise EvaluationError(f"{where}: an expected event must be an object")
    type_ = require_key(data, "type", str, where)
    if type_ not in EVENT_TYPES:
        raise EvaluationError(f"{where}: type {type_!r} is not one of {', '.join(EVENT_TYPES)}")
    place = require_key(data, "place", Mapping, where)
    level = require_key(place, "level", str, f"{where} place")
    if level not in PLACE_LEVELS:
        raise EvaluationError(f"{where}: place level {level!r} is not one of {', '.join(PLACE_LEVELS)}")
    return EventRecord(
        type=type_,
        center=require_key(data, "center", str, where),
        place=PlaceRecord(require_key(place, "name", str, f"{where} place"),
                          require_key(place, "province", str, f"{where} place"), level,
                          require_key(place, "code", (str, type(None)), f"{where} place")),
        date=require_key(data, "date", (str, type(None)), where),
        partners=tuple(require_key(data, "partners", list, where)),
    )


def _read_source(rel_path: str, shared: Path, where: str) -> tuple[str | None, str | None]:
    """(text, html) of a real page referenced by a gold file, read in place under shared/."""
    source = shared / rel_path
    try:
        content = decode_bytes(source.read_bytes())
    except OSError as exc:
        raise EvaluationError(f"{where}: cannot read input.path {source}: {exc.strerror}; "
                              f"is ../shared beside the repository?") from exc
    return (None, content) if source.suffix.lower() in HTML_SUFFIXES else (content, None)


def _gold_input(data: Mapping[str, Any], shared: Path, where: str) -> dict[str, Any]:
    """The article of a gold file: inline text/html, or a `path` to a page under shared/."""
    url = require_key(data, "url", str, where)
    published = require_key(data, "published", (str, type(None)), where)
    if "path" in data:
        text, html = _read_source(require_key(data, "path", str, where), shared, where)
        return {"url": url, "title": data.get("title"), "text": text, "html": html,
                "published": published, "path": data["path"]}
    text, html = data.get("text"), data.get("html")
    if not isinstance(text, str) and not isinstance(html, str):
        raise EvaluationError(f"{where}: input needs 'text' or 'html' (a string) or 'path'")
    return {"url": url, "title": data.get("title"), "text": text, "html": html,
            "published": published, "path": None}


def load_case(path: Path, shared: Path = SHARED_DIR) -> GoldCase:
    """Read and check one gold file."""
    where = str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise EvaluationError(f"{where}: not a readable JSON file ({exc})") from exc
    if not isinstance(data, Mapping):
        raise EvaluationError(f"{where}: the file must hold a JSON object")
    source = _gold_input(require_key(data, "input", Mapping, where), shared, f"{where} input")
    events = require_key(data, "expected", list, where)
    return GoldCase(
        name=path.stem,
        expected=tuple(_gold_event(e, f"{where} expected[{n}]") for n, e in enumerate(events)),
        tags=tuple(require_key(data, "tags", list, where)),
        note=str(data.get("note") or ""),
        **source,
    )


def load_gold(directory: Path, shared: Path = SHARED_DIR) -> list[GoldCase]:
    """Every `*.json` gold file of a directory, sorted by name; URLs must be unique."""
    files = sorted(Path(directory).glob("*.json"))
    if not files:
        raise EvaluationError(f"{directory}: no gold files (*.json) found; pass --gold DIR")
    cases = [load_case(f, shared) for f in files]
    seen: dict[str, str] = {}
    for case in cases:
        if case.url in seen:
            raise EvaluationError(f"{case.name}: url {case.url} is also used by {seen[case.url]}")
        seen[case.url] = case.name
    return cases
