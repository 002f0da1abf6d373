"""contract: `monitor extract` — JSON Lines of articles in, the events found in them out.

The contract is in ../shared/DESIGN.md ("Contracts"): one input line per article,
`{"url", "title", "text", "published": "YYYY-MM-DD", "html"}` (`html` instead of `text` is allowed);
accuracy is scored on it (tools/evaluation runs `monitor extract`). It never needs the network.
Each event line is `Event.to_contract()`: a date without a year ("--MM-DD", "--MM") when neither the text,
the URL nor `published` gives one, and `late` (true for a late copy of a launch report).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from monitor.extract import extract_article
from monitor.models import Article, Event, FeedEntry
from monitor.run.ingest import Analyzer


class RecordError(ValueError):
    """One input line of `monitor extract` is unusable."""


def article_from_record(record: dict[str, Any]) -> Article | None:
    """A contract input line → Article (html is extracted; title/published fill the gaps)."""
    url = record.get("url")
    if not isinstance(url, str) or not url:
        raise RecordError("key 'url' is missing or not a string")
    published = _parse_day(record.get("published"))
    title = record.get("title") if isinstance(record.get("title"), str) else None
    if isinstance(record.get("text"), str) and record["text"].strip():
        return Article(url, title, record["text"], published)
    if isinstance(record.get("html"), str) and record["html"].strip():
        entry = FeedEntry(url, title, _as_datetime(published))
        article = extract_article(record["html"], url, entry)
        if article is None:
            return None
        return Article(url, article.title or title, article.text, published or article.published)
    raise RecordError("needs a non-empty 'text' or 'html'")


def _parse_day(value: object) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        raise RecordError(f"key 'published' must be YYYY-MM-DD, not {value!r}") from exc


def _as_datetime(day: dt.date | None) -> dt.datetime | None:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC) if day else None


def extract_lines(lines: Iterable[str], analyzer: Analyzer,
                  on_error: Callable[[int, str], None]) -> Iterator[Event]:
    """Events of every JSON line; a bad line is reported through on_error and skipped."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise RecordError("each line must be a JSON object")
            article = article_from_record(record)
        except (json.JSONDecodeError, RecordError) as exc:
            on_error(number, str(exc))
            continue
        if article is not None:
            yield from analyzer.analyze(article).events
