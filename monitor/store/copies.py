"""Copies: articles that re-publish another one (wire copy, mirrors, traditional-script re-posts).

Each article whose text hits the lexicon gets a MinHash signature of the 3-character shingles of its
normalized text (simplified script, half-width, punctuation and spaces dropped), so a traditional
re-post and its original look the same. Candidates come from an LSH index (`minhash_bands`: 42 bands
of 3 rows) and are checked on the signature: an estimated Jaccard similarity of at least
COPY_SIMILARITY makes a copy. A 来源/转载 line (in the text or in the stored page) naming another
outlet confirms a looser match with an article of that outlet.

`copies` holds one row per copy: `original_id` is always the root of its group, the earliest published
article (or the one a 来源 line names); a later article that is earlier than the root becomes the new
root. Functions here take the sqlite-utils Database and run inside the caller's transaction.

numpy and the normalizer are imported when a signature is first made: the queue, the registry and the
web page read the store without them (monitor queue list starts in a quarter of a second).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlite_utils

from monitor.models import OutletLevel
from monitor.store.clock import now

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Signature = npt.NDArray[np.uint32]

log = logging.getLogger(__name__)

SHINGLE = 3
PERMUTATIONS = 126
ROWS_PER_BAND = 3
COPY_SIMILARITY = 0.5
SOURCE_SIMILARITY = 0.3
MIN_SHINGLES = 30
_DROP = re.compile(r"[\W_]+")
_SOURCE = re.compile(
    r"(?:(?:信息|稿件|新闻)?(?:来源|來源|稿源)\s*[:：]|(?:转载自|轉載自|转自|轉自)\s*[:：]?)\s*(?:<[^>]*>\s*)*"
    r"([^<>\s&|,，。;；:：/\"'()（）\[\]【】]{2,24})")
_SEED = b"monitor-minhash-v1"


@functools.cache
def _parameters() -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
    """Fixed odd multipliers and offsets of the multiply-shift hash family (stable across runs)."""
    import numpy as np

    words = [int.from_bytes(hashlib.blake2b(_SEED + i.to_bytes(4, "little"), digest_size=16).digest(), "little")
             for i in range(PERMUTATIONS)]
    mult = np.array([(w & 0xFFFFFFFFFFFFFFFF) | 1 for w in words], dtype=np.uint64)
    add = np.array([w >> 64 for w in words], dtype=np.uint64)
    return mult, add


@dataclass(frozen=True)
class Copy:
    """`article_id` re-publishes `original_id` (the root of its group)."""

    article_id: int
    original_id: int
    similarity: float
    method: str  # "text", "text+source"
    source: str | None = None


def shingles(text: str) -> set[str]:
    """3-character shingles of the normalized text without punctuation or spaces."""
    from monitor.normalize import normalize

    flat = _DROP.sub("", normalize(text).text)
    return {flat[i:i + SHINGLE] for i in range(len(flat) - SHINGLE + 1)}


def signature(text: str) -> Signature | None:
    """The MinHash signature of `text`, or None when it is too short to compare."""
    found = shingles(text)
    if len(found) < MIN_SHINGLES:
        return None
    import numpy as np

    hashes = np.fromiter((zlib.crc32(s.encode("utf-8")) for s in found), dtype=np.uint64, count=len(found))
    mult, add = _parameters()
    with np.errstate(over="ignore"):
        mixed = hashes[:, None] * mult[None, :] + add[None, :]
    minimum: Signature = (mixed >> np.uint64(32)).min(axis=0).astype(np.uint32)
    return minimum


def similarity(a: Signature, b: Signature) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float((a == b).mean())


def _stored_signature(blob: bytes) -> Signature:
    import numpy as np

    return np.frombuffer(blob, dtype=np.uint32)


def bands(sig: Signature) -> list[tuple[int, int]]:
    """(band, hash) pairs of the LSH index."""
    found = []
    for band in range(PERMUTATIONS // ROWS_PER_BAND):
        chunk = sig[band * ROWS_PER_BAND:(band + 1) * ROWS_PER_BAND].tobytes()
        found.append((band, int.from_bytes(hashlib.blake2b(chunk, digest_size=8).digest(), "little", signed=True)))
    return found


def _simplified(text: str) -> str:
    from monitor.normalize import to_simplified

    return to_simplified(text)


def source_name(text: str, raw_html: str | None = None) -> str | None:
    """The outlet a 来源/转载 line names (simplified script), first in the text, then in the page."""
    for haystack in (text, raw_html or ""):
        match = _SOURCE.search(haystack)
        if match:
            return _simplified(match.group(1)).strip()
    return None


# -- stored signatures and copies -----------------------------------------------------------------


# On the same day, the nearer outlet is taken as the first to report (local press breaks a launch,
# central outlets re-publish it). An order of its own, not that of OUTLET_LEVELS; unknown levels last.
_LEVEL_RANK: dict[OutletLevel, int] = {"county": 0, "city": 1, "provincial": 2, "enterprise": 3, "central": 4}


@dataclass(frozen=True)
class _Stored:
    id: int
    outlet: str | None
    published: str | None
    level: OutletLevel | None = None


def record_article(db: sqlite_utils.Database, article_id: int) -> Copy | None:
    """(Re)compute an article's signature, index it, and record whether it copies a stored article."""
    forget_article(db, article_id)
    row = db.execute("SELECT text, outlet, published, raw, raw_encoding, outlet_level FROM articles WHERE id = ?",
                     [article_id]).fetchone()
    if row is None:
        return None
    sig = signature(row[0])
    if sig is None:
        return None
    db.execute("INSERT INTO minhashes (article_id, signature) VALUES (?, ?)", [article_id, sig.tobytes()])
    db.conn.executemany("INSERT OR IGNORE INTO minhash_bands (band, hash, article_id) VALUES (?, ?, ?)",
                   [(band, value, article_id) for band, value in bands(sig)])
    source = source_name(row[0], _raw_text(row[3], row[4]))
    if source and _same_outlet(source, row[1]):
        source = None
    return _link(db, _Stored(article_id, row[1], row[2], row[5]), sig, source)


