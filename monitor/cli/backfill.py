"""`monitor backfill SOURCE...`: back issues (WARC files, saved pages, lists of URLs) into the store."""

from __future__ import annotations

from typing import Any

import click

from monitor.cli.common import cli, db_option, lexicon_option, open_store


@cli.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True))
@db_option
@lexicon_option
@click.option("--config", "config", envvar="MONITOR_CONFIG", default=None, type=click.Path(dir_okay=False),
              help="Outlets file: pages are filed under the outlet of their host, URL lists fetched with its "
                   "[fetch] settings (env MONITOR_CONFIG; default ./feeds.toml when it exists).")
@click.option("--workers", "-w", type=click.IntRange(min=0), default=None,
              help="Worker processes (default: one per CPU; 0: all in this process).")
@click.option("--scheduler", envvar="MONITOR_SCHEDULER", default=None, metavar="ADDRESS",
              help="Run the work on a Dask cluster, e.g. tcp://10.0.0.5:8786 (env MONITOR_SCHEDULER); "
                   "see docs/backfill.md.")
@click.option("--outlet", default=None, help="File every page under this outlet of the config.")
@click.option("--base-url", default=None, metavar="URL",
              help="URL of a saved folder's root: a page's URL is this plus its path in the folder "
                   "(default: the file's file:// URI).")
@click.option("--only-matching", is_flag=True,
              help="Store only the pages that name a center: each page's visible text is scanned with the "
                   "lexicon first and a page without a center term is counted and left out (many times "
                   "faster on archives; the same events; search then sees only the stored pages).")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing when the backfill succeeds.")
def backfill(sources: tuple[str, ...], db: str, lexicon: str | None, config: str | None, workers: int | None,
             scheduler: str | None, outlet: str | None, base_url: str | None, only_matching: bool,
             quiet: bool) -> None:
    """Back issues into the store: WARC / WARC.gz files, folders of saved HTML, files of URLs.

    Each page goes through the stages of `monitor run` into the same database. Pages already stored
    are skipped, so a backfill that was interrupted is resumed by running it again. A progress bar
    shows on a terminal.

    Example: monitor backfill archive-2019.warc.gz saved/ --base-url http://www.example.cn/ --workers 2

    Example: monitor backfill /data/warc/*.warc.gz --only-matching --scheduler tcp://10.0.0.5:8786
    """
    from monitor.match.lexicon import load_lexicon
    from monitor.run.backfill import backfill as run_backfill
    from monitor.run.backfill import default_workers
    from monitor.run.progress import backfill_progress, progress_bar

    cfg = _config(config)
    with open_store(db) as store, progress_bar("backfill", quiet=quiet) as bar:
        summary = run_backfill(store, list(sources), load_lexicon(lexicon),
                               workers=default_workers() if workers is None else workers,
                               scheduler=scheduler, config=cfg, outlet=outlet, base_url=base_url,
                               progress=backfill_progress(bar, sources), only_matching=only_matching)
    if not quiet:
        _report(summary)


def _config(option: str | None) -> Any:
    from monitor.sources.config import config_path, load_config

    path = config_path(option)
    return load_config(path) if option or path.exists() else None


def _report(summary: Any) -> None:
    for url, reason in summary.failures[:20]:
        click.echo(f"failed: {url}: {reason}", err=True)
    if summary.failed > 20:
        click.echo(f"… and {summary.failed - 20} more failures (table `failures`)", err=True)
    s = summary
    left_out = f", {s.filtered} left out by the prefilter" if s.filtered else ""
    click.echo(f"backfill: {s.pages} pages, {s.skipped} already stored{left_out}, {s.stored} articles stored "
               f"({s.failed} failed, {s.backfill} marked backfill), {s.matched} matching, "
               f"{s.events} events, {s.new_items} new queue items in {s.seconds:.1f}s")
    for reason, outlets in s.left_out().items():
        each = ", ".join(f"{outlet or '(no outlet)'} {count}" for outlet, count in outlets)
        click.echo(f"  left out, {reason}: {each}")

