"""End to end over the dev set: its records served as outlets (tools.evaluation.outlets), a real `monitor run`
into a temporary database, and the queue it fills scored against the gold launches.

    python -m tools.evaluation --devset-e2e ../shared/realworld/icc-dev/articles.jsonl --out eval-icc-dev-e2e.json

What is scored, per center of the gold set (its launches grouped by name: one contains the other, same
province): whether an item of the queue is that center's (queued), how many more items it has (duplicates:
one item per center is the target), and on its first item the date (as the dev set's scorer judges it) and
the partners. An item that is no gold launch is counted as such, unless it is another annotated event
(a branch, a research center, an optional retrospective launch). Late items (known from late copies only)
are listed.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from monitor.events.keys import center_name_key
from tools.evaluation.devscore import PartnerTally, date_right, partner_tally
from tools.evaluation.devset import DevEvent, DevRecord
from tools.evaluation.matching import GENERIC_CENTERS, names_overlap, normalize_name
from tools.evaluation.outlets import build_site, serve_site, write_config
from tools.evaluation.records import EvaluationError

RUN_TIMEOUT = 900.0
_LATIN_IN_BRACKETS = re.compile(r"[（(][^（()）]*[A-Za-z][^（()）]*[)）]")
TARGET_QUEUED = 0.95
TARGET_NOT_LAUNCH = 1


@dataclass(frozen=True)
class QueuedItem:
    """A queue item as `monitor queue list --format json` gives it, with the dev records it cites."""

    id: int
    type: str
    center: str
    province: str | None
    date: str | None
    partners: tuple[str, ...]
    late: bool
    records: tuple[str, ...]


@dataclass
class GoldCenter:
    """One center of the gold set: its launch events (one a record that reports it) and their records."""

    names: list[str]
    province: str | None
    events: list[DevEvent] = field(default_factory=list)
    records: list[str] = field(default_factory=list)

    def matches(self, item: QueuedItem) -> bool:
        if normalize_name(item.center) in GENERIC_CENTERS:
            return False
        named = any(names_overlap(item.center, name) or names_overlap(_key(item.center), _key(name))
                    for name in self.names)
        return named or (item.province == self.province and bool(set(item.records) & set(self.records))
                         and any(names_overlap(item.center, e.place) for e in self.events if e.place))


def _key(name: str) -> str:
    """A center's name as the monitor keys it, without a Latin brand in brackets: 开封市国际传播中心 and
    开封国际传播中心 are one center, and so are 瓯·嗨(Ou·Hi)国际传播中心 and 瓯·嗨国际传播中心."""
    return center_name_key(normalize_name(_LATIN_IN_BRACKETS.sub("", name)))


def gold_centers(records: Sequence[DevRecord]) -> list[GoldCenter]:
    """The launches of the dev set grouped by center, in the order they first appear."""
    centers: list[GoldCenter] = []
    for record in records:
        for event in record.launches():
            same = next((c for c in centers if c.province == event.province
                         and any(names_overlap(event.center, n) for n in c.names)), None)
            if same is None:
                same = GoldCenter([], event.province)
                centers.append(same)
            same.names.append(event.center)
            same.events.append(event)
            same.records.append(record.id)
    return centers


def _other_events(records: Sequence[DevRecord]) -> list[tuple[str, DevEvent]]:
    """Annotated events that are no launch to find but not wrong to queue: branches, research centers,
    optional (retrospective) launches."""
    return [(r.id, e) for r in records for e in (*r.gold, *r.optional) if e.type != "launch" or e in r.optional]


@dataclass(frozen=True)
class CenterResult:
    center: str
    items: tuple[int, ...]
    date: bool | None
    partners: PartnerTally
    late: bool

    def to_dict(self) -> dict[str, Any]:
        return {"center": self.center, "items": list(self.items), "date_right": self.date,
                "partners": self.partners.to_dict(), "late": self.late}


@dataclass(frozen=True)
class EndToEndReport:
    """What the queue holds after one `monitor run` over the served dev set."""

    pages: int
    outlets: int
    centers: tuple[CenterResult, ...]
    not_launch: tuple[QueuedItem, ...]
    other_events: tuple[QueuedItem, ...]
    late_items: tuple[QueuedItem, ...]
    run_exit: int = 0

    @property
    def queued(self) -> int:
        return sum(bool(c.items) for c in self.centers)

    @property
    def duplicates(self) -> int:
        return sum(max(0, len(c.items) - 1) for c in self.centers)

    @property
    def queued_share(self) -> float:
        return self.queued / max(1, len(self.centers))

    @property
    def dates(self) -> tuple[int, int]:
        judged = [c.date for c in self.centers if c.date is not None]
        return sum(judged), len(judged)

    @property
    def partners(self) -> PartnerTally:
        return sum((c.partners for c in self.centers if c.items), PartnerTally())

    @property
    def met(self) -> bool:
        """The issue's target: >= 95% of the launches queued, one item each, at most one item no launch."""
        return (self.queued_share >= TARGET_QUEUED and self.duplicates == 0
                and len(self.not_launch) <= TARGET_NOT_LAUNCH)

    def to_dict(self) -> dict[str, Any]:
        right, judged = self.dates
        return {
            "pages": self.pages, "outlets": self.outlets, "run_exit": self.run_exit,
            "launch_centers": len(self.centers), "queued": self.queued, "queued_share": round(self.queued_share, 4),
            "duplicates": self.duplicates, "not_launch_items": len(self.not_launch),
            "other_event_items": len(self.other_events), "late_items": len(self.late_items),
            "date": {"right": right, "judged": judged, "share": round(right / max(1, judged), 4)},
            "partners": self.partners.to_dict(), "target_met": self.met,
            "centers": [c.to_dict() for c in self.centers],
            "not_launch": [_item_dict(i) for i in self.not_launch],
            "other_events": [_item_dict(i) for i in self.other_events],
            "late": [_item_dict(i) for i in self.late_items],
        }


