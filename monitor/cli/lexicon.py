"""`monitor lexicon …`: the terms the automaton looks for."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from monitor.cli.common import (
    cli,
    db_option,
    format_option,
    lexicon_option,
    open_store,
)
from monitor.models import HIT_CATEGORIES

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
    from monitor.match.lexicon import load_lexicon
    from monitor.publish.output import render

    lex = load_lexicon(lexicon)
    rows = [{"term": t.term, "category": t.category, "variants": list(t.variants), "note": t.note,
             "added": t.added.isoformat() if t.added else None, "file": Path(t.file).name, "line": t.line}
            for t in lex.terms if category in (None, t.category)]
    click.echo(render(rows, fmt, ["term", "category", "variants", "note", "added"],
                      title=f"lexicon {lex.version}"))


@lexicon.command("add")
@lexicon_option
@click.argument("term")
@click.option("--category", required=True, help=f"{', '.join(HIT_CATEGORIES)}, or a new one.")
@click.option("--note", default=None, help="Why the term is there.")
@click.option("--variant", "variants", multiple=True, help="Another written form (repeatable).")
def lexicon_add(lexicon: str | None, term: str, category: str, note: str | None, variants: tuple[str, ...]) -> None:
    """Add a term to the file of its category (order and comments kept).

    Example: monitor lexicon add 国际传播港 --category center --note "Guangxi's name form"
    """
    from monitor.match.edit import add_term

    path = add_term(term, category, note, variants, lexicon)
    click.echo(f"added {term!r} ({category}) to {path}; see its hits with: monitor lexicon test {term}")


@lexicon.command("check")
@lexicon_option
def lexicon_check(lexicon: str | None) -> None:
    """Duplicates, a term inside another of its category, empty or non-Chinese entries.

    Exits 1 when there is an error (warnings alone exit 0).

    Example: monitor lexicon check
    """
    from monitor.match.edit import check_lexicon

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

    from monitor.publish.output import render
    from monitor.run.rescan import term_hits

    with open_store(db) as store:
        report = term_hits(store, term, limit)
    if fmt in ("json", "jsonl"):
        click.echo(json.dumps(asdict(report), ensure_ascii=False, indent=2))
        return
    click.echo(f"{report.term}: {report.occurrences} occurrences in {report.articles} stored articles "
               f"({report.articles - report.already_matching} not matched by the lexicon today)")
    if report.hits:
        click.echo(render([asdict(h) for h in report.hits], fmt, ["article_id", "title", "snippet"]))
