"""Article extraction: decoded HTML → Article (title, original text, publication date, canonical URL).

trafilatura finds the body text. The date is the article's own, in this order: a labelled
document date (成文日期 of a government notice), a `<meta>` date, the CMS record of Founder
(方正) pages, a date in the URL path, the byline line under the headline, the feed entry's date,
and only then trafilatura's guess, refused when it is a date of a link list (related news, sidebar,
footer).

Page chrome that trafilatura keeps on some layouts (a related-links list inside the article's block, a
share bar, 上一篇/下一篇, 【广告】 lines) is dropped from the text line by line (`chrome_lines`, in either
script); normalize blanks the same lines in the matching copy of texts that come from elsewhere.
trafilatura is imported when a page is first extracted: normalize imports this module, and commands
that never extract start without it.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any
from urllib.parse import urlsplit

import lxml.html  # type: ignore[import-untyped]
from lxml import etree

from monitor.models import Article, FeedEntry
from monitor.sources.feeds import CHINA_TZ, absolute_http_url, parse_date_text

log = logging.getLogger(__name__)

_TRAFILATURA_OPTIONS: dict[str, Any] = {
    "with_metadata": True,
    "include_comments": False,
    "include_tables": False,
    "include_images": False,
    "include_links": False,
    # extensive_search=False makes htmldate trust class="pubtime"/"date" spans, which on Chinese pages
    # are often the related-links list; its full search is better, and _guessed_date() vets it.
    "date_extraction_params": {"extensive_search": True, "original_date": True},
}
_PASSES: tuple[dict[str, Any], ...] = ({"fast": True, "favor_precision": True}, {"fast": False})
_SHORT_TEXT = 50  # below this the precise pass missed the body (table layouts, notices): try the next
_PROSE_LINE = 25
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template", "select", "textarea"})

# 2024-09-06, 2024/9/6, 2024.09.06, 2024年09月06日10:23
_DATE_IN_TEXT = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})(?!\d)\s*日?"
    r"(?:\s*(\d{1,2})\s*[:：时]\s*\d{1,2})?"
)
_COMPACT_DATE = re.compile(r"^\s*((?:19|20)\d{2})(\d{2})(\d{2})\s*$")
# /2024-09/06/, /2024/09/06/, /20240906/, _20240906_, /202311/17/; c_1125597921 and content_ ids excluded
_URL_DATE = re.compile(
    r"(?<!\d)(?<!c_)(?<!content_)((?:19|20)\d{2})[-_/]?(0[1-9]|1[0-2])[-_/]?(0[1-9]|[12]\d|3[01])(?!\d)"
)
_URL_DATE_SLASHED = re.compile(r"/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/")  # /art/2024/9/6/art_1.html
_BYLINE_CUE = re.compile(
    r"来源|发布|时间|日期|作者|记者|编辑|稿源|出处|字号|浏览|阅读|点击|打印|发表|责编|供稿"
)
_LIST_BLOCK = re.compile(r"relat|xgxw|xgwz|list|side|hot|recommend|tuijian|more|foot|nav|rank|paihang")
_DOCUMENT_DATE = re.compile(r"成文(?:日期|时间)\s*[:：]?\s*")
_BYLINE_WINDOW = 400
_META_DATE_KEYS = (
    "publishdate", "pubdate", "publish_date", "publish-date", "publishtime", "publish_time", "pubtime",
    "article:published_time", "og:article:published_time", "og:published_time", "og:release_date",
    "datepublished", "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.date", "dc.date.created",
    "dcterms.created", "weibo:article:create_at", "weibo: article:create_at", "sailthru.date",
    "parsely-pub-date", "article.published", "firstpublishedtime", "releasedate", "date",
)  # fmt: skip

# Site-name tails of <title>: "…_新华网", "…-人民网", "… - 中国日报网", "…_教育频道_中国青年网".
_TITLE_TAIL = re.compile(r"(?P<sep>\s*(?:_|\||｜|——|--|—|－|–)\s*|\s+-\s+|-)(?P<tail>[^_|｜—－–-]{1,30})$")
_SITE_WORDS = re.compile(
    r"网|报|频道|电视|广播|政府|在线|新闻|要闻|门户|客户端|官网|\.com|\.cn|china|cctv|xinhua", re.IGNORECASE
)
_SITE_SUFFIX = re.compile(r"(?:网|网站|报|台|频道|门户|客户端|在线)$")
_SECOND_LEVEL = frozenset({"com", "net", "org", "gov", "edu", "ac", "mil", "co"})
_DOMAIN_ALIASES = {"news.cn": "xinhuanet.com", "people.cn": "people.com.cn", "cctv.cn": "cctv.com",
                   "chinanews.com.cn": "chinanews.com", "chinadaily.cn": "chinadaily.com.cn"}  # fmt: skip


def extract_article(html: str, url: str, entry: FeedEntry | None = None) -> Article | None:
    """The article of a decoded page fetched from `url`; None when the page has no article text.

    `entry` (the feed item or list-page link that led here) fills the title and date when the page
    lacks them.
    """
    html = _XML_DECL.sub("", html.lstrip("\ufeff"), count=1)
    if not html.strip():
        return None
    found = _run_trafilatura(html, url)
    if found is None:
        log.debug("no article text in %s", url)
        return None
    root = _parse_html(html)
    text = without_chrome(str(found["text"])).strip()
    if not _has_prose(text, root):
        log.debug("only links and short lines in %s: not an article", url)
        return None
    title = _choose_title(found.get("title"), root, entry)
    return Article(
        url=url,
        title=title,
        text=text,
        published=_choose_date(html, root, url, title, entry, found.get("date"), text),
        canonical_url=_canonical_url(root, url),
        fetched_url=url,
    )


def date_from_url(url: str) -> dt.date | None:
    """A publication date written in the URL path (/2024-09/06/, /2024/09/06/, /20240906/, _20240906_).

    Digit runs of ids (c_1125597921, content_20240906) do not count; nor does a date in the future.
    """
    path = urlsplit(url).path
    matches = sorted([*_URL_DATE.finditer(path), *_URL_DATE_SLASHED.finditer(path)], key=lambda m: m.start())
    for match in matches:
        found = _make_date(*match.group(1, 2, 3))
        if found is not None and _plausible(found):
            return found
    return None


def clean_title(title: str | None) -> str | None:
    """A page title without its site-name tails ("_新华网", "-人民网", " - 中国日报网")."""
    text = _SPACES.sub(" ", title or "").strip()
    while (match := _TITLE_TAIL.search(text)) is not None:
        head, tail = text[: match.start()].strip(), match.group("tail").strip()
        if len(head) < 4 or not _is_site_tail(match.group("sep"), tail):
            break
        text = head
    return text or None


def _is_site_tail(separator: str, tail: str) -> bool:
    """ "_" and "|" set off a site or channel name; a bare hyphen or dash only before a site suffix."""
    mark = separator.strip()
    if mark in ("_", "|", "｜"):
        return len(tail) <= 12 or _SITE_WORDS.search(tail) is not None
    if mark in ("-", "—", "——") and not separator.startswith(" "):
        return _SITE_SUFFIX.search(tail) is not None
    return _SITE_WORDS.search(tail) is not None


# --- page chrome in the text --------------------------------------------------------------------

# The traditional spelling of the simplified characters of the patterns below: chrome is recognised in
# either script without a converter (tests/test_extract.py checks the pairs against OpenCC).
_TRADITIONAL = dict(zip("关阅读闻链报荐资讯专题视频扩热门点图为欢顾编辑击广赞条页则后扫码维蓝们众号个闭来发时间记",
                        "關閱讀聞鏈報薦資訊專題視頻擴熱門點圖為歡顧編輯擊廣贊條頁則後掃碼維藍們眾號個閉來發時間記",
                        strict=True))


def _either_script(pattern: str) -> re.Pattern[str]:
    """`pattern` (simplified script) compiled to match the traditional spelling of its characters too."""
    out: list[str] = []
    in_class = escaped = False
    for char in pattern:
        traditional = None if escaped else _TRADITIONAL.get(char)
        if traditional is None:
            out.append(char)
        else:
            out.append(char + traditional if in_class else f"[{char}{traditional}]")
        if not escaped and char == "[":
            in_class = True
        elif not escaped and char == "]":
            in_class = False
        escaped = not escaped and char == "\\"
    return re.compile("".join(out))


# The heading of a list of links to other pages: 相关阅读：, 【热门推荐】, 延伸阅读 … (a link may follow it on
# the same line: 热门推荐：…).
_LINK_LIST_HEADING = _either_script(
    r"^[【\[〖]?(?:相关(?:阅读|新闻|链接|报道|文章|稿件|推荐|资讯|专题|视频|新视频)|(?:延伸|推荐|扩展|拓展)阅读|"
    r"热门(?:推荐|新闻|文章|排行|阅读|资讯)|热点(?:新闻|推荐|排行)|精彩(?:推荐|图集)|为[你您]推荐|猜你喜欢|"
    r"更多(?:新闻|阅读|精彩|报道|资讯)|往期(?:回顾|推荐|精彩)|最新(?:新闻|文章|资讯|报道)|(?:今日|编辑)推荐|"
    r"(?:点击|阅读)?排行榜?|友情链接)[】\]〗]?\s*(?:[:：>]|$)")
# One marked link or navigation line: 【推荐】…, 【广告】…, 上一篇：…, 下一条：….
_LINK_LINE = _either_script(r"^[【\[〖]\s*(?:推荐|广告|荐读|热点|热门|专题|延伸阅读|相关|推广|赞助)\s*[】\]〗]|"
                            r"^[上下前后]一(?:篇|条|页|则)\s*[:：]|^(?:广告|推广)\s*[:：|]")
# A share, follow or print bar: chrome when the line is short.
_BAR = _either_script(r"分享(?:到|至)|扫一扫|扫码|二维码|点击蓝字|点击上方|关注我们|关注公众号|点个?[“\"]?在看|"
                      r"阅读原文|打印本页|关闭窗口|【打印】|【关闭】|收藏本页")
_BAR_LINE = 40
# A line of a link list: a headline with a bullet or a date before or after it.
_BULLET = re.compile(r"^(?:[·•▪►▶◆■□○●]|-\s)")
_LIST_DATE = re.compile(r"^(?:[·•▪►▶◆■□○●-]\s*)?(?:(?:19|20)\d{2}[-/.]\d{1,2}[-/.]|\d{1,2}[-/])\d{1,2}(?!\d)|"
                        r"(?:(?:19|20)\d{2}[-/.]\d{1,2}[-/.]|\d{1,2}[-/])\d{1,2}(?:\s+\d{1,2}:\d{2})?\s*[)）]?$")
# A byline under a headline ends a link list: the page's own header (date, source) is never chrome.
_BYLINE = _either_script(r"来源|发布(?:时间|日期)|作者|记者")
_LINK_ITEM = 50  # a link's headline is shorter than this and does not end a sentence
_A_DATE = re.compile(r"(?:19|20)\d{2}\s*(?:[-/.]|年)\s*\d{1,2}|\d{1,2}\s*月\s*\d{1,2}\s*日")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_TRANSLATION_WORDS, _TRANSLATION_LETTERS = 4, 20  # a line in Latin script this long is a translation


def chrome_lines(lines: Sequence[str]) -> set[int]:
    """The indices of the lines of an article's text (in either script) that are page chrome:
    link lists under a heading (相关阅读, 热门推荐 …), dated or bulleted link lists that end the text, single
    marked links (【推荐】…, 【广告】…, 上一篇：…), and short share or follow bars (分享到, 扫一扫, 点击蓝字关注).
    A bar with a date stays: copied pages write their own header (发布时间, 来源) on such a line."""
    found: set[int] = set()
    in_list = False
    for index, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            continue
        if _LINK_LIST_HEADING.match(line):
            in_list = True
        elif in_list and (not _is_link_item(line) or (_BYLINE.search(line) and _A_DATE.search(line))):
            in_list = False
        if in_list or _LINK_LINE.match(line) or (len(line) <= _BAR_LINE and _BAR.search(line)
                                                  and not _A_DATE.search(line)):
            found.add(index)
    return found | _closing_link_list(lines)


def _is_link_item(line: str) -> bool:
    return len(line) <= _LINK_ITEM and not line.endswith(("。", "”。"))


def _closing_link_list(lines: Sequence[str]) -> set[int]:
    """Two or more bulleted or dated links after the last line of prose: a link list without a heading."""
    found: list[int] = []
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index].strip()
        if not line:
            continue
        if not _is_link_item(line):
            break
        if _BULLET.match(line) or _LIST_DATE.search(line):
            found.append(index)
    return set(found) if len(found) >= 2 else set()


def translation_lines(lines: Sequence[str]) -> set[int]:
    """The indices of the lines written in another script in a Chinese text (a bilingual page prints a
    translation after each paragraph): lines without Chinese characters and with a few words of Latin script,
    when most lines of the text are Chinese."""
    latin = {i for i, line in enumerate(lines) if not _CJK.search(line) and _is_prose_in_latin(line)}
    chinese = sum(1 for line in lines if _CJK.search(line))
    return latin if latin and chinese >= len(latin) else set()


def _is_prose_in_latin(line: str) -> bool:
    words = _LATIN_WORD.findall(line)
    return len(words) >= _TRANSLATION_WORDS and sum(map(len, words)) >= _TRANSLATION_LETTERS


def without_chrome(text: str) -> str:
    """`text` without its page chrome lines (`chrome_lines`)."""
    lines = text.split("\n")
    dropped = chrome_lines(lines)
    return "\n".join(line for i, line in enumerate(lines) if i not in dropped) if dropped else text


# --- trafilatura -------------------------------------------------------------------------------


def _run_trafilatura(html: str, url: str) -> dict[str, Any] | None:
    """trafilatura favouring precision; when that keeps (next to) nothing, its balanced mode with the
    readability/jusText fallbacks, which recovers table layouts and government notices."""
    best: dict[str, Any] | None = None
    for options in _PASSES:
        found = _bare_extraction(html, url, options)
        if found is not None and _text_length(found) > _text_length(best):
            best = found
        if _text_length(best) >= _SHORT_TEXT:
            break
    return best


def _text_length(found: dict[str, Any] | None) -> int:
    return len(str((found or {}).get("text") or "").strip())


def _bare_extraction(html: str, url: str, options: dict[str, Any]) -> dict[str, Any] | None:
    try:
        import trafilatura  # see the module docstring

        document = trafilatura.bare_extraction(html, url=url or None, **options, **_TRAFILATURA_OPTIONS)
    except Exception as exc:  # lxml and trafilatura internals: one bad page must not stop a run
        log.warning("trafilatura failed on %s: %s", url, exc)
        return None
    if document is None:
        return None
    return dict(document.as_dict()) if hasattr(document, "as_dict") else dict(document)


def _has_prose(text: str, root: Any) -> bool:
    """True when some line of the text is a sentence (≥ _PROSE_LINE characters) and not a link's text:
    what trafilatura keeps of a channel page (navigation, link lists, footer) has no such line."""
    links = {_squeeze(a.text_content()) for a in root.iter("a")} if root is not None else set()
    return any(len(line) >= _PROSE_LINE and line not in links for line in map(_squeeze, text.splitlines()))


def _parse_html(html: str) -> Any:
    try:
        return lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError) as exc:
        log.debug("lxml could not parse the page: %s", exc)
        return None


# --- title -------------------------------------------------------------------------------------


def _choose_title(extracted: Any, root: Any, entry: FeedEntry | None) -> str | None:
    """trafilatura's title; the page's <title> when trafilatura took the site name; the entry's title."""
    found = clean_title(extracted if isinstance(extracted, str) else None)
    page = clean_title(_page_title(root))
    if found and page and _is_site_name(found, page):
        return page
    return found or page or (entry.title if entry is not None else None)


