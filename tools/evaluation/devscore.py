"""Scores of the dev set of real pages, with the conventions of its own scorer (score.py beside the set), so
that `python -m tools.evaluation --devset FILE` and score.py give the same figures on the same output:

- Only launches count, on both sides (branches and research centers are not scored there).
- Pairing is greedy: each gold launch, in order, takes the first unused system launch whose center overlaps
  it (`matching.names_overlap`: one normalized name contains the other), else the first whose province is
  equal and whose place name overlaps the gold place.
- System launches that pair with an optional (retrospective) launch are set aside first: neither right
  nor wrong.
- Date: equal; where the year is not resolvable, the month and day must match (`--MM-DD` or any
  `YYYY-MM-DD` ending in them). Only events with a date or a year-less date are judged.
- Partners: precision over the system's partners and recall over the gold ones, each by overlap; a system
  partner that overlaps only an optional partner counts neither way.
- A ratio with nothing to count is 0, as in score.py.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from tools.evaluation.counts import Counts, Ratio, f1, sum_counts, sum_ratios
from tools.evaluation.devset import DevEvent, DevRecord
from tools.evaluation.matching import date_matches, names_overlap, normalize_name
from tools.evaluation.records import EventRecord
from tools.evaluation.scoring import ErrorItem


def _share(num: int, den: int) -> float:
    return num / max(1, den)


def _first(system: Sequence[EventRecord], used: set[int], test: Callable[[EventRecord], bool]) -> int | None:
    return next((j for j, event in enumerate(system) if j not in used and test(event)), None)


def _same_center(gold: DevEvent, system: EventRecord) -> bool:
    return names_overlap(system.center, gold.center)


def _same_place(gold: DevEvent, system: EventRecord) -> bool:
    return system.place.province == gold.province and names_overlap(system.place.name, gold.place)


def pair_launches(
    system: Sequence[EventRecord], gold: Sequence[DevEvent]
) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Pairs of (gold, system) indexes, greedy in gold order; then the unpaired of each side."""
    used: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for i, g in enumerate(gold):
        j = _first(system, used, partial(_same_center, g))
        if j is None:
            j = _first(system, used, partial(_same_place, g))
        if j is not None:
            used.add(j)
            pairs.append((i, j))
    paired_gold = {i for i, _ in pairs}
    return (pairs, [i for i in range(len(gold)) if i not in paired_gold],
            [j for j in range(len(system)) if j not in used])


def date_right(gold: DevEvent, predicted: str | None) -> bool:
    """The system date against the gold one: exact, or month and day when the year is not resolvable."""
    if gold.year_resolvable:
        return predicted == gold.date
    partial = gold.date_without_year
    return partial is not None and date_matches(partial, predicted)


