"""The digest: every channel gets exactly what it has not received, once; a failed delivery is retried."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import feedparser
import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner

from monitor.cli import cli
from monitor.events.keys import center_key
from monitor.models import Article, Event, Place
from monitor.publish.digest import (
    AtomChannel,
    Delivery,
    PrintChannel,
    SmtpChannel,
    WebhookChannel,
    collect,
    deliver,
    to_html,
)
from monitor.publish.health import outlet_health
from monitor.run.lock import run_lock
from monitor.sources.feeds import HTML_ERROR
from monitor.store.database import Store
from monitor.store.queue import decide
from tests.support.http import LocalServer, Reply
from tests.support.http import local_server as local_server_fixture  # noqa: F401

CENTERS = [("靖安国际传播中心", "靖安县", "county"), ("赣州国际传播中心", "赣州市", "city"),
           ("萍乡国际传播中心", "萍乡市", "city"), ("九江国际传播中心", "九江市", "city")]


def add_item(store: Store, n: int) -> int:
    """Store one article reporting the launch of CENTERS[n]; returns the new item's id."""
    center, place, level = CENTERS[n]
    url = f"http://127.0.0.1/news/{n}.html"
    event = Event(url, "launch", center, Place(place, "江西省", level, None), "2025-06-03", ("县委宣传部",), 0.9,
                  f"6月3日，⟦{center}⟧在{place}⟨揭牌成立⟩。")
    store.save_article(Article(url, f"{center}揭牌成立", event.evidence, None), outlet="赣江日报",
                       outlet_level="provincial", outlet_province="江西省", source_url=None, raw=None,
                       raw_encoding=None, lexicon_version="t", hits=[], events=[event], center_key=center_key)
    return int(store.db.execute("SELECT id FROM items WHERE center = ?", [center]).fetchone()[0])


def _send(store: Store, channel: Any) -> Delivery:
    return deliver(store, channel, outlet_health(store))


def _posted(server: LocalServer, path: str = "/hook") -> list[dict[str, Any]]:
    return [json.loads(r.body) for r in server.requests_for(path) if r.method == "POST"]


def _no_wait(seconds: float) -> None:
    """Backoff without waiting, for tests."""


# -- webhook -----------------------------------------------------------------------------------------


def test_a_webhook_gets_exactly_the_new_items_and_never_twice(store: Store, local_server: LocalServer) -> None:
    first = [add_item(store, 0), add_item(store, 1)]
    local_server.route("/hook", body=b"ok")
    hook = WebhookChannel(local_server.url("/hook"), sleep=_no_wait)

    assert _send(store, hook).sent
    assert not _send(store, hook).sent  # nothing new: nothing posted
    third = add_item(store, 2)
    assert _send(store, hook).sent

    posts = _posted(local_server)
    assert len(posts) == 2
    assert [i["id"] for i in posts[0]["new_items"]] == first
    assert [i["id"] for i in posts[1]["new_items"]] == [third]
    assert "靖安国际传播中心" in posts[0]["text"] and "赣州国际传播中心" in posts[0]["text"]
    assert "萍乡国际传播中心" in posts[1]["text"] and "靖安" not in posts[1]["text"]


def test_a_webhook_retries_a_5xx_within_one_digest(store: Store, local_server: LocalServer) -> None:
    add_item(store, 0)
    local_server.sequence("/hook", [Reply(503), Reply(200, b"ok")])
    assert _send(store, WebhookChannel(local_server.url("/hook"), sleep=_no_wait)).sent
    assert len(_posted(local_server)) == 2


def test_a_failed_webhook_delivery_is_retried_by_the_next_digest(store: Store, local_server: LocalServer) -> None:
    first = [add_item(store, 0), add_item(store, 1)]
    local_server.route("/hook", status=500)
    hook = WebhookChannel(local_server.url("/hook"), attempts=2, sleep=_no_wait)

    failed = _send(store, hook)
    assert not failed.sent and failed.error is not None and "HTTP 500" in failed.error
    assert len(_posted(local_server)) == 2  # both attempts
    assert store.db.execute("SELECT failures, last_error FROM digest_channels").fetchone()[0] == 1

    later = add_item(store, 2)
    local_server.route("/hook", body=b"ok")
    assert _send(store, hook).sent
    delivered = _posted(local_server)[-1]
    assert [i["id"] for i in delivered["new_items"]] == [*first, later]
    assert store.db.execute("SELECT failures, last_error FROM digest_channels").fetchone() == (0, None)


