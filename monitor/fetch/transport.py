"""transport: the HTTP transport under the one client — every socket operation bounded by the request's
deadline, every open socket shut when the run is cancelled.

httpx's timeouts are per operation: a server that sends its status line and then one header line a
second restarts the read timeout with every line and keeps a request busy as long as it likes. Here each
connect, read and write gets at most the time its request has left (a `Budget`, set per thread by the
fetcher), and one past its end fails at once; `cancel()` shuts every socket down, which wakes a read
blocked in another thread. The transport is httpcore's connection pool with this network backend
(public APIs of both libraries), so connect, headers, body and the hops of a redirect are all bounded.
Proxies of the environment (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY, NO_PROXY) are honoured, as httpx does.
A name lookup (DNS) is the one step no socket timeout reaches.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
import typing
import urllib.request
from collections.abc import Callable, Iterable, Iterator

import httpcore
import httpx

_EXCEPTIONS: tuple[tuple[type[Exception], type[httpx.TransportError]], ...] = (  # most specific first
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.ProxyError, httpx.ProxyError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
)
CANCELLED = "cancelled"
DEADLINE = "deadline"


class Budget:
    """The time one fetch has left: `seconds` from now on `clock`, longer by the waits `extend` adds."""

    def __init__(self, seconds: float, clock: Callable[[], float]) -> None:
        self.seconds = seconds
        self._clock = clock
        self._ends = clock() + seconds

    def remaining(self) -> float:
        return self._ends - self._clock()

    def expired(self) -> bool:
        return self.remaining() <= 0.01  # a socket timeout set to the rest fires a hair early or late

    def extend(self, seconds: float) -> None:
        """Time that is not the request's own (waiting for the host's politeness slot) does not count."""
        self._ends += max(0.0, seconds)


class Switch:
    """The run's stop switch, shared by every request of one fetcher: its budget per thread, and the
    sockets to shut when the run is cancelled."""

    def __init__(self) -> None:
        self.cancelled = threading.Event()
        self._local = threading.local()
        self._streams: set[_Stream] = set()
        self._lock = threading.Lock()

    @property
    def budget(self) -> Budget | None:
        budget: Budget | None = getattr(self._local, "budget", None)
        return budget

    @contextlib.contextmanager
    def bounded(self, budget: Budget) -> Iterator[Budget]:
        """Run the requests of this thread within `budget` (nested calls keep the outer budget)."""
        outer = self.budget
        if outer is not None:
            yield outer
            return
        self._local.budget = budget
        try:
            yield budget
        finally:
            self._local.budget = None

    def cancel(self) -> None:
        """Stop: no new socket operation starts, and the ones blocked now return at once."""
        self.cancelled.set()
        with self._lock:
            streams = list(self._streams)
        for stream in streams:
            stream.shut()

    def bound(self, timeout: float | None, timed_out: type[Exception], failed: type[Exception]) -> float | None:
        """The timeout of one socket operation: at most what the request has left; raise when nothing is."""
        if self.cancelled.is_set():
            raise failed(CANCELLED)
        budget = self.budget
        if budget is None:
            return timeout
        left = budget.remaining()
        if left <= 0:
            raise timed_out(DEADLINE)
        return left if timeout is None else min(timeout, left)

    def track(self, inner: httpcore.NetworkStream) -> _Stream:
        stream = _Stream(inner, self)
        with self._lock:
            self._streams.add(stream)
        if self.cancelled.is_set():  # cancelled while it connected
            stream.shut()
        return stream

    def forget(self, stream: _Stream) -> None:
        with self._lock:
            self._streams.discard(stream)


class _Stream(httpcore.NetworkStream):
    """A connection whose every read and write is bounded by the switch (deadline, cancel)."""

    def __init__(self, inner: httpcore.NetworkStream, switch: Switch) -> None:
        self._inner = inner
        self._switch = switch

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._switch.bound(timeout, httpcore.ReadTimeout, httpcore.ReadError))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._switch.bound(timeout, httpcore.WriteTimeout, httpcore.WriteError))

    def close(self) -> None:
        self._switch.forget(self)
        self._inner.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        bounded = self._switch.bound(timeout, httpcore.ConnectTimeout, httpcore.ConnectError)
        self._switch.forget(self)
        return self._switch.track(self._inner.start_tls(ssl_context, server_hostname, bounded))

    def get_extra_info(self, info: str) -> typing.Any:
        return self._inner.get_extra_info(info)

    def shut(self) -> None:
        """Shut the socket down (from any thread): a read blocked on it returns at once."""
        sock = self._inner.get_extra_info("socket")
        if isinstance(sock, socket.socket):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class _Backend(httpcore.NetworkBackend):
    """httpcore's synchronous sockets, each connection bounded and tracked by the switch."""

    def __init__(self, switch: Switch) -> None:
        self._inner = httpcore.SyncBackend()
        self._switch = switch

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[typing.Any] | None = None) -> httpcore.NetworkStream:
        bounded = self._switch.bound(timeout, httpcore.ConnectTimeout, httpcore.ConnectError)
        return self._switch.track(self._inner.connect_tcp(host, port, bounded, local_address, socket_options))

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[typing.Any] | None = None) -> httpcore.NetworkStream:
        bounded = self._switch.bound(timeout, httpcore.ConnectTimeout, httpcore.ConnectError)
        return self._switch.track(self._inner.connect_unix_socket(path, bounded, socket_options))

    def sleep(self, seconds: float) -> None:
        self._switch.cancelled.wait(seconds)


