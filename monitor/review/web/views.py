"""views: the pages (GET) — queue, item, registry and its downloads, search, archived copies, place
suggestions — and what every page shares: a Store per request, the base context, the flash notice.

Each request opens its own Store, so the threads of the server never share a transaction. Pages are
rendered from ../templates with autoescape on: nothing here builds HTML.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import unquote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.templating import Jinja2Templates

from monitor.errors import NotFoundError
from monitor.events.evidence import pieces
from monitor.events.places import Gazetteer
from monitor.models import ITEM_STATUSES, PLACE_LEVELS, REJECT_REASONS
from monitor.publish.registry import registry, render_registry
from monitor.review import actions
from monitor.review.web.filters import QueueFilter, listed, neighbours
from monitor.review.web.security import reviewer_of
from monitor.store.database import Store, open_store
from monitor.store.queue import QueueItem, get_item, history, mentions

FLASH_COOKIE = "monitor_flash"
PAGE_SIZE = 100
DOWNLOADS = {"csv": "text/csv; charset=utf-8", "json": "application/json",
             "geojson": "application/geo+json"}
DONE_WORDS = {"confirm": "confirmed", "reject": "rejected"}


# -- what every page shares -----------------------------------------------------------------------


@contextmanager
def opened(request: Request) -> Iterator[Store]:
    """The app's database, open for this request only."""
    with open_store(request.app.state.db_path) as store:
        yield store


def page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    """A page with what every template uses: CSRF value, reviewer, the filter's query, the flash notice."""
    templates: Jinja2Templates = request.app.state.templates
    filt = context.get("filter")
    query = filt.query() if isinstance(filt, QueueFilter) else ""
    flash = _flash(request)
    base = {"csrf": request.state.csrf, "reviewer": reviewer_of(request), "reasons": REJECT_REASONS,
            "levels": PLACE_LEVELS, "search": "", "q": f"?{query}" if query else "",
            "notice": str(flash.get("notice") or "")[:300], "done": _done_item(request, flash)}
    response = templates.TemplateResponse(request, name, {**base, **context}, status_code=status)
    if FLASH_COOKIE in request.cookies:
        response.delete_cookie(FLASH_COOKIE)
    return response


def _flash(request: Request) -> dict[str, Any]:
    """What the last action left to say (a short-lived cookie, so that a link cannot forge it)."""
    try:
        data = json.loads(unquote(request.cookies.get(FLASH_COOKIE, "") or "{}"))
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _done_item(request: Request, flash: Mapping[str, Any]) -> dict[str, Any] | None:
    """The item just confirmed or rejected (for the notice with its undo button)."""
    done, did = flash.get("done"), flash.get("did")
    if not isinstance(done, int) or did not in DONE_WORDS.values():
        return None
    try:
        with opened(request) as store:
            return {"item": get_item(store, done), "did": did}
    except NotFoundError:
        return None


# -- evidence and search hits as pieces for the templates -------------------------------------------


def evidence_segments(evidence: str, partners: Sequence[str] = ()) -> list[tuple[str, str]]:
    """The evidence as (kind, text) pieces: "center" (⟦…⟧), "trigger" (⟨…⟩), "partner" or "text".

    The template escapes each piece and wraps the marked ones in <mark>; nothing here is HTML."""
    segments: list[tuple[str, str]] = []
    for kind, text in pieces(evidence):
        segments += _partner_pieces(text, partners) if kind == "text" else [(kind, text)]
    return [segment for segment in segments if segment[1]]


def _partner_pieces(text: str, partners: Sequence[str], kind: str = "partner") -> list[tuple[str, str]]:
    names = sorted({p for p in partners if p.strip()}, key=len, reverse=True)
    if not names or not text:
        return [("text", text)]
    found: list[tuple[str, str]] = []
    at = 0
    for match in re.finditer("|".join(map(re.escape, names)), text):
        found += [("text", text[at:match.start()]), (kind, match.group())]
        at = match.end()
    return [*found, ("text", text[at:])]


def hit_segments(snippet: str, query: str) -> list[tuple[str, str]]:
    """A search snippet as (kind, text) pieces, the words of the query as "hit"."""
    return [segment for segment in _partner_pieces(snippet, query.split(), "hit") if segment[1]]


# -- the pages ----------------------------------------------------------------------------------------


def home(request: Request) -> Response:
    return RedirectResponse("/queue", status_code=303)


