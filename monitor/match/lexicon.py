"""match: the lexicon (lexicon/*.toml) compiled once into an Aho-Corasick automaton.

A lexicon file holds terms of one category:

    category = "center"            # what the terms are for: center, trigger, … (models.HIT_CATEGORIES) or a new one
    [[terms]]
    term = "国际传播中心"           # the canonical form, simplified script
    variants = ["国际传播分中心"]   # other written forms that mean the same
    note = "the usual name"        # optional
    added = 2026-11-22             # when a maintainer added it

The automaton runs over the simplified, half-width copy of a text without its annotation noise
(monitor.normalize.simplify: pinyin, invisible characters and spaces inside a name left out, related
links blanked), so one simplified form per term is enough; hits carry offsets into the original text
(NormalizedText.in_text gives them in the copy's offsets). Every term
is also added to jieba's dictionary with a frequency that wins, so segmentation keeps it whole.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
import os
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import ahocorasick

from monitor.errors import LexiconError
from monitor.models import Hit, NormalizedText
from monitor.normalize import fold_width, to_simplified

log = logging.getLogger(__name__)

_PACKAGE = Path(__file__).resolve().parents[1]  # the monitor package
CHECKOUT_LEXICON_DIR = _PACKAGE.parent / "lexicon"  # a development checkout: the files maintainers edit
SHIPPED_LEXICON_DIR = _PACKAGE / "data" / "lexicon"  # an installed package: the build's copy (see setup.py)


def _default_lexicon_dir() -> Path:
    """The checkout's lexicon/ when this package runs from its checkout (editable install, tests), else the copy
    shipped inside the installed package."""
    in_checkout = (_PACKAGE.parent / "pyproject.toml").is_file() and CHECKOUT_LEXICON_DIR.is_dir()
    return CHECKOUT_LEXICON_DIR if in_checkout else SHIPPED_LEXICON_DIR


DEFAULT_LEXICON_DIR = _default_lexicon_dir()
JIEBA_FREQUENCY = 200_000


@dataclass(frozen=True)
class Term:
    term: str
    category: str  # one of HIT_CATEGORIES, or a category a maintainer added
    variants: tuple[str, ...] = ()
    note: str | None = None
    added: dt.date | None = None
    file: str = ""
    line: int = 0

    @property
    def forms(self) -> tuple[str, ...]:
        """Every written form, in the simplified half-width script that matching sees."""
        seen: dict[str, None] = {}
        for form in (self.term, *self.variants):
            seen.setdefault(to_simplified(fold_width(form)), None)
        return tuple(seen)


@dataclass(frozen=True)
class Lexicon:
    terms: tuple[Term, ...]
    version: str
    directory: str

    def categories(self) -> tuple[str, ...]:
        return tuple(sorted({t.category for t in self.terms}))

    def by_category(self, category: str) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if t.category == category)


def lexicon_dir(option: str | Path | None = None) -> Path:
    """--lexicon option, else $MONITOR_LEXICON, else the project's lexicon (DEFAULT_LEXICON_DIR)."""
    chosen = option or os.environ.get("MONITOR_LEXICON")
    return Path(chosen) if chosen else DEFAULT_LEXICON_DIR


def load_lexicon(directory: str | Path | None = None) -> Lexicon:
    """Read every *.toml of the lexicon folder. Raises LexiconError naming file, line and key."""
    folder = lexicon_dir(directory)
    files = sorted(folder.glob("*.toml"))
    if not files:
        raise LexiconError(f"{folder}: no lexicon files (*.toml) found; pass --lexicon DIR or set MONITOR_LEXICON")
    terms: list[Term] = []
    digest = hashlib.sha256()
    for path in files:
        data = _read(path)
        digest.update(path.name.encode() + b"\0" + data)
        terms.extend(_parse_file(path, data))
    return Lexicon(tuple(terms), digest.hexdigest()[:12], str(folder))


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise LexiconError(f"{path}: cannot read this lexicon file ({exc.strerror or exc}); make it a readable "
                           "file or move it out of the lexicon folder") from exc


