"""trends: how often a lexicon term appears in stored articles, per ISO week, by province or outlet.

Counts come from the `hits` table (the lexicon's matches, kept per article) joined with `articles`.
An article counts in the ISO week of its publication date; one without a publication date counts
in the week it was fetched. `articles` is the number of articles with at least one hit, `hits` the
number of occurrences. A term given in traditional script or full width is folded first; a
canonical term counts every variant of it, a variant counts only itself.

Without a grouping the weeks from the first to the last are all listed (zero weeks included), so
the rows are a time series; grouped by province or outlet only weeks with hits are listed.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from monitor.errors import MonitorError, NotFoundError
from monitor.match.hits import CENTER
from monitor.normalize import fold_width, to_simplified
from monitor.store import counts
from monitor.store.database import Store

log = logging.getLogger(__name__)

Grouping = Literal["province", "outlet"]
GROUPINGS: tuple[str, ...] = ("province", "outlet")

@dataclass(frozen=True)
class TrendRow:
    """Hits of a term in one ISO week (and one province or outlet when grouped)."""

    week: str
    week_start: str
    group: str | None
    articles: int
    hits: int

    def to_dict(self, by: str | None = None) -> dict[str, Any]:
        row: dict[str, Any] = {"week": self.week, "week_start": self.week_start}
        if by:
            row[by] = self.group
        row.update(articles=self.articles, hits=self.hits)
        return row


def iso_week(day: dt.date) -> str:
    """'2025-W13' for any day of that ISO week."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_start(week: str) -> dt.date:
    """The Monday of an ISO week written as '2025-W13'."""
    year, number = week.split("-W")
    return dt.date.fromisocalendar(int(year), int(number), 1)


def term_trend(store: Store, term: str, by: str | None = None, since: dt.date | None = None) -> list[TrendRow]:
    """Weekly articles and hits of `term`, optionally by province or outlet, from `since` on.

    Raises NotFoundError when no stored article has a hit for the term.
    """
    if by is not None and by not in GROUPINGS:
        raise MonitorError(f"--by {by!r}: choose one of {', '.join(GROUPINGS)}")
    wanted = to_simplified(fold_width(term.strip()))
    rows = counts.term_hits(store, wanted)
    if not rows:
        raise NotFoundError(_no_hits_message(store, wanted))
    weekly = _count(rows, by, since)
    if by is None:
        _fill_gaps(weekly)
    return [TrendRow(week, week_start(week).isoformat(), group, articles, hits)
            for (week, group), (articles, hits) in sorted(weekly.items(), key=_order)]


def _order(entry: tuple[tuple[str, str | None], tuple[int, int]]) -> tuple[str, int, str]:
    (week, group), (articles, _) = entry
    return week, -articles, group or ""


def _count(rows: Iterable[counts.ArticleHits], by: str | None,
           since: dt.date | None) -> dict[tuple[str, str | None], tuple[int, int]]:
    weekly: dict[tuple[str, str | None], tuple[int, int]] = {}
    for row in rows:
        day = _day(row.day)
        if day is None or (since is not None and day < since):
            continue
        group = row.province if by == "province" else row.outlet if by == "outlet" else None
        key = (iso_week(day), group)
        articles, total = weekly.get(key, (0, 0))
        weekly[key] = (articles + 1, total + row.hits)
    return weekly


def _day(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text)[:10])
    except ValueError:
        log.info("article date %r is not YYYY-MM-DD; left out of the trend", text)
        return None


def _fill_gaps(weekly: dict[tuple[str, str | None], tuple[int, int]]) -> None:
    for week in week_range([week for week, _ in weekly]):
        weekly.setdefault((week, None), (0, 0))


def week_range(weeks: Iterable[str]) -> list[str]:
    """Every ISO week from the earliest to the latest of `weeks` (empty for none)."""
    known = sorted(set(weeks))
    if not known:
        return []
    day, last = week_start(known[0]), week_start(known[-1])
    result = []
    while day <= last:
        result.append(iso_week(day))
        day += dt.timedelta(days=7)
    return result


def _no_hits_message(store: Store, wanted: str) -> str:
    known = counts.terms_by_hits(store, limit=8)
    hint = f"terms with hits: {', '.join(known)}" if known else "the database has no hits yet: run `monitor run`"
    return (f"no stored article has a hit for {wanted!r} ({hint}); a term not in the lexicon has no hits: "
            f"try `monitor lexicon test {wanted}`")


def center_terms(store: Store) -> list[str]:
    """The lexicon's center terms (category 'center') that have hits, most hits first."""
    return counts.terms_by_hits(store, CENTER)


def totals(rows: Iterable[TrendRow]) -> Counter[str]:
    """Articles per group (province or outlet) over all weeks of grouped rows."""
    counter: Counter[str] = Counter()
    for row in rows:
        counter[row.group or ""] += row.articles
    return counter
