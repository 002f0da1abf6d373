"""The command line: options in, one library call, output formatted. No logic lives here."""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from monitor import __version__
from monitor.errors import MonitorError

F = TypeVar("F", bound=Callable[..., Any])
EXIT_CANNOT_RUN = 2


class MonitorGroup(click.Group):
    """Turns library errors into one clear line (a traceback only with -v)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except MonitorError as exc:
            if ctx.find_root().params.get("verbose"):
                raise
            raise click.ClickException(str(exc)) from exc


def db_option(func: F) -> F:
    return click.option("--db", "db", envvar="MONITOR_DB", default="monitor.db", show_default=True,
                        type=click.Path(dir_okay=False), help="SQLite database file (env MONITOR_DB).")(func)


def config_option(func: F) -> F:
    return click.option("--config", "config", envvar="MONITOR_CONFIG", default=None,
                        type=click.Path(dir_okay=False),
                        help="Outlets file (env MONITOR_CONFIG; default ./feeds.toml).")(func)


def lexicon_option(func: F) -> F:
    return click.option("--lexicon", "lexicon", envvar="MONITOR_LEXICON", default=None,
                        type=click.Path(file_okay=False),
                        help="Lexicon folder (env MONITOR_LEXICON; default the project's lexicon/).")(func)


def format_option(default: str = "table") -> Callable[[F], F]:
    from monitor.output import FORMATS

    return click.option("--format", "fmt", type=click.Choice(FORMATS), default=default, show_default=True,
                        help="Output format: table for people, json/jsonl/csv for pipes.")


def _open_store(db: str) -> Any:
    from monitor.store import Store

    return Store.open(db)


def _load_config(config: str | None) -> Any:
    from monitor.config import config_path, load_config

    return load_config(config_path(config))


@click.group(cls=MonitorGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="monitor")
@click.option("-v", "--verbose", is_flag=True, help="Log details and show tracebacks.")
def cli(verbose: bool) -> None:
    """Find launches of international communication centers (国际传播中心) in Chinese media.

    Example: monitor run --config feeds.toml --db monitor.db && monitor queue list
    """
    logging.basicConfig(level=logging.INFO if verbose else logging.ERROR,
                        format="%(levelname)s %(name)s: %(message)s")


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

    cfg = _load_config(config)
    store = _open_store(db)
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
@lexicon_option
def extract(lexicon: str | None) -> None:
    """Events of articles given as JSON Lines on stdin, as JSON Lines on stdout.

    Input per line: {"url", "title", "text", "published": "YYYY-MM-DD", "html"}.
    Never uses the network; prints nothing for an article without an event.

    Example: echo '{"url":"x","title":null,"text":"…","published":"2024-10-30","html":null}' | monitor extract
    """
    from monitor.pipeline import Analyzer, extract_lines

    analyzer = Analyzer(lexicon)

    def warn(line: int, reason: str) -> None:
        click.echo(f"stdin:{line}: skipped: {reason}", err=True)

    for event in extract_lines(sys.stdin, analyzer, warn):
        click.echo(json.dumps(event.to_contract(), ensure_ascii=False))


# -- sources --------------------------------------------------------------------------------------


@cli.group()
def sources() -> None:
    """The outlets of feeds.toml and their health."""


@sources.command("list")
@config_option
@db_option
@format_option()
def sources_list(config: str | None, db: str, fmt: str) -> None:
    """Every feed and list page of the config, with the last result stored.

    Example: monitor sources list --format csv > sources.csv
    """
    from monitor.output import render
    from monitor.sources import outlet_rows

    cfg = _load_config(config)
    store = _open_store(db) if Path(db).exists() else None
    rows = outlet_rows(cfg, store)
    click.echo(render(rows, fmt, ["outlet", "level", "province", "kind", "url", "checked", "status", "items"]))


@sources.command("check")
@config_option
@format_option()
@click.option("--update", is_flag=True, help="Write each outlet's result into the config's `checked` key.")
def sources_check(config: str | None, fmt: str, update: bool) -> None:
    """Fetch each source once and report status, type and item count.

    Example: monitor sources check --update
    """
    from monitor.config import config_path
    from monitor.fetch import Fetcher
    from monitor.output import render
    from monitor.sources import check_sources, update_checked

    cfg = _load_config(config)
    with Fetcher(cfg.fetch) as fetcher:
        checks = check_sources(cfg, fetcher)
    click.echo(render([c.to_dict() for c in checks], fmt,
                      ["outlet", "kind", "url", "ok", "status", "type", "items", "error"]))
    if update:
        count = update_checked(config_path(config), checks)
        click.echo(f"updated `checked` of {count} outlets in {config_path(config)}", err=True)


# -- queue ----------------------------------------------------------------------------------------


@cli.group()
def queue() -> None:
    """The analysts' queue: one item per launch, with every article attached."""


