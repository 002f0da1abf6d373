"""Build the offline sample world: samples/src/ -> samples/site/ and samples/expected.json.

Run from the repository root with `.venv/bin/python samples/build.py` (standard library only).
The output is committed; rerunning gives the same bytes. Every absolute URL is written with the
literal token __BASE__ in place of scheme, host and port: the sample server replaces it when it serves
a file.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import string
import tomllib
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
SRC = ROOT / "src"
SITE = ROOT / "site"
BASE = "__BASE__"
CHINA = timezone(timedelta(hours=8))
LIST_LINKS = r"content_\d+\.html?"
PREVIEW = "/ganjiang/preview/content_39999.html"
CENTRE_WORDS = ("国际传播", "國際傳播", "传媒中心", "融媒体中心")
FEED_FILES = {"rss": "rss.xml", "atom": "atom.xml"}


@dataclass(frozen=True)
class Article:
    """One article of the world, as read from src/articles/<slug>.toml."""

    outlet: dict[str, Any]
    path: str
    title: str
    published: datetime
    channel: str
    source: str
    editor: str
    paras: tuple[str, ...]
    kind: str
    launch: str | None
    lang: str
    subtitle: str
    related: tuple[dict[str, str], ...]

    @property
    def url(self) -> str:
        return f"/{self.outlet['slug']}/{self.path}"

    @property
    def slug(self) -> str:
        return str(self.outlet["slug"])


def load_toml(path: Path) -> dict[str, Any]:
    with path.open("rb") as f:
        return tomllib.load(f)


def load_outlets() -> list[dict[str, Any]]:
    return list(load_toml(SRC / "outlets.toml")["outlet"])


def make_article(outlet: dict[str, Any], raw: dict[str, Any]) -> Article:
    paras = tuple(p.strip() for p in raw["body"].strip().split("\n\n") if p.strip())
    published = datetime.strptime(raw["published"], "%Y-%m-%d %H:%M").replace(tzinfo=CHINA)
    return Article(
        outlet=outlet, path=raw["path"], title=raw["title"], published=published,
        channel=raw["channel"], source=raw.get("source", outlet["name"]), editor=raw.get("editor", ""),
        paras=paras, kind="launch" if "launch" in raw else raw.get("kind", "ordinary"),
        launch=raw.get("launch"), lang=raw.get("lang", "zh-CN"), subtitle=raw.get("subtitle", ""),
        related=tuple(raw.get("related", ())),
    )


def load_articles(outlets: list[dict[str, Any]]) -> list[Article]:
    articles = []
    for outlet in outlets:
        data = load_toml(SRC / "articles" / f"{outlet['slug']}.toml")
        articles += [make_article(outlet, raw) for raw in data["article"]]
    return articles


def check_world(articles: list[Article], launches: list[dict[str, Any]]) -> None:
    """Fail loudly on the mistakes that would make expected.json lie."""
    urls = [a.url for a in articles]
    assert len(urls) == len(set(urls)), "duplicate article paths"
    ids = {launch["id"] for launch in launches}
    used = {a.launch for a in articles if a.launch}
    assert used == ids, f"launches without articles or unknown ids: {used ^ ids}"
    for a in articles:
        text = a.title + "".join(a.paras)
        if a.kind == "ordinary":
            assert not any(w in text for w in CENTRE_WORDS), f"{a.url}: ordinary article names a centre"
        if a.slug == "ganjiang":
            assert re.search(LIST_LINKS, a.path), f"{a.url}: not matched by the list-page pattern"


# ---------------------------------------------------------------- dates and fillers


def stable(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))


def filler_url(outlet: dict[str, Any], when: datetime, seed: int) -> str:
    path = outlet["filler_url"].format(
        y=when.strftime("%Y"), m=when.strftime("%m"), d=when.strftime("%d"),
        mi=when.month, di=when.day, id=30000 + seed % 900000,
    )
    return f"{BASE}/{outlet['slug']}/{path}"


def fillers(outlet: dict[str, Any], seed: int, count: int) -> list[str]:
    pool = outlet["fillers"]
    start = seed % len(pool)
    return [pool[(start + 3 * i) % len(pool)] for i in range(count)]


def auto_related(a: Article, peers: list[Article]) -> list[dict[str, str]]:
    """Three nearby ordinary articles of the outlet plus two invented headlines, all on other days."""
    day = a.published.date()
    near = sorted((p for p in peers if p.kind == "ordinary" and p.published.date() != day),
                  key=lambda p: abs((p.published - a.published).total_seconds()))
    items = [{"title": p.title, "href": BASE + p.url, "date": p.published.strftime("%Y-%m-%d")}
             for p in near[:3]]
    seed = stable(a.path)
    for i, title in enumerate(fillers(a.outlet, seed, 2)):
        when = a.published + timedelta(days=(-(2 + seed % 9) if i == 0 else 1 + seed % 4))
        items.append({"title": title, "href": filler_url(a.outlet, when, seed + i),
                      "date": when.strftime("%Y-%m-%d")})
    return items


def related_items(a: Article, peers: list[Article]) -> list[dict[str, str]]:
    explicit = [dict(r, href=BASE + r["href"]) for r in a.related]
    items = explicit or auto_related(a, peers)
    seen: set[str] = set()
    unique = []
    for item in sorted(items, key=lambda r: r["date"], reverse=True):
        if item["date"] not in seen and item["date"] != a.published.strftime("%Y-%m-%d"):
            seen.add(item["date"])
            unique.append(item)
    return unique


# ---------------------------------------------------------------- HTML


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def template(name: str) -> string.Template:
    return string.Template((SRC / "templates" / name).read_text(encoding="utf-8"))


def nav_html(outlet: dict[str, Any]) -> str:
    items = []
    for i, label in enumerate(outlet["nav"]):
        href = f"{BASE}/{outlet['slug']}/" + outlet["nav_url"].format(n=1100 + 17 * i)
        items.append(f'<li><a href="{href}" target="_blank">{esc(label)}</a></li>')
    return "\n".join(items)


def related_html(a: Article, peers: list[Article]) -> str:
    fmt = a.outlet["related_date"]
    rows = []
    for r in related_items(a, peers):
        when = datetime.strptime(r["date"], "%Y-%m-%d").strftime(fmt)
        rows.append(f'<li><a href="{r["href"]}" target="_blank">{esc(r["title"])}</a>'
                    f'<span class="time">{when}</span></li>')
    return "\n".join(rows)


def hot_html(a: Article) -> str:
    seed = stable(a.title)
    rows = []
    for i, title in enumerate(fillers(a.outlet, seed, 10)):
        href = filler_url(a.outlet, a.published - timedelta(days=i + 1), seed + 7 * i)
        rows.append(f'<li><em>{i + 1}</em><a href="{href}" target="_blank">{esc(title)}</a></li>')
    return "\n".join(rows)


def pics_html(a: Article) -> str:
    seed = stable(a.path + "pics")
    rows = []
    for i, title in enumerate(fillers(a.outlet, seed, 6)):
        when = a.published - timedelta(days=2 * i + 1)
        img = f"{BASE}/{a.slug}/images/{when:%Y%m}/{(seed + i) % 99991:05d}.jpg"
        href = filler_url(a.outlet, when, seed + 11 * i)
        rows.append(f'<li><a href="{href}" target="_blank"><img src="{img}" alt="{esc(title)}" width="140"'
                    f' height="90"><span>{esc(title)}</span></a></li>')
    return "\n".join(rows)


def sitemap_html(outlet: dict[str, Any]) -> str:
    """The site map in the footer: every channel with a few sub-channels (none of them exist)."""
    subs = ("要闻", "图片", "视频", "专题", "评论")
    rows = []
    for i, label in enumerate(outlet["nav"]):
        base = f"{BASE}/{outlet['slug']}/" + outlet["nav_url"].format(n=1100 + 17 * i)
        links = "".join(f'<a href="{base}?sub={j}" target="_blank">{esc(s)}</a>' for j, s in enumerate(subs))
        rows.append(f"<dl><dt>{esc(label)}</dt><dd>{links}</dd></dl>")
    return "\n".join(rows)


def head_meta(a: Article) -> dict[str, str]:
    outlet = a.outlet
    canonical = f'<link rel="canonical" href="{BASE}{a.url}">' if outlet["canonical"] else ""
    meta = ""
    if outlet["date_meta"] == "publishdate":
        meta = f'<meta name="publishdate" content="{a.published:%Y-%m-%d}">'
    elif outlet["date_meta"]:
        meta = f'<meta name="{outlet["date_meta"]}" content="{a.published:%Y-%m-%d %H:%M}">'
    return {"canonical": canonical, "date_meta": meta,
            "description": esc(a.paras[0][:90]), "keywords": esc(f"{a.channel},{outlet['short']}")}


def page_vars(a: Article, peers: list[Article]) -> dict[str, str]:
    outlet = a.outlet
    body = "\n".join(f"<p>{esc(p)}</p>" for p in a.paras)
    subtitle = f'<h2 class="subtitle">{esc(a.subtitle)}</h2>' if a.subtitle else ""
    return {
        **head_meta(a), "lang": a.lang, "title": esc(a.title), "site": esc(outlet["name"]),
        "short": esc(outlet["short"]), "slug": a.slug, "home": f"{BASE}/{a.slug}/",
        "channel": esc(a.channel), "subtitle": subtitle, "body": body, "editor": esc(a.editor),
        "time": a.published.strftime(outlet["date_format"]), "source": esc(a.source),
        "nav": nav_html(outlet), "related": related_html(a, peers), "hot": hot_html(a),
        "pics": pics_html(a), "sitemap": sitemap_html(outlet),
        "icp": outlet["icp"], "licence": outlet["licence"], "phone": outlet["phone"],
        "url": BASE + a.url, "docid": re.sub(r"\D", "", a.path)[-9:] or "0",
        "year": str(a.published.year),
    }


def encode(text: str, outlet: dict[str, Any]) -> bytes:
    return text.encode(outlet["encoding"])


def write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def write_article(a: Article, peers: list[Article]) -> None:
    text = template(f"{a.slug}.html").substitute(page_vars(a, peers))
    data = encode(text, a.outlet)
    if a.outlet["encoding"] == "gbk":
        assert data.find(b"charset=gb2312") > 1024, f"{a.url}: charset meta must come after byte 1024"
    write(SITE / a.url.lstrip("/"), data)


# ---------------------------------------------------------------- feeds


def feed_date(when: datetime, style: str) -> str:
    utc = when.astimezone(UTC)
    formats = {
        "rfc822": lambda: format_datetime(when),
        "rfc822-gmt": lambda: format_datetime(utc, usegmt=True),
        "naive": lambda: when.strftime("%Y-%m-%d %H:%M:%S"),
        "naive-short": lambda: when.strftime("%Y-%m-%d %H:%M"),
        "iso": lambda: when.isoformat(),
        "iso-z": lambda: utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    return formats[style]()


def summary(a: Article) -> str:
    first = a.paras[0]
    return first if len(first) <= 110 else first[:108] + "……"


def rss_item(a: Article, full_text: bool) -> str:
    when = feed_date(a.published, a.outlet["feed_dates"])
    content = ""
    if full_text:
        body = "".join(f"<p>{esc(p)}</p>" for p in a.paras)
        content = f"\n  <content:encoded><![CDATA[{body}]]></content:encoded>"
    return (f"<item>\n  <title>{esc(a.title)}</title>\n  <link>{BASE}{a.url}</link>\n"
            f"  <description><![CDATA[{summary(a)}]]></description>{content}\n"
            f"  <category>{esc(a.channel)}</category>\n  <pubDate>{when}</pubDate>\n"
            f'  <guid isPermaLink="true">{BASE}{a.url}</guid>\n</item>')


def rss(outlet: dict[str, Any], items: list[Article]) -> str:
    label = outlet.get("charset_label", outlet["encoding"])
    home = f"{BASE}/{outlet['slug']}/"
    built = feed_date(items[0].published + timedelta(minutes=5), outlet["feed_dates"])
    body = "\n".join(rss_item(a, outlet["slug"] == "nanyue") for a in items)
    return (f'<?xml version="1.0" encoding="{label}"?>\n'
            '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
            ' xmlns:atom="http://www.w3.org/2005/Atom">\n<channel>\n'
            f"<title>{esc(outlet['name'])}</title>\n<link>{home}</link>\n"
            f"<description>{esc(outlet['name'])}最新新闻</description>\n<language>zh-cn</language>\n"
            f'<atom:link href="{home}rss.xml" rel="self" type="application/rss+xml"/>\n'
            f"<lastBuildDate>{built}</lastBuildDate>\n<ttl>30</ttl>\n{body}\n</channel>\n</rss>\n")


def atom_entry(a: Article) -> str:
    when = feed_date(a.published, a.outlet["feed_dates"])
    return (f"<entry>\n  <title>{esc(a.title)}</title>\n"
            f'  <link rel="alternate" type="text/html" href="{BASE}{a.url}"/>\n'
            f"  <id>{BASE}{a.url}</id>\n  <published>{when}</published>\n  <updated>{when}</updated>\n"
            f"  <author><name>{esc(a.source)}</name></author>\n"
            f'  <category term="{esc(a.channel)}"/>\n  <summary type="text">{esc(summary(a))}</summary>\n'
            "</entry>")


def atom(outlet: dict[str, Any], items: list[Article]) -> str:
    home = f"{BASE}/{outlet['slug']}/"
    updated = feed_date(items[0].published, outlet["feed_dates"])
    body = "\n".join(atom_entry(a) for a in items)
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">\n'
            f"<title>{esc(outlet['name'])}</title>\n<subtitle>{esc(outlet['name'])}最新稿件</subtitle>\n"
            f'<link rel="self" type="application/atom+xml" href="{home}atom.xml"/>\n'
            f'<link rel="alternate" type="text/html" href="{home}"/>\n'
            f"<id>{home}</id>\n<updated>{updated}</updated>\n{body}\n</feed>\n")


def write_feed(outlet: dict[str, Any], items: list[Article]) -> None:
    items = sorted(items, key=lambda a: a.published, reverse=True)
    kind = outlet["feed"]
    text = rss(outlet, items) if kind == "rss" else atom(outlet, items)
    write(SITE / outlet["slug"] / FEED_FILES[kind], encode(text, outlet))


# ---------------------------------------------------------------- list page, index, server files


def write_list_page(outlet: dict[str, Any], items: list[Article]) -> None:
    rows = []
    for a in sorted(items, key=lambda a: a.published, reverse=True):
        rows.append(f'<li><a href="{BASE}{a.url}" target="_blank">{esc(a.title)}</a>'
                    f'<span class="date">{a.published:%Y-%m-%d}</span></li>')
    rows.insert(0, f'<li><a href="{BASE}{PREVIEW}" target="_blank">（预览）全省秋季森林防火工作部署会召开</a>'
                   '<span class="date">2026-10-30</span></li>')
    text = template("ganjiang_list.html").substitute(
        nav=nav_html(outlet), items="\n".join(rows), sitemap=sitemap_html(outlet),
        home=f"{BASE}/{outlet['slug']}/",
        icp=outlet["icp"], licence=outlet["licence"], phone=outlet["phone"])
    write(SITE / outlet["slug"] / "list.html", encode(text, outlet))


def write_preview(outlet: dict[str, Any]) -> None:
    """A draft behind robots.txt's Disallow: linked from list.html, never to be fetched."""
    raw = {"path": PREVIEW.split("/", 2)[2], "title": "（预览）全省秋季森林防火工作部署会召开",
           "published": "2026-10-30 09:00", "channel": "江西", "editor": "待审",
           "body": "本报讯 10月29日，全省秋季森林防火工作部署会召开。（稿件待审，请勿转载）\n\n"
                   "会议要求各地落实防火责任，加强野外火源管理。"}
    a = make_article(outlet, raw)
    write_article(a, [])


