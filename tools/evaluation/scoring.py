"""Scores of a gold set (tests/data/gold, the held-out sets): pure functions from gold cases and predicted
events to plain records, so they are tested without running anything.

Events pair one to one by center name (`matching.match_events`); a pair of the wrong type counts as a
false positive and a false negative; fields and partners are judged on true positives only.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tools.evaluation.counts import Counts, Ratio, sum_counts, sum_maps, sum_ratios
from tools.evaluation.matching import FIELDS, PARTNER_MIN_CONTAINED, field_checks, match_events, pair_names
from tools.evaluation.records import EventRecord, GoldCase

CALIBRATION_BINS: tuple[float, ...] = (0.0, 0.5, 0.7, 0.85, 1.01)


@dataclass(frozen=True)
class ErrorItem:
    """One mistake: missed, false_alarm (on a negative article), spurious, wrong_type, or fields."""

    case: str
    url: str
    kind: str
    expected: EventRecord | None = None
    predicted: EventRecord | None = None
    fields: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"case": self.case, "url": self.url, "kind": self.kind,
                "expected": self.expected.to_dict() if self.expected else None,
                "predicted": self.predicted.to_dict() if self.predicted else None,
                "fields": list(self.fields)}


@dataclass(frozen=True)
class ArticleResult:
    """The score of one article."""

    case: GoldCase
    predicted: tuple[EventRecord, ...]
    events: Counts
    by_type: Mapping[str, Counts]
    fields: Mapping[str, Ratio]
    partners: Counts
    errors: tuple[ErrorItem, ...]
    correct: tuple[bool, ...] = ()  # per predicted event: a true event of the right type

    @property
    def false_alarm(self) -> bool:
        return self.case.negative and bool(self.predicted)


class _ArticleTally:
    """Mutable tally used while one article is scored."""

    def __init__(self, case: GoldCase) -> None:
        self.case = case
        self.by_type: dict[str, Counts] = {}
        self.fields: dict[str, Ratio] = {name: Ratio() for name in FIELDS}
        self.partners = Counts()
        self.errors: list[ErrorItem] = []

    def count(self, type_: str, counts: Counts) -> None:
        self.by_type[type_] = self.by_type.get(type_, Counts()) + counts

    def error(self, kind: str, exp: EventRecord | None, pred: EventRecord | None,
              fields: tuple[str, ...] = ()) -> None:
        self.errors.append(ErrorItem(self.case.name, self.case.url, kind, exp, pred, fields))

    def matched(self, exp: EventRecord, pred: EventRecord) -> None:
        if exp.type != pred.type:
            self.count(pred.type, Counts(fp=1))
            self.count(exp.type, Counts(fn=1))
            self.error("wrong_type", exp, pred)
            return
        self.count(exp.type, Counts(tp=1))
        checks = field_checks(exp, pred)
        for name, ok in checks.items():
            self.fields[name] += Ratio(int(ok), 1)
        partners = partner_counts(exp.partners, pred.partners)
        self.partners += partners
        wrong = tuple(n for n, ok in checks.items() if not ok)
        wrong += ("partners",) if partners.fp or partners.fn else ()
        if wrong:
            self.error("fields", exp, pred, wrong)


def partner_counts(expected: Sequence[str], predicted: Sequence[str]) -> Counts:
    """Partners of one matched event: equal, or one contains the other and the shorter has ≥ 4 chars."""
    tp = len(pair_names(expected, predicted, PARTNER_MIN_CONTAINED))
    return Counts(tp=tp, fp=len(predicted) - tp, fn=len(expected) - tp)


def score_article(case: GoldCase, predicted: Sequence[EventRecord]) -> ArticleResult:
    """Score the events predicted for one article against its expected events."""
    tally = _ArticleTally(case)
    pairs, missed, extra = match_events(case.expected, predicted)
    correct = [False] * len(predicted)
    for i, j in pairs:
        tally.matched(case.expected[i], predicted[j])
        correct[j] = case.expected[i].type == predicted[j].type
    for i in missed:
        tally.count(case.expected[i].type, Counts(fn=1))
        tally.error("missed", case.expected[i], None)
    for j in extra:
        tally.count(predicted[j].type, Counts(fp=1))
        tally.error("false_alarm" if case.negative else "spurious", None, predicted[j])
    return ArticleResult(case, tuple(predicted), sum_counts(tally.by_type.values()), tally.by_type,
                         tally.fields, tally.partners, tuple(tally.errors), tuple(correct))


@dataclass(frozen=True)
class CalibrationBin:
    """Predicted events whose confidence lies in [low, high), and how many of them were right."""

    low: float
    high: float
    events: int
    right: int

    @property
    def precision(self) -> float | None:
        return self.right / self.events if self.events else None

    def to_dict(self) -> dict[str, Any]:
        p = self.precision
        return {"low": self.low, "high": min(self.high, 1.0), "events": self.events, "right": self.right,
                "precision": None if p is None else round(p, 4)}


def calibration(results: Sequence[ArticleResult]) -> tuple[CalibrationBin, ...]:
    """How often a predicted event is right, by confidence: higher bins should be right more often."""
    pairs = [(pred.confidence, ok) for r in results for pred, ok in zip(r.predicted, r.correct, strict=True)
             if pred.confidence is not None]
    bins = []
    for low, high in itertools.pairwise(CALIBRATION_BINS):
        inside = [ok for conf, ok in pairs if low <= conf < high]
        bins.append(CalibrationBin(low, high, len(inside), sum(inside)))
    return tuple(bins)


@dataclass(frozen=True)
class Summary:
    """Scores over a set of articles (all of them, or those with one tag)."""

    articles: int
    negatives: int
    false_alarms: int
    events: Counts
    by_type: Mapping[str, Counts]
    fields: Mapping[str, Ratio]
    partners: Counts

    @property
    def false_alarm_rate(self) -> float | None:
        return self.false_alarms / self.negatives if self.negatives else None

    def to_dict(self) -> dict[str, Any]:
        rate = self.false_alarm_rate
        return {
            "articles": self.articles,
            "negatives": self.negatives,
            "false_alarms": self.false_alarms,
            "false_alarm_rate": None if rate is None else round(rate, 4),
            "events": self.events.to_dict(),
            "by_type": {k: v.to_dict() for k, v in self.by_type.items()},
            "fields": {k: v.to_dict() for k, v in self.fields.items()},
            "partners": self.partners.to_dict(),
        }


def summarize(results: Sequence[ArticleResult]) -> Summary:
    """Add up the scores of some articles."""
    return Summary(
        articles=len(results),
        negatives=sum(r.case.negative for r in results),
        false_alarms=sum(r.false_alarm for r in results),
        events=sum_counts(r.events for r in results),
        by_type=sum_maps(r.by_type for r in results),
        fields={name: sum_ratios(r.fields[name] for r in results) for name in FIELDS},
        partners=sum_counts(r.partners for r in results),
    )


@dataclass(frozen=True)
class EvalReport:
    """Everything `make eval` reports on a gold set: overall scores, scores per tag, and every mistake."""

    overall: Summary
    by_tag: Mapping[str, Summary]
    errors: tuple[ErrorItem, ...]
    unknown_urls: tuple[str, ...] = ()
    bad_lines: tuple[str, ...] = ()
    calibration: tuple[CalibrationBin, ...] = ()

    def figures(self) -> dict[str, float]:
        """The figures the accuracy gate pins (tests/data/eval_pins.json)."""
        o = self.overall
        return {"launch_f1": o.events.f1, "province": o.fields["province"].value or 0.0,
                "date": o.fields["date"].value or 0.0, "partner_f1": o.partners.f1,
                "false_alarm_rate": o.false_alarm_rate or 0.0}

    def to_dict(self) -> dict[str, Any]:
        return {
            "overall": self.overall.to_dict(),
            "calibration": [b.to_dict() for b in self.calibration],
            "by_tag": {k: v.to_dict() for k, v in self.by_tag.items()},
            "errors": [e.to_dict() for e in self.errors],
            "unknown_urls": list(self.unknown_urls),
            "bad_lines": list(self.bad_lines),
        }


def score(cases: Sequence[GoldCase], predictions: Mapping[str, Sequence[EventRecord]]) -> EvalReport:
    """Score predicted events (grouped by article URL) against the gold cases."""
    results = [score_article(case, predictions.get(case.url, ())) for case in cases]
    tags = sorted({tag for case in cases for tag in case.tags})
    by_tag = {tag: summarize([r for r in results if tag in r.case.tags]) for tag in tags}
    known = {case.url for case in cases}
    return EvalReport(
        overall=summarize(results),
        by_tag=by_tag,
        errors=tuple(e for r in results for e in r.errors),
        unknown_urls=tuple(sorted(url for url in predictions if url not in known)),
        calibration=calibration(results),
    )
