"""The reports for the terminal: a readable table of a gold set's scores or of the dev set's, with the errors."""

from __future__ import annotations

from collections.abc import Sequence

from tools.evaluation.counts import Counts
from tools.evaluation.devscore import DevReport
from tools.evaluation.scoring import ErrorItem, EvalReport


def _pct(value: float | None) -> str:
    return "   -  " if value is None else f"{value * 100:5.1f}%"


def _counts_row(label: str, counts: Counts) -> str:
    empty = counts == Counts()
    p, r, f = (None, None, None) if empty else (counts.precision, counts.recall, counts.f1)
    return f"  {label:<10}{counts.tp:>5}{counts.fp:>5}{counts.fn:>5}  {_pct(p)}  {_pct(r)}  {_pct(f)}"


_COUNTS_HEADER = f"  {'events':<10}{'TP':>5}{'FP':>5}{'FN':>5}  precision  recall      F1"


def _overall_lines(report: EvalReport) -> list[str]:
    o = report.overall
    positives = o.articles - o.negatives
    lines = [f"Gold set: {o.articles} articles ({positives} with events, {o.negatives} negatives)",
             "", _COUNTS_HEADER, _counts_row("all", o.events)]
    lines += [_counts_row(t, c) for t, c in o.by_type.items()]
    lines += ["", f"Fields on {o.events.tp} matched events:"]
    lines += [f"  {n:<10}{_pct(r.value)}  ({r.correct}/{r.total})" for n, r in o.fields.items()]
    lines += ["", "Partners (micro, matched events):", _counts_row("partners", o.partners), "",
              f"False alarms: {o.false_alarms} of {o.negatives} negative articles "
              f"({_pct(o.false_alarm_rate).strip()})"]
    return lines


def _tag_lines(report: EvalReport, min_articles: int) -> list[str]:
    lines = ["", f"By tag (tags on at least {min_articles} articles; all tags in the JSON report):",
             f"  {'tag':<24}{'arts':>5}{'P':>8}{'R':>8}{'F1':>8}{'FA':>5}{'date':>8}{'place':>8}"]
    for tag, s in report.by_tag.items():
        if s.articles < min_articles:
            continue
        lines.append(f"  {tag:<24}{s.articles:>5}  {_pct(s.events.precision)}  {_pct(s.events.recall)}  "
                     f"{_pct(s.events.f1)}{s.false_alarms:>5}  {_pct(s.fields['date'].value)}  "
                     f"{_pct(s.fields['place'].value)}")
    return lines


def _calibration_lines(report: EvalReport) -> list[str]:
    lines = ["", "Calibration (predicted events by confidence):"]
    for b in report.calibration:
        lines.append(f"  [{b.low:.2f}, {min(b.high, 1.0):.2f})  {b.events:>4} events  right {_pct(b.precision)}")
    return lines


def _error_line(error: ErrorItem) -> str:
    exp = error.expected.center if error.expected else "-"
    pred = error.predicted.center if error.predicted else "-"
    detail = f" [{', '.join(error.fields)}]" if error.fields else ""
    return f"  {error.kind:<12}{error.case:<44} expected {exp} / got {pred}{detail}"


def _closing_lines(errors: Sequence[ErrorItem], max_errors: int, unknown_urls: Sequence[str],
                   bad_lines: Sequence[str], where: str) -> list[str]:
    shown = min(len(errors), max_errors)
    lines = ["", f"Errors: {len(errors)} (first {shown} shown; all in the JSON report)"]
    lines += [_error_line(e) for e in errors[:max_errors]]
    if unknown_urls:
        lines.append(f"Events for {len(unknown_urls)} URLs not in the {where} were ignored.")
    if bad_lines:
        lines.append(f"{len(bad_lines)} output lines could not be read (see bad_lines in the JSON).")
    return lines


def format_summary(report: EvalReport, max_errors: int = 40, min_tag_articles: int = 3) -> str:
    """A readable table of a gold set's report for the terminal."""
    lines = _overall_lines(report) + _calibration_lines(report) + _tag_lines(report, min_tag_articles)
    lines += _closing_lines(report.errors, max_errors, report.unknown_urls, report.bad_lines, "gold set")
    return "\n".join(lines) + "\n"


def format_devset_summary(report: DevReport, max_errors: int = 40) -> str:
    """A readable table of the dev set's report; its last line is score.py's, to compare at a glance."""
    f = report.scorer_figures()
    p = report.partners
    lines = [f"Dev set: {report.articles} articles ({report.articles - report.negatives} with launches, "
             f"{report.negatives} without); launches only, scored as its score.py scores them",
             "", _COUNTS_HEADER, _counts_row("launch", report.launches),
             "", f"Fields on {report.launches.tp} paired launches:"]
    lines += [f"  {name:<10}{_pct(r.value)}  ({r.correct}/{r.total})"
              for name, r in (("province", report.province), ("level", report.level), ("date", report.date))]
    lines += ["", f"Partners: precision {_pct(p.precision)} ({p.found}/{p.reported}), "
                  f"recall {_pct(p.recall)} ({p.owed_found}/{p.owed}), F1 {_pct(float(f['partner_f1']))}",
              "", f"False alarms: {report.false_alarms} of {report.negatives} articles without a launch"]
    lines += _closing_lines(report.errors, max_errors, report.unknown_urls, report.bad_lines, "dev set")
    lines += ["", f"launch-F1 {f['launch_f1']:.2f} province {f['province_acc']:.2f} "
                  f"date {f['date_acc']:.2f} partners-F1 {f['partner_f1']:.2f}"]
    return "\n".join(lines) + "\n"