def _page_title(root: Any) -> str | None:
    if root is None:
        return None
    element = root.find(".//title")
    return element.text_content() if element is not None else None


def _is_site_name(found: str, page: str) -> bool:
    squeezed, other = _squeeze(found), _squeeze(page)
    return squeezed not in other and other not in squeezed and _SITE_SUFFIX.search(squeezed) is not None


def _squeeze(text: str) -> str:
    return _SPACES.sub("", text)


# --- date --------------------------------------------------------------------------------------


def _choose_date(
    html: str, root: Any, url: str, title: str | None, entry: FeedEntry | None, guessed: Any, text: str
) -> dt.date | None:
    """The first plausible date of the sources, most trusted first (see the module docstring)."""
    sources: tuple[tuple[str, Callable[[], dt.date | None]], ...] = (
        ("document date", lambda: _document_date(root)),
        ("meta", lambda: _meta_date(root)),
        ("CMS record", lambda: _cms_date(html)),
        ("URL", lambda: date_from_url(url)),
        ("byline", lambda: _byline_date(root, title, text)),
        ("feed entry", lambda: _entry_date(entry)),
        ("trafilatura", lambda: _guessed_date(root, guessed)),
    )
    for name, source in sources:
        found = source()
        if found is not None and _plausible(found):
            log.debug("date of %s from %s: %s", url, name, found)
            return found
    return None


