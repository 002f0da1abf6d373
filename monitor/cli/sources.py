"""`monitor sources …`: the outlets of feeds.toml and their health."""

from __future__ import annotations

from pathlib import Path

import click

from monitor.cli.common import (
    cli,
    config_option,
    db_option,
    format_option,
    load_config_file,
    open_store,
)

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

    cfg = load_config_file(config)
    store = open_store(db) if Path(db).exists() else None
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

    cfg = load_config_file(config)
    with Fetcher(cfg.fetch) as fetcher:
        checks = check_sources(cfg, fetcher)
    click.echo(render([c.to_dict() for c in checks], fmt,
                      ["outlet", "kind", "url", "ok", "status", "type", "items", "error"]))
    if update:
        count = update_checked(config_path(config), checks)
        click.echo(f"updated `checked` of {count} outlets in {config_path(config)}", err=True)
