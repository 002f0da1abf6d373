"""WARC export of stored pages: the evidence behind the registry, in the format archive tools read.

Each article with a stored raw page becomes a `response` record: WARC-Target-URI is the URL that was
fetched, WARC-Date the time it was fetched, the payload the page's bytes exactly as received, behind a
minimal HTTP header (status 200 and a Content-Type naming the stored encoding; the original headers are
not kept). A `warcinfo` record comes first. A file name ending in .gz is written gzip-compressed per
record, as WARC tools expect.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from monitor import __version__
from monitor.errors import MonitorError
from monitor.store.articles import stored_page
from monitor.store.database import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WarcSummary:
    path: str
    records: int
    skipped: list[int]  # articles without a stored page


def write_warc(store: Store, article_ids: Iterable[int], path: str | Path) -> WarcSummary:
    """Write the stored pages of `article_ids` to the WARC file `path` (gzip if it ends in .gz)."""
    target = Path(path)
    if not target.parent.exists():
        raise MonitorError(f"{target}: folder {target.parent} does not exist; create it or choose another --warc")
    try:
        with target.open("wb") as out:
            records, skipped = write_records(store, article_ids, out, gzip=target.suffix == ".gz",
                                             filename=target.name)
    except OSError as exc:
        raise MonitorError(f"{target}: cannot write the WARC file ({exc}); choose another --warc") from exc
    log.info("wrote %d records to %s (%d articles without a stored page)", records, target, len(skipped))
    return WarcSummary(str(target), records, skipped)


def write_records(store: Store, article_ids: Iterable[int], out: BinaryIO, *, gzip: bool = True,
                  filename: str = "monitor.publish.warc.gz") -> tuple[int, list[int]]:
    """Write a warcinfo record and one response record per stored page to `out`; (records, skipped)."""
    writer = WARCWriter(out, gzip=gzip)
    writer.write_record(writer.create_warcinfo_record(filename, {
        "software": f"monitor {__version__}", "format": "WARC File Format 1.0",
        "description": "Stored pages behind the registry of international communication centers"}))
    records, skipped = 0, []
    for article_id in dict.fromkeys(article_ids):
        page = stored_page(store, article_id)
        if page is None or page.raw is None:
            skipped.append(article_id)
            continue
        writer.write_record(_response(writer, page.url, page.raw, page.encoding, page.fetched_at))
        records += 1
    return records, skipped


def _response(writer: WARCWriter, url: str, raw: bytes, encoding: str | None, fetched_at: str) -> object:
    content_type = f"text/html; charset={encoding}" if encoding else "text/html"
    http_headers = StatusAndHeaders("200 OK", [("Content-Type", content_type),
                                               ("Content-Length", str(len(raw)))], protocol="HTTP/1.1")
    return writer.create_warc_record(url, "response", payload=io.BytesIO(raw), length=len(raw),
                                     http_headers=http_headers,
                                     warc_headers_dict={"WARC-Date": _warc_date(fetched_at)})


def _warc_date(stamp: str) -> str:
    """ISO time as stored → the WARC-Date form (UTC, "Z")."""
    try:
        moment = dt.datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
