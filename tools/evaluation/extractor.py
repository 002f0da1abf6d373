"""Running the extractor: `python -m monitor extract` once, every article on its stdin as JSON Lines,
and its JSON Lines output read back as events grouped by URL."""

from __future__ import annotations

import json
import logging
import os
import shlex
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from tools.evaluation.records import ContractInput, EvaluationError, EventRecord

logger = logging.getLogger(__name__)

REPO_DIR = Path(__file__).resolve().parents[2]
EXTRACT_COMMAND: tuple[str, ...] = (sys.executable, "-m", "monitor", "extract")
DEFAULT_TIMEOUT = 600.0


def _tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.strip().splitlines()[-lines:]) or "(nothing on stderr)"


def run_extractor(
    articles: Sequence[ContractInput],
    command: Sequence[str] = EXTRACT_COMMAND,
    timeout: float = DEFAULT_TIMEOUT,
    cwd: Path = REPO_DIR,
) -> str:
    """Run the extractor once with every article as JSON Lines on stdin; return its stdout."""
    payload = "".join(json.dumps(a.contract_input(), ensure_ascii=False) + "\n" for a in articles)
    shown = shlex.join(command)
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    try:
        done = subprocess.run(list(command), input=payload.encode("utf-8"), capture_output=True,
                              timeout=timeout, cwd=cwd, env=env, check=False)
    except subprocess.TimeoutExpired as exc:
        raise EvaluationError(
            f"`{shown}` did not finish within {timeout:.0f} s on {len(articles)} articles"
        ) from exc
    except OSError as exc:
        raise EvaluationError(f"`{shown}` could not be started: {exc}") from exc
    stderr = done.stderr.decode("utf-8", errors="replace")
    if done.returncode != 0:
        raise EvaluationError(
            f"`{shown}` failed with exit code {done.returncode}. Its stderr:\n{_tail(stderr)}"
        )
    if stderr.strip():
        logger.info("extractor stderr:\n%s", _tail(stderr))
    return done.stdout.decode("utf-8", errors="replace")


def parse_predictions(output: str) -> tuple[dict[str, list[EventRecord]], list[str]]:
    """Events of the extractor's JSON Lines output grouped by URL, and the lines that could not be read."""
    by_url: dict[str, list[EventRecord]] = {}
    bad: list[str] = []
    for number, line in enumerate(output.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            if not isinstance(data, dict) or not isinstance(data.get("url"), str):
                raise ValueError("not an object with a 'url' string")
            event = EventRecord.from_contract(data)
        except ValueError as exc:
            bad.append(f"line {number}: {exc}: {line[:200]}")
            continue
        by_url.setdefault(data["url"], []).append(event)
    return by_url, bad
