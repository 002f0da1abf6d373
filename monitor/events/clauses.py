"""What a clause says besides its words: whether it looks back, plans or schedules a launch, and whether
a line of the page is a link to another page.

- A look back: 成立以来, 成立于, 揭牌五周年, 挂牌一年来, 投入运行两年 right after a trigger (`LOOK_BACK`).
- A plan: 筹建, 拟, 将于10月, 力争…前, 获批, a work report's aim (推动X挂牌运行) (`plan`); a word of the
  future or of an aim plans a launch only when a launch verb follows it (将于下月揭牌; not 双方将在…方面开展
  合作, what the partners will do). A launch announced for a stated day is no plan but a launch on that
  day: 将于明天/后天/本月28日/6月18日/本周六揭牌 (`scheduled`), while a period or a deadline (将于10月,
  下月中旬, 力争年底前) is still one.
- Which clauses count: a sentence may report one launch and plan another (辽宁…15日揭牌成立，宁夏…则将于…
  揭牌): a clause that names another center does not speak for this one (`clauses_about`).
- A plaque that bears the name is hung or unveiled (一块写着“X”的铜牌…被挂上…): the center is launched
  (`plaque_hung`).
- Link lists (相关阅读, 上一篇, bulleted headlines) name other pages' launches (`in_link_list`); a bulleted
  line that tells its news in sentences (a digest's item: · 12月29日，X在太原揭牌成立。该中心…) is no link.
"""

from __future__ import annotations

import itertools
import re

from monitor.models import Sentence

LOOK_BACK = re.compile(r"^(?:成立|揭牌|挂牌|运行|运营|正式)*"
                       r"(以来|于|后|之后|之初|时|至今|不久|前夕?|的?第?[一二三四五六七八九十两\d]+周年|周年|满|"
                       r"(半|[一二三四五六七八九十两\d]+个?)(年|月|周|天)(以?来|多来)|"
                       r"(半|[一二三四五六七八九十两\d]+)(个)?多?(年|个月|月)(?!\d|[一二三四五六七八九十]))")
# After a ceremony (揭牌仪式于28日举行, 开办典礼于28日在…举办) 于 is the day it was held, not a look back.
CEREMONY_WORD = re.compile(r"(仪式|典礼|庆典|大会)$")
ANNIVERSARY = re.compile(r"^的?第?[一二三四五六七八九十两\d]+周年|^周年")


def looks_back(text: str, start: int, end: int) -> bool:
    """The trigger text[start:end] looks back on an existing center (成立以来, 成立于2018年, 揭牌五周年)."""
    if CEREMONY_WORD.search(text, start, end):
        return ANNIVERSARY.match(text[end:end + 6]) is not None
    return LOOK_BACK.match(text[end:end + 6]) is not None


PLAN = re.compile(r"(筹建|筹备|拟建|拟成立|拟设立|拟于|将于|将在|即将|计划于|计划在|计划|准备|规划建设|批复同意|"
                  r"同意设立|申请设立|申报|力争|获批|定于|预计于|预计|有望于|有望|"
                  r"争取|谋划|启动建设|加快建设|(?<!为)(?<!为了)(?:推动|推进|促进|力促|促成|确保)(?!会|大会|工作会|下))(?!之后|以后|后|，终于)")
# Words of the future that plan a launch only when a launch verb follows them (将于下月揭牌), not when they
# tell what the center or its partners will do (双方将在多语种翻译等方面开展合作, 中心将于下月推出纪录片).
# A work report's aim (推动X挂牌运行, 加快推进X建设并揭牌) governs the same way; 在…推动下, 为推动… and a meeting
# (…推进会暨X揭牌仪式) do not plan.
GOVERNING = re.compile(r"^(拟于|将于|将在|即将|计划于|计划在|计划|准备|力争|定于|预计于|预计|有望于|有望|争取|"
                       r"推动|推进|促进|力促|促成|确保)$")