def write_index(outlets: list[dict[str, Any]]) -> None:
    rows = []
    for o in outlets:
        entry = FEED_FILES.get(o["feed"], "list.html")
        rows.append(f'<li><a href="{BASE}/{o["slug"]}/{entry}">{esc(o["name"])}</a> ({o["level"]})</li>')
    text = template("index.html").substitute(items="\n".join(rows))
    write(SITE / "index.html", text.encode("utf-8"))


def write_server_files() -> None:
    for name in ("robots.txt", "_headers.toml"):
        shutil.copyfile(SRC / "static" / name, SITE / name)


# ---------------------------------------------------------------- expected.json


def expected(outlets: list[dict[str, Any]], articles: list[Article],
             launches: list[dict[str, Any]]) -> dict[str, Any]:
    out = []
    for launch in launches:
        reports = sorted((a for a in articles if a.launch == launch["id"]), key=lambda a: a.published)
        place = {"name": launch["place"]["name"], "province": launch["place"].get("province"),
                 "level": launch["place"]["level"]}
        out.append({"center": launch["center"], "type": launch["type"], "place": place,
                    "date": launch["date"], "partners": launch["partners"],
                    "urls": [a.url for a in reports]})
    decoys = [a for a in articles if a.kind == "ordinary"
              and any(w in r["title"] for r in a.related for w in CENTRE_WORDS)]
    negatives = [a for a in articles if a.kind == "activity"] + decoys
    return {"launches": out, "not_launches": sorted(a.url for a in negatives),
            "outlets": len(outlets), "articles": len(articles), "robots_disallowed": [PREVIEW]}


def main() -> None:
    outlets = load_outlets()
    articles = load_articles(outlets)
    launches = list(load_toml(SRC / "launches.toml")["launch"])
    check_world(articles, launches)
    if SITE.exists():
        shutil.rmtree(SITE)
    for outlet in outlets:
        peers = [a for a in articles if a.outlet is outlet]
        for a in peers:
            write_article(a, peers)
        if outlet["feed"] == "none":
            write_list_page(outlet, peers)
            write_preview(outlet)
        else:
            write_feed(outlet, peers)
    write_index(outlets)
    write_server_files()
    truth = expected(outlets, articles, launches)
    (ROOT / "expected.json").write_text(json.dumps(truth, ensure_ascii=False, indent=2) + "\n",
                                        encoding="utf-8")
    print(f"wrote {len(articles)} articles of {len(outlets)} outlets into {SITE}")


if __name__ == "__main__":
    main()
