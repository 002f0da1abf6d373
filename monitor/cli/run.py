"""`monitor run` and `monitor rescan`: the daily job and its re-run over stored articles."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from monitor.cli.common import (
    cli,
    config_option,
    db_option,
    lexicon_option,
    load_config_file,
    open_store,
)

EXIT_LOCKED = 3
EXIT_DEADLINE = 4
EXIT_DISK_FULL = 6  # 5 is `monitor digest`'s (a destination failed): one number, one meaning
EXIT_TERMINATED = 143


@cli.command()
@config_option
@db_option
@lexicon_option
@click.option("--quiet", "-q", is_flag=True, help="Print nothing when the run succeeds (for cron).")
@click.option("--max-minutes", type=click.FloatRange(min=0, min_open=True), envvar="MONITOR_MAX_MINUTES",
              default=None, help="Stop cleanly after this many minutes, keeping what was stored (exit 4).")
@click.option("--log-dir", type=click.Path(file_okay=False), envvar="MONITOR_LOG_DIR", default=None,
              help="Folder of the JSON-lines run logs (env MONITOR_LOG_DIR; default <db name>-logs/ beside "
                   "the database).")
def run(config: str | None, db: str, lexicon: str | None, quiet: bool, max_minutes: float | None,
        log_dir: str | None) -> None:
    """The daily job: fetch every outlet once, find launches, fill the queue.

    Exit codes: 0 the run completed, even if some outlets failed (they are listed); 1 it could not
    run (bad config or database); 2 bad options; 3 another run holds this database's lock, so this one
    did nothing; 4 --max-minutes passed and the run stopped early, keeping what it had stored;
    6 the disk is full: the run stopped at once, keeping what it had stored (free space and run again);
    130 / 143 interrupted by Ctrl-C / SIGTERM (what was stored stays). Each run writes a JSON-lines
    log and a row of the `runs` table; a progress bar shows on a terminal. See docs/operations.md.

    Example: monitor run --config feeds.toml --db monitor.db --quiet --max-minutes 50
    """
    from monitor.errors import DiskFullError
    from monitor.run.lock import RunLocked, run_lock

    cfg = load_config_file(config)
    try:
        with _sigterm_exits(), run_lock(db):
            summary = _run_locked(cfg, db, lexicon, quiet, max_minutes, log_dir)
    except RunLocked as exc:
        click.echo(f"monitor run: {exc}", err=True)
        raise SystemExit(EXIT_LOCKED) from None
    except DiskFullError as exc:
        click.echo(f"monitor run: stopped: {exc}", err=True)
        raise SystemExit(EXIT_DISK_FULL) from None
    _report(summary, quiet)
    if summary.status == "deadline":
        raise SystemExit(EXIT_DEADLINE)


@contextmanager
def _sigterm_exits() -> Iterator[None]:
    """While running, SIGTERM (a timeout's kill) ends the run like Ctrl-C: its row says "interrupted"."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(EXIT_TERMINATED))
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _run_locked(cfg: Any, db: str, lexicon: str | None, quiet: bool, max_minutes: float | None,
                log_dir: str | None) -> Any:
    from monitor.run.daily import run as run_pipeline
    from monitor.run.progress import progress_bar, run_progress
    from monitor.run.runlog import RunLog, default_log_dir, fan_out
    from monitor.store.runs import close_abandoned_runs

    with open_store(db) as store:
        close_abandoned_runs(store)
        with RunLog(log_dir or default_log_dir(db)) as runlog, progress_bar("sources", "articles", quiet=quiet) as bar:
            return run_pipeline(cfg, store, lexicon_dir=lexicon, observe=fan_out(runlog, run_progress(bar)),
                                max_seconds=max_minutes * 60 if max_minutes else None,
                                log_path=str(runlog.path.resolve()))


def _report(summary: Any, quiet: bool) -> None:
    c = summary
    if c.status == "deadline":
        click.echo(f"run {c.run_id} stopped at --max-minutes after {c.seconds}s; what it fetched is stored "
                   f"and the next run goes on from there", err=True)
    if quiet:
        return
    for outlet, url, reason in c.failures:
        click.echo(f"failed: {outlet}: {url}: {reason}", err=True)
    click.echo(f"run {c.run_id} {c.status}: {c.sources} sources ({c.sources_failed} failed, "
               f"{c.not_modified} not modified), {c.articles_new} new articles ({c.articles_failed} pages "
               f"failed), {c.matched} matching, {c.events} events, {c.new_items} new queue items in {c.seconds}s")


@cli.command()
@db_option
@lexicon_option
@click.option("--reextract", is_flag=True, help="Also re-extract the text from the stored raw pages.")
def rescan(db: str, lexicon: str | None, reextract: bool) -> None:
    """Re-match stored articles after the lexicon, gazetteer or rules changed (no re-crawl).

    A progress bar shows on a terminal.

    Example: monitor rescan && monitor queue list --status new
    """
    from monitor.run.ingest import Analyzer
    from monitor.run.progress import progress_bar, rescan_progress
    from monitor.run.rescan import rescan as rescan_store

    analyzer = Analyzer(lexicon)
    with open_store(db) as store, progress_bar("rescan") as bar:
        summary = rescan_store(store, analyzer, reextract=reextract, progress=rescan_progress(bar))
    click.echo(f"rescanned {summary.articles} articles with lexicon {summary.lexicon_version}: "
               f"{summary.matched} matching, {summary.events} events, {summary.new_items} new queue items, "
               f"{summary.dropped_items} unreviewed items without mentions dropped"
               + (f", {summary.reextracted} re-extracted" if reextract else ""))