def _item_dict(item: QueuedItem) -> dict[str, Any]:
    return {"id": item.id, "type": item.type, "center": item.center, "province": item.province,
            "date": item.date, "late": item.late, "records": list(item.records)}


def score_queue(records: Sequence[DevRecord], items: Sequence[QueuedItem], outlets: int = 0,
                run_exit: int = 0) -> EndToEndReport:
    """Score the queue's items against the dev set's launches (see the module's doc)."""
    centers = gold_centers(records)
    others = _other_events(records)
    claimed: dict[int, list[QueuedItem]] = {i: [] for i in range(len(centers))}
    not_launch: list[QueuedItem] = []
    other: list[QueuedItem] = []
    for item in sorted(items, key=lambda i: i.id):
        index = next((n for n, c in enumerate(centers) if c.matches(item)), None)
        if index is not None:
            claimed[index].append(item)
        elif any(names_overlap(item.center, e.center) for _, e in others):
            other.append(item)
        else:
            not_launch.append(item)
    results = tuple(_center_result(c, claimed[n]) for n, c in enumerate(centers))
    return EndToEndReport(len(records), outlets, results, tuple(not_launch), tuple(other),
                          tuple(i for i in items if i.late), run_exit)


def _center_result(center: GoldCenter, items: list[QueuedItem]) -> CenterResult:
    if not items:
        return CenterResult(center.names[0], (), None, PartnerTally(), False)
    first = items[0]
    dated = [e for e in center.events if e.dated]
    date = any(date_right(e, first.date) for e in dated) if dated else None
    owed = list(dict.fromkeys(p for e in center.events for p in e.partners))
    optional = list(dict.fromkeys(p for e in center.events for p in e.partners_optional))
    return CenterResult(center.names[0], tuple(i.id for i in items), date,
                        partner_tally(first.partners, owed, optional), first.late)


# -- running it ------------------------------------------------------------------------------------


def run_end_to_end(records: Sequence[DevRecord], timeout: float = RUN_TIMEOUT,
                   monitor: Sequence[str] = (sys.executable, "-m", "monitor")) -> EndToEndReport:
    """Serve the records as outlets, run `monitor run` into a temporary database, score its queue."""
    site = build_site(records)
    with tempfile.TemporaryDirectory(prefix="monitor-e2e-") as tmp, serve_site(site) as base:
        folder = Path(tmp)
        config, db = write_config(site, base, folder), folder / "e2e.db"
        command = [*monitor, "run", "--config", str(config), "--db", str(db), "--quiet",
                   "--log-dir", str(folder / "logs")]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise EvaluationError(f"`monitor run` did not finish within {timeout:.0f} s") from exc
        if done.returncode not in (0, 4):
            raise EvaluationError(f"`monitor run` failed with exit code {done.returncode}: "
                                  f"{done.stderr.strip()[-2000:] or '(nothing on stderr)'}")
        items = queued_items(db, lambda url: site.record_of(url, base))
    return score_queue(records, items, site.outlets, done.returncode)


def queued_items(db: Path, record_of: Any) -> list[QueuedItem]:
    """The queue of the database (every item but merged ones), each with the records its mentions cite."""
    from monitor.store import open_store
    from monitor.store.queue import list_items, mentions

    found: list[QueuedItem] = []
    with open_store(db) as store:
        for item in list_items(store):
            cited = tuple(dict.fromkeys(r for m in mentions(store, item.id) if (r := record_of(m.url)) is not None))
            found.append(QueuedItem(item.id, item.type, item.center, item.province, item.date,
                                    tuple(item.partners), item.late, cited))
    return found


def format_end_to_end(report: EndToEndReport, errors: int = 40) -> str:
    """The summary for the terminal: the figures, the target, then the centers missed or duplicated and the
    items that are no launch."""
    right, judged = report.dates
    p = report.partners
    lines = [f"End to end: `monitor run` over {report.pages} pages served as {report.outlets} outlets",
             "",
             f"  launches queued   {report.queued}/{len(report.centers)} centers ({report.queued_share:.1%})",
             f"  duplicates        {report.duplicates} (items beyond one per center)",
             f"  not a launch      {len(report.not_launch)} items "
             f"({len(report.other_events)} more are other annotated events)",
             f"  date              {right}/{judged} right on the queued centers",
             f"  partners          precision {p.precision:.1%}, recall {p.recall:.1%}",
             f"  late              {len(report.late_items)} items known from late copies only",
             f"  target            {'met' if report.met else 'NOT met'} (>= {TARGET_QUEUED:.0%} queued, one item "
             f"each, at most {TARGET_NOT_LAUNCH} item that is no launch)"]
    problems = [f"  missed      {c.center}" for c in report.centers if not c.items]
    problems += [f"  duplicate   {c.center}: items {', '.join(map(str, c.items))}" for c in report.centers
                 if len(c.items) > 1]
    problems += [f"  wrong date  {c.center}" for c in report.centers if c.date is False]
    problems += [f"  no launch   item {i.id} {i.center} ({', '.join(i.records) or 'no record'})"
                 for i in report.not_launch]
    if problems and errors:
        lines += ["", f"Problems: {len(problems)} (first {min(errors, len(problems))} shown)", *problems[:errors]]
    return "\n".join(lines) + "\n"
