"""A benchmark corpus made from the sample world: article pages of ~60 KB, about 1% launch reports.

Every page is one outlet's template of samples/src/templates filled with a header navigation, a
sub-channel bar, related links, rankings, picture lists and a site map as large as those of real
Chinese news sites, around a body whose paragraphs are drawn from the sample articles with their
numbers varied. Launch reports and activities of existing centres are the sample ones (their
dates kept, so that events still resolve) with a new byline. The corpus is a pure function of
(seed, index): page i is the same bytes in every run, and pages are written one at a time.
"""

from __future__ import annotations

import datetime as dt
import html
import random
import re
import string
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SAMPLES_SRC = Path(__file__).resolve().parents[2] / "samples" / "src"
BASE_URL = "http://bench.test"
LAUNCH_SHARE = 0.01
ACTIVITY_SHARE = 0.005
DECOY_SHARE = 0.02  # ordinary pages with a launch headline among their related links
_FIRST_DAY = dt.date(2023, 1, 1)
_DAYS = 1400
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
_GIVEN = "明华强伟芳娜敏静丽军磊洋勇艳杰涛超秀霞平刚桂英文辉建新宇浩然思远嘉禾晨曦子涵雨轩欣怡博文俊杰"
_SUBS = ("要闻", "图片", "视频", "专题", "评论", "直播", "数据", "访谈")
_NUMBER = re.compile(r"(?<![\d年月日号时:：./-])(\d{2,5})(?![\d年月日号时:：./-])")


@dataclass(frozen=True)
class SampleArticle:
    outlet: str
    title: str
    published: dt.datetime
    channel: str
    kind: str  # "launch" | "activity" | "ordinary"
    paras: tuple[str, ...]


@dataclass(frozen=True)
class CorpusPage:
    """One generated page: where it lives (path relative to the corpus folder) and what it is."""

    index: int
    path: str
    url: str
    kind: str
    data: bytes


