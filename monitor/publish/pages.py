"""pages: the HTML that publish hands out — the digest, its Atom entries, the report — rendered from
publish/templates with Jinja2.

Autoescape is on: every value from the store is hostile input and is only ever escaped. It is
escaped as `html.escape` does (quotes as &quot; and &#x27;, as these pages always had them), and
None shows as nothing. The evidence's marks are read by monitor.events.evidence (`evidence_pieces`).
"""

from __future__ import annotations

import html
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from monitor.events.evidence import pieces

TEMPLATES = Path(__file__).resolve().parent / "templates"


def render(name: str, **context: Any) -> str:
    """The template `name` rendered with `context`."""
    return _environment().get_template(name).render(**context)


def macro(name: str, macro_name: str, *args: Any) -> str:
    """One macro of the template `name`, called with `args` (a piece of HTML shared by two pages)."""
    return str(getattr(_environment().get_template(name).module, macro_name)(*args))


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, finalize=_escaped,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True)
    env.globals["evidence_pieces"] = pieces
    return env


def _escaped(value: object) -> Markup:
    """Every value written into a page: escaped like html.escape (HTML that a macro made is kept)."""
    if isinstance(value, Markup):
        return value
    return Markup(html.escape("" if value is None else str(value)))
