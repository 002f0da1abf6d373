"""Partner organizations of a launch event: ORG spans that stand in a cooperation construction.

Organization names come from `monitor.events.orgs` (spaCy rule components, one token per ORG).
Within each sentence of the event's scope, an ORG is a partner when it stands in one of these
constructions (lists joined by 、 和 及 以及 与 count whole; an aside in brackets goes with its name):

1. agreement: 与/和/同/跟 + ORGs + … + 签署 / 签订 / 签约 / 达成 / 缔结 / 共建 / 共同打造 … before
   the end of the clause; the ORGs just before 与 (the other party) count too. Signatories may stand
   after their organization (洛阳日报社社长张三与郑州大学副校长李四签署). If 出席 / 参加 / 致辞 /
   见证 / 揭牌 / 启动 … comes first, nobody is a partner (officials who attend or unveil the plaque
   together are not partners). The weak words 合作 / 携手 count only in a clause without such a word
   or a meeting word (与县委宣传部就合作进行座谈 is a meeting);
2. verb + object: 联合 / 携手 / 联手 / 牵手 / 联袂 / 签约 + ORGs, and the ORGs just before them
   ("河南日报报业集团联合郑州大学共建" gives both); 依托 + ORGs + 建设 / 组建 … (but not
   "依托中国日报社的渠道": relying on resources);
3. 由 + ORGs + 主导 / 运营 (营运 in Taiwan's wording) / 承办 / 主办 / 指导 (引导 in spun copies) / 设立 / 负责 …,
   chained by 、 or ，
   ("由县委宣传部主导、县融媒体中心运营" gives both); a bare "ORGs + 主导 / 运营 / 承办 / 主办 /
   协办 / 指导 / 支持 / 牵头", "ORGs + 联合 / 共同 + 打造 / 建设 …" or "ORGs (…的代表) 签约" as well;
4. role labels: 指导单位：ORGs；主办单位：ORGs；承办 / 协办 / 支持 / 合作 / 共建 / 运营单位 (also
   "…单位为 ORGs"); "ORGs 为 / 作为 … 指导单位 / 合作伙伴"; "作为合作单位，ORGs …";
5. support: 在 + ORGs + 的 … 支持 / 指导 / 帮助 + 下; 接受 + ORGs + (业务)指导; ORGs + 对… 给予…指导;
6. both parties: "A为B授牌，双方签署合作协议": the ORGs of the clause before 双方 / 三方 + 签署;
7. an alliance founded at the event: 同时成立洛阳国际传播联盟, 中心联合100余家单位发起成立…联盟,
   “襄阳国际传播联盟”成立仪式. Decision: such an alliance is the center's own network, founded with
   it, and counts as a partner (the gold set annotates it so); other institutions founded at the
   event (a research institute, a practice base) do not, nor does an alliance merely mentioned.

A nickname in quotes between a list and its role is read through (A、B“两翼”协同运营). What the center will
also do later (中心还将联合X组建志愿者团队, 也将与X…) is no partner, unless the sentence ties it to the launch
(揭牌当天，中心还将与X签署协议).

Everything else is no partner: organizations whose people attend or speak (省委宣传部副部长张三出席),
lists of attendees (来自XX大学、YY集团的代表), the reporter's outlet (本报记者, 新华社记者), the
dateline's outlet, the place of the ceremony (在洛阳日报社揭牌), and international promotion
ambassadors (国际推荐官, people). The center itself is never its own partner (in either script);
the parent center of a branch or sub-center is one when it stands in a construction. A name that
begins another partner's name is dropped as its short form (快手 beside 快手科技, 中国日报社 beside
中国日报社宁夏记者站). A stray space inside a name on a copied page (定西市委 宣传部) is left out of it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

from spacy.tokens import Doc, Token

from monitor.events import orgs

logger = logging.getLogger(__name__)

def _words(*lines: str) -> frozenset[str]:
    return frozenset(word for line in lines for word in line.split())


def _any(*lines: str) -> str:
    """A regex alternation of the space-separated words (or regex pieces) of `lines`."""
    return "|".join(word for line in lines for word in line.split())


_SENTENCE_END = re.compile(r"[。！？；!?;\n]")
_CLAUSE_END = frozenset("，。；！？：,;!?:\n")
_CLAUSE_END_RE = re.compile(r"[，。；！？,;!?\n]")
_LIST_SEPS = _words("、 和 及 以及 与 同 跟 暨")
_AGREE_PREPS = _words("与 和 同 跟")
_VERB_OBJECT = _words("联合 携手 联手 牵手 联袂 签约")
_SUBJECT_TOO = _words("联合 携手 联手 牵手 联袂")
_JOINT = _words("联合 共同 携手 一起 一道")
_ADVERBS = _words(
    "分别 还 也 并 正式 同时 共同 已 已经 将 现场 首先 当天 一起 一道 联合 携手 具体 统一 全面 直接 主要",
    "率先 积极 又 再次 正在 此前 详细",  # 详细: what synonym spinners make of 具体 (详细运营)
    "宣布 决定",  # 市委宣传部宣布牵头组建X: the body that announces it leads
)
# A space or two inside a name on copied pages (定西市委 宣传部, 定西 日报社): the name is read without it.
_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff]) {1,2}(?=[\u4e00-\u9fff])")
# Words between a list and its verb: 三方共同打造, 等4家单位联合主办.
_LIST_TAIL = _words("等 双方 三方 四方 多方 各方 家 所 个 余 多 单位 高校 院校 媒体 机构")
_PERSON_FLAGS = frozenset({None, "n", "nr", "nrfg", "nrt", "b", "j", "nz", "ng"})
_MAX_PEOPLE = 4
_MAX_WINDOW = 40
_MAX_ASIDE = 12
_OPEN, _CLOSE = frozenset("（(［["), frozenset("）)］]")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z.&'’-]*")

_BUILD = _any("打造 建设 成立 设立 组建 推出 创办 筹建 建立 发起 运营 主办 承办")
_STRICT = _any(
    "主导 主管 主办 承办 承建 协办 运营 营运 运行 牵头 指导 引导 支持 共建 发起 负责(?!人|同志) 联合主办 共同主办",
    "协同(?:建设|运营|共建|打造)",
    "参与(?:共建|建设|运营) 承担[^，。；,;]{0,4}?(?:运营|建设|承办)",
    "(?:为(?:中心|该中心|其)?)?提供[^，。；,;]{0,8}?(?:支持|指导)",
    "(?:对[^，。；,;]{0,8}?)?给予[^，。；,;]{0,6}?(?:支持|指导)",
)
# Strong words make an agreement unless an attendance word comes first; weak ones (合作 as a noun)
# only when no attendance or meeting word is in the clause ("就…合作进行座谈" is a meeting).
_COOP_RE = re.compile(_any(
    "签署 签订 签约 签下 达成 缔结 共建 结为 结成", f"(?:共同|联合|一起|一道)(?:{_BUILD})",
))
_WEAK_COOP_RE = re.compile(_any("合作 携手 联手 牵手 互换 交换 共享 互通"))
_NOT_COOP_RE = re.compile(_any(
    "出席 参加 参与 致辞 讲话 见证 揭牌 揭幕 启动 按下 授牌 颁发 观看 参观 调研 考察 主持 宣读 发言 莅临",
    "与会 到场 来到 座谈 洽谈 会谈 会见 拜会 走访",
))
_STRICT_RE = re.compile(_STRICT)
_BROAD_RE = re.compile(_any(_STRICT, _BUILD, "负责(?!人|同志) 管理 统筹 领导 监管 投资 出资 创建 授权 提供 经营"))
_JOINT_BUILD_RE = re.compile(f"(?:联合|共同|携手|一起|一道)(?:{_BUILD}|{_STRICT})")
_ROLE_RE = re.compile(
    r"(?:为|作为|成为|是)[^，。；,;]{0,10}?"
    r"(?:(?:指导|主办|承办|协办|支持|合作|共建|运营|联办|签约)(?:单位|高校|院校|媒体|机构)|合作伙伴|合作方)"
)
# A list whose members sign: 三所高校的代表上台签约, 作为共建单位现场签约.
_SIGN_RE = re.compile(
    "(?:[等一二三四五六七八九十两几\\d余多家所个]|"
    + _any("高校 院校 单位 媒体 机构 的 代表 负责人 现场 上台 当场 共同 分别 正式 进行 双方 三方 各方")
    + ")*(?:签约|签署|签订|签下|结对)"
)
_LABEL_RE = re.compile(
    r"(?:指导|主办|承办|协办|支持|合作|共建|运营|联办|出品|签约)的?(?:单位|机构|方|伙伴|高校|院校)"
    r"\s*(?:[：:]|为|是|包括|有)"
)
_AS_ROLE_RE = re.compile(r"作为[^，。；,;]{0,8}?(?:单位|伙伴|合作方)[，,]")
_MAX_FOUNDING = 30
# 成立 / 发起成立 / 组建 … close before the alliance, nothing but its description in between
# (同时成立了有100余家成员单位的洛阳国际传播联盟); or the alliance followed by 成立 / 揭牌.
_FOUNDED_BEFORE_RE = re.compile(r"(?:成立|组建|发起|揭牌|启动)了?[^，。；,;]{0,20}$")
_FOUNDED_AFTER_RE = re.compile(r"[”」]?(?:同步|同时|正式|也)?(?:成立|揭牌|组建)")
_BOTH_RE = re.compile(r"(?:双方|三方|各方|两家单位)(?:还|将|并|正式|现场|共同)?(?:签署|签订|签约|达成|缔结|共建)")
# Words that put an agreement later than the launch (未来还将与…共建, 谋划与…合作); a bare 将 does not: "将与
# X合作运营" tells how the new center is run.
_ACTIVITY_RE = re.compile(_any("论坛 研讨会 座谈会 年会 大赛 比赛 博览会 发布会 推介会 交流会 培训班 文化节 展览会"))
_FUTURE_RE = re.compile(_any("未来 今后 下一步 日后 将来 计划 谋划 筹划 拟 准备 有望 力争 争取"))
# 中心还将联合X组建志愿者团队: something more the center will do later, not how it is launched; unless the
# sentence ties it to the launch (揭牌当天，中心还将与X签署协议: a scheduled launch and its signing).
_ALSO_LATER_RE = re.compile(r"(?:还将|也将|还会|也会|还计划|随后将|此后将)$")
_LAUNCH_DAY_RE = re.compile(_any("当天 当日 仪式 典礼 现场 会上 揭牌 成立 挂牌 同时"))
# A nickname in quotes between a list and its role (A、B“两翼”协同运营, A与B“双引擎”驱动).
_EPITHET_OPEN, _EPITHET_CLOSE = frozenset("“「\""), frozenset("”」\"")
_MAIN_BODY_RE = re.compile(r"为(?:主体|依托|龙头|主导|核心|支撑|牵头单位|建设主体|运营主体)")
_AWARD_RE = re.compile(r"(?:分别)?(?:授予|授牌|颁授)")
_STRONG_SIGN_RE = re.compile(r"(?:签署|签订|签约|签下)")
# jieba's tags of abbreviations and of names it does not know as ordinary words (北外 f, 川大 j).
_ABBREVIATION_FLAGS = frozenset({None, "j", "f", "nt", "nz", "ns"})
_SUPPORT_RE = re.compile(r"的[^，。；,;]{0,8}?(?:支持|指导|帮助)下")
# 接受 + ORGs + (的)业务指导: the guiding body.
_GUIDED_RE = re.compile(r"(?:的)?(?:业务|专业|具体)?(?:指导|领导)")


def find_partners(text: str, start: int, end: int, center: str) -> tuple[str, ...]:
    """Partner organizations of the event whose sentences are text[start:end].

    Names are written as in `text`, in order of appearance, without duplicates and never `center`."""
    if not 0 <= start <= end <= len(text):
        raise ValueError(f"find_partners: scope [{start}, {end}) lies outside a text of length {len(text)}")
    scope = _CJK_GAP.sub("", text[start:end])
    doc = orgs.parse(scope)
    found: set[int] = set()
    for sentence in _sentences(doc):
        found |= _partners_in(sentence)
    names: list[str] = []
    for i in sorted(found):
        name = scope[doc[i].idx : doc[i].idx + len(doc[i].text)]
        if name not in names and not _is_center(name, center):
            names.append(name)
    names = [n for n in names if not any(other != n and other.startswith(n) for other in names)]
    logger.debug("partners in [%d, %d): %s", start, end, names)
    return tuple(names)


def _is_center(name: str, center: str) -> bool:
    """True when `name` is the center, written longer, shorter or in the other script. (The parent
    center of a branch, 四川国际传播中心 for 四川国际传播中心圣保罗工作站, is not the center.)"""
    if not center:
        return False
    name, center = orgs.simplified(name), orgs.simplified(center)
    return name == center or name.endswith(center) or (len(name) >= 4 and center.endswith(name))


def _sentences(doc: Doc) -> Iterator[list[Token]]:
    """The tokens of each sentence of `doc` (split at 。！？； and line breaks)."""
    sentence: list[Token] = []
    for tok in doc:
        sentence.append(tok)
        if _SENTENCE_END.search(tok.text):
            yield sentence
            sentence = []
    if sentence:
        yield sentence


def _partners_in(toks: list[Token]) -> set[int]:
    """Doc indices of the ORG tokens of one sentence that stand in a cooperation construction."""
    found: set[int] = set()
    for rule in (_agreements, _verb_objects, _based_on, _led_by, _bare_roles, _labels, _support, _founded,
                 _both_parties, _as_main_body, _awarded, _short_signatory):
        found |= rule(toks)
    return found


def _is_org(tok: Token) -> bool:
    return tok.ent_type_ == orgs.LABEL


def _rest(toks: list[Token], k: int, limit: int = _MAX_WINDOW) -> str:
    """The sentence text from token k on (at most `limit` characters)."""
    if k >= len(toks):
        return ""
    doc = toks[0].doc
    return orgs.doc_text(doc)[toks[k].idx : min(toks[-1].idx + len(toks[-1].text), toks[k].idx + limit)]


def _clause(toks: list[Token], k: int) -> str:
    """The text from token k to the end of its clause (，。；：)."""
    parts: list[str] = []
    for tok in toks[k:]:
        if tok.text in _CLAUSE_END or sum(map(len, parts)) > _MAX_WINDOW:
            break
        parts.append(tok.text)
    return "".join(parts)


def _is_person_word(tok: Token) -> bool:
    """A title or a person's name standing after an organization (副总编辑, 李四)."""
    if _is_org(tok) or tok.is_punct or not tok.text.isalnum() or tok.text in _LIST_SEPS:
        return False
    if _COOP_RE.search(tok.text) or _NOT_COOP_RE.search(tok.text) or _BROAD_RE.match(tok.text):
        return False
    return tok.text not in _ADVERBS and orgs.word_flag(tok.text) in _PERSON_FLAGS


