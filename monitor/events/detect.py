"""events: launch (and overseas branch) events in an article that the lexicon matched.

For every center named in the text, the clause that names it is read for a launch trigger
(揭牌, 成立, 挂牌, …) that the center is the subject or object of. A trigger does not count when
it looks back (成立以来, 成立于, 五周年), when its clauses are a plan (筹建, 将于10月, 拟, 力争…前),
when what is launched is something of the center (its studio, account, practice base, new premises,
products), when the center only qualifies what the sentence is about (新近成立的X的产品), gives the
plaque to another center (X为Y授牌) or founds something (工作站由X设立), when the sentence is about an
existing center's activity (论坛, 培训班) without a launch ceremony, when the center is named as already
there (已有X投入运行, 此前成立的X), when the line is a link to another page (相关阅读, 上一篇), or when the ceremony's
date lies well before publication (background: 中心于2018年成立; a late copy of the launch report, or a
founding of the page's year told as an event, is kept, marked late).

A launch announced for a stated day (将于明天/26日/本月28日揭牌, 明天上午将在…揭牌) is a launch dated that day. A center
named once and launched by reference (该中心的揭牌仪式…举行, 这一平台…正式上线运行) is launched in
that sentence; so is one known only by its founding place (…市成立了一个国际传播中心), and one whose
plaque is hung (一块写着“X”的铜牌被挂上…).

A sub-center named after the parent (四川国际传播中心宜宾分中心) is a launch at its own place; one
named after a place abroad (…圣保罗工作站, …海外分中心) is a `branch` of the parent; an "overseas" station
set up at home (在省内企业设立的海外传播联络站) is neither.
Place, date and partners come from their own modules; confidence adds up the evidence.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from monitor.events.age import RETROSPECTIVE_DAYS, STALE_DAYS, late_report, retrospective, stale
from monitor.events.center_places import organization_province, resolve_center_place
from monitor.events.centers import CenterName, aliases_of, name_at, named_by_place, with_aliases
from monitor.events.clauses import (
    CENTER_WORD,
    FUTURE,
    LOOK_BACK,
    clauses_about,
    in_link_list,
    plan,
    plaque_hung,
    scheduled,
)
from monitor.events.dates import event_date
from monitor.events.evidence import MarkKind, mark
from monitor.events.keys import center_name_key
from monitor.events.partners import find_partners
from monitor.events.places import Gazetteer
from monitor.events.reference import DateContext
from monitor.models import Event, EventType, Hit, NormalizedText, Place, Sentence
from monitor.normalize import paragraph_bounds, sentence_at, simplify

CLAUSE_AFTER = 40   # a trigger this far after the name, in the same clause
NEAR_BEFORE = 16    # a trigger this far before the name (成立了XX国际传播中心, 举行XX…)
ATTENDS = re.compile(r"^(?!由).*(参加|出席|见证|参与|观摩|应邀|负责同志|负责人|代表)")
# 内地城市国际传播中心, 各地国际传播中心: a kind of center named as a partner, not an organization.
GENERIC_PARTNER = re.compile(r"(^|城市|地方|各地|内地|基层|兄弟|周边|相关|其他|多个|省内|市内|"
                             r"县级|市级|省级|区级|全国|各级)$")
# Launch verbs that take an object, and what may follow them when they launch the center itself.
TRANSITIVE = re.compile(r"(设立|启动|上线|启用|开通|组建|推出|投用)")
INTRANSITIVE_AFTER = re.compile(r"了?([，,。；;！!？?\s、）)”」]|$|仪式|典礼|庆典|大会|会|运行|运营|暨|当天|当日|"
                                r"之际|现场|以来|后|并|和|及|与|上线|揭牌|成立|启用|挂牌)")
# 海南国际传媒中心为三亚国际传播中心授牌: the center before 为/向 gives the plaque, the other receives it.
GIVER = re.compile(r"(为|向|给)[^，。；]{2,30}(中心|机构|平台)")
STRONG = re.compile(r"^(揭牌|成立|挂牌|授牌|正式成立|揭牌成立|挂牌成立|设立)")
ACTIVITY = re.compile(r"(论坛|培训班|培训会|研讨会|座谈会|年会|总结|推介会|交流会|颁奖|周年|调研|考察|参观|走进|"
                      r"发布会|大赛|比赛|招聘|招募)")
CEREMONY = re.compile(r"(揭牌|成立|挂牌|启动|授牌|上线|启用|设立)(仪式|典礼|庆典|大会|活动)?")
# What is launched is a part or a product of the center, not the center itself.
PART_OF_CENTER = re.compile(r"(演播|工作室|基地|账号|专栏|栏目|频道|新址|直播间|实验室|平台|网站|客户端|"
                            r"专区|新版|改版|升级|二期|大楼|展厅|品牌|项目|节目|迁入|搬迁|推荐官|传播官|大使|聘书|颁发|"
                            r"视频|作品|产品|纪录片|宣传片|矩阵|首批|内容|专题|期刊|杂志|报告|小程序)")
ADVERBS_BEFORE_VERB = re.compile(r"(正式|已经|已|同步|顺利|成功|隆重|当天|今天|日前|近日|共同|\d+日|上午|下午|晚)+$")
# The center holds a ceremony for something it names (举行“…推荐官”授牌仪式).
CEREMONY_FOR = re.compile(r"(举行|举办|开展|组织)[^，。]*?[“《]")
SUB_UNIT = re.compile(r"(分中心|工作站|联络站|传播站|海外站|联络处|办事处|代表处|海外中心|海外办公室|办公室)")
OVERSEAS = re.compile(r"(海外|境外|驻外|国外|欧洲|美洲|非洲|中东|拉美)(传播)?")
DOMESTIC = re.compile(r"在(省内|市内|区内|县内|州内|国内|境内)(?!外)")  # a unit set up at home (not 国内外)
GENERIC_PREFIX = re.compile(r"^(.*[省市县区]?)?([一二三四五六七八九十两多各首数几\d]+"
                            r"(级|个|地|家|批|所|座|县|市|区|州|镇)|"
                            r"各地|各级|一批|多地|本地|当地|地方|省级|市级|县级|区级|州级|乡级|镇级|地级|"
                            r"全国|我国|国家级|区域性|地方性|综合性)$")
# 揭牌仪式上，X国际传播中心与…签署: the sentence happens at the center's own ceremony.
CEREMONY_CONTEXT = re.compile(r"^(仪式|典礼|庆典|大会|活动)(上|现场|中|当天)?[，,]$")
RENAMED = re.compile(r"(更名|改名|易名|新的牌匾|换牌)")
# 丽水已有X国际传播中心投入运行, 此前成立的X: a center that is already there, named in passing.
EXISTING = re.compile(r"(已有|已经有|早已有|原有|现有)[^，。；,;]{0,12}$")
EARLIER = re.compile(r"(此前|在此之前|早在|先前|之前已)")
# A ceremony that did not take place: postponed, called off, originally planned.
CALLED_OFF = re.compile(r"(推迟|延期|取消|暂停|改期|另行通知|原定于?|原计划)")
COUNT_TAIL = re.compile(r"[一二三四五六七八九十两\d]+(地|个|家|座|所|县|市|区|州|镇)$")
# 新近成立的X国际传播中心(和Y国际传播中心)的两大产品…: the center only qualifies what the sentence is about.
MODIFIER_OF = re.compile(r"(?:(?:和|与|及|、)[^，。；的]{2,24}?(?:中心))?的")


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
                  gazetteer: Gazetteer | None = None, fetched: dt.date | None = None) -> list[Event]:
    """The events of one article; [] when it reports no launch or branch. `fetched` (monitor run) is
    the last reference for dates when nothing else gives the page's day."""
    gaz = gazetteer or Gazetteer.default()
    text = normalized.text
    hits = normalized.in_text(hits)  # the lexicon's offsets are the original's; the rules read the copy
    province_hint = province_hint or dominant_province(text, gaz)
    triggers = [h for h in hits if h.category == "trigger"]
    names, generic = _center_names(text, hits, gaz)
    candidates = _launch_candidates(text, normalized.sentences, names, generic, triggers, gaz)
    dated = _dated(text, normalized.sentences, candidates, DateContext(published, url, fetched),
                   retrospective(simplify(title or "").text, text))
    current = [c for c, _, _ in dated]
    best: dict[str, tuple[tuple[float, int, int], Event]] = {}
    for c, date, late in dated:
        scope = _scope(text, c, current, normalized.sentences)
        event = _event(url, title, normalized, c, date, province_hint, gaz, scope)
        event = replace(event, late=True) if late else event
        # Most confident first; then the more precise date; then the later sentence (body over headline).
        rank = (round(event.confidence, 3), len(event.date or ""), c.sentence.start)
        key = f"{event.type}|{center_name_key(c.center.name)}"  # 婺源县… and 婺源… are one center
        if key not in best or rank > best[key][0]:
            best[key] = (rank, event)
    return sorted((e for _, e in best.values()), key=lambda e: text.find(e.center))


