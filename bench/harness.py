"""What the HTTP benches share: scratch databases, servers in subprocesses, a load generator.

Not a bench itself (`make bench` runs only `bench_*.py`). Every server listens on
loopback, every loop is bounded by a deadline, and every process started here is
stopped before the script exits.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import http.client
import math
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
SECRET_KEY = "bench-secret-key-that-is-long-enough-0123456789"
POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)

# Settings are read when server modules are imported: point them at a scratch folder
# before any bench imports `server`, so nothing touches the developer's data/.
SCRATCH = Path(tempfile.mkdtemp(prefix="bridgework-bench-"))
atexit.register(shutil.rmtree, SCRATCH, ignore_errors=True)
os.environ["BRIDGEWORK_DATA_DIR"] = str(SCRATCH)
os.environ["DATABASE_URL"] = f"sqlite:///{SCRATCH / 'unused.sqlite3'}"
os.environ["SECRET_KEY"] = SECRET_KEY
sys.path.insert(0, str(ROOT))


def say(message: str) -> None:
    """Progress goes to stderr: stdout carries only `name: value` lines."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def figure(name: str, value: object) -> None:
    print(f"{name}: {value}", flush=True)


def percentile(samples: list[float], fraction: float) -> float:
    """The nearest-rank percentile (p99 of 640 samples is the 634th smallest)."""
    if not samples:
        return math.nan
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


# ---------------------------------------------------------------- databases


