"""How an expected and a predicted event are compared: names, codes and dates, and the one-to-one pairing.

Names are compared in one normalized form (`normalize_name`): pinyin annotations such as (guó) removed,
simplified script, without white space (zero-width characters included), quotes, book-title marks or
question marks. Dates may be year-less in a gold set (`--MM-DD`, `--MM`: the article gives no year);
`date_matches` accepts any dated form that ends in them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from monitor.normalize import to_simplified
from tools.evaluation.records import EventRecord, PlaceRecord

FIELDS = ("province", "level", "place", "code", "date")
# Characters dropped before names are compared (besides white space): zero-width characters, quotes,
# book-title marks and question marks.
_STRIP = frozenset("\u200b\u200c\u200d\u2060\ufeff\"'“”‘’「」『』《》〈〉?？")
# A pinyin annotation after a character, as aggregator and learner sites print them: 国(guó)际.
_PINYIN = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")
# Bare generic names never match another name by containment (they would match every center).
GENERIC_CENTERS = frozenset({"中心", "分中心", "国际传播中心", "国际传媒中心", "国际传播分中心"})
PARTNER_MIN_CONTAINED = 4

def normalize_name(text: str | None) -> str:
    """The form names are compared in (see the module's doc)."""
    if not text:
        return ""
    simplified = to_simplified(_PINYIN.sub("", text))
    return "".join(ch for ch in simplified if ch not in _STRIP and not ch.isspace())


def names_overlap(a: str | None, b: str | None) -> bool:
    """The dev set's name test: both non-empty once normalized, and one contains the other."""
    x, y = normalize_name(a), normalize_name(b)
    return bool(x) and bool(y) and (x in y or y in x)


def code_key(code: str | None) -> str | None:
    """An administrative code without its trailing zero pairs: 410300, 4103 → 4103; 410000, 41 → 41."""
    if code is None:
        return None
    key = str(code).strip()
    while len(key) > 2 and key.endswith("00"):
        key = key[:-2]
    return key or None


def date_matches(expected: str | None, predicted: str | None) -> bool:
    """Equal; a year-less expected date also matches that date with a year (--03-28 ~ 2025-03-28, --06 ~ 2025-06)."""
    if expected == predicted:
        return True
    if not expected or not predicted or not expected.startswith("--"):
        return False
    tail = expected[1:]
    return len(predicted) == 4 + len(tail) and predicted[:4].isdigit() and predicted[4:] == tail


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
        "date": date_matches(expected.date, predicted.date),
    }