def ensure_recorded(db: sqlite_utils.Database, article_id: int) -> None:
    """Record an article's signature unless it has one (rescans of stored articles)."""
    if db.execute("SELECT 1 FROM minhashes WHERE article_id = ?", [article_id]).fetchone() is None:
        record_article(db, article_id)


def sign_unsigned(db: sqlite_utils.Database) -> int:
    """Sign the stored articles that hit the lexicon and have no signature yet, linking their copies; returns
    how many were tried. The data step of databases made before schema 2 (their articles were never signed);
    idempotent: a signed article is left as it is, and one too short to sign is tried again to no effect."""
    unsigned = [int(row[0]) for row in db.execute(
        "SELECT id FROM articles WHERE matched = 1 AND id NOT IN (SELECT article_id FROM minhashes) ORDER BY id")]
    for article_id in unsigned:
        record_article(db, article_id)
    return len(unsigned)


def forget_article(db: sqlite_utils.Database, article_id: int) -> None:
    """Drop an article's signature and its own copy row (its text changed); its copies keep their root."""
    db.execute("DELETE FROM minhash_bands WHERE article_id = ?", [article_id])
    db.execute("DELETE FROM minhashes WHERE article_id = ?", [article_id])
    db.execute("DELETE FROM copies WHERE article_id = ?", [article_id])


def _raw_text(raw: bytes | None, encoding: str | None) -> str | None:
    if raw is None:
        return None
    try:
        return zlib.decompress(raw).decode(encoding or "utf-8", "replace")
    except (zlib.error, LookupError):
        return None


def _same_outlet(name: str, outlet: str | None) -> bool:
    if not outlet:
        return False
    simple = _simplified(outlet)
    return name == simple or name in simple or simple in name


def _candidates(db: sqlite_utils.Database, article_id: int, sig: Signature) -> list[tuple[_Stored, float]]:
    pairs = bands(sig)
    marks = ",".join("(?, ?)" for _ in pairs)
    # A join on the VALUES list uses the (band, hash) primary key; `(band, hash) IN (VALUES …)` scanned
    # the whole table, so each new article cost more as the database grew.
    rows = db.execute(
        "SELECT a.id, a.outlet, a.published, a.outlet_level, m.signature FROM articles a "
        "JOIN minhashes m ON m.article_id = a.id "
        "WHERE a.id IN (SELECT b.article_id FROM minhash_bands b "
        f"JOIN (VALUES {marks}) v ON b.band = v.column1 AND b.hash = v.column2) "
        "AND a.id != ?", [v for pair in pairs for v in pair] + [article_id]).fetchall()
    found = [(_Stored(*r[:4]), similarity(sig, _stored_signature(r[4]))) for r in rows]
    return [(s, score) for s, score in found if score >= SOURCE_SIMILARITY]


