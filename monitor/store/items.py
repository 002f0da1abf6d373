"""Writing queue items: the item each event joins, an item's fields, and mentions moving between items.

One item per center (`items.center_key`); every event that reports the center is a mention of the item
(`events.item_id`). A late copy of a report joins the item of its center like any other mention (by key,
or through the copy group of monitor.store.copies); an item is late (`items.late`) while all its mentions
are late reports, and backfill (`items.backfill`) while its reports are old items a run found past its
first-run window and no recent article reports the launch as news. Partners are a list in Python and JSON in
the database. Every function here runs inside the caller's transaction (a Store method, or an action of
monitor/review/actions.py); reading the queue and its audit trail is in monitor/store/queue.py.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from monitor.models import Event
from monitor.store import copies
from monitor.store.clock import now

if TYPE_CHECKING:
    from monitor.store.database import Store

SPLIT_MARK = "#article:"  # center_key of an item split off for one article: f"{key}{SPLIT_MARK}{article_id}"
COLUMNS = frozenset({"type", "center", "place", "province", "level", "code", "date", "partners", "confidence",
                     "status", "reviewer", "note", "merged_into", "origin", "source", "late", "backfill"})
_EVENT_FIELDS = ("type", "center", "place", "province", "level", "code", "date", "partners", "confidence", "late")


def place_columns(event: Event) -> dict[str, str | None]:
    place = event.place
    return {"place": place.name if place else None, "province": place.province if place else None,
            "level": place.level if place else None, "code": place.code if place else None}


# -- the item of an event ---------------------------------------------------------------------------------


def item_for(store: Store, key: str, event: Event, article_id: int) -> tuple[int, bool]:
    """The queue item of a center: an existing one (any status) or a new one; (item id, created).

    Existing, in order: the item a reviewer split this article's mention into; the item of the key;
    the item a copy of this article gives to the same center; for a mention without a province, the
    one item of the same type and name; for a mention with one, the imported item of the same type and
    name without a province (an enterprise's center). Merged items lead to the item they were
    merged into. Confirmed and imported items are found like any other: their later reports join them."""
    found = (_item_id(store, f"{key}{SPLIT_MARK}{article_id}") or _item_id(store, key)
             or copies.item_of_copy(store.db, article_id, key) or _same_name_item(store, key))
    if found:
        return _kept_item(store, found), False
    values = {"type": event.type, "center": event.center, **place_columns(event), "date": event.date,
              "partners": list(event.partners), "confidence": event.confidence, "status": "new",
              "late": int(event.late)}
    return add_item(store, key, values), True


def item_of_key(store: Store, key: str) -> int | None:
    """The item a new mention of center `key` would join (following merges), if there is one: the item
    of the key, else the same-name item of `_same_name_item`. (Imports look centers up with it.)"""
    found = _item_id(store, key) or _same_name_item(store, key)
    return _kept_item(store, found) if found else None


def _item_id(store: Store, key: str) -> int | None:
    row = store.db.execute("SELECT id FROM items WHERE center_key = ?", [key]).fetchone()
    return int(row[0]) if row else None


def _same_name_item(store: Store, key: str) -> int | None:
    """A key without a province: the one item of the same type and name, whatever its province. A key
    with one: the imported item of the same type and name without a province (an enterprise's center
    in an analyst's list; an item the monitor found without a province may be a different center)."""
    if not key.startswith("|"):
        row = store.db.execute("SELECT id FROM items WHERE center_key = ? AND origin = 'imported'",
                               [key[key.find("|"):]]).fetchone()
        return int(row[0]) if row else None
    rows = store.db.execute("SELECT id FROM items WHERE substr(center_key, instr(center_key, '|')) = ? "
                            "LIMIT 2", [key]).fetchall()
    return int(rows[0][0]) if len(rows) == 1 else None


def _kept_item(store: Store, item_id: int) -> int:
    """Follow `merged_into` from a merged item to the item it lives on in."""
    seen = {item_id}
    while (row := store.db.execute("SELECT merged_into FROM items WHERE id = ?", [item_id]).fetchone()) \
            and row[0] is not None and row[0] not in seen:
        item_id = int(row[0])
        seen.add(item_id)
    return item_id


def refresh(store: Store, item_id: int) -> None:
    """While nobody has reviewed it, an item shows the fields of its best-evidenced mention
    (most confident, then most precise date, then most partners), whatever order copies came in."""
    best = store.db.execute(
        "SELECT e.type, e.center, e.place, e.province, e.level, e.code, e.date, e.partners, e.confidence "
        "FROM events e JOIN articles a ON a.id = e.article_id WHERE e.item_id = ? "
        "ORDER BY round(e.confidence, 3) DESC, length(COALESCE(e.date, '')) DESC, "
        "length(e.partners) DESC, a.url LIMIT 1", [item_id]).fetchone()
    if best is None:
        return
    store.db.execute(
        "UPDATE items SET type=?, center=?, place=?, province=?, level=?, code=?, date=?, partners=?, "
        "confidence=? WHERE id = ? AND status = 'new' AND id NOT IN (SELECT item_id FROM decisions)",
        [*best, item_id])
    refresh_late(store, item_id)
    refresh_backfill(store, item_id)


def refresh_late(store: Store, item_id: int) -> None:
    """An item with mentions is late while every one of them is a late report (reviewed or not)."""
    store.db.execute(
        "UPDATE items SET late = NOT EXISTS (SELECT 1 FROM events WHERE item_id = items.id AND late = 0) "
        "WHERE id = ? AND EXISTS (SELECT 1 FROM events WHERE item_id = items.id)", [item_id])


def refresh_backfill(store: Store, item_id: int) -> None:
    """An item is backfill while it has a mention from a backfill article (an old item a run found past its
    first-run window) and none from a recent article reporting the launch as news: such a report clears the
    mark, a late copy (events.late) does not."""
    store.db.execute(
        "UPDATE items SET backfill = (EXISTS (SELECT 1 FROM events e JOIN articles a ON a.id = e.article_id "
        "WHERE e.item_id = items.id AND a.backfill = 1) AND NOT EXISTS (SELECT 1 FROM events e JOIN articles a "
        "ON a.id = e.article_id WHERE e.item_id = items.id AND a.backfill = 0 AND e.late = 0)) WHERE id = ?",
        [item_id])


def drop_orphans(store: Store) -> int:
    """Remove new items left without any mention (after a rescan); reviewed items stay."""
    cursor = store.db.execute(
        "DELETE FROM items WHERE status = 'new' AND id NOT IN "
        "(SELECT item_id FROM events WHERE item_id IS NOT NULL) "
        "AND id NOT IN (SELECT item_id FROM decisions) "
        "AND id NOT IN (SELECT other_item_id FROM decisions WHERE other_item_id IS NOT NULL)")
    return cursor.rowcount


# -- an item's row --------------------------------------------------------------------------------------


def _row(values: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(values) - COLUMNS
    if unknown:
        raise ValueError(f"not a column of items: {', '.join(sorted(unknown))}")
    return {k: json.dumps(list(v), ensure_ascii=False) if k == "partners" else v for k, v in values.items()}


def add_item(store: Store, key: str, values: Mapping[str, Any]) -> int:
    """A new item for center `key` with `values` (columns of COLUMNS); returns its id."""
    stamp = now()
    record = {"center_key": key, **_row(values), "created_at": stamp, "updated_at": stamp}
    return int(store.db.table("items").insert(record).last_pk or 0)


def set_fields(store: Store, item_id: int, values: Mapping[str, Any]) -> None:
    """Change columns of an item (keys of COLUMNS); `updated_at` follows."""
    columns = _row(values)
    if not columns:
        return
    assignments = ", ".join(f"{column} = ?" for column in columns)
    store.db.execute(f"UPDATE items SET {assignments}, updated_at = ? WHERE id = ?",
                     [*columns.values(), now(), item_id])


def touch(store: Store, item_id: int) -> None:
    store.db.execute("UPDATE items SET updated_at = ? WHERE id = ?", [now(), item_id])


def mark_merged(store: Store, item_id: int, into: int, reviewer: str | None = None) -> None:
    """Status "merged", pointing at the item it now lives on in (the reviewer kept unless one is given)."""
    store.db.execute("UPDATE items SET status = 'merged', merged_into = ?, reviewer = COALESCE(?, reviewer), "
                     "updated_at = ? WHERE id = ?", [into, reviewer, now(), item_id])


def center_key_of(store: Store, item_id: int) -> str:
    return str(store.db.execute("SELECT center_key FROM items WHERE id = ?", [item_id]).fetchone()[0])


# -- mentions ---------------------------------------------------------------------------------------------


def move_mentions(store: Store, from_item: int | None, to_item: int, *, article_id: int | None = None,
                  center_key: str | None = None) -> None:
    """Mentions of `from_item` become mentions of `to_item`: all of them, or those of one article and/or of
    one center key."""
    where = "item_id = ?"
    params: list[int | str | None] = [from_item]
    if article_id is not None:
        where += " AND article_id = ?"
        params.append(article_id)
    if center_key is not None:
        where += " AND center_key = ?"
        params.append(center_key)
    store.db.execute(f"UPDATE events SET item_id = ? WHERE {where}", [to_item, *params])
    for item_id in (from_item, to_item):
        if item_id is not None:
            refresh_late(store, item_id)
            refresh_backfill(store, item_id)


def mention_pairs(store: Store, item_id: int) -> list[list[Any]]:
    """[article id, center key] of every mention of an item."""
    rows = store.db.execute("SELECT article_id, center_key FROM events WHERE item_id = ? ORDER BY article_id, "
                            "center_key", [item_id]).fetchall()
    return [[int(r[0]), str(r[1])] for r in rows]


def events_of(store: Store, item_id: int, article_id: int) -> list[tuple[int, str]]:
    """(event id, center key) of the mentions of `item_id` in one article."""
    rows = store.db.execute("SELECT id, center_key FROM events WHERE item_id = ? AND article_id = ? ORDER BY id",
                            [item_id, article_id]).fetchall()
    return [(int(r[0]), str(r[1])) for r in rows]


def item_from_event(store: Store, key: str, event_id: int) -> int:
    """An item of status new for center `key`, filled from one event (a mention split off its item); an
    earlier item of the key (a split that was undone, status merged) is taken up again."""
    fields = store.db.execute(f"SELECT {', '.join(_EVENT_FIELDS)} FROM events WHERE id = ?", [event_id]).fetchone()
    values = {**dict(zip(_EVENT_FIELDS, fields, strict=True)), "status": "new", "merged_into": None}
    values["partners"] = json.loads(values["partners"] or "[]")
    existing = _item_id(store, key)
    if existing is None:
        return add_item(store, key, values)
    set_fields(store, existing, values)
    return existing
