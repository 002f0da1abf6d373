"""report: one self-contained HTML file with the charts of the launches, the registry and term trends.

Nothing in the file needs the network: styles are inline and the charts are PNG images embedded as
data: URIs (`write_report` can also write them as files). Every text from the store is escaped.

What is counted: the registry is the confirmed centers. Items nobody has reviewed yet ('new') are
also charted by default, stacked in a lighter colour on top of the confirmed ones, and listed in a
table of their own ("awaiting review"), so that a fresh database already shows its launches;
`include_new=False` keeps charts and tables to confirmed centers (for publishing). Rejected items
never appear. The charts count centers (type 'launch'); overseas branches of existing centers are
listed in the tables only. Dates with a year only, or none, are left out of the chart by month
(its caption says how many).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
from base64 import b64encode
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from monitor.errors import MonitorError, NotFoundError
from monitor.models import PLACE_LEVELS
from monitor.publish import pages
from monitor.publish.charts import Bar, Chart, Series, bar_chart, column_chart, find_cjk_font, line_chart
from monitor.publish.trends import center_terms, term_trend, totals, week_range
from monitor.store import counts
from monitor.store.database import Store
from monitor.store.queue import QueueItem, list_items, mentions

log = logging.getLogger(__name__)

AUTO = "auto"
TOP_PARTNERS = 15
MAX_TREND_TERMS = 6
TITLE = "International communication centers (国际传播中心)"


@dataclass(frozen=True)
class Report:
    html: str
    charts: list[Chart]
    confirmed: int
    unreviewed: int
    font: str | None = None


@dataclass(frozen=True)
class Trend:
    term: str
    weekly: dict[str, int]
    hits: int
    provinces: list[tuple[str, int]]


# -- counting -------------------------------------------------------------------------------------


def _bars(confirmed: Counter[str], unreviewed: Counter[str], order: Iterable[str]) -> list[Bar]:
    return [Bar(key, confirmed[key], unreviewed[key]) for key in order]


def _by_count(confirmed: Counter[str], unreviewed: Counter[str]) -> list[str]:
    total = confirmed + unreviewed
    return sorted(total, key=lambda key: (-total[key], key))


def _counters(items: Iterable[QueueItem],
              key: Callable[[QueueItem], Iterable[str]]) -> tuple[Counter[str], Counter[str]]:
    confirmed: Counter[str] = Counter()
    unreviewed: Counter[str] = Counter()
    for item in items:
        if item.type == "launch":
            (confirmed if item.status == "confirmed" else unreviewed).update(key(item))
    return confirmed, unreviewed


def by_month(items: Sequence[QueueItem]) -> tuple[list[Bar], int]:
    """Bars for every month from the first launch to the last; also the launches without a month."""
    confirmed, unreviewed = _counters(items, lambda i: [i.date[:7]] if i.date and len(i.date) >= 7 else [])
    months = sorted(set(confirmed) | set(unreviewed))
    undated = sum(1 for i in items if i.type == "launch" and not (i.date and len(i.date) >= 7))
    return _bars(confirmed, unreviewed, _month_range(months)), undated


def _month_range(months: Sequence[str]) -> list[str]:
    if not months:
        return []
    year, month = (int(part) for part in months[0].split("-"))
    result = []
    while f"{year:04d}-{month:02d}" <= months[-1]:
        result.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return result


def by_province(items: Sequence[QueueItem]) -> list[Bar]:
    confirmed, unreviewed = _counters(items, lambda i: [i.province or "(no province)"])
    return _bars(confirmed, unreviewed, _by_count(confirmed, unreviewed))


def by_level(items: Sequence[QueueItem]) -> list[Bar]:
    confirmed, unreviewed = _counters(items, lambda i: [i.level or "(unknown)"])
    extra = sorted(set(confirmed + unreviewed) - set(PLACE_LEVELS))
    return _bars(confirmed, unreviewed, [*PLACE_LEVELS, *extra])


def top_partners(items: Sequence[QueueItem], limit: int = TOP_PARTNERS) -> list[Bar]:
    confirmed, unreviewed = _counters(items, lambda i: list(dict.fromkeys(p for p in i.partners if p.strip())))
    return _bars(confirmed, unreviewed, _by_count(confirmed, unreviewed)[:limit])


def trends(store: Store, terms: Sequence[str] | None) -> tuple[list[Trend], list[str]]:
    """Weekly articles of each term (default: the lexicon's center terms with hits); also terms without hits."""
    chosen = list(terms) if terms else center_terms(store)[:MAX_TREND_TERMS]
    found: list[Trend] = []
    missing: list[str] = []
    for term in chosen:
        try:
            weekly = term_trend(store, term)
            provinces = totals(term_trend(store, term, by="province")).most_common(5)
        except NotFoundError:
            missing.append(term)
            continue
        found.append(Trend(term, {r.week: r.articles for r in weekly}, sum(r.hits for r in weekly), provinces))
    return found, missing


# -- charts ---------------------------------------------------------------------------------------


def draw_charts(items: Sequence[QueueItem], found: Sequence[Trend], font: str | None) -> list[Chart]:
    months, undated = by_month(items)
    month_note = f"{undated} launches with a year only or no date are not in this chart." if undated else ""
    charts = [
        column_chart("launches-by-month", "Launches per month", months, font, note=month_note),
        bar_chart("launches-by-province", "Launches by province", by_province(items), font),
        bar_chart("launches-by-level", "Launches by level of the place", by_level(items), font),
        bar_chart("top-partners", f"Top {TOP_PARTNERS} partners", top_partners(items), font,
                  note="Organisations named in cooperation with a center (one count per center)."),
    ]
    if found:
        weeks = week_range(week for trend in found for week in trend.weekly)
        series = [Series(t.term, tuple(t.weekly.get(week, 0) for week in weeks)) for t in found]
        charts.append(line_chart("center-terms-by-week", "Articles with center terms per ISO week", weeks,
                                 series, font, note="Articles with at least one hit of the term, by week "
                                 "of publication."))
    return charts


# -- HTML (templates/report.html) -----------------------------------------------------------------


def _sources(store: Store, item: QueueItem) -> list[tuple[str, str | None]]:
    """The articles reporting `item`: (outlet or address, the address if it may be a link, else None)."""
    return [(m.outlet or m.url, m.url if m.url.startswith(("http://", "https://")) else None)
            for m in mentions(store, item.id)]


def _rows(store: Store, items: Sequence[QueueItem]) -> list[tuple[QueueItem, list[tuple[str, str | None]]]]:
    """A table's items, latest first, each with its sources."""
    ordered = sorted(items, key=lambda i: (i.date or "", i.center), reverse=True)
    return [(item, _sources(store, item)) for item in ordered]


def _trend_rows(found: Sequence[Trend]) -> list[tuple[str, int, int, str, str]]:
    """Per term: articles, hits, the busiest week (with its count) and the top provinces."""
    rows = []
    for trend in found:
        week, count = max(trend.weekly.items(), key=lambda entry: (entry[1], entry[0]))
        provinces = ", ".join(f"{name or '(no province)'} {n}" for name, n in trend.provinces)
        rows.append((trend.term, sum(trend.weekly.values()), trend.hits, f"{week} ({count})", provinces))
    return rows


def _summary(store: Store, confirmed: int, unreviewed: int, include_new: bool) -> str:
    rejected = counts.items_of_status(store, "rejected")
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    shown = ("Items awaiting review are charted in a lighter colour and listed separately."
             if include_new else f"{unreviewed} items awaiting review are left out (confirmed only).")
    return (f"Generated {stamp} from {Path(store.path).name}: {confirmed} confirmed centers, {unreviewed} "
            f"awaiting review, {rejected} rejected (not shown). {shown} The charts count centers; overseas "
            "branches of existing centers are in the tables only.")


def _png_base64(png: bytes) -> str:
    return b64encode(png).decode("ascii")


def build_report(store: Store, *, include_new: bool = True, terms: Sequence[str] | None = None,
                 font: str | None = AUTO, title: str = TITLE) -> Report:
    """The report of a database. `font`: a CJK font family, None for none, AUTO to look for one."""
    family = find_cjk_font() if font == AUTO else font
    confirmed = list_items(store, "confirmed")
    unreviewed = list_items(store, "new")
    found, missing = trends(store, terms)
    charts = draw_charts(confirmed + unreviewed if include_new else confirmed, found, family)
    page = pages.render(
        "report.html", title=title, font=family, charts=charts, png_base64=_png_base64,
        summary=_summary(store, len(confirmed), len(unreviewed), include_new),
        confirmed=_rows(store, confirmed), include_new=include_new,
        unreviewed=_rows(store, unreviewed) if include_new else [],
        trends=_trend_rows(found), missing=", ".join(missing))
    return Report(page, charts, len(confirmed), len(unreviewed), family)


# -- files ----------------------------------------------------------------------------------------


def write_report(report: Report, out: Path | None = None, png_dir: Path | None = None) -> list[Path]:
    """Write the HTML file (atomically) and/or every chart as DIR/<name>.png; returns the paths written."""
    written: list[Path] = []
    if out is not None:
        _write_atomic(out, report.html.encode("utf-8"))
        written.append(out)
    if png_dir is not None:
        try:
            png_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise MonitorError(f"--png {png_dir}: cannot create the folder ({exc}); choose another") from exc
        for chart in report.charts:
            _write_atomic(png_dir / f"{chart.name}.png", chart.png)
            written.append(png_dir / f"{chart.name}.png")
    return written


def _write_atomic(path: Path, data: bytes) -> None:
    if not path.parent.is_dir():
        raise MonitorError(f"{path}: folder {path.parent} does not exist; create it or choose another path")
    temporary: str | None = None
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(temporary, path)
    except OSError as exc:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        raise MonitorError(f"{path}: cannot write ({exc}); check the path and its permissions") from exc
