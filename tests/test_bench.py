"""The speed figures of `make bench` (tools/bench): the reference (trafilatura alone), the full processing
and --only-matching on a small generated corpus, and how the targets are judged. No time is asserted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from monitor.match.lexicon import load_lexicon
from tools.bench.__main__ import TARGETS, judge
from tools.bench.measure import make_corpus, measure_full, measure_trafilatura, same_events, two_core_ceiling


@pytest.mark.slow
def test_the_reference_full_processing_and_only_matching_are_measured_on_one_corpus(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    made = make_corpus(corpus, 40, seed=7)
    assert made["pages"] == 40 and sum(made["kinds"].values()) == 40
    reference = measure_trafilatura(corpus, workers=1)
    assert reference["pages"] == 40 and reference["cpu_ms_per_page"] > 0 and reference["pages_per_core_s"] > 0
    lexicon = load_lexicon()
    full = measure_full(corpus, tmp_path / "full.db", lexicon, workers=1)
    only = measure_full(corpus, tmp_path / "only.db", lexicon, workers=1, only_matching=True)
    assert full["pages"] == only["pages"] == 40
    assert full["left_out"] == 0 and only["left_out"] > 0
    assert only["stored"] + only["left_out"] + only["failed"] == 40 and only["stored"] < full["stored"]
    assert only["stage_ms_per_page"]["prefilter"] > 0 == full["stage_ms_per_page"]["prefilter"]
    events = same_events(tmp_path / "full.db", tmp_path / "only.db")
    assert events["identical"] and events["full"] == full["events"] == only["events"]


def _phase(cpu_ms: float, seconds: float, parent_mb: float = 150.0, worker_mb: float = 250.0) -> dict[str, Any]:
    return {"cpu_ms_per_page": cpu_ms, "seconds": seconds,
            "memory": {"parent_mb": parent_mb, "largest_worker_mb": worker_mb, "all_processes_mb": 700.0}}


def _report(full_ms: float, only_ms: float, events_identical: bool = True) -> dict[str, Any]:
    return {"pages": 1000, "t_trafilatura": _phase(30.0, 15.0), "a_extract": _phase(26.0, 13.0),
            "b_full": _phase(full_ms, 14.0), "d_only_matching": _phase(only_ms, 2.0),
            "events": {"identical": events_identical}, "c_after_extraction": {"naive_over_ours": 20.0},
            "speedup": {"speedup": 1.85}, "speedup_only_matching": {"speedup": 1.7},
            "transfer": {"second_over_first": 0.001}, "startup": {"slowest_median_s": 0.2, "target_s": 0.3}}


def test_the_ratios_to_trafilatura_alone_are_judged_against_their_targets() -> None:
    report = _report(full_ms=27.0, only_ms=4.0)
    found = judge(report, None)
    assert report["full_over_trafilatura"] == 0.9 and found["full_over_trafilatura"]["holds"]
    assert report["only_matching_speed"] == 7.5 and found["only_matching_speed"]["holds"]
    assert found["speedup_1_to_2"]["holds"] and not found["speedup_1_to_2_only_matching"]["holds"]
    assert found["identical_events"]["holds"] and found["peak_process_mb"]["value"] == 250.0
    slow = _report(full_ms=33.0, only_ms=7.0, events_identical=False)
    found = judge(slow, None)
    assert not found["full_over_trafilatura"]["holds"] and not found["only_matching_speed"]["holds"]
    assert not found["identical_events"]["holds"]
    assert TARGETS["only_matching_speed_min"] == 5.0 and TARGETS["full_over_trafilatura_max"] == 1.0


def test_memory_is_compared_between_corpus_sizes_for_both_ways() -> None:
    small = {"pages": 10_000, "b_full": _phase(27.0, 1.0, 150.0, 250.0),
             "d_only_matching": _phase(4.0, 1.0, 150.0, 250.0)}
    large: dict[str, Any] = {"pages": 100_000, "b_full": _phase(27.0, 1.0, 180.0, 255.0),
                            "d_only_matching": _phase(4.0, 1.0, 151.0, 251.0), "events": {"identical": True}}
    found = judge(large, small)
    assert large["memory_growth"]["b_full"]["parent_mb"] == 0.2
    assert not found["memory_growth_b_full"]["holds"] and found["memory_growth_d_only_matching"]["holds"]


def test_the_two_core_ceiling_of_the_speedup_comes_from_the_parents_share() -> None:
    assert two_core_ceiling(27.5, 2.5) == 1.82  # workers 25 ms a page, parent 2.5: (2 × 25) / 27.5
    assert two_core_ceiling(4.0, 0.0) == 2.0 and two_core_ceiling(1.0, 1.0) == 0.0
