"""An event's fields from its candidate: where its partners are read, its place, partners and confidence, and
the evidence shown to the analyst (the original sentence with the center and the trigger marked).

In a round-up each center's partners come from the sentences that name it alone (and those that follow them in
the paragraph); a branch's partners leave out the parent's own set-up. The place is the one the center's name
gives, else its operators' or the venue's; a university's or an enterprise's center is placed where the article
says. Confidence adds up the wording (`Candidate.score`), a place, a day and a title that names the center.
"""

from __future__ import annotations

import re

from monitor.events.candidate import Candidate
from monitor.events.center_places import organization_province, resolve_center_place
from monitor.events.centers import aliases_of
from monitor.events.clauses import CENTER_WORD
from monitor.events.evidence import MarkKind, mark
from monitor.events.keys import center_name_key, same_place_key
from monitor.events.partners import find_partners
from monitor.events.places import Gazetteer
from monitor.models import Event, NormalizedText, Place, Sentence
from monitor.normalize import paragraph_bounds, simplify

# 内地城市国际传播中心, 各地国际传播中心: a kind of center named as a partner, not an organization.
GENERIC_PARTNER = re.compile(r"(^|城市|地方|各地|内地|基层|兄弟|周边|相关|其他|多个|省内|市内|"
                             r"县级|市级|省级|区级|全国|各级)$")
DAY_PRECISE = re.compile(r"(^\d{4}|^-)-\d\d-\d\d$")  # 2025-12-26 or --12-26


def partner_scope(text: str, c: Candidate, candidates: list[Candidate],
                  sentences: tuple[Sentence, ...]) -> list[tuple[int, int]]:
    """Where an event's partners are read: the whole article when it reports one center; in a
    round-up, the sentences that name it alone and those that follow them in the same paragraph
    without naming another center (利川…。该中心依托…。 belongs to 利川, not to 巴东)."""
    keys = {center_name_key(o.center.name): _short(o.center.name) for o in candidates}
    mine = center_name_key(c.center.name)
    if len(keys) < 2:
        return [(0, len(text))]
    spans: list[tuple[int, int]] = []
    owner: str | None = None
    for sentence in sentences:
        if text[sentence.start - 1:sentence.start] == "\n":
            owner = None  # a new paragraph starts unowned
        body = text[sentence.start:sentence.end]
        named = {key for key, short in keys.items() if short in body}
        if named:
            owner = named.pop() if len(named) == 1 else None
        if owner == mine:
            spans.append((sentence.start, sentence.end))
    return spans or [(c.sentence.start, c.sentence.end)]


def _short(name: str) -> str:
    """The part of a center's name that tells it apart in a round-up: 利川 of 利川国际传播中心,
    延安分中心 of 陕西国际传播中心延安分中心."""
    suffix = re.search(r"(国际传播中心|国际传媒中心|对外传播中心|国际流传中心|国际传扬中心)", name)
    if suffix is None:
        return name
    return name[suffix.end():] or name[:suffix.start()] or name


def build_event(url: str, in_title: bool, normalized: NormalizedText, c: Candidate, date: str | None,
                province_hint: str | None, gaz: Gazetteer, scope: list[tuple[int, int]]) -> Event:
    """The event of candidate `c`; `in_title`: the title names its center (in any form of its place)."""
    text = normalized.text
    context_start, context_end = paragraph_bounds(text, c.sentence.start)
    parent = _parent(c)
    if parent:  # a branch: the parent's own set-up (X国际传播中心由A指导、B运营) is no partner of it
        scope = _without_parent_setup(text, normalized.sentences, scope, parent)
    found = dict.fromkeys(p for start, end in scope for p in find_partners(text, start, end, c.center.name))
    operators = tuple(found) if not parent else ()
    place = _place(c, text, text[max(0, context_start - 200):context_end], province_hint, gaz, operators)
    owner = place.name if place and place.level == "other" else None  # 由山东省港口集团设立: the owner
    itself = {center_name_key(n) for n in (c.center.name, *aliases_of(text, c.center.name), parent) if n}
    own = same_place_key(c.center.name, gaz)
    partners = tuple(p for p in found if p != owner and center_name_key(p) not in itself
                     and same_place_key(p, gaz) != own and not _generic_center(p))
    confidence = c.score + (0.05 if place else -0.1) + _date_weight(date)
    if in_title:
        confidence += 0.05
    return Event(url, c.type, c.center.name, place, date, partners, max(0.05, min(0.99, confidence)),
                 evidence(normalized, c))


