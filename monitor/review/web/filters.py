"""filters: what the queue page shows, read from its query string — status, province, level, a date range
and the order — and the items before and after one in that order."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from monitor.models import PLACE_LEVELS
from monitor.store.database import Store
from monitor.store.queue import QueueItem, list_items

SORTS = ("confidence", "date")
_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


@dataclass(frozen=True)
class QueueFilter:
    """What the queue page shows: status ("" for all), province, level, a date range, the order."""

    status: str = "new"
    province: str = ""
    level: str = ""
    date_from: str = ""
    date_to: str = ""
    sort: str = "confidence"

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> QueueFilter:
        """The filter of a query string; values that make no sense are dropped, never an error."""
        def date(key: str) -> str:
            value = query.get(key, "").strip()
            return value if _DATE.fullmatch(value) else ""

        return cls(status=query.get("status", "new").strip()[:20], province=query.get("province", "").strip()[:40],
                   level=query.get("level", "") if query.get("level", "") in PLACE_LEVELS else "",
                   date_from=date("from"), date_to=date("to"),
                   sort=query.get("sort", "") if query.get("sort", "") in SORTS else "confidence")

    def pairs(self) -> list[tuple[str, str]]:
        """The query parameters giving back this filter (none for the default one)."""
        pairs = {"status": self.status, "province": self.province, "level": self.level,
                 "from": self.date_from, "to": self.date_to, "sort": self.sort}
        defaults = {"status": "new", "sort": "confidence"}
        return [(k, v) for k, v in pairs.items() if v != defaults.get(k, "")]

    def query(self) -> str:
        """The query string giving back this filter ("" for the default one)."""
        return urlencode(self.pairs())

    def apply(self, items: Sequence[QueueItem]) -> list[QueueItem]:
        """The items this filter keeps, in its order; backfill items (old reports a first run found) after the
        others."""
        kept = [i for i in items if self._keeps(i)]
        if self.sort == "date":
            by_date = sorted(kept, key=lambda i: (i.date is not None, i.date or "", i.confidence), reverse=True)
            return sorted(by_date, key=lambda i: i.backfill)  # stable: by date within each group
        return sorted(kept, key=lambda i: (i.backfill, -i.confidence, i.id))

    def _keeps(self, item: QueueItem) -> bool:
        if (self.status and item.status != self.status) or (self.province and item.province != self.province):
            return False
        if self.level and item.level != self.level:
            return False
        if not (self.date_from or self.date_to):
            return True
        if item.date is None:
            return False
        low, high = _date_bounds(item.date)
        return (not self.date_from or high >= _date_bounds(self.date_from)[0]) and (
            not self.date_to or low <= _date_bounds(self.date_to)[1])


def _date_bounds(date: str) -> tuple[str, str]:
    """"2025-03" covers 2025-03-00 … 2025-03-99 (string bounds that compare right)."""
    return (date + "-00-00")[:10], (date + "-99-99")[:10]


def listed(store: Store, filt: QueueFilter) -> list[QueueItem]:
    """Every item the filter may keep (merged ones only when it asks for them)."""
    return list_items(store, "merged") if filt.status == "merged" else list_items(store)


def neighbours(ids: Sequence[int], item_id: int) -> tuple[int | None, int | None]:
    """The ids before and after `item_id` in `ids` (the first one as next if it is not there)."""
    if item_id not in ids:
        return None, (ids[0] if ids else None)
    at = ids.index(item_id)
    return (ids[at - 1] if at > 0 else None), (ids[at + 1] if at + 1 < len(ids) else None)
