"""A small HTTP/1.1 client for push services: POST, keep-alive, TLS, time-outs.

Why not httpx: measured on this project's 2-core machine against a push service
answering after 50 ms, httpx (httpcore 1.x on anyio) spent about 1.5 ms of CPU per
request and topped out near 300 requests a second, because its pool re-checks
every connection's socket on each request. Why not asyncio's streams either: a
reader, a writer, a drain and a time-out context came to 65-75 µs of CPU a
request; this client, an `asyncio.Protocol` that parses the answer as it arrives,
with one timer for all requests checking their deadlines twice a second, spends
43-47 µs, most of it the socket calls. It does only what push services need: a
POST with a small body, and a small answer delimited by Content-Length, chunked
encoding or the end of the connection.
"""

from __future__ import annotations

import asyncio
import ssl
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

# A push service's answer is a status and at most a short error text; anything
# larger is cut there (and the connection closed instead of reused).
MAX_RESPONSE_BYTES = 64 * 1024
# Time-outs are checked this often, so one fires up to this much late.
TIMEOUT_CHECK_S = 0.5


class HttpError(Exception):
    """No usable answer: the connection failed, timed out or the reply was malformed."""


@dataclass(frozen=True, slots=True)
class HttpResponse:
    status: int
    headers: dict[str, str]  # lower-cased names
    body: bytes


Origin = tuple[str, str, int]


class _ClosedBeforeAnswer(Exception):
    """The connection closed before any byte of an answer: the request was never read."""