AIM = re.compile(r"^(推动|推进|促进|力促|促成|确保)$")
AIMED_AT = re.compile(r"(中心|平台|机构)")
PLANNED_VERB = re.compile(r"(揭牌|成立|挂牌|设立|组建|建成|运行|运营|上线|启用|投用|投入使用|落地|亮相|启动|开通|揭幕)")
# 揭牌仪式计划于下月中旬举行: after a ceremony, 举行 is the launch verb.
CEREMONY_HELD = re.compile(r"(仪式|典礼|庆典|大会)[^，,；;。]{0,12}$")
TIME_ONLY = re.compile(r"^[^，,；;。]{0,8}[，,]")
# 力争7月1日前完成改造: a deadline plans what follows it, whatever the verb.
DEADLINE_TIME = re.compile(r"(前|年内|年底|月底|年末|上半年|下半年|明年|[\d一二三四五六七八九十]+月)")
PREPARED = re.compile(r"(经过|历经|经|历时|用时|耗时)")  # 历时三个月筹建: the preparation is over
# Between the center and its trigger: the center is to be launched (将…组建, 力争…挂牌).
FUTURE = re.compile(r"(将|力争|拟|预计|计划|有望|准备|"
                    r"(下个?月|明年|下半年|下周|年内|年底前?|月底前?)(?![\d一二三四五六七八九十]{1,3}[日号]))")
# A stated day for a launch to come: 将于明天, 将于26日, 计划于本月28日, 定于6月18日 (not 26日前, 月底).
_DAY = (r"(?:(?:本月|下月|\d{1,2}月|[一二三四五六七八九十]{1,2}月)?(?:\d{1,2}|[一二三四五六七八九十]{1,3})(?:日|号)"
        r"|明天|明日|后天|今天|今日|今晚|(?:本|这|下)(?:周|星期)[一二三四五六日天])")
# The day after the verb of the future (将于明天) or before it, in the same clause or opening the sentence
# (明天上午将在…揭牌, 26日将举行揭牌仪式, 明天上午，X将在…揭牌).
SCHEDULED = re.compile(rf"(?:将于|将在|定于|拟于|计划于|预计于|将)(?:\d{{4}}年)?{_DAY}(?!前|以前|之前|左右|以后|后)"
                       rf"|(?<![\d年月至到~-])(?:\d{{4}}年)?{_DAY}(?:上午|下午|晚上|晚间|中午|晚)?"
                       r"(?:\d{1,2}[时点](?:\d{1,2}分)?)?[，,]?[^，,。；;]{0,24}?(?:将于|将在|将要|将)")
DEADLINE = re.compile(r"(力争|争取|确保|力求|最迟|不晚于)")
CLAUSE_MARK = re.compile(r"[，,；;：:]")
CENTER_WORD = re.compile(r"(国际传播|国际传媒|对外传播)(分)?中心")
# Lines of a link list (related reading, previous / next article): headlines of other pages.
LINK_HEADING = re.compile(r"^\s*(相关阅读|相关新闻|相关报道|相关链接|延伸阅读|推荐阅读|热门推荐|热点推荐|更多阅读|"
                          r"往期回顾|猜你喜欢|相关文章|推荐文章|相关稿件)\s*[:：]?\s*$")
LINK_LINE = re.compile(r"^\s*([·•●▪■◆►▶]|(上一篇|下一篇|上一条|下一条|上篇|下篇|相关阅读|相关新闻|延伸阅读|"
                       r"推荐阅读|热门推荐)\s*[:：])")
LINK_LINE_LENGTH = 50


def plan(body: str) -> bool:
    """A plan or a future launch (筹建, 拟成立, 将于…揭牌), unless it is announced for a stated day (see
    `scheduled`); 经过/历经/历时…筹备 looks back on the preparation, and a word of the future that governs
    no launch verb (将在…方面开展合作) plans something else."""
    return not scheduled(body) and any(not PREPARED.search(body, max(0, m.start() - 8), m.start())
                                        and _plans_a_launch(body, m) for m in PLAN.finditer(body))


