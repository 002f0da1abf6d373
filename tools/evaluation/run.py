"""One evaluation from end to end: load a set, run the extractor once on all of it, score what it found."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from pathlib import Path

from tools.evaluation.devscore import DevReport, score_devset
from tools.evaluation.devset import DEVSET, load_devset
from tools.evaluation.extractor import DEFAULT_TIMEOUT, EXTRACT_COMMAND, parse_predictions, run_extractor
from tools.evaluation.gold import SHARED_DIR, load_gold
from tools.evaluation.records import ContractInput, EventRecord
from tools.evaluation.scoring import EvalReport, score

logger = logging.getLogger(__name__)


def _predict(articles: Sequence[ContractInput], command: Sequence[str],
             timeout: float) -> tuple[dict[str, list[EventRecord]], tuple[str, ...]]:
    predictions, bad = parse_predictions(run_extractor(articles, command, timeout))
    for line in bad:
        logger.warning("unreadable extractor output %s", line)
    return predictions, tuple(bad)


def evaluate(
    gold: Path,
    command: Sequence[str] = EXTRACT_COMMAND,
    timeout: float = DEFAULT_TIMEOUT,
    shared: Path = SHARED_DIR,
) -> EvalReport:
    """Load a gold set (a directory), run the extractor once on it, and score what it found."""
    cases = load_gold(gold, shared)
    predictions, bad = _predict(cases, command, timeout)
    return dataclasses.replace(score(cases, predictions), bad_lines=bad)


def evaluate_devset(
    path: Path = DEVSET,
    command: Sequence[str] = EXTRACT_COMMAND,
    timeout: float = DEFAULT_TIMEOUT,
) -> DevReport:
    """Load the dev set (JSON Lines), run the extractor once on it, and score it as its score.py does."""
    records = load_devset(path)
    predictions, bad = _predict(records, command, timeout)
    return dataclasses.replace(score_devset(records, predictions), bad_lines=bad)
