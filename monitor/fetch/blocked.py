"""blocked: a site that answers, but not to a program — recognised once, for every fetch.

Two reasons, which `Fetcher.fetch` puts on its result (`FetchResult.reason`) and at the head of its error
(`blocked (challenge): …`, `blocked (login): …`), so that what is stored says it too:

- **challenge**: a JavaScript challenge or a CAPTCHA instead of the page. Recognised by the marks of the
  anti-bot services and web firewalls common on Chinese government and media sites (`CHALLENGES`: 瑞数 /
  Ruishu `$_ts`, 加速乐 `__jsl_clearance`, Cloudflare "Just a moment...", Aliyun and Tencent Cloud WAF,
  安全狗, 创宇盾, Yunjiasu, Incapsula, Sucuri, DDoS-Guard), by CAPTCHA widgets (`CAPTCHAS`), by words
  asking to turn JavaScript on ("请开启JavaScript", "enable JavaScript", `ASK_FOR_SCRIPT`), and by a script
  that sets a cookie and reloads the page (how 412 / 521 challenges work).
- **login**: a redirect to a login page (a path or host such as login, passport, signin, sso, cas:
  `login_redirect`, checked before the login page is requested), an HTTP 401, or a page whose main
  content is a password form (a password field under a title that says log in).

A mark alone does not make a page a challenge: a real article may load a firewall's script or say
"enable JavaScript" in a <noscript>. A challenge is an error page (4xx/5xx, under `ERROR_THIN` visible
characters) with a mark, or a page with a mark and almost no text of its own (under `THIN`). Only markup
can be one: feeds, sitemaps (XML), JSON and plain text (robots.txt) never are. A blocked response is not
retried (it is no server failure) and nothing of it is stored. Every scan is linear in the bytes read (at
most 256 KiB), and a page with text of its own is let through before it is decoded.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, get_args
from urllib.parse import urlsplit

from monitor.fetch.encoding import decode_html

BlockReason = Literal["challenge", "login"]
BLOCKED_REASONS: tuple[BlockReason, ...] = get_args(BlockReason)

THIN = 200  # visible characters under which a page has no content of its own (a challenge, a stub)
ERROR_THIN = 2000  # an error page (4xx/5xx) with a mark is a challenge unless it has this much text
LOGIN_THIN = 1500  # a login page has a footer, links and help text around its form
_SCAN = 1 << 18  # bytes of a response examined

# Anti-bot services and web application firewalls: (name, marks found in their challenge or block pages).
CHALLENGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("瑞数 (Ruishu)", ("$_ts=window[", "$_ts.nsd", "$_ts.cd=")),
    ("加速乐 (jsl)", ("__jsl_clearance", "__jsluid")),
    ("Cloudflare", ("cdn-cgi/challenge-platform/h/", "cf_chl_opt", "cf-browser-verification", "just a moment...",
                    "cf-challenge")),
    ("Aliyun WAF", ("acw_sc__v2", "aliyunwaf", "errors.aliyun.com", "_waf_bd8ce2ce37")),
    ("Tencent Cloud WAF", ("waf.tencent-cloud.com", "腾讯云web应用防火墙", "tencentcloud waf")),
    ("安全狗 (Safedog)", ("safedog", "安全狗")),
    ("创宇盾 (Knownsec)", ("jiasule", "创宇盾", "yunaq.com")),
    ("百度云加速 (Yunjiasu)", ("yunjiasu", "百度云加速")),
    ("Incapsula", ("_incapsula_resource", "incap_ses_")),
    ("Sucuri", ("sucuri_cloudproxy", "sucuri website firewall")),
    ("DDoS-Guard", ("ddos-guard",)),
)
CAPTCHAS = ("g-recaptcha", "recaptcha/api", "h-captcha", "hcaptcha.com", "geetest", "tcaptcha", "captcha.qq.com",
            "turing.captcha", "nocaptcha", "nc_1_wrapper", "滑动验证", "拖动滑块", "人机验证", "请输入验证码",
            "安全验证", "captcha")
ASK_FOR_SCRIPT = ("请开启javascript", "请启用javascript", "请打开javascript", "开启javascript", "启用javascript",
                  "支持javascript", "enable javascript", "javascript is disabled", "javascript is required",
                  "turn on javascript", "checking your browser", "浏览器安全检查", "正在进行安全检测", "安全检测中")
_COOKIE_SCRIPT = re.compile(r"document\s*\.\s*cookie\s*=|\[\s*['\"]cookie['\"]\s*\]\s*=")
_RELOAD = re.compile(r"location\s*\.\s*(?:reload|replace|href|assign)|location\s*=|settimeout\s*\(")
_LOGIN_PATH = re.compile(r"(?<![a-z])(?:(?:user|member|admin)?log[-_]?(?:in|on)|sign[-_]?in|passport|denglu)"
                         r"|/(?:sso|cas|oauth2?|authorize)(?:/|$)", re.I)
_LOGIN_HOST = re.compile(r"^(?:passport|login|sso|cas|auth|account|accounts|uc|signin)\.", re.I)
_LOGIN_TITLE = re.compile(r"登录|登陆|用户登|身份认证|统一认证|log\s*in|sign\s*in|logon", re.I)
_PASSWORD = re.compile(r"<input\b[^<>]{0,500}?\btype\s*=\s*[\"']?password", re.I)  # bounded: never quadratic
_HIDDEN = re.compile(r"<(script|style|template)\b")
_SPACE = re.compile(r"\s+")
_FEED_START = re.compile(r"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:rss|feed|rdf:rdf|urlset|sitemapindex)\b",
                         re.I | re.S)


@dataclass(frozen=True)
class Block:
    """Why a response is not the page: the reason and what was seen, in words for people."""

    reason: BlockReason
    seen: str

    def message(self, status: int | None, url: str) -> str:
        """The error recorded for the source or article: reason first, then what to do."""
        where = f"HTTP {status}, " if status is not None else ""
        if self.reason == "login":
            return (f"blocked (login): {self.seen} ({where}{url}): the content is for signed-in users only; "
                    "use a public page or feed of the outlet, or remove the source")
        return (f"blocked (challenge): the site answers with {self.seen} ({where}{url}) instead of the page: "
                "only a browser that runs it gets in. Open the address in a browser; use a feed, a list page "
                "or a JSON listing of the outlet that is not behind it, or remove the source")


def detect(status: int | None, headers: Mapping[str, str], content: bytes) -> Block | None:
    """Whether a response (its status, headers, body) is a challenge or a login wall instead of the page;
    None when it is the page (or a redirect: see `login_redirect`)."""
    if status == 401:
        return Block("login", "an HTTP login (401 Unauthorized)")
    if (status is not None and 300 <= status < 400) or not content:
        return None
    failed = status is not None and status >= 400
    head = content[:_SCAN]
    if len(visible_text(head.decode("latin-1"))) >= 4 * (ERROR_THIN if failed else LOGIN_THIN):
        return None  # a page with text of its own (4 bytes at most per character): no need to decode it
    text = decode_html(head, headers.get("content-type")).text
    if not text.lstrip("\ufeff \t\r\n").startswith("<") or _FEED_START.match(text):
        return None  # robots.txt, JSON, plain text: no page at all; feeds and sitemaps: never a challenge
    lowered = text.lower()
    visible = visible_text(text)
    challenge = _challenge(lowered, headers, failed, len(visible))
    if challenge is not None:
        return Block("challenge", challenge)
    if len(visible) < LOGIN_THIN and _PASSWORD.search(text) and _LOGIN_TITLE.search(_titles(lowered)):
        return Block("login", "a page that is only a login form")
    return None


def blocked_reason(error: str | None) -> BlockReason | None:
    """"challenge" or "login" when a recorded error (FetchResult.error, sources.error, failures.reason,
    url_state.error) says the source is blocked; None otherwise."""
    if error:
        for reason in BLOCKED_REASONS:
            if error.startswith(f"blocked ({reason})"):
                return reason
    return None


def visible_text(markup: str) -> str:
    """The text a reader sees: without scripts, styles, comments and tags, entities read, spaces squeezed.

    One pass forward (each search starts where the last ended), so unclosed scripts, comments or tags
    cannot make it quadratic; an unclosed one hides the rest of the page.
    """
    lowered, parts, pos, end = markup.lower(), [], 0, len(markup)
    while pos < end:
        start = lowered.find("<", pos)
        if start < 0:
            parts.append(markup[pos:])
            break
        parts.append(markup[pos:start])
        pos = _after_markup(lowered, start)
        parts.append(" ")
    return _SPACE.sub(" ", html.unescape("".join(parts))).strip()


def _after_markup(lowered: str, start: int) -> int:
    """Where the text goes on after the comment, tag or hidden element (script, style) at `start`."""
    end = len(lowered)
    if lowered.startswith("<!--", start):
        close = lowered.find("-->", start + 4)
        return end if close < 0 else close + 3
    tag_end = lowered.find(">", start)
    if tag_end < 0:
        return end
    hidden = _HIDDEN.match(lowered, start)
    if hidden is None:
        return tag_end + 1
    close = lowered.find(f"</{hidden.group(1)}", tag_end)
    close_end = lowered.find(">", close) if close >= 0 else -1
    return end if close_end < 0 else close_end + 1


def _challenge(lowered: str, headers: Mapping[str, str], failed: bool, visible: int) -> str | None:
    """What marks the page as a challenge, given how much text it has of its own; None if nothing does."""
    if visible >= (ERROR_THIN if failed else THIN):
        return None
    for name, marks in CHALLENGES:
        if any(mark in lowered for mark in marks) or (failed and any(m in headers.get("set-cookie", "").lower()
                                                                     for m in marks)):
            return f"the JavaScript challenge of {name}"
    if any(mark in lowered for mark in CAPTCHAS):
        return "a CAPTCHA"
    squeezed = lowered.replace(" ", "")
    if any(mark.replace(" ", "") in squeezed for mark in ASK_FOR_SCRIPT):
        return "a page that asks to turn JavaScript on"
    if "<script" in lowered and _COOKIE_SCRIPT.search(lowered) and _RELOAD.search(lowered):
        return "a JavaScript challenge (a script that sets a cookie and reloads the page)"
    return None


def login_redirect(chain: list[str]) -> Block | None:
    """A login wall when a redirect (HTTP or meta refresh) of `chain` (the requested address first) led to a
    login page and the requested address was not one itself; None otherwise."""
    if len(chain) < 2 or _is_login(chain[0]):
        return None
    landed = next((url for url in chain[1:] if _is_login(url)), None)
    return Block("login", "a redirect to a login page") if landed else None


def _is_login(url: str) -> bool:
    parts = urlsplit(url)
    return bool(_LOGIN_HOST.match(parts.hostname or "") or _LOGIN_PATH.search(parts.path))


def _titles(lowered: str) -> str:
    """The first <title> and <h1> of a page (found forward, once each)."""
    found = []
    for tag in ("title", "h1"):
        start = lowered.find(f"<{tag}")
        opened = lowered.find(">", start) if start >= 0 else -1
        close = lowered.find(f"</{tag}", opened) if opened >= 0 else -1
        if close >= 0:
            found.append(lowered[opened + 1:close])
    return " ".join(found)
