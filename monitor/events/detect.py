"""events: launch (and overseas branch) events in an article that the lexicon matched.

For every center named in the text, the clause that names it is read for a launch trigger
(揭牌, 成立, 挂牌, …) that the center is the subject or object of. A trigger does not count when
it looks back (成立以来, 成立于, 五周年; after a ceremony, 于28日 is the day it was held), when its clauses
are a plan (筹建, 将于10月, 拟, 力争…前, a period without a day: 下月中旬揭牌), when what is launched is
something of the center (its studio, account, practice base, new premises, products; also named after it:
授牌“X实践基地”), when the center only qualifies what the sentence is about (新近成立的X的产品) or is the
topic of a comment (X的揭牌，让…), gives a plaque (X为Y授牌, 并为该校授牌), founds something (工作站由X设立,
X发起成立…联盟) or reports (X记者了解到，…), when the sentence is about an existing center's activity (论坛,
培训班) without a launch ceremony, when the center is named as already there (已有X投入运行, 此前成立的X,
早在2023年，X已…成立), when the line is a link to another page (相关阅读, 上一篇), or when the ceremony's
date lies well before publication (background: 中心于2018年成立; a late copy of the launch report, or a
founding of the page's year told as an event, is kept, marked late). On a page without a day the text
itself tells background from news (monitor.events.background).

A launch announced for a stated day (将于明天/26日/本月28日/本周六揭牌, 明天上午将在…揭牌) is a launch dated
that day. A center named once and launched by reference (该中心的揭牌仪式…举行, 这一平台…正式上线运行) is
launched in that sentence; so is one known only by its founding place (…市成立了一个国际传播中心), and one
whose plaque is hung (一块写着“X”的铜牌被挂上…).

A sub-center named after the parent (四川国际传播中心宜宾分中心) is a launch at its own place; one
named after a place abroad (…圣保罗工作站, …海外分中心) is a `branch` of the parent; an "overseas" station
set up at home (在省内企业设立的海外传播联络站) is neither, nor is one whose label is in quotes or names a
kind of unit and no place (X国际传播中心“国际传播联络站”授牌仪式: stations it confers on companies). The
forms of one center's place in one article (a title's 湖北恩施州… and the body's 恩施州…, 长阳… and
长阳土家族自治县…) are one event, reported from the sentence that dates it best under its shortest form.
Place, partners and confidence come from monitor.events.fields, dates from monitor.events.dates.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from monitor.events.age import (
    RETROSPECTIVE_DAYS,
    STALE_DAYS,
    late_report,
    look_back_end,
    retrospective,
    stale,
)
from monitor.events.background import Told, background_without_day
from monitor.events.candidate import Candidate
from monitor.events.centers import CenterName, name_at, named_by_place, with_aliases
from monitor.events.clauses import (
    CENTER_WORD,
    CLAUSE_MARK,
    FUTURE,
    clauses_about,
    in_link_list,
    looks_back,
    plan,
    plaque_hung,
    scheduled,
)
from monitor.events.dates import EventDate, event_date
from monitor.events.fields import DAY_PRECISE, build_event, partner_scope
from monitor.events.keys import center_name_key, same_place_key
from monitor.events.places import Gazetteer
from monitor.events.reference import DateContext
from monitor.models import Event, Hit, NormalizedText, Sentence
from monitor.normalize import sentence_at, simplify

CLAUSE_AFTER = 40   # a trigger this far after the name, in the same clause
NEAR_BEFORE = 16    # a trigger this far before the name (成立了XX国际传播中心, 举行XX…)
ATTENDS = re.compile(r"^(?!由).*(参加|出席|见证|参与|观摩|应邀|负责同志|负责人|代表)")
# Launch verbs that take an object, and what may follow them when they launch the center itself.
TRANSITIVE = re.compile(r"(设立|启动|上线|启用|开通|组建|推出|投用|(?<=发起|牵头|联合|共同)成立)")
INTRANSITIVE_AFTER = re.compile(r"了?([，,。；;！!？?\s、）)”」]|$|仪式|典礼|庆典|大会|会|运行|运营|暨|当天|当日|"
                                r"之际|现场|以来|后|并|和|及|与|上线|揭牌|成立|启用|挂牌)")
# 海南国际传媒中心为三亚国际传播中心授牌, X为湖南科技大学授牌: the center before 为/向 gives the plaque.
GIVER = re.compile(r"^(并|还|同时|也|随后|现场)?(为|向|给)(?!期|了|进一步|加快|推动|更好)[^，,。；;]{2,30}$")
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
# X国际传播中心“国际传播联络站”授牌: a quoted label, or one that names a kind of unit and no place, names a program
# of the center (stations it confers on companies at home), not a branch abroad.
QUOTE_MARK = re.compile(r"[“”「」\"『』《》]")
# X国际传播中心「国际传播服务站」授牌仪式: what the ceremony is for stands in quotes right after the center.
QUOTED_THING = re.compile(r"^[“「\"『][^”」\"』，。]{1,16}[”」\"』]")
KIND_OF_UNIT = re.compile(r"(传播|宣传|企业|合作|服务|志愿|融媒|新闻|信息|联络)")
GENERIC_PREFIX = re.compile(r"^(.*[省市县区]?)?([一二三四五六七八九十两多各首数几\d]+"
                            r"(级|个|地|家|批|所|座|县|市|区|州|镇)|"
                            r"各地|各级|一批|多地|本地|当地|地方|省级|市级|县级|区级|州级|乡级|镇级|地级|"
                            r"区县|县区|市县|县市|市州|地市|市区县|县市区|"
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
    headline = simplify(title or "").text
    alone = len({center_name_key(n.name) for n in names}) == 1
    dated = _dated(text, normalized.sentences, candidates, DateContext(published, url, fetched),
                   retrospective(headline, text), alone)
    current = [c for c, _, _, _ in dated]
    titled = {same_place_key(n.name, gaz) for n in names if n.name in headline}
    best: dict[str, tuple[tuple[float, int, bool, int], Event]] = {}
    shortest: dict[str, str] = {}
    for c, date, late, own in dated:
        scope = partner_scope(text, c, current, normalized.sentences)
        in_title = c.center.name in headline or same_place_key(c.center.name, gaz) in titled
        event = build_event(url, in_title, normalized, c, date, province_hint, gaz, scope)
        event = replace(event, late=True) if late else event
        # Most confident first; then the more precise date, one read in the event's own sentence (…开办典礼于
        # 28日…, not 典礼现场，…为X揭牌 dated by the dateline); then the later sentence (body over headline).
        rank = (round(event.confidence, 3), len(event.date or ""), own, c.sentence.start)
        key = f"{event.type}|{same_place_key(c.center.name, gaz)}"  # 婺源县…, 江西婺源… and 婺源… are one
        if key not in best or rank > best[key][0]:
            best[key] = (rank, event)
        if len(c.center.name) < len(shortest.get(key, c.center.name + " ")):
            shortest[key] = c.center.name
    # One center, its shortest form: 婺源… over 婺源县…, 恩施州… over a title's 湖北恩施州….
    events = [replace(e, center=shortest[key]) for key, (_, e) in best.items()]
    return sorted(events, key=lambda e: text.find(e.center))


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
    if len({center_name_key(n.name) for n in names}) != 1 or _only_in_a_role(text, names):
        return []
    written = next((n for n in names if not n.inferred), names[0])
    for mention in generic:
        if not SINGULAR.search(text, max(0, mention.start - 10), mention.start):
            continue  # 各县级国际传播中心, 12个国际传播中心: many centers, not this one
        if not _level_fits(text[max(0, mention.start - 10):mention.end], written.name, gaz):
            continue  # 我县首个县级国际传播中心 is not 江西国际传播中心
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
REFERENCE = re.compile(r"((?:该|这个|这一|这家|这座|此)[^，。；]{0,12}?(?:中心|平台)|(?:^|(?<=[，,；;。\s]))中心|"
                       r"(?:该|这个|这一|这家)[^，。；]{0,30}?机构)")
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
                    and not looks_back(text, t.start, t.end) and _subject_is_reference(text, sentence, t):
                referent = _referent(text, names, sentence.start)
                return [Candidate(referent, sentence, t, "launch", REFERENCE_SCORE)] if referent else []
    return []


def _referent(text: str, names: list[CenterName], before: int) -> CenterName | None:
    """The center that 该中心 stands for at `before`: the one center of the article; among several, the
    last named before it that is no guide, partner or object of another (与/由/在…指导下/为)."""
    if len({center_name_key(n.name) for n in names}) == 1:
        return None if _only_in_a_role(text, names) else next((n for n in names if not n.inferred), names[0])
    subjects = [n for n in names if n.end <= before and not n.inferred and not _in_a_role(text, n)]
    return subjects[-1] if subjects else None


# Before or after a name: the center guides, supports, partners or attends (在X指导下, 与X签约, X负责人出席).
ROLE_BEFORE = re.compile(r"[与和及由在为同向跟对]$")
ROLE_AFTER = re.compile(r"(的)?(指导|支持|帮助|合作|负责人|负责同志|主任|总编|代表|相关负责|有关负责)")
LEVELS = {"省级": ("province",), "市级": ("city", "county"), "县级": ("county",), "区级": ("district", "county")}


def _in_a_role(text: str, name: CenterName) -> bool:
    return bool(ROLE_BEFORE.search(text, max(0, name.start - 1), name.start) or ROLE_AFTER.match(text, name.end))


def _only_in_a_role(text: str, names: list[CenterName]) -> bool:
    """Every mention of the article's one center is in a role (guide, partner, attendee): a reference or a
    generic phrase stands for another, unnamed center."""
    written = [n for n in names if not n.inferred]
    return bool(written) and all(_in_a_role(text, n) for n in written)


def _level_fits(phrase: str, name: str, gaz: Gazetteer) -> bool:
    """The level a generic phrase says (县级, 市级…) is that of the named center's place, when both are known."""
    level = next((levels for word, levels in LEVELS.items() if word in phrase), None)
    mentions = gaz.mentions(name)
    return level is None or not mentions or mentions[0].start != 0 or mentions[-1].place.level in level


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
    return not (OTHER_SUBJECT.search(VENUE.sub("", own)) or possessive or ACTIVITY.search(before)
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
            if not name.generic and not _generic_prefix(name.prefix, gaz):
                names.extend([*_coordinated(text, name, gaz), name])
            elif (by_place := named_by_place(text, hit.start, hit.end, gaz)) is not None:
                names.append(by_place)
            else:
                generic.append(name)
    return with_aliases(text, names), generic


def _generic_prefix(prefix: str, gaz: Gazetteer) -> bool:
    """各县区/县级/多地 before 国际传播中心 name no center; but a generic word may end a place's own name
    (沙县区 ends in 县区, 沙市区 in 市区): then the prefix is the place."""
    match = GENERIC_PREFIX.match(prefix)
    if match is None:
        return False
    word = match.group(2)
    return not any(gaz.candidates(prefix[start:]) for start in range(len(prefix) - len(word)))


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
                         and STRONG.match(text[t.start:t.end]) and not _ceremony_of_another(text, sentence, t))))]
    return [t for t in near if not looks_back(text, t.start, t.end)
            and not (t.start >= center.end and _sets_up_something(text, t))]