def _launch_candidates(text: str, sentences: tuple[Sentence, ...], names: list[CenterName],
                       generic: list[CenterName], triggers: list[Hit], gaz: Gazetteer) -> list[Candidate]:
    """Centers with a trigger of their own; else centers named at a ceremony; else the one center launched
    by reference (该中心的揭牌仪式…), or by a generic phrase (全县首个县级国际传播中心揭牌成立). A center
    known only from its founding place (…市成立了一个国际传播中心) is weak: a sentence that launches it by
    reference competes with it (and dates it better)."""
    found = _candidates(text, sentences, names, triggers, gaz, ceremony=False) \
        or _candidates(text, sentences, names, triggers, gaz, ceremony=True)
    if not found or all(c.center.inferred for c in found):
        found = found + (_by_reference(text, sentences, names, triggers)
                         or _by_generic_phrase(text, sentences, names, generic, triggers, gaz))
    return found


def _by_generic_phrase(text: str, sentences: tuple[Sentence, ...], names: list[CenterName],
                       generic: list[CenterName], triggers: list[Hit], gaz: Gazetteer) -> list[Candidate]:
    """我县首个县级国际传播中心今天揭牌成立 in an article that names one center: the generic phrase is
    that center."""
    if len({center_name_key(n.name) for n in names}) != 1:
        return []
    written = next((n for n in names if not n.inferred), names[0])
    for mention in generic:
        if not SINGULAR.search(text, max(0, mention.start - 10), mention.start):
            continue  # 各县级国际传播中心, 12个国际传播中心: many centers, not this one
        as_named = CenterName(written.name, mention.start, mention.end, mention.suffix_start)
        found = _classify(text, sentences, as_named, triggers, gaz)
        if found is not None and found.type == "launch":
            return [replace(found, score=REFERENCE_SCORE)]
    return []


