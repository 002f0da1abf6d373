"""The registry of centers: the confirmed queue items, with their sources, as a table, JSON, CSV or GeoJSON.

An entry has the item's fields (center, place, province, level, code, date, partners, type), when and by
whom it was confirmed, the first source (the earliest published mention) and every source (outlet, URL,
publication date, and the article it copies, if it is a copy). `origin` says how it got there: "confirmed"
(a reviewer confirmed what the monitor found) or "imported" (from a list of known centers, `monitor
registry import`; `source` is where the list has it from, and the importer is `confirmed_by`). It is
not the item's stored origin (models.ItemOrigin: "found" or "imported", who put it in the queue): the
registry holds only confirmed items, so a found one is here as "confirmed".
GeoJSON gives each entry a point at its division (monitor.publish.locations) or `"geometry": null` where none is
known (centers of enterprises, places outside the gazetteer).
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, get_args

from monitor.errors import MonitorError
from monitor.events.places import Gazetteer
from monitor.publish.locations import division_point
from monitor.publish.output import render
from monitor.store.database import Store
from monitor.store.queue import ItemSource, QueueItem, confirmation, item_sources, list_items, origin

log = logging.getLogger(__name__)

FORMATS: tuple[str, ...] = ("table", "json", "jsonl", "csv", "geojson")
COLUMNS = ("id", "center", "place", "province", "level", "code", "date", "partners", "origin", "first_source",
           "sources")
RegistryOrigin = Literal["confirmed", "imported"]
ORIGINS: tuple[RegistryOrigin, ...] = get_args(RegistryOrigin)


@dataclass(frozen=True)
class RegistryEntry:
    id: int
    type: str
    center: str
    place: str | None
    province: str | None
    level: str | None
    code: str | None
    date: str | None
    partners: list[str]
    confirmed_by: str | None
    confirmed_at: str | None
    first_source: ItemSource | None
    sources: list[ItemSource] = field(default_factory=list)
    point: tuple[float, float] | None = None  # (longitude, latitude)
    origin: RegistryOrigin = "confirmed"
    source: str | None = None  # for an imported center: where the list has it from

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["point"] = list(self.point) if self.point else None
        return data


def registry(store: Store) -> list[RegistryEntry]:
    """Every confirmed item, oldest launch date first (undated last)."""
    items = list_items(store, "confirmed")
    entries = [_entry(store, item) for item in items]
    return sorted(entries, key=lambda e: (e.date is None, e.date or "", e.id))


def _entry(store: Store, item: QueueItem) -> RegistryEntry:
    sources = item_sources(store, item.id)
    first = min(sources, key=lambda s: (s.published is None, s.published or "", s.article_id), default=None)
    confirmed = confirmation(store, item.id)
    found_or_imported, source = origin(store, item.id)
    return RegistryEntry(item.id, item.type, item.center, item.place, item.province, item.level, item.code,
                         item.date, item.partners, confirmed[0] if confirmed else item.reviewer,
                         confirmed[1] if confirmed else None, first, sources, _point(item),
                         "imported" if found_or_imported == "imported" else "confirmed", source)


def _point(item: QueueItem) -> tuple[float, float] | None:
    if item.level == "other":
        return None
    code = item.code
    if code is None and item.place:
        place = Gazetteer.default().lookup(item.place, item.province)
        code = place.code if place else None
    return division_point(code)


def evidence_article_ids(store: Store) -> list[int]:
    """The articles behind the registry's sources (for the WARC export)."""
    return [s.article_id for entry in registry(store) for s in entry.sources]


# -- formats --------------------------------------------------------------------------------------


def rows(entries: list[RegistryEntry]) -> list[dict[str, Any]]:
    """Flat rows for tables and CSV: sources as their URLs, first source as its URL."""
    flat = []
    for entry in entries:
        data = entry.to_dict()
        data["first_source"] = entry.first_source.url if entry.first_source else None
        data["sources"] = [s.url for s in entry.sources]
        data["longitude"], data["latitude"] = entry.point if entry.point else (None, None)
        del data["point"]
        flat.append(data)
    return flat


def geojson(entries: list[RegistryEntry]) -> dict[str, Any]:
    """A GeoJSON FeatureCollection: one Feature per entry, a Point at its division or null geometry."""
    features = []
    for entry in entries:
        properties = entry.to_dict()
        del properties["point"]
        geometry = {"type": "Point", "coordinates": list(entry.point)} if entry.point else None
        features.append({"type": "Feature", "id": entry.id, "geometry": geometry, "properties": properties})
    return {"type": "FeatureCollection", "features": features}


def render_registry(entries: list[RegistryEntry], fmt: str) -> str:
    """The registry in one of FORMATS (json keeps sources whole; table and csv flatten them)."""
    if fmt not in FORMATS:
        raise MonitorError(f"unknown registry format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "geojson":
        return json.dumps(geojson(entries), ensure_ascii=False, indent=2)
    if fmt in ("json", "jsonl"):
        return render([e.to_dict() for e in entries], fmt)
    columns = list(COLUMNS) if fmt == "table" else [*COLUMNS, "source", "type", "confirmed_by", "confirmed_at",
                                                    "longitude", "latitude"]
    return render(rows(entries), fmt, columns, title="registry")
