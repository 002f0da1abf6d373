"""app: the Starlette app of `monitor serve` — its routes, its middleware, its error pages and its
templates (../templates, autoescape on; ../static for the stylesheet and keys.js)."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from monitor.errors import MonitorError, NotFoundError
from monitor.review.web import forms, views
from monitor.review.web.security import SecurityMiddleware, plain_page
from monitor.store.database import open_store

REVIEW = Path(__file__).resolve().parent.parent  # monitor/review: templates/ and static/


def create_app(db_path: str, token: str | None = None) -> Starlette:
    """The web app over the database at `db_path`; with `token`, every request must carry it."""
    with open_store(db_path):  # a bad --db fails here, at start, and a new or older database is migrated
        pass
    routes = [
        Route("/", views.home), Route("/queue", views.queue_page), Route("/item/{item_id:int}", views.item_page),
        Route("/item/{item_id:int}/{action:str}", forms.act, methods=["POST"]),
        Route("/registry", views.registry_page), Route("/registry.{fmt:str}", views.registry_download),
        Route("/search", views.search_page),
        Route("/archive/{article_id:int}", views.archive_page), Route("/api/places", views.places_api),
        Route("/reviewer", forms.reviewer_form), Route("/reviewer", forms.reviewer_save, methods=["POST"]),
        Mount("/static", StaticFiles(directory=REVIEW / "static"), name="static"),
    ]
    handlers: dict[Any, Callable[[Request, Exception], Awaitable[Response]]] = {
        HTTPException: _error_page, MonitorError: _error_page}
    app = Starlette(routes=routes, exception_handlers=handlers,
                    middleware=[Middleware(SecurityMiddleware, token=token, secret=secrets.token_bytes(32))])
    app.state.db_path = db_path
    app.state.templates = _templates()
    return app


async def _error_page(request: Request, exc: Exception) -> Response:
    if isinstance(exc, HTTPException):
        status, message = exc.status_code, str(exc.detail)
    else:
        status, message = (404 if isinstance(exc, NotFoundError) else 400), str(exc)
    if not hasattr(request.state, "csrf"):
        return plain_page(request, status, "Error.")
    return views.page(request, "error.html", {"status": status, "message": message}, status=status)


def web_link(url: object) -> bool:
    """True for http(s) addresses: only those become links (never javascript: or data:)."""
    return isinstance(url, str) and urlsplit(url).scheme in ("http", "https")


def _templates() -> Jinja2Templates:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(REVIEW / "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["web_link"] = web_link
    return Jinja2Templates(env=env)