class _Connection(asyncio.Protocol):
    """One kept-alive connection, with at most one request in flight."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = b""
        self.answer: asyncio.Future[tuple[HttpResponse, bool]] | None = None
        self.deadline = 0.0
        self.closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's is not a subclass

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        self._settle(eof=False)

    def eof_received(self) -> bool:
        self._settle(eof=True)
        return False  # close the transport: nothing more can come

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self._settle(eof=True)

    def usable(self) -> bool:
        return not self.closed and self.transport is not None and not self.transport.is_closing()

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()

    def send(self, request: bytes, deadline: float) -> asyncio.Future[tuple[HttpResponse, bool]]:
        """Write `request`; the future is the answer and whether the connection can be reused."""
        assert self.transport is not None
        self.buffer = b""
        self.deadline = deadline
        self.answer = asyncio.get_running_loop().create_future()
        self.transport.write(request)
        return self.answer

    def expire(self, now: float) -> None:
        """Fail the request in flight if its deadline has passed (and drop the connection)."""
        if self.answer is not None and not self.answer.done() and self.deadline <= now:
            self._fail(TimeoutError())

    def _settle(self, *, eof: bool) -> None:
        if self.answer is None or self.answer.done():
            return
        try:
            parsed = parse_response(self.buffer, eof=eof)
        except ValueError as error:
            self._fail(HttpError(f"bad answer: {error}"))
            return
        if parsed is not None:
            response, reusable = parsed
            self.answer.set_result((response, reusable and not eof))
        elif eof:
            self._fail(_ClosedBeforeAnswer() if not self.buffer else HttpError("answer cut short"))

    def _fail(self, error: Exception) -> None:
        assert self.answer is not None
        self.answer.set_exception(error)
        self.close()


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
        self._busy: set[_Connection] = set()
        self._checking: asyncio.TimerHandle | None = None
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
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        connection = self._take_idle(origin)
        if connection is not None:
            try:
                return await self._exchange(origin, connection, request, deadline)
            except _ClosedBeforeAnswer:
                # The service closed a kept-alive connection before reading this
                # request (idle time-outs do this): nothing was delivered, try afresh.
                pass
        connection = await self._connect(origin, deadline)
        try:
            return await self._exchange(origin, connection, request, deadline)
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

    async def _connect(self, origin: Origin, deadline: float) -> _Connection:
        scheme, host, port = origin
        tls = None
        if scheme == "https":
            if self._tls is None:
                self._tls = ssl.create_default_context()
            tls = self._tls
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout_at(deadline):
                _, connection = await loop.create_connection(
                    _Connection, host, port, ssl=tls, server_hostname=host if tls else None
                )
        except TimeoutError:
            raise HttpError(f"no answer within {self.timeout:g} s") from None
        except (OSError, ssl.SSLError) as error:
            raise HttpError(f"could not connect: {error}") from None
        return connection

    async def _exchange(
        self, origin: Origin, connection: _Connection, request: bytes, deadline: float
    ) -> HttpResponse:
        self._busy.add(connection)
        self._check_deadlines_soon()
        try:
            response, reusable = await connection.send(request, deadline)
        except TimeoutError:
            raise HttpError(f"no answer within {self.timeout:g} s") from None
        except BaseException:
            connection.close()  # cancelled or failed mid-exchange: never reuse it
            raise
        finally:
            self._busy.discard(connection)
        if reusable and connection.usable() and len(self._idle[origin]) < self.max_idle:
            self._idle[origin].append(connection)
        else:
            connection.close()
        return response

    def _check_deadlines_soon(self) -> None:
        if self._checking is None:
            loop = asyncio.get_running_loop()
            self._checking = loop.call_later(TIMEOUT_CHECK_S, self._check_deadlines)

    def _check_deadlines(self) -> None:
        """Fail the requests past their deadline; one timer for all of them, not one each."""
        self._checking = None
        now = asyncio.get_running_loop().time()
        for connection in list(self._busy):
            connection.expire(now)
        if self._busy:
            self._check_deadlines_soon()

    async def aclose(self) -> None:
        if self._checking is not None:
            self._checking.cancel()
            self._checking = None
        for connection in [*self._busy, *(c for idle in self._idle.values() for c in idle)]:
            connection.close()
        self._idle.clear()
        self._busy.clear()
        await asyncio.sleep(0)  # let the transports finish closing their sockets


def parse_response(data: bytes, *, eof: bool) -> tuple[HttpResponse, bool] | None:
    """The answer at the start of `data` and whether the connection can be kept, or None
    while it is incomplete; ValueError if it is not HTTP/1.x. `eof`: no more will come."""
    start = 0
    while True:
        end = data.find(b"\r\n\r\n", start)
        if end < 0:
            if len(data) > MAX_RESPONSE_BYTES:
                raise ValueError("answer too long")
            return None
        status_line, *header_lines = data[start:end].decode("latin-1").split("\r\n")
        version, _, rest = status_line.partition(" ")
        if not version.startswith("HTTP/1.") or not rest[:3].isdigit():
            raise ValueError(f"not an HTTP/1.x answer: {status_line[:40]!r}")
        status = int(rest[:3])
        start = end + 4
        if not 100 <= status < 200:
            break  # past any interim answers (100 Continue)
    headers: dict[str, str] = {}
    for line in header_lines:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    reusable = headers.get("connection", "").lower() != "close" and version == "HTTP/1.1"
    rest_of = data[start:]
    if status in (204, 304):
        return HttpResponse(status, headers, b""), reusable
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = _dechunk(rest_of)
        return None if body is None else (HttpResponse(status, headers, body), reusable)
    if "content-length" in headers:
        length = int(headers["content-length"])
        if length > MAX_RESPONSE_BYTES:
            raise ValueError("answer too long")
        if len(rest_of) < length:
            return None
        return HttpResponse(status, headers, rest_of[:length]), reusable
    # No length given: the body runs to the end of the connection.
    if not eof and len(rest_of) < MAX_RESPONSE_BYTES:
        return None
    return HttpResponse(status, headers, rest_of[:MAX_RESPONSE_BYTES]), False


def _dechunk(data: bytes) -> bytes | None:
    """A chunked body (RFC 9112 §7.1) from `data`, or None while it is incomplete."""
    parts: list[bytes] = []
    at = total = 0
    while True:
        line_end = data.find(b"\r\n", at)
        if line_end < 0:
            return None
        size = int(data[at:line_end].split(b";")[0].strip(), 16)
        at = line_end + 2
        if size == 0:
            # Trailers, if any, then an empty line.
            while True:
                line_end = data.find(b"\r\n", at)
                if line_end < 0:
                    return None
                if line_end == at:
                    return b"".join(parts)
                at = line_end + 2
        total += size
        if total > MAX_RESPONSE_BYTES:
            raise ValueError("answer too long")
        if len(data) < at + size + 2:
            return None
        parts.append(data[at : at + size])
        at += size + 2