def _skip(toks: list[Token], k: int, words: frozenset[str], people: bool = False) -> int:
    """Index of the first token from k on that is no word of `words` (nor, with `people`, a title or name)."""
    start = k
    while k < len(toks) and (toks[k].text in words or (people and _is_person_word(toks[k]))):
        if k - start >= _MAX_PEOPLE + 2:
            return start
        k += 1
    return k


def _org_list(toks: list[Token], k: int, people: bool = False) -> tuple[list[int], int]:
    """The ORGs of a co-ordinated list starting at token k, and the index just after the list.

    An aside in brackets after a name is read with it (A集团（B电视台、C报社）), and a name written in Latin
    letters stands for the ORG that its aside gives in Chinese (Xiamen Airlines（厦门航空有限公司）); a paper
    may stand in title marks (、《星洲日报》)."""
    found: list[int] = []
    while k < len(toks):
        if _is_org(toks[k]):
            found.append(toks[k].i)
            inside, k = _aside(toks, k + 1)
        else:
            inside, k = _titled(toks, k) or _latin_name(toks, k)
            if not inside:
                return found, k
        found += inside
        after = _skip(toks, k, frozenset(), people) if people else k
        if after + 1 < len(toks) and toks[after].text in _LIST_SEPS \
                and (_is_org(toks[after + 1]) or _titled(toks, after + 1)):
            k = after + 1
            continue
        return found, k
    return found, k


