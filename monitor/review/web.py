"""web: the analysts' queue in the browser, served by `monitor serve`.

A small Starlette app rendered on the server with Jinja2 (autoescape on everywhere: article text,
titles, outlets, evidence and partners are hostile input and are only ever escaped), plus a little
plain JavaScript for the keyboard (static/keys.js). Each request opens its own Store, so the
threads of the server never share a transaction.

Every page reads without a reviewer's name. A decision needs one: when the browser has none (the
reviewer cookie), the decision's POST answers with a page asking for it whose form carries every
field of the decision; posting it keeps the name in the cookie and makes the decision in one step.

Security, in the order a request meets it (SecurityMiddleware):
- Host: without a token the app answers only requests whose Host names the loopback (127.0.0.1,
  localhost, ::1), so a web page that rebinds its own DNS name to 127.0.0.1 cannot read the queue.
- Token: with a token every request needs it: an ``Authorization: Bearer …`` or ``X-Monitor-Token``
  header, or ``?token=…`` once, which sets a cookie (a keyed hash of the token) and redirects to the
  same page without it.
- CSRF: a random value per browser in a signed HttpOnly SameSite cookie; every POST form carries it
  in a hidden field and is refused with 403 unless the two agree (and unless an Origin header, when
  sent, names this server).
- Headers: a Content-Security-Policy allowing only the app's own script and style. Archived copies
  of pages are served apart with ``sandbox`` and no scripts or remote loads, and framed by a
  sandboxed iframe.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import re
import secrets
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlencode, urlsplit

import jinja2
from itsdangerous import BadSignature, Signer
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from monitor.errors import MonitorError, NotFoundError
from monitor.events.places import Gazetteer
from monitor.publish.registry import registry, render_registry
from monitor.review import actions
from monitor.store.database import Store
from monitor.store.queue import (
    REJECT_REASONS,
    STATUSES,
    QueueItem,
    decide,
    get_item,
    history,
    list_items,
    mentions,
)

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
AUTH_COOKIE = "monitor_auth"
CSRF_COOKIE = "monitor_csrf"
REVIEWER_COOKIE = "monitor_reviewer"
REVIEWER_FIELD = "reviewer"
FLASH_COOKIE = "monitor_flash"
CSRF_FIELD = "csrf"
YEAR = 365 * 24 * 3600
PAGE_SIZE = 100
SORTS = ("confidence", "date")
DOWNLOADS = {"csv": "text/csv; charset=utf-8", "json": "application/json",
             "geojson": "application/geo+json"}
DONE_WORDS = {"confirm": "confirmed", "reject": "rejected"}
PAGE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; form-action 'self'; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'")
ARCHIVE_CSP = ("sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; "
               "frame-ancestors 'self'; base-uri 'none'")
_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
_MARKS = re.compile(r"⟦(?P<center>[^⟧]*)⟧|⟨(?P<trigger>[^⟩]*)⟩")


# -- binding and tokens -------------------------------------------------------------------------------


def is_loopback(host: str) -> bool:
    """True for localhost, 127.0.0.0/8 and ::1 (brackets allowed)."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def check_serve(host: str, token: str | None) -> None:
    """Refuse to serve off the loopback without a token; raises MonitorError naming the fix."""
    if token is not None and not token.strip():
        raise MonitorError("--token / MONITOR_TOKEN is empty; give a long random secret or leave it unset")
    if not is_loopback(host) and not token:
        raise MonitorError(f"--host {host} is not the loopback: anyone who can reach it could change the queue; "
                           "pass --token SECRET (or set MONITOR_TOKEN), or bind --host 127.0.0.1")


def _host_name(request: Request) -> str:
    host = request.headers.get("host", "")
    if host.startswith("["):
        return host[1:host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _auth_value(token: str) -> str:
    return hmac.new(token.encode("utf-8"), b"monitor-auth-cookie", hashlib.sha256).hexdigest()


def _sent_token(request: Request) -> str | None:
    bearer = request.headers.get("authorization", "")
    if bearer.lower().startswith("bearer "):
        return bearer[7:].strip()
    return request.headers.get("x-monitor-token")


def _same(a: str | None, b: str) -> bool:
    return a is not None and hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def _without_token(request: Request) -> str:
    query = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "token"])
    return request.url.path + (f"?{query}" if query else "")


