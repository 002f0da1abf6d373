"""`monitor terms …`: how often lexicon terms appear in stored articles over time."""

from __future__ import annotations

import datetime as dt

import click

from monitor.cli.common import cli, db_option, format_option, open_store


@cli.group()
def terms() -> None:
    """Lexicon terms in stored articles: their trends over time."""


@terms.command("trend")
@db_option
@format_option()
@click.option("--by", type=click.Choice(["province", "outlet"]), default=None,
              help="One row per week and province (of the outlet) or per week and outlet.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD",
              help="Only articles published on or after this day (YYYY-MM-DD).")
@click.argument("term")
def terms_trend(db: str, fmt: str, by: str | None, since: dt.datetime | None, term: str) -> None:
    """Articles and hits of TERM per ISO week (publication week; fetch week when undated).

    Without --by every week from the first to the last is listed, zero weeks included.

    Example: monitor terms trend 国际传播中心 --by province --format csv
    """
    from monitor.publish.output import render
    from monitor.publish.trends import term_trend

    with open_store(db) as store:
        rows = term_trend(store, term, by, since.date() if since else None)
    columns = ["week", "week_start", *([by] if by else []), "articles", "hits"]
    click.echo(render([row.to_dict(by) for row in rows], fmt, columns, title=f"{term} per week"))
