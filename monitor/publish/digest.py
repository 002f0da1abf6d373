"""digest: what is new since the last digest — new items, newly confirmed centers, outlet health changes —
delivered to channels: printed, an Atom feed file, a webhook (JSON with a `text` field), an email.

Each channel has its own cursor in the store (`digest_sent`, `digest_channels`, schema v3): a digest
holds what that channel has not yet received, and is marked as received only after the delivery
succeeded. So a digest never repeats an item on a channel, and a failed delivery loses nothing: the
same items (and any newer ones) go out with the next digest.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import os
import re
import smtplib
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Protocol

import httpx

from monitor.errors import MonitorError
from monitor.publish.health import OutletHealth, flag_changes, snapshot
from monitor.store.database import Store, now

log = logging.getLogger(__name__)

ATOM_NS = "http://www.w3.org/2005/Atom"
TAG_PREFIX = "tag:icc-monitor,2025:"
ATOM_KEEP = 200
_LIVE = ("new", "confirmed")
_MARKS = re.compile(r"⟦(?P<center>[^⟧]*)⟧|⟨(?P<trigger>[^⟩]*)⟩")


class DeliveryError(MonitorError):
    """A channel could not take the digest; its items stay pending and go out with the next digest."""


@dataclass(frozen=True)
class DigestItem:
    """A queue item as a digest shows it, with its best-evidenced article."""

    id: int
    center_key: str
    status: str
    type: str
    center: str
    place: str | None
    province: str | None
    level: str | None
    date: str | None
    partners: list[str]
    confidence: float
    mentions: int
    first_seen: str
    url: str | None
    outlet: str | None
    title: str | None
    evidence: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Digest:
    """What one channel has not received yet, and the health snapshot to remember once it has."""

    channel: str
    generated: str
    new_items: tuple[DigestItem, ...]
    confirmed: tuple[DigestItem, ...]
    health_changes: tuple[dict[str, Any], ...]
    health: dict[str, list[str]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.new_items or self.confirmed or self.health_changes)

    def to_json(self) -> dict[str, Any]:
        """The webhook payload: `text` (Markdown, for Slack-style receivers) and the records themselves."""
        return {"text": to_markdown(self), "generated": self.generated,
                "new_items": [i.to_dict() for i in self.new_items],
                "confirmed": [i.to_dict() for i in self.confirmed],
                "health_changes": list(self.health_changes)}


class Channel(Protocol):
    """Where a digest goes. `send` raises DeliveryError when the digest did not get there."""

    name: str

    def send(self, store: Store, digest: Digest) -> None: ...

    def wants_empty(self) -> bool:
        """Whether an empty digest is sent all the same (an Atom file that does not exist yet)."""
        ...


# -- what is new -----------------------------------------------------------------------------------

_ITEM_COLUMNS = """
i.id, i.center_key, i.status, i.type, i.center, i.place, i.province, i.level, i.date, i.partners,
COALESCE(i.confidence, 0), (SELECT count(*) FROM events e WHERE e.item_id = i.id), i.created_at,
a.url, a.outlet, a.title, e.evidence
"""
_ITEM_FROM = """
FROM items i
LEFT JOIN events e ON e.id = (SELECT e2.id FROM events e2 WHERE e2.item_id = i.id
                              ORDER BY e2.confidence DESC, e2.id LIMIT 1)
