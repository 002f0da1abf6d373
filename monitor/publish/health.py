"""health: how each outlet has been doing, from the store alone (no network).

Per outlet: its last success, its consecutive failures, the new articles per day over the last
`days` days, and flags:

- `broken`: a source of the outlet failed its last `broken_after` attempts, or its last attempt found
  something that will not fix itself (HTML where a feed was expected, a feed or list page without
  items, an unreadable feed);
- `quiet`: the outlet answers but has had no new article for `quiet_days` days, although it published
  at least `min_history` articles in the `history_days` days before;
- `moved`: a source answers through a permanent redirect (feeds.toml should name the new address).

`flag_changes` compares two {outlet: flags} snapshots: the digest uses it to tell which outlets turned
broken, quiet or moved since it last reported, and which recovered.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from monitor.models import Config
from monitor.sources.feeds import HTML_ERROR
from monitor.store import counts
from monitor.store.database import Store
from monitor.store.runs import SourceState, source_states

log = logging.getLogger(__name__)

FLAGS = ("broken", "quiet", "moved")
_LASTING_ERRORS = (HTML_ERROR, "feed has no items", "no article links matched", "malformed feed", "not a feed")
_SPARKS = " ▁▂▃▄▅▆▇█"


@dataclass(frozen=True)
class HealthSettings:
    days: int = 14
    quiet_days: int = 7
    history_days: int = 60
    min_history: int = 3
    broken_after: int = 2


@dataclass(frozen=True)
class OutletHealth:
    outlet: str
    sources: int
    last_success: str | None
    last_attempt: str | None
    consecutive_failures: int
    per_day: tuple[int, ...]  # new articles per day, oldest first, today last
    flags: tuple[str, ...]
    problems: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["per_day"] = list(self.per_day)
        data["flags"] = list(self.flags)
        data["problems"] = list(self.problems)
        return data

    def row(self) -> dict[str, Any]:
        """The table row for people: the per-day counts as a sparkline with their total."""
        return {**self.to_dict(), "new per day": f"{sparkline(self.per_day)} {sum(self.per_day)}",
                "flags": ", ".join(self.flags), "problems": "; ".join(self.problems)}


def outlet_health(store: Store, config: Config | None = None, settings: HealthSettings | None = None,
                  today: dt.date | None = None) -> list[OutletHealth]:
    """Every outlet's health: those of `config` (in its order) or, without one, those the store knows."""
    settings = settings or HealthSettings()
    today = today or dt.datetime.now(dt.UTC).date()
    sources = source_states(store)
    if config is not None:  # a source dropped from feeds.toml no longer counts
        wanted = {url for o in config.outlets for url in (*o.feeds, *(p.url for p in o.pages))}
        sources = [s for s in sources if s.url in wanted]
    names = [o.name for o in config.outlets] if config else sorted({s.outlet for s in sources})
    by_outlet: dict[str, list[SourceState]] = defaultdict(list)
    for source in sources:
        by_outlet[source.outlet].append(source)
    days = _per_day(store, today, settings.days)
    quiet_start = today - dt.timedelta(days=settings.quiet_days - 1)
    recent = counts.new_articles(store, quiet_start, today + dt.timedelta(days=1))
    history = counts.new_articles(store, quiet_start - dt.timedelta(days=settings.history_days), quiet_start)
    quiet = {name for name, count in history.items() if count >= settings.min_history and not recent.get(name)}
    return [_health(name, by_outlet.get(name, []), days.get(name, (0,) * settings.days),
                    history.get(name, 0) if name in quiet else None, quiet_start, settings) for name in names]


def snapshot(healths: list[OutletHealth]) -> dict[str, list[str]]:
    """{outlet: flags} of the flagged outlets, for comparing later."""
    return {h.outlet: list(h.flags) for h in healths if h.flags}


def flag_changes(before: dict[str, list[str]], after: dict[str, list[str]]) -> list[dict[str, Any]]:
    """Outlets whose flags changed: {"outlet", "turned": [flags raised], "recovered": [flags dropped]}."""
    changes = []
    for outlet in sorted(set(before) | set(after)):
        turned = [f for f in after.get(outlet, []) if f not in before.get(outlet, [])]
        recovered = [f for f in before.get(outlet, []) if f not in after.get(outlet, [])]
        if turned or recovered:
            changes.append({"outlet": outlet, "turned": turned, "recovered": recovered})
    return changes


def sparkline(values: tuple[int, ...]) -> str:
    top = max(values, default=0)
    if top == 0:
        return "·" * len(values)
    return "".join("·" if v == 0 else _SPARKS[max(1, round(v / top * (len(_SPARKS) - 1)))] for v in values)


def _per_day(store: Store, today: dt.date, days: int) -> dict[str, tuple[int, ...]]:
    first = today - dt.timedelta(days=days - 1)
    per_day: dict[str, list[int]] = defaultdict(lambda: [0] * days)
    for outlet, day, count in counts.new_articles_per_day(store, first):
        index = (dt.date.fromisoformat(day) - first).days
        if 0 <= index < days:
            per_day[outlet][index] += count
    return {outlet: tuple(values) for outlet, values in per_day.items()}


def _health(name: str, sources: list[SourceState], per_day: tuple[int, ...], quiet_history: int | None,
            quiet_start: dt.date, settings: HealthSettings) -> OutletHealth:
    """One outlet's row; `quiet_history` is its earlier article count when it has gone quiet, else None."""
    last_success = max((s.last_success for s in sources if s.last_success), default=None)
    answered = last_success is not None and last_success[:10] >= quiet_start.isoformat()
    found = {
        "broken": [f"{s.url}: {s.error} ({s.failures} failed attempts in a row)"
                   for s in sources if _is_broken(s, settings)],
        "quiet": [f"no new article for {settings.quiet_days} days though it answers (had {quiet_history} "
                  f"in the {settings.history_days} days before)"] if quiet_history is not None and answered else [],
        "moved": [f"{s.url} moved permanently to {s.final_url}; update feeds.toml"
                  for s in sources if s.permanent_redirect and s.final_url and s.final_url != s.url],
    }
    return OutletHealth(name, len(sources), last_success,
                        max((s.last_attempt for s in sources if s.last_attempt), default=None),
                        max((s.failures for s in sources), default=0), per_day,
                        tuple(flag for flag in FLAGS if found[flag]), tuple(p for flag in FLAGS for p in found[flag]))


def _is_broken(source: SourceState, settings: HealthSettings) -> bool:
    if not source.error or source.failures == 0:
        return False
    lasting = any(marker in source.error for marker in _LASTING_ERRORS)
    return lasting or source.failures >= settings.broken_after
