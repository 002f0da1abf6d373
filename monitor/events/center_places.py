"""The place a center belongs to: from its name, the bodies that run it, or where the article places it.

A center's name usually begins with its place (洛阳国际传播中心, 宜春市靖安县国际传播中心). When it does not,
the place comes from a place in brackets in the name (海丝（泉州）…), from the local bodies that build or run
it (图们江区域国际传播中心 run by 珲春市委宣传部 → 珲春市), from where the article says it opened, also
written with a province's or a city's one-character abbreviation (在渝 → 重庆市, 在蓉 → 成都市), and last
from the province the article is about. An enterprise's or a university's center belongs to that body
(level "other"), named in full where the article writes it (中国电建 → 中国电力建设集团有限公司).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from monitor.events.places import Gazetteer, PlaceMention, word_frequency
from monitor.models import Place

_CENTER_TERM = re.compile(r"(?:区域)?(?:国际|对外)(?:传播|传媒|交流|新闻|文化|流传|传扬)*(?:分中心|中心)$")
_INSTITUTION = re.compile(
    r"大学|学院|学校|研究院|研究所|科学院|医院|公司|股份|控股|银行|集团|电网|石油|石化|移动|电信|联通|航空|"
    r"能源|电力|烟草|保险|铁路"
)
_MEDIA = re.compile(r"日报|晚报|报社|报业|新闻社|通讯社|社$|广播|电视|广电|传媒|融媒|网$")
_NATIONAL = re.compile(r"^(?:中国|中华|国家|全国|中央)")


def center_head(center: str) -> str:
    """The part of a center's name before 国际传播中心 (or 国际传媒中心 ...): 洛阳国际传播中心 → 洛阳."""
    return _CENTER_TERM.sub("", center.strip())


def resolve_center_place(
    gaz: Gazetteer, center: str, context: str, province_hint: str | None = None, operators: Sequence[str] = (),
    article: str | None = None,
) -> Place | None:
    """The place a center belongs to.

    1. A university's or an enterprise's center (清华大学, 中国石油, 国家电网 ...): a Place of level
       "other" named as written, with the province named in the center, the context or the hint; an
       enterprise's short form (中国电建) is named by its full name when the ``article`` (or the context)
       writes it (中国电力建设集团有限公司).
    2. Places at the start of the name, the most specific of a chain (宜春市靖安县… → 靖安县); but a bare
       short form of a county or district that names a landmark of the city whose bodies run the center
       (泰山国际传播中心 run by 泰安市委宣传部) belongs to that city.
    3. A media organization or a national body without a place (新华社, 光明日报): level "other".
    4. A place in brackets in the name (海丝（泉州）国际传播中心 → 泉州市).
    5. The place of the local bodies that build or run it (``operators``, partners such as 珲春市委宣传部,
       大同日报社): a themed center (图们江区域…, 北疆文化…) belongs to them.
    6. The place in ``context`` closest before the center (湖北日报传媒集团长江国际传播中心 → 湖北省),
       else the first after it, counting abbreviations (在渝 → 重庆市); mentions in the hinted province first.
    7. The hinted province; else, if the name has a head, a Place of level "other"; else None.
    """
    hint = gaz.province_name(province_hint) if province_hint else None
    head = center_head(center)
    near = gaz.mentions(context) if context else []
    owner = _owner(gaz, head, article if article is not None else context)
    if owner:  # 中国宝武 of 中国宝武钢铁集团有限公司: the enterprise is the place
        return _organization(gaz, owner, near, context, center, hint)
    if _INSTITUTION.search(head) and not _MEDIA.search(head):
        return _organization(gaz, head, near, context, center, hint)
    organized = bool(_MEDIA.search(head) or _NATIONAL.match(head))
    chain = gaz.chain(head, hint, [m.place for m in near], allow_weak=not organized)
    run_by = operator_places(gaz, operators, hint)
    venues = abbreviated(gaz, context, hint) if context else []
    near = sorted([*near, *venues], key=lambda m: m.start)
    if chain:
        return _theme_place(head, chain, run_by, venues, context, center, hint) or chain[-1]
    named = _named_inside(gaz, head, hint)
    if named is not None:
        return named
    if organized:
        return _organization(gaz, head, near, context, center, hint)
    if run_by:
        return run_by[0]
    place = _context_place(near, context, center, hint)
    if place is not None:
        return place
    if hint:
        return gaz.lookup(hint)
    return Place(head, "", "other", None) if head else None