def _titled(toks: list[Token], k: int) -> tuple[list[int], int] | None:
    """A paper in title marks starting at token k (《星洲日报》): its ORG and the index after the marks."""
    if k + 2 < len(toks) and toks[k].text == "《" and _is_org(toks[k + 1]) and toks[k + 2].text == "》":
        return [toks[k + 1].i], k + 3
    return None


def _latin_name(toks: list[Token], k: int) -> tuple[list[int], int]:
    """The ORGs of the Chinese aside after a name in Latin letters starting at token k, and the index
    after the aside ([] and k if there is none)."""
    j = k
    while j < len(toks) and j - k < _MAX_PEOPLE and _LATIN_WORD.fullmatch(toks[j].text):
        j += 1
    inside, after = _aside(toks, j) if j > k else ([], k)
    return (inside, after) if inside else ([], k)


def _aside(toks: list[Token], k: int) -> tuple[list[int], int]:
    """The ORGs inside a bracketed aside starting at token k, and the index after it (k if none)."""
    if k >= len(toks) or toks[k].text not in _OPEN:
        return [], k
    for j in range(k + 1, min(len(toks), k + _MAX_ASIDE)):
        if toks[j].text in _CLOSE:
            return [t.i for t in toks[k + 1 : j] if _is_org(t)], j + 1
    return [], k


