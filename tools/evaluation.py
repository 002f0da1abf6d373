"""Accuracy of `monitor extract` on the gold set (tests/data/gold): load, run the extractor once, score.

    python -m tools.evaluation --gold tests/data/gold --out eval.json

The scoring functions (`score`, `score_article`, `match_events`, ...) are pure: they take gold cases and
predicted events and return plain records, so they are tested without running anything. The I/O is at
the two ends: `load_gold` reads the files, `run_extractor` runs `python -m monitor extract` once as a
subprocess with every article on its stdin, and `main` prints a summary and writes the JSON report.
See tests/data/gold/README.md for the file format and the annotation rules.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import logging
import os
import shlex
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import opencc

from monitor.errors import MonitorError

logger = logging.getLogger(__name__)

REPO_DIR = Path(__file__).resolve().parents[1]
SHARED_DIR = Path(__file__).resolve().parents[2] / "shared"
EXTRACT_COMMAND: tuple[str, ...] = (sys.executable, "-m", "monitor", "extract")
DEFAULT_TIMEOUT = 600.0
LEVELS = ("province", "city", "county", "district", "other")
EVENT_TYPES = ("launch", "branch")
FIELDS = ("province", "level", "place", "code", "date")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
# Characters dropped before names are compared: white space, quotes, book-title marks.
_STRIP = set(" \t\r\n\u3000\u00a0\"'“”‘’「」『』《》〈〉")
# Bare generic names never match another name by containment (they would match every center).
GENERIC_CENTERS = frozenset({"中心", "分中心", "国际传播中心", "国际传媒中心", "国际传播分中心"})
PARTNER_MIN_CONTAINED = 4

_T2S: Any = opencc.OpenCC("t2s")


class EvaluationError(MonitorError):
    """The gold set cannot be read or the extractor did not run; the message says where and why."""


# ---------------------------------------------------------------- records


@dataclass(frozen=True)
class PlaceRecord:
    """A place as in the extract contract; every field may be missing in a prediction."""

    name: str | None = None
    province: str | None = None
    level: str | None = None
    code: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "province": self.province, "level": self.level, "code": self.code}


@dataclass(frozen=True)
class EventRecord:
    """One expected or predicted event, in the shape of the `monitor extract` contract."""

    type: str
    center: str
    place: PlaceRecord = field(default_factory=PlaceRecord)
    date: str | None = None
    partners: tuple[str, ...] = ()
    confidence: float | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "center": self.center,
            "place": self.place.to_dict(),
            "date": self.date,
            "partners": list(self.partners),
        }

    @classmethod
    def from_contract(cls, data: Mapping[str, Any]) -> EventRecord:
        """Leniently read one output line of `monitor extract` (missing fields become None)."""
        place = data.get("place") or {}
        if not isinstance(place, Mapping):
            raise ValueError("'place' is not an object")
        partners = data.get("partners") or []
        if not isinstance(partners, list):
            raise ValueError("'partners' is not a list")
        return cls(
            type=str(data.get("type") or ""),
            center=str(data.get("center") or ""),
            place=PlaceRecord(*(_opt_str(place.get(k)) for k in ("name", "province", "level", "code"))),
            date=_opt_str(data.get("date")),
            partners=tuple(str(p) for p in partners),
            confidence=float(data["confidence"]) if isinstance(data.get("confidence"), int | float) else None,
        )


@dataclass(frozen=True)
class GoldCase:
    """One gold file: the article given to the extractor and the events expected from it."""

    name: str
    url: str
    title: str | None
    text: str | None
    html: str | None
    published: str | None
    expected: tuple[EventRecord, ...]
    tags: tuple[str, ...] = ()
    note: str = ""
    path: str | None = None

    @property
    def negative(self) -> bool:
        return not self.expected

    def contract_input(self) -> dict[str, Any]:
        """The JSON Lines record given to `monitor extract`."""
        return {"url": self.url, "title": self.title, "text": self.text,
                "published": self.published, "html": self.html}


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)


# ---------------------------------------------------------------- normalization and matching


def to_simplified(text: str) -> str:
    return str(_T2S.convert(text))


def normalize_name(text: str | None) -> str:
    """Simplified script, without spaces, quotes or 《》: the form names are compared in."""
    if not text:
        return ""
    return "".join(ch for ch in to_simplified(text) if ch not in _STRIP)


def code_key(code: str | None) -> str | None:
    """An administrative code without its trailing zero pairs: 410300, 4103 → 4103; 410000, 41 → 41."""
    if code is None:
        return None
    key = str(code).strip()
    while len(key) > 2 and key.endswith("00"):
        key = key[:-2]
    return key or None


def _contains(a: str, b: str, min_len: int) -> bool:
    if not a or not b or a in GENERIC_CENTERS or b in GENERIC_CENTERS:
        return False
    return (a in b or b in a) and min(len(a), len(b)) >= min_len


def pair_names(
    expected: Sequence[str], predicted: Sequence[str], min_contained: int = 1
) -> list[tuple[int, int]]:
    """One-to-one pairs (expected index, predicted index) of normalized names.

    Equal names pair first; then an expected name pairs with an unused predicted name that contains it
    or is contained in it (the shorter at least `min_contained` characters), the closest length first.
    """
    exp = [normalize_name(n) for n in expected]
    pred = [normalize_name(n) for n in predicted]
    pairs: dict[int, int] = {}
    for i, name in enumerate(exp):
        j = next((j for j, p in enumerate(pred) if name and p == name and j not in pairs.values()), None)
        if j is not None:
            pairs[i] = j
    for i, name in enumerate(exp):
        if i in pairs:
            continue
        used = set(pairs.values())
        free = [j for j, p in enumerate(pred) if j not in used and _contains(name, p, min_contained)]
        if free:
            pairs[i] = min(free, key=lambda j: abs(len(pred[j]) - len(name)))
    return sorted(pairs.items())


def match_events(
    expected: Sequence[EventRecord], predicted: Sequence[EventRecord]
) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Pairs of (expected, predicted) indexes matched by center, then the unmatched of each side."""
    pairs = pair_names([e.center for e in expected], [p.center for p in predicted])
    used_e = {i for i, _ in pairs}
    used_p = {j for _, j in pairs}
    return (pairs, [i for i in range(len(expected)) if i not in used_e],
            [j for j in range(len(predicted)) if j not in used_p])


