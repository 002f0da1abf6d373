"""The offline demo: samples/ served on 127.0.0.1, a full `monitor run` on it, then the queue.

`python -m tools.demo` (what `make demo` runs). The sample files write every absolute URL with
the token __BASE__, replaced at serve time by http://127.0.0.1:PORT. The server answers ETag /
If-None-Match so that a second run shows conditional GET at work.

This is the one server of the sample world: the tests (tests/support/faults.py slows it down) and the
benchmark (tools/bench/transfer.py counts its bytes) start it through `serve_samples` with their own
handler, a subclass of `SampleHandler`.
"""

from __future__ import annotations

import hashlib
import http.server
import os
import subprocess
import sys
import tempfile
import threading
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
TOKEN = b"__BASE__"
DEFAULT_PORT = 8808
_TYPES = {".xml": "application/xml", ".html": "text/html", ".htm": "text/html", ".shtml": "text/html",
          ".txt": "text/plain", ".json": "application/json"}


class SampleHandler(http.server.BaseHTTPRequestHandler):
    """Static files of samples/site with the __BASE__ token replaced; ETag and 304 supported."""

    server_version = "samples/1.0"

    def __init__(self, *args: object, root: Path, headers: dict[str, dict[str, str]], base_url: str,
                 **kwargs: object) -> None:
        self.root = root
        self.base_url = base_url
        self.extra_headers = headers
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def do_GET(self) -> None:
        relative = self.path.split("?", 1)[0].lstrip("/")
        target = (self.root / relative).resolve()
        if (self.root not in target.parents and target != self.root) or not target.is_file():
            self.send_error(404, "Not Found")
            return
        base = self.base_url.encode()
        body = target.read_bytes().replace(TOKEN, base)
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(200)
        headers = {"Content-Type": _TYPES.get(target.suffix, "application/octet-stream"), "ETag": etag}
        headers.update(self.extra_headers.get(relative, {}))
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the demo prints the monitor's own summary."""


def _extra_headers(site: Path) -> dict[str, dict[str, str]]:
    path = site / "_headers.toml"
    if not path.exists():
        return {}
    data = tomllib.loads(path.read_text("utf-8"))
    return {str(k): {str(n): str(v) for n, v in dict(h).items()} for k, h in data.items()}


class _SampleServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hangs up (a killed run, a timeout) leaves a broken pipe behind: expected."""


@contextmanager
def serve_samples(port: int = 0, samples: Path = SAMPLES, handler: type[SampleHandler] = SampleHandler,
                  **handler_options: Any) -> Iterator[str]:
    """Serve samples/site on 127.0.0.1 (port 0: any free port); yields the base URL.

    `handler` and `handler_options` let tests serve the same world differently (slowed, faulty).
    """
    site = samples / "site"
    server = _SampleServer(("127.0.0.1", port), http.server.BaseHTTPRequestHandler)
    base_url = f"http://127.0.0.1:{server.server_port}"
    server.RequestHandlerClass = partial(  # type: ignore[assignment]
        handler, root=site.resolve(), headers=_extra_headers(site), base_url=base_url, **handler_options)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield base_url
    finally:
        server.shutdown()
        server.server_close()


def sample_config(base: str, target: Path, samples: Path = SAMPLES) -> Path:
    """samples/feeds.toml with __BASE__ replaced, written to `target`."""
    text = (samples / "feeds.toml").read_text("utf-8").replace(TOKEN.decode(), base)
    target.write_text(text, "utf-8")
    return target


def main() -> int:
    """Serve the samples, run `monitor run` on them, print the queue."""
    port = int(os.environ.get("MONITOR_DEMO_PORT", DEFAULT_PORT))
    db = os.environ.get("MONITOR_DEMO_DB", "demo.db")
    monitor = [sys.executable, "-m", "monitor"]
    with serve_samples(port) as base, tempfile.TemporaryDirectory() as tmp:
        config = sample_config(base, Path(tmp) / "feeds.toml")
        print(f"Serving samples/ at {base}; database {db}\n", flush=True)
        code = subprocess.call([*monitor, "run", "--config", str(config), "--db", db])
        if code != 0:
            return code
    print("\nThe queue (`monitor queue list`):\n", flush=True)
    return subprocess.call([*monitor, "queue", "list", "--db", db])


if __name__ == "__main__":
    sys.exit(main())