def _org_list_before(toks: list[Token], k: int) -> list[int]:
    """The ORGs of a co-ordinated list ending just before token k (adverbs, titles and names skipped)."""
    j = k - 1
    hops = 0
    while j >= 0 and not _is_org(toks[j]) and (toks[j].text in _ADVERBS or _is_person_word(toks[j])):
        j, hops = j - 1, hops + 1
        if hops > _MAX_PEOPLE + 2:
            return []
    found: list[int] = []
    while j >= 0 and _is_org(toks[j]):
        found.append(toks[j].i)
        if j >= 2 and toks[j - 1].text in _LIST_SEPS and _is_org(toks[j - 2]):
            j -= 2
            continue
        break
    return found


def _agreements(toks: list[Token]) -> set[int]:
    """与 + ORGs + … 签署 / 合作 …: the ORGs after 与, the ORGs before it, and ORGs listed in between."""
    found: set[int] = set()
    for k, tok in enumerate(toks):
        if tok.text not in _AGREE_PREPS:
            continue
        listed, after = _org_list(toks, k + 1, people=True)
        before = _org_list_before(toks, k)
        if not (listed or before) or _announced(toks, k):
            continue
        at = _agreement_at(_clause(toks, after))
        if at is not None:
            found |= {*listed, *before, *_listed_in_window(toks, after, at)}
    return found


