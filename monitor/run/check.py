"""sources: the outlets of feeds.toml as rows, and `monitor sources check` (each source fetched once).

A check says for every feed or list page whether it answers, what it is (rss, atom, html list
page, or html where a feed was expected) and how many items it has. With `update`, the result is
written into feeds.toml's `checked` key of the outlet (comments and order kept, via tomlkit).
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import tomlkit

from monitor.fetch.client import Fetcher
from monitor.fetch.encoding import decode_feed, decode_html
from monitor.models import Config
from monitor.run.sources import SourceJob, source_jobs
from monitor.sources.feeds import looks_like_html, parse_feed, parse_list_page
from monitor.store.database import Store
from monitor.store.runs import SourceState, source_states

_LAST_RESULT = ("status", "items", "last_success", "failures", "error")  # of a source, from the store


@dataclass(frozen=True)
class SourceCheck:
    outlet: str
    url: str
    kind: str
    ok: bool
    status: int | None
    type: str
    items: int
    error: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


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


def check_source(fetcher: Fetcher, job: SourceJob) -> SourceCheck:
    result = fetcher.fetch(job.url)
    if not result.ok:
        return SourceCheck(job.outlet.name, job.url, job.kind, False, result.status, "-", 0, result.error)
    if job.kind == "page":
        html = decode_html(result.content, result.content_type).text
        links = parse_list_page(html, result.final_url, job.links or ".")
        error = None if links else "no article links match the pattern"
        return SourceCheck(job.outlet.name, job.url, job.kind, bool(links), result.status, "html list page",
                           len(links), error)
    text = decode_feed(result.content, result.content_type).text
    if looks_like_html(text):
        return SourceCheck(job.outlet.name, job.url, job.kind, False, result.status, "html", 0,
                           "HTML page where a feed was expected")
    feed = parse_feed(text, result.final_url)
    ok = bool(feed.entries)
    return SourceCheck(job.outlet.name, job.url, job.kind, ok, result.status, feed.kind, len(feed.entries),
                       feed.error if not ok else None)


def check_sources(config: Config, fetcher: Fetcher) -> list[SourceCheck]:
    """Every source once, concurrently (the fetcher keeps per-host politeness)."""
    jobs = source_jobs(config)
    with cf.ThreadPoolExecutor(max_workers=max(1, config.fetch.workers)) as pool:
        return list(pool.map(lambda job: check_source(fetcher, job), jobs))


def checked_value(checks: list[SourceCheck], today: dt.date) -> str:
    """The `checked` value of one outlet: the date and how many of its sources answered."""
    good = sum(c.ok for c in checks)
    detail = ", ".join(f"{c.type} {c.items}" if c.ok else f"failed: {c.error}" for c in checks)
    return f"{today.isoformat()}: {good}/{len(checks)} ok ({detail})"


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
