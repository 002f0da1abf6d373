"""Reviewer actions beyond confirm/reject: edit, merge, split, undo, and place suggestions.

Every action appends one row to `decisions` (reviewer, at, action, before, after, reason) in the
transaction of the change, through `monitor.store.queue.record`. `before` and `after` are JSON item
snapshots (the fields of `queue.snapshot`), plus for merge and split `mentions` (article ids on the
item) and `moved` ([article id, center key] of the mentions that moved, the same in both). This module
decides and checks; the rows it changes are written by monitor/store/items.py.

- edit: a row on the item.
- merge(item, other): a row on `other` (status → merged, merged_into → item) with other_item_id = item;
  its mentions move to item, and later articles about it land on item too.
- split(item, article): a row on `item` with other_item_id = the new item; the mention moves to the new
  item, whose center key is the old one plus "#article:ID", so that rescans keep it there.
- undo(item): a new row (action "undo", `undoes` = the row it reverses) that restores the `before` state
  of the last decision involving the item that is not undone yet; nothing is ever deleted. Undoing a
  split folds the new item back (status merged, merged_into the old item).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import re
from collections.abc import Mapping
from typing import Any

from monitor.errors import MonitorError, NotFoundError
from monitor.events.places import Gazetteer, short_forms
from monitor.models import PLACE_LEVELS, Place
from monitor.review.archive import archived_html
from monitor.store import items
from monitor.store.database import Store
from monitor.store.items import SPLIT_MARK
from monitor.store.queue import (
    QueueItem,
    active_item,
    check_reviewer,
    get_item,
    has_open_decisions,
    last_open_decision,
    record,
    snapshot,
)
from monitor.store.search import SearchHit, search_articles

log = logging.getLogger(__name__)

EDITABLE_FIELDS: tuple[str, ...] = ("center", "place", "province", "level", "code", "date", "partners")
UNDOABLE: tuple[str, ...] = ("confirm", "reject", "edit", "merge", "split")
_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
_CODE = re.compile(r"\d{6}")
_PARTNER_SPLIT = re.compile(r"[;；,，、\n]+")
_RANK = {level: n for n, level in enumerate(PLACE_LEVELS)}

__all__ = ["EDITABLE_FIELDS", "SearchHit", "archived_html", "edit", "merge", "place_suggestions",
           "search", "split", "undo", "validate_changes"]


# -- edit -----------------------------------------------------------------------------------------


def edit(store: Store, item_id: int, reviewer: str, changes: Mapping[str, Any],
         reason: str | None = None) -> QueueItem:
    """Change fields of an item (keys of EDITABLE_FIELDS; partners a list of str or a string split at
    ; ， 、 and commas; None or "" clears a field). Validates level, province (full name or short form
    → full name), date (YYYY, YYYY-MM, YYYY-MM-DD) and code (6 digits); a place the gazetteer knows
    brings its province, level and code unless those are changed too. Raises MonitorError. Changing
    nothing writes nothing and returns the item as it is."""
    check_reviewer(reviewer)
    with store.transaction():
        before = active_item(store, item_id)
        values = validate_changes(changes, before)
        if not values:
            return before
        items.set_fields(store, item_id, values)
        after = get_item(store, item_id)
        record(store, item_id, "edit", reviewer, snapshot(before), snapshot(after), reason)
    log.info("item %d edited by %s: %s", item_id, reviewer, ", ".join(values))
    return after


def validate_changes(changes: Mapping[str, Any], item: QueueItem) -> dict[str, Any]:
    """The checked, normalized values of `changes` that differ from `item` (partners as a list)."""
    unknown = [key for key in changes if key not in EDITABLE_FIELDS]
    if unknown:
        raise MonitorError(f"cannot edit {', '.join(map(repr, unknown))}; editable fields: "
                           f"{', '.join(EDITABLE_FIELDS)}")
    values = {key: _FIELD_CHECKS[key](value) for key, value in changes.items()}
    _fill_from_gazetteer(values, item)
    current = item.to_dict()
    return {key: value for key, value in values.items() if value != current[key]}


def _text(value: Any, field: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise MonitorError(f"{field} must be text, not {type(value).__name__}")
    return value.strip() or None


def _check_center(value: Any) -> str:
    center = _text(value, "center")
    if center is None:
        raise MonitorError("center cannot be empty: give the center's full name, e.g. 洛阳国际传播中心")
    return center


def _check_province(value: Any) -> str | None:
    province = _text(value, "province")
    if province is None:
        return None
    full = Gazetteer.default().province_name(province)
    if full is None:
        raise MonitorError(f"unknown province {province!r}: give a province's full or short name, e.g. 河南省 or 河南")
    return full


def _check_level(value: Any) -> str | None:
    level = _text(value, "level")
    if level is not None and level not in PLACE_LEVELS:
        raise MonitorError(f"unknown level {level!r}: choose one of {', '.join(PLACE_LEVELS)}")
    return level


def _check_code(value: Any) -> str | None:
    code = _text(value, "code")
    if code is not None and not _CODE.fullmatch(code):
        raise MonitorError(f"code {code!r} must be a six-digit division code, e.g. 410300")
    return code


def _check_date(value: Any) -> str | None:
    day = _text(value, "date")
    if day is None:
        return None
    try:
        if not _DATE.fullmatch(day):
            raise ValueError(day)
        dt.date.fromisoformat((day + "-01-01")[:10])
    except ValueError:
        raise MonitorError(f"date {day!r} must be YYYY, YYYY-MM or YYYY-MM-DD (a real day), e.g. 2025-03-26") \
            from None
    return day


def _check_partners(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        parts: list[Any] = _PARTNER_SPLIT.split(value)
    elif isinstance(value, list | tuple):
        parts = list(value)
    else:
        raise MonitorError("partners must be a list of names or one string separated by ; or ,")
    if not all(isinstance(p, str) for p in parts):
        raise MonitorError("every partner must be a name (text)")
    return list(dict.fromkeys(p.strip() for p in parts if p.strip()))


_FIELD_CHECKS = {"center": _check_center, "place": lambda v: _text(v, "place"), "province": _check_province,
                 "level": _check_level, "code": _check_code, "date": _check_date, "partners": _check_partners}


def _fill_from_gazetteer(values: dict[str, Any], item: QueueItem) -> None:
    """A new place known to the gazetteer takes its full name (开封 → 开封市) and brings its province,
    level and code (unless given too)."""
    name = values.get("place")
    if not name or name == item.place:
        return
    place = Gazetteer.default().lookup(name, values.get("province") or item.province)
    if place is None:
        return
    values["place"] = place.name
    values.setdefault("province", place.province)
    values.setdefault("level", place.level)
    values.setdefault("code", place.code)


# -- merge and split ------------------------------------------------------------------------------


def merge(store: Store, item_id: int, other_id: int, reviewer: str, reason: str | None = None) -> QueueItem:
    """Move every mention of `other_id` onto `item_id`; `other_id` gets status "merged". Returns the kept
    item. Later articles about the merged center land on the kept item."""
    check_reviewer(reviewer)
    if item_id == other_id:
        raise MonitorError(f"cannot merge item {item_id} into itself; give two different item ids")
    with store.transaction():
        active_item(store, item_id)
        gone = active_item(store, other_id)
        moved = items.mention_pairs(store, other_id)
        before = {**snapshot(gone), "mentions": _mention_ids(store, other_id), "moved": moved}
        items.move_mentions(store, other_id, item_id)
        items.mark_merged(store, other_id, item_id, reviewer)
        items.touch(store, item_id)
        after = {**snapshot(get_item(store, other_id)), "mentions": [], "moved": moved}
        record(store, other_id, "merge", reviewer, before, after, reason, other_item_id=item_id)
        kept = get_item(store, item_id)
    log.info("item %d merged into item %d by %s", other_id, item_id, reviewer)
    return kept


def split(store: Store, item_id: int, article_id: int, reviewer: str, reason: str | None = None) -> QueueItem:
    """Move the mention of article `article_id` off item `item_id` into a new item (status new), which is
    returned. Rescans keep the mention on the new item."""
    check_reviewer(reviewer)
    with store.transaction():
        item = active_item(store, item_id)
        events = _events_of(store, item_id, article_id)
        if len(_mention_ids(store, item_id)) < 2:
            raise MonitorError(f"item {item_id} has only this mention; nothing to split it from")
        moved = [[article_id, key] for _, key in events]
        before = {**snapshot(item), "mentions": _mention_ids(store, item_id), "moved": moved}
        new_id = items.item_from_event(store, f"{events[0][1]}{SPLIT_MARK}{article_id}", events[0][0])
        items.move_mentions(store, item_id, new_id, article_id=article_id)
        items.touch(store, item_id)
        after = {**snapshot(get_item(store, item_id)), "mentions": _mention_ids(store, item_id), "moved": moved}
        record(store, item_id, "split", reviewer, before, after, reason, other_item_id=new_id)
        created = get_item(store, new_id)
    log.info("article %d split off item %d into item %d by %s", article_id, item_id, new_id, reviewer)
    return created


def _events_of(store: Store, item_id: int, article_id: int) -> list[tuple[int, str]]:
    found = items.events_of(store, item_id, article_id)
    if not found:
        raise NotFoundError(f"article {article_id} is not a mention of queue item {item_id}; "
                            f"see `monitor queue show {item_id}`")
    return found


def _mention_ids(store: Store, item_id: int) -> list[int]:
    return sorted({pair[0] for pair in items.mention_pairs(store, item_id)})


# -- undo -----------------------------------------------------------------------------------------


def undo(store: Store, item_id: int, reviewer: str, reason: str | None = None) -> QueueItem:
    """Undo the last decision on the item not already undone (confirm, reject, edit, merge, split): a new
    `undo` row restores its `before` state; nothing is deleted. Raises MonitorError when nothing is left.
    Returns the item as restored."""
    check_reviewer(reviewer)
    with store.transaction():
        get_item(store, item_id)
        row = last_open_decision(store, item_id, (*UNDOABLE, "import"))  # an import counts: undo refuses it
        if row is None:
            raise MonitorError(f"queue item {item_id} has no decision left to undo; see `monitor queue history "
                               f"{item_id}`")
        decision_id, target, action, before_json, other = row
        if action == "import":
            raise MonitorError(f"queue item {item_id} was last changed by an import (decision #{decision_id}), "
                               f"which cannot be undone; correct it with `monitor queue edit {item_id}` or "
                               f"`monitor queue reject {item_id}`")
        before = json.loads(before_json)
        current = _state(store, target)
        _REVERSE[action](store, target, other, before)
        record(store, target, "undo", reviewer, current, _state(store, target),
               reason or f"undo {action} #{decision_id}", other_item_id=other, undoes=decision_id)
        restored = get_item(store, item_id)
    log.info("decision %d (%s on item %d) undone by %s", decision_id, action, target, reviewer)
    return restored


def _state(store: Store, item_id: int) -> dict[str, Any]:
    return {**snapshot(get_item(store, item_id)), "mentions": _mention_ids(store, item_id)}


def _restore(store: Store, item_id: int, before: Mapping[str, Any]) -> None:
    fields = {k: before[k] for k in snapshot(get_item(store, item_id)) if k in before}
    items.set_fields(store, item_id, fields)


def _undo_fields(store: Store, item_id: int, other: int | None, before: Mapping[str, Any]) -> None:
    _restore(store, item_id, before)


def _undo_merge(store: Store, item_id: int, kept: int | None, before: Mapping[str, Any]) -> None:
    """Mentions that came from the merged item (and later ones of its center) go back to it."""
    for article_id, center_key in before.get("moved", []):
        items.move_mentions(store, kept, item_id, article_id=article_id, center_key=center_key)
    items.move_mentions(store, kept, item_id, center_key=items.center_key_of(store, item_id))
    _restore(store, item_id, before)


def _undo_split(store: Store, item_id: int, created: int | None, before: Mapping[str, Any]) -> None:
    """The split-off mention goes back; the item made for it is folded back (status merged)."""
    if created is None:
        return
    if has_open_decisions(store, created, UNDOABLE):
        raise MonitorError(f"item {created} (split off item {item_id}) has decisions of its own; undo those "
                           f"first with `monitor queue undo {created}`")
    items.move_mentions(store, created, item_id)
    items.mark_merged(store, created, item_id)
    _restore(store, item_id, before)


_REVERSE = {"confirm": _undo_fields, "reject": _undo_fields, "edit": _undo_fields, "merge": _undo_merge,
            "split": _undo_split}


# -- place suggestions and search -----------------------------------------------------------------


def place_suggestions(prefix: str, province: str | None = None, limit: int = 10) -> list[Place]:
    """Divisions of the gazetteer whose full name or short form starts with `prefix`: in `province`
    first (if given), then exact names, then higher level, then code; for the edit form's place field."""
    prefix = prefix.strip()
    if not prefix:
        return []
    full = (Gazetteer.default().province_name(province) or province) if province else None
    found = [(place, forms) for place, forms in _place_forms() if any(f.startswith(prefix) for f in forms)]
    found.sort(key=lambda pair: (pair[0].province != full if full else False, prefix not in pair[1],
                                 _RANK.get(pair[0].level, 9), pair[0].code or "999999"))
    return [place for place, _ in found[:max(0, limit)]]


@functools.cache
def _place_forms() -> tuple[tuple[Place, tuple[str, ...]], ...]:
    return tuple((p, (p.name, *short_forms(p.name))) for p in Gazetteer.default().places())


def search(store: Store, query: str, limit: int = 50) -> list[SearchHit]:
    """Articles whose title or text holds `query` (see monitor.store.search.search_articles)."""
    return search_articles(store, query, limit)
