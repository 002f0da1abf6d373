"""The analyzer for tests that run articles through every stage after extraction (normalize, match,
events), and a guard that no detection error is swallowed.

    from tests.support.analysis import analyzer_fixture  # noqa: F401  (the fixture `analyzer`)
    from tests.support.analysis import no_swallowed_errors  # noqa: F401  (autouse where imported)
    from tests.support.analysis import events, launches
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator

import pytest

from monitor.models import Article, Event
from monitor.run.ingest import Analyzer


@pytest.fixture(scope="module", name="analyzer")
def analyzer_fixture() -> Analyzer:
    return Analyzer()


@pytest.fixture(autouse=True)
def no_swallowed_errors(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """The Analyzer logs and skips an article whose detection fails (a run must go on): here that is a bug."""
    with caplog.at_level(logging.ERROR, logger="monitor.run.ingest"):
        yield
    assert [r.getMessage() for r in caplog.get_records("call") if r.name == "monitor.run.ingest"] == []


def events(analyzer: Analyzer, text: str, published: dt.date | None, title: str | None = None,
           url: str = "http://variants.test/a", hint: str | None = None) -> list[Event]:
    """The events of one article (`hint`: the outlet's province)."""
    return analyzer.analyze(Article(url, title, text, published), hint).events


def launches(analyzer: Analyzer, text: str, published: dt.date | None,
             title: str | None = None) -> list[tuple[str, str | None]]:
    """(center, date) of each launch of one article."""
    return [(e.center, e.date) for e in events(analyzer, text, published, title) if e.type == "launch"]