def _link(db: sqlite_utils.Database, new: _Stored, sig: Signature, source: str | None) -> Copy | None:
    matches = _candidates(db, new.id, sig)
    named = [(s, score) for s, score in matches if source and _same_outlet(source, s.outlet)]
    close = [(s, score) for s, score in matches if score >= COPY_SIMILARITY]
    if not close and not named:
        return None
    if named:
        best, score = max(named, key=lambda pair: pair[1])
        root = _root(db, best.id)
        _join(db, [r for r in {_root(db, s.id) for s, _ in close} if r != root], root)
        return _store_copy(db, Copy(new.id, root, score, "text+source", source))
    roots = {_root(db, s.id) for s, _ in close}
    earliest = min([new, *(_stored(db, r) for r in roots)], key=_age)
    score = max(score for _, score in close)
    if earliest.id == new.id:
        _join(db, sorted(roots), new.id, score)
        return None
    _join(db, [r for r in roots if r != earliest.id], earliest.id)
    return _store_copy(db, Copy(new.id, earliest.id, score, "text"))


def _age(stored: _Stored) -> tuple[str, int, int]:
    return (stored.published or "9999", _LEVEL_RANK.get(stored.level, 5) if stored.level else 5, stored.id)


def _stored(db: sqlite_utils.Database, article_id: int) -> _Stored:
    row = db.execute("SELECT id, outlet, published, outlet_level FROM articles WHERE id = ?", [article_id]).fetchone()
    return _Stored(row[0], row[1], row[2], row[3])


def _root(db: sqlite_utils.Database, article_id: int) -> int:
    row = db.execute("SELECT original_id FROM copies WHERE article_id = ?", [article_id]).fetchone()
    return int(row[0]) if row else article_id


def _join(db: sqlite_utils.Database, roots: list[int], into: int, score: float | None = None) -> None:
    """Groups under `roots` move under `into`: their copies and the roots themselves."""
    for root in roots:
        db.execute("UPDATE copies SET original_id = ? WHERE original_id = ?", [into, root])
        similar = score if score is not None else _pair_similarity(db, root, into)
        _store_copy(db, Copy(root, into, similar, "text"))


def _pair_similarity(db: sqlite_utils.Database, a: int, b: int) -> float:
    rows = db.execute("SELECT signature FROM minhashes WHERE article_id IN (?, ?)", [a, b]).fetchall()
    if len(rows) != 2:
        return 0.0
    return similarity(*(_stored_signature(r[0]) for r in rows))


def _store_copy(db: sqlite_utils.Database, copy: Copy) -> Copy:
    db.execute("INSERT OR REPLACE INTO copies (article_id, original_id, similarity, method, source, at) "
               "VALUES (?, ?, ?, ?, ?, ?)",
               [copy.article_id, copy.original_id, round(copy.similarity, 3), copy.method, copy.source, now()])
    log.debug("article %d copies article %d (%s, %.2f)", copy.article_id, copy.original_id, copy.method,
              copy.similarity)
    return copy


# -- reading the relation -------------------------------------------------------------------------


def original_of(db: sqlite_utils.Database, article_id: int) -> int | None:
    """The article that `article_id` copies (root of its group), or None if it copies nothing."""
    row = db.execute("SELECT original_id FROM copies WHERE article_id = ?", [article_id]).fetchone()
    return int(row[0]) if row else None


def group_of(db: sqlite_utils.Database, article_id: int) -> list[int]:
    """Every article of the copy group of `article_id` (itself included), root first."""
    root = _root(db, article_id)
    rows = db.execute("SELECT article_id FROM copies WHERE original_id = ? ORDER BY article_id", [root]).fetchall()
    return [root, *(int(r[0]) for r in rows)]


def item_of_copy(db: sqlite_utils.Database, article_id: int, key: str) -> int | None:
    """The queue item that another article of this article's copy group gives to the same center: same
    type and the same center name (or one name inside the other), whatever the province. None if none."""
    _, kind, name = key.split("|", 2)
    others = [a for a in group_of(db, article_id) if a != article_id]
    if not others:
        return None
    marks = ",".join("?" * len(others))
    rows = db.execute(f"SELECT center_key, item_id FROM events WHERE article_id IN ({marks}) AND type = ? "
                      "AND item_id IS NOT NULL ORDER BY id", [*others, kind]).fetchall()
    for other_key, item_id in rows:
        other_name = str(other_key).split("|", 2)[2].split("#", 1)[0]
        if name in other_name or other_name in name:
            return int(item_id)
    return None