_BRACKETED = re.compile(r"[（(]([^（）()]{2,12})[）)]")


def _named_inside(gaz: Gazetteer, head: str, hint: str | None) -> Place | None:
    """A place in brackets in the name (海丝（泉州）, 中国（海南）), else one that ends the name after a
    brand (丝路张掖, 天府·成都)."""
    bracketed = _BRACKETED.search(head)
    inside = gaz.chain(bracketed.group(1), hint) if bracketed else []
    if inside:
        return inside[-1]
    last = next((m for m in reversed(gaz.mentions(head)) if m.end == len(head)), None)
    return last.place if last is not None and last.start > 0 else None
# Local bodies that build or run a center: a propaganda department, a media group or station, a
# convergence media center, a government.
# (A bracketed aside after the name is left out: 辽宁报刊传媒集团（辽宁日报社）; spun copies write 宣扬部, 播送电视台,
# 融媒体核心.)
_LOCAL_BODY = re.compile(r"(宣传部|宣扬部|网信办|新闻办|融媒体中心|融媒体核心|传媒中心|新闻中心|日报社|报社|日报|"
                         r"报业集团|传媒集团|广播电视台|播送电视台|广播电视总台|电视台|广电集团|委员会|人民政府|政府)"
                         r"(?:[（(][^（）()]{1,12}[）)])?$")


def operator_places(gaz: Gazetteer, operators: Sequence[str], hint: str | None = None) -> list[Place]:
    """The places of the local bodies among ``operators`` whose names start with a place, in order:
    珲春市委宣传部 → 珲春市, 大理州委宣传部 → 大理白族自治州, 内蒙古自治区党委宣传部 → 内蒙古自治区."""
    found: list[Place] = []
    for name in operators:
        if _LOCAL_BODY.search(name):
            chain = gaz.chain(name, hint, allow_weak=False)
            if chain and chain[-1] not in found:
                found.append(chain[-1])
    return found


def _theme_place(head: str, chain: Sequence[Place], run_by: Sequence[Place], venues: Sequence[PlaceMention],
                 context: str, center: str, hint: str | None) -> Place | None:
    """A bare short form of a county or district at the start of a name may name a landmark or a theme
    rather than the place: 泰山国际传播中心 run by 泰安市委宣传部 is the city's (泰山区 is inside 泰安市);
    运河文化国际传播中心 run by 杭州日报社, or opened 在杭 (``venues``: abbreviations) far from 沧州's
    运河区, is 杭州市's. 姑苏国际传播中心 run by 姑苏区委宣传部 stays the district's. None keeps the name's
    place."""
    named = chain[-1]
    if len(chain) != 1 or head == named.name or named.level not in ("county", "district"):
        return None
    if run_by:
        if named in run_by or any(_contains(p, named) and p.level == "province" for p in run_by):
            return None
        return run_by[0]  # the city above it (a landmark), or a place elsewhere (a theme)
    others = [m for m in venues if m.place != named]
    if others and not any(m.place.province == named.province for m in others):
        return _context_place(others, context, center, hint)
    return None


def _contains(outer: Place, inner: Place) -> bool:
    """True if ``inner`` lies in ``outer`` (by province, or by the city part of the code)."""
    if outer.level == "province":
        return outer.province == inner.province
    return bool(outer.level == "city" and outer.code and inner.code and outer.code[:4] == inner.code[:4])