def _announced(toks: list[Token], k: int) -> bool:
    """未来还将与 / 谋划与 / 计划与 …: an agreement planned for later (future plans are no partners)."""
    words: list[str] = []
    j = k - 1
    while j >= 0 and len(words) < _MAX_PEOPLE + 2 and not _is_org(toks[j]) and toks[j].text not in _CLAUSE_END:
        words.insert(0, toks[j].text)
        j -= 1
    before = "".join(words)
    if _FUTURE_RE.search(before):
        return True
    return _ALSO_LATER_RE.search(before) is not None and not _LAUNCH_DAY_RE.search(_sentence_before(toks, k))


def _sentence_before(toks: list[Token], k: int) -> str:
    return "".join(t.text for t in toks[:k])


def _after_epithet(toks: list[Token], k: int) -> int:
    """Index after a short nickname in quotes opening at token k (“两翼”), else k."""
    if k >= len(toks) or toks[k].text not in _EPITHET_OPEN:
        return k
    for j in range(k + 1, min(len(toks), k + _MAX_PEOPLE)):
        if toks[j].text in _EPITHET_CLOSE:
            inside = toks[k + 1:j]
            short = sum(len(t.text) for t in inside) <= 6 and not any(_is_org(t) for t in inside)
            return j + 1 if inside and short else k
    return k


def _agreement_at(clause: str) -> int | None:
    """Where the cooperation word of an agreement clause starts, or None when the clause is no agreement."""
    strong, weak, stop = _COOP_RE.search(clause), _WEAK_COOP_RE.search(clause), _NOT_COOP_RE.search(clause)
    if strong and (stop is None or strong.start() < stop.start()):
        return strong.start()
    return weak.start() if weak and stop is None else None


def _listed_in_window(toks: list[Token], k: int, chars: int) -> set[int]:
    """ORGs within the first `chars` characters after token k that follow a list separator (、郑州大学)."""
    found: set[int] = set()
    limit = toks[k].idx + chars if k < len(toks) else 0
    for j in range(k + 1, len(toks)):
        if toks[j].idx >= limit:
            break
        if _is_org(toks[j]) and toks[j - 1].text in _LIST_SEPS:
            found.add(toks[j].i)
    return found