def _candidates(text: str, sentences: tuple[Sentence, ...], names: list[CenterName], triggers: list[Hit],
                gaz: Gazetteer, ceremony: bool) -> list[Candidate]:
    """Launch candidates; with `ceremony`, also a center named at a ceremony (揭牌仪式上，X…), which is
    weaker evidence and only counts when no center has a trigger of its own."""
    found = [_classify(text, sentences, center, triggers, gaz, ceremony) for center in names]
    return _drop_contained([c for c in found if c is not None])


# The one center of an article named by reference: 该中心, 中心, 这一…机构, 这家…机构, 这一平台.
REFERENCE = re.compile(r"(该中心|这个中心|这一中心|(?:^|(?<=[，,；;。\s]))中心|这一[^，。]{0,30}机构|"
                       r"这家[^，。]{0,30}机构|该机构|这一[^，。]{0,12}平台|该平台|这个平台)")
# Verbs that launch a center named by reference: the strong ones, and going live at the end of a clause
# (这一平台昨日正式上线运行), not going live with an object (该平台上线了新栏目).
REFERENCE_LAUNCH = re.compile(r"(上线|启用|投入使用|亮相)(运行)?(?=[，,。；;！\s]|$)|(上线|投入)运行")
CEREMONY_NOUN = re.compile(r"(仪式|典礼|庆典|大会)")
# A generic phrase that stands for one center: 首个县级…, 该…, 这家… (not 各县级…, 12个…).
SINGULAR = re.compile(r"(首个|首家|第一个|第一家|唯一|一个|一家|该|这个|这家|本)[^，。；、各多数几批等\d]{0,6}$")
REFERENCE_SCORE = 0.45  # a launch by reference, or of a center named only by its place
OTHER_SUBJECT = re.compile(r"(中心|工作站|站|工作室|基地|平台|账号|大楼|频道|研究院|联盟)")


