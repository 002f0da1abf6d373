"""`monitor registry …`: the confirmed centers, listed and exported (CSV, JSON, GeoJSON, WARC), and lists of
known centers imported."""

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
    """The registry: every confirmed or imported center with its sources."""


@registry.command("list")
@db_option
@click.option("--format", "fmt", type=click.Choice(_FORMATS), default="table", show_default=True,
              help="Output format: table for people, json/jsonl/csv/geojson for pipes.")
def registry_list(db: str, fmt: str) -> None:
    """Confirmed and imported centers, oldest launch first, with their first source.

    Example: monitor registry list --format csv > registry.csv
    """
    from monitor.publish.registry import registry as entries
    from monitor.publish.registry import render_registry

    with open_store(db) as store:
        click.echo(render_registry(entries(store), fmt))


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

    Each center has its origin (confirmed or imported) and, if imported, its source.

    Example: monitor registry export --format geojson -o centers.geojson --warc evidence.warc.gz
    """
    from monitor.publish.registry import registry as entries
    from monitor.publish.registry import render_registry
    from monitor.publish.warc import write_warc

    with open_store(db) as store:
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


@registry.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@db_option
@click.option("--format", "fmt", type=click.Choice(("csv", "json")), default=None,
              help="Format of FILE (default: from its extension, .csv or .json).")
@click.option("--reviewer", envvar="MONITOR_REVIEWER", default="import", show_default=True,
              help="Name kept in the audit row of each imported center (env MONITOR_REVIEWER).")
def registry_import(file: str, db: str, fmt: str | None, reviewer: str) -> None:
    """Add a list of known centers (CSV or JSON) to the registry, marked as imported.

    Columns: center, place, province, level, code, date, partners, source (partners separated by ;).
    Every row is checked first: problems are listed as FILE:LINE:COLUMN and nothing is imported. A center
    already in the registry is left as it is, so importing a file twice changes nothing. Later reports of
    an imported center's launch join it without a new queue item.

    Example: monitor registry import known-centers.csv --reviewer alice
    """
    from monitor.review.known import RegistryImportError, describe, import_file

    try:
        with open_store(db) as store:
            result = import_file(store, file, fmt, reviewer)
    except RegistryImportError as exc:
        for problem in exc.problems:
            click.echo(problem, err=True)
        raise click.ClickException(exc.summary) from exc
    click.echo(describe(result, file))
