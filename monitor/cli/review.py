"""`monitor review`: the queue in the terminal, one item at a time, decided by single keys."""

from __future__ import annotations

import sys

import click

from monitor.cli.common import cli, db_option, open_store
from monitor.models import ITEM_STATUSES


@cli.command()
@db_option
@click.option("--reviewer", envvar="MONITOR_REVIEWER", default=None,
              help="Your name, kept with every decision (env MONITOR_REVIEWER; asked once if missing).")
@click.option("--status", type=click.Choice([*ITEM_STATUSES, "all"]), default="new",
              show_default=True, help="Which items to go through.")
def review(db: str, reviewer: str | None, status: str) -> None:
    """Review the queue item by item with single keys.

    Shows one item (fields, the evidence with center and trigger highlighted, every
    mention) and acts on one key: j/k next/previous, c confirm, r reject (then the
    number of a reason), e edit (field=value), m merge, s split, u undo, h history,
    ? help, q quit. Every decision is saved the moment the key is pressed. When stdin
    is not a terminal, keys are read from its lines.

    Example: monitor review --reviewer alice --status new
    """
    from rich.console import Console

    from monitor.review.keys import terminal_keys
    from monitor.review.terminal import ReviewSession

    name = reviewer or _ask_reviewer()
    with open_store(db) as store, terminal_keys(sys.stdin) as keys:
        code = ReviewSession(store, name, Console(), keys, None if status == "all" else status).run()
    if code:
        sys.exit(code)


def _ask_reviewer() -> str:
    if not sys.stdin.isatty():
        raise click.UsageError("a reviewer name is needed: pass --reviewer NAME or set MONITOR_REVIEWER")
    return str(click.prompt("Your name (kept with every decision)")).strip()