def _parse_file(path: Path, data: bytes) -> list[Term]:
    try:
        doc = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise LexiconError(f"{path}:{line}: not UTF-8 (byte {exc.start}); save the file as UTF-8") from exc
    except tomllib.TOMLDecodeError as exc:
        raise LexiconError(_toml_message(path, str(exc))) from exc
    category = doc.get("category")
    if not isinstance(category, str) or not category.strip():
        raise LexiconError(f"{path}:1: key 'category' is missing; add e.g. category = \"center\" at the top")
    lines = _term_lines(data.decode("utf-8"))
    entries = doc.get("terms", [])
    if not isinstance(entries, list):
        raise LexiconError(f"{path}: key 'terms' must be an array of tables ([[terms]])")
    return [_parse_term(path, category, entry, lines[i] if i < len(lines) else 0)
            for i, entry in enumerate(entries)]


def _toml_message(path: Path, message: str) -> str:
    """tomllib's "Invalid value (at line 3, column 8)" as "file:3:8: invalid TOML: Invalid value; ..."."""
    found = re.fullmatch(r"(?s)(.*) \(at line (\d+), column (\d+)\)", message)
    where = f"{path}:{found[2]}:{found[3]}" if found else str(path)
    return f"{where}: invalid TOML: {found[1] if found else message}; fix that line (quotes, = and brackets)"


def _term_lines(text: str) -> list[int]:
    """Line number (1-based) of each [[terms]] header, in order."""
    return [n for n, line in enumerate(text.splitlines(), 1) if line.strip().startswith("[[terms]]")]


def _parse_term(path: Path, category: str, entry: object, line: int) -> Term:
    where = f"{path}:{line}"
    if not isinstance(entry, dict):
        raise LexiconError(f"{where}: each [[terms]] entry must be a table")
    term = entry.get("term")
    if not isinstance(term, str) or not term.strip():
        raise LexiconError(f"{where}: key 'term' is missing or empty; every [[terms]] needs term = \"…\"")
    variants = entry.get("variants", [])
    if not isinstance(variants, list) or not all(isinstance(v, str) and v.strip() for v in variants):
        raise LexiconError(f"{where}: key 'variants' must be a list of non-empty strings")
    note = entry.get("note")
    added = entry.get("added")
    if added is not None and not isinstance(added, dt.date):
        raise LexiconError(f"{where}: key 'added' must be a date like 2026-11-22 (no quotes)")
    return Term(term.strip(), str(entry.get("category", category)), tuple(v.strip() for v in variants),
                str(note) if note is not None else None, added, str(path), line)


class LexiconMatcher:
    """All lexicon forms in one automaton; scanning costs one pass over the text."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self._automaton = ahocorasick.Automaton()
        for term in lexicon.terms:
            for form in term.forms:
                self._automaton.add_word(form, (form, term.term, term.category))
        if lexicon.terms:
            self._automaton.make_automaton()

    def scan(self, normalized: NormalizedText) -> list[Hit]:
        """Every occurrence of every form, with offsets into the original text, in text order."""
        if not self.lexicon.terms:
            return []
        hits: list[Hit] = []
        for end_index, (form, canonical, category) in self._automaton.iter(normalized.text):
            start = end_index - len(form) + 1
            hits.append(Hit(form, canonical, category,
                            normalized.to_original(start), normalized.to_original(end_index) + 1))
        hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
        return hits

    def count(self, text: str) -> int:
        """How many occurrences in an already normalized text (for quick lexicon tests)."""
        return sum(1 for _ in self._automaton.iter(text)) if self.lexicon.terms else 0


def register_with_jieba(terms: Iterable[Term]) -> None:
    """Keep every lexicon form whole in jieba's segmentation (a frequency that wins)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    for term in terms:
        for form in term.forms:
            jieba.add_word(form, freq=JIEBA_FREQUENCY)


def default_matcher(directory: str | None = None) -> LexiconMatcher:
    """The matcher of a lexicon folder as it is now, compiled once per process and lexicon version."""
    return _compiled(load_lexicon(directory))


def matcher_for(lexicon: Lexicon) -> LexiconMatcher:
    """The matcher of a loaded lexicon (e.g. one shipped to a worker), compiled once per process."""
    return _compiled(lexicon)


@functools.cache
def _compiled(lexicon: Lexicon) -> LexiconMatcher:
    register_with_jieba(lexicon.terms)
    return LexiconMatcher(lexicon)