def _generic_center(name: str) -> bool:
    """与内地城市国际传播中心合作: a kind of center, not an organization."""
    simplified = simplify(name).text
    term = CENTER_WORD.search(simplified)
    return term is not None and GENERIC_PARTNER.search(simplified[:term.start()]) is not None


def _parent(c: Candidate) -> str:
    """The parent center of a branch (晋江国际传播中心 of 晋江国际传播中心马尼拉联络处); "" for a launch."""
    term = CENTER_WORD.search(c.center.name) if c.type == "branch" else None
    return c.center.name[:term.end()] if term else ""


def _without_parent_setup(text: str, sentences: tuple[Sentence, ...], scope: list[tuple[int, int]],
                          parent: str) -> list[tuple[int, int]]:
    """The sentences of `scope` but those that tell how the parent center itself was founded or is run
    (X由…指导, X于2024年揭牌成立，由…运营)."""
    setup = re.compile(re.escape(parent) + r"(?:还|也|则)?(?:于[^。；，,]{0,16}[，,])?由")
    return [(s.start, s.end) for s in sentences for start, end in scope
            if start <= s.start and s.end <= end and not setup.search(text, s.start, s.end)]


def _date_weight(date: str | None) -> float:
    """A ceremony day found in the text is evidence (with a year or not: --09-12); a month or a bare year is
    weaker."""
    if date is None:
        return -0.05
    if DAY_PRECISE.search(date):
        return 0.1
    return 0.0 if len(date) == 7 else -0.05


def _place(c: Candidate, text: str, context: str, province_hint: str | None, gaz: Gazetteer,
           operators: tuple[str, ...] = ()) -> Place | None:
    parent = resolve_center_place(gaz, c.center.name, context, province_hint, operators, text)
    if c.place_name:
        return gaz.lookup(c.place_name, parent.province if parent else province_hint) or parent
    if parent and parent.level == "other":  # an enterprise or university: where the article places it
        province = organization_province(gaz, parent.name, text.replace(c.center.name, " "), province_hint)
        return Place(parent.name, province, "other", None) if province else parent
    if parent and parent.level in ("city", "county", "district") and not gaz.mentions(c.center.name) \
            and _provincial(text, c.center.name):
        return gaz.lookup(parent.province) or parent
    return parent


def _provincial(text: str, name: str) -> bool:
    """The text calls a center without a place in its name provincial (赣鄱国际传播中心是…省级…)."""
    for at in (m.end() for m in re.finditer(re.escape(name), text)):
        if re.search(r"(省级|全省首个|全省唯一|省委宣传部主管)", text[at:at + 40]):
            return True
    return False


def evidence(normalized: NormalizedText, c: Candidate) -> str:
    """The original sentence with the center ⟦…⟧ and the trigger ⟨…⟩ marked."""
    original = normalized.original
    start = normalized.to_original(c.sentence.start)
    end = normalized.to_original(c.sentence.end - 1) + 1
    center = (normalized.to_original(c.center.start), normalized.to_original(c.center.end - 1) + 1)
    marks: list[tuple[int, int, MarkKind]] = [(center[0], center[1], "center")]
    trigger = normalized.original_span(c.trigger.start, c.trigger.end)
    if trigger[1] <= center[0] or trigger[0] >= center[1]:
        marks.append((trigger[0], trigger[1], "trigger"))
    out = original[start:end]
    for s, e, kind in sorted(marks, reverse=True):
        if start <= s and e <= end:
            out = out[: s - start] + mark(out[s - start:e - start], kind) + out[e - start:]
    return out.strip()
