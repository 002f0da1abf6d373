"""Accuracy of `monitor extract` on the gold sets (tests/data/gold, the held-out sets) and on the dev set of
real pages (../shared/realworld/icc-dev): `make eval`, `python -m tools.evaluation`.

One module a concern, in the order an evaluation runs:

    records    the events, places and gold cases, in the shape of the extract contract
    gold       loading a gold set (a directory of JSON files)
    devset     loading the dev set (JSON Lines of real pages, read in place)
    extractor  running `monitor extract` once and reading its output
    matching   how names, codes and dates compare, and how events pair
    counts     precision, recall, F1 and ratios
    scoring    the scores of a gold set
    devscore   the scores of the dev set, with its own scorer's conventions
    report     the summaries printed on the terminal
    run        load, run, score: `evaluate`, `evaluate_devset`
    cli        the command line

The scoring functions are pure (gold cases and predicted events in, plain records out), so they are tested
without running anything; the I/O is at the two ends.
"""

from tools.evaluation.devscore import DevReport
from tools.evaluation.records import EvaluationError
from tools.evaluation.run import evaluate, evaluate_devset
from tools.evaluation.scoring import EvalReport

__all__ = ["DevReport", "EvalReport", "EvaluationError", "evaluate", "evaluate_devset"]
