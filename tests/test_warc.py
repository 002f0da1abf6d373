import gzip
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from monitor.errors import MonitorError
from monitor.publish.warc import write_warc
from monitor.store.database import Store
from tests.support.triage import OTHER, REPORT, save

PAGE = "<html><head><meta charset=gbk></head><body>开封国际传播中心揭牌成立</body></html>".encode("gbk")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store.open(tmp_path / "w.db")
    save(store, "http://zz.example/a.htm", REPORT, [], raw=PAGE)
    save(store, "http://hx.example/b.htm", OTHER, [], raw=b"\x00\xffbinary bytes\r\n")
    store.db.execute("UPDATE articles SET raw_encoding = 'gbk', fetched_at = '2025-03-27T03:04:05+00:00' "
                     "WHERE id = 1")
    return store


@pytest.mark.parametrize("name", ["evidence.warc.gz", "evidence.warc"])
def test_records_read_back_with_the_same_bytes_url_and_date(store: Store, tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    summary = write_warc(store, [1, 2, 1], path)
    assert (summary.records, summary.skipped) == (2, [])
    assert path.read_bytes()[:2] == (b"\x1f\x8b" if name.endswith(".gz") else b"WA")
    with path.open("rb") as stream:
        records = list(ArchiveIterator(stream))
        assert records[0].rec_type == "warcinfo"
    with path.open("rb") as stream:
        found = {r.rec_headers.get_header("WARC-Target-URI"): (r.content_stream().read(),
                 r.rec_headers.get_header("WARC-Date"), r.http_headers.get_header("Content-Type"))
                 for r in ArchiveIterator(stream) if r.rec_type == "response"}
    assert found["http://zz.example/a.htm"] == (PAGE, "2025-03-27T03:04:05Z", "text/html; charset=gbk")
    assert found["http://hx.example/b.htm"][0] == b"\x00\xffbinary bytes\r\n"


def test_articles_without_a_stored_page_are_skipped(store: Store, tmp_path: Path) -> None:
    store.db.execute("UPDATE articles SET raw = NULL WHERE id = 2")
    summary = write_warc(store, [1, 2, 42], tmp_path / "e.warc.gz")
    assert (summary.records, summary.skipped) == (1, [2, 42])
    with gzip.open(tmp_path / "e.warc.gz") as unpacked:
        assert unpacked.read().count(b"WARC-Type: response") == 1


def test_a_missing_folder_is_named(store: Store, tmp_path: Path) -> None:
    with pytest.raises(MonitorError, match="does not exist"):
        write_warc(store, [1], tmp_path / "nope" / "e.warc.gz")
