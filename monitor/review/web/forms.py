"""forms: what the POSTed forms do — the decisions on an item (confirm, reject, edit, merge, split, undo)
and the reviewer's name.

Every page reads without a reviewer's name. A decision needs one: when the browser has none (the
reviewer cookie), the decision's POST answers with a page asking for it whose form carries every
field of the decision; posting it keeps the name in the cookie and makes the decision in one step.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from monitor.errors import MonitorError
from monitor.review import actions
from monitor.review.web.filters import QueueFilter, listed, neighbours
from monitor.review.web.security import (
    CSRF_FIELD,
    REVIEWER_FIELD,
    checked_form,
    clean_name,
    keep_reviewer,
    reviewer_of,
)
from monitor.review.web.views import FLASH_COOKIE, opened, page
from monitor.store.database import Store
from monitor.store.queue import QueueItem, decide, get_item

log = logging.getLogger(__name__)


# -- reading a form ---------------------------------------------------------------------------------------


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


# -- the reviewer's name ------------------------------------------------------------------------------------


def reviewer_form(request: Request) -> Response:
    target = _local_path(request.query_params.get("next", "/queue"))
    return page(request, "reviewer.html", {"next": target})


async def reviewer_save(request: Request) -> Response:
    """Keep the reviewer's name in a cookie for a year."""
    form = await checked_form(request)
    name = clean_name(_text(form, "name"))
    if not name:
        return page(request, "reviewer.html", {"next": _local_path(_text(form, "next")),
                                               "error": "Give your name."}, status=400)
    return keep_reviewer(RedirectResponse(_local_path(_text(form, "next") or "/queue"), status_code=303), name)


# -- decisions ---------------------------------------------------------------------------------------------------


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
    reviewer = known or clean_name(_text(form, REVIEWER_FIELD))
    if not reviewer:
        return await run_in_threadpool(_ask_reviewer, request, name, item_id, form)
    filt = QueueFilter.from_query(request.query_params)
    outcome, after = await run_in_threadpool(_run_action, request, ACTIONS[name], item_id, reviewer, form, filt)
    log.info("web: %s on item %d by %s", name, item_id, reviewer)
    response = RedirectResponse(_outcome_url(outcome, after, filt), status_code=303)
    flash = {"notice": outcome.notice, "done": outcome.done, "did": outcome.did}
    response.set_cookie(FLASH_COOKIE, quote(json.dumps(flash, ensure_ascii=False)), max_age=300, httponly=True,
                        samesite="strict")
    return response if known else keep_reviewer(response, reviewer)


def _ask_reviewer(request: Request, action: str, item_id: int, form: FormData) -> Response:
    """The first decision of a browser without a name: a page asking it, whose form posts the decision
    again with every field it had (the CSRF value is the page's own), so that nothing is lost."""
    with opened(request) as store:
        item = get_item(store, item_id)
    carried = [(key, value) for key, value in form.multi_items()
               if key not in (CSRF_FIELD, REVIEWER_FIELD) and isinstance(value, str)]
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    given = REVIEWER_FIELD in form
    return page(request, "ask_reviewer.html", {
        "item": item, "action": ACTION_WORDS[action], "target": target, "carried": carried,
        "field": REVIEWER_FIELD, "error": "Give your name." if given else ""}, status=400 if given else 200)


def _run_action(request: Request, action: Action, item_id: int, reviewer: str, form: FormData,
                filt: QueueFilter) -> tuple[Outcome, int | None]:
    with opened(request) as store:
        ids = [i.id for i in filt.apply(listed(store, filt))]
        outcome = action(store, item_id, reviewer, form)
        remaining = {i.id for i in filt.apply(listed(store, filt))}
    _, after = neighbours(ids, item_id)
    candidates = ([after] if after is not None else []) + [i for i in ids if i in remaining]
    return outcome, next((i for i in candidates if i in remaining), None)


def _outcome_url(outcome: Outcome, after: int | None, filt: QueueFilter) -> str:
    """The item to show next (or the queue), keeping the queue's filter."""
    target = outcome.show if outcome.show is not None else after
    path = f"/item/{target}" if target is not None else "/queue"
    return path + (f"?{filt.query()}" if filt.query() else "")
