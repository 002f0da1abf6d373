"""health: how each outlet has been doing, from the store alone (no network).

Per outlet: its last success, its consecutive failures, the new articles per day over the last
`days` days, the day of the newest item its sources carried when a run last read them (`newest`), each
source's own newest day and flags (`by_source`), and flags:

- `broken`: a source of the outlet failed its last `broken_after` attempts, or its last attempt found
  something that will not fix itself (HTML where a feed was expected, a feed or list page without
  items, an unreadable feed);
- `quiet`: the outlet answers but has had no new article for `quiet_days` days, although it published
  at least `min_history` articles in the `history_days` days before;
- `moved`: a source answers through a permanent redirect (feeds.toml should name the new address);
- `frozen`: a source answers, but the newest item it carries is older than `frozen_days` ([health] of
  feeds.toml, default 30): a feed that still answers 200 with valid XML but stopped being updated years ago
  (quiet is about the articles the monitor stored; frozen is about the dates the source itself shows);
- `blocked`: a source's last attempt met a JavaScript challenge, a CAPTCHA or a login wall (reason
  "challenge" or "login", recognised by monitor.fetch.blocked) instead of its content: not broken (it is
  not retried as a server failure), but unreadable from here.

`flag_changes` compares two {outlet: flags} snapshots: the digest uses it to tell which outlets turned
broken, quiet, moved, frozen or blocked since it last reported, and which recovered.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from monitor.fetch.blocked import blocked_reason
from monitor.models import Config, HealthLimits
from monitor.sources.feeds import HTML_ERROR
from monitor.store import counts
from monitor.store.database import Store
from monitor.store.runs import SourceState, source_states

log = logging.getLogger(__name__)

FLAGS = ("broken", "quiet", "moved", "frozen", "blocked")
_LASTING_ERRORS = (HTML_ERROR, "feed has no items", "no article links matched", "malformed feed", "not a feed")
_SPARKS = " ▁▂▃▄▅▆▇█"


@dataclass(frozen=True)
class HealthSettings:
    days: int = 14
    quiet_days: int = 7
    history_days: int = 60
    min_history: int = 3
    broken_after: int = 2
    frozen_days: int = HealthLimits.frozen_days

    @classmethod
    def of(cls, config: Config | None, **options: int | None) -> HealthSettings:
        """The settings of `options` (those given), with `frozen_days` from the config's [health] table
        unless an option gives it."""
        given = {key: value for key, value in options.items() if value is not None}
        if config is not None:
            given.setdefault("frozen_days", config.health.frozen_days)
        return cls(**given)


@dataclass(frozen=True)
class SourceHealth:
    """One source of an outlet as the last run left it: the day of its newest item and its own flags."""

    url: str
    kind: str
    newest: str | None
    flags: tuple[str, ...]
    error: str | None

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "flags": list(self.flags)}


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
    newest: str | None = None  # the newest item's day over the outlet's sources
    by_source: tuple[SourceHealth, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["per_day"] = list(self.per_day)
        data["flags"] = list(self.flags)
        data["problems"] = list(self.problems)
        data["by_source"] = [source.to_dict() for source in self.by_source]
        return data

    def row(self) -> dict[str, Any]:
        """The table row for people: the per-day counts as a sparkline with their total."""
        return {**self.to_dict(), "new per day": f"{sparkline(self.per_day)} {sum(self.per_day)}",
                "flags": ", ".join(self.flags), "problems": "; ".join(self.problems)}


def outlet_health(store: Store, config: Config | None = None, settings: HealthSettings | None = None,
                  today: dt.date | None = None) -> list[OutletHealth]:
    """Every outlet's health: those of `config` (in its order) or, without one, those the store knows."""
    settings = settings or HealthSettings.of(config)
    today = today or dt.datetime.now(dt.UTC).date()
    sources = source_states(store)
    if config is not None:  # a source dropped from feeds.toml no longer counts
        addresses = set(_addresses(config))
        templates = tuple(a.split("{query}", 1)[0] for a in addresses if "{query}" in a)  # search sources
        sources = [s for s in sources if s.url in addresses or s.url.startswith(templates)]
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
                    history.get(name, 0) if name in quiet else None, quiet_start, settings, today)
            for name in names]


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
            quiet_start: dt.date, settings: HealthSettings, today: dt.date) -> OutletHealth:
    """One outlet's row; `quiet_history` is its earlier article count when it has gone quiet, else None."""
    last_success = max((s.last_success for s in sources if s.last_success), default=None)
    answered = last_success is not None and last_success[:10] >= quiet_start.isoformat()
    by_source = tuple(_source_health(s, settings, today) for s in sources)
    found = {
        "broken": [f"{s.url}: {s.error} ({s.failures} failed attempts in a row)"
                   for s in sources if _is_broken(s, settings)],
        "quiet": [f"no new article for {settings.quiet_days} days though it answers (had {quiet_history} "
                  f"in the {settings.history_days} days before)"] if quiet_history is not None and answered else [],
        "moved": [f"{s.url} moved permanently to {s.final_url}; update feeds.toml"
                  for s in sources if s.permanent_redirect and s.final_url and s.final_url != s.url],
        "frozen": [f"{s.url}: answers, but its newest item is of {s.newest} (over {settings.frozen_days} days "
                   "old); keep it only while nothing better exists" for s in sources if _is_frozen(s, settings, today)],
        "blocked": [f"{s.url}: {s.error} (not its content; it may answer from another network or with a browser)"
                    for s in sources if _is_blocked(s)],
    }
    return OutletHealth(name, len(sources), last_success,
                        max((s.last_attempt for s in sources if s.last_attempt), default=None),
                        max((s.failures for s in sources), default=0), per_day,
                        tuple(flag for flag in FLAGS if found[flag]), tuple(p for flag in FLAGS for p in found[flag]),
                        max((s.newest for s in sources if s.newest), default=None), by_source)


def _source_health(source: SourceState, settings: HealthSettings, today: dt.date) -> SourceHealth:
    checks = {"broken": _is_broken(source, settings), "moved": source.permanent_redirect and
              bool(source.final_url) and source.final_url != source.url,
              "frozen": _is_frozen(source, settings, today), "blocked": _is_blocked(source)}
    return SourceHealth(source.url, source.kind, source.newest, tuple(f for f in FLAGS if checks.get(f)),
                        source.error)


def _is_broken(source: SourceState, settings: HealthSettings) -> bool:
    if not source.error or source.failures == 0 or _is_blocked(source):
        return False
    lasting = any(marker in source.error for marker in _LASTING_ERRORS)
    return lasting or source.failures >= settings.broken_after


def _is_frozen(source: SourceState, settings: HealthSettings, today: dt.date) -> bool:
    """It answered at its last attempt, and its newest item is older than the limit."""
    if source.status != "ok" or not source.newest:
        return False
    return (today - dt.date.fromisoformat(source.newest[:10])).days > settings.frozen_days


def _is_blocked(source: SourceState) -> bool:
    """Its last attempt met a challenge or login page ("blocked (challenge): …" recorded as its error)."""
    return source.status != "ok" and blocked_reason(source.error) is not None


def _addresses(config: Config) -> Iterator[str]:
    """Every source address of the config, of whatever kind: feed and sitemap addresses, and the `url` of each
    list page, listing or search source (a search source's address has `{query}` in it)."""
    for outlet in config.outlets:
        for spec in fields(outlet):
            value = getattr(outlet, spec.name)
            if isinstance(value, tuple):
                for source in value:
                    address = source if isinstance(source, str) else getattr(source, "url", None)
                    if isinstance(address, str):
                        yield address
