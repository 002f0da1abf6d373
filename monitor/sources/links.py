"""links: the article links of a list page, wherever the page keeps them, and what a link carries.

A list page keeps its article links in `<a href>`, in image-map `<area href>` (newspaper e-paper pages link
their articles only that way) and in inline scripts (津云's front page lists most of its articles only in a
`var json = [{"url": "…"}]` array). All three are read, in page order, once each.

A link counts as one of the outlet's articles when the pattern matches its absolute address and it is on
the page's own site: the page's host, or the site (registrable domain, by the public suffix list) of the
page or of the outlet, or one of their subdomains. A pattern that names a host (`tjyun\\.com/system/…`)
widens that to the hosts it names. Share and redirect links never count, whatever the pattern: a link
whose query string carries an http(s) address (weibo, qzone, twitter, facebook and linkedin share
buttons, `?url=` redirectors) or that points at a share service.

`carried_address` gives the address such a link carries: a search source follows a result link to the
publisher's address directly.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit

import lxml.html  # type: ignore[import-untyped]
from lxml import etree
from tld import get_fld

from monitor.errors import ConfigError
from monitor.models import FeedEntry

log = logging.getLogger(__name__)

# Query parameters that carry the publisher's address in a redirect or share link, in order of trust.
CARRIER_KEYS = ("url", "u", "target", "q", "link", "to", "dest", "destination", "redirect", "redirect_url",
                "goto", "jump")
SHARE_HOSTS = frozenset({
    "service.weibo.com", "v.t.sina.com.cn", "sns.qzone.qq.com", "connect.qq.com", "share.v.t.qq.com",
    "widget.renren.com", "share.baidu.com", "www.douban.com", "twitter.com", "x.com", "www.facebook.com",
    "facebook.com", "m.facebook.com", "www.linkedin.com", "linkedin.com", "api.addthis.com", "t.me",
})
_MAX_UNWRAP = 3
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_LINK_TEXT_STOP = frozenset(
    {"a", "li", "ul", "ol", "dl", "dt", "dd", "div", "p", "table", "tr", "td", "th", "section", "article"}
)
# A string literal in a script holding an address: absolute, protocol-relative or root-relative; JSON
# writes its slashes escaped (http:\/\/www…).
_SCRIPT_ADDRESS = re.compile(
    r"""(?P<q>["'])(?P<url>(?:https?:)?(?:\\?/){2}[^"'\s<>\\]+(?:\\/[^"'\s<>\\]*)*|/[A-Za-z0-9_\-.~%]"""
    r"""[^"'\s<>]*)(?P=q)"""
)
_SCRIPT_TITLE = re.compile(r"""["']title["']\s*:\s*"((?:[^"\\]|\\.){1,300})\"""")
_TITLE_REACH = 1500  # characters around a script address searched for the "title" of its object
# A host named in a pattern: labels joined by escaped dots (tjyun\.com, people\.com\.cn).
_NAMED_HOST = re.compile(r"(?:[A-Za-z0-9-]+\\\.)+[A-Za-z]{2,}")


def parse_list_page(html: str, base_url: str, pattern: str, sites: Iterable[str] = ()) -> tuple[FeedEntry, ...]:
    """The article links of a list page: those on its own site (or on `sites`, or on a host the pattern
    names) whose absolute address matches `pattern` (re.search), in page order, once each, never a share
    or redirect link. Titles come from the link text, its title or alt text, or the script object's title."""
    regex = _compile_pattern(pattern, base_url)
    root = _html_root(html)
    if root is None:
        return ()
    base = _document_base(root, base_url)
    own = Site.of(base_url, base, *sites).naming(pattern)
    return _entries(
        (url, title, own_text)
        for url, title, own_text in page_links(root, base)
        if regex.search(url) and own.holds(url) and not carries_address(url)
        and not is_share_link(url)
    )


def document_links(html: str, base_url: str) -> tuple[FeedEntry, ...]:
    """Every link of a page (<a>, <area>, inline scripts), once each, in page order: no pattern, no site."""
    root = _html_root(html)
    if root is None:
        return ()
    return _entries(page_links(root, _document_base(root, base_url)))


def page_links(root: Any, base: str) -> Iterator[tuple[str, str | None, bool]]:
    """Every link of a parsed page in page order: (absolute URL without fragment, title, whether the title is
    the link's own text), from <a>, <area> and the string literals of inline scripts."""
    for element in root.iter("a", "area", "script"):
        if element.tag == "script":
            if not element.get("src"):
                yield from script_links(element.text or "", base)
            continue
        href = element.get("href") or ""
        url = absolute_http_url(href, base) if not href.startswith("#") else None
        if url is None:
            continue
        text = clean_text(_anchor_text(element)) if element.tag == "a" else None
        yield urldefrag(url).url, text or _fallback_title(element), bool(text)


def script_links(script: str, base: str) -> Iterator[tuple[str, str | None, bool]]:
    """The addresses written as string literals in a script, each with the "title" of its object if any."""
    for match in _SCRIPT_ADDRESS.finditer(script):
        raw = match.group("url").replace("\\/", "/")
        url = absolute_http_url(raw, base)
        if url is not None:
            yield urldefrag(url).url, _script_title(script, match.start(), match.end()), False


def carried_address(url: str) -> str | None:
    """The http(s) address a redirect or share link carries in its query string (url=, u=, target=, q= …),
    followed through up to three such wrappers; None when the link carries none."""
    found = None
    for _ in range(_MAX_UNWRAP):
        inner = _carried_once(found or url)
        if inner is None:
            break
        found = inner
    return found


