"""`monitor report`: one self-contained HTML file with charts, the registry and term trends."""

from __future__ import annotations

from pathlib import Path

import click

from monitor.cli.common import cli, db_option, open_store


@cli.command()
@db_option
@click.argument("out", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--png", "png_dir", type=click.Path(file_okay=False, path_type=Path), default=None, metavar="DIR",
              help="Also write every chart as DIR/<chart>.png.")
@click.option("--confirmed-only", is_flag=True,
              help="Chart and list confirmed centers only (by default items awaiting review are charted "
                   "in a lighter colour and listed in their own table).")
@click.option("--term", "terms", multiple=True,
              help="Term for the trends section (repeatable; default the lexicon's center terms with hits).")
def report(db: str, out: Path | None, png_dir: Path | None, confirmed_only: bool, terms: tuple[str, ...]) -> None:
    """Write OUT (HTML, no network needed to view it) with charts of the launches and the registry.

    Charts: launches per month, by province, by level of the place, top partners, and articles per
    ISO week for the center terms. Rejected items never appear.

    Example: monitor report report.html --png charts/
    """
    from monitor.publish.report import build_report, write_report

    if out is None and png_dir is None:
        raise click.UsageError("give OUT.html, --png DIR, or both")
    with open_store(db) as store:
        built = build_report(store, include_new=not confirmed_only, terms=terms or None)
    if built.font is None:
        click.echo("warning: no font with Chinese glyphs found, chart labels in Chinese show as boxes; install "
                   "one (Debian: apt-get install fonts-noto-cjk) or set MONITOR_CJK_FONT=/path/font.otf", err=True)
    for path in write_report(built, out, png_dir):
        click.echo(f"wrote {path}", err=True)
    click.echo(f"{len(built.charts)} charts, {built.confirmed} confirmed centers, "
               f"{built.unreviewed} awaiting review{' (left out)' if confirmed_only else ''}")