def _verb_objects(toks: list[Token]) -> set[int]:
    """联合 / 携手 / 签约 / 依托 + ORGs, and the ORGs just before 联合 / 携手."""
    found: set[int] = set()
    for k, tok in enumerate(toks):
        if tok.text not in _VERB_OBJECT or _announced(toks, k):
            continue  # 下一步还将联合…: a plan, no partner
        listed, _ = _org_list(toks, k + 1)
        if listed:
            found |= set(listed)
            if tok.text in _SUBJECT_TOO:
                found |= set(_org_list_before(toks, k))
    return found


def _based_on(toks: list[Token]) -> set[int]:
    """依托 + ORGs + 建设 / 组建 / 运营 …: the center is built on them (and by the ORGs just before 依托:
    宣传部依托融媒体中心筹建). Not 依托 ORG 的 渠道 / 优势 (their resources only)."""
    found: set[int] = set()
    for k, tok in enumerate(toks):
        if tok.text == "依托":
            listed, after = _org_list(toks, k + 1)
            if listed and _built_soon(toks, after):  # and who builds on them: A依托B组建
                found |= {*listed, *_org_list_before(toks, k)}
    return found


def _built_soon(toks: list[Token], k: int) -> bool:
    """A verb of building or running within a few words from token k, before any 的 / 在 / punctuation
    (依托A和B两家州级媒体组建)."""
    for j in range(k, min(len(toks), k + _MAX_PEOPLE + 2)):
        if toks[j].text in ("的", "在") or toks[j].is_punct:
            return False
        if _BROAD_RE.match(_rest(toks, j)):
            return True
    return False


def _led_by(toks: list[Token]) -> set[int]:
    """由 + ORGs + 主导 / 运营 / 建设 …, chained: 由A主导、B运营."""
    found: set[int] = set()
    for k, tok in enumerate(toks):
        if tok.text != "由":
            continue
        listed, after = _org_list(toks, k + 1)
        if _ACTIVITY_RE.search(_before_in_clause(toks, k)):
            continue  # 本届论坛由A、B主办: the hosts of an activity, not of the center
        while listed:
            verb = _skip(toks, _after_epithet(toks, after), _ADVERBS)
            if not _BROAD_RE.match(_rest(toks, verb)):
                break
            found |= set(listed)
            nxt = _skip(toks, verb + 1, frozenset("、，,及和并"))
            listed, after = _org_list(toks, nxt) if nxt < len(toks) else ([], nxt)
    return found


def _before_in_clause(toks: list[Token], k: int) -> str:
    """The text of the clause before token k."""
    words: list[str] = []
    j = k - 1
    while j >= 0 and toks[j].text not in _CLAUSE_END:
        words.insert(0, toks[j].text)
        j -= 1
    return "".join(words)


def _bare_roles(toks: list[Token]) -> set[int]:
    """ORGs + 主导 / 承办 / 指导 …, ORGs + 联合 / 共同 + 打造 …, ORGs + 为 … 指导单位 / 合作伙伴."""
    found: set[int] = set()
    k = 0
    while k < len(toks):
        listed, after = _org_list(toks, k)
        if not listed:
            k += 1
            continue
        signs_later = k > 0 and toks[k - 1].text in _AGREE_PREPS and _announced(toks, k - 1)
        hosts_activity = _ACTIVITY_RE.search(_before_in_clause(toks, k)) is not None
        if _in_role(toks, after) and not signs_later and not hosts_activity:
            found |= set(listed)
        k = after
    return found


def _in_role(toks: list[Token], after: int) -> bool:
    """Does what follows a list (from token `after`) give its members a role (主导, 联合打造, 为…单位)?"""
    tail = _skip_tail(toks, _after_epithet(toks, after))
    verb = _rest(toks, _skip(toks, tail, _ADVERBS - _JOINT))
    if _STRICT_RE.match(verb) or _JOINT_BUILD_RE.match(verb):
        return True
    return bool(_SIGN_RE.match(_rest(toks, after)) or _ROLE_RE.match(_rest(toks, tail)))


def _skip_tail(toks: list[Token], k: int) -> int:
    """Index of the first token from k on that is not part of a list's tail (等4家单位, 三方)."""
    start = k
    while k < len(toks) and k - start < _MAX_PEOPLE and (toks[k].text in _LIST_TAIL or toks[k].like_num):
        k += 1
    return k


