"""sources: the outlets of feeds.toml as rows, and `monitor sources check` (each source fetched once).

A check says for every source whether it answers, what it is (rss, atom, html list page, html where a
feed was expected, or the source's kind), how many items it has, the day of its newest item (`newest`:
entries' dates, sitemap lastmod, listing dates, dates in article addresses; monitor.run.freshness) and
its flags: `broken` (it fails, or gives nothing to read), `blocked` (a JavaScript challenge, CAPTCHA or
login wall answered instead: reason "challenge" or "login"), `moved` (a permanent redirect) and `frozen`
(it answers, but its newest item is older than [health] frozen_days). With `update`, the result is
written into feeds.toml's `checked` key of the outlet (comments and order kept, via tomlkit).
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import tomlkit

from monitor.fetch.blocked import blocked_reason
from monitor.fetch.client import Fetcher
from monitor.fetch.encoding import decode_feed, decode_html
from monitor.models import Config, FeedEntry, FetchResult, SourceKind
from monitor.run.freshness import is_frozen, iso_day, newest_day
from monitor.run.sources import SourceJob, probe_source, source_jobs
from monitor.sources.feeds import looks_like_html, parse_feed, parse_list_page
from monitor.store.database import Store
from monitor.store.runs import SourceState, source_states

_LAST_RESULT = ("status", "items", "newest", "last_success", "failures", "error")  # of a source, from the store


@dataclass(frozen=True)
class SourceCheck:
    outlet: str
    url: str
    kind: SourceKind
    ok: bool
    status: int | None
    type: str
    items: int
    error: str | None
    newest: str | None = None  # the day of the newest item (YYYY-MM-DD), None when no item has one
    flags: tuple[str, ...] = ()  # broken, blocked, moved, frozen

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "flags": list(self.flags)}


@dataclass(frozen=True)
class _Read:
    """What a fetched source gave: its type, its items, and what was wrong with it."""

    type: str
    entries: tuple[FeedEntry, ...]
    error: str | None


def outlet_rows(config: Config, store: Store | None = None) -> list[dict[str, Any]]:
    """One row per source of the config, with the store's last result where there is one."""
    state = {s.url: s for s in source_states(store)} if store is not None else {}
    rows = []
    for job in source_jobs(config):
        found: SourceState | None = state.get(job.url)
        rows.append({"outlet": job.outlet.name, "level": job.outlet.level, "province": job.outlet.province,
                     "kind": job.kind, "url": job.url, "checked": job.outlet.checked,
                     **{key: getattr(found, key) if found else None for key in _LAST_RESULT}})
    return rows


def check_source(fetcher: Fetcher, job: SourceJob, frozen_days: int = 30,
                 today: dt.date | None = None) -> SourceCheck:
    """Fetch one source once and say what it is, how many items it has, its newest item's day and its flags."""
    today = today or dt.datetime.now(dt.UTC).date()
    if job.kind not in ("feed", "page"):  # sitemaps, listings, search sources: read as a run reads them
        source = probe_source(fetcher, job)
        read = _Read(job.kind if source.error is None else "-", source.entries, source.error)
        return _check(job, read, source.status, source.permanent_redirect, source.final_url, frozen_days, today)
    result = fetcher.fetch(job.url)
    read = _read(job, result) if result.ok else _Read("-", (), result.error)
    return _check(job, read, result.status, result.permanent_redirect, result.final_url, frozen_days, today)


def _read(job: SourceJob, result: FetchResult) -> _Read:
    if job.kind == "page":
        html = decode_html(result.content, result.content_type).text
        links = parse_list_page(html, result.final_url, job.links or ".")
        return _Read("html list page", links, None if links else "no article links match the pattern")
    text = decode_feed(result.content, result.content_type).text
    if looks_like_html(text):
        return _Read("html", (), "HTML page where a feed was expected")
    feed = parse_feed(text, result.final_url)
    return _Read(feed.kind, feed.entries, None if feed.entries else feed.error or "feed has no items")


def _check(job: SourceJob, read: _Read, status: int | None, permanent_redirect: bool, final_url: str,
           frozen_days: int, today: dt.date) -> SourceCheck:
    """The check of a source read: `blocked` or `broken` when it failed, `moved`, and `frozen` when it answers
    with old items only."""
    newest = newest_day(read.entries)
    flags = ("moved",) if permanent_redirect and final_url != job.url else ()
    if read.error is not None:
        flags = ("blocked" if blocked_reason(read.error) is not None else "broken", *flags)
    elif is_frozen(newest, frozen_days, today):
        flags = (*flags, "frozen")
    return SourceCheck(job.outlet.name, job.url, job.kind, read.error is None, status, read.type,
                       len(read.entries), read.error, iso_day(newest), flags)


def check_sources(config: Config, fetcher: Fetcher, today: dt.date | None = None,
                  frozen_days: int | None = None) -> list[SourceCheck]:
    """Every source once, concurrently (the fetcher keeps per-host politeness); `frozen` after `frozen_days`,
    by default the config's [health] frozen_days."""
    jobs = source_jobs(config)
    days = frozen_days if frozen_days is not None else config.health.frozen_days
    with cf.ThreadPoolExecutor(max_workers=max(1, config.fetch.workers)) as pool:
        return list(pool.map(lambda job: check_source(fetcher, job, days, today), jobs))


def checked_value(checks: list[SourceCheck], today: dt.date) -> str:
    """The `checked` value of one outlet: the date and how many of its sources answered."""
    good = sum(c.ok for c in checks)
    detail = ", ".join(_checked_detail(c) for c in checks)
    return f"{today.isoformat()}: {good}/{len(checks)} ok ({detail})"


def _checked_detail(check: SourceCheck) -> str:
    if not check.ok:
        return f"failed: {check.error}"
    notes = [f"newest {check.newest}"] if check.newest else []
    notes += [flag for flag in check.flags if flag != "broken"]
    return f"{check.type} {check.items}" + (f" ({', '.join(notes)})" if notes else "")


def update_checked(path: Path, checks: list[SourceCheck], today: dt.date | None = None) -> int:
    """Write each outlet's check result into feeds.toml's `checked` key. Returns outlets updated."""
    doc = tomlkit.parse(path.read_text("utf-8"))
    by_outlet: dict[str, list[SourceCheck]] = {}
    for check in checks:
        by_outlet.setdefault(check.outlet, []).append(check)
    updated = 0
    for outlet in doc.get("outlets", []):
        results = by_outlet.get(str(outlet.get("name")))
        if results:
            outlet["checked"] = checked_value(results, today or dt.date.today())
            updated += 1
    path.write_text(tomlkit.dumps(doc), "utf-8")
    return updated
