"""Noisy pages end to end (normalize → match → events): the launch is found in the matching copy
without the noise, the contract's names are clean, and the evidence is the page's own text."""

from __future__ import annotations

import datetime as dt

import pytest

from monitor.models import Article, Event
from monitor.run.ingest import Analyzer


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


def _events(analyzer: Analyzer, text: str, published: str = "2026-05-12") -> list[Event]:
    article = Article("http://mirror.example.cn/a/1.html", None, text, dt.date.fromisoformat(published))
    return analyzer.analyze(article).events


def test_a_pinyin_annotated_traditional_copy_names_the_center_in_clean_simplified_script(analyzer: Analyzer) -> None:
    text = ("發(fā)布時間：2026-05-12　來源：黔東南日報\n"
            "5月11日，鎮(zhèn)遠國(guó)際(jì)傳播中心在鎮遠縣融媒體中心揭(jiē)牌成立，"
            "該中心由鎮遠縣委宣(xuān)傳部指導、鎮遠縣融媒體中心承建運營。")
    [event] = _events(analyzer, text)
    assert event.center == "镇远国际传播中心"
    assert event.date == "2026-05-11"
    assert "⟦鎮(zhèn)遠國(guó)際(jì)傳播中心⟧" in event.evidence
    assert "⟨揭(jiē)牌" in event.evidence
    assert event.partners == ("镇远县委宣传部", "镇远县融媒体中心")  # partners too are written without pinyin


def test_a_letter_spaced_name_with_an_invisible_character_is_one_center(analyzer: Analyzer) -> None:
    text = "重磅！\n三 穗 国 际 传 播 中 心\n今天上午，三穗国\u200b际传播中心在三穗县正式揭牌。"
    [event] = _events(analyzer, text)
    assert event.center == "三穗国际传播中心"
    assert "三穗国\u200b际传播中心" in event.evidence


def test_related_links_to_other_launches_are_no_events_of_the_article(analyzer: Analyzer) -> None:
    text = ("5月11日，镇远国际传播中心在镇远县揭牌成立。\n"
            "（责任编辑：杨洁）\n"
            "相关阅读：\n"
            "· 凯里国际传播中心揭牌成立\n"
            "· 铜仁国际传播中心正式上线运行")
    assert [e.center for e in _events(analyzer, text)] == ["镇远国际传播中心"]
    only_links = "镇远古城春季游客同比增长两成。\n相关阅读：\n· 凯里国际传播中心揭牌成立"
    assert _events(analyzer, only_links) == []


def test_a_bilingual_page_gives_the_launch_once_with_chinese_evidence(analyzer: Analyzer) -> None:
    text = ("5月11日，镇远国际传播中心在镇远县揭牌成立。\n"
            "On May 11, the Zhenyuan International Communication Center was inaugurated in Zhenyuan County.\n"
            "该中心由镇远县委宣传部指导。\n"
            "The center is guided by the county publicity department.")
    [event] = _events(analyzer, text)
    assert event.center == "镇远国际传播中心" and event.evidence.startswith("5月11日，⟦镇远国际传播中心⟧")