def test_a_webhook_client_error_is_not_retried(store: Store, local_server: LocalServer) -> None:
    add_item(store, 0)
    local_server.route("/hook", status=404)
    result = _send(store, WebhookChannel(local_server.url("/hook"), sleep=_no_wait))
    assert result.error is not None and "HTTP 404" in result.error
    assert len(_posted(local_server)) == 1


def test_a_webhook_is_retried_with_doubling_waits(store: Store, local_server: LocalServer) -> None:
    add_item(store, 0)
    local_server.route("/hook", status=503)
    waits: list[float] = []
    result = _send(store, WebhookChannel(local_server.url("/hook"), attempts=3, backoff=2.0, sleep=waits.append))
    assert result.error is not None and "HTTP 503 (after 3 attempts)" in result.error
    assert waits == [2.0, 4.0] and len(_posted(local_server)) == 3


# -- Atom --------------------------------------------------------------------------------------------


def test_the_atom_feed_reads_back_with_stable_ids(store: Store, tmp_path: Path) -> None:
    first = [add_item(store, 0), add_item(store, 1)]
    path = tmp_path / "feed.xml"
    atom = AtomChannel(path)
    assert _send(store, atom).sent
    before = feedparser.parse(path.read_bytes())
    assert not before.bozo
    ids_before = {e.id for e in before.entries}
    assert ids_before == {f"tag:icc-monitor,2025:item/{i}" for i in first}

    third = add_item(store, 2)
    assert _send(store, AtomChannel(path)).sent  # another process, another day: same channel
    after = feedparser.parse(path.read_bytes())
    ids_after = [e.id for e in after.entries]
    assert len(ids_after) == len(set(ids_after)) == 3
    assert set(ids_after) - ids_before == {f"tag:icc-monitor,2025:item/{third}"}
    newest = after.entries[0]
    assert newest.id.endswith(f"/{third}") and "萍乡国际传播中心" in newest.title
    assert newest.link == "http://127.0.0.1/news/2.html"
    old = {e.id: e for e in before.entries}
    for entry in after.entries[1:]:
        assert entry.title == old[entry.id].title and entry.updated == old[entry.id].updated


def test_an_atom_file_is_written_even_when_there_is_nothing_yet(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    assert _send(store, AtomChannel(path)).sent
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo and parsed.entries == [] and parsed.feed.title


# -- email -------------------------------------------------------------------------------------------


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[str, _Inbox]]:
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield f"127.0.0.1:{controller.port}", inbox
    finally:
        controller.stop()


def test_the_email_holds_exactly_the_new_items(store: Store, smtp_server: tuple[str, _Inbox]) -> None:
    address, inbox = smtp_server
    add_item(store, 0)
    add_item(store, 1)
    mail = SmtpChannel(address, "monitor@example.org", ["analyst@example.org"])
    assert _send(store, mail).sent
    assert not _send(store, mail).sent
    add_item(store, 2)
    assert _send(store, mail).sent

    assert len(inbox.messages) == 2
    recipients, message = inbox.messages[0]
    assert recipients == ["analyst@example.org"]
    assert "2 new" in str(message["Subject"])
    html_part = message.get_body(("html",))
    assert html_part is not None
    html = html_part.get_content()
    assert "靖安国际传播中心" in html and "赣州国际传播中心" in html and "萍乡" not in html
    later = inbox.messages[1][1].get_body(("plain",))
    assert later is not None and "萍乡国际传播中心" in later.get_content() and "靖安" not in later.get_content()


def test_a_failed_email_is_sent_with_the_next_digest(store: Store) -> None:
    port = _free_port()
    mail = SmtpChannel(f"127.0.0.1:{port}", "monitor@example.org", ["analyst@example.org"], timeout=5)
    add_item(store, 0)
    failed = _send(store, mail)  # the mail server is down
    assert not failed.sent and failed.error is not None and failed.error.startswith(f"smtp 127.0.0.1:{port}")
    add_item(store, 1)
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        assert _send(store, mail).sent
    finally:
        controller.stop()
    assert len(inbox.messages) == 1
    body = inbox.messages[0][1].get_body(("plain",))
    assert body is not None
    assert "靖安国际传播中心" in body.get_content() and "赣州国际传播中心" in body.get_content()


# -- what a digest holds -----------------------------------------------------------------------------


