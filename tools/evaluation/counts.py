"""The arithmetic of a score: true and false positives with precision, recall and F1; correct out of total."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


def _ratio(num: int, den: int, empty: float) -> float:
    return num / den if den else empty


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


@dataclass(frozen=True)
class Counts:
    """True positives, false positives and false negatives, with precision, recall and F1."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float:
        """tp / (tp + fp); 1.0 when nothing was predicted (no wrong prediction)."""
        return _ratio(self.tp, self.tp + self.fp, 1.0)

    @property
    def recall(self) -> float:
        """tp / (tp + fn); 1.0 when nothing was expected (nothing to miss)."""
        return _ratio(self.tp, self.tp + self.fn, 1.0)

    @property
    def f1(self) -> float:
        return f1(self.precision, self.recall)

    def to_dict(self) -> dict[str, Any]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


@dataclass(frozen=True)
class Ratio:
    """Correct out of total; `value` is None when there was nothing to judge."""

    correct: int = 0
    total: int = 0

    def __add__(self, other: Ratio) -> Ratio:
        return Ratio(self.correct + other.correct, self.total + other.total)

    @property
    def value(self) -> float | None:
        return self.correct / self.total if self.total else None

    def to_dict(self) -> dict[str, Any]:
        value = self.value
        return {"correct": self.correct, "total": self.total,
                "accuracy": None if value is None else round(value, 4)}


def sum_counts(items: Iterable[Counts]) -> Counts:
    return sum(items, Counts())


def sum_ratios(items: Iterable[Ratio]) -> Ratio:
    return sum(items, Ratio())


def sum_maps(maps: Iterable[Mapping[str, Counts]]) -> dict[str, Counts]:
    total: dict[str, Counts] = {}
    for one in maps:
        for key, counts in one.items():
            total[key] = total.get(key, Counts()) + counts
    return dict(sorted(total.items()))