def _by_reference(text: str, sentences: tuple[Sentence, ...], names: list[CenterName],
                  triggers: list[Hit]) -> list[Candidate]:
    """历经半年筹备，这一…机构于当天在合肥正式揭牌运行: when a sentence launches a center by reference
    only, that sentence is the launch (with less confidence) of the center the reference stands for: the
    one center of the article, or the last one named before as the subject of its clause (not a guiding
    or partner center: 在江西国际传播中心指导下，…)."""
    if not names:
        return []
    for sentence in sentences:
        body = text[sentence.start:sentence.end]
        if "国际传" in body or plan(body) or RENAMED.search(body) or CALLED_OFF.search(body) \
                or not REFERENCE.search(body):
            continue
        for t in triggers:
            if sentence.start <= t.start < sentence.end and _reference_launch(text, t) \
                    and not LOOK_BACK.match(text[t.end:t.end + 6]) and _subject_is_reference(text, sentence, t):
                referent = _referent(text, names, sentence.start)
                return [Candidate(referent, sentence, t, "launch", REFERENCE_SCORE)] if referent else []
    return []


def _referent(text: str, names: list[CenterName], before: int) -> CenterName | None:
    """The center that 该中心 stands for at `before`: the one center of the article; among several, the
    last named before it that is no guide, partner or object of another (与/由/在…指导下/为)."""
    if len({center_name_key(n.name) for n in names}) == 1:
        return next((n for n in names if not n.inferred), names[0])
    subjects = [n for n in names if n.end <= before and not n.inferred
                and not re.search(r"[与和及由在为同向跟对]$", text[max(0, n.start - 1):n.start])
                and not re.match(r"(的)?(指导|支持|帮助|合作)", text[n.end:n.end + 4])]
    return subjects[-1] if subjects else None


def _reference_launch(text: str, trigger: Hit) -> bool:
    return bool(STRONG.match(text[trigger.start:trigger.end])
                or REFERENCE_LAUNCH.match(text, trigger.start, min(len(text), trigger.end + 4)))


def _subject_is_reference(text: str, sentence: Sentence, trigger: Hit) -> bool:
    """The reference stands before the verb in its clause, and nothing else is launched there."""
    commas = [m.end() for m in re.finditer(r"[，,；;]", text[sentence.start:trigger.start])]
    clause_start = sentence.start + (commas[-1] if commas else 0)
    before = text[clause_start:trigger.start]
    reference = REFERENCE.search(text[sentence.start:trigger.start])
    if reference is None:
        return False
    own = before.replace(reference.group(0), "")
    possessive = "的" in own[-2:] and not (own.endswith("的") and _is_ceremony(text, trigger))
    lead = text[sentence.start:trigger.start]
    return not (OTHER_SUBJECT.search(own) or possessive or ACTIVITY.search(before)
                or (FUTURE.search(lead) and not scheduled(lead)))


def _is_ceremony(text: str, trigger: Hit) -> bool:
    """该中心的揭牌仪式: the trigger names the ceremony of the center (揭牌仪式, 成立大会)."""
    word = text[trigger.start:trigger.end]
    return bool(re.search(r"(仪式|典礼|庆典|大会)$", word) or CEREMONY_NOUN.match(text, trigger.end))


def dominant_province(text: str, gaz: Gazetteer) -> str | None:
    """The province the article names most often (through any of its places), if any."""
    counts: dict[str, int] = {}
    for mention in gaz.mentions(text):
        counts[mention.place.province] = counts.get(mention.place.province, 0) + 1
    return max(counts, key=lambda p: counts[p]) if counts else None


def _center_names(text: str, hits: list[Hit], gaz: Gazetteer) -> tuple[list[CenterName], list[CenterName]]:
    """The centers named in the text, and the generic phrases (县级国际传播中心, 该国际传播中心) apart: a
    generic phrase names no center, unless a place founds it (金华市成立了一个国际传播中心); a short form
    (以下简称…) names its full name."""
    names: list[CenterName] = []
    generic: list[CenterName] = []
    for hit in hits:
        if hit.category == "center":
            name = _without_count(text, name_at(text, hit.start, hit.end, gaz), gaz)
            if not name.generic and not GENERIC_PREFIX.match(name.prefix):
                names.extend([*_coordinated(text, name, gaz), name])
            elif (by_place := named_by_place(text, hit.start, hit.end, gaz)) is not None:
                names.append(by_place)
            else:
                generic.append(name)
    return with_aliases(text, names), generic


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
    # 成立…首个海外传播中心——X国际传播中心: the name stands in apposition, the verb reaches further.
    reach = 2 * NEAR_BEFORE if re.search(r"(——|—|：|:)$", text[max(0, center.start - 2):center.start]) \
        else NEAR_BEFORE
    near = [t for t in triggers if center.end <= t.start < clause_end
            or (sentence.start <= t.start and 0 <= center.start - t.end <= reach
                and (not re.search(r"[，,；;]", text[t.end:center.start])
                     or (ceremony and CEREMONY_CONTEXT.match(text[t.end:center.start])
                    and STRONG.match(text[t.start:t.end]))))]
    return [t for t in near if not LOOK_BACK.match(text[t.end:t.end + 6])
            and not (t.start >= center.end and _sets_up_something(text, t))]