_COMPANY = re.compile(r"[^\W\d由与和及在的是为将对从被把与]{1,20}?"
                      r"(?:集团股份有限公司|集团有限公司|股份有限公司|有限责任公司|有限公司|集团公司|总公司|"
                      r"集团(?![\u4e00-\u9fff]{0,2}(?:有限|股份)))")


def _owner(gaz: Gazetteer, head: str, context: str) -> str:
    """The full name of the enterprise whose short form is ``head`` (中国电建 → 中国电力建设集团有限公司,
    山东港口 → 山东省港口集团有限公司, 中远海运 → 中国远洋海运集团), found in ``context``: a company name (also
    one written as …集团 alone) that begins like ``head`` and holds its characters in order. "" when there is
    none, or when ``head`` is a place (厦门 is no short form of 厦门航空有限公司)."""
    if len(head) < 3 or sum(len(p.name) for p in gaz.chain(head)) >= len(head) or not context:
        return ""
    for at in (i for i, ch in enumerate(context) if ch == head[0]):
        company = _COMPANY.match(context, at)
        if company and "国际传" not in company.group() and _in_order(head, company.group()):
            return company.group()
    return ""


def _in_order(short: str, full: str) -> bool:
    """True if the characters of ``short`` appear in ``full`` in the same order (中远海运 in
    中国远洋海运集团有限公司)."""
    rest = iter(full)
    return len(full) > len(short) and all(ch in rest for ch in short)


def _organization(
    gaz: Gazetteer, head: str, near: Sequence[PlaceMention], context: str, center: str, hint: str | None
) -> Place:
    chain = gaz.chain(head, hint, allow_weak=False)
    nearest = _context_place(near, context, center, hint)
    province = chain[0].province if chain else nearest.province if nearest else hint or ""
    return Place(head, province, "other", None)


# A dateline that names its place: 新华社重庆5月28日电, （中央社记者…台北18日电）.
_DATELINE = re.compile(r"^\s*[（(]?[^\n。，]{0,30}?(?=(?:\d{4}年)?(?:\d{1,2}月)?\d{1,2}日\s*(?:电|讯))")
# Where it stands (位于重庆, 落户成都) or where the launch took place (在重庆揭牌, 于西安举行).
_SITE_BEFORE = re.compile(r"(落户|位于|地处)$")
_VENUE_BEFORE = re.compile(r"(在|于)$")
_VENUE_AFTER = re.compile(r"[^，。；,;]{0,16}?(举行|揭牌|成立|挂牌|启动|揭幕|启用)")


def organization_province(gaz: Gazetteer, name: str, article: str, hint: str | None = None) -> str | None:
    """The province of an enterprise or a university (a center of level "other"): that of the dateline
    (新华社重庆5月28日电), else of where the article says it stands or the launch took place (在渝高校, 在重庆
    揭牌), else the province the article names most besides the organization's own name, else that of a
    place its name begins with. A name may mislead (四川外国语大学 is in 重庆), and a place inside another
    organization's name (华龙网集团) is no statement of location."""
    elsewhere = article.replace(name, " ")
    dateline = _DATELINE.match(elsewhere)
    mentions = gaz.mentions(elsewhere)
    stated = [*(gaz.mentions(dateline.group(0))[-1:] if dateline else []),
              *abbreviated(gaz, elsewhere, hint),
              *(m for m in mentions if _SITE_BEFORE.search(elsewhere, 0, m.start)
                or (_VENUE_BEFORE.search(elsewhere, 0, m.start) and _VENUE_AFTER.match(elsewhere, m.end)))]
    if stated:
        return stated[0].place.province
    counts: dict[str, int] = {}
    for mention in mentions:
        counts[mention.place.province] = counts.get(mention.place.province, 0) + 1
    if counts:
        return max(counts, key=lambda p: counts[p])
    chain = gaz.chain(name, hint, allow_weak=False)
    return chain[0].province if chain else None