@queue.command("list")
@db_option
@format_option()
@click.option("--status", type=click.Choice(["new", "confirmed", "rejected"]), default=None,
              help="Only items with this status.")
def queue_list(db: str, fmt: str, status: str | None) -> None:
    """Queue items, most confident first.

    Example: monitor queue list --status new --format json
    """
    from monitor.output import render
    from monitor.review.queue import list_items

    store = _open_store(db)
    rows = [item.to_dict() for item in list_items(store, status)]
    click.echo(render(rows, fmt, ["id", "status", "type", "center", "place", "province", "level", "date",
                                  "partners", "mentions", "confidence"], title="queue"))


@queue.command("show")
@db_option
@format_option()
@click.argument("item_id", type=int)
def queue_show(db: str, fmt: str, item_id: int) -> None:
    """One item with its evidence and every article that reports it.

    Example: monitor queue show 3
    """
    from dataclasses import asdict

    from monitor.output import render
    from monitor.review.queue import get_item, mentions

    store = _open_store(db)
    item = get_item(store, item_id)
    found = [asdict(m) for m in mentions(store, item_id)]
    if fmt in ("json", "jsonl"):
        click.echo(json.dumps({**item.to_dict(), "mention_list": found}, ensure_ascii=False, indent=2))
        return
    click.echo(render([item.to_dict()], "table" if fmt == "table" else fmt, title=f"item {item_id}"))
    click.echo(render(found, "table" if fmt == "table" else fmt,
                      ["outlet", "published", "url", "evidence"], title="mentions"))


def reviewer_option(func: F) -> F:
    return click.option("--reviewer", envvar="MONITOR_REVIEWER", required=True,
                        help="Your name, kept with the decision (env MONITOR_REVIEWER).")(func)


@queue.command("confirm")
@db_option
@reviewer_option
@click.option("--note", default=None, help="A note kept with the decision.")
@click.argument("item_id", type=int)
def queue_confirm(db: str, reviewer: str, note: str | None, item_id: int) -> None:
    """Confirm an item: it joins the registry of centers.

    Example: monitor queue confirm 3 --reviewer alice
    """
    from monitor.review.queue import decide

    item = decide(_open_store(db), item_id, "confirm", reviewer, note=note)
    click.echo(f"confirmed {item.id}: {item.center}")


@queue.command("reject")
@db_option
@reviewer_option
@click.option("--reason", required=True, type=click.Choice(
    ["not a launch", "duplicate", "wrong place", "wrong date", "existing center", "research center",
     "plan only", "other"]), help="Why the item is rejected.")
@click.option("--note", default=None, help="A note kept with the decision.")
@click.argument("item_id", type=int)
def queue_reject(db: str, reviewer: str, reason: str, note: str | None, item_id: int) -> None:
    """Reject an item with a reason from a fixed list.

    Example: monitor queue reject 4 --reviewer alice --reason "not a launch"
    """
    from monitor.review.queue import decide

    item = decide(_open_store(db), item_id, "reject", reviewer, reason=reason, note=note)
    click.echo(f"rejected {item.id}: {item.center} ({reason})")


@queue.command("history")
@db_option
@format_option()
@click.argument("item_id", type=int)
def queue_history(db: str, fmt: str, item_id: int) -> None:
    """Every decision on an item (append-only audit rows).

    Example: monitor queue history 3
    """
    from monitor.output import render
    from monitor.review.queue import history

    click.echo(render(history(_open_store(db), item_id), fmt, ["id", "at", "reviewer", "action", "reason"]))