def carries_address(url: str) -> bool:
    """Whether any query parameter of `url` is an http(s) address: a share button or a redirector."""
    query = urlsplit(url).query
    return bool(query) and any(_is_http(value) for _, value in parse_qsl(query, keep_blank_values=True))


def is_share_link(url: str) -> bool:
    return (urlsplit(url).hostname or "") in SHARE_HOSTS


def site_of(host: str) -> str:
    """The registrable domain of a host (js.people.com.cn → people.com.cn); an IP address or a name without
    a public suffix (localhost) is its own site."""
    host = host.lower().rstrip(".")
    with contextlib.suppress(Exception):  # tld raises its own errors on odd names; the host then stands alone
        found = get_fld(host, fix_protocol=True, fail_silently=True)
        if isinstance(found, str) and found:
            return found
    return host


class Site:
    """The hosts a list page's article links may be on: its own host, its site and the outlet's, and the
    domains its pattern names."""

    def __init__(self, hosts: frozenset[str], domains: frozenset[str]) -> None:
        self.hosts = hosts
        self.domains = domains

    @classmethod
    def of(cls, *urls: str) -> Site:
        hosts = frozenset(host for url in urls if (host := (urlsplit(url).hostname or "").lower()))
        return cls(hosts, frozenset(site_of(host) for host in hosts))

    def naming(self, pattern: str) -> Site:
        named = frozenset(match.group().replace("\\.", ".").lower() for match in _NAMED_HOST.finditer(pattern))
        return Site(self.hosts, self.domains | named)

    def holds(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        return host in self.hosts or any(host == d or host.endswith("." + d) for d in self.domains)


def absolute_http_url(href: str | None, base_url: str) -> str | None:
    """`href` resolved against `base_url`, or None unless it is an absolute http(s) URL with a host."""
    href = (href or "").strip()
    if not href:
        return None
    try:
        url = urljoin(base_url, href)
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # an unbalanced [ in the host, a bad port: not a link anyone can follow
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    return url


def clean_text(text: str | None) -> str | None:
    return _SPACES.sub(" ", text or "").strip() or None


# --- helpers -------------------------------------------------------------------------------------


def _entries(links: Iterable[tuple[str, str | None, bool]]) -> tuple[FeedEntry, ...]:
    """Each URL once, in first-seen order, with the best title seen: a link's own text over any other."""
    titles: dict[str, tuple[str | None, bool]] = {}
    for url, title, own_text in links:
        old = titles.get(url)
        if old is None or (own_text and not old[1]) or (title and old[0] is None):
            titles[url] = (title, own_text)
    return tuple(FeedEntry(url=url, title=title) for url, (title, _) in titles.items())


def _carried_once(url: str) -> str | None:
    try:
        params = parse_qsl(urlsplit(url).query, keep_blank_values=True)
    except ValueError:
        return None
    values = {key.lower(): value.strip() for key, value in reversed(params)}
    return next((values[key] for key in CARRIER_KEYS if _is_http(values.get(key))), None)


def _is_http(value: str | None) -> bool:
    if not value or not value.lower().startswith(("http://", "https://")):
        return False
    try:
        return bool(urlsplit(value).hostname)
    except ValueError:
        return False


def _script_title(script: str, start: int, end: int) -> str | None:
    """The "title" of the object literal around a script address, when it has one."""
    opening = script.rfind("{", max(0, start - _TITLE_REACH), start)
    closing = script.find("}", end, end + _TITLE_REACH)
    if opening < 0 or closing < 0:
        return None
    found = _SCRIPT_TITLE.search(script, opening, closing)
    if found is None:
        return None
    try:
        return clean_text(json.loads(f'"{found.group(1)}"'))
    except ValueError:
        return clean_text(found.group(1))


def _compile_pattern(pattern: str, base_url: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ConfigError(
            f"list page {base_url}: link pattern {pattern!r} is not a valid regular expression ({exc}); "
            "fix the `links` key of this page in feeds.toml"
        ) from exc


def _html_root(html: str) -> Any:
    """The parsed document, or None for an empty or unparseable one (lxml recovers broken HTML)."""
    text = _XML_DECL.sub("", html.lstrip("\ufeff"), count=1)
    if not text.strip():
        return None
    try:
        return lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        log.debug("unparseable list page: %s", exc)
        return None


def _document_base(root: Any, base_url: str) -> str:
    base = root.find(".//base[@href]")
    href = base.get("href", "").strip() if base is not None else ""
    return urljoin(base_url, href) if href else base_url


def _anchor_text(anchor: Any) -> str:
    """The anchor's own text. Broken HTML leaves anchors unclosed and libxml2 then nests the rest of
    the list inside them: stop at the first block or nested link."""
    parts = [anchor.text or ""]
    for child in anchor:
        if isinstance(child.tag, str) and child.tag in _LINK_TEXT_STOP:
            break
        if isinstance(child.tag, str):
            parts.append(child.text_content())
        parts.append(child.tail or "")
    return " ".join(parts)


def _fallback_title(element: Any) -> str | None:
    """The title attribute, the alt text of an image map's area, or of an image link."""
    for attribute in ("title", "alt"):
        if element.get(attribute):
            return clean_text(element.get(attribute))
    image = element.find(".//img[@alt]")
    return clean_text(image.get("alt")) if image is not None else None