LEFT JOIN articles a ON a.id = e.article_id
"""


def _digest_item(row: tuple[Any, ...]) -> DigestItem:
    values = list(row)
    values[9] = json.loads(values[9] or "[]")
    return DigestItem(*values)


def _pending(store: Store, channel: str, kind: str, statuses: tuple[str, ...]) -> list[DigestItem]:
    """Items of `statuses` not yet delivered on `channel` as `kind`; imported centers (monitor registry import)
    are already known to the analysts, so they are never news."""
    marks = ",".join("?" * len(statuses))
    rows = store.db.execute(
        f"SELECT {_ITEM_COLUMNS} {_ITEM_FROM} WHERE i.status IN ({marks}) AND i.origin != 'imported' "
        f"AND NOT EXISTS (SELECT 1 FROM digest_sent d "
        f"WHERE d.channel = ? AND d.kind = ? AND d.item_id = i.id AND d.center_key = i.center_key) "
        f"ORDER BY i.id", [*statuses, channel, kind]).fetchall()
    return [_digest_item(row) for row in rows]


def delivered_health(store: Store, channel: str) -> dict[str, list[str]]:
    row = store.db.execute("SELECT health FROM digest_channels WHERE channel = ?", [channel]).fetchone()
    return dict(json.loads(row[0])) if row else {}


def collect(store: Store, channel: str, healths: list[OutletHealth]) -> Digest:
    """What `channel` has not received: items new to it, items confirmed since, outlet flags changed since."""
    confirmed = _pending(store, channel, "confirmed", ("confirmed",))
    shown = {item.id for item in confirmed}
    new_items = [i for i in _pending(store, channel, "new", _LIVE) if i.id not in shown]
    current = snapshot(healths)
    problems = {h.outlet: list(h.problems) for h in healths}
    changes = [{**change, "problems": problems.get(change["outlet"], [])}
               for change in flag_changes(delivered_health(store, channel), current)]
    return Digest(channel, now(), tuple(new_items), tuple(confirmed), tuple(changes), current)


# -- cursors -----------------------------------------------------------------------------------------


def mark_delivered(store: Store, digest: Digest) -> None:
    """Remember, in one transaction, that `digest.channel` has received everything in `digest`."""
    stamp = now()
    rows = [(digest.channel, "new", i.id, i.center_key, stamp) for i in (*digest.new_items, *digest.confirmed)]
    rows += [(digest.channel, "confirmed", i.id, i.center_key, stamp) for i in digest.confirmed]
    with store.transaction():
        store.db.conn.executemany("INSERT OR REPLACE INTO digest_sent (channel, kind, item_id, center_key, at) "
                                  "VALUES (?, ?, ?, ?, ?)", rows)
        store.db.execute(
            "INSERT INTO digest_channels (channel, health, last_attempt, last_success, last_error, failures) "
            "VALUES (?, ?, ?, ?, NULL, 0) ON CONFLICT(channel) DO UPDATE SET health = excluded.health, "
            "last_attempt = excluded.last_attempt, last_success = excluded.last_success, last_error = NULL, "
            "failures = 0", [digest.channel, json.dumps(digest.health, ensure_ascii=False), stamp, stamp])


def mark_failed(store: Store, channel: str, error: str) -> None:
    """Remember a failed attempt (the cursor stays where it was)."""
    with store.transaction():
        store.db.execute(
            "INSERT INTO digest_channels (channel, last_attempt, last_error, failures) VALUES (?, ?, ?, 1) "
            "ON CONFLICT(channel) DO UPDATE SET last_attempt = excluded.last_attempt, "
            "last_error = excluded.last_error, failures = failures + 1", [channel, now(), error])


@dataclass(frozen=True)
class Delivery:
    """How one channel's digest went."""

    channel: str
    new_items: int
    confirmed: int
    health_changes: int
    sent: bool
    error: str | None = None


def deliver(store: Store, channel: Channel, healths: list[OutletHealth]) -> Delivery:
    """Collect what `channel` has not received, send it, and advance its cursor only if that worked."""
    digest = collect(store, channel.name, healths)
    counts = (len(digest.new_items), len(digest.confirmed), len(digest.health_changes))
    if digest.empty and not channel.wants_empty():
        return Delivery(channel.name, *counts, sent=False)
    try:
        channel.send(store, digest)
    except DeliveryError as exc:
        mark_failed(store, channel.name, str(exc))
        log.warning("digest to %s failed: %s", channel.name, exc)
        return Delivery(channel.name, *counts, sent=False, error=str(exc))
    mark_delivered(store, digest)
    return Delivery(channel.name, *counts, sent=True)


def catch_up(store: Store, channel: Channel, healths: list[OutletHealth]) -> Delivery:
    """Mark everything pending for `channel` as delivered without sending it (a new destination's backlog)."""
    digest = collect(store, channel.name, healths)
    mark_delivered(store, digest)
    return Delivery(channel.name, len(digest.new_items), len(digest.confirmed), len(digest.health_changes),
                    sent=False)