def _guessed_date(root: Any, guessed: Any) -> dt.date | None:
    """trafilatura's date, unless it is one of the dates of a link list (related news, sidebar, footer) or
    1 January: what it guesses from a bare year in the text (2023年度…), not a day the page gives."""
    found = _date_in(guessed if isinstance(guessed, str) else None)
    if found is not None and (found.month, found.day) == (1, 1):
        return None
    if found is None or root is None:
        return found
    return None if found in _list_dates(root) else found


def _list_dates(root: Any) -> set[dt.date]:
    dates: set[dt.date] = set()
    for element in root.iter("li", "ul", "div", "td", "dl", "section", "aside", "footer", "nav"):
        if element.tag in ("li", "aside", "footer", "nav") or _LIST_BLOCK.search(_class_and_id(element)):
            for match in _DATE_IN_TEXT.finditer(element.text_content()):
                day = _make_date(*match.group(1, 2, 3))
                if day is not None:
                    dates.add(day)
    return dates


def _plausible(day: dt.date) -> bool:
    today = dt.datetime.now(CHINA_TZ).date()
    return dt.date(1990, 1, 1) <= day <= today + dt.timedelta(days=1)


def _make_date(year: str, month: str, day: str) -> dt.date | None:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def _date_in(value: str | None) -> dt.date | None:
    """The date of a metadata value: a full date-time (its zone honoured, China time by default) or
    the first Y-M-D it starts with."""
    if not value or not value.strip():
        return None
    moment = parse_date_text(value)
    if moment is not None:
        return moment.date()
    compact = _COMPACT_DATE.match(value) or _DATE_IN_TEXT.match(value.strip())
    return _make_date(*compact.group(1, 2, 3)) if compact else None


