"""The command line of the evaluation: `python -m tools.evaluation` (what `make eval` runs).

    python -m tools.evaluation --gold tests/data/gold --out eval.json [--errors N]
    python -m tools.evaluation --devset ../shared/realworld/icc-dev/articles.jsonl --out eval-icc-dev.json
    python -m tools.evaluation --devset-e2e ../shared/realworld/icc-dev/articles.jsonl --out eval-icc-dev-e2e.json

It runs `python -m monitor extract` once on every article of the set, prints a summary and writes the
JSON report. A gold set is a directory of JSON files (tests/data/gold/README.md); the dev set is the
JSON Lines file of real pages beside ../shared/realworld/icc-dev/score.py, scored as that script does.
With --devset-e2e the dev set is served as outlets on 127.0.0.1 and a real `monitor run` fills a temporary
database, whose queue is scored (tools/evaluation/endtoend.py).
"""

from __future__ import annotations

import argparse
import json
import logging
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

from tools.evaluation.devset import load_devset
from tools.evaluation.endtoend import format_end_to_end, run_end_to_end
from tools.evaluation.extractor import DEFAULT_TIMEOUT, EXTRACT_COMMAND, REPO_DIR
from tools.evaluation.records import EvaluationError
from tools.evaluation.report import format_devset_summary, format_summary
from tools.evaluation.run import evaluate, evaluate_devset


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tools.evaluation", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--gold", type=Path, default=REPO_DIR / "tests" / "data" / "gold",
                       help="directory of gold files (default: tests/data/gold)")
    which.add_argument("--devset", type=Path, default=None,
                       help="a dev set of real pages in JSON Lines (../shared/realworld/icc-dev/articles.jsonl)")
    which.add_argument("--devset-e2e", type=Path, default=None, metavar="DEVSET",
                       help="the dev set end to end: served as outlets, `monitor run`, the queue scored")
    parser.add_argument("--out", type=Path, default=Path("eval.json"),
                        help="JSON report (default: eval.json)")
    parser.add_argument("--command", default=None,
                        help="extractor command to run instead of `python -m monitor extract`")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds (default 600)")
    parser.add_argument("--errors", type=int, default=40, help="errors to print (default 40)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `python -m tools.evaluation`: 0 when scored, 2 when it could not run."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = _parse_args(argv)
    command = shlex.split(args.command) if args.command else EXTRACT_COMMAND
    try:
        if args.devset_e2e is not None:
            e2e = run_end_to_end(load_devset(args.devset_e2e), args.timeout)
            data, summary = e2e.to_dict(), format_end_to_end(e2e, args.errors)
        elif args.devset is not None:
            dev = evaluate_devset(args.devset, command, args.timeout)
            data, summary = dev.to_dict(), format_devset_summary(dev, args.errors)
        else:
            report = evaluate(args.gold, command, args.timeout)
            data, summary = report.to_dict(), format_summary(report, args.errors)
    except EvaluationError as exc:
        sys.stderr.write(f"evaluation failed: {exc}\n")
        return 2
    args.out.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    sys.stdout.write(summary)
    sys.stdout.write(f"\nReport written to {args.out}\n")
    return 0