def _sets_up_something(text: str, trigger: Hit) -> bool:
    """X国际传播中心在拉美设立…工作站, X国际传播中心上线英文网站, …启动“…”征集活动: a verb that takes an
    object (设立, 启动, 上线, 启用, 开通, 组建, 推出) launches something of the center when an object follows
    it. The center itself is launched only as the verb's object (设立X…), or when the verb ends its clause or
    names the ceremony (X…设立典礼, X正式上线。, X启动仪式, X上线运行, X启动暨…)."""
    verb = TRANSITIVE.search(text, trigger.start, trigger.end)
    return verb is not None and not INTRANSITIVE_AFTER.match(text, verb.end())


def _trigger_later(text: str, center: CenterName, sentence: Sentence, triggers: list[Hit]) -> list[Hit]:
    """三峡国际传播中心，在经过近半年的筹备之后，18日上午…揭牌: the center opens the sentence and a
    strong launch verb closes a later clause, with no other center named in between."""
    if not re.search(r"(^|[，,；;：:\s的）)])$", text[max(sentence.start, center.start - 1):center.start] or " "):
        return []
    later = [t for t in triggers if center.end < t.start < sentence.end and STRONG.match(text[t.start:t.end])
             and not LOOK_BACK.match(text[t.end:t.end + 6]) and not _sets_up_something(text, t)]
    return [t for t in later[:1] if "国际传" not in text[center.end:t.start]]


def _plaque(text: str, center: CenterName, sentence: Sentence) -> list[Hit]:
    """一块写着“X”的铜牌…被挂上: the verb that hangs the plaque bearing the name is the trigger."""
    hung = plaque_hung(text, sentence, center.start, center.end)
    return [Hit(text[hung[0]:hung[1]], "挂牌", "trigger", *hung)] if hung else []


def _classify(text: str, sentences: tuple[Sentence, ...], center: CenterName, triggers: list[Hit],
              gaz: Gazetteer, ceremony: bool = False) -> Candidate | None:
    sentence = sentence_at(sentences, center.start)
    if sentence is None:
        return None
    near = _triggers_near(text, center, sentence, triggers, ceremony) \
        or _trigger_later(text, center, sentence, triggers) or _plaque(text, center, sentence)
    body = text[sentence.start:sentence.end]
    if not near or RENAMED.search(body) or CALLED_OFF.search(body) or text[center.start - 1:center.start] == "由":
        return None  # 工作站由X国际传播中心与Y联合设立: the center founds, it is not founded
    trigger = min(near, key=lambda t: abs(t.start - center.end))
    # A plan counts in the sentence but for the clauses about another center: 辽宁…15日揭牌成立，宁夏…则将于…揭牌.
    if plan(clauses_about(text, sentence, min(center.start, trigger.start), max(center.end, trigger.end))):
        return None
    between = text[center.end:trigger.start] if trigger.start >= center.end else text[trigger.end:center.start]
    unit = SUB_UNIT.search(between) if trigger.start >= center.end else None
    if unit:
        return _sub_unit(text, center, sentence, trigger, unit, gaz)
    if _launches_a_part(between) and not between.startswith("暨"):
        return None
    if trigger.start >= center.end and ((FUTURE.search(between) and not scheduled(text[sentence.start:trigger.start]))
                                        or ATTENDS.search(between) or GIVER.match(between)):
        return None
    around = between + text[trigger.end:trigger.end + 8]
    if ACTIVITY.search(around) and not _launch_ceremony(body):
        return None
    if trigger.end <= center.start and text[trigger.end:trigger.end + 1] == "的" \
            and MODIFIER_OF.match(text, center.end):
        return None
    if in_link_list(text, center.start) or EXISTING.search(text, sentence.start, center.start) \
            or EARLIER.search(_clause_of(text, sentence, center, trigger)):
        return None
    score = REFERENCE_SCORE if center.inferred else _score(text, center, trigger, sentence)
    return Candidate(center, sentence, trigger, "launch", score)


