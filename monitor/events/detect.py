"""events: launch (and overseas branch) events in an article that the lexicon matched.

For every center named in the text, the clause that names it is read for a launch trigger
(揭牌, 成立, 挂牌, …) that the center is the subject or object of. A trigger does not count when
it looks back (成立以来, 成立于, 五周年), when the sentence is a plan (筹建, 将于, 拟), when what is
launched is something of the center (its studio, account, practice base, new premises), when the
sentence is about an existing center's activity (论坛, 培训班) without a launch ceremony, or when
the ceremony's date lies well before publication (background: 中心于2018年成立).

A sub-center named after the parent (四川国际传播中心宜宾分中心) is a launch at its own place; one
named after a place abroad (…圣保罗工作站, …海外分中心) is a `branch` of the parent.
Place, date and partners come from their own modules; confidence adds up the evidence.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from monitor.events.centers import CenterName, name_at
from monitor.events.dates import resolve_event_date
from monitor.events.evidence import MarkKind, mark
from monitor.events.keys import center_name_key
from monitor.events.partners import find_partners
from monitor.events.places import Gazetteer, resolve_center_place
from monitor.models import Event, EventType, Hit, NormalizedText, Place, Sentence
from monitor.normalize import fold_width, paragraph_bounds, sentence_at, to_simplified

CLAUSE_AFTER = 40   # a trigger this far after the name, in the same clause
NEAR_BEFORE = 16    # a trigger this far before the name (成立了XX国际传播中心, 举行XX…)
STALE_DAYS = 45     # a ceremony this long before publication is background, not news
LOOK_BACK = re.compile(r"^(?:成立|揭牌|挂牌|运行|运营|正式)*"
                       r"(以来|于|后|之后|之初|时|至今|不久|前夕?|的?第?[一二三四五六七八九十两\d]+周年|周年|满|"
                       r"(半|[一二三四五六七八九十两\d]+个?)(年|月|周|天)(以?来|多来))")
PLAN = re.compile(r"(筹建|筹备|拟建|拟成立|拟于|将于|将在|即将|计划于|计划在|准备|规划建设|批复同意|同意设立|申报|"
                  r"争取|谋划|启动建设|加快建设)(?!之后|以后|后|，终于)")
# Before the trigger: the center is to be launched (将…组建, 力争…挂牌) or only attends (…参加挂牌活动).
FUTURE = re.compile(r"(将|力争|拟|预计|计划|有望|准备)")
ATTENDS = re.compile(r"^(?!由).*(参加|出席|见证|参与|观摩|应邀|负责同志|负责人|代表)")
STRONG = re.compile(r"^(揭牌|成立|挂牌|授牌|正式成立|揭牌成立|挂牌成立)")
ACTIVITY = re.compile(r"(论坛|培训班|培训会|研讨会|座谈会|年会|总结|推介会|交流会|颁奖|周年|调研|考察|参观|走进|"
                      r"发布会|大赛|比赛|招聘|招募)")
CEREMONY = re.compile(r"(揭牌|成立|挂牌|启动|授牌|上线|启用)(仪式|大会|活动)?")
# What is launched is a part or a product of the center, not the center itself.
PART_OF_CENTER = re.compile(r"(演播|工作室|基地|账号|专栏|栏目|频道|新址|直播间|实验室|平台|网站|客户端|"
                            r"专区|新版|改版|升级|二期|大楼|展厅|品牌|项目|节目|迁入|搬迁|推荐官|传播官|大使|聘书|颁发)")
ADVERBS_BEFORE_VERB = re.compile(r"(正式|已经|已|同步|顺利|成功|隆重|当天|今天|日前|近日|共同|\d+日|上午|下午|晚)+$")
# The center holds a ceremony for something it names (举行“…推荐官”授牌仪式).
CEREMONY_FOR = re.compile(r"(举行|举办|开展|组织)[^，。]*?[“《]")
SUB_UNIT = re.compile(r"(分中心|工作站|联络站|传播站|海外站|联络处|办事处|代表处|海外中心|海外办公室|办公室)")
OVERSEAS = re.compile(r"(海外|境外|驻外|国外|欧洲|美洲|非洲|中东|拉美)")
GENERIC_PREFIX = re.compile(r"^(.*[省市县区]?)?([一二三四五六七八九十两多各首数几\d]+"
                            r"(级|个|地|家|批|所|座|县|市|区|州|镇)|"
                            r"各地|各级|一批|多地|本地|当地|地方|省级|市级|县级|全国|我国|国家级)$")
# 揭牌仪式上，X国际传播中心与…签署: the sentence happens at the center's own ceremony.
CEREMONY_CONTEXT = re.compile(r"^(仪式|大会|活动)(上|现场|中|当天)?[，,]$")
RENAMED = re.compile(r"(更名|改名|易名|新的牌匾|换牌)")
# A ceremony that did not take place: postponed, called off, originally planned.
CALLED_OFF = re.compile(r"(推迟|延期|取消|暂停|改期|另行通知|原定于?|原计划)")
# A look back over a year or more (岁末回眸, 盘点): only what happened in the last days is news.
RETROSPECTIVE = re.compile(r"(回眸|盘点|回顾|年终|岁末|年末|十件大事|十大新闻|一年来|这一年)")
RETROSPECTIVE_DAYS = 7
COUNT_TAIL = re.compile(r"[一二三四五六七八九十两\d]+(地|个|家|座|所|县|市|区|州|镇)$")


@dataclass(frozen=True)
class Candidate:
    center: CenterName
    sentence: Sentence
    trigger: Hit
    type: EventType
    score: float
    place_name: str | None = None  # the sub-center's own place (宜宾 in 四川国际传播中心宜宾分中心)


def detect_events(url: str, title: str | None, normalized: NormalizedText, hits: list[Hit],
                  published: dt.date | None, province_hint: str | None = None,
                  gazetteer: Gazetteer | None = None) -> list[Event]:
    """The events of one article; [] when it reports no launch or branch."""
    gaz = gazetteer or Gazetteer.default()
    text = normalized.text
    province_hint = province_hint or dominant_province(text, gaz)
    triggers = [h for h in hits if h.category == "trigger"]
    names = _center_names(text, hits, gaz)
    candidates = _candidates(text, normalized.sentences, names, triggers, gaz, ceremony=False) \
        or _candidates(text, normalized.sentences, names, triggers, gaz, ceremony=True) \
        or _by_reference(text, normalized.sentences, names, triggers)
    retrospective = RETROSPECTIVE.search(text[:150]) is not None
    dated = [(c, date) for c in candidates
             if not _stale(date := resolve_event_date(text, c.trigger.start, published), published,
                           RETROSPECTIVE_DAYS if retrospective else STALE_DAYS)]
    current = [c for c, _ in dated]
    best: dict[str, tuple[tuple[float, int, int], Event]] = {}
    for c, date in dated:
        scope = _scope(text, c, current, normalized.sentences)
        event = _event(url, title, normalized, c, date, province_hint, gaz, scope)
        # Most confident first; then the more precise date; then the later sentence (body over headline).
        rank = (round(event.confidence, 3), len(event.date or ""), c.sentence.start)
        key = f"{event.type}|{center_name_key(c.center.name)}"  # 婺源县… and 婺源… are one center
        if key not in best or rank > best[key][0]:
            best[key] = (rank, event)
    return sorted((e for _, e in best.values()), key=lambda e: text.find(e.center))


def _candidates(text: str, sentences: tuple[Sentence, ...], names: list[CenterName], triggers: list[Hit],
                gaz: Gazetteer, ceremony: bool) -> list[Candidate]:
    """Launch candidates; with `ceremony`, also a center named at a ceremony (揭牌仪式上，X…), which is
    weaker evidence and only counts when no center has a trigger of its own."""
    found = [_classify(text, sentences, center, triggers, gaz, ceremony) for center in names]
    return _drop_contained([c for c in found if c is not None])


# The one center of an article named by reference: 该中心, 中心, 这一…机构, 这家…机构.
REFERENCE = re.compile(r"(该中心|这个中心|(?:^|(?<=[，,；;。\s]))中心|这一[^，。]{0,30}机构|这家[^，。]{0,30}机构|"
                       r"该机构)")
OTHER_SUBJECT = re.compile(r"(中心|工作站|站|工作室|基地|平台|账号|大楼|频道|研究院|联盟)")


def _by_reference(text: str, sentences: tuple[Sentence, ...], names: list[CenterName],
                  triggers: list[Hit]) -> list[Candidate]:
    """历经半年筹备，这一…机构于当天在合肥正式揭牌运行: when an article names one center and a sentence
    launches it by reference only, that sentence is the launch (with less confidence)."""
    if len({center_name_key(n.name) for n in names}) != 1:
        return []
    for sentence in sentences:
        body = text[sentence.start:sentence.end]
        if "国际传" in body or _plan(body) or RENAMED.search(body) or CALLED_OFF.search(body) \
                or not REFERENCE.search(body):
            continue
        for t in triggers:
            if sentence.start <= t.start < sentence.end and STRONG.match(text[t.start:t.end]) \
                    and not LOOK_BACK.match(text[t.end:t.end + 6]) and _subject_is_reference(text, sentence, t):
                return [Candidate(names[0], sentence, t, "launch", 0.45)]
    return []


def _subject_is_reference(text: str, sentence: Sentence, trigger: Hit) -> bool:
    """The reference stands before the verb in its clause, and nothing else is launched there."""
    commas = [m.end() for m in re.finditer(r"[，,；;]", text[sentence.start:trigger.start])]
    clause_start = sentence.start + (commas[-1] if commas else 0)
    before = text[clause_start:trigger.start]
    reference = REFERENCE.search(text[sentence.start:trigger.start])
    if reference is None:
        return False
    own = before.replace(reference.group(0), "")
    return not (OTHER_SUBJECT.search(own) or "的" in own[-2:] or ACTIVITY.search(before)
                or FUTURE.search(text[sentence.start:trigger.start]))


def dominant_province(text: str, gaz: Gazetteer) -> str | None:
    """The province the article names most often (through any of its places), if any."""
    counts: dict[str, int] = {}
    for mention in gaz.mentions(text):
        counts[mention.place.province] = counts.get(mention.place.province, 0) + 1
    return max(counts, key=lambda p: counts[p]) if counts else None


def _center_names(text: str, hits: list[Hit], gaz: Gazetteer) -> list[CenterName]:
    names = []
    for hit in hits:
        if hit.category == "center":
            name = _without_count(text, name_at(text, hit.start, hit.end, gaz), gaz)
            if not name.generic and not GENERIC_PREFIX.match(name.prefix):
                names.extend([*_coordinated(text, name, gaz), name])
    return names


def _without_count(text: str, name: CenterName, gaz: Gazetteer) -> CenterName:
    """武威、张掖、酒泉三地国际传播中心: drop the count word so that the places can be shared out."""
    count = COUNT_TAIL.search(name.prefix)
    place = name.prefix[:count.start()] if count else ""
    if not count or not place or gaz.lookup(place) is None:
        return name
    suffix = text[name.suffix_start:name.end]
    return CenterName(place + suffix, name.start, name.end, name.suffix_start)


def _coordinated(text: str, name: CenterName, gaz: Gazetteer) -> list[CenterName]:
    """洛阳、开封和许昌国际传播中心: the places before the last one share its suffix."""
    suffix = text[name.suffix_start:name.end]
    found: list[CenterName] = []
    at = name.start
    while at > 1 and text[at - 1] in "、和及与":
        before = [m for m in gaz.mentions(text[max(0, at - 13):at - 1]) if m.end == min(at - 1, 12)]
        if not before:
            break
        start = max(0, at - 13) + before[-1].start
        found.insert(0, CenterName(text[start:at - 1] + suffix, start, name.end, name.suffix_start))
        at = start
    return found


def _clause_after(text: str, center: CenterName, sentence: Sentence) -> str:
    tail = text[center.end:min(sentence.end, center.end + CLAUSE_AFTER)]
    return re.split(r"[，,；;。！？]", tail, maxsplit=1)[0]


def _triggers_near(text: str, center: CenterName, sentence: Sentence, triggers: list[Hit],
                   ceremony: bool = False) -> list[Hit]:
    clause_end = center.end + len(_clause_after(text, center, sentence))
    near = [t for t in triggers if center.end <= t.start < clause_end
            or (sentence.start <= t.start and 0 <= center.start - t.end <= NEAR_BEFORE
                and (not re.search(r"[，,；;]", text[t.end:center.start])
                     or (ceremony and CEREMONY_CONTEXT.match(text[t.end:center.start])
                    and STRONG.match(text[t.start:t.end]))))]
    return [t for t in near if not LOOK_BACK.match(text[t.end:t.end + 6])]


def _plan(body: str) -> bool:
    """A plan or a future launch (筹建, 将于, 拟); 经过/历经…筹备 looks back on the preparation."""
    return any(not re.search(r"(经过|历经|经)", body[max(0, m.start() - 8):m.start()])
               for m in PLAN.finditer(body))


def _trigger_later(text: str, center: CenterName, sentence: Sentence, triggers: list[Hit]) -> list[Hit]:
    """三峡国际传播中心，在经过近半年的筹备之后，18日上午…揭牌: the center opens the sentence and a
    strong launch verb closes a later clause, with no other center named in between."""
    if not re.search(r"(^|[，,；;：:\s的）)])$", text[max(sentence.start, center.start - 1):center.start] or " "):
        return []
    later = [t for t in triggers if center.end < t.start < sentence.end and STRONG.match(text[t.start:t.end])
             and not LOOK_BACK.match(text[t.end:t.end + 6])]
    return [t for t in later[:1] if "国际传" not in text[center.end:t.start]]


def _classify(text: str, sentences: tuple[Sentence, ...], center: CenterName, triggers: list[Hit],
              gaz: Gazetteer, ceremony: bool = False) -> Candidate | None:
    sentence = sentence_at(sentences, center.start)
    if sentence is None:
        return None
    near = _triggers_near(text, center, sentence, triggers, ceremony) \
        or _trigger_later(text, center, sentence, triggers)
    body = text[sentence.start:sentence.end]
    if not near or _plan(body) or RENAMED.search(body) or CALLED_OFF.search(body):
        return None
    trigger = min(near, key=lambda t: abs(t.start - center.end))
    between = text[center.end:trigger.start] if trigger.start >= center.end else text[trigger.end:center.start]
    unit = SUB_UNIT.search(between) if trigger.start >= center.end else None
    if unit:
        return _sub_unit(text, center, sentence, trigger, unit, gaz)
    if _launches_a_part(between) and not between.startswith("暨"):
        return None
    if trigger.start >= center.end and (FUTURE.search(between) or ATTENDS.search(between)):
        return None
    around = between + text[trigger.end:trigger.end + 8]
    if ACTIVITY.search(around) and not _launch_ceremony(body):
        return None
    return Candidate(center, sentence, trigger, "launch", _score(text, center, trigger, sentence))


def _launches_a_part(between: str) -> bool:
    """What the trigger launches is a part of the center: named right after the center (…中心演播中心
    启用) or right before the verb (…开设的“Hello Luoyang”账号正式上线); a venue (在…大楼内揭牌) is not."""
    attached = re.split(r"[在于，,；]", between, maxsplit=1)[0]
    before_verb = ADVERBS_BEFORE_VERB.sub("", between)
    return bool(PART_OF_CENTER.search(attached) or CEREMONY_FOR.search(between)
                or re.search(f"({PART_OF_CENTER.pattern})[”」\"]?$", before_verb))


def _launch_ceremony(body: str) -> bool:
    return re.search(r"(揭牌|成立|挂牌|启动|授牌)(仪式|大会)", body) is not None


def _sub_unit(text: str, center: CenterName, sentence: Sentence, trigger: Hit, unit: re.Match[str],
              gaz: Gazetteer) -> Candidate | None:
    """四川国际传播中心宜宾分中心 (a launch in 宜宾) or …圣保罗工作站 (an overseas branch)."""
    between = text[center.end:trigger.start]
    label = between[:unit.start()]
    if re.search(r"[，,；;。]", between[:unit.end()]) or len(label) > 12:
        return None
    end = center.end + unit.end()
    full = CenterName(text[center.start:end], center.start, end, center.suffix_start)
    score = _score(text, full, trigger, sentence)
    domestic = gaz.lookup(label) if label else None
    if domestic is not None and not OVERSEAS.search(label):
        return Candidate(full, sentence, trigger, "launch", score, domestic.name)
    if label or OVERSEAS.search(text[sentence.start:sentence.end]):
        return Candidate(full, sentence, trigger, "branch", score)
    return None


def _score(text: str, center: CenterName, trigger: Hit, sentence: Sentence) -> float:
    score = 0.55
    gap = trigger.start - center.end if trigger.start >= center.end else center.start - trigger.end
    score += 0.2 if gap <= 4 else 0.1
    if re.search(r"(仪式|大会|正式)", text[sentence.start:sentence.end]):
        score += 0.1
    if text[trigger.end:trigger.end + 1] == "的":
        score -= 0.2
    return score


def _drop_contained(candidates: list[Candidate]) -> list[Candidate]:
    """A name inside a longer candidate's name (四川国际传播中心 in …宜宾分中心) is not its own event
    when both come from the same sentence."""
    kept = []
    for c in candidates:
        if not any(o is not c and c.center.name in o.center.name and o.center.name != c.center.name
                   and o.sentence == c.sentence for o in candidates):
            kept.append(c)
    return kept


def _stale(date: str | None, published: dt.date | None, days: int = STALE_DAYS) -> bool:
    """A ceremony date well before publication: the article looks back on an older launch."""
    if not date or not published:
        return False
    parts = [int(p) for p in date.split("-")]
    if len(parts) == 1:
        return parts[0] < published.year
    if len(parts) == 2:  # a month: judged by its last day
        following = dt.date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
        return (published - following).days > days - 1
    return (published - dt.date(*parts)).days > days


def _scope(text: str, c: Candidate, candidates: list[Candidate],
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
    suffix = re.search(r"(国际传播中心|国际传媒中心|对外传播中心)", name)
    if suffix is None:
        return name
    return name[suffix.end():] or name[:suffix.start()] or name


def _event(url: str, title: str | None, normalized: NormalizedText, c: Candidate, date: str | None,
           province_hint: str | None, gaz: Gazetteer, scope: list[tuple[int, int]]) -> Event:
    text = normalized.text
    context_start, context_end = paragraph_bounds(text, c.sentence.start)
    place = _place(c, text, text[max(0, context_start - 200):context_end], province_hint, gaz)
    owner = place.name if place and place.level == "other" else None  # 由山东省港口集团设立: the owner
    found = dict.fromkeys(p for start, end in scope for p in find_partners(text, start, end, c.center.name))
    partners = tuple(p for p in found if p != c.center.name and p != owner)
    confidence = c.score + (0.05 if place else -0.1) + _date_weight(date)
    if title and c.center.name in to_simplified(fold_width(title)):
        confidence += 0.05
    return Event(url, c.type, c.center.name, place, date, partners, max(0.05, min(0.99, confidence)),
                 evidence(normalized, c))


def _date_weight(date: str | None) -> float:
    """A ceremony day found in the text is evidence; a month or a bare year is weaker."""
    if date is None:
        return -0.05
    return {10: 0.1, 7: 0.0}.get(len(date), -0.05)


def _place(c: Candidate, text: str, context: str, province_hint: str | None, gaz: Gazetteer) -> Place | None:
    parent = resolve_center_place(gaz, c.center.name, context, province_hint)
    if c.place_name:
        return gaz.lookup(c.place_name, parent.province if parent else province_hint) or parent
    if parent and parent.level == "other":  # an enterprise or university: where the article places it
        elsewhere = text.replace(c.center.name, " ").replace(parent.name, " ")
        province = dominant_province(elsewhere, gaz)
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
    if c.trigger.end <= center[0] or c.trigger.start >= center[1]:
        marks.append((c.trigger.start, c.trigger.end, "trigger"))
    out = original[start:end]
    for s, e, kind in sorted(marks, reverse=True):
        if start <= s and e <= end:
            out = out[: s - start] + mark(out[s - start:e - start], kind) + out[e - start:]
    return out.strip()
