"""A threaded HTTP server on 127.0.0.1 for tests: routes registered per test, requests recorded.

Use the fixture in any test module::

    from tests.support.http import LocalServer, Reply
    from tests.support.http import local_server as local_server_fixture  # noqa: F401

    def test_x(local_server: LocalServer) -> None:
        local_server.route("/feed.xml", body=b"<rss/>", headers={"Content-Type": "application/rss+xml"})
        local_server.route("/slow", delay=2.0)                  # waits before answering
        local_server.route("/drip", body=b"x" * 100, drip=0.1)  # sends the body a chunk at a time
        local_server.route("/reset", reset=True)                # closes the connection with a TCP RST
        local_server.route("/cut", body=b"x" * 100, reset_after=10)  # headers, 10 bytes, then a RST
        local_server.route("/junk", raw=b"not http at all\\r\\n\\r\\n")
        local_server.route("/trickle", raw=b"HTTP/1.1 200 OK\\r\\n" + b"X: y\\r\\n" * 100, drip=0.2, chunk_size=6)
        local_server.sequence("/flaky", [Reply(503), Reply(200, b"ok")])  # one reply per request
        # POST is answered like GET; local_server.requests_for("/hook")[0].body is what was posted
        fetch(local_server.url("/feed.xml"))
        assert local_server.requests_for("/feed.xml")[0].headers["user-agent"].startswith("monitor/")

Unregistered paths answer 404. `unused_port_url()` gives an address where nothing listens.
`LocalServer(tls=context)` serves HTTPS with that server-side `ssl.SSLContext` (tests/test_tls.py makes one
with trustme); the handshake happens in the request's thread, so a client that stalls it blocks no other.
"""

from __future__ import annotations

import socket
import ssl
import struct
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import pytest


@dataclass(frozen=True)
class Reply:
    """What the server answers to one request."""

    status: int = 200
    body: bytes | str = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before the status line
    drip: float = 0.0  # seconds to wait between body chunks (or chunks of `raw`)
    chunk_size: int = 1024  # body chunk size when dripping
    reset: bool = False  # read the request, then close the connection with a RST, no response
    raw: bytes | None = None  # send these bytes instead of an HTTP response, then close
    content_length: bool = True  # False: no Content-Length, the body ends when the connection closes
    reset_after: int | None = None  # send the headers and this many body bytes, then close with a RST

    @property
    def data(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


@dataclass(frozen=True)
class RecordedRequest:
    """One request the server received. Header names are lower-case."""

    method: str
    path: str
    headers: dict[str, str]
    at: float
    body: bytes = b""  # what a POST sent


class LocalServer:
    """The server; a context manager. Thread-safe: tests may fetch from several threads."""

    def __init__(self, host: str = "127.0.0.1", tls: ssl.SSLContext | None = None) -> None:
        """`host`: the loopback address to listen on (127.0.0.2 … stand for other hosts in a test); `tls`:
        serve HTTPS with this server-side context."""
        self.host = host
        self._routes: dict[str, list[Reply]] = {}
        self._lock = threading.Lock()
        self._in_flight = 0
        self.max_in_flight = 0  # the most requests handled at the same time
        self.requests: list[RecordedRequest] = []
        self._httpd = _Server((host, 0), _Handler)
        self._httpd.owner = self
        self.scheme = "http"
        if tls is not None:
            self._httpd.socket = tls.wrap_socket(self._httpd.socket, server_side=True,
                                                 do_handshake_on_connect=False)
            self.scheme = "https"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, name="local-http", daemon=True
        )
        self._thread.start()

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def route(
        self,
        path: str,
        status: int = 200,
        body: bytes | str = b"",
        headers: Mapping[str, str] | None = None,
        **options: Any,
    ) -> None:
        """Answer every request for `path` (with or without its query) the same way; see `Reply`."""
        self.sequence(path, [Reply(status, body, dict(headers or {}), **options)])

    def sequence(self, path: str, replies: Iterable[Reply]) -> None:
        """Answer successive requests for `path` with successive replies; the last one repeats."""
        replies = list(replies)
        if not replies:
            raise ValueError("sequence() needs at least one Reply")
        with self._lock:
            self._routes[path] = replies

    def requests_for(self, path: str) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.path == path or urlsplit(r.path).path == path]

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> LocalServer:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _next_reply(self, path: str) -> Reply:
        with self._lock:
            replies = self._routes.get(path) or self._routes.get(urlsplit(path).path)
            if replies is None:
                return Reply(404, b"not found", {"Content-Type": "text/plain"})
            return replies.pop(0) if len(replies) > 1 else replies[0]

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)

    def _done(self) -> None:
        with self._lock:
            self._in_flight -= 1


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    owner: LocalServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that hang up early (size caps, timeouts) are expected; stay quiet."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:
        owner = self.server.owner
        headers = {name.lower(): value for name, value in self.headers.items()}
        owner._record(RecordedRequest(self.command, self.path, headers, time.monotonic()))
        try:
            self._answer(owner._next_reply(self.path))
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        finally:
            owner._done()

    do_HEAD = do_GET

    def do_POST(self) -> None:
        """Like GET (same routes and replies); the request body is kept in `RecordedRequest.body`."""
        owner = self.server.owner
        headers = {name.lower(): value for name, value in self.headers.items()}
        body = self.rfile.read(int(headers.get("content-length") or 0))
        owner._record(RecordedRequest(self.command, self.path, headers, time.monotonic(), body))
        try:
            self._answer(owner._next_reply(self.path))
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        finally:
            owner._done()

    def _answer(self, reply: Reply) -> None:
        if reply.delay:
            time.sleep(reply.delay)
        if reply.reset:
            self._reset()
        elif reply.raw is not None:
            for chunk in _chunks(reply.raw, reply.chunk_size if reply.drip else len(reply.raw) or 1):
                self.wfile.write(chunk)
                self.wfile.flush()
                if reply.drip:
                    time.sleep(reply.drip)
            self.close_connection = True
        else:
            self._respond(reply)

    def _respond(self, reply: Reply) -> None:
        data = reply.data
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if reply.content_length:
            self.send_header("Content-Length", str(len(data)))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if reply.reset_after is not None:
            self.wfile.write(data[: reply.reset_after])
            self.wfile.flush()
            self._reset()
            return
        if self.command != "HEAD":
            for chunk in _chunks(data, reply.chunk_size if reply.drip else len(data) or 1):
                self.wfile.write(chunk)
                self.wfile.flush()
                if reply.drip:
                    time.sleep(reply.drip)

    def _reset(self) -> None:
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read `LocalServer.requests` instead."""


def _chunks(data: bytes, size: int) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def unused_port_url(path: str = "/") -> str:
    """An http://127.0.0.1 URL on a port where nothing listens (connection refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"


@pytest.fixture(name="local_server")
def local_server() -> Iterator[LocalServer]:
    """A fresh LocalServer per test, shut down afterwards.

    The fixture is registered under its own name whatever it is imported as, so a test module can write
    ``from tests.support.http import local_server as local_server_fixture  # noqa: F401`` and keep ruff's
    F811 (a test argument redefining an imported name) quiet.
    """
    with LocalServer() as server:
        yield server