def _ceremony_of_another(text: str, sentence: Sentence, trigger: Hit) -> bool:
    """昭通学院国际传播研究院揭牌仪式上，X…: the ceremony names what it launches, and that is not X."""
    marks = [m.end() for m in CLAUSE_MARK.finditer(text, sentence.start, trigger.start)]
    return OTHER_THING.search(VENUE.sub("", text[marks[-1] if marks else sentence.start:trigger.start])) is not None


def _sets_up_something(text: str, trigger: Hit) -> bool:
    """X国际传播中心在拉美设立…工作站, X国际传播中心上线英文网站, …启动“…”征集活动: a verb that takes an
    object (设立, 启动, 上线, 启用, 开通, 组建, 推出) launches something of the center when an object follows
    it. The center itself is launched only as the verb's object (设立X…), or when the verb ends its clause or
    names the ceremony (X…设立典礼, X正式上线。, X启动仪式, X上线运行, X启动暨…)."""
    verb = TRANSITIVE.search(text, trigger.start, trigger.end)
    return verb is not None and not INTRANSITIVE_AFTER.match(text, verb.end())


# After the name: the center reports or speaks (X记者了解到, X介绍, X消息：), it is not what is launched.
VENUE = re.compile(r"在[^，,；;在]{1,24}?(?=(正式|隆重|顺利|共同|同步|举行|$))")  # 在昭通市融媒体中心(正式)揭牌
REPORTER = re.compile(r"(记者|通讯员|消息|讯|介绍|表示|透露|获悉|了解到|报道|供稿|供图|负责人|相关负责)")
# A thing in the verb's own clause that may be what is launched (…，昭通博物馆新馆18日正式揭牌).
OTHER_THING = re.compile(r"(中心|站|室|基地|平台|账号|大楼|频道|研究院|学院|联盟|馆|园|公司|集团|协会|项目|医院|"
                         r"学校|大学|企业|工程|分会|商会)")


