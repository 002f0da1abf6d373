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
    from monitor.publish.output import render
    from monitor.run.check import outlet_rows

    cfg = load_config_file(config)
    if Path(db).exists():
        with open_store(db) as store:
            rows = outlet_rows(cfg, store)
    else:
        rows = outlet_rows(cfg)
    click.echo(render(rows, fmt, ["outlet", "level", "province", "kind", "url", "checked", "status", "items",
                                  "newest"]))


@sources.command("check")
@config_option
@format_option()
@click.option("--update", is_flag=True, help="Write each outlet's result into the config's `checked` key.")
@click.option("--frozen-days", type=click.IntRange(1, 100_000), default=None,
              help="Flag `frozen` a source whose newest item is older than this many days "
                   "[default: [health] frozen_days of the config, else 30].")
def sources_check(config: str | None, fmt: str, update: bool, frozen_days: int | None) -> None:
    """Fetch each source once and report status, type, item count, newest item and flags.

    Flags: broken (fails or gives nothing to read), blocked (a JavaScript challenge, CAPTCHA or login
    wall instead of the content), moved (permanent redirect), frozen (answers, but its newest item is
    older than --frozen-days). `--format json` gives `newest` and `flags` for each source.

    Example: monitor sources check --update
    """
    from monitor.fetch.client import Fetcher
    from monitor.publish.output import render
    from monitor.run.check import check_sources, update_checked
    from monitor.sources.config import config_path

    cfg = load_config_file(config)
    with Fetcher(cfg.fetch) as fetcher:
        checks = check_sources(cfg, fetcher, frozen_days=frozen_days)
    click.echo(render([c.to_dict() for c in checks], fmt,
                      ["outlet", "kind", "url", "ok", "status", "type", "items", "newest", "flags", "error"]))
    if update:
        count = update_checked(config_path(config), checks)
        click.echo(f"updated `checked` of {count} outlets in {config_path(config)}", err=True)


@sources.command("health")
@config_option
@db_option
@format_option()
@click.option("--days", type=click.IntRange(1, 366), default=14, show_default=True,
              help="Days of new articles per day to show.")
@click.option("--quiet-days", type=click.IntRange(1, 366), default=7, show_default=True,
              help="Flag `quiet` an outlet without a new article for this many days that used to publish.")
@click.option("--broken-after", type=click.IntRange(1, 100), default=2, show_default=True,
              help="Flag `broken` a source after this many failed runs in a row (HTML or no items: at once).")
@click.option("--frozen-days", type=click.IntRange(1, 100_000), default=None,
              help="Flag `frozen` a source whose newest item is older than this many days "
                   "[default: [health] frozen_days of the config, else 30].")
def sources_health(config: str | None, db: str, fmt: str, days: int, quiet_days: int, broken_after: int,
                   frozen_days: int | None) -> None:
    """Per outlet: last success, failures in a row, new articles per day, newest item, and flags
    broken / quiet / moved / frozen / blocked.

    Reads the database only (no network): the newest item of each source is the one the last run saw.
    Outlets are those of the config when there is one, else those the database has seen. `--format json`
    gives each outlet's `newest` and `flags`, and each source's in `by_source`.

    Example: monitor sources health --format json | jq '.[] | select(.flags != [])'
    """
    from monitor.publish.health import HealthSettings, outlet_health
    from monitor.publish.output import render
    from monitor.sources.config import config_path

    cfg = load_config_file(config) if config or config_path(None).exists() else None
    settings = HealthSettings.of(cfg, days=days, quiet_days=quiet_days, broken_after=broken_after,
                                 frozen_days=frozen_days)
    with open_store(db) as store:
        healths = outlet_health(store, cfg, settings)
    if fmt == "table" or fmt == "csv":
        rows = [h.row() for h in healths]
        columns = ["outlet", "last_success", "consecutive_failures", "new per day", "newest", "flags", "problems"]
        click.echo(render(rows, fmt, columns, title=f"outlet health (new articles per day, last {days} days)"))
    else:
        click.echo(render([h.to_dict() for h in healths], fmt))