def place_name_matches(expected: PlaceRecord, predicted: PlaceRecord) -> bool:
    """Equal after normalization; for organizations (level other) containment is enough."""
    exp, pred = normalize_name(expected.name), normalize_name(predicted.name)
    if exp == pred:
        return True
    return expected.level == "other" and _contains(exp, pred, 2)


def field_checks(expected: EventRecord, predicted: EventRecord) -> dict[str, bool]:
    """Which fields of a matched event are right (see FIELDS)."""
    exp, pred = expected.place, predicted.place
    return {
        "province": normalize_name(exp.province) == normalize_name(pred.province),
        "level": exp.level == pred.level,
        "place": place_name_matches(exp, pred),
        "code": code_key(exp.code) == code_key(pred.code),
        "date": expected.date == predicted.date,
    }


# ---------------------------------------------------------------- counts


def _ratio(num: int, den: int, empty: float) -> float:
    return num / den if den else empty


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
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

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


def _sum_counts(items: Iterable[Counts]) -> Counts:
    return sum(items, Counts())


def _sum_maps(maps: Iterable[Mapping[str, Counts]]) -> dict[str, Counts]:
    total: dict[str, Counts] = {}
    for one in maps:
        for key, counts in one.items():
            total[key] = total.get(key, Counts()) + counts
    return dict(sorted(total.items()))


# ---------------------------------------------------------------- scoring


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
    return ArticleResult(case, tuple(predicted), _sum_counts(tally.by_type.values()), tally.by_type,
                         tally.fields, tally.partners, tuple(tally.errors), tuple(correct))


