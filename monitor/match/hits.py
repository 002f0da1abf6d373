"""hits: what the lexicon's hits in an article say about it.

Only an article that names a center (a hit of the lexicon's `center` category) can report a launch:
the daily run, backfill, rescan and the benchmark all ask that one question here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from monitor.models import HitCategory

CENTER: HitCategory = "center"


class Categorized(Protocol):
    """A hit (`models.Hit`) or a lexicon term (`match.lexicon.Term`): anything with a category."""

    @property
    def category(self) -> str: ...


def names_a_center(hits: Iterable[Categorized]) -> bool:
    """Whether the lexicon found a center name: only such articles can report a launch."""
    return any(hit.category == CENTER for hit in hits)
