"""archive: the pages of back issues — WARC / ARC files (plain or gzipped), folders of saved pages, single
saved pages and files of URLs — read one at a time, for `monitor backfill` (run.backfill).

A source that cannot be read gives a Page with its `error` (a broken WARC, an unreadable file, a URL
that failed) and the next source goes on; nothing here holds more than one page, or one chunk of URLs
being fetched, at a time.
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from monitor.errors import NotFoundError
from monitor.fetch.client import Fetcher
from monitor.models import FetchSettings

log = logging.getLogger(__name__)

HTML_SUFFIXES = frozenset({".html", ".htm", ".shtml", ".xhtml"})
WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
_HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass(frozen=True)
class Page:
    """One page read from a source; `error` says why there are no bytes (a URL that failed)."""

    url: str
    raw: bytes
    content_type: str | None
    source: str
    error: str | None = None



def source_kind(source: str | Path) -> str:
    """"folder", "warc", "page" (one saved HTML file) or "urls" (a text file, one URL a line)."""
    path = Path(source)
    if path.is_dir():
        return "folder"
    if not path.is_file():
        raise NotFoundError(f"{path}: no such file or folder; give WARC files, folders of saved pages or "
                            "files of URLs")
    name = path.name.lower()
    if name.endswith(WARC_SUFFIXES):
        return "warc"
    return "page" if path.suffix.lower() in HTML_SUFFIXES else "urls"


def warc_pages(path: Path) -> Iterator[Page]:
    """The HTML pages of a WARC (or ARC) file, plain or gzipped: 200 responses and resource records."""
    from warcio.archiveiterator import ArchiveIterator

    records = 0
    try:
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream, arc2warc=True):
                records += _is_record(record)
                page = _warc_page(record, str(path))
                if page is not None:
                    yield page
    except Exception as exc:  # a broken or foreign file: what was read stays, the next source goes on
        log.warning("%s: cannot read further as WARC: %s", path, exc)
        yield Page(str(path), b"", None, str(path), f"not a readable WARC file past record {records}: {exc}")
        return
    if records == 0 and path.stat().st_size > 0:
        yield Page(str(path), b"", None, str(path), "no WARC records found: is it a WARC file?")


def _is_record(record: Any) -> bool:
    """A real record: warcinfo, or one about a URL (warcio reads any text as an ARC record)."""
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    return record.rec_type == "warcinfo" or "://" in url


def _warc_page(record: Any, source: str) -> Page | None:
    if record.rec_type not in ("response", "resource"):
        return None
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    headers = record.http_headers if record.rec_type == "response" else record.rec_headers
    if headers is None or (record.rec_type == "response" and headers.get_statuscode() != "200"):
        return None
    content_type = headers.get_header("Content-Type")
    if not url.startswith(("http://", "https://")) or not _is_html(content_type, url):
        return None
    raw = record.content_stream().read()
    if getattr(record.raw_stream, "limit", 0) > 0:  # the file ends inside the record
        return Page(url, b"", None, source, "truncated WARC record: the file ends inside it")
    return Page(url, raw, content_type, source)


def _is_html(content_type: str | None, url: str) -> bool:
    if content_type:
        return content_type.split(";")[0].strip().lower() in _HTML_TYPES
    return Path(urlsplit(url).path).suffix.lower() in HTML_SUFFIXES


def folder_pages(folder: Path, base_url: str | None = None) -> Iterator[Page]:
    """Every saved HTML file under `folder`, in name order, one directory listing at a time. The URL is
    `base_url` + the path inside the folder (a mirror made with wget -m, say), else the file's URI."""
    for directory, subdirs, files in os.walk(folder):
        subdirs.sort()
        for name in sorted(files):
            path = Path(directory, name)
            if path.suffix.lower() in HTML_SUFFIXES:
                yield _file_page(path, _file_url(path, folder, base_url), str(folder))


def _file_page(path: Path, url: str, source: str) -> Page:
    try:
        return Page(url, path.read_bytes(), None, source)
    except OSError as exc:
        return Page(url, b"", None, source, f"cannot read {path}: {exc.strerror or exc}")


def _file_url(path: Path, folder: Path, base_url: str | None) -> str:
    if base_url is None:
        return path.resolve().as_uri()
    return base_url.rstrip("/") + "/" + quote(path.relative_to(folder).as_posix())


def url_pages(path: Path, settings: FetchSettings, known: Callable[[list[str]], set[str]]) -> Iterator[Page]:
    """The pages of a file of URLs (one a line; blank lines and # comments skipped), fetched politely
    with the monitor's fetcher, several at a time; URLs already stored are not fetched again."""
    with Fetcher(settings) as fetcher, cf.ThreadPoolExecutor(max(1, settings.workers)) as pool:
        for chunk in _chunks(_url_lines(path), 4 * max(1, settings.workers)):
            stored = known([url for _, url in chunk])
            fresh = [(number, url) for number, url in chunk if url not in stored]
            yield from pool.map(lambda item: _fetched_page(fetcher, path, *item), fresh)


def _url_lines(path: Path) -> Iterator[tuple[int, str]]:
    with path.open(encoding="utf-8-sig", errors="replace") as lines:
        for number, line in enumerate(lines, 1):
            url = line.strip()
            if url and not url.startswith("#"):
                yield number, url


def _fetched_page(fetcher: Fetcher, path: Path, number: int, url: str) -> Page:
    if not url.startswith(("http://", "https://")):
        return Page(url, b"", None, str(path), f"{path}:{number}: not an http(s) URL")
    result = fetcher.fetch(url)
    if not result.ok:
        return Page(url, b"", None, str(path), result.error or "not modified")
    return Page(result.final_url, result.content, result.content_type, str(path))


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def read_sources(sources: Sequence[str], *, base_url: str | None = None, settings: FetchSettings | None = None,
                 known: Callable[[list[str]], set[str]] = lambda urls: set()) -> Iterator[Page]:
    """The pages of every source in turn (check them first with `source_kind`)."""
    for source in sources:
        path = Path(source)
        kind = source_kind(path)
        log.info("backfill: reading %s (%s)", path, kind)
        if kind == "folder":
            yield from folder_pages(path, base_url)
        elif kind == "warc":
            yield from warc_pages(path)
        elif kind == "page":
            yield _file_page(path, _file_url(path, path.parent, base_url), str(path))
        else:
            yield from url_pages(path, settings or FetchSettings(), known)


def count_pages(sources: Sequence[str]) -> int | None:
    """How many pages the sources hold, when that is cheap to know (folders, saved pages, URL lists);
    None when a WARC file is among them (counting would mean reading it twice)."""
    total = 0
    for source in sources:
        kind = source_kind(source)
        if kind == "warc":
            return None
        if kind == "folder":
            total += sum(Path(name).suffix.lower() in HTML_SUFFIXES for _, _, files in os.walk(source)
                         for name in files)
        else:
            total += 1 if kind == "page" else sum(1 for _ in _url_lines(Path(source)))
    return total
