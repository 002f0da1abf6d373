"""`monitor extract`: the JSON Lines contract that accuracy is scored on."""

from __future__ import annotations

import json
import sys

import click

from monitor.cli.common import (
    cli,
    lexicon_option,
)


@cli.command()
@lexicon_option
def extract(lexicon: str | None) -> None:
    """Events of articles given as JSON Lines on stdin, as JSON Lines on stdout.

    Input per line: {"url", "title", "text", "published": "YYYY-MM-DD", "html"}.
    Never uses the network; prints nothing for an article without an event.

    Example: echo '{"url":"x","title":null,"text":"…","published":"2024-10-30","html":null}' | monitor extract
    """
    from monitor.run.contract import extract_lines
    from monitor.run.ingest import Analyzer

    analyzer = Analyzer(lexicon)

    def warn(line: int, reason: str) -> None:
        click.echo(f"stdin:{line}: skipped: {reason}", err=True)

    for event in extract_lines(sys.stdin, analyzer, warn):
        click.echo(json.dumps(event.to_contract(), ensure_ascii=False))
