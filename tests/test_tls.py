"""HTTPS through the bounded transport (monitor.fetch.transport): most outlets are served over TLS, and the
transport that bounds every socket operation by the request's deadline also wraps the handshake.

A local HTTPS server on 127.0.0.1 with a certificate from a throwaway authority (trustme); the client trusts
that authority through SSL_CERT_FILE, as a user behind a corporate authority would.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import trustme

from monitor.fetch.client import Fetcher
from monitor.models import FetchSettings
from tests.support.http import LocalServer

PAGE = "<html><head><title>测试</title></head><body><p>国际传播中心揭牌</p></body></html>".encode()


def settings(**changes: Any) -> FetchSettings:
    base = FetchSettings(user_agent="monitor-test/1.0", timeout=1.0, max_bytes=100_000, retries=0, backoff=0.01,
                         host_delay=0.0, max_redirects=5, respect_robots=False)
    return replace(base, **changes)


@pytest.fixture(scope="module")
def authority() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def trusted(authority: trustme.CA, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The client trusts the test authority (SSL_CERT_FILE is read when a Fetcher is made)."""
    pem = tmp_path / "authority.pem"
    authority.cert_pem.write_to_path(str(pem))
    monkeypatch.setenv("SSL_CERT_FILE", str(pem))


@pytest.fixture
def https_server(authority: trustme.CA) -> Iterator[LocalServer]:
    import ssl

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    with LocalServer(tls=context) as server:
        yield server


@pytest.mark.usefixtures("trusted")
def test_a_page_over_https_is_fetched_and_follows_a_redirect(https_server: LocalServer) -> None:
    https_server.route("/old", 301, headers={"Location": "/page.html"})
    https_server.route("/page.html", body=PAGE, headers={"Content-Type": "text/html; charset=utf-8"})
    with Fetcher(settings()) as fetcher:
        result = fetcher.fetch(https_server.url("/old"))
    assert https_server.url("/").startswith("https://")
    assert result.error is None and result.content == PAGE
    assert result.final_url == https_server.url("/page.html")


def test_a_certificate_no_authority_vouches_for_is_refused_and_said(https_server: LocalServer,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    https_server.route("/page.html", body=PAGE)
    with Fetcher(settings()) as fetcher:
        result = fetcher.fetch(https_server.url("/page.html"))
    assert result.content is None or result.error is not None
    assert result.error is not None and "certificate" in result.error.lower()


@pytest.mark.usefixtures("trusted")
def test_a_body_dripped_over_tls_ends_at_the_deadline(https_server: LocalServer) -> None:
    https_server.route("/drip", body=b"x" * 4000, drip=0.2, chunk_size=10)
    with Fetcher(settings(timeout=5.0, deadline=1.2)) as fetcher:
        result = fetcher.fetch(https_server.url("/drip"))
    assert result.reason == "deadline"
    assert result.elapsed < 8.0  # not the 80 s the server would take


@pytest.mark.usefixtures("trusted")
def test_a_server_that_stalls_the_handshake_is_ended_by_the_deadline() -> None:
    """A server that accepts the connection and never answers the ClientHello: the handshake is one more
    socket operation the deadline bounds."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted: list[socket.socket] = []
    threading.Thread(target=lambda: accepted.append(listener.accept()[0]), daemon=True).start()
    try:
        with Fetcher(settings(timeout=30.0, deadline=1.0)) as fetcher:
            result = fetcher.fetch(f"https://127.0.0.1:{listener.getsockname()[1]}/page.html")
        assert result.error is not None and result.reason == "deadline"
        assert result.elapsed < 8.0  # not the 30 s of the per-operation timeout
        assert accepted  # it did connect: the wait was in the handshake
    finally:
        for sock in (*accepted, listener):
            sock.close()
