"""web: the analysts' queue in the browser, served by `monitor serve`.

A small Starlette app rendered on the server with Jinja2 (autoescape on everywhere: article text,
titles, outlets, evidence and partners are hostile input and are only ever escaped), plus a little
plain JavaScript for the keyboard (static/keys.js). Templates and static files live beside this
package, in monitor/review/templates and monitor/review/static.

By concern:
- app: the app factory, its routes, middleware, error pages and templates;
- security: loopback binding, token, CSRF, security headers, the reviewer's cookie;
- filters: the queue's filter and order, read from the query string;
- views: the pages (queue, item, registry, search, archived copies, place suggestions);
- forms: the POSTed forms (decisions on an item, the reviewer's name).
"""

from monitor.review.web.app import create_app
from monitor.review.web.security import REVIEWER_COOKIE, check_serve

__all__ = ["REVIEWER_COOKIE", "check_serve", "create_app"]
