"""Start-up time of the light commands: `monitor --help`, `monitor queue list`, `monitor queue show ID`.

Each is run as a whole process (the console script beside this Python, else `python -m monitor`),
once to warm the caches and then `runs` times; the median wall time is the figure, against a target
of 0.3 s. `make bench` calls `measure_startup` on the database of its full run; on its own:

    python -m tools.bench.startup --db demo.db
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

TARGET_S = 0.3


def monitor_command() -> list[str]:
    """How a user starts the monitor here: the console script, or `python -m monitor`."""
    script = Path(sys.executable).parent / "monitor"
    return [str(script)] if script.exists() else [sys.executable, "-m", "monitor"]


def _first_item(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
            row = connection.execute("SELECT min(id) FROM items").fetchone()
    except sqlite3.Error:
        return 1
    return int(row[0]) if row and row[0] is not None else 1


def _wall(command: list[str], runs: int) -> tuple[list[float], set[int]]:
    """Wall seconds of `runs` runs after a warm-up, and the exit codes seen."""
    times: list[float] = []
    codes: set[int] = set()
    for _ in range(runs + 1):
        started = time.perf_counter()
        done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - started)
        codes.add(done.returncode)
    return times[1:], codes


def measure_startup(db: Path, runs: int = 7) -> dict[str, Any]:
    """Median, min and max wall seconds of each light command over `runs` runs after one warm-up."""
    monitor = monitor_command()
    commands = {"monitor --help": ["--help"], "monitor queue list": ["queue", "list", "--db", str(db)],
                "monitor queue show": ["queue", "show", str(_first_item(db)), "--db", str(db)]}
    figures: dict[str, Any] = {}
    for name, args in commands.items():
        times, codes = _wall([*monitor, *args], runs)
        figures[name] = {"median_s": round(statistics.median(times), 3), "min_s": round(min(times), 3),
                         "max_s": round(max(times), 3), "exit_codes": sorted(codes)}
    slowest = max(f["median_s"] for f in figures.values())
    return {"runs": runs, "target_s": TARGET_S, "slowest_median_s": slowest, "holds": slowest < TARGET_S,
            "commands": figures}


def describe(startup: dict[str, Any]) -> str:
    """One line: each command's median, and the target."""
    each = ", ".join(f"{name} {f['median_s']:.3f} s" + ("" if f["exit_codes"] == [0] else f" (exit {f['exit_codes']})")
                     for name, f in startup["commands"].items())
    return f"start-up (median of {startup['runs']} runs): {each}; target < {startup['target_s']} s"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench.startup", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="monitor.db", help="a database with queue items (default monitor.db)")
    parser.add_argument("--runs", type=int, default=7, help="counted runs of each command (default 7)")
    args = parser.parse_args(argv)
    startup = measure_startup(Path(args.db), args.runs)
    print(describe(startup))
    return 0 if startup["holds"] else 1


if __name__ == "__main__":
    sys.exit(main())
