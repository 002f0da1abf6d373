"""monitor.run.contract: the input lines of `monitor extract` (the command itself: tests/test_cli.py)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from monitor.run.contract import RecordError, article_from_record, extract_lines
from monitor.run.ingest import Analyzer

LAUNCH = ("本报讯（记者 王明）3月5日上午，洛阳国际传播中心在洛阳市揭牌成立。中心由洛阳日报社与洛阳师范学院"
          "共同建设，洛阳市委宣传部部长出席仪式。")


def test_a_text_record_becomes_an_article_as_given() -> None:
    article = article_from_record({"url": "u", "title": "题", "text": LAUNCH, "published": "2025-03-05"})
    assert article is not None
    assert (article.url, article.title, article.text, article.published) == ("u", "题", LAUNCH, dt.date(2025, 3, 5))


def test_an_html_record_is_extracted_and_its_title_and_date_fill_the_gaps() -> None:
    body = "".join(f"<p>{LAUNCH}</p>" for _ in range(3))
    html = f"<html><body><article>{body}</article></body></html>"
    article = article_from_record({"url": "http://x.cn/1.htm", "title": "题", "html": html,
                                   "published": "2025-03-05", "text": None})
    assert article is not None and "洛阳国际传播中心" in article.text
    assert (article.title, article.published) == ("题", dt.date(2025, 3, 5))


@pytest.mark.parametrize(("record", "reason"), [
    ({"text": LAUNCH}, "key 'url'"),
    ({"url": "u", "text": "  ", "html": None}, "non-empty 'text' or 'html'"),
    ({"url": "u", "text": LAUNCH, "published": "5 March"}, "YYYY-MM-DD"),
])
def test_an_unusable_record_says_which_key(record: dict[str, object], reason: str) -> None:
    with pytest.raises(RecordError, match=reason):
        article_from_record(record)


def test_bad_lines_are_reported_by_number_and_the_rest_gives_its_events() -> None:
    lines = ["{not json", "", json.dumps(["a list"]), json.dumps({"url": "u", "text": LAUNCH,
                                                                  "published": "2025-03-05"})]
    errors: list[tuple[int, str]] = []
    events = list(extract_lines(lines, Analyzer(), lambda number, reason: errors.append((number, reason))))
    assert [number for number, _ in errors] == [1, 3]
    assert "JSON object" in errors[1][1]
    assert [e.center for e in events] == ["洛阳国际传播中心"]
