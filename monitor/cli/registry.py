"""`monitor registry …`: the confirmed centers, listed and exported (CSV, JSON, GeoJSON, WARC)."""

from __future__ import annotations

from pathlib import Path

import click

from monitor.cli.common import (
    cli,
    db_option,
    open_store,
)

_FORMATS = ("table", "json", "jsonl", "csv", "geojson")


@cli.group()
def registry() -> None:
    """The registry: every confirmed center with its sources."""


@registry.command("list")
@db_option
@click.option("--format", "fmt", type=click.Choice(_FORMATS), default="table", show_default=True,
              help="Output format: table for people, json/jsonl/csv/geojson for pipes.")
def registry_list(db: str, fmt: str) -> None:
    """Confirmed centers, oldest launch first, with their first source.

    Example: monitor registry list --format csv > registry.csv
    """
    from monitor.registry import registry as entries
    from monitor.registry import render_registry

    click.echo(render_registry(entries(open_store(db)), fmt))


@registry.command("export")
@db_option
@click.option("--format", "fmt", type=click.Choice(_FORMATS[1:]), default="json", show_default=True,
              help="Format of the registry file.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write the registry here instead of to stdout.")
@click.option("--warc", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Also write the stored pages of every source as a WARC file (.warc or .warc.gz).")
def registry_export(db: str, fmt: str, output: str | None, warc: str | None) -> None:
    """The registry as JSON, CSV or GeoJSON, and optionally its evidence as WARC.

    Example: monitor registry export --format geojson -o centers.geojson --warc evidence.warc.gz
    """
    from monitor.registry import registry as entries
    from monitor.registry import render_registry
    from monitor.warc import write_warc

    store = open_store(db)
    found = entries(store)
    text = render_registry(found, fmt)
    if output:
        Path(output).write_text(text + "\n", encoding="utf-8")
        click.echo(f"wrote {len(found)} centers to {output}", err=True)
    else:
        click.echo(text)
    if warc:
        summary = write_warc(store, [s.article_id for e in found for s in e.sources], warc)
        click.echo(f"wrote {summary.records} pages to {summary.path}"
                   + (f" ({len(summary.skipped)} sources without a stored page)" if summary.skipped else ""),
                   err=True)
