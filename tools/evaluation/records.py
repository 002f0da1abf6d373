"""The records the evaluation works on: places and events in the shape of the `monitor extract` contract,
and the gold cases (an article given to the extractor, with the events expected from it)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from monitor.errors import MonitorError


class EvaluationError(MonitorError):
    """A gold set cannot be read or the extractor did not run; the message says where and why."""


class ContractInput(Protocol):
    """An article that can be given to `monitor extract` (a gold case, a record of the dev set)."""

    def contract_input(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class PlaceRecord:
    """A place as in the extract contract; every field may be missing in a prediction."""

    name: str | None = None
    province: str | None = None
    level: str | None = None
    code: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "province": self.province, "level": self.level, "code": self.code}


@dataclass(frozen=True)
class EventRecord:
    """One expected or predicted event, in the shape of the `monitor extract` contract."""

    type: str
    center: str
    place: PlaceRecord = field(default_factory=PlaceRecord)
    date: str | None = None
    partners: tuple[str, ...] = ()
    confidence: float | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "center": self.center,
            "place": self.place.to_dict(),
            "date": self.date,
            "partners": list(self.partners),
        }

    @classmethod
    def from_contract(cls, data: Mapping[str, Any]) -> EventRecord:
        """Leniently read one output line of `monitor extract` (missing fields become None)."""
        place = data.get("place") or {}
        if not isinstance(place, Mapping):
            raise ValueError("'place' is not an object")
        partners = data.get("partners") or []
        if not isinstance(partners, list):
            raise ValueError("'partners' is not a list")
        return cls(
            type=str(data.get("type") or ""),
            center=str(data.get("center") or ""),
            place=PlaceRecord(*(opt_str(place.get(k)) for k in ("name", "province", "level", "code"))),
            date=opt_str(data.get("date")),
            partners=tuple(str(p) for p in partners),
            confidence=float(data["confidence"]) if isinstance(data.get("confidence"), int | float) else None,
        )


@dataclass(frozen=True)
class GoldCase:
    """One gold file: the article given to the extractor and the events expected from it."""

    name: str
    url: str
    title: str | None
    text: str | None
    html: str | None
    published: str | None
    expected: tuple[EventRecord, ...]
    tags: tuple[str, ...] = ()
    note: str = ""
    path: str | None = None

    @property
    def negative(self) -> bool:
        return not self.expected

    def contract_input(self) -> dict[str, Any]:
        """The JSON Lines record given to `monitor extract`."""
        return {"url": self.url, "title": self.title, "text": self.text,
                "published": self.published, "html": self.html}


def opt_str(value: Any) -> str | None:
    return None if value is None else str(value)