def test_confirmed_centers_come_once_and_rejected_ones_never(store: Store) -> None:
    shown: list[str] = []
    printed = PrintChannel(shown.append)
    one, two, three = add_item(store, 0), add_item(store, 1), add_item(store, 2)
    decide(store, three, "reject", "tester", reason="not a launch")
    _send(store, printed)
    digest = collect(store, "print", [])
    assert digest.empty
    decide(store, one, "confirm", "tester")
    digest = collect(store, "print", [])
    assert [i.id for i in digest.confirmed] == [one] and digest.new_items == ()
    _send(store, printed)
    assert "Newly confirmed centers (1)" in shown[-1] and "靖安国际传播中心" in shown[-1]
    assert "萍乡" not in "".join(shown)
    assert collect(store, "print", []).empty
    assert [i.id for i in collect(store, "other", []).new_items] == [two]  # other channels: their own cursor
    assert [i.id for i in collect(store, "other", []).confirmed] == [one]


def test_outlets_that_turn_broken_are_told_once_and_so_is_their_recovery(store: Store) -> None:
    shown: list[str] = []
    printed = PrintChannel(shown.append)
    store.record_source("http://127.0.0.1/x/rss.xml", "乱报", "feed", HTML_ERROR, None)
    assert _send(store, printed).health_changes == 1
    assert "乱报: turned broken" in shown[-1] and HTML_ERROR in shown[-1]
    assert not _send(store, printed).sent
    store.record_source("http://127.0.0.1/x/rss.xml", "乱报", "feed", None, 3)
    assert _send(store, printed).sent
    assert "乱报: no longer broken" in shown[-1]


def test_html_digest_marks_the_center_and_escapes_text(store: Store) -> None:
    add_item(store, 0)
    page = to_html(collect(store, "print", []))
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    assert "<mark>靖安国际传播中心</mark>" in page and "<em>揭牌成立</em>" in page


HOSTILE = '<script>alert("x")</script>'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"


def test_hostile_fields_are_escaped_in_the_html_digest_and_its_atom_entries(store: Store, tmp_path: Path) -> None:
    url = "http://127.0.0.1/news/x.html?a=1&b=\"2\""
    event = Event(url, "launch", f"{HOSTILE}国际传播中心", Place(HOSTILE, "江西省", "county", None), "2025-06-03",
                  (f"{HOSTILE}报社",), 0.9, f"6月3日，⟦{HOSTILE}国际传播中心⟧在{HOSTILE}⟨揭牌⟩。")
    store.save_article(Article(url, HOSTILE, event.evidence, None), outlet=HOSTILE, outlet_level="county",
                       outlet_province="江西省", source_url=None, raw=None, raw_encoding=None, lexicon_version="t",
                       hits=[], events=[event], center_key=center_key)
    page = to_html(collect(store, "print", []))
    assert "<script" not in page and page.count(ESCAPED) == 7  # center, place, partner, title, outlet, evidence twice
    assert f"<mark>{ESCAPED}国际传播中心</mark>在{ESCAPED}<em>揭牌</em>" in page
    assert 'href="http://127.0.0.1/news/x.html?a=1&amp;b=&quot;2&quot;"' in page
    path = tmp_path / "feed.xml"
    assert _send(store, AtomChannel(path)).sent
    [content] = ET.parse(path).getroot().iter("{http://www.w3.org/2005/Atom}content")
    assert content.get("type") == "html" and "<script" not in (content.text or "")
    assert f"<mark>{ESCAPED}国际传播中心</mark>" in (content.text or "")


# -- the command -------------------------------------------------------------------------------------


def test_digest_command_prints_new_items_once_and_dry_run_remembers_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "m.db"
    store = Store.open(db)
    add_item(store, 0)
    store.close()
    runner = CliRunner()
    peek = runner.invoke(cli, ["digest", "--db", str(db), "--dry-run"])
    assert peek.exit_code == 0 and "靖安国际传播中心" in peek.stdout
    first = runner.invoke(cli, ["digest", "--db", str(db), "--format", "html"])
    assert first.exit_code == 0 and "<mark>靖安国际传播中心</mark>" in first.stdout
    second = runner.invoke(cli, ["digest", "--db", str(db)])
    assert second.exit_code == 0 and second.stdout == ""
    assert "nothing new" in second.stderr