def _plans_a_launch(body: str, match: re.Match[str]) -> bool:
    """筹建 plans by itself; 将于/计划/力争… plan a launch when a launch verb follows in their clause, or in
    the next one when theirs holds only a time (计划于下月中旬，在…揭牌)."""
    if not GOVERNING.match(match.group(0)):
        return True
    rest = body[match.end():]
    time = TIME_ONLY.match(rest)
    reach = rest[:time.end() if time else 0]
    reach += re.split(r"[，,；;。！!？?]", rest[len(reach):], maxsplit=1)[0]
    deadline = DEADLINE.match(match.group(0)) is not None and DEADLINE_TIME.search(reach) is not None
    held = CEREMONY_HELD.search(body, 0, match.start()) is not None and re.search(r"(举行|举办|进行)", reach)
    verb = PLANNED_VERB.search(reach)
    if AIM.match(match.group(0)):  # 推动X挂牌运行: the aim's object is the center (not 推动启动球)
        return verb is not None and AIMED_AT.search(reach, 0, verb.start()) is not None
    return deadline or bool(held) or verb is not None


def scheduled(body: str) -> bool:
    """A launch announced for a stated day (将于明天上午…揭牌, 将於26日揭牌, 计划于本月28日揭牌成立) is a
    launch, dated that day; a period (将于10月, 下半年) or a deadline (力争7月1日前) is still a plan."""
    return SCHEDULED.search(body) is not None and DEADLINE.search(body) is None


def clauses_about(text: str, sentence: Sentence, start: int, end: int) -> str:
    """The clauses of `sentence` that hold text[start:end], with the other clauses that name no center."""
    bounds = [sentence.start, *(m.end() for m in CLAUSE_MARK.finditer(text, sentence.start, sentence.end)),
              sentence.end]
    kept = [text[a:b] for a, b in itertools.pairwise(bounds)
            if (a < end and start < b) or not CENTER_WORD.search(text, a, b)]
    return "".join(kept)


def in_link_list(text: str, at: int) -> bool:
    """`at` lies in a list of links to other pages: a bulleted line, a 上一篇/下一篇 line, or a short
    line under a 相关阅读 heading with only short lines in between."""
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    line = text[start:end if end >= 0 else len(text)]
    if LINK_LINE.match(line):
        return not _tells_news(line)
    if len(line.strip()) > LINK_LINE_LENGTH or "。" in line:
        return False
    while start > 0:
        previous_start = text.rfind("\n", 0, start - 1) + 1
        previous = text[previous_start:start - 1]
        if LINK_HEADING.match(previous):
            return True
        if len(previous.strip()) > LINK_LINE_LENGTH or "。" in previous:
            return False
        start = previous_start
    return False


def _tells_news(line: str) -> bool:
    """A bulleted line written in sentences, not a headline: a digest's item (· 1月2日，X挂牌。中心依托…)."""
    return line.lstrip().startswith(("·", "•", "●", "▪", "■", "◆", "►", "▶")) and "。" in line.rstrip()[:-1]


# 一块写着“X国际传播中心”的铜牌，于3月18日被挂上了…大楼的外墙: the plaque bearing the name is hung.
PLAQUE_BEFORE = re.compile(r"(?:写着|写有|刻着|刻有|印着|印有|镌刻着|镌有)[“「\"]$")
PLAQUE_AFTER = re.compile(r"[”」\"]的[^，。；]{0,4}(?:牌|牌子|牌匾|匾额|标牌|铭牌)")
PLAQUE_HUNG = re.compile(r"(?:挂上|挂到|被挂在|被悬挂|揭开|揭下|揭幕)")  # not 挂在门口已经两年: a state


def plaque_hung(text: str, sentence: Sentence, start: int, end: int) -> tuple[int, int] | None:
    """Where the sentence hangs or unveils a plaque that bears the name text[start:end], or None."""
    after = PLAQUE_AFTER.match(text, end)
    if not (after and PLAQUE_BEFORE.search(text, max(sentence.start, start - 4), start)):
        return None
    hung = PLAQUE_HUNG.search(text, after.end(), sentence.end)
    return hung.span() if hung else None