def _context_place(near: Sequence[PlaceMention], context: str, center: str, hint: str | None) -> Place | None:
    """The mention closest before ``center`` in ``context``, else the first after it (or the first);
    among the mentions in the hinted province first, then among all."""
    hinted = [m for m in near if m.place.province == hint] if hint else []
    for pool in (hinted, list(near)):
        if not pool:
            continue
        at = context.find(center) if center else -1
        if at < 0:
            return pool[0].place
        before = [m for m in pool if m.end <= at]
        if before:
            return before[-1].place
        after = [m for m in pool if m.start >= at + len(center)]
        if after:
            return after[0].place
    return None


# The one-character abbreviations (简称) of the province-level divisions and of well-known cities, as
# the press writes them after a preposition (在渝, 在蓉, 驻沪). Characters that are also common words
# (云, 新, 青, 吉, 贵, 台, 港 …) are left out: 在云端, 在新的, 在青年 would read as places.
_ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "京": ("北京市",), "津": ("天津市",), "沪": ("上海市",), "渝": ("重庆市",), "冀": ("河北省",),
    "豫": ("河南省",), "滇": ("云南省",), "辽": ("辽宁省",), "湘": ("湖南省",), "皖": ("安徽省",),
    "鲁": ("山东省",), "浙": ("浙江省",), "赣": ("江西省",), "鄂": ("湖北省",), "桂": ("广西壮族自治区",),
    "陇": ("甘肃省",), "晋": ("山西省",), "陕": ("陕西省",), "闽": ("福建省",), "黔": ("贵州省",),
    "粤": ("广东省",), "藏": ("西藏自治区",), "川": ("四川省",), "蜀": ("四川省",), "琼": ("海南省",),
    "蓉": ("成都市",), "榕": ("福州市",), "甬": ("宁波市",), "邕": ("南宁市",), "昆": ("昆明市",),
    "筑": ("贵阳市",), "穗": ("广州市",), "汉": ("武汉市",), "杭": ("杭州市",), "并": ("太原市",),
    "哈": ("哈尔滨市",), "郑": ("郑州市",), "厦": ("厦门市",), "济": ("济南市",),
    "兰": ("兰州市",), "银": ("银川市",), "乌": ("乌鲁木齐市",), "锡": ("无锡市",), "温": ("温州市",),
    "宁": ("南京市", "宁夏回族自治区"), "长": ("长沙市", "长春市"),
}
_ABBREVIATION_AT = re.compile("(?:在|来|赴|抵|驻|落户)([" + "".join(_ABBREVIATIONS) + "])")


def abbreviated(gaz: Gazetteer, text: str, province: str | None = None) -> list[PlaceMention]:
    """Places written by their one-character abbreviation after 在/来/赴/抵/驻 (在渝, 赴蓉, 驻沪), where the
    character stands alone (not 在长期, 在新的, 在榕江县). An abbreviation of two places (宁: 南京市 or 宁夏;
    长: 长沙市 or 长春市) takes the one in ``province``, else the first; a place that the text names
    starting with the character comes first (在昆 in an article about 昆山市 is 昆山)."""
    if not _ABBREVIATION_AT.search(text):
        return []
    named = [m.place for m in gaz.mentions(text)]
    found: list[PlaceMention] = []
    for match in _ABBREVIATION_AT.finditer(text):
        at = match.start(1)
        following = (text[at:at + k] for k in (2, 3, 4) if at + k <= len(text))
        if word_frequency(text[at - 2:at]) or any(word_frequency(w) or gaz.candidates(w) for w in following):
            continue
        chosen = _abbreviation(gaz, text[at], named, province)
        if chosen is not None:
            found.append(PlaceMention(at, at + 1, chosen))
    return found


def _abbreviation(gaz: Gazetteer, char: str, named: Sequence[Place], province: str | None) -> Place | None:
    mentioned = next((p for p in named if p.name.startswith(char) and p.level != "province"), None)
    if mentioned is not None:
        return mentioned
    places = [p for name in _ABBREVIATIONS[char] if (p := gaz.lookup(name)) is not None]
    full = gaz.province_name(province) if province else None
    return next((p for p in places if p.province == full), places[0] if places else None)