def _labels(toks: list[Token]) -> set[int]:
    """指导单位：ORGs；主办单位：ORGs … (up to the end of the clause or the next label), and
    作为合作单位，ORGs …"""
    if not toks:
        return set()
    begin = toks[0].idx
    text = orgs.doc_text(toks[0].doc)[begin : toks[-1].idx + len(toks[-1].text)]
    found: set[int] = set()
    labels = list(_LABEL_RE.finditer(text))
    for n, label in enumerate(labels):
        stop = labels[n + 1].start() if n + 1 < len(labels) else len(text)
        clause_end = _CLAUSE_END_RE.search(text, label.end())
        stop = min(stop, clause_end.start() if clause_end else stop)
        found |= {t.i for t in toks if _is_org(t) and label.end() <= t.idx - begin < stop}
    for role in _AS_ROLE_RE.finditer(text):
        after = [k for k, t in enumerate(toks) if t.idx - begin >= role.end()]
        found |= set(_org_list(toks, after[0])[0]) if after else set()
    return found


def _founded(toks: list[Token]) -> set[int]:
    """An alliance founded at the event (同时成立洛阳国际传播联盟, “襄阳国际传播联盟”成立仪式)."""
    found: set[int] = set()
    for k, tok in enumerate(toks):
        if not (_is_org(tok) and tok.text.endswith("联盟")):
            continue
        before = orgs.doc_text(tok.doc)[max(toks[0].idx, tok.idx - _MAX_FOUNDING) : tok.idx]
        if _FOUNDED_BEFORE_RE.search(before) or _FOUNDED_AFTER_RE.match(_rest(toks, k + 1)):
            found.add(tok.i)
    return found


def _both_parties(toks: list[Token]) -> set[int]:
    """A为B授牌，双方签署合作协议: the ORGs of the clause before 双方 + an agreement word."""
    found: set[int] = set()
    clause: list[Token] = []
    for k, tok in enumerate(toks):
        if tok.text in _CLAUSE_END:
            if _BOTH_RE.match(_rest(toks, k + 1)):
                found |= {t.i for t in clause if _is_org(t)}
            clause = []
        else:
            clause.append(tok)
    return found


def _support(toks: list[Token]) -> set[int]:
    """在 + ORGs + 的 … 支持 / 指导 / 帮助 + 下; 接受 + ORGs + (的)(业务)指导."""
    found: set[int] = set()
    for k, tok in enumerate(toks):
        if tok.text not in ("在", "接受"):
            continue
        listed, after = _org_list(toks, k + 1)
        if listed and (_SUPPORT_RE if tok.text == "在" else _GUIDED_RE).match(_rest(toks, after)):
            found |= set(listed)
    return found


def _as_main_body(toks: list[Token]) -> set[int]:
    """以 + ORGs + 为主体 / 为依托 / 为龙头 / 为主导: the center is built around them."""
    found: set[int] = set()
    for k, tok in enumerate(toks):
        if tok.text != "以":
            continue
        listed, after = _org_list(toks, k + 1)
        if listed and _MAIN_BODY_RE.match(_rest(toks, after)):
            found |= set(listed)
    return found


def _awarded(toks: list[Token]) -> set[int]:
    """为 + ORGs + 授予 / 授牌: the bodies that receive the plaque of a base of the center at its launch
    (为A、B授予…中心图文基地、影视基地) run a part of it. People (为外籍专家颁发聘书) are no ORGs."""
    found: set[int] = set()
    for k, tok in enumerate(toks):
        if tok.text != "为":
            continue
        listed, after = _org_list(toks, k + 1)
        if listed and _AWARD_RE.match(_rest(toks, after)):
            found |= set(listed)
    return found


def _short_signatory(toks: list[Token]) -> set[int]:
    """与 + a short name that is no ORG for the suffix rules (北外, 川大: abbreviations of universities) +
    签署 / 签订 / 签约: the other party of an agreement signed at the launch."""
    found: set[int] = set()
    for k in range(len(toks) - 2):
        party, verb = toks[k + 1], toks[k + 2]
        if toks[k].text in _AGREE_PREPS and _is_short_name(party) and _STRONG_SIGN_RE.match(verb.text) \
                and not _announced(toks, k):
            found.add(party.i)
    return found


def _is_short_name(tok: Token) -> bool:
    text = tok.text
    if _is_org(tok) or not 2 <= len(text) <= 3 or not all("\u4e00" <= ch <= "\u9fff" for ch in text):
        return False
    return text not in _LIST_TAIL and text not in _ADVERBS and orgs.word_flag(text) in _ABBREVIATION_FLAGS