def _meta_date(root: Any) -> dt.date | None:
    if root is None:
        return None
    values: dict[str, str] = {}
    for meta in root.iter("meta"):
        key = meta.get("name") or meta.get("property") or meta.get("itemprop") or ""
        values.setdefault(key.strip().lower(), meta.get("content") or "")
    for key in _META_DATE_KEYS:
        found = _date_in(values.get(key))
        if found is not None:
            return found
    return None


def _cms_date(html: str) -> dt.date | None:
    """The <date> of the `<!--enpproperty …-->` record that Founder (方正) CMS pages carry."""
    start = html.find("enpproperty")
    if start < 0:
        return None
    end = html.find("-->", start)
    record = html[start : end if end >= 0 else start + 2000]
    match = re.search(r"<date>\s*([^<]+?)\s*</date>", record)
    return _date_in(match.group(1)) if match else None


def _entry_date(entry: FeedEntry | None) -> dt.date | None:
    if entry is None or entry.published is None:
        return None
    moment = entry.published
    return (moment.astimezone(CHINA_TZ) if moment.tzinfo else moment).date()


def _document_date(root: Any) -> dt.date | None:
    """成文日期 of a government notice: the document's own date, ahead of its posting date."""
    if root is None:
        return None
    text = " ".join(chunk for _, chunk in _text_chunks(root))
    for label in _DOCUMENT_DATE.finditer(text):
        match = _DATE_IN_TEXT.match(text, label.end())
        if match is not None:
            return _make_date(*match.group(1, 2, 3))
    return None


