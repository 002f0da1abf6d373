"""The analysts' queue: one item per center, every article that reports it attached as a mention.

Every decision is an append-only row in `decisions` (reviewer, time, action, before, after, reason),
written by `record` in the transaction of the change. An item merged into another keeps its row with
status "merged" and `merged_into`; `list_items` leaves merged items out unless asked for them.
Edit, merge, split and undo are in monitor/review/actions.py; the writes they make are in
monitor/store/items.py.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Literal

from monitor.errors import MonitorError, NotFoundError
from monitor.models import ITEM_STATUSES, REJECT_REASONS, ItemOrigin, ItemStatus
from monitor.store.clock import now

if TYPE_CHECKING:
    from monitor.store.database import Store

_ITEM_FIELDS = ("center", "place", "province", "level", "code", "date", "partners", "status", "type", "reviewer",
                "note", "merged_into")


@dataclass(frozen=True)
class Mention:
    article_id: int
    outlet: str | None
    url: str
    title: str | None
    published: str | None
    evidence: str
    confidence: float


@dataclass(frozen=True)
class ItemSource:
    """An article that reports an item, and the article it copies (if it is a copy), for the registry."""

    article_id: int
    outlet: str | None
    url: str
    title: str | None
    published: str | None
    copy_of: int | None = None


@dataclass(frozen=True)
class QueueItem:
    id: int
    status: ItemStatus
    type: str
    center: str
    place: str | None
    province: str | None
    level: str | None
    code: str | None
    date: str | None
    partners: list[str]
    confidence: float
    mentions: int
    first_seen: str
    reviewer: str | None
    note: str | None
    merged_into: int | None = None
    late: bool = False  # every mention is a late report (a copy re-posted long after the launch)
    backfill: bool = False  # every mention is an old item a run found past its first-run window (not news)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_ITEM_SQL = """
SELECT i.id, i.status, i.type, i.center, i.place, i.province, i.level, i.code, i.date, i.partners,
       COALESCE(i.confidence, 0), (SELECT count(*) FROM events e WHERE e.item_id = i.id),
       i.created_at, i.reviewer, i.note, i.merged_into, i.late = 1, i.backfill = 1