@dataclass(frozen=True)
class PartnerTally:
    """System partners that match a gold one out of those reported; gold partners found out of those owed."""

    found: int = 0
    reported: int = 0
    owed_found: int = 0
    owed: int = 0

    def __add__(self, other: PartnerTally) -> PartnerTally:
        return PartnerTally(self.found + other.found, self.reported + other.reported,
                            self.owed_found + other.owed_found, self.owed + other.owed)

    @property
    def precision(self) -> float:
        return _share(self.found, self.reported)

    @property
    def recall(self) -> float:
        return _share(self.owed_found, self.owed)

    def to_dict(self) -> dict[str, Any]:
        return {"found": self.found, "reported": self.reported, "owed_found": self.owed_found,
                "owed": self.owed, "precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(f1(self.precision, self.recall), 4)}


def partner_tally(system: Sequence[str], gold: Sequence[str], optional: Sequence[str] = ()) -> PartnerTally:
    """Partners of one paired launch (see the module's doc)."""
    gold_p = [g for g in gold if normalize_name(g)]
    optional_p = [o for o in optional if normalize_name(o)]

    def matches_gold(name: str) -> bool:
        return any(names_overlap(name, g) for g in gold_p)

    kept = [s for s in system if normalize_name(s)
            and (matches_gold(s) or not any(names_overlap(s, o) for o in optional_p))]
    owed_found = sum(any(names_overlap(s, g) for s in kept) for g in gold_p)
    return PartnerTally(sum(map(matches_gold, kept)), len(kept), owed_found, len(gold_p))


@dataclass(frozen=True)
class DevResult:
    """The score of one record of the dev set."""

    launches: Counts
    province: Ratio
    level: Ratio
    date: Ratio
    partners: PartnerTally
    errors: tuple[ErrorItem, ...]
    negative: bool
    false_alarm: bool


class _RecordTally:
    """Mutable tally used while one record is scored."""

    def __init__(self, record: DevRecord) -> None:
        self.record = record
        self.province = Ratio()
        self.level = Ratio()
        self.date = Ratio()
        self.partners = PartnerTally()
        self.errors: list[ErrorItem] = []

    def error(self, kind: str, gold: DevEvent | None, system: EventRecord | None,
              fields: tuple[str, ...] = ()) -> None:
        record = self.record
        self.errors.append(ErrorItem(record.id, record.url or record.id, kind,
                                     gold.as_record() if gold else None, system, fields))

    def paired(self, gold: DevEvent, system: EventRecord) -> None:
        checks = {"province": system.place.province == gold.province, "level": system.place.level == gold.level}
        self.province += Ratio(int(checks["province"]), 1)
        self.level += Ratio(int(checks["level"]), 1)
        if gold.dated:
            checks["date"] = date_right(gold, system.date)
            self.date += Ratio(int(checks["date"]), 1)
        partners = partner_tally(system.partners, gold.partners, gold.partners_optional)
        self.partners += partners
        checks["partners"] = partners.found == partners.reported and partners.owed_found == partners.owed
        wrong = tuple(name for name, ok in checks.items() if not ok)
        if wrong:
            self.error("fields", gold, system, wrong)


def score_record(record: DevRecord, predicted: Sequence[EventRecord]) -> DevResult:
    """Score the events predicted for one record (see the module's doc)."""
    mine = [e for e in predicted if e.type == "launch"]
    optional = record.optional_launches()
    if optional:
        taken = {j for _, j in pair_launches(mine, optional)[0]}
        mine = [e for j, e in enumerate(mine) if j not in taken]
    gold = record.launches()
    pairs, missed, extra = pair_launches(mine, gold)
    tally = _RecordTally(record)
    for i, j in pairs:
        tally.paired(gold[i], mine[j])
    for i in missed:
        tally.error("missed", gold[i], None)
    for j in extra:
        tally.error("spurious" if gold else "false_alarm", None, mine[j])
    return DevResult(Counts(tp=len(pairs), fp=len(extra), fn=len(missed)), tally.province, tally.level,
                     tally.date, tally.partners, tuple(tally.errors), negative=not gold,
                     false_alarm=not gold and bool(extra))


@dataclass(frozen=True)
class DevReport:
    """What `make eval` reports on the dev set: score.py's figures, false alarms and every mistake."""

    articles: int
    negatives: int
    false_alarms: int
    launches: Counts
    province: Ratio
    level: Ratio
    date: Ratio
    partners: PartnerTally
    errors: tuple[ErrorItem, ...]
    unknown_urls: tuple[str, ...] = ()
    bad_lines: tuple[str, ...] = ()

    def scorer_figures(self) -> dict[str, float | int]:
        """The figures under score.py's names, computed as score.py computes them."""
        c = self.launches
        precision, recall = _share(c.tp, c.tp + c.fp), _share(c.tp, c.tp + c.fn)
        return {"articles": self.articles, "launch_precision": precision, "launch_recall": recall,
                "launch_f1": f1(precision, recall), "province_acc": _share(self.province.correct, c.tp),
                "level_acc": _share(self.level.correct, c.tp), "date_acc": _share(self.date.correct, self.date.total),
                "partner_precision": self.partners.precision, "partner_recall": self.partners.recall,
                "partner_f1": f1(self.partners.precision, self.partners.recall),
                "tp": c.tp, "fp": c.fp, "fn": c.fn, "pairs": c.tp, "dated": self.date.total}

    @property
    def false_alarm_rate(self) -> float:
        return _share(self.false_alarms, self.negatives)

    def figures(self) -> dict[str, float]:
        """The figures the accuracy gate pins (tests/data/eval_pins.json), as for a gold set."""
        s = self.scorer_figures()
        return {"launch_f1": float(s["launch_f1"]), "province": float(s["province_acc"]),
                "date": float(s["date_acc"]), "partner_f1": float(s["partner_f1"]),
                "false_alarm_rate": self.false_alarm_rate}

    def to_dict(self) -> dict[str, Any]:
        figures = {k: round(v, 4) if isinstance(v, float) else v for k, v in self.scorer_figures().items()}
        return {
            "figures": figures,
            "negatives": self.negatives,
            "false_alarms": self.false_alarms,
            "false_alarm_rate": round(self.false_alarm_rate, 4),
            "launches": self.launches.to_dict(),
            "fields": {"province": self.province.to_dict(), "level": self.level.to_dict(),
                       "date": self.date.to_dict()},
            "partners": self.partners.to_dict(),
            "errors": [e.to_dict() for e in self.errors],
            "unknown_urls": list(self.unknown_urls),
            "bad_lines": list(self.bad_lines),
        }


def score_devset(records: Sequence[DevRecord], predictions: Mapping[str, Sequence[EventRecord]]) -> DevReport:
    """Score predicted events (grouped by the URL given to the extractor, the record's id) against the dev set."""
    results = [score_record(r, predictions.get(r.id, ())) for r in records]
    known = {r.id for r in records}
    return DevReport(
        articles=len(results),
        negatives=sum(r.negative for r in results),
        false_alarms=sum(r.false_alarm for r in results),
        launches=sum_counts(r.launches for r in results),
        province=sum_ratios(r.province for r in results),
        level=sum_ratios(r.level for r in results),
        date=sum_ratios(r.date for r in results),
        partners=sum((r.partners for r in results), PartnerTally()),
        errors=tuple(e for r in results for e in r.errors),
        unknown_urls=tuple(sorted(url for url in predictions if url not in known)),
    )
