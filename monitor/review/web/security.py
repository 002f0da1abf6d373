"""security: what stands between a request and the queue, in the order a request meets it.

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

Also here: the reviewer's name, kept in a cookie once given (pages read without it; decisions need it).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from typing import Any
from urllib.parse import quote, unquote, urlencode, urlsplit

from itsdangerous import BadSignature, Signer
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.templating import Jinja2Templates

from monitor.errors import MonitorError

AUTH_COOKIE = "monitor_auth"
CSRF_COOKIE = "monitor_csrf"
CSRF_FIELD = "csrf"
REVIEWER_COOKIE = "monitor_reviewer"
REVIEWER_FIELD = "reviewer"
YEAR = 365 * 24 * 3600
PAGE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; form-action 'self'; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'")
ARCHIVE_CSP = ("sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; "
               "frame-ancestors 'self'; base-uri 'none'")


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
            return plain_page(request, 403, "This server answers only on the loopback (127.0.0.1).")
        if (_same(_sent_token(request), self.token) or _same(request.query_params.get("token"), self.token)
                or _same(request.cookies.get(AUTH_COOKIE), _auth_value(self.token))):
            return None
        return plain_page(request, 401, "A token is needed: open the address with ?token=… once "
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


def plain_page(request: Request, status: int, message: str) -> HTMLResponse:
    """A bare page (templates/plain.html) for what is answered before the app's own pages can be."""
    templates: Jinja2Templates = request.app.state.templates
    body = templates.get_template("plain.html").render(title=str(status), message=message)
    return HTMLResponse(body, status_code=status)


def _headers(response: Response, *, archive: bool) -> Response:
    response.headers["Content-Security-Policy"] = ARCHIVE_CSP if archive else PAGE_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "SAMEORIGIN" if archive else "DENY"
    response.headers.setdefault("Cache-Control", "no-store")
    return response


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


# -- the reviewer ---------------------------------------------------------------------------------------


def reviewer_of(request: Request) -> str | None:
    """The reviewer's name kept in a cookie, or None when it was never given."""
    name = clean_name(unquote(request.cookies.get(REVIEWER_COOKIE, "")))
    return name or None


def clean_name(name: str) -> str:
    """A reviewer's name as kept: printable characters, trimmed, at most 60."""
    return "".join(ch for ch in name if ch.isprintable()).strip()[:60]


def keep_reviewer(response: Response, name: str) -> Response:
    """`response` setting the reviewer's cookie for a year."""
    response.set_cookie(REVIEWER_COOKIE, quote(name), max_age=YEAR, httponly=True, samesite="lax")
    return response