CALIBRATION_BINS: tuple[float, ...] = (0.0, 0.5, 0.7, 0.85, 1.01)


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
    fields = {name: sum((r.fields[name] for r in results), Ratio()) for name in FIELDS}
    return Summary(
        articles=len(results),
        negatives=sum(r.case.negative for r in results),
        false_alarms=sum(r.false_alarm for r in results),
        events=_sum_counts(r.events for r in results),
        by_type=_sum_maps(r.by_type for r in results),
        fields=fields,
        partners=_sum_counts(r.partners for r in results),
    )


@dataclass(frozen=True)
class EvalReport:
    """Everything `make eval` reports: overall scores, scores per tag, and every mistake."""

    overall: Summary
    by_tag: Mapping[str, Summary]
    errors: tuple[ErrorItem, ...]
    unknown_urls: tuple[str, ...] = ()
    bad_lines: tuple[str, ...] = ()
    calibration: tuple[CalibrationBin, ...] = ()

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


# ---------------------------------------------------------------- loading the gold set


def decode_bytes(data: bytes) -> str:
    """UTF-8 (with or without BOM) if it decodes strictly, else GB18030 (GB2312/GBK superset)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def _require(data: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if key not in data:
        raise EvaluationError(f"{where}: missing key '{key}'; see tests/data/gold/README.md for the format")
    value = data[key]
    if not isinstance(value, kind):
        raise EvaluationError(f"{where}: key '{key}' has the wrong type ({type(value).__name__})")
    return value


def _gold_event(data: Any, where: str) -> EventRecord:
    if not isinstance(data, Mapping):
        raise EvaluationError(f"{where}: an expected event must be an object")
    type_ = _require(data, "type", str, where)
    if type_ not in EVENT_TYPES:
        raise EvaluationError(f"{where}: type {type_!r} is not one of {', '.join(EVENT_TYPES)}")
    place = _require(data, "place", Mapping, where)
    level = _require(place, "level", str, f"{where} place")
    if level not in LEVELS:
        raise EvaluationError(f"{where}: place level {level!r} is not one of {', '.join(LEVELS)}")
    return EventRecord(
        type=type_,
        center=_require(data, "center", str, where),
        place=PlaceRecord(_require(place, "name", str, f"{where} place"),
                          _require(place, "province", str, f"{where} place"), level,
                          _require(place, "code", (str, type(None)), f"{where} place")),
        date=_require(data, "date", (str, type(None)), where),
        partners=tuple(_require(data, "partners", list, where)),
    )


def _read_source(rel_path: str, shared: Path, where: str) -> tuple[str | None, str | None]:
    """(text, html) of a real page referenced by a gold file, read in place under shared/."""
    source = shared / rel_path
    try:
        content = decode_bytes(source.read_bytes())
    except OSError as exc:
        raise EvaluationError(f"{where}: cannot read input.path {source}: {exc.strerror}; "
                              f"is ../shared beside the repository?") from exc
    return (None, content) if source.suffix.lower() in HTML_SUFFIXES else (content, None)


def _gold_input(data: Mapping[str, Any], shared: Path, where: str) -> dict[str, Any]:
    """The article of a gold file: inline text/html, or a `path` to a page under shared/."""
    url = _require(data, "url", str, where)
    published = _require(data, "published", (str, type(None)), where)
    if "path" in data:
        text, html = _read_source(_require(data, "path", str, where), shared, where)
        return {"url": url, "title": data.get("title"), "text": text, "html": html,
                "published": published, "path": data["path"]}
    text, html = data.get("text"), data.get("html")
    if not isinstance(text, str) and not isinstance(html, str):
        raise EvaluationError(f"{where}: input needs 'text' or 'html' (a string) or 'path'")
    return {"url": url, "title": data.get("title"), "text": text, "html": html,
            "published": published, "path": None}


def load_case(path: Path, shared: Path = SHARED_DIR) -> GoldCase:
    """Read and check one gold file."""
    where = str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise EvaluationError(f"{where}: not a readable JSON file ({exc})") from exc
    if not isinstance(data, Mapping):
        raise EvaluationError(f"{where}: the file must hold a JSON object")
    source = _gold_input(_require(data, "input", Mapping, where), shared, f"{where} input")
    events = _require(data, "expected", list, where)
    return GoldCase(
        name=path.stem,
        expected=tuple(_gold_event(e, f"{where} expected[{n}]") for n, e in enumerate(events)),
        tags=tuple(_require(data, "tags", list, where)),
        note=str(data.get("note") or ""),
        **source,
    )


def load_gold(directory: Path, shared: Path = SHARED_DIR) -> list[GoldCase]:
    """Every `*.json` gold file of a directory, sorted by name; URLs must be unique."""
    files = sorted(Path(directory).glob("*.json"))
    if not files:
        raise EvaluationError(f"{directory}: no gold files (*.json) found; pass --gold DIR")
    cases = [load_case(f, shared) for f in files]
    seen: dict[str, str] = {}
    for case in cases:
        if case.url in seen:
            raise EvaluationError(f"{case.name}: url {case.url} is also used by {seen[case.url]}")
        seen[case.url] = case.name
    return cases


# ---------------------------------------------------------------- running the extractor


def _tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.strip().splitlines()[-lines:]) or "(nothing on stderr)"


def run_extractor(
    cases: Sequence[GoldCase],
    command: Sequence[str] = EXTRACT_COMMAND,
    timeout: float = DEFAULT_TIMEOUT,
    cwd: Path = REPO_DIR,
) -> str:
    """Run the extractor once with every article as JSON Lines on stdin; return its stdout."""
    payload = "".join(json.dumps(c.contract_input(), ensure_ascii=False) + "\n" for c in cases)
    shown = shlex.join(command)
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    try:
        done = subprocess.run(list(command), input=payload.encode("utf-8"), capture_output=True,
                              timeout=timeout, cwd=cwd, env=env, check=False)
    except subprocess.TimeoutExpired as exc:
        raise EvaluationError(
            f"`{shown}` did not finish within {timeout:.0f} s on {len(cases)} articles"
        ) from exc
    except OSError as exc:
        raise EvaluationError(f"`{shown}` could not be started: {exc}") from exc
    stderr = done.stderr.decode("utf-8", errors="replace")
    if done.returncode != 0:
        raise EvaluationError(
            f"`{shown}` failed with exit code {done.returncode}. Its stderr:\n{_tail(stderr)}"
        )
    if stderr.strip():
        logger.info("extractor stderr:\n%s", _tail(stderr))
    return done.stdout.decode("utf-8", errors="replace")


def parse_predictions(output: str) -> tuple[dict[str, list[EventRecord]], list[str]]:
    """Events of the extractor's JSON Lines output grouped by URL, and the lines that could not be read."""
    by_url: dict[str, list[EventRecord]] = {}
    bad: list[str] = []
    for number, line in enumerate(output.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            if not isinstance(data, dict) or not isinstance(data.get("url"), str):
                raise ValueError("not an object with a 'url' string")
            event = EventRecord.from_contract(data)
        except ValueError as exc:
            bad.append(f"line {number}: {exc}: {line[:200]}")
            continue
        by_url.setdefault(data["url"], []).append(event)
    return by_url, bad


def evaluate(
    gold: Path,
    command: Sequence[str] = EXTRACT_COMMAND,
    timeout: float = DEFAULT_TIMEOUT,
    shared: Path = SHARED_DIR,
) -> EvalReport:
    """Load the gold set, run the extractor once on it, and score what it found."""
    cases = load_gold(gold, shared)
    predictions, bad = parse_predictions(run_extractor(cases, command, timeout))
    for line in bad:
        logger.warning("unreadable extractor output %s", line)
    return dataclasses.replace(score(cases, predictions), bad_lines=tuple(bad))


# ---------------------------------------------------------------- report


def _pct(value: float | None) -> str:
    return "   -  " if value is None else f"{value * 100:5.1f}%"


def _counts_row(label: str, counts: Counts) -> str:
    empty = counts == Counts()
    p, r, f = (None, None, None) if empty else (counts.precision, counts.recall, counts.f1)
    return f"  {label:<10}{counts.tp:>5}{counts.fp:>5}{counts.fn:>5}  {_pct(p)}  {_pct(r)}  {_pct(f)}"


def _overall_lines(report: EvalReport) -> list[str]:
    o = report.overall
    positives = o.articles - o.negatives
    lines = [f"Gold set: {o.articles} articles ({positives} with events, {o.negatives} negatives)",
             "", f"  {'events':<10}{'TP':>5}{'FP':>5}{'FN':>5}  precision  recall      F1",
             _counts_row("all", o.events)]
    lines += [_counts_row(t, c) for t, c in o.by_type.items()]
    lines += ["", f"Fields on {o.events.tp} matched events:"]
    lines += [f"  {n:<10}{_pct(r.value)}  ({r.correct}/{r.total})" for n, r in o.fields.items()]
    lines += ["", "Partners (micro, matched events):", _counts_row("partners", o.partners), "",
              f"False alarms: {o.false_alarms} of {o.negatives} negative articles "
              f"({_pct(o.false_alarm_rate).strip()})"]
    return lines


def _tag_lines(report: EvalReport, min_articles: int) -> list[str]:
    lines = ["", f"By tag (tags on at least {min_articles} articles; all tags in the JSON report):",
             f"  {'tag':<24}{'arts':>5}{'P':>8}{'R':>8}{'F1':>8}{'FA':>5}{'date':>8}{'place':>8}"]
    for tag, s in report.by_tag.items():
        if s.articles < min_articles:
            continue
        lines.append(f"  {tag:<24}{s.articles:>5}  {_pct(s.events.precision)}  {_pct(s.events.recall)}  "
                     f"{_pct(s.events.f1)}{s.false_alarms:>5}  {_pct(s.fields['date'].value)}  "
                     f"{_pct(s.fields['place'].value)}")
    return lines


def _calibration_lines(report: EvalReport) -> list[str]:
    lines = ["", "Calibration (predicted events by confidence):"]
    for b in report.calibration:
        lines.append(f"  [{b.low:.2f}, {min(b.high, 1.0):.2f})  {b.events:>4} events  right {_pct(b.precision)}")
    return lines


def _error_line(error: ErrorItem) -> str:
    exp = error.expected.center if error.expected else "-"
    pred = error.predicted.center if error.predicted else "-"
    detail = f" [{', '.join(error.fields)}]" if error.fields else ""
    return f"  {error.kind:<12}{error.case:<44} expected {exp} / got {pred}{detail}"


def format_summary(report: EvalReport, max_errors: int = 40, min_tag_articles: int = 3) -> str:
    """A readable table of the report for the terminal."""
    lines = _overall_lines(report) + _calibration_lines(report) + _tag_lines(report, min_tag_articles)
    errors = report.errors
    shown = min(len(errors), max_errors)
    lines += ["", f"Errors: {len(errors)} (first {shown} shown; all in the JSON report)"]
    lines += [_error_line(e) for e in errors[:max_errors]]
    if report.unknown_urls:
        lines.append(f"Events for {len(report.unknown_urls)} URLs not in the gold set were ignored.")
    if report.bad_lines:
        lines.append(f"{len(report.bad_lines)} output lines could not be read (see bad_lines in the JSON).")
    return "\n".join(lines) + "\n"


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tools.evaluation", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gold", type=Path, default=REPO_DIR / "tests" / "data" / "gold",
                        help="directory of gold files (default: tests/data/gold)")
    parser.add_argument("--out", type=Path, default=Path("eval.json"),
                        help="JSON report (default: eval.json)")
    parser.add_argument("--command", default=None,
                        help="extractor command to run instead of `python -m monitor extract`")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds (default 600)")
    parser.add_argument("--errors", type=int, default=40, help="errors to print (default 40)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `python -m tools.evaluation`: 0 when scored, 2 when it could not run."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = _parse_args(argv)
    command = shlex.split(args.command) if args.command else EXTRACT_COMMAND
    try:
        report = evaluate(args.gold, command, args.timeout)
    except EvaluationError as exc:
        sys.stderr.write(f"evaluation failed: {exc}\n")
        return 2
    args.out.write_text(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    sys.stdout.write(format_summary(report, args.errors))
    sys.stdout.write(f"\nReport written to {args.out}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