# --- byline ------------------------------------------------------------------------------------


def _byline_date(root: Any, title: str | None, text: str) -> dt.date | None:
    """The date on the lines between the headline and the body ("2024-09-06 10:23 来源：…"), never
    one from a list further down; without a headline element, the first date next to a byline word."""
    if root is None:
        return None
    headline = _headline_element(root, title)
    chunks = list(_text_chunks(root))
    if headline is None:
        return next((d for _, chunk in chunks if (d := _cued_date(chunk)) is not None), None)
    window = _SPACES.sub(" ", " ".join(_chunks_after(chunks, headline)))[:_BYLINE_WINDOW]
    return _cued_date(window[: _body_start(window, text)])


def _body_start(window: str, text: str) -> int:
    """Where the article text begins in the text after the headline (the window's end if not in it);
    a byline line that trafilatura kept as the first line of the text is not the beginning."""
    lines = (line for line in map(str.strip, text.splitlines()) if len(line) >= 10)
    first = next((line for line in lines if len(line) > 80 or _cued_date(line) is None), "")
    position = window.find(_SPACES.sub(" ", first)[:10]) if first else -1
    return position if position >= 0 else len(window)


def _cued_date(text: str) -> dt.date | None:
    """The first date in `text` that carries a time or sits next to a byline word (来源, 发布时间 …)."""
    for match in _DATE_IN_TEXT.finditer(text):
        around = text[max(0, match.start() - 25) : match.end() + 25]
        if match.group(4) is not None or _BYLINE_CUE.search(around):
            found = _make_date(*match.group(1, 2, 3))
            if found is not None:
                return found
    return None