def _trigger_later(text: str, center: CenterName, sentence: Sentence, triggers: list[Hit]) -> list[Hit]:
    """三峡国际传播中心，在经过近半年的筹备之后，18日上午…揭牌: the center opens the sentence and a
    strong launch verb closes a later clause, with no other center named in between, and nothing else in
    the verb's clause that it could launch (…，昭通博物馆新馆18日揭牌); a center that reports (X记者了解到，…)
    launches nothing."""
    if not re.search(r"(^|[，,；;：:\s的）)])$", text[max(sentence.start, center.start - 1):center.start] or " "):
        return []
    if REPORTER.match(text, center.end):
        return []  # 昭通国际传播中心记者了解到，…: the center reports another launch
    later = [t for t in triggers if center.end < t.start < sentence.end and STRONG.match(text[t.start:t.end])
             and not looks_back(text, t.start, t.end) and not _sets_up_something(text, t)]
    return [t for t in later[:1] if "国际传" not in text[center.end:t.start]
            and not OTHER_THING.search(VENUE.sub("", re.split(r"[，,；;：:]", text[center.end:t.start])[-1]))]


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
    if (_launches_a_part(between) and not between.startswith("暨")) \
            or (trigger.end <= center.start and _names_a_part(text, center, triggers)):
        return None
    if trigger.start >= center.end and ((FUTURE.search(between) and not scheduled(text[sentence.start:trigger.start]))
                                        or ATTENDS.search(between) or GIVER.match(between)
                                        or GIVER.match(re.split(r"[，,；;]", between)[-1])):
        return None
    if trigger.start >= center.end and between == "的" and not _is_ceremony(text, trigger):
        return None  # X的揭牌，让…有了新窗口: the launch as a topic of comment, not reported
    around = between + text[trigger.end:trigger.end + 8]
    if ACTIVITY.search(around) and not _launch_ceremony(body):
        return None
    if trigger.end <= center.start and text[trigger.end:trigger.end + 1] == "的" \
            and MODIFIER_OF.match(text, center.end):
        return None
    if in_link_list(text, center.start) or EXISTING.search(text, sentence.start, center.start) \
            or EARLIER.search(_clause_of(text, sentence, center, trigger)) or _earlier_opening(text, sentence, center):
        return None
    score = REFERENCE_SCORE if center.inferred else _score(text, center, trigger, sentence)
    return Candidate(center, sentence, trigger, "launch", score)


