"""The command line: options in, one library call, output formatted. No logic lives here.

One module per command group; each attaches its commands to the root group of common.py.
"""

from __future__ import annotations

import os
import sys

import click

from monitor.cli import (  # noqa: F401  (each module registers its commands)
    backfill,
    digest,
    extract,
    lexicon,
    queue,
    registry,
    report,
    review,
    run,
    serve,
    sources,
    terms,
)
from monitor.cli.common import cli

__all__ = ["cli", "main"]


def main() -> None:
    """Entry point of the `monitor` console script."""
    os.environ.setdefault("PYTHONIOENCODING", "utf-8")
    try:
        cli(prog_name="monitor")
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
