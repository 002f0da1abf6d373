"""Lexicon maintenance: add a term (the file keeps its order and comments) and check the files.

The files are plain TOML reviewed like code (see monitor.match.lexicon for their shape). `add` appends
a [[terms]] table to the file of the term's category through tomlkit, so every comment and the
order of the existing entries stay as the maintainer wrote them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import tomlkit

from monitor.errors import LexiconError
from monitor.match.lexicon import SHIPPED_LEXICON_DIR, Lexicon, Term, lexicon_dir, load_lexicon
from monitor.normalize import fold_width, to_simplified

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class Problem:
    """One finding of `monitor lexicon check`: where, how bad, and what."""

    file: str
    line: int
    severity: Literal["error", "warning"]
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.severity}: {self.message}"


def category_file(folder: Path, category: str) -> Path | None:
    """The lexicon file whose `category` is `category`."""
    for path in sorted(folder.glob("*.toml")):
        doc = tomlkit.parse(path.read_text("utf-8"))
        if doc.get("category") == category:
            return path
    return None


def add_term(term: str, category: str, note: str | None = None, variants: tuple[str, ...] = (),
             directory: str | Path | None = None, today: dt.date | None = None) -> Path:
    """Append a term to its category's file (created if the category is new). Returns the file."""
    term = term.strip()
    _validate_new(term, category, variants)
    folder = lexicon_dir(directory)
    _refuse_shipped(folder)
    lexicon = load_lexicon(folder)
    clash = _existing_form(lexicon, term, variants)
    if clash is not None:
        raise LexiconError(f"{clash.file}:{clash.line}: {term!r} is already in the lexicon "
                           f"(term {clash.term!r}, category {clash.category}); edit that entry instead")
    path = category_file(folder, category) or folder / f"{category}.toml"
    doc = tomlkit.parse(path.read_text("utf-8")) if path.exists() else _new_file(category)
    entry = tomlkit.table()
    entry.add("term", term)
    if variants:
        entry.add("variants", list(variants))
    if note:
        entry.add("note", note)
    entry.add("added", today or dt.date.today())
    doc.setdefault("terms", tomlkit.aot()).append(entry)
    path.write_text(tomlkit.dumps(doc), "utf-8")
    return path


def _refuse_shipped(folder: Path) -> None:
    """The copy inside an installed package is not for editing: a reinstall or upgrade would replace it."""
    if folder.resolve() == SHIPPED_LEXICON_DIR:
        raise LexiconError(f"{folder}: this is the lexicon shipped inside the installed package, which a reinstall "
                           f"replaces; keep your own copy (cp -r {folder} DIR) and pass --lexicon DIR or set "
                           "MONITOR_LEXICON=DIR")


def _new_file(category: str) -> tomlkit.TOMLDocument:
    doc = tomlkit.document()
    doc.add(tomlkit.comment(f"Terms of category {category!r} (created by `monitor lexicon add`)."))
    doc.add("category", category)
    return doc


def _validate_new(term: str, category: str, variants: tuple[str, ...]) -> None:
    if not term:
        raise LexiconError("the term is empty; give the word to add, e.g. monitor lexicon add 国际传播港 ...")
    if not re.fullmatch(r"[a-z_]+", category):
        raise LexiconError(f"category {category!r} must be lowercase letters, e.g. center, trigger, negative")
    for form in (term, *variants):
        if not _CJK.search(form):
            raise LexiconError(f"{form!r} has no Chinese character; the lexicon matches Chinese text")


def _existing_form(lexicon: Lexicon, term: str, variants: tuple[str, ...]) -> Term | None:
    wanted = {_norm(form) for form in (term, *variants)}
    for existing in lexicon.terms:
        if wanted & set(existing.forms):
            return existing
    return None


def _norm(form: str) -> str:
    return to_simplified(fold_width(form.strip()))


def check_lexicon(directory: str | Path | None = None) -> list[Problem]:
    """Duplicates, a term inside another of its category, empty or non-Chinese entries."""
    lexicon = load_lexicon(directory)
    problems: list[Problem] = []
    for term in lexicon.terms:
        problems.extend(_entry_problems(term))
    problems.extend(_duplicates(lexicon))
    problems.extend(_contained(lexicon))
    return sorted(problems, key=lambda p: (p.file, p.line, p.message))


def _entry_problems(term: Term) -> list[Problem]:
    found = []
    for form in (term.term, *term.variants):
        if not form.strip():
            found.append(Problem(term.file, term.line, "error", "empty entry"))
        elif not _CJK.search(form):
            found.append(Problem(term.file, term.line, "error",
                                 f"{form!r} has no Chinese character; the lexicon matches Chinese text"))
    if len(_norm(term.term)) == 1:
        found.append(Problem(term.file, term.line, "warning",
                             f"{term.term!r} is a single character and will match almost everywhere"))
    return found


def _duplicates(lexicon: Lexicon) -> list[Problem]:
    seen: dict[str, Term] = {}
    found = []
    for term in lexicon.terms:
        for form in term.forms:
            first = seen.setdefault(form, term)
            if first is not term:
                found.append(Problem(term.file, term.line, "error",
                                     f"{form!r} duplicates term {first.term!r} at {Path(first.file).name}:"
                                     f"{first.line}; keep one"))
    return found


def _contained(lexicon: Lexicon) -> list[Problem]:
    found = []
    for category in lexicon.categories():
        terms = lexicon.by_category(category)
        for inner in terms:
            for outer in terms:
                if outer is not inner and _norm(inner.term) in _norm(outer.term) and inner.term != outer.term:
                    found.append(Problem(outer.file, outer.line, "warning",
                                         f"{outer.term!r} contains {inner.term!r} ({Path(inner.file).name}:"
                                         f"{inner.line}) of the same category; every hit of it is also a hit "
                                         f"of the shorter one, so it may be a variant of it"))
    return found