# -- lexicon --------------------------------------------------------------------------------------


@cli.group()
def lexicon() -> None:
    """The lexicon: terms by category in lexicon/*.toml."""


@lexicon.command("list")
@lexicon_option
@format_option()
@click.option("--category", default=None, help="Only terms of this category.")
def lexicon_list(lexicon: str | None, fmt: str, category: str | None) -> None:
    """Every term with its category, variants and note.

    Example: monitor lexicon list --category trigger
    """
    from monitor.lexicon import load_lexicon
    from monitor.output import render

    lex = load_lexicon(lexicon)
    rows = [{"term": t.term, "category": t.category, "variants": list(t.variants), "note": t.note,
             "added": t.added.isoformat() if t.added else None, "file": Path(t.file).name, "line": t.line}
            for t in lex.terms if category in (None, t.category)]
    click.echo(render(rows, fmt, ["term", "category", "variants", "note", "added"],
                      title=f"lexicon {lex.version}"))


@lexicon.command("add")
@lexicon_option
@click.argument("term")
@click.option("--category", required=True, help="center, trigger, branch, negative, theme, partner, or a new one.")
@click.option("--note", default=None, help="Why the term is there.")
@click.option("--variant", "variants", multiple=True, help="Another written form (repeatable).")
def lexicon_add(lexicon: str | None, term: str, category: str, note: str | None, variants: tuple[str, ...]) -> None:
    """Add a term to the file of its category (order and comments kept).

    Example: monitor lexicon add 国际传播港 --category center --note "Guangxi's name form"
    """
    from monitor.lexicon_edit import add_term

    path = add_term(term, category, note, variants, lexicon)
    click.echo(f"added {term!r} ({category}) to {path}; see its hits with: monitor lexicon test {term}")


@lexicon.command("check")
@lexicon_option
def lexicon_check(lexicon: str | None) -> None:
    """Duplicates, a term inside another of its category, empty or non-Chinese entries.

    Exits 1 when there is an error (warnings alone exit 0).

    Example: monitor lexicon check
    """
    from monitor.lexicon_edit import check_lexicon

    problems = check_lexicon(lexicon)
    for problem in problems:
        click.echo(str(problem))
    errors = sum(p.severity == "error" for p in problems)
    click.echo(f"{len(problems)} findings, {errors} errors", err=True)
    if errors:
        sys.exit(1)


@lexicon.command("test")
@db_option
@format_option()
@click.option("--limit", default=20, show_default=True, help="How many snippets to show.")
@click.argument("term")
def lexicon_test(db: str, fmt: str, limit: int, term: str) -> None:
    """How many stored articles TERM would hit, with snippets; changes nothing.

    Example: monitor lexicon test 国际传播港
    """
    from dataclasses import asdict

    from monitor.output import render
    from monitor.rescan import term_hits

    report = term_hits(_open_store(db), term, limit)
    if fmt in ("json", "jsonl"):
        click.echo(json.dumps(asdict(report), ensure_ascii=False, indent=2))
        return
    click.echo(f"{report.term}: {report.occurrences} occurrences in {report.articles} stored articles "
               f"({report.articles - report.already_matching} not matched by the lexicon today)")
    if report.hits:
        click.echo(render([asdict(h) for h in report.hits], fmt, ["article_id", "title", "snippet"]))


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

    summary = rescan_store(_open_store(db), Analyzer(lexicon), reextract=reextract)
    click.echo(f"rescanned {summary.articles} articles with lexicon {summary.lexicon_version}: "
               f"{summary.matched} matching, {summary.events} events, {summary.new_items} new queue items, "
               f"{summary.dropped_items} unreviewed items without mentions dropped"
               + (f", {summary.reextracted} re-extracted" if reextract else ""))


def main() -> None:
    """Entry point of the `monitor` console script."""
    os.environ.setdefault("PYTHONIOENCODING", "utf-8")
    try:
        cli(prog_name="monitor")
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