def _earlier_opening(text: str, sentence: Sentence, center: CenterName) -> bool:
    """早在2023年，X已在福州成立: the sentence opens on an earlier time, and names no other center before X."""
    earlier = EARLIER.search(text, sentence.start, center.start)
    return earlier is not None and CENTER_WORD.search(text, earlier.end(), center.start) is None


def _clause_of(text: str, sentence: Sentence, center: CenterName, trigger: Hit) -> str:
    """The clause that holds the center and its trigger (继此前成立的A之后，B今天揭牌: B's is 'B今天揭牌')."""
    first = min(center.start, trigger.start)
    marks = [m.end() for m in re.finditer(r"[，,；;：:]", text[sentence.start:first])]
    return text[sentence.start + (marks[-1] if marks else 0):max(center.end, trigger.end)]


def _launches_a_part(between: str) -> bool:
    """What the trigger launches is a part of the center: named right after the center (…中心演播中心
    启用, …中心“企业服务站”授牌仪式) or right before the verb (…开设的“Hello Luoyang”账号正式上线); a venue
    (在…大楼内揭牌) is not."""
    attached = re.split(r"[在于，,；]", between, maxsplit=1)[0]
    before_verb = ADVERBS_BEFORE_VERB.sub("", between)
    return bool(PART_OF_CENTER.search(attached) or CEREMONY_FOR.search(between) or QUOTED_THING.match(between)
                or re.search(f"({PART_OF_CENTER.pattern})[”」\"]?$", before_verb))