# -- the middleware -----------------------------------------------------------------------------------


class SecurityMiddleware(BaseHTTPMiddleware):
    """Host check, token, CSRF cookie and security headers for every request (see the module doc)."""

    def __init__(self, app: Any, token: str | None, secret: bytes) -> None:
        super().__init__(app)
        self.token = token
        self.signer = Signer(secret, salt="monitor-csrf")

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        refused = self._refusal(request)
        if refused is not None:
            return _headers(refused, archive=False)
        if self.token and _same(request.query_params.get("token"), self.token) and request.method == "GET":
            response: Response = RedirectResponse(_without_token(request), status_code=303)
        else:
            response = await self._with_csrf(request, call_next)
        if self.token and request.cookies.get(AUTH_COOKIE) != _auth_value(self.token):
            response.set_cookie(AUTH_COOKIE, _auth_value(self.token), httponly=True, samesite="lax")
        return _headers(response, archive=request.url.path.startswith("/archive/"))

    def _refusal(self, request: Request) -> Response | None:
        if self.token is None:
            if is_loopback(_host_name(request)):
                return None
            return _plain_page(403, "This server answers only on the loopback (127.0.0.1).")
        if (_same(_sent_token(request), self.token) or _same(request.query_params.get("token"), self.token)
                or _same(request.cookies.get(AUTH_COOKIE), _auth_value(self.token))):
            return None
        return _plain_page(401, "A token is needed: open the address with ?token=… once "
                                "(or send the header Authorization: Bearer …).")

    async def _with_csrf(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        raw = self._csrf_from_cookie(request.cookies.get(CSRF_COOKIE))
        fresh = raw is None
        request.state.csrf = raw or secrets.token_urlsafe(24)
        response = await call_next(request)
        if fresh:
            response.set_cookie(CSRF_COOKIE, self.signer.sign(request.state.csrf).decode("ascii"),
                                httponly=True, samesite="strict")
        return response

    def _csrf_from_cookie(self, value: str | None) -> str | None:
        if not value:
            return None
        try:
            return self.signer.unsign(value).decode("ascii")
        except (BadSignature, UnicodeDecodeError):
            return None


def _plain_page(status: int, message: str) -> HTMLResponse:
    return HTMLResponse(f"<!doctype html><meta charset=utf-8><title>{status}</title><p>{message}</p>",
                        status_code=status)


def _headers(response: Response, *, archive: bool) -> Response:
    response.headers["Content-Security-Policy"] = ARCHIVE_CSP if archive else PAGE_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "SAMEORIGIN" if archive else "DENY"
    response.headers.setdefault("Cache-Control", "no-store")
    return response


# -- the queue's filter -------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueFilter:
    """What the queue page shows: status ("" for all), province, level, a date range, the order."""

    status: str = "new"
    province: str = ""
    level: str = ""
    date_from: str = ""
    date_to: str = ""
    sort: str = "confidence"

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> QueueFilter:
        """The filter of a query string; values that make no sense are dropped, never an error."""
        def date(key: str) -> str:
            value = query.get(key, "").strip()
            return value if _DATE.fullmatch(value) else ""

        return cls(status=query.get("status", "new").strip()[:20], province=query.get("province", "").strip()[:40],
                   level=query.get("level", "") if query.get("level", "") in actions.LEVELS else "",
                   date_from=date("from"), date_to=date("to"),
                   sort=query.get("sort", "") if query.get("sort", "") in SORTS else "confidence")

    def pairs(self) -> list[tuple[str, str]]:
        """The query parameters giving back this filter (none for the default one)."""
        pairs = {"status": self.status, "province": self.province, "level": self.level,
                 "from": self.date_from, "to": self.date_to, "sort": self.sort}
        defaults = {"status": "new", "sort": "confidence"}
        return [(k, v) for k, v in pairs.items() if v != defaults.get(k, "")]

    def query(self) -> str:
        """The query string giving back this filter ("" for the default one)."""
        return urlencode(self.pairs())

    def apply(self, items: Sequence[QueueItem]) -> list[QueueItem]:
        """The items this filter keeps, in its order."""
        kept = [i for i in items if self._keeps(i)]
        if self.sort == "date":
            return sorted(kept, key=lambda i: (i.date is not None, i.date or "", i.confidence), reverse=True)
        return sorted(kept, key=lambda i: (-i.confidence, i.id))

    def _keeps(self, item: QueueItem) -> bool:
        if (self.status and item.status != self.status) or (self.province and item.province != self.province):
            return False
        if self.level and item.level != self.level:
            return False
        if not (self.date_from or self.date_to):
            return True
        if item.date is None:
            return False
        low, high = _date_bounds(item.date)
        return (not self.date_from or high >= _date_bounds(self.date_from)[0]) and (
            not self.date_to or low <= _date_bounds(self.date_to)[1])


def _date_bounds(date: str) -> tuple[str, str]:
    """"2025-03" covers 2025-03-00 … 2025-03-99 (string bounds that compare right)."""
    return (date + "-00-00")[:10], (date + "-99-99")[:10]


def neighbours(ids: Sequence[int], item_id: int) -> tuple[int | None, int | None]:
    """The ids before and after `item_id` in `ids` (the first one as next if it is not there)."""
    if item_id not in ids:
        return None, (ids[0] if ids else None)
    at = ids.index(item_id)
    return (ids[at - 1] if at > 0 else None), (ids[at + 1] if at + 1 < len(ids) else None)


# -- evidence ---------------------------------------------------------------------------------------------


def evidence_segments(evidence: str, partners: Sequence[str] = ()) -> list[tuple[str, str]]:
    """The evidence as (kind, text) pieces: "center" (⟦…⟧), "trigger" (⟨…⟩), "partner" or "text".

    The template escapes each piece and wraps the marked ones in <mark>; nothing here is HTML."""
    pieces: list[tuple[str, str]] = []
    at = 0
    for match in _MARKS.finditer(evidence):
        pieces.extend(_partner_pieces(evidence[at:match.start()], partners))
        kind = match.lastgroup or "text"
        pieces.append((kind, match.group(kind)))
        at = match.end()
    pieces.extend(_partner_pieces(evidence[at:], partners))
    return [piece for piece in pieces if piece[1]]


def _partner_pieces(text: str, partners: Sequence[str], kind: str = "partner") -> list[tuple[str, str]]:
    names = sorted({p for p in partners if p.strip()}, key=len, reverse=True)
    if not names or not text:
        return [("text", text)]
    pieces: list[tuple[str, str]] = []
    at = 0
    for match in re.finditer("|".join(map(re.escape, names)), text):
        pieces += [("text", text[at:match.start()]), (kind, match.group())]
        at = match.end()
    return [*pieces, ("text", text[at:])]


def hit_segments(snippet: str, query: str) -> list[tuple[str, str]]:
    """A search snippet as (kind, text) pieces, the words of the query as "hit"."""
    return [piece for piece in _partner_pieces(snippet, query.split(), "hit") if piece[1]]


# -- forms, reviewer, store -------------------------------------------------------------------------------


@contextmanager
def _opened(request: Request) -> Iterator[Store]:
    store = Store.open(request.app.state.db_path)
    try:
        yield store
    finally:
        store.close()


def reviewer_of(request: Request) -> str | None:
    """The reviewer's name kept in a cookie, or None when it was never given."""
    name = _clean_name(unquote(request.cookies.get(REVIEWER_COOKIE, "")))
    return name or None


def _clean_name(name: str) -> str:
    return "".join(ch for ch in name if ch.isprintable()).strip()[:60]


async def checked_form(request: Request) -> FormData:
    """The POSTed form once its CSRF field matches the cookie; 403 otherwise."""
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    if not isinstance(sent, str) or not _same(sent, request.state.csrf):
        raise HTTPException(403, "The form was stale or did not come from this page: reload it and try again.")
    origin = request.headers.get("origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.headers.get("host"):
        raise HTTPException(403, "The form came from another site.")
    return form


def _text(form: FormData, key: str) -> str:
    value = form.get(key)
    return value.strip() if isinstance(value, str) else ""


def _number(form: FormData, key: str) -> int:
    value = _text(form, key).lstrip("#")
    if not value.isdigit():
        raise MonitorError(f"{key}: give an item or article number (got {value!r})")
    return int(value)


def _local_path(target: str) -> str:
    """`target` if it is a path on this site, else "/" (no open redirects)."""
    ok = target.startswith("/") and not target.startswith("//") and "\\" not in target
    return target if ok else "/"


# -- pages --------------------------------------------------------------------------------------------------


def _page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    """A page with what every template uses: CSRF value, reviewer, the filter's query, the flash notice."""
    templates: Jinja2Templates = request.app.state.templates
    filt = context.get("filter")
    query = filt.query() if isinstance(filt, QueueFilter) else ""
    flash = _flash(request)
    base = {"csrf": request.state.csrf, "reviewer": reviewer_of(request), "reasons": REJECT_REASONS,
            "levels": actions.LEVELS, "search": "", "q": f"?{query}" if query else "",
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
        with _opened(request) as store:
            return {"item": get_item(store, done), "did": did}
    except NotFoundError:
        return None


def home(request: Request) -> Response:
    return RedirectResponse("/queue", status_code=303)


def queue_page(request: Request) -> Response:
    """The queue, filtered and sorted, PAGE_SIZE rows a page."""
    filt = QueueFilter.from_query(request.query_params)
    number = request.query_params.get("page", "1")
    page = max(1, int(number)) if number.isdigit() else 1
    with _opened(request) as store:
        every = _listed(store, filt)
    shown = filt.apply(every)
    return _page(request, "queue.html", {
        "filter": filt, "items": shown[(page - 1) * PAGE_SIZE:page * PAGE_SIZE], "total": len(shown),
        "page": page, "pages": max(1, -(-len(shown) // PAGE_SIZE)),
        "statuses": STATUSES,
        "provinces": sorted({i.province for i in every if i.province}),
    })


def _listed(store: Store, filt: QueueFilter) -> list[QueueItem]:
    """Every item the filter may keep (merged ones only when it asks for them)."""
    return list_items(store, "merged") if filt.status == "merged" else list_items(store)


def item_page(request: Request) -> Response:
    """One item: evidence, mentions with archived copies, the edit form, actions and history."""
    item_id = int(request.path_params["item_id"])
    filt = QueueFilter.from_query(request.query_params)
    with _opened(request) as store:
        context = _item_context(store, item_id, filt)
    return _page(request, "item.html", context)


def _item_context(store: Store, item_id: int, filt: QueueFilter) -> dict[str, Any]:
    item = get_item(store, item_id)
    every = _listed(store, filt)
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
    with _opened(request) as store:
        entries = registry(store)
    return _page(request, "registry.html", {"entries": entries, "formats": DOWNLOADS})


def registry_download(request: Request) -> Response:
    """The registry as a file: /registry.csv, /registry.json or /registry.geojson."""
    fmt = str(request.path_params["fmt"])
    if fmt not in DOWNLOADS:
        raise HTTPException(404, f"No registry format {fmt!r}; choose one of {', '.join(DOWNLOADS)}.")
    with _opened(request) as store:
        body = render_registry(registry(store), fmt)
    return Response(body, media_type=DOWNLOADS[fmt],
                    headers={"Content-Disposition": f'attachment; filename="registry.{fmt}"'})


def search_page(request: Request) -> Response:
    """Articles whose text holds the query, with the items they are attached to."""
    query = request.query_params.get("q", "").strip()[:200]
    results: list[Any] = []
    if query:
        with _opened(request) as store:
            results = list(actions.search(store, query))
    segments = {r.article_id: hit_segments(r.snippet, query) for r in results}
    return _page(request, "search.html", {"search": query, "results": results, "segments": segments})


def archive_page(request: Request) -> Response:
    """The stored page of an article, rendered inert (served with a sandboxing CSP)."""
    article_id = int(request.path_params["article_id"])
    with _opened(request) as store:
        body = actions.archived_html(store, article_id)
    if body is None:
        body = "<!doctype html><meta charset=utf-8><p>No stored copy of this page.</p>"
    return HTMLResponse(body)


def places_api(request: Request) -> Response:
    """Place suggestions for the edit form (JSON): full name, province, level, code."""
    prefix = request.query_params.get("q", "").strip()[:20]
    province = request.query_params.get("province", "").strip() or None
    found = actions.place_suggestions(prefix, province) if prefix else []
    return JSONResponse([p.to_dict() for p in found])


def reviewer_form(request: Request) -> Response:
    target = _local_path(request.query_params.get("next", "/queue"))
    return _page(request, "reviewer.html", {"next": target})


async def reviewer_save(request: Request) -> Response:
    """Keep the reviewer's name in a cookie for a year."""
    form = await checked_form(request)
    name = _clean_name(_text(form, "name"))
    if not name:
        return _page(request, "reviewer.html", {"next": _local_path(_text(form, "next")),
                                                "error": "Give your name."}, status=400)
    return _keep_reviewer(RedirectResponse(_local_path(_text(form, "next") or "/queue"), status_code=303), name)


def _keep_reviewer(response: Response, name: str) -> Response:
    response.set_cookie(REVIEWER_COOKIE, quote(name), max_age=YEAR, httponly=True, samesite="lax")
    return response


# -- actions ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """Where the browser goes after an action: an item (or the queue when None) and what to say."""

    show: int | None
    notice: str = ""
    done: int | None = None
    did: str = ""


Action = Callable[[Store, int, str, FormData], Outcome]


def _confirm(store: Store, item_id: int, reviewer: str, form: FormData) -> Outcome:
    decide(store, item_id, "confirm", reviewer, note=_text(form, "note") or None)
    return Outcome(None, done=item_id, did="confirmed")


def _reject(store: Store, item_id: int, reviewer: str, form: FormData) -> Outcome:
    decide(store, item_id, "reject", reviewer, reason=_text(form, "reason"), note=_text(form, "note") or None)
    return Outcome(None, done=item_id, did="rejected")


def _edit(store: Store, item_id: int, reviewer: str, form: FormData) -> Outcome:
    changes = edit_changes(get_item(store, item_id), form)
    if not changes:
        return Outcome(item_id, "Nothing changed.")
    actions.edit(store, item_id, reviewer, changes, reason=_text(form, "note") or None)
    return Outcome(item_id, "Saved: " + ", ".join(changes))


def _merge(store: Store, item_id: int, reviewer: str, form: FormData) -> Outcome:
    other = _number(form, "other")
    actions.merge(store, item_id, other, reviewer, reason=_text(form, "note") or None)
    return Outcome(item_id, f"Item {other} merged into this one.")


def _split(store: Store, item_id: int, reviewer: str, form: FormData) -> Outcome:
    created = actions.split(store, item_id, _number(form, "article"), reviewer, reason=_text(form, "note") or None)
    return Outcome(created.id, f"Split off from item {item_id}.")


def _undo(store: Store, item_id: int, reviewer: str, form: FormData) -> Outcome:
    actions.undo(store, item_id, reviewer)
    return Outcome(item_id, "Last decision undone.")


ACTIONS: dict[str, Action] = {"confirm": _confirm, "reject": _reject, "edit": _edit, "merge": _merge,
                              "split": _split, "undo": _undo}
ACTION_WORDS = {"confirm": "confirm", "reject": "reject", "edit": "save your changes to",
                "merge": "merge another item into", "split": "split a source off", "undo": "undo the last decision on"}


def edit_changes(item: QueueItem, form: FormData) -> dict[str, Any]:
    """The fields of the edit form whose text differs from the item (partners compared as a list).

    actions.edit validates them, and fills a new place's province, level and code from the
    gazetteer unless those were changed by hand too."""
    current = item.to_dict()
    changes: dict[str, Any] = {}
    for key in (k for k in actions.EDITABLE_FIELDS if k in form):
        sent = _text(form, key)
        if key == "partners":
            if actions.validate_changes({"partners": sent}, item):
                changes[key] = sent
        elif (sent or None) != current[key]:
            changes[key] = sent
    return changes


async def act(request: Request) -> Response:
    """POST /item/{id}/{action}: run one action, then go to the item to show next."""
    name = str(request.path_params["action"])
    if name not in ACTIONS:
        raise HTTPException(404, f"No action {name!r}.")
    form = await checked_form(request)
    item_id = int(request.path_params["item_id"])
    known = reviewer_of(request)
    reviewer = known or _clean_name(_text(form, REVIEWER_FIELD))
    if not reviewer:
        return await run_in_threadpool(_ask_reviewer, request, name, item_id, form)
    filt = QueueFilter.from_query(request.query_params)
    outcome, after = await run_in_threadpool(_run_action, request, ACTIONS[name], item_id, reviewer, form, filt)
    log.info("web: %s on item %d by %s", name, item_id, reviewer)
    response = RedirectResponse(_outcome_url(outcome, after, filt), status_code=303)
    flash = {"notice": outcome.notice, "done": outcome.done, "did": outcome.did}
    response.set_cookie(FLASH_COOKIE, quote(json.dumps(flash, ensure_ascii=False)), max_age=300, httponly=True,
                        samesite="strict")
    return response if known else _keep_reviewer(response, reviewer)


def _ask_reviewer(request: Request, action: str, item_id: int, form: FormData) -> Response:
    """The first decision of a browser without a name: a page asking it, whose form posts the decision
    again with every field it had (the CSRF value is the page's own), so that nothing is lost."""
    with _opened(request) as store:
        item = get_item(store, item_id)
    carried = [(key, value) for key, value in form.multi_items()
               if key not in (CSRF_FIELD, REVIEWER_FIELD) and isinstance(value, str)]
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    given = REVIEWER_FIELD in form
    return _page(request, "ask_reviewer.html", {
        "item": item, "action": ACTION_WORDS[action], "target": target, "carried": carried,
        "field": REVIEWER_FIELD, "error": "Give your name." if given else ""}, status=400 if given else 200)


def _run_action(request: Request, action: Action, item_id: int, reviewer: str, form: FormData,
                filt: QueueFilter) -> tuple[Outcome, int | None]:
    with _opened(request) as store:
        ids = [i.id for i in filt.apply(_listed(store, filt))]
        outcome = action(store, item_id, reviewer, form)
        remaining = {i.id for i in filt.apply(_listed(store, filt))}
    _, after = neighbours(ids, item_id)
    candidates = ([after] if after is not None else []) + [i for i in ids if i in remaining]
    return outcome, next((i for i in candidates if i in remaining), None)


def _outcome_url(outcome: Outcome, after: int | None, filt: QueueFilter) -> str:
    """The item to show next (or the queue), keeping the queue's filter."""
    target = outcome.show if outcome.show is not None else after
    path = f"/item/{target}" if target is not None else "/queue"
    return path + (f"?{filt.query()}" if filt.query() else "")


# -- errors and the app ----------------------------------------------------------------------------------------


async def _error_page(request: Request, exc: Exception) -> Response:
    if isinstance(exc, HTTPException):
        status, message = exc.status_code, str(exc.detail)
    else:
        status, message = (404 if isinstance(exc, NotFoundError) else 400), str(exc)
    if not hasattr(request.state, "csrf"):
        return _plain_page(status, "Error.")
    return _page(request, "error.html", {"status": status, "message": message}, status=status)


def web_link(url: object) -> bool:
    """True for http(s) addresses: only those become links (never javascript: or data:)."""
    return isinstance(url, str) and urlsplit(url).scheme in ("http", "https")


def _templates() -> Jinja2Templates:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["web_link"] = web_link
    return Jinja2Templates(env=env)


def create_app(db_path: str, token: str | None = None) -> Starlette:
    """The web app over the database at `db_path`; with `token`, every request must carry it."""
    Store.open(db_path).close()
    routes = [
        Route("/", home), Route("/queue", queue_page), Route("/item/{item_id:int}", item_page),
        Route("/item/{item_id:int}/{action:str}", act, methods=["POST"]),
        Route("/registry", registry_page), Route("/registry.{fmt:str}", registry_download),
        Route("/search", search_page),
        Route("/archive/{article_id:int}", archive_page), Route("/api/places", places_api),
        Route("/reviewer", reviewer_form), Route("/reviewer", reviewer_save, methods=["POST"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    handlers: dict[Any, Callable[[Request, Exception], Awaitable[Response]]] = {
        HTTPException: _error_page, MonitorError: _error_page}
    app = Starlette(routes=routes, exception_handlers=handlers,
                    middleware=[Middleware(SecurityMiddleware, token=token, secret=secrets.token_bytes(32))])
    app.state.db_path = db_path
    app.state.templates = _templates()
    return app


__all__ = ["QueueFilter", "check_serve", "create_app", "evidence_segments", "is_loopback"]
