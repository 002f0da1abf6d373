"""digest: what is new since the last digest — new items, newly confirmed centers, outlet health changes —
delivered to channels: printed, an Atom feed file, a webhook (JSON with a `text` field), an email.

Each channel has its own cursor in the store (`digest_sent`, `digest_channels`, schema v3): a digest
holds what that channel has not yet received, and is marked as received only after the delivery
succeeded. So a digest never repeats an item on a channel, and a failed delivery loses nothing: the
same items (and any newer ones) go out with the next digest.
"""

from __future__ import annotations

import hashlib
import logging
import os
import smtplib
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Protocol

import httpx

from monitor.errors import MonitorError
from monitor.events.evidence import pieces
from monitor.fetch.retry import retry
from monitor.models import ItemStatus
from monitor.publish import pages
from monitor.publish.health import OutletHealth, flag_changes, snapshot
from monitor.store import digests
from monitor.store.database import Store, now
from monitor.store.digests import DigestItem

log = logging.getLogger(__name__)

ATOM_NS = "http://www.w3.org/2005/Atom"
TAG_PREFIX = "tag:icc-monitor,2025:"
ATOM_KEEP = 200
_LIVE: tuple[ItemStatus, ...] = ("new", "confirmed")


class DeliveryError(MonitorError):
    """A channel could not take the digest; its items stay pending and go out with the next digest."""


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

def collect(store: Store, channel: str, healths: list[OutletHealth], include_backfill: bool = False) -> Digest:
    """What `channel` has not received: items new to it, items confirmed since, outlet flags changed since.
    New items that are backfill (every report an old item a first run found) only with `include_backfill`;
    a confirmation is news whatever the item's age."""
    confirmed = digests.pending(store, channel, "confirmed", ("confirmed",))
    shown = {item.id for item in confirmed}
    new_items = [i for i in digests.pending(store, channel, "new", _LIVE, include_backfill=include_backfill)
                 if i.id not in shown]
    current = snapshot(healths)
    problems = {h.outlet: list(h.problems) for h in healths}
    changes = [{**change, "problems": problems.get(change["outlet"], [])}
               for change in flag_changes(digests.delivered_health(store, channel), current)]
    return Digest(channel, now(), tuple(new_items), tuple(confirmed), tuple(changes), current)


# -- cursors -----------------------------------------------------------------------------------------


def mark_delivered(store: Store, digest: Digest) -> None:
    """Remember, in one transaction, that `digest.channel` has received everything in `digest`: every item as
    new (a confirmed one too, so that it is not sent as new later) and the confirmed ones as confirmed."""
    sent = [("new", i) for i in (*digest.new_items, *digest.confirmed)] + [("confirmed", i) for i in digest.confirmed]
    digests.mark_delivered(store, digest.channel, sent, digest.health)


@dataclass(frozen=True)
class Delivery:
    """How one channel's digest went."""

    channel: str
    new_items: int
    confirmed: int
    health_changes: int
    sent: bool
    error: str | None = None


def deliver(store: Store, channel: Channel, healths: list[OutletHealth], include_backfill: bool = False) -> Delivery:
    """Collect what `channel` has not received, send it, and advance its cursor only if that worked."""
    digest = collect(store, channel.name, healths, include_backfill)
    counts = (len(digest.new_items), len(digest.confirmed), len(digest.health_changes))
    if digest.empty and not channel.wants_empty():
        return Delivery(channel.name, *counts, sent=False)
    try:
        channel.send(store, digest)
    except DeliveryError as exc:
        digests.mark_failed(store, channel.name, str(exc))
        log.warning("digest to %s failed: %s", channel.name, exc)
        return Delivery(channel.name, *counts, sent=False, error=str(exc))
    mark_delivered(store, digest)
    return Delivery(channel.name, *counts, sent=True)


def catch_up(store: Store, channel: Channel, healths: list[OutletHealth], include_backfill: bool = False) -> Delivery:
    """Mark everything pending for `channel` as delivered without sending it (a new destination's backlog)."""
    digest = collect(store, channel.name, healths, include_backfill)
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
    if item.backfill:
        facts.append("backfill (an old report found by a first run)")
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
        text += "\n  > " + _markdown_evidence(item.evidence)
    return text


def _markdown_evidence(evidence: str) -> str:
    """The evidence sentence with the center in bold and the trigger as plain text."""
    return "".join(f"**{part}**" if kind == "center" else part for kind, part in pieces(evidence))


def item_html(item: DigestItem) -> str:
    """One item as HTML (templates/digest_item.html): in the HTML digest and in its Atom entry."""
    return pages.macro("digest_item.html", "item_html", item, _facts(item)).strip()


def to_html(digest: Digest) -> str:
    """The digest as an HTML page (templates/digest.html)."""
    return pages.render("digest.html", title=title_of(digest), facts=_facts, empty=digest.empty,
                        sections=[("New launches", digest.new_items), ("Newly confirmed centers", digest.confirmed)],
                        health_changes=[(_health_line(c), c["problems"]) for c in digest.health_changes])


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
        tried = retry(lambda: self._post(payload), attempts=self.attempts, backoff=self.backoff,
                      retryable=lambda posted: posted[1], sleep=self._sleep)
        error = tried.result[0]
        if error:
            raise DeliveryError(f"webhook {httpx.URL(self.url).host}: {error} (after {tried.attempts} attempts)")

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
        delivered = digests.delivered(store, self.name, ATOM_KEEP * 2)
        entries = {entry_id(kind, item.id): (kind, item, at) for kind, item, at in delivered}
        fresh = [("new", i) for i in (*digest.new_items, *digest.confirmed)]
        fresh += [("confirmed", i) for i in digest.confirmed]
        for kind, item in fresh:
            entries.setdefault(entry_id(kind, item.id), (kind, item, digest.generated))
        newest = sorted(entries.values(), key=lambda e: (e[2], e[1].id, e[0]), reverse=True)[:self.keep]
        try:
            _write_atomically(self.path, atom_feed(self.title, self.name, newest, digest.generated))
        except OSError as exc:
            raise DeliveryError(f"atom {self.path}: {exc.strerror or exc}") from exc


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