class BoundedTransport(httpx.BaseTransport):
    """An httpx transport whose requests the switch bounds: give it as `httpx.Client(transport=...)`."""

    def __init__(self, switch: Switch) -> None:
        self._backend = _Backend(switch)
        self._ssl = httpx.create_ssl_context()
        self._direct = self._new_pool(None)
        self._proxied: dict[str, httpcore.ConnectionPool] = {}
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        core = httpcore.Request(
            method=request.method,
            url=httpcore.URL(scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path),
            headers=request.headers.raw, content=typing.cast(Iterable[bytes], request.stream),
            extensions=request.extensions)
        with _mapped():
            response = self._pool(url).handle_request(core)
        return httpx.Response(status_code=response.status, headers=response.headers,
                              stream=_Body(typing.cast(Iterable[bytes], response.stream)),
                              extensions=response.extensions)

    def close(self) -> None:
        with self._lock:
            pools = [self._direct, *self._proxied.values()]
        for pool in pools:
            pool.close()

    def _pool(self, url: httpx.URL) -> httpcore.ConnectionPool:
        proxy = _environment_proxy(url)
        if proxy is None:
            return self._direct
        with self._lock:
            pool = self._proxied.get(proxy)
            if pool is None:
                pool = self._proxied[proxy] = self._new_pool(httpcore.Proxy(url=proxy))
            return pool

    def _new_pool(self, proxy: httpcore.Proxy | None) -> httpcore.ConnectionPool:
        """httpcore's pool with httpx's default limits, on the bounded backend."""
        return httpcore.ConnectionPool(ssl_context=self._ssl, proxy=proxy, max_connections=100,
                                       max_keepalive_connections=20, keepalive_expiry=5.0,
                                       network_backend=self._backend)


class _Body(httpx.SyncByteStream):
    """A response body from httpcore, its errors as httpx's."""

    def __init__(self, inner: Iterable[bytes]) -> None:
        self._inner = inner

    def __iter__(self) -> Iterator[bytes]:
        with _mapped():
            yield from self._inner

    def close(self) -> None:
        close = getattr(self._inner, "close", None)
        if close is not None:
            close()


@contextlib.contextmanager
def _mapped() -> Iterator[None]:
    """httpcore's exceptions as the httpx exceptions the client catches."""
    try:
        yield
    except Exception as exc:
        mapped = next((theirs for ours, theirs in _EXCEPTIONS if isinstance(exc, ours)), None)
        if mapped is None:
            raise
        raise mapped(str(exc)) from exc


def _environment_proxy(url: httpx.URL) -> str | None:
    """The proxy the environment names for `url` (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY; NO_PROXY), or None."""
    proxies = urllib.request.getproxies_environment()
    proxy = proxies.get(url.scheme) or proxies.get("all")
    if not proxy or _bypassed(url.host, proxies.get("no", "")):
        return None
    return proxy if "://" in proxy else f"http://{proxy}"


def _bypassed(host: str, no_proxy: str) -> bool:
    """NO_PROXY: "*", or host names and domain suffixes separated by commas (".example.cn" or "example.cn")."""
    names = [name.strip().lower().lstrip(".") for name in no_proxy.split(",") if name.strip()]
    host = host.lower()
    return "*" in names or any(host == name or host.endswith("." + name) for name in names)
