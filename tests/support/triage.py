"""Helpers for the triage tests: articles with launch events saved into a tmp_path store."""

from __future__ import annotations

import datetime as dt

from monitor.events.keys import center_key
from monitor.models import Article, Event, Hit, Place
from monitor.store.database import Store

KAIFENG = Place("开封市", "河南省", "city", "410200")
LUOYANG = Place("洛阳市", "河南省", "city", "410300")

# A launch report long enough for copy detection, and a different one about another center.
REPORT = ("3月26日上午，开封国际传播中心在开封市揭牌成立。开封市委常委、宣传部部长周怀瑾出席揭牌仪式。"
          "开封国际传播中心以宋文化为主线，面向海外讲述古都开封的历史与当代发展。中心设有多语种编辑部、"
          "海外运营部和视觉创意部，已开设英文网站及多个海外社交媒体账号。揭牌仪式上，中心与中州日报社签署"
          "战略合作框架协议，双方将在内容共享、海外渠道拓展、人才培训等方面开展合作。")
OTHER = ("洛阳国际传播中心近日在洛阳日报社挂牌。中心联合国内外一百余家媒体机构组建国际传播联盟，"
         "并与四所高校签署合作协议，共建外语人才培养基地，持续讲好河洛文化故事，提升城市国际影响力。"
         "据介绍，中心将重点打造牡丹文化节、龙门石窟等城市名片的多语种传播产品。")


def event(url: str, center: str = "开封国际传播中心", place: Place | None = KAIFENG, confidence: float = 0.9,
          date: str | None = "2025-03-26", partners: tuple[str, ...] = ("中州日报社",)) -> Event:
    return Event(url, "launch", center, place, date, partners, confidence, f"{center}揭牌成立")


def save(store: Store, url: str, text: str, events: list[Event], *, outlet: str = "中州日报",
         level: str = "provincial", published: dt.date | None = dt.date(2025, 3, 27),
         raw: bytes | None = None, title: str = "标题") -> tuple[int, int]:
    """Save an article that hits the lexicon, with `events`; returns (article id, new items)."""
    article = Article(url, title, text, published)
    hits = [Hit("国际传播中心", "国际传播中心", "center", 0, 6)]
    page = raw if raw is not None else f"<html><body><p>{text}</p></body></html>".encode()
    return store.save_article(article, outlet=outlet, outlet_level=level, outlet_province="河南省",
                              source_url=None, raw=page, raw_encoding="utf-8", lexicon_version="v",
                              hits=hits, events=events, center_key=center_key)
