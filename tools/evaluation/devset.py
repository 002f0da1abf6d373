"""Loading the dev set of real pages: ../shared/realworld/icc-dev/articles.jsonl (read in place, never copied).

JSON Lines, one article a line, fields as in the README beside it: `id`, `url`, `title`, `text`,
`published`, `gold` (events of type launch, branch or research_center_launch, with `center`, `place`,
`province`, `level`, `date`, `year_resolvable`, `date_partial`, `partners`, `partners_optional`), and
`gold_optional` (retrospective mentions an extractor may report or not).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from monitor.models import EVENT_TYPES
from tools.evaluation.gold import SHARED_DIR, require_key
from tools.evaluation.records import EvaluationError, EventRecord, PlaceRecord, opt_str

DEVSET = SHARED_DIR / "realworld" / "icc-dev" / "articles.jsonl"
DEV_EVENT_TYPES = (*EVENT_TYPES, "research_center_launch")
_HELP = "see the README beside the dev set for its fields"


def _strings(data: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = data.get(key) or []
    if not isinstance(value, list):
        raise EvaluationError(f"{where}: key '{key}' must be a list")
    return tuple(str(v) for v in value)


@dataclass(frozen=True)
class DevEvent:
    """One annotated event of the dev set."""

    type: str
    center: str
    place: str | None = None
    province: str | None = None
    level: str | None = None
    date: str | None = None
    year_resolvable: bool = True
    date_partial: str | None = None
    partners: tuple[str, ...] = ()
    partners_optional: tuple[str, ...] = ()

    @property
    def dated(self) -> bool:
        """Whether the event's date is judged at all (it has a date or a year-less date)."""
        return bool(self.date or self.date_partial)

    @property
    def date_without_year(self) -> str | None:
        """--MM-DD: what the text supports when it gives no year (date_partial, else taken from date)."""
        if self.date_partial:
            return self.date_partial
        return "--" + self.date[5:] if self.date and len(self.date) == 10 else None

    def as_record(self) -> EventRecord:
        """The event in the contract's shape (for the error list of a report)."""
        return EventRecord(self.type, self.center, PlaceRecord(self.place, self.province, self.level),
                           self.date or self.date_partial, self.partners)

    @classmethod
    def from_json(cls, data: Any, where: str) -> DevEvent:
        if not isinstance(data, Mapping):
            raise EvaluationError(f"{where}: an event must be an object")
        type_ = require_key(data, "type", str, where, _HELP)
        if type_ not in DEV_EVENT_TYPES:
            raise EvaluationError(f"{where}: type {type_!r} is not one of {', '.join(DEV_EVENT_TYPES)}")
        return cls(
            type=type_, center=require_key(data, "center", str, where, _HELP),
            place=opt_str(data.get("place")), province=opt_str(data.get("province")),
            level=opt_str(data.get("level")), date=opt_str(data.get("date")),
            year_resolvable=data.get("year_resolvable") is not False,
            date_partial=opt_str(data.get("date_partial")),
            partners=_strings(data, "partners", where),
            partners_optional=_strings(data, "partners_optional", where),
        )


@dataclass(frozen=True)
class DevRecord:
    """One article of the dev set with its events and its optional (retrospective) events."""

    id: str
    url: str | None
    title: str | None
    text: str
    published: str | None
    gold: tuple[DevEvent, ...]
    optional: tuple[DevEvent, ...] = ()

    def launches(self) -> tuple[DevEvent, ...]:
        return tuple(e for e in self.gold if e.type == "launch")

    def optional_launches(self) -> tuple[DevEvent, ...]:
        return tuple(e for e in self.optional if e.type == "launch")

    def contract_input(self) -> dict[str, Any]:
        """The JSON Lines record given to `monitor extract`: the `id` stands for the URL, as score.py does."""
        return {"url": self.id, "title": self.title, "text": self.text, "published": self.published,
                "html": None}


def _events(data: Mapping[str, Any], key: str, where: str) -> tuple[DevEvent, ...]:
    events = data.get(key) or []
    if not isinstance(events, list):
        raise EvaluationError(f"{where}: key '{key}' must be a list")
    return tuple(DevEvent.from_json(e, f"{where} {key}[{n}]") for n, e in enumerate(events))


def parse_record(line: str, where: str) -> DevRecord:
    """One line of the dev set."""
    try:
        data = json.loads(line)
    except ValueError as exc:
        raise EvaluationError(f"{where}: not JSON ({exc})") from exc
    if not isinstance(data, Mapping):
        raise EvaluationError(f"{where}: a line must hold a JSON object")
    return DevRecord(
        id=require_key(data, "id", str, where, _HELP),
        url=opt_str(data.get("url")),
        title=opt_str(data.get("title")),
        text=require_key(data, "text", str, where, _HELP),
        published=opt_str(data.get("published")),
        gold=_events(data, "gold", where),
        optional=_events(data, "gold_optional", where),
    )


def load_devset(path: Path = DEVSET) -> list[DevRecord]:
    """Every record of a dev set file (JSON Lines); ids must be unique."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise EvaluationError(f"{path}: cannot read the dev set: {exc.strerror}; "
                              f"is ../shared beside the repository?") from exc
    records = [parse_record(line, f"{path} line {n}") for n, line in enumerate(lines, start=1) if line.strip()]
    if not records:
        raise EvaluationError(f"{path}: no records in the dev set")
    seen: set[str] = set()
    for record in records:
        if record.id in seen:
            raise EvaluationError(f"{path}: id {record.id!r} is used twice")
        seen.add(record.id)
    return records
