"""The analysts' queue: one item per center, every article that reports it attached as a mention.

Every decision is an append-only row in `decisions` (reviewer, time, action, before, after, reason).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any, Literal

from monitor.errors import MonitorError, NotFoundError
from monitor.store import Store, now

Status = Literal["new", "confirmed", "rejected"]
STATUSES: tuple[str, ...] = ("new", "confirmed", "rejected")
REJECT_REASONS: tuple[str, ...] = (
    "not a launch", "duplicate", "wrong place", "wrong date", "existing center", "research center",
    "plan only", "other",
)
_ITEM_FIELDS = ("center", "place", "province", "level", "code", "date", "partners", "status", "type")


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
class QueueItem:
    id: int
    status: str
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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_ITEM_SQL = """
SELECT i.id, i.status, i.type, i.center, i.place, i.province, i.level, i.code, i.date, i.partners,
       COALESCE(i.confidence, 0), (SELECT count(*) FROM events e WHERE e.item_id = i.id),
       i.created_at, i.reviewer, i.note
FROM items i
"""


def _item(row: tuple[Any, ...]) -> QueueItem:
    values = list(row)
    values[9] = json.loads(values[9] or "[]")
    return QueueItem(*values)


def list_items(store: Store, status: str | None = None) -> list[QueueItem]:
    """Queue items, highest confidence first; `status` filters (new, confirmed, rejected)."""
    if status is not None and status not in STATUSES:
        raise MonitorError(f"unknown status {status!r}; choose one of {', '.join(STATUSES)}")
    where = "WHERE i.status = ?" if status else ""
    rows = store.db.execute(f"{_ITEM_SQL} {where} ORDER BY i.confidence DESC, i.id",
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


def decide(store: Store, item_id: int, action: Literal["confirm", "reject"], reviewer: str,
           reason: str | None = None, note: str | None = None) -> QueueItem:
    """Confirm or reject an item; the decision is appended to `decisions` in the same transaction."""
    if not reviewer.strip():
        raise MonitorError("a reviewer name is needed: pass --reviewer NAME or set MONITOR_REVIEWER")
    if action == "reject" and reason not in REJECT_REASONS:
        raise MonitorError(f"reject needs a reason, one of: {', '.join(REJECT_REASONS)}")
    before = get_item(store, item_id)
    status = "confirmed" if action == "confirm" else "rejected"
    with store.transaction():
        store.db.execute("UPDATE items SET status = ?, reviewer = ?, note = ?, updated_at = ? WHERE id = ?",
                         [status, reviewer, note, now(), item_id])
        after = get_item(store, item_id)
        store.db.table("decisions").insert({
            "item_id": item_id, "reviewer": reviewer, "at": now(), "action": action,
            "before": json.dumps(_snapshot(before), ensure_ascii=False),
            "after": json.dumps(_snapshot(after), ensure_ascii=False),
            "reason": reason if action == "reject" else note,
        })
    return after


def _snapshot(item: QueueItem) -> dict[str, Any]:
    data = item.to_dict()
    return {key: data[key] for key in _ITEM_FIELDS}


def history(store: Store, item_id: int) -> list[dict[str, Any]]:
    get_item(store, item_id)
    rows = store.db.execute("SELECT id, reviewer, at, action, before, after, reason FROM decisions "
                            "WHERE item_id = ? ORDER BY id", [item_id]).fetchall()
    keys = ("id", "reviewer", "at", "action", "before", "after", "reason")
    return [dict(zip(keys, row, strict=True)) for row in rows]