# -- Markdown and HTML -------------------------------------------------------------------------------


def _place(item: DigestItem) -> str:
    where = " ".join(p for p in (item.province, item.place if item.place != item.province else None) if p)
    return f"{where or 'place unknown'}" + (f" ({item.level})" if item.level else "")


def _facts(item: DigestItem) -> str:
    facts = [_place(item), item.date or "date unknown"]
    if item.partners:
        facts.append("partners: " + ", ".join(item.partners))
    facts.append(f"confidence {item.confidence:.2f}")
    facts.append(f"{item.mentions} article{'s' if item.mentions != 1 else ''}")
    return " · ".join(facts)


def title_of(digest: Digest) -> str:
    parts = [f"{len(digest.new_items)} new", f"{len(digest.confirmed)} confirmed"]
    if digest.health_changes:
        parts.append(f"{len(digest.health_changes)} outlet changes")
    return f"Monitor digest {digest.generated[:10]}: {', '.join(parts)}"


def _health_line(change: dict[str, Any]) -> str:
    said = []
    if change["turned"]:
        said.append("turned " + " and ".join(change["turned"]))
    if change["recovered"]:
        said.append("no longer " + " or ".join(change["recovered"]))
    return f"{change['outlet']}: {'; '.join(said)}"


def to_markdown(digest: Digest) -> str:
    lines = [f"# {title_of(digest)}", ""]
    for heading, items in (("New launches", digest.new_items), ("Newly confirmed centers", digest.confirmed)):
        if items:
            lines += [f"## {heading} ({len(items)})", ""]
            lines += [_markdown_item(item) for item in items]
            lines.append("")
    if digest.health_changes:
        lines += ["## Outlet health", ""]
        for change in digest.health_changes:
            lines.append(f"- {_health_line(change)}" + "".join(f"\n  - {p}" for p in change["problems"]))
        lines.append("")
    if digest.empty:
        lines += ["Nothing new since the last digest.", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _markdown_item(item: DigestItem) -> str:
    text = f"- **{item.center}** (#{item.id}, {item.type}) — {_facts(item)}"
    if item.url:
        text += f"\n  [{item.title or item.url}]({item.url})" + (f" — {item.outlet}" if item.outlet else "")
    if item.evidence:
        text += "\n  > " + _MARKS.sub(lambda m: f"**{m['center']}**" if m["center"] else m["trigger"], item.evidence)
    return text


def item_html(item: DigestItem) -> str:
    e = html.escape
    parts = [f"<p><strong>{e(item.center)}</strong> (#{item.id}, {e(item.type)}) — {e(_facts(item))}</p>"]
    if item.url:
        outlet = f" — {e(item.outlet)}" if item.outlet else ""
        parts.append(f'<p><a href="{e(item.url)}">{e(item.title or item.url)}</a>{outlet}</p>')
    if item.evidence:
        parts.append(f"<blockquote>{_evidence_html(item.evidence)}</blockquote>")
    return "\n".join(parts)


def _evidence_html(evidence: str) -> str:
    """The evidence sentence with the center (⟦…⟧) in <mark> and the trigger (⟨…⟩) in <em>."""
    out, last = [], 0
    for match in _MARKS.finditer(evidence):
        out.append(html.escape(evidence[last:match.start()]))
        tag = "mark" if match["center"] is not None else "em"
        out.append(f"<{tag}>{html.escape(match[0][1:-1])}</{tag}>")
        last = match.end()
    return "".join(out) + html.escape(evidence[last:])


def to_html(digest: Digest) -> str:
    e = html.escape
    body = [f"<h1>{e(title_of(digest))}</h1>"]
    for heading, items in (("New launches", digest.new_items), ("Newly confirmed centers", digest.confirmed)):
        if items:
            body.append(f"<h2>{heading} ({len(items)})</h2>")
            body += [f'<div class="item">{item_html(item)}</div>' for item in items]
    if digest.health_changes:
        body.append("<h2>Outlet health</h2><ul>")
        for change in digest.health_changes:
            problems = "".join(f"<li>{e(p)}</li>" for p in change["problems"])
            body.append(f"<li>{e(_health_line(change))}" + (f"<ul>{problems}</ul>" if problems else "") + "</li>")
        body.append("</ul>")
    if digest.empty:
        body.append("<p>Nothing new since the last digest.</p>")
    return ('<!DOCTYPE html>\n<html lang="zh"><head><meta charset="utf-8">'
            f"<title>{e(title_of(digest))}</title></head>\n<body>\n" + "\n".join(body) + "\n</body></html>\n")


RENDERERS: dict[str, Callable[[Digest], str]] = {"markdown": to_markdown, "html": to_html}


# -- channels ------------------------------------------------------------------------------------------


class PrintChannel:
    """The digest as Markdown or HTML handed to `emit` (the CLI prints it)."""

    def __init__(self, emit: Callable[[str], None], fmt: str = "markdown", name: str = "print") -> None:
        self.name = name
        self._emit = emit
        self._render = RENDERERS[fmt]

    def wants_empty(self) -> bool:
        return False

    def send(self, store: Store, digest: Digest) -> None:
        self._emit(self._render(digest))


class WebhookChannel:
    """POST the digest as JSON (`text` plus the records); retries network errors, 429 and 5xx."""

    def __init__(self, url: str, *, attempts: int = 3, backoff: float = 2.0, timeout: float = 20.0,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        parsed = httpx.URL(url)
        if parsed.scheme not in ("http", "https") or not parsed.host:
            raise MonitorError(f"--webhook {url!r}: not an http(s) URL")
        self.url = url
        self.name = f"webhook:{parsed.host}:{hashlib.sha256(url.encode()).hexdigest()[:12]}"
        self.attempts, self.backoff, self.timeout, self._sleep = max(1, attempts), backoff, timeout, sleep

    def wants_empty(self) -> bool:
        return False

    def send(self, store: Store, digest: Digest) -> None:
        payload = digest.to_json()
        error = ""
        for attempt in range(1, self.attempts + 1):
            error, retry = self._post(payload)
            if not error:
                return
            if not retry or attempt == self.attempts:
                break
            self._sleep(self.backoff * 2 ** (attempt - 1))
        raise DeliveryError(f"webhook {httpx.URL(self.url).host}: {error} (after {attempt} attempts)")

    def _post(self, payload: dict[str, Any]) -> tuple[str, bool]:
        """('', False) on success, else (what went wrong, whether trying again may help)."""
        try:
            response = httpx.post(self.url, json=payload, timeout=self.timeout)
        except httpx.HTTPError as exc:
            return f"{type(exc).__name__}: {exc}", True
        if response.is_success:
            return "", False
        return f"HTTP {response.status_code}", response.status_code in (408, 429) or response.status_code >= 500


class SmtpChannel:
    """Send the HTML digest (with a Markdown plain-text part) by email through an SMTP server.

    STARTTLS is used when the server offers it; MONITOR_SMTP_USER / MONITOR_SMTP_PASSWORD log in.
    """

    def __init__(self, server: str, sender: str, recipients: list[str], *, timeout: float = 30.0) -> None:
        host, _, port = server.partition(":")
        if not host or (port and not port.isdigit()):
            raise MonitorError(f"--smtp {server!r}: give HOST or HOST:PORT, e.g. --smtp mail.example.org:587")
        if not sender or not recipients:
            raise MonitorError("--smtp needs --mail-from and at least one --mail-to")
        self.host, self.port, self.sender, self.recipients = host, int(port or 25), sender, recipients
        self.timeout = timeout
        self.name = f"smtp:{host}:{self.port}:{','.join(sorted(recipients))}"

    def message(self, digest: Digest) -> EmailMessage:
        message = EmailMessage()
        message["Subject"] = title_of(digest)
        message["From"] = self.sender
        message["To"] = ", ".join(self.recipients)
        message.set_content(to_markdown(digest))
        message.add_alternative(to_html(digest), subtype="html")
        return message

    def wants_empty(self) -> bool:
        return False

    def send(self, store: Store, digest: Digest) -> None:
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                smtp.ehlo()
                if smtp.has_extn("starttls"):
                    smtp.starttls()
                    smtp.ehlo()
                user, password = os.environ.get("MONITOR_SMTP_USER"), os.environ.get("MONITOR_SMTP_PASSWORD")
                if user and password:
                    smtp.login(user, password)
                smtp.send_message(self.message(digest))
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(f"smtp {self.host}:{self.port}: {type(exc).__name__}: {exc}") from exc


class AtomChannel:
    """An Atom feed file of the items this channel has delivered (newest `keep`), rewritten atomically.

    Entry ids are tag: URIs made from the item id (…:item/12, …:item/12/confirmed), so they stay the
    same from one digest to the next and a feed reader shows each item once.
    """

    def __init__(self, path: str | Path, *, keep: int = ATOM_KEEP, title: str = "Monitor: new launches") -> None:
        self.path = Path(path).expanduser().resolve()
        if not self.path.parent.is_dir():
            raise MonitorError(f"--atom {path}: folder {self.path.parent} does not exist; create it first")
        self.name = f"atom:{self.path}"
        self.keep, self.title = keep, title

    def wants_empty(self) -> bool:
        return not self.path.exists()

    def send(self, store: Store, digest: Digest) -> None:
        entries = {entry_id(kind, item.id): (kind, item, at) for kind, item, at in _delivered(store, self.name)}
        fresh = [("new", i) for i in (*digest.new_items, *digest.confirmed)]
        fresh += [("confirmed", i) for i in digest.confirmed]
        for kind, item in fresh:
            entries.setdefault(entry_id(kind, item.id), (kind, item, digest.generated))
        newest = sorted(entries.values(), key=lambda e: (e[2], e[1].id, e[0]), reverse=True)[:self.keep]
        try:
            _write_atomically(self.path, atom_feed(self.title, self.name, newest, digest.generated))
        except OSError as exc:
            raise DeliveryError(f"atom {self.path}: {exc.strerror or exc}") from exc


def _delivered(store: Store, channel: str) -> list[tuple[str, DigestItem, str]]:
    rows = store.db.execute(
        f"SELECT d.kind, d.at, {_ITEM_COLUMNS} {_ITEM_FROM} "
        f"JOIN digest_sent d ON d.item_id = i.id AND d.center_key = i.center_key WHERE d.channel = ? "
        f"ORDER BY d.at DESC LIMIT ?", [channel, ATOM_KEEP * 2]).fetchall()
    return [(row[0], _digest_item(row[2:]), row[1]) for row in rows]


def entry_id(kind: str, item_id: int) -> str:
    return f"{TAG_PREFIX}item/{item_id}" + ("/confirmed" if kind == "confirmed" else "")


def atom_feed(title: str, channel: str, entries: list[tuple[str, DigestItem, str]], updated: str) -> bytes:
    """An Atom 1.0 document: one entry per (kind, item, time delivered)."""
    ET.register_namespace("", ATOM_NS)
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    _sub(feed, "title", title)
    _sub(feed, "id", f"{TAG_PREFIX}feed/{hashlib.sha256(channel.encode()).hexdigest()[:16]}")
    _sub(feed, "updated", max((at for _, _, at in entries), default=updated))
    _sub(_sub(feed, "author"), "name", "monitor")
    _sub(feed, "generator", "monitor digest")
    for kind, item, at in entries:
        entry = _sub(feed, "entry")
        _sub(entry, "id", entry_id(kind, item.id))
        label = "Confirmed" if kind == "confirmed" else "New"
        _sub(entry, "title", f"{label}: {item.center} — {_place(item)}")
        _sub(entry, "updated", at)
        _sub(entry, "published", at)
        if item.url:
            ET.SubElement(entry, f"{{{ATOM_NS}}}link", {"rel": "alternate", "href": item.url})
        _sub(entry, "content", item_html(item)).set("type", "html")
    return bytes(ET.tostring(feed, encoding="utf-8", xml_declaration=True))


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}")
    if text is not None:
        element.text = text
    return element


def _write_atomically(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
