"""evidence: the marks of an evidence sentence, written once (by detect) and read once (by everyone who shows it).

The evidence of an event is its sentence in the original text with the center's name marked ⟦…⟧ and
the trigger (揭牌, 成立 …) marked ⟨…⟩. `mark` writes a mark; `pieces` reads a marked sentence back as
(kind, text) pieces for the terminal, the web page, `monitor queue show` and the digest.

How a sentence is read: a mark opens at ⟦ or ⟨ and runs to its own closer (⟧ or ⟩), or to the end of
the sentence when none comes; marks do not nest (inside one, the other's characters are plain text);
a closer without an opener is plain text. The detector writes marks that are closed and never
overlap, so this only matters for article text that holds these characters itself.
"""

from __future__ import annotations

import re
from typing import Literal, NamedTuple

MarkKind = Literal["center", "trigger"]
PieceKind = Literal["center", "trigger", "text"]

MARKS: dict[MarkKind, tuple[str, str]] = {"center": ("⟦", "⟧"), "trigger": ("⟨", "⟩")}
_MARK = re.compile(r"⟦(?P<center>[^⟧]*)⟧?|⟨(?P<trigger>[^⟩]*)⟩?")


class Piece(NamedTuple):
    """A run of the evidence: the center's name, the trigger, or plain text (without the marks)."""

    kind: PieceKind
    text: str


def mark(text: str, kind: MarkKind) -> str:
    """`text` marked as the center (⟦text⟧) or the trigger (⟨text⟩)."""
    left, right = MARKS[kind]
    return f"{left}{text}{right}"


def pieces(evidence: str) -> list[Piece]:
    """The evidence as pieces in order; a plain piece is never empty, a marked one may be (⟦⟧)."""
    found: list[Piece] = []
    at = 0
    for match in _MARK.finditer(evidence):
        if match.start() > at:
            found.append(Piece("text", evidence[at:match.start()]))
        kind: MarkKind = "center" if match.group("center") is not None else "trigger"
        found.append(Piece(kind, match.group(kind)))
        at = match.end()
    if at < len(evidence):
        found.append(Piece("text", evidence[at:]))
    return found


def with_marks(piece: Piece) -> str:
    """The piece as written in the evidence: a marked one between its marks (closed), plain text as is."""
    return piece.text if piece.kind == "text" else mark(piece.text, piece.kind)