FROM items i
"""


def _item(row: tuple[Any, ...]) -> QueueItem:
    values = list(row)
    values[9] = json.loads(values[9] or "[]")
    values[16] = bool(values[16])
    values[17] = bool(values[17])
    return QueueItem(*values)


def list_items(store: Store, status: str | None = None) -> list[QueueItem]:
    """Queue items, highest confidence first, backfill items (old reports a first run found) after the others;
    `status` filters (new, confirmed, rejected, merged). Without `status`, every item but the merged ones."""
    if status is not None and status not in ITEM_STATUSES:
        raise MonitorError(f"unknown status {status!r}; choose one of {', '.join(ITEM_STATUSES)}")
    where = "WHERE i.status = ?" if status else "WHERE i.status != 'merged'"
    rows = store.db.execute(f"{_ITEM_SQL} {where} ORDER BY i.backfill, i.confidence DESC, i.id",
                            [status] if status else []).fetchall()
    return [_item(row) for row in rows]


def get_item(store: Store, item_id: int) -> QueueItem:
    row = store.db.execute(f"{_ITEM_SQL} WHERE i.id = ?", [item_id]).fetchone()
    if row is None:
        raise NotFoundError(f"queue item {item_id} does not exist; see `monitor queue list`")
    return _item(row)


def mentions(store: Store, item_id: int) -> list[Mention]:
    """Every article attached to an item, oldest publication first."""
    rows = store.db.execute(
        "SELECT a.id, a.outlet, a.url, a.title, a.published, e.evidence, e.confidence "
        "FROM events e JOIN articles a ON a.id = e.article_id WHERE e.item_id = ? "
        "ORDER BY a.published, a.id", [item_id]).fetchall()
    return [Mention(*row) for row in rows]


def item_sources(store: Store, item_id: int) -> list[ItemSource]:
    """Every article attached to an item with the article it copies, oldest publication first."""
    rows = store.db.execute(
        "SELECT DISTINCT a.id, a.outlet, a.url, a.title, a.published, c.original_id FROM events e "
        "JOIN articles a ON a.id = e.article_id LEFT JOIN copies c ON c.article_id = a.id "
        "WHERE e.item_id = ? ORDER BY a.published, a.id", [item_id]).fetchall()
    return [ItemSource(*row) for row in rows]


def origin(store: Store, item_id: int) -> tuple[ItemOrigin, str | None]:
    """Where an item comes from: ("found" or "imported", the source an imported center's list names)."""
    row = store.db.execute("SELECT origin, source FROM items WHERE id = ?", [item_id]).fetchone()
    if row is None:
        raise NotFoundError(f"queue item {item_id} does not exist; see `monitor queue list`")
    found_or_imported: ItemOrigin = row[0]
    return found_or_imported, row[1]


def decide(store: Store, item_id: int, action: Literal["confirm", "reject"], reviewer: str,
           reason: str | None = None, note: str | None = None) -> QueueItem:
    """Confirm or reject an item; the decision is appended to `decisions` in the same transaction."""
    check_reviewer(reviewer)
    if action == "reject" and reason not in REJECT_REASONS:
        raise MonitorError(f"reject needs a reason, one of: {', '.join(REJECT_REASONS)}")
    before = active_item(store, item_id)
    status = "confirmed" if action == "confirm" else "rejected"
    with store.transaction():
        store.db.execute("UPDATE items SET status = ?, reviewer = ?, note = ?, updated_at = ? WHERE id = ?",
                         [status, reviewer, note, now(), item_id])
        after = get_item(store, item_id)
        record(store, item_id, action, reviewer, snapshot(before), snapshot(after),
               reason if action == "reject" else note)
    return after


def check_reviewer(reviewer: str) -> None:
    if not reviewer.strip():
        raise MonitorError("a reviewer name is needed: pass --reviewer NAME or set MONITOR_REVIEWER")


def active_item(store: Store, item_id: int) -> QueueItem:
    """The item, unless it was merged into another (then the error names the item to act on)."""
    item = get_item(store, item_id)
    if item.status == "merged":
        raise MonitorError(f"queue item {item_id} was merged into item {item.merged_into}; act on that one "
                           f"or undo the merge with `monitor queue undo {item_id}`")
    return item


def snapshot(item: QueueItem) -> dict[str, Any]:
    """The fields of an item that a decision changes (and an undo restores)."""
    data = item.to_dict()
    return {key: data[key] for key in _ITEM_FIELDS}



def record(store: Store, item_id: int, action: str, reviewer: str, before: dict[str, Any] | None,
           after: dict[str, Any] | None, reason: str | None = None, *, other_item_id: int | None = None,
           undoes: int | None = None) -> int:
    """Append one audit row (call inside the transaction of the change); returns its id."""
    return int(store.db.table("decisions").insert({
        "item_id": item_id, "reviewer": reviewer, "at": now(), "action": action,
        "before": json.dumps(before, ensure_ascii=False) if before is not None else None,
        "after": json.dumps(after, ensure_ascii=False) if after is not None else None,
        "reason": reason, "other_item_id": other_item_id, "undoes": undoes,
    }).last_pk or 0)


def history(store: Store, item_id: int) -> list[dict[str, Any]]:
    """Every audit row of an item, oldest first: its own decisions and the merges and splits that
    involved it as the second item (`other_item_id`). `before` and `after` are JSON strings."""
    get_item(store, item_id)
    rows = store.db.execute("SELECT id, reviewer, at, action, before, after, reason, item_id, other_item_id, undoes "
                            "FROM decisions WHERE item_id = ? OR other_item_id = ? ORDER BY id",
                            [item_id, item_id]).fetchall()
    keys = ("id", "reviewer", "at", "action", "before", "after", "reason", "item_id", "other_item_id", "undoes")
    return [dict(zip(keys, row, strict=True)) for row in rows]


def confirmation(store: Store, item_id: int) -> tuple[str, str] | None:
    """(reviewer, time) of the last confirmation or import of an item, if it had one."""
    row = store.db.execute("SELECT reviewer, at FROM decisions WHERE item_id = ? AND action IN "
                           "('confirm', 'import') ORDER BY id DESC LIMIT 1", [item_id]).fetchone()
    return (str(row[0]), str(row[1])) if row else None


def last_open_decision(store: Store, item_id: int, actions: tuple[str, ...]
                       ) -> tuple[int, int, str, str, int | None] | None:
    """The last decision among `actions` involving an item (as `item_id` or `other_item_id`) that no undo
    has reversed yet: (id, item id, action, before as JSON, other item id)."""
    marks = ",".join("?" * len(actions))
    row = store.db.execute(
        f"SELECT id, item_id, action, before, other_item_id FROM decisions WHERE (item_id = ? OR other_item_id = ?) "
        f"AND action IN ({marks}) AND id NOT IN (SELECT undoes FROM decisions WHERE undoes IS NOT NULL) "
        "ORDER BY id DESC LIMIT 1", [item_id, item_id, *actions]).fetchone()
    if row is None:
        return None
    return int(row[0]), int(row[1]), str(row[2]), str(row[3] or "null"), int(row[4]) if row[4] is not None else None


def has_open_decisions(store: Store, item_id: int, actions: tuple[str, ...]) -> bool:
    """Whether an item has decisions of its own among `actions` that no undo has reversed (the split that made
    it, recorded on the item it was split from, does not count)."""
    marks = ",".join("?" * len(actions))
    row = store.db.execute(
        f"SELECT count(*) FROM decisions WHERE (item_id = ? OR (other_item_id = ? AND action != 'split')) "
        f"AND action IN ({marks}) AND id NOT IN (SELECT undoes FROM decisions WHERE undoes IS NOT NULL)",
        [item_id, item_id, *actions]).fetchone()
    return int(row[0]) > 0