def _clause_of(text: str, sentence: Sentence, center: CenterName, trigger: Hit) -> str:
    """The clause that holds the center and its trigger (继此前成立的A之后，B今天揭牌: B's is 'B今天揭牌')."""
    first = min(center.start, trigger.start)
    marks = [m.end() for m in re.finditer(r"[，,；;：:]", text[sentence.start:first])]
    return text[sentence.start + (marks[-1] if marks else 0):max(center.end, trigger.end)]


def _launches_a_part(between: str) -> bool:
    """What the trigger launches is a part of the center: named right after the center (…中心演播中心
    启用) or right before the verb (…开设的“Hello Luoyang”账号正式上线); a venue (在…大楼内揭牌) is not."""
    attached = re.split(r"[在于，,；]", between, maxsplit=1)[0]
    before_verb = ADVERBS_BEFORE_VERB.sub("", between)
    return bool(PART_OF_CENTER.search(attached) or CEREMONY_FOR.search(between)
                or re.search(f"({PART_OF_CENTER.pattern})[”」\"]?$", before_verb))


def _launch_ceremony(body: str) -> bool:
    return re.search(r"(揭牌|成立|挂牌|启动|授牌|设立)(仪式|典礼|庆典|大会)", body) is not None


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
    if OVERSEAS.fullmatch(label or "海外") and DOMESTIC.search(text):
        return None  # 在省内企业设立的首个海外传播联络站: a station at home that gathers stories from abroad
    if label or OVERSEAS.search(text[sentence.start:sentence.end]):
        return Candidate(full, sentence, trigger, "branch", score)
    return None


def _score(text: str, center: CenterName, trigger: Hit, sentence: Sentence) -> float:
    score = 0.55
    gap = trigger.start - center.end if trigger.start >= center.end else center.start - trigger.end
    score += 0.2 if gap <= 4 else 0.1
    if re.search(r"(仪式|典礼|庆典|大会|正式)", text[sentence.start:sentence.end]):
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


def _dated(text: str, sentences: tuple[Sentence, ...], candidates: list[Candidate],
           context: DateContext, looking_back: bool) -> list[tuple[Candidate, str | None, bool]]:
    """Each candidate with its date and whether the article reports it late. A ceremony well before the
    page's day is kept only when the article is the launch report itself (a late copy: see
    `age.late_report`); otherwise it is background (中心于2018年成立) and dropped. A look back over the year
    (岁末回眸, 盘点 in the title or the opening) keeps only the launches of its last days."""
    kept: list[tuple[Candidate, str | None, bool]] = []
    for c in candidates:
        date = event_date(text, c.trigger.start, context, c.center.name)
        if text[c.trigger.end:c.trigger.end + 1] == "的":  # 今年3月揭牌成立的X…: told of X, not as an event
            date = replace(date, narrated=False)
        if not stale(date.value, date.reference, RETROSPECTIVE_DAYS if looking_back else STALE_DAYS):
            kept.append((c, date.value, False))
        elif not looking_back and late_report(text, sentences, date, context):
            kept.append((c, date.value, True))
    return kept


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
    suffix = re.search(r"(国际传播中心|国际传媒中心|对外传播中心|国际流传中心|国际传扬中心)", name)
    if suffix is None:
        return name
    return name[suffix.end():] or name[:suffix.start()] or name


def _event(url: str, title: str | None, normalized: NormalizedText, c: Candidate, date: str | None,
           province_hint: str | None, gaz: Gazetteer, scope: list[tuple[int, int]]) -> Event:
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
    partners = tuple(p for p in found if p != owner and center_name_key(p) not in itself and not _generic_center(p))
    confidence = c.score + (0.05 if place else -0.1) + _date_weight(date)
    if title and c.center.name in simplify(title).text:
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
    """A ceremony day found in the text is evidence; a month or a bare year is weaker."""
    if date is None:
        return -0.05
    return {10: 0.1, 7: 0.0}.get(len(date), -0.05)


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