class CorpusMaker:
    """Pages of the corpus; `page(i)` is deterministic for a given seed."""

    def __init__(self, seed: int = 20261122, src: Path = SAMPLES_SRC) -> None:
        self.seed = seed
        self.outlets = list(_load(src / "outlets.toml")["outlet"])
        self.templates = {o["slug"]: string.Template((src / "templates" / f"{o['slug']}.html").read_text("utf-8"))
                          for o in self.outlets}
        self.articles = [a for o in self.outlets for a in _articles(src, o)]
        self.ordinary = [a for a in self.articles if a.kind == "ordinary"]
        self.paragraphs = [p for a in self.ordinary for p in a.paras]
        self.headlines = [a.title for a in self.ordinary] + [t for o in self.outlets for t in o["fillers"]]
        self.launch_titles = [a.title for a in self.articles if a.kind == "launch"]

    def page(self, index: int) -> CorpusPage:
        rng = random.Random(self.seed * 1_000_003 + index)
        outlet = self.outlets[index % len(self.outlets)]
        kind = _kind(rng)
        article = self._article(rng, outlet, kind)
        url = f"{BASE_URL}/{outlet['slug']}/{_path(outlet, article.published, 100_000 + index)}"
        text = self.templates[outlet["slug"]].substitute(self._fill(rng, outlet, article, url, kind))
        data = text.encode(outlet["encoding"], errors="xmlcharrefreplace")
        return CorpusPage(index, url.removeprefix(BASE_URL + "/"), url, kind, data)

    def _article(self, rng: random.Random, outlet: dict[str, Any], kind: str) -> SampleArticle:
        if kind != "ordinary":
            chosen = rng.choice([a for a in self.articles if a.kind == kind])
            return SampleArticle(outlet["slug"], chosen.title, chosen.published, chosen.channel, kind,
                                 (*chosen.paras, _byline(rng)))
        paras = [_vary_numbers(rng, p) for p in rng.sample(self.paragraphs, rng.randint(6, 12))]
        day = _FIRST_DAY + dt.timedelta(days=rng.randrange(_DAYS))
        when = dt.datetime.combine(day, dt.time(rng.randrange(7, 23), rng.randrange(60)))
        channel = rng.choice([a.channel for a in self.ordinary if a.outlet == outlet["slug"]] or ["要闻"])
        return SampleArticle(outlet["slug"], rng.choice(self.headlines), when, channel, kind,
                             (*paras, _byline(rng)))

    def _fill(self, rng: random.Random, outlet: dict[str, Any], a: SampleArticle, url: str,
              kind: str) -> dict[str, str]:
        home = f"{BASE_URL}/{outlet['slug']}/"
        meta = ""
        if outlet["date_meta"] == "publishdate":
            meta = f'<meta name="publishdate" content="{a.published:%Y-%m-%d}">'
        elif outlet["date_meta"]:
            meta = f'<meta name="{outlet["date_meta"]}" content="{a.published:%Y-%m-%d %H:%M}">'
        decoy = kind == "ordinary" and rng.random() < DECOY_SHARE / (1 - LAUNCH_SHARE - ACTIVITY_SHARE)
        return {
            "canonical": f'<link rel="canonical" href="{url}">' if outlet["canonical"] else "",
            "date_meta": meta, "description": _esc(a.paras[0][:90]), "keywords": _esc(f"{a.channel},{outlet['short']}"),
            "lang": "zh-CN", "title": _esc(a.title), "site": _esc(outlet["name"]), "short": _esc(outlet["short"]),
            "slug": outlet["slug"], "home": home, "channel": _esc(a.channel), "subtitle": "",
            "body": "\n".join(f"<p>{_esc(p)}</p>" for p in a.paras), "editor": _person(rng),
            "time": a.published.strftime(outlet["date_format"]), "source": _esc(outlet["name"]),
            "nav": self._nav(outlet, home), "related": self._related(rng, outlet, a, decoy),
            "hot": self._hot(rng, outlet, a), "pics": self._pics(rng, outlet, a),
            "sitemap": self._rolling(rng, outlet, a) + _sitemap(outlet, home),
            "icp": outlet["icp"], "licence": outlet["licence"], "phone": outlet["phone"], "url": url,
            "docid": str(rng.randrange(10**8, 10**9)), "year": str(a.published.year),
        }

    def _nav(self, outlet: dict[str, Any], home: str) -> str:
        """The channel bar and, as on most portals, a second bar of sub-channels."""
        items = []
        for i, label in enumerate(outlet["nav"]):
            href = home + outlet["nav_url"].format(n=1100 + 17 * i)
            items.append(f'<li><a href="{href}" target="_blank">{_esc(label)}</a></li>')
        for i, label in enumerate(outlet["nav"][:16]):
            for j, sub in enumerate(_SUBS):
                href = home + outlet["nav_url"].format(n=5000 + 37 * i + j)
                items.append(f'<li class="sub"><a href="{href}" target="_blank">{_esc(label)}{sub}</a></li>')
        return "\n".join(items)

    def _headline_links(self, rng: random.Random, outlet: dict[str, Any], around: dt.datetime, count: int,
                        spread: int) -> list[tuple[str, str, dt.datetime]]:
        links = []
        for _ in range(count):
            when = around - dt.timedelta(days=rng.randint(-spread, spread) or 1, minutes=rng.randrange(1440))
            href = f"{BASE_URL}/{outlet['slug']}/{_path(outlet, when, rng.randrange(10**5, 10**6))}"
            links.append((rng.choice(self.headlines), href, when))
        return links

    def _related(self, rng: random.Random, outlet: dict[str, Any], a: SampleArticle, decoy: bool) -> str:
        links = self._headline_links(rng, outlet, a.published, rng.randint(5, 7), 30)
        if decoy:
            links[0] = (rng.choice(self.launch_titles), *links[0][1:])
        fmt = outlet["related_date"]
        return "\n".join(f'<li><a href="{href}" target="_blank">{_esc(title)}</a>'
                         f'<span class="time">{when.strftime(fmt)}</span></li>'
                         for title, href, when in sorted(links, key=lambda link: link[2], reverse=True))

    def _hot(self, rng: random.Random, outlet: dict[str, Any], a: SampleArticle) -> str:
        links = self._headline_links(rng, outlet, a.published, rng.randint(10, 15), 10)
        return "\n".join(f'<li><em>{i + 1}</em><a href="{href}" target="_blank">{_esc(title)}</a></li>'
                         for i, (title, href, _) in enumerate(links))

    def _pics(self, rng: random.Random, outlet: dict[str, Any], a: SampleArticle) -> str:
        rows = []
        for title, href, when in self._headline_links(rng, outlet, a.published, 24, 20):
            img = f"{BASE_URL}/{outlet['slug']}/images/{when:%Y%m}/{rng.randrange(99991):05d}.jpg"
            rows.append(f'<li><a href="{href}" target="_blank"><img src="{img}" alt="{_esc(title)}" width="140"'
                        f' height="90"><span>{_esc(title)}</span></a></li>')
        return "\n".join(rows)

    def _rolling(self, rng: random.Random, outlet: dict[str, Any], a: SampleArticle) -> str:
        """The "滚动新闻" list many portals put above the site map: headlines with their times."""
        rows = [f'<li><a href="{href}" target="_blank">{_esc(title)}</a><span>{when:%m-%d %H:%M}</span></li>'
                for title, href, when in self._headline_links(rng, outlet, a.published, 80, 3)]
        return '<div class="rolling"><h4>滚动新闻</h4><ul>\n' + "\n".join(rows) + "\n</ul></div>\n"

    def write(self, folder: Path, pages: int) -> Iterator[CorpusPage]:
        """Write pages 0..pages-1 under `folder` one at a time, yielding each (with its bytes) once written."""
        for index in range(pages):
            page = self.page(index)
            target = folder / page.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(page.data)
            yield page


