"""A small HTTP/1.1 client for push services: POST, keep-alive, TLS, time-outs.

Why not httpx: measured on this project's 2-core machine against a push service
answering after 50 ms, httpx (httpcore 1.x on anyio) spent about 1.5 ms of CPU per
request and topped out near 300 requests a second, because its pool re-checks
every connection's socket on each request. This client spends about 60 µs, which
is what lets one dispatcher send 2,000 reminders a second. It does only what push
services need: a POST with a small body, and a small response read by
Content-Length, chunked encoding or to the end of the connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

# A push service's answer is a status and at most a short error text; anything
# larger is not read (the connection is closed instead of reused).
MAX_RESPONSE_BYTES = 64 * 1024


class HttpError(Exception):
    """No usable answer: the connection failed, timed out or the reply was malformed."""


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: dict[str, str]  # lower-cased names
    body: bytes


Origin = tuple[str, str, int]


@dataclass
class _Connection:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter

    def usable(self) -> bool:
        return not self.writer.is_closing() and not self.reader.at_eof()

    def close(self) -> None:
        self.writer.close()


def origin_of(url: str) -> Origin:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise HttpError(f"not an http(s) URL: {url[:80]!r}")
    return parts.scheme, parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)


@lru_cache(maxsize=256)
def _origin_and_host(prefix: str) -> tuple[Origin, str]:
    """For "https://host:port": the pool key and the Host header (a push service or two)."""
    origin = origin_of(prefix)
    default_port = 443 if origin[0] == "https" else 80
    return origin, origin[1] if origin[2] == default_port else f"{origin[1]}:{origin[2]}"


class HttpClient:
    """Keeps idle connections per origin; safe to use from many tasks of one event loop."""

    def __init__(self, *, timeout: float = 10.0, max_idle_per_origin: int = 512) -> None:
        self.timeout = timeout
        self.max_idle = max_idle_per_origin
        self._idle: dict[Origin, list[_Connection]] = defaultdict(list)
        self._tls: ssl.SSLContext | None = None

    async def post(self, url: str, headers: dict[str, str], body: bytes) -> HttpResponse:
        """POST `body` to `url` and read the answer; HttpError if there is none in time."""
        slash = url.find("/", url.find("//") + 2)
        prefix, target = (url[:slash], url[slash:]) if slash > 0 else (url, "/")
        origin, host = _origin_and_host(prefix)
        lines = [f"POST {target} HTTP/1.1", f"Host: {host}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        lines.append(f"Content-Length: {len(body)}")
        request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
        try:
            async with asyncio.timeout(self.timeout):
                return await self._exchange(origin, request)
        except TimeoutError:
            raise HttpError(f"no answer within {self.timeout:g} s") from None

    async def _exchange(self, origin: Origin, request: bytes) -> HttpResponse:
        connection = self._take_idle(origin)
        if connection is not None:
            try:
                return await self._send(origin, connection, request)
            except _ClosedBeforeAnswer:
                # The service closed a kept-alive connection before reading this
                # request (idle time-outs do this): nothing was delivered, try afresh.
                pass
        connection = await self._connect(origin)
        try:
            return await self._send(origin, connection, request)
        except _ClosedBeforeAnswer:
            raise HttpError("the connection closed before an answer") from None

    def _take_idle(self, origin: Origin) -> _Connection | None:
        idle = self._idle.get(origin)
        while idle:
            connection = idle.pop()
            if connection.usable():
                return connection
            connection.close()
        return None

    async def _connect(self, origin: Origin) -> _Connection:
        scheme, host, port = origin
        tls = None
        if scheme == "https":
            if self._tls is None:
                self._tls = ssl.create_default_context()
            tls = self._tls
        try:
            reader, writer = await asyncio.open_connection(
                host, port, ssl=tls, server_hostname=host if tls else None, limit=MAX_RESPONSE_BYTES
            )
        except (OSError, ssl.SSLError) as error:
            raise HttpError(f"could not connect: {error}") from None
        return _Connection(reader, writer)

    async def _send(self, origin: Origin, connection: _Connection, request: bytes) -> HttpResponse:
        try:
            connection.writer.write(request)
            await connection.writer.drain()
            response, reusable = await _read_response(connection.reader)
        except _ClosedBeforeAnswer:
            connection.close()
            raise
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as e:
            connection.close()
            raise HttpError(f"bad answer: {type(e).__name__}: {e}") from None
        except BaseException:
            connection.close()  # cancelled or timed out mid-exchange: never reuse it
            raise
        if reusable and len(self._idle[origin]) < self.max_idle:
            self._idle[origin].append(connection)
        else:
            connection.close()
        return response

    async def aclose(self) -> None:
        for idle in self._idle.values():
            for connection in idle:
                connection.close()
                with contextlib.suppress(Exception):
                    await connection.writer.wait_closed()
        self._idle.clear()


class _ClosedBeforeAnswer(Exception):
    pass


async def _read_response(reader: asyncio.StreamReader) -> tuple[HttpResponse, bool]:
    while True:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError as error:
            if not error.partial:
                raise _ClosedBeforeAnswer from None
            raise
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        version, _, rest = status_line.partition(" ")
        if not version.startswith("HTTP/1."):
            raise ValueError(f"not an HTTP/1.x answer: {status_line[:40]!r}")
        status = int(rest[:3])
        headers: dict[str, str] = {}
        for line in header_lines:
            if line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        if 100 <= status < 200:
            continue  # an interim answer (100 Continue): the real one follows
        break
    reusable = headers.get("connection", "").lower() != "close" and version == "HTTP/1.1"
    if status in (204, 304):
        body = b""
    elif "chunked" in headers.get("transfer-encoding", "").lower():
        body = await _read_chunks(reader)
    elif "content-length" in headers:
        length = int(headers["content-length"])
        if length > MAX_RESPONSE_BYTES:
            raise ValueError("answer too long")
        body = await reader.readexactly(length)
    else:
        body = await reader.read(MAX_RESPONSE_BYTES)
        reusable = False
    return HttpResponse(status, headers, body), reusable


async def _read_chunks(reader: asyncio.StreamReader) -> bytes:
    parts: list[bytes] = []
    total = 0
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0].strip(), 16)
        if size == 0:
            while (await reader.readuntil(b"\r\n")) != b"\r\n":
                pass  # trailers
            return b"".join(parts)
        total += size
        if total > MAX_RESPONSE_BYTES:
            raise ValueError("answer too long")
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)