def _headline_element(root: Any, title: str | None) -> Any:
    """The element holding the headline: an h1–h3 or a *title* block whose text matches the title."""
    if not title:
        return None
    wanted = _squeeze(title)
    for element in root.iter("h1", "h2", "h3", "div", "p", "td", "span", "strong"):
        if element.tag not in ("h1", "h2", "h3") and "title" not in _class_and_id(element):
            continue
        if _matches_title(_squeeze(element.text_content()), wanted):
            return element
    return None


def _matches_title(text: str, wanted: str) -> bool:
    """Same text, or one holds the other (a kicker or subtitle around it) without being a whole page."""
    if len(text) < 4:
        return False
    return text == wanted or ((text in wanted or wanted in text) and len(text) < 3 * len(wanted))


def _class_and_id(element: Any) -> str:
    return f"{element.get('class') or ''} {element.get('id') or ''}".lower()


def _text_chunks(root: Any) -> Iterator[tuple[Any, str]]:
    """(element, text) in document order; scripts, styles and comments left out. A tail is yielded
    with the element it follows."""
    skipped = 0
    for event, element in etree.iterwalk(root, events=("start", "end")):
        hidden = not isinstance(element.tag, str) or element.tag in _SKIPPED_TAGS
        if event == "start":
            skipped += hidden
            if not skipped and element.text:
                yield element, element.text
            continue
        skipped -= hidden
        if not skipped and element.tail:
            yield element, element.tail


def _chunks_after(chunks: list[tuple[Any, str]], headline: Any) -> list[str]:
    """Texts that come after the headline element (its tail and everything that follows)."""
    inside = set(headline.iter())  # lxml elements hash and compare by identity
    last = max((i for i, (element, _) in enumerate(chunks) if element in inside), default=-1)
    return [text for _, text in chunks[last + 1 :]]


# --- canonical URL -----------------------------------------------------------------------------


def _canonical_url(root: Any, url: str) -> str:
    """<link rel=canonical> when it is an http(s) URL of the same site and not its home page."""
    if root is None:
        return url
    for link in root.iter("link"):
        if "canonical" not in (link.get("rel") or "").lower().split():
            continue
        candidate = absolute_http_url(link.get("href"), url)
        if candidate is not None and _same_site(candidate, url) and urlsplit(candidate).path.strip("/"):
            return candidate
    return url


def _same_site(candidate: str, url: str) -> bool:
    host = urlsplit(url).hostname
    if not host:
        return True
    return _site(urlsplit(candidate).hostname or "") == _site(host)


def _site(host: str) -> str:
    """The registered domain (sn.people.com.cn → people.com.cn), Xinhua/People's Daily aliases merged."""
    labels = host.lower().rstrip(".").split(".")
    if host.replace(".", "").isdigit() or len(labels) < 2:
        return host
    size = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL else 2
    domain = ".".join(labels[-size:])
    return _DOMAIN_ALIASES.get(domain, domain)
