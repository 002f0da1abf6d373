"""`python -m tools.bench` (what `make bench` runs): generate a corpus, measure, print, write bench.json.

    python -m tools.bench --pages 10000 --out bench.json
    python -m tools.bench --pages 100000 --only memory --out bench-memory-100000.json \
        --compare bench-memory-10000.json

`--only memory` generates the corpus and runs the full processing (b) and the processing with the
prefilter (d) alone, for the memory comparison between corpus sizes; `--compare` prints how their peaks
differ from an earlier run's.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

TARGETS = {"b_over_a_max": 1.15, "full_over_trafilatura_max": 1.0, "only_matching_speed_min": 5.0,
           "naive_over_ours_min": 5.0, "speedup_min": 1.8, "peak_mb_max": 500.0, "memory_growth_max": 0.10,
           "second_run_bytes_max": 0.05}
PHASES = ("t_trafilatura", "a_extract", "b_full", "d_only_matching")


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tools.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=10_000, help="corpus size (default 10000)")
    parser.add_argument("--out", default="bench.json", help="where to write the figures (default bench.json)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes for (a) and (b) (default 2)")
    parser.add_argument("--speedup-pages", type=int, default=1500, help="pages of the 1 → 2 worker runs of (b)")
    parser.add_argument("--speedup-only-pages", type=int, default=10_000,
                        help="pages of the 1 → 2 worker runs of (d), --only-matching (default 10000)")
    parser.add_argument("--profile-pages", type=int, default=300, help="pages profiled in process (0: none)")
    parser.add_argument("--profile-out", default="bench-profile.txt", help="where the profile goes")
    parser.add_argument("--corpus", default=None, help="keep the corpus in this folder (default: a temp folder)")
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--only", choices=("all", "memory"), default="all")
    parser.add_argument("--compare", default=None, help="an earlier --only memory JSON to compare peaks with")
    return parser.parse_args(argv)


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    from monitor.match.lexicon import load_lexicon
    from tools.bench import measure

    corpus = Path(args.corpus) if args.corpus else tmp / "corpus"
    lexicon = load_lexicon()
    report: dict[str, Any] = {"machine": _machine(), "pages": args.pages}
    _say(f"generating {args.pages} pages into {corpus} …")
    if corpus.exists():
        shutil.rmtree(corpus)
    report["corpus"] = measure.make_corpus(corpus, args.pages, args.seed)
    if args.only == "memory":
        _full_and_only_matching(report, corpus, tmp, lexicon, args.workers)
        return report
    texts = tmp / "texts.jsonl"
    _say(f"(t) trafilatura's fast pass with metadata alone, {args.workers} workers …")
    report["t_trafilatura"] = measure.measure_trafilatura(corpus, args.workers)
    _say(f"(a) extraction alone, {args.workers} workers …")
    report["a_extract"] = measure.measure_extraction(corpus, args.workers, texts)
    _full_and_only_matching(report, corpus, tmp, lexicon, args.workers)
    _say("(c) after extraction: ours against naive jieba …")
    report["c_after_extraction"] = measure.measure_after_extraction(texts, lexicon)
    _say(f"1 → 2 workers, (b) on {args.speedup_pages} pages and (d) on {args.speedup_only_pages} …")
    report["speedup"] = measure.measure_speedup(corpus, tmp, lexicon, args.speedup_pages)
    report["speedup_only_matching"] = measure.measure_speedup(corpus, tmp, lexicon, args.speedup_only_pages,
                                                              only_matching=True)
    _say("two `monitor run`s over the sample server …")
    report["transfer"] = _transfer()
    _say("start-up of the light commands …")
    report["startup"] = _startup(tmp / "full.db")
    if args.profile_pages:
        _say(f"profiling {args.profile_pages} pages in process …")
        Path(args.profile_out).write_text(measure.profile_serial(corpus, tmp, lexicon, args.profile_pages), "utf-8")
        report["profile"] = args.profile_out
    return report


def _full_and_only_matching(report: dict[str, Any], corpus: Path, tmp: Path, lexicon: Any, workers: int) -> None:
    """(b) and (d) into two databases, and whether they found the same events."""
    from tools.bench import measure

    _say(f"(b) full processing into SQLite, {workers} workers …")
    report["b_full"] = measure.measure_full(corpus, tmp / "full.db", lexicon, workers)
    _say(f"(d) with the prefilter (--only-matching) into SQLite, {workers} workers …")
    report["d_only_matching"] = measure.measure_full(corpus, tmp / "only.db", lexicon, workers, only_matching=True)
    report["events"] = measure.same_events(tmp / "full.db", tmp / "only.db")


def _transfer() -> dict[str, Any]:
    from tools.bench.transfer import measure_transfer

    t = measure_transfer()
    return {"first_run_bytes": t.first_bytes, "second_run_bytes": t.second_bytes,
            "first_run_requests": t.first_requests, "second_run_requests": t.second_requests,
            "second_over_first": round(t.ratio, 5)}


def _startup(db: Path) -> dict[str, Any]:
    from tools.bench.startup import measure_startup

    return measure_startup(db)


def _machine() -> dict[str, Any]:
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}


def judge(report: dict[str, Any], compare: dict[str, Any] | None) -> dict[str, Any]:
    """Each target: the figure, the bound and whether it holds (the ratios are added to `report`)."""
    peak = max(max(report[phase]["memory"]["parent_mb"], report[phase]["memory"]["largest_worker_mb"])
               for phase in PHASES if phase in report)
    found = {"peak_process_mb": _check(peak, TARGETS["peak_mb_max"], below=True),
             "identical_events": {"value": report["events"]["identical"], "bound": True,
                                  "holds": report["events"]["identical"]}}
    if "t_trafilatura" in report:
        found.update(_speed_targets(report))
    if compare is not None:
        found.update(_memory_targets(report, compare))
    return found


def _speed_targets(report: dict[str, Any]) -> dict[str, Any]:
    a, b, t, d = (report[phase] for phase in ("a_extract", "b_full", "t_trafilatura", "d_only_matching"))
    for name, over, under in (("b_over_a", b, a), ("full_over_trafilatura", b, t)):
        report[name] = round(over["cpu_ms_per_page"] / under["cpu_ms_per_page"], 3)
        report[f"{name}_wall"] = round(over["seconds"] / under["seconds"], 3)
    report["only_matching_speed"] = round(t["cpu_ms_per_page"] / d["cpu_ms_per_page"], 2)
    report["only_matching_speed_wall"] = round(t["seconds"] / d["seconds"], 2)
    return {
        "b_over_a": _check(report["b_over_a"], TARGETS["b_over_a_max"], below=True),
        "full_over_trafilatura": _check(report["full_over_trafilatura"], TARGETS["full_over_trafilatura_max"],
                                        below=True),
        "only_matching_speed": _check(report["only_matching_speed"], TARGETS["only_matching_speed_min"], below=False),
        "naive_over_ours": _check(report["c_after_extraction"]["naive_over_ours"], TARGETS["naive_over_ours_min"],
                                  below=False),
        "speedup_1_to_2": _check(report["speedup"]["speedup"], TARGETS["speedup_min"], below=False),
        "speedup_1_to_2_only_matching": _check(report["speedup_only_matching"]["speedup"], TARGETS["speedup_min"],
                                               below=False),
        "second_run_bytes": _check(report["transfer"]["second_over_first"], TARGETS["second_run_bytes_max"],
                                   below=True),
        "startup_s": _check(report["startup"]["slowest_median_s"], report["startup"]["target_s"], below=True),
    }


def _memory_targets(report: dict[str, Any], compare: dict[str, Any]) -> dict[str, Any]:
    """How the peaks of (b) and (d) moved against an earlier run on another corpus size."""
    found: dict[str, Any] = {}
    report["memory_growth"] = {"against": compare["pages"]}
    for phase in ("b_full", "d_only_matching"):
        if phase in compare and phase in report:
            growth = _growth(compare[phase]["memory"], report[phase]["memory"])
            report["memory_growth"][phase] = growth
            found[f"memory_growth_{phase}"] = _check(max(abs(v) for v in growth.values()),
                                                     TARGETS["memory_growth_max"], below=True)
    return found


def _growth(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    keys = ("parent_mb", "largest_worker_mb", "all_processes_mb")
    return {k: round(after[k] / before[k] - 1, 3) for k in keys if before.get(k)}


def _check(value: float, bound: float, below: bool) -> dict[str, Any]:
    return {"value": value, "bound": bound, "holds": value <= bound if below else value >= bound}


def _print(report: dict[str, Any]) -> None:
    c = report["corpus"]
    print(f"corpus: {c['pages']} pages, {c['mean_kb']} KB each on average, {c['kinds']}, "
          f"written in {c['seconds']}s")
    if "t_trafilatura" in report:
        _print_pass("(t) trafilatura fast+metadata", report["t_trafilatura"])
        _print_pass("(a) extraction alone", report["a_extract"])
    b, d = report["b_full"], report["d_only_matching"]
    _print_pass("(b) full processing", b, f"; {b['stored']} stored, {b['matched']} matching, {b['events']} events, "
                                          f"{b['queue_items']} queue items")
    print("    wall ms a page: " + ", ".join(f"{k} {v}" for k, v in b["stage_ms_per_page"].items()))
    _print_pass("(d) --only-matching", d, f"; {d['left_out']} left out, {d['stored']} stored, {d['events']} events")
    print("    wall ms a page: " + ", ".join(f"{k} {v}" for k, v in d["stage_ms_per_page"].items()))
    e = report["events"]
    print(f"events of (d) and (b): {'identical' if e['identical'] else 'DIFFERENT'} ({e['only_matching']} and "
          f"{e['full']}; {e['missing']} missing, {e['extra']} extra)")
    if "t_trafilatura" in report:
        _print_ratios(report)
    for phase in PHASES:
        if phase in report:
            print(f"peak memory (MB) of {phase}: " + ", ".join(f"{k} {v}" for k, v in report[phase]["memory"].items()))
    for phase, growth in report.get("memory_growth", {}).items():
        if phase != "against":
            print(f"memory of {phase} against {report['memory_growth']['against']} pages: " + ", ".join(
                f"{k} {v:+.1%}" for k, v in growth.items()))
    for name, check in report["targets"].items():
        print(f"  {'ok  ' if check['holds'] else 'MISS'} {name}: {check['value']} (bound {check['bound']})")


def _print_pass(name: str, figures: dict[str, Any], more: str = "") -> None:
    print(f"{name + ':':31} {figures['articles_per_s']:8.1f} pages/s  ({figures['seconds']}s, {figures['workers']} "
          f"workers; {figures['cpu_ms_per_page']} ms CPU a page = {figures['pages_per_core_s']} pages/s per core"
          f"{more})")


def _print_ratios(report: dict[str, Any]) -> None:
    print(f"    (b)/(a): {report['b_over_a']} in CPU time, {report['b_over_a_wall']} in wall time")
    print(f"    (b)/(t), full processing against trafilatura alone: {report['full_over_trafilatura']} in CPU time, "
          f"{report['full_over_trafilatura_wall']} in wall time")
    print(f"    (t)/(d), --only-matching is ×{report['only_matching_speed']} faster than trafilatura alone "
          f"(×{report['only_matching_speed_wall']} in wall time)")
    c3 = report["c_after_extraction"]
    print(f"(c) after extraction: ours {c3['ours']['articles_per_s']:.0f} articles/s "
          f"({c3['ours']['ms_per_other_article']} ms without a center, "
          f"{c3['ours']['ms_per_matching_article']} ms with one), naive jieba "
          f"{c3['naive']['articles_per_s']:.0f} articles/s: naive/ours = {c3['naive_over_ours']}")
    for key, name in (("speedup", "(b)"), ("speedup_only_matching", "(d)")):
        s = report[key]
        print(f"1 → 2 workers, {name} on {s['pages']} pages: {s['one_worker_per_s']} → {s['two_workers_per_s']} "
              f"pages/s = ×{s['speedup']} ({s['one_worker_cpu_ms_per_page']} → {s['two_workers_cpu_ms_per_page']} "
              f"ms CPU a page; two cores allow ×{s['ceiling']}; load average {s['load_average']})")
    t = report["transfer"]
    print(f"second run bytes: {t['second_run_bytes']} of {t['first_run_bytes']} = {t['second_over_first']:.2%}")
    from tools.bench.startup import describe

    print(describe(report["startup"]))


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse(argv)
    logging.basicConfig(level=logging.ERROR)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="monitor-bench-") as tmp:
        report = run(args, Path(tmp))
    compare = json.loads(Path(args.compare).read_text("utf-8")) if args.compare else None
    report["targets"] = judge(report, compare)
    report["seconds"] = round(time.perf_counter() - started, 1)
    Path(args.out).write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", "utf-8")
    _print(report)
    print(f"written to {args.out} in {report['seconds']}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