def queue_page(request: Request) -> Response:
    """The queue, filtered and sorted, PAGE_SIZE rows a page."""
    filt = QueueFilter.from_query(request.query_params)
    number = request.query_params.get("page", "1")
    at = max(1, int(number)) if number.isdigit() else 1
    with opened(request) as store:
        every = listed(store, filt)
    shown = filt.apply(every)
    return page(request, "queue.html", {
        "filter": filt, "items": shown[(at - 1) * PAGE_SIZE:at * PAGE_SIZE], "total": len(shown),
        "page": at, "pages": max(1, -(-len(shown) // PAGE_SIZE)),
        "statuses": ITEM_STATUSES,
        "provinces": sorted({i.province for i in every if i.province}),
    })


def item_page(request: Request) -> Response:
    """One item: evidence, mentions with archived copies, the edit form, actions and history."""
    item_id = int(request.path_params["item_id"])
    filt = QueueFilter.from_query(request.query_params)
    with opened(request) as store:
        context = _item_context(store, item_id, filt)
    return page(request, "item.html", context)


def _item_context(store: Store, item_id: int, filt: QueueFilter) -> dict[str, Any]:
    item = get_item(store, item_id)
    every = listed(store, filt)
    before, after = neighbours([i.id for i in filt.apply(every)], item_id)
    found = mentions(store, item_id)
    gazetteer = Gazetteer.default()
    return {
        "item": item, "filter": filt, "prev": before, "next": after, "mentions": found,
        "segments": {m.article_id: evidence_segments(m.evidence, item.partners) for m in found},
        "history": list(reversed(history(store, item_id))),
        "places": _place_suggestions(gazetteer, item, [m.evidence for m in found]),
        "provinces": [p.name for p in gazetteer.places("province")],
        "others": [i for i in every if i.id != item_id and i.status == "new"
                   and (i.province == item.province or i.center == item.center)][:30],
    }


def _place_suggestions(gazetteer: Gazetteer, item: QueueItem, texts: Sequence[str]) -> list[Any]:
    """Places for the datalist: those named in the evidence, then those called like the item's place."""
    seen: dict[tuple[str, str], Any] = {}
    found = [m.place for text in texts for m in gazetteer.mentions(text)]
    for place in [*found, *gazetteer.candidates(item.place or "")]:
        seen.setdefault((place.name, place.province), place)
    return list(seen.values())[:40]


def registry_page(request: Request) -> Response:
    """Confirmed items: the registry of centers, with their first and all sources."""
    with opened(request) as store:
        entries = registry(store)
    return page(request, "registry.html", {"entries": entries, "formats": DOWNLOADS})


def registry_download(request: Request) -> Response:
    """The registry as a file: /registry.csv, /registry.json or /registry.geojson."""
    fmt = str(request.path_params["fmt"])
    if fmt not in DOWNLOADS:
        raise HTTPException(404, f"No registry format {fmt!r}; choose one of {', '.join(DOWNLOADS)}.")
    with opened(request) as store:
        body = render_registry(registry(store), fmt)
    return Response(body, media_type=DOWNLOADS[fmt],
                    headers={"Content-Disposition": f'attachment; filename="registry.{fmt}"'})


def search_page(request: Request) -> Response:
    """Articles whose text holds the query, with the items they are attached to."""
    query = request.query_params.get("q", "").strip()[:200]
    results: list[Any] = []
    if query:
        with opened(request) as store:
            results = list(actions.search(store, query))
    segments = {r.article_id: hit_segments(r.snippet, query) for r in results}
    return page(request, "search.html", {"search": query, "results": results, "segments": segments})


def archive_page(request: Request) -> Response:
    """The stored page of an article, rendered inert (served with a sandboxing CSP)."""
    article_id = int(request.path_params["article_id"])
    with opened(request) as store:
        body = actions.archived_html(store, article_id)
    if body is None:
        templates: Jinja2Templates = request.app.state.templates
        body = templates.get_template("plain.html").render(title="", message="No stored copy of this page.")
    return HTMLResponse(body)


def places_api(request: Request) -> Response:
    """Place suggestions for the edit form (JSON): full name, province, level, code."""
    prefix = request.query_params.get("q", "").strip()[:20]
    province = request.query_params.get("province", "").strip() or None
    found = actions.place_suggestions(prefix, province) if prefix else []
    return JSONResponse([p.to_dict() for p in found])
