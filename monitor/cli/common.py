"""What every command shares: the root group, options, error handling and helpers."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, TypeVar

import click

from monitor import __version__
from monitor.errors import MonitorError

if TYPE_CHECKING:
    from monitor.store import Store

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
    from monitor.publish.output import FORMATS

    return click.option("--format", "fmt", type=click.Choice(FORMATS), default=default, show_default=True,
                        help="Output format: table for people, json/jsonl/csv for pipes.")


def open_store(db: str) -> AbstractContextManager[Store]:
    """`with open_store(db) as store:` the database of --db, closed at the end (the store is imported only
    when a command needs it, so that `monitor --help` stays light)."""
    from monitor.store import open_store as opened

    return opened(db)


def load_config_file(config: str | None) -> Any:
    from monitor.sources.config import config_path, load_config

    return load_config(config_path(config))


def reviewer_option(func: F) -> F:
    return click.option("--reviewer", envvar="MONITOR_REVIEWER", required=True,
                        help="Your name, kept with the decision (env MONITOR_REVIEWER).")(func)


@click.group(cls=MonitorGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="monitor")
@click.option("-v", "--verbose", is_flag=True, help="Log details and show tracebacks.")
def cli(verbose: bool) -> None:
    """Find launches of international communication centers (国际传播中心) in Chinese media.

    Example: monitor run --config feeds.toml --db monitor.db && monitor queue list
    """
    logging.basicConfig(level=logging.INFO if verbose else logging.ERROR,
                        format="%(levelname)s %(name)s: %(message)s")