def test_digest_command_exits_5_when_a_delivery_fails(tmp_path: Path, local_server: LocalServer,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "m.db"
    store = Store.open(db)
    add_item(store, 0)
    store.close()
    local_server.route("/hook", status=400)
    atom = tmp_path / "feed.xml"
    result = CliRunner().invoke(cli, ["digest", "--db", str(db), "--webhook", local_server.url("/hook"),
                                      "--atom", str(atom)])
    assert result.exit_code == 5
    assert "delivery failed" in result.stderr and "next digest" in result.stderr
    assert len(feedparser.parse(atom.read_bytes()).entries) == 1  # the other channel went through
    assert "--mail-to needs --smtp" in CliRunner().invoke(
        cli, ["digest", "--db", str(db), "--mail-to", "a@example.org"]).output


def test_a_webhook_that_is_not_http_is_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["digest", "--db", str(tmp_path / "m.db"), "--webhook", "ftp://x/y"])
    assert result.exit_code == 1 and "not an http(s) URL" in result.output


def test_a_second_digest_at_the_same_time_exits_3_and_sends_nothing(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "m.db"
    store = Store.open(db)
    add_item(store, 0)
    store.close()
    with run_lock(db, "digest"):
        busy = CliRunner().invoke(cli, ["digest", "--db", str(db)])
        assert busy.exit_code == 3 and "another `monitor digest`" in busy.stderr and busy.stdout == ""
        with run_lock(db):  # a run does not block a digest, nor the other way round
            pass
    assert "靖安国际传播中心" in CliRunner().invoke(cli, ["digest", "--db", str(db)]).stdout


def test_catch_up_starts_a_new_destination_without_the_backlog(tmp_path: Path, local_server: LocalServer,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "m.db"
    store = Store.open(db)
    add_item(store, 0)
    store.close()
    local_server.route("/hook", body=b"ok")
    runner = CliRunner()
    caught = runner.invoke(cli, ["digest", "--db", str(db), "--webhook", local_server.url("/hook"), "--catch-up"])
    assert caught.exit_code == 0 and "caught up" in caught.stderr
    assert _posted(local_server) == []
    store = Store.open(db)
    add_item(store, 1)
    store.close()
    sent = runner.invoke(cli, ["digest", "--db", str(db), "--webhook", local_server.url("/hook")])
    assert sent.exit_code == 0
    assert [i["center"] for i in _posted(local_server)[0]["new_items"]] == ["赣州国际传播中心"]


def add_backfill_item(store: Store, n: int) -> int:
    """CENTERS[n] reported only by an old article that a first run found (stored as backfill)."""
    center, place, level = CENTERS[n]
    url = f"http://127.0.0.1/archive/{n}.html"
    event = Event(url, "launch", center, Place(place, "江西省", level, None), "2023-06-03", (), 0.95,
                  f"6月3日，⟦{center}⟧在{place}⟨揭牌成立⟩。")
    store.save_article(Article(url, f"{center}揭牌成立", event.evidence, None), outlet="赣江日报",
                       outlet_level="provincial", outlet_province="江西省", source_url=None, raw=None,
                       raw_encoding=None, lexicon_version="t", hits=[], events=[event], center_key=center_key,
                       backfill=True)
    return int(store.db.execute("SELECT id FROM items WHERE center = ?", [center]).fetchone()[0])


def test_backfill_items_stay_out_of_the_digest_unless_asked_and_stay_pending(store: Store) -> None:
    add_item(store, 0)
    old = add_backfill_item(store, 1)
    digest = collect(store, "print", [])
    assert [i.center for i in digest.new_items] == ["靖安国际传播中心"]
    asked = collect(store, "print", [], include_backfill=True)
    assert [(i.center, i.backfill) for i in asked.new_items] == [("靖安国际传播中心", False),
                                                                ("赣州国际传播中心", True)]
    printed: list[str] = []
    deliver(store, PrintChannel(printed.append), [])
    assert "赣州国际传播中心" not in printed[0]
    deliver(store, PrintChannel(printed.append), [], include_backfill=True)  # still pending: it goes out now
    assert "赣州国际传播中心" in printed[1] and "backfill" in printed[1] and "靖安国际传播中心" not in printed[1]
    decide(store, old, "confirm", "alice")
    assert [i.id for i in collect(store, "print", []).confirmed] == [old]  # a confirmation is news whatever its age


def test_digest_command_include_backfill(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "m.db"
    store = Store.open(db)
    add_backfill_item(store, 2)
    store.close()
    runner = CliRunner()
    plain = runner.invoke(cli, ["digest", "--db", str(db)])
    assert plain.exit_code == 0 and plain.stdout == "" and "nothing new" in plain.stderr
    asked = runner.invoke(cli, ["digest", "--db", str(db), "--include-backfill"])
    assert asked.exit_code == 0 and "萍乡国际传播中心" in asked.stdout and "backfill" in asked.stdout
    assert runner.invoke(cli, ["digest", "--db", str(db), "--include-backfill"]).stdout == ""  # sent once
