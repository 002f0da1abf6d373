"""The evidence's marks: written by one function, read by one parser, shown alike by every reader."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.events.evidence import Piece, mark, pieces, with_marks
from monitor.publish.digest import item_html
from monitor.publish.output import MARK_STYLES, marked
from monitor.review.terminal import evidence_text
from monitor.review.web.views import evidence_segments
from monitor.store.digests import DigestItem


def test_marks_are_written_around_the_text() -> None:
    assert mark("洛阳国际传播中心", "center") == "⟦洛阳国际传播中心⟧"
    assert mark("揭牌", "trigger") == "⟨揭牌⟩"


def test_a_marked_sentence_reads_back_as_pieces_in_order() -> None:
    assert pieces("3月26日，⟦洛阳国际传播中心⟧在洛阳⟨揭牌成立⟩。") == [
        ("text", "3月26日，"), ("center", "洛阳国际传播中心"), ("text", "在洛阳"), ("trigger", "揭牌成立"),
        ("text", "。")]
    assert pieces("⟨成立⟩⟦中心⟧") == [Piece("trigger", "成立"), Piece("center", "中心")]
    assert pieces("no marks") == [("text", "no marks")]
    assert pieces("") == []


@pytest.mark.parametrize(("evidence", "expected"), [
    ("a⟧b⟦c", [("text", "a⟧b"), ("center", "c")]),  # a lone closer is text; an open mark runs to the end
    ("⟦a⟨b⟩c⟧d", [("center", "a⟨b⟩c"), ("text", "d")]),  # marks do not nest
    ("⟨a⟦b⟩c", [("trigger", "a⟦b"), ("text", "c")]),
    ("x⟦⟧y", [("text", "x"), ("center", ""), ("text", "y")]),  # an empty mark is kept, empty text is not
    ("⟩⟧", [("text", "⟩⟧")]),
])
def test_unbalanced_and_odd_marks_read_one_way(evidence: str, expected: list[tuple[str, str]]) -> None:
    assert pieces(evidence) == expected


def test_with_marks_gives_back_a_well_formed_sentence() -> None:
    sentence = "据报道⟦洛阳国际传播中心⟧今日⟨揭牌⟩。"
    assert "".join(with_marks(piece) for piece in pieces(sentence)) == sentence
    assert "".join(with_marks(piece) for piece in pieces("a⟦b")) == "a⟦b⟧"  # an open mark comes back closed


def test_the_detector_writes_marks_the_parser_reads() -> None:
    article = {"url": "http://t/1", "title": None, "published": "2025-03-28",
               "text": "新华社郑州3月27日电 26日上午，洛阳国际传播中心在洛阳日报社揭牌成立。"}
    result = CliRunner().invoke(cli, ["extract"], input=json.dumps(article, ensure_ascii=False) + "\n")
    assert result.exit_code == 0, result.output
    [event] = [json.loads(line) for line in result.stdout.splitlines()]
    marks = [(kind, text) for kind, text in pieces(event["evidence"]) if kind != "text"]
    assert marks == [("center", "洛阳国际传播中心"), ("trigger", "揭牌成立")]


def _digest_item(evidence: str) -> DigestItem:
    return DigestItem(id=1, center_key="k", status="new", type="launch", center="中心", place=None, province=None,
                      level=None, date=None, partners=[], confidence=0.9, mentions=1, first_seen="", url=None,
                      outlet=None, title=None, evidence=evidence)


@pytest.mark.parametrize("evidence", [
    "3月26日，⟦洛阳国际传播中心⟧在洛阳⟨揭牌成立⟩。", "⟨成立⟩了⟦中心⟧", "a⟧b⟦c", "⟦a⟨b⟩c⟧d", "no marks"])
def test_every_reader_finds_the_same_center_and_trigger(evidence: str) -> None:
    """The terminal, the web page, `monitor queue show` and the digest all show the parser's pieces."""
    expected = [(kind, text) for kind, text in pieces(evidence) if text]
    shown = evidence_text(evidence)
    styles = {"bold black on yellow": "center", "bold underline magenta": "trigger"}
    terminal = [(styles[str(span.style)], shown.plain[span.start:span.end]) for span in shown.spans]
    assert terminal == [piece for piece in expected if piece[0] != "text"]
    assert shown.plain == "".join(text for _, text in expected)
    assert evidence_segments(evidence) == expected
    html = item_html(_digest_item(evidence)).split("<blockquote>")[1]
    tags = {"mark": "center", "em": "trigger"}
    assert [(tags[tag], text) for tag, text in re.findall(r"<(mark|em)>(.*?)</\1>", html)] == [
        piece for piece in expected if piece[0] != "text"]
    styled = "".join(MARK_STYLES[piece.kind](with_marks(piece)) if piece.kind != "text" else piece.text
                     for piece in pieces(evidence))
    assert marked(evidence, 200) == [styled]
