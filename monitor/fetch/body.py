"""body: reading a response body for the fetcher — under a byte cap, before a time limit, decompressed here.

Decompressed bytes are what is counted, so a gzip bomb stops at the cap; only the encodings the fetcher
asks for (gzip, deflate) are decoded, any other (br, zstd...) is refused rather than guessed at. The start
of an error page is read too (at most ERROR_BODY bytes, whatever arrives before it fails), so that a
JavaScript challenge behind a 412 or 521 can be told from a server failure (fetch.blocked).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator

import httpx

ERROR_BODY = 1 << 16  # bytes of an error response read, to tell a challenge from a server failure
_ZLIB_ENCODINGS = frozenset({"gzip", "x-gzip", "deflate"})
_NO_BODY = frozenset({204, 301, 302, 303, 304, 307, 308})


class BodyError(Exception):
    """The body could not be read in full: too large or undecodable. The message is for people."""


def read_body(response: httpx.Response, cap: int, deadline: float, clock: Callable[[], float]) -> bytes:
    """The decoded body, at most `cap` bytes of it, read before `deadline` on `clock` (a slow drip times
    out with httpx.ReadTimeout); BodyError when it is larger or cannot be decoded."""
    too_large = f"body larger than {cap} bytes (max_bytes in [fetch]; raise it if this source is genuine)"
    encoding = _encoding(response)
    length = response.headers.get("content-length", "")
    if encoding == "identity" and length.isdigit() and int(length) > cap:
        raise BodyError(too_large)
    body = bytearray()
    for chunk in _decoded_chunks(response, encoding, cap + 1):
        body += chunk
        if len(body) > cap:
            raise BodyError(too_large)
        if clock() > deadline:
            raise httpx.ReadTimeout("the body did not arrive in time")
    return bytes(body)


def error_body(response: httpx.Response, deadline: float, clock: Callable[[], float]) -> bytes:
    """The start of an error page (ERROR_BODY bytes at most); whatever arrives before it fails or `deadline`."""
    if response.status_code in _NO_BODY:
        return b""
    body = bytearray()
    try:
        for chunk in _decoded_chunks(response, _encoding(response), ERROR_BODY):
            body += chunk
            if len(body) >= ERROR_BODY or clock() > deadline:
                break
    except (httpx.HTTPError, BodyError, RuntimeError):  # RuntimeError: the client closed under it
        pass
    return bytes(body[:ERROR_BODY])


def _encoding(response: httpx.Response) -> str:
    return response.headers.get("content-encoding", "identity").strip().lower() or "identity"


def _decoded_chunks(response: httpx.Response, encoding: str, limit: int) -> Iterator[bytes]:
    if encoding == "identity":
        return response.iter_raw()
    if encoding in _ZLIB_ENCODINGS:
        return _inflate(response.iter_raw(), limit, encoding)
    raise BodyError(f"cannot decode the body: the server compressed it as {encoding!r}, which the monitor "
                    "does not ask for (Accept-Encoding: gzip, deflate)")


def _inflate(raw: Iterator[bytes], limit: int, encoding: str) -> Iterator[bytes]:
    """Decompress gzip, zlib or raw deflate chunks, producing at most `limit` bytes in all."""
    decoder = zlib.decompressobj(zlib.MAX_WBITS | 32)  # 32: accept a gzip or a zlib header
    produced, may_fall_back = 0, encoding == "deflate"
    for chunk in raw:
        data = chunk
        while data and produced < limit:
            try:
                piece = decoder.decompress(data, limit - produced)
            except zlib.error as exc:
                if not may_fall_back:
                    raise BodyError(f"cannot decompress the {encoding} body: {exc}") from exc
                decoder = zlib.decompressobj(-zlib.MAX_WBITS)  # "deflate" sent without its zlib header
                may_fall_back = False
                continue
            may_fall_back = False
            produced += len(piece)
            data = decoder.unconsumed_tail
            yield piece
        if produced >= limit or decoder.eof:
            return