def _names_a_part(text: str, center: CenterName, triggers: list[Hit]) -> bool:
    """授牌“X国际传播中心实践基地”, 启用X国际传播中心演播厅: what the verb before the name launches is named
    after the center (its base, studio, project), not the center."""
    end = min([center.end + 8, *(t.start for t in triggers if t.start >= center.end)])
    attached = re.split(r"[在于，,；;。、：:”」\"）)\s]", text[center.end:end], maxsplit=1)[0]
    return PART_OF_CENTER.search(attached) is not None


def _launch_ceremony(body: str) -> bool:
    return re.search(r"(揭牌|成立|挂牌|启动|授牌|设立)(仪式|典礼|庆典|大会)", body) is not None


def _sub_unit(text: str, center: CenterName, sentence: Sentence, trigger: Hit, unit: re.Match[str],
              gaz: Gazetteer) -> Candidate | None:
    """四川国际传播中心宜宾分中心 (a launch in 宜宾) or …圣保罗工作站 (an overseas branch)."""
    between = text[center.end:trigger.start]
    label = between[:unit.start()]
    if re.search(r"[，,；;。]", between[:unit.end()]) or len(label) > 12 or QUOTE_MARK.search(label) \
            or (KIND_OF_UNIT.search(label) and not OVERSEAS.search(label)):
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


def _undated_in_look_back(date: EventDate) -> bool:
    """In a look back, a launch is news only when the article dates it: without the page's day, to the day in
    its own words; with it, not by a bare year (过去一年，成立了X) nor by the page's month standing in."""
    if date.reference is None:
        return not (DAY_PRECISE.search(date.value or "") and date.narrated)
    return date.source in ("publication", "none") or len(date.value or "") == 4


def _dated(text: str, sentences: tuple[Sentence, ...], candidates: list[Candidate],
           context: DateContext, looking_back: bool, alone: bool) -> list[tuple[Candidate, str | None, bool, bool]]:
    """Each candidate with its date and whether the article reports it late. A ceremony well before the
    page's day is kept only when the article is the launch report itself (a late copy: see
    `age.late_report`); otherwise it is background (中心于2018年成立) and dropped. A look back over the year
    (岁末回眸, 盘点 in the title or the opening) keeps only the launches of its last days (without the page's
    day: those dated to the day; with it, not those dated by a bare year or the page's month alone: a work
    report's 过去一年，成立了X). On a page without a day, `background.background_without_day` decides
    (`alone`: the article names one center). The last flag: the date was read in the candidate's own
    sentence."""
    kept: list[tuple[Candidate, str | None, bool, bool]] = []
    for c in candidates:
        date = event_date(text, c.trigger.start, context, c.center.name)
        if text[c.trigger.end:c.trigger.end + 1] == "的":  # 今年3月揭牌成立的X…: told of X, not as an event
            date = replace(date, narrated=False)
        told = Told(c.sentence, c.center.name, c.center.start, c.center.end, c.trigger.start)
        if background_without_day(text, sentences, told, date, context, alone) \
                or (looking_back and _undated_in_look_back(date)):
            continue
        own = date.source == "sentence"
        reference = look_back_end(date.reference) if looking_back else date.reference
        if not stale(date.value, reference, RETROSPECTIVE_DAYS if looking_back else STALE_DAYS):
            kept.append((c, date.value, False, own))
        elif not looking_back and late_report(text, sentences, date, context):
            kept.append((c, date.value, True, own))
    return kept
