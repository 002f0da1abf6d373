"""What each digest channel has received (schema 3): the items it was sent and the outlet health it was told.

`digest_sent` has a row per (channel, kind, item): kind "new" for an item sent as new, "confirmed" for an
item sent as confirmed, with the item's center key then (an item split or merged since counts as news
again). `digest_channels` has a row per channel: the outlet health it last received and how its last
attempt went. Rows are written only after a delivery succeeded, so a failed one loses nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from monitor.models import ItemStatus
from monitor.store.clock import now

if TYPE_CHECKING:
    from monitor.store.database import Store


@dataclass(frozen=True)
class DigestItem:
    """A queue item as a digest shows it, with its best-evidenced article."""

    id: int
    center_key: str
    status: ItemStatus
    type: str
    center: str
    place: str | None
    province: str | None
    level: str | None
    date: str | None
    partners: list[str]
    confidence: float
    mentions: int
    first_seen: str
    url: str | None
    outlet: str | None
    title: str | None
    evidence: str | None
    backfill: bool = False  # every report is an old item a first run found (sent only when asked for)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_ITEM_COLUMNS = """
i.id, i.center_key, i.status, i.type, i.center, i.place, i.province, i.level, i.date, i.partners,
COALESCE(i.confidence, 0), (SELECT count(*) FROM events e WHERE e.item_id = i.id), i.created_at,
a.url, a.outlet, a.title, e.evidence, i.backfill = 1
"""
_ITEM_FROM = """
FROM items i
LEFT JOIN events e ON e.id = (SELECT e2.id FROM events e2 WHERE e2.item_id = i.id
                              ORDER BY e2.confidence DESC, e2.id LIMIT 1)
LEFT JOIN articles a ON a.id = e.article_id
"""


def _digest_item(row: tuple[Any, ...]) -> DigestItem:
    values = list(row)
    values[9] = json.loads(values[9] or "[]")
    values[17] = bool(values[17])
    return DigestItem(*values)


def pending(store: Store, channel: str, kind: str, statuses: tuple[ItemStatus, ...], *,
            include_backfill: bool = True) -> list[DigestItem]:
    """Items of `statuses` not yet delivered on `channel` as `kind`; imported centers (monitor registry import)
    are already known to the analysts, so they are never news. Without `include_backfill`, backfill items (old
    reports a first run found) are left out: they stay pending, and go out once a recent report clears their
    mark or a digest asks for them."""
    marks = ",".join("?" * len(statuses))
    backfill = "" if include_backfill else "AND i.backfill = 0 "
    rows = store.db.execute(
        f"SELECT {_ITEM_COLUMNS} {_ITEM_FROM} WHERE i.status IN ({marks}) AND i.origin != 'imported' {backfill}"
        f"AND NOT EXISTS (SELECT 1 FROM digest_sent d "
        f"WHERE d.channel = ? AND d.kind = ? AND d.item_id = i.id AND d.center_key = i.center_key) "
        f"ORDER BY i.id", [*statuses, channel, kind]).fetchall()
    return [_digest_item(row) for row in rows]


def delivered(store: Store, channel: str, limit: int) -> list[tuple[str, DigestItem, str]]:
    """(kind, item, when) of the last `limit` deliveries on `channel`, newest first."""
    rows = store.db.execute(
        f"SELECT d.kind, d.at, {_ITEM_COLUMNS} {_ITEM_FROM} "
        f"JOIN digest_sent d ON d.item_id = i.id AND d.center_key = i.center_key WHERE d.channel = ? "
        f"ORDER BY d.at DESC LIMIT ?", [channel, limit]).fetchall()
    return [(row[0], _digest_item(row[2:]), row[1]) for row in rows]


def delivered_health(store: Store, channel: str) -> dict[str, list[str]]:
    """The {outlet: flags} that `channel` was last told."""
    row = store.db.execute("SELECT health FROM digest_channels WHERE channel = ?", [channel]).fetchone()
    return dict(json.loads(row[0])) if row else {}


def mark_delivered(store: Store, channel: str, sent: Iterable[tuple[str, DigestItem]],
                   health: dict[str, list[str]]) -> None:
    """Remember, in one transaction, that `channel` has received the (kind, item) pairs of `sent` and the
    outlet `health`; its failures in a row go back to 0."""
    stamp = now()
    rows = [(channel, kind, item.id, item.center_key, stamp) for kind, item in sent]
    with store.transaction():
        store.db.conn.executemany("INSERT OR REPLACE INTO digest_sent (channel, kind, item_id, center_key, at) "
                                  "VALUES (?, ?, ?, ?, ?)", rows)
        store.db.execute(
            "INSERT INTO digest_channels (channel, health, last_attempt, last_success, last_error, failures) "
            "VALUES (?, ?, ?, ?, NULL, 0) ON CONFLICT(channel) DO UPDATE SET health = excluded.health, "
            "last_attempt = excluded.last_attempt, last_success = excluded.last_success, last_error = NULL, "
            "failures = 0", [channel, json.dumps(health, ensure_ascii=False), stamp, stamp])


def mark_failed(store: Store, channel: str, error: str) -> None:
    """Remember a failed attempt (what the channel has received stays as it was)."""
    with store.transaction():
        store.db.execute(
            "INSERT INTO digest_channels (channel, last_attempt, last_error, failures) VALUES (?, ?, ?, 1) "
            "ON CONFLICT(channel) DO UPDATE SET last_attempt = excluded.last_attempt, "
            "last_error = excluded.last_error, failures = failures + 1", [channel, now(), error])
