"""`monitor run` and `monitor rescan`: the daily job and its re-run over stored articles."""

from __future__ import annotations

import click

from monitor.cli.common import (
    cli,
    config_option,
    db_option,
    lexicon_option,
    load_config_file,
    open_store,
)


@cli.command()
@config_option
@db_option
@lexicon_option
@click.option("--quiet", "-q", is_flag=True, help="Print nothing when the run succeeds.")
def run(config: str | None, db: str, lexicon: str | None, quiet: bool) -> None:
    """The daily job: fetch every outlet once, find launches, fill the queue.

    Exit 0 when the run completed, even if some outlets failed (they are listed);
    non-zero only when it could not run.

    Example: monitor run --config feeds.toml --db monitor.db
    """
    from monitor.pipeline import run as run_pipeline

    cfg = load_config_file(config)
    store = open_store(db)
    try:
        summary = run_pipeline(cfg, store, lexicon_dir=lexicon,
                               progress=None if quiet else lambda m: click.echo(f"  {m}", err=True))
    finally:
        store.close()
    if quiet:
        return
    for outlet, url, reason in summary.failures:
        click.echo(f"failed: {outlet}: {url}: {reason}", err=True)
    c = summary
    click.echo(f"run {c.run_id}: {c.sources} sources ({c.sources_failed} failed, {c.not_modified} not modified), "
               f"{c.articles_new} new articles ({c.articles_failed} pages failed), {c.matched} matching, "
               f"{c.events} events, {c.new_items} new queue items in {c.seconds}s")




@cli.command()
@db_option
@lexicon_option
@click.option("--reextract", is_flag=True, help="Also re-extract the text from the stored raw pages.")
def rescan(db: str, lexicon: str | None, reextract: bool) -> None:
    """Re-match stored articles after the lexicon, gazetteer or rules changed (no re-crawl).

    Example: monitor rescan && monitor queue list --status new
    """
    from monitor.pipeline import Analyzer
    from monitor.rescan import rescan as rescan_store

    summary = rescan_store(open_store(db), Analyzer(lexicon), reextract=reextract)
    click.echo(f"rescanned {summary.articles} articles with lexicon {summary.lexicon_version}: "
               f"{summary.matched} matching, {summary.events} events, {summary.new_items} new queue items, "
               f"{summary.dropped_items} unreviewed items without mentions dropped"
               + (f", {summary.reextracted} re-extracted" if reextract else ""))
