"""freshness: how old a source's items are — the newest one (is the source frozen?) and whether an article is
an old item of a long source (backfill) rather than news.

Both read an item's day the same way: the entry's own date (a feed item's pubDate, a sitemap's lastmod or
news publication date, a listing's date field), in Beijing time when it is zoned; else, for an article,
the article's own date; else a date written in the address (/2024-04/24/, /20240424/, t20240424_…). An item
without any of these has no day: it makes no source frozen and no article backfill.

- frozen: a source that answers, but whose newest item is more than `frozen_days` old ([health] of
  feeds.toml, default 30). People's Daily's and Xinhua's RSS feeds answer 200 with valid XML and items of
  2020–2022: without this they would look healthy and then simply go quiet.
- backfill: an article a run found more than `backfill_days` old ([run] of feeds.toml, default 60). A first
  run over a feed, sitemap or listing with years of items stores and analyses them all; the launches they
  report go to the queue marked backfill (after today's, out of the digest unless asked for).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from monitor.extract import date_from_url
from monitor.models import Article, FeedEntry
from monitor.sources.feeds import CHINA_TZ


def entry_day(entry: FeedEntry) -> dt.date | None:
    """The day of a feed item, sitemap entry, listing item or list-page link: its date, else its address's."""
    if entry.published is not None:
        published = entry.published
        return (published.astimezone(CHINA_TZ) if published.tzinfo is not None else published).date()
    return date_from_url(entry.url)


def newest_day(entries: Iterable[FeedEntry]) -> dt.date | None:
    """The day of the newest dated item among `entries` (None when none has a day)."""
    return max((day for entry in entries if (day := entry_day(entry)) is not None), default=None)


def article_day(entry: FeedEntry, article: Article | None) -> dt.date | None:
    """The day of an article found through `entry`: the entry's date, else the article's own, else its address's."""
    if entry.published is not None:
        return entry_day(entry)
    if article is not None and article.published is not None:
        return article.published
    return date_from_url(entry.url)


def older_than(day: dt.date | None, days: int, today: dt.date) -> bool:
    """Whether `day` lies more than `days` days before `today` (an unknown day never does)."""
    return day is not None and (today - day).days > days


def is_frozen(newest: dt.date | None, frozen_days: int, today: dt.date) -> bool:
    """A source whose newest item is more than `frozen_days` old (one without dated items is not judged)."""
    return older_than(newest, frozen_days, today)


def is_backfill(entry: FeedEntry, article: Article | None, backfill_days: int, today: dt.date) -> bool:
    """An article older than the first-run window: stored and analysed, its launches queued as backfill."""
    return older_than(article_day(entry, article), backfill_days, today)


def iso_day(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None