def _load(path: Path) -> dict[str, Any]:
    with path.open("rb") as f:
        return tomllib.load(f)


def _articles(src: Path, outlet: dict[str, Any]) -> list[SampleArticle]:
    out = []
    for raw in _load(src / "articles" / f"{outlet['slug']}.toml")["article"]:
        kind = "launch" if "launch" in raw else raw.get("kind", "ordinary")
        if raw.get("lang", "zh-CN") != "zh-CN" and kind == "launch":
            kind = "launch"  # the traditional-script copy is a launch report too
        paras = tuple(p.strip() for p in raw["body"].strip().split("\n\n") if p.strip())
        published = dt.datetime.strptime(raw["published"], "%Y-%m-%d %H:%M")
        out.append(SampleArticle(outlet["slug"], raw["title"], published, raw["channel"], kind, paras))
    return out


def _kind(rng: random.Random) -> str:
    draw = rng.random()
    if draw < LAUNCH_SHARE:
        return "launch"
    return "activity" if draw < LAUNCH_SHARE + ACTIVITY_SHARE else "ordinary"


def _path(outlet: dict[str, Any], when: dt.datetime, number: int) -> str:
    return str(outlet["filler_url"].format(y=f"{when:%Y}", m=f"{when:%m}", d=f"{when:%d}", mi=when.month,
                                           di=when.day, id=number))


def _vary_numbers(rng: random.Random, text: str) -> str:
    """Counts and amounts changed (never dates), so no two bodies are the same."""
    return _NUMBER.sub(lambda m: str(rng.randrange(10 ** (len(m.group(1)) - 1), 10 ** len(m.group(1)))), text)


def _person(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.sample(_GIVEN, rng.randint(1, 2)))


def _byline(rng: random.Random) -> str:
    return f"（记者 {_person(rng)} 通讯员 {_person(rng)} {_person(rng)}）"


def _sitemap(outlet: dict[str, Any], home: str) -> str:
    rows = []
    for i, label in enumerate(outlet["nav"]):
        base = home + outlet["nav_url"].format(n=1100 + 17 * i)
        links = "".join(f'<a href="{base}?sub={j}" target="_blank">{sub}</a>' for j, sub in enumerate(_SUBS))
        rows.append(f"<dl><dt>{_esc(label)}</dt><dd>{links}</dd></dl>")
    return "\n".join(rows)


def _esc(text: str) -> str:
    return html.escape(text, quote=True)