def migrate(url: str) -> None:
    """Apply the checked-in migrations with the real command."""
    subprocess.run(
        [sys.executable, "-m", "server", "migrate"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        check=True,
        capture_output=True,
        timeout=120,
    )


def bind(url: str) -> Any:
    """Bind every table to a fresh engine for `url` (as the tests do) and return it."""
    from server.db import engine_from_url
    from server.piccolo_app import APP_CONFIG

    engine = engine_from_url(url)
    for table in APP_CONFIG.table_classes:
        table._meta.db = engine
    return engine


def sqlite_url(name: str) -> str:
    return f"sqlite:///{SCRATCH / name}.sqlite3"


async def _admin(sql: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=5)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def create_postgres() -> str:
    """A fresh PostgreSQL database's URL; raises if the server is unreachable."""
    name = f"bridgework_bench_{uuid.uuid4().hex[:10]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def drop_postgres(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def password_hash() -> str:
    """One argon2id hash of PASSWORD, shared by every seeded person to keep seeding fast."""
    from server.accounts.passwords import hash_password

    return await hash_password(PASSWORD)


PASSWORD = "bench-password-42"


# ---------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """One single-worker uvicorn process on loopback, its output kept in a log file."""

    name: str
    command: list[str]
    env: dict[str, str]
    port: int = field(default_factory=free_port)
    cwd: Path = ROOT
    process: subprocess.Popen[bytes] | None = None

    @property
    def log_path(self) -> Path:
        return SCRATCH / f"{self.name}.log"

    def start(self, ready_path: str = "/", timeout: float = 60.0) -> None:
        env = {**os.environ, **self.env, "BRIDGEWORK_PORT": str(self.port)}
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                self.command, cwd=self.cwd, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited at start-up:\n{self.log()}")
            try:
                if _probe(self.port, ready_path) < 500:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not answer within {timeout:.0f} s:\n{self.log()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)

    def cpu_seconds(self) -> float:
        """User plus system CPU the server has used so far (Linux; 0 elsewhere)."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (AttributeError, OSError):
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


@contextlib.contextmanager
def running(server: Server, ready_path: str = "/") -> Iterator[Server]:
    try:
        server.start(ready_path)
        yield server
    finally:
        server.stop()


def app_server(name: str, database_url: str) -> Server:
    """The real app, served exactly as `bridgework serve` serves it, one worker."""
    return Server(
        name,
        [sys.executable, "-m", "server", "serve"],
        {
            "DATABASE_URL": database_url,
            "BRIDGEWORK_DATA_DIR": str(SCRATCH),
            "SECRET_KEY": SECRET_KEY,
            "DATABASE_POOL_SIZE": "10",
            "BRIDGEWORK_WORKERS": "1",
            "BRIDGEWORK_HOST": HOST,
        },
    )


def _probe(port: int, path: str) -> int:
    connection = http.client.HTTPConnection(HOST, port, timeout=5)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    finally:
        connection.close()


# ---------------------------------------------------------------- the client
# A minimal HTTP/1.1 keep-alive client. httpx spends more CPU per request than a
# bare Litestar page does, so with it the load generator, not the server, would set
# the bare page's throughput and flatter every ratio measured against it.


class Connection:
    def __init__(self, port: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.port = port
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        reader, writer = await asyncio.open_connection(HOST, port, limit=1 << 20)
        return cls(port, reader, writer)

    def close(self) -> None:
        self.writer.close()

    async def request(
        self,
        method: str,
        path: str,
        headers: dict[str, str] | None = None,
        body: bytes = b"",
    ) -> tuple[int, dict[str, str], bytes]:
        """Send one request and read the whole response: (status, headers, body)."""
        lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{self.port}"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        if body or method in ("POST", "PUT", "PATCH"):
            lines.append(f"Content-Length: {len(body)}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        response_headers: dict[str, str] = {}
        cookies = []
        for line in header_lines:
            if not line:
                continue
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                cookies.append(value)
            response_headers[name] = value
        response_headers["set-cookie"] = "\n".join(cookies)
        if "content-length" in response_headers:
            content = await self.reader.readexactly(int(response_headers["content-length"]))
        elif response_headers.get("transfer-encoding") == "chunked":
            content = await self._chunks()
        else:
            content = b""
        return status, response_headers, content

    async def _chunks(self) -> bytes:
        parts = []
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
            parts.append(await self.reader.readexactly(size + 2))
            if size == 0:
                return b"".join(parts)


def cookies_from(headers: dict[str, str]) -> dict[str, str]:
    found = {}
    for line in headers.get("set-cookie", "").split("\n"):
        pair = line.split(";", 1)[0]
        if "=" in pair:
            name, _, value = pair.partition("=")
            found[name.strip()] = value.strip().strip('"')
    return found


@dataclass
class Visitor:
    """One browser's cookies on one server, with the CSRF header its script would send."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        out = {"Cookie": cookie} if cookie else {}
        if "csrftoken" in self.cookies:
            out["X-CSRFToken"] = self.cookies["csrftoken"]
        return {**out, **(extra or {})}

    async def sign_in(self, email: str, password: str = PASSWORD) -> None:
        """GET /signin for the CSRF cookie, then POST /api/v1/session."""
        connection = await Connection.open(self.port)
        try:
            _, headers, _ = await connection.request("GET", "/signin")
            self.cookies.update(cookies_from(headers))
            body = f'{{"email": "{email}", "password": "{password}"}}'.encode()
            status, headers, content = await connection.request(
                "POST",
                "/api/v1/session",
                self.headers({"Content-Type": "application/json"}),
                body,
            )
            if status != 200:
                raise RuntimeError(f"sign-in as {email} failed: {status} {content[:200]!r}")
            self.cookies.update(cookies_from(headers))
        finally:
            connection.close()


@dataclass
class LoadResult:
    ok: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def rps(self) -> float:
        return self.ok / self.seconds


async def hammer(
    port: int,
    path: str,
    headers: dict[str, str],
    *,
    concurrency: int,
    seconds: float,
    warmup: float = 0.25,
    before: Callable[[int], Awaitable[None]] | None = None,
) -> LoadResult:
    """GET `path` from `concurrency` keep-alive connections, counting only after `warmup`.

    `before(n)`, when given, runs before the n-th request of each connection (say, a
    change to the data the page shows); its time is not the request's."""
    ok = errors = 0
    latencies: list[float] = []
    start_at = time.perf_counter() + warmup
    stop_at = start_at + seconds

    async def worker() -> None:
        nonlocal ok, errors
        connection = await Connection.open(port)
        n = 0
        try:
            while time.perf_counter() < stop_at:
                if before is not None:
                    await before(n)
                n += 1
                sent = time.perf_counter()
                try:
                    status, _, _ = await connection.request("GET", path, headers)
                except (OSError, asyncio.IncompleteReadError):
                    connection.close()
                    connection = await Connection.open(port)
                    status = 0
                # Count what completed inside the window, so the rate is exact.
                if start_at <= (done := time.perf_counter()) < stop_at:
                    latencies.append((done - sent) * 1000)
                    if status == 200:
                        ok += 1
                    else:
                        errors += 1
        finally:
            connection.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return LoadResult(ok, errors, seconds, latencies)


def run(main: Any) -> Any:
    """asyncio.run with uvloop when it is installed (uvicorn[standard] brings it).

    The bound SQLite engine's kept connections are closed on the loop that used them,
    before it ends (the next run opens new ones). When they were aiosqlite's, one left
    open (a seeder's transaction connection) was closed later by the garbage collector
    onto a loop closed by then: "RuntimeError: Event loop is closed" at teardown."""

    async def then_close_connections() -> Any:
        from server.sqlite import KeptConnectionsSQLiteEngine
        from server.tables import User

        try:
            return await main
        finally:
            if isinstance(engine := User._meta.db, KeptConnectionsSQLiteEngine):
                await engine.close_connections()

    try:
        import uvloop
    except ImportError:
        return asyncio.run(then_close_connections())
    return uvloop.run(then_close_connections())
