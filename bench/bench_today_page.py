"""The signed-in Today page against a bare Litestar page of the same size, in one run.

Alice has 5 active bridges, 10 commitments of her own (5 more of her partners') and
a year of history. The real app serves her Today page from a SQLite file and from a
fresh PostgreSQL database (`bridgework serve`, one worker each); a bare Litestar app
(bench/bare_page.py, one worker) renders a Jinja2 page of the same size. The same
load generator (16 keep-alive connections, `Accept-Encoding: gzip` as a browser
sends) drives each in turn, in alternating rounds so that anything else running on
the machine weighs on all of them alike.

Half of Alice's page loads follow a change to one of her bridges, as after a
check-in: the load generator raises that bridge's `version` in the database (what a
check-in's trigger does), so the page meets a cold derivation cache for that bridge
and derives its year of history again.

Prints (goal: each ratio at least 0.25):
  today_page_bytes, bare_page_bytes: the two pages' sizes
  bare_page_rps: the bare page's requests per second
  today_page_rps_sqlite, today_page_rps_postgres: the Today page's
  today_page_ratio_sqlite, today_page_ratio_postgres: Today ÷ bare
  bare_page_cpu_ms, today_page_cpu_ms_sqlite, today_page_cpu_ms_postgres: the app
    process's CPU time per page (PostgreSQL's own work not counted); other work on
    the machine disturbs it far less than it disturbs throughput
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import threading
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import harness
import seeding
from harness import (
    Connection,
    Server,
    Visitor,
    app_server,
    create_postgres,
    drop_postgres,
    figure,
    hammer,
    migrate,
    run,
    say,
    sqlite_url,
)

CONCURRENCY = 16
WARMUP_S = 2.0
ROUNDS = 4
ROUND_S = 2.0  # 8 s measured per page


async def _get(port: int, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
    connection = await Connection.open(port)
    try:
        status, _, body = await connection.request("GET", path, headers)
        return status, body
    finally:
        connection.close()


@dataclass
class Target:
    server: Server
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    before: Any = None
    ok: int = 0
    errors: int = 0
    cpu_s: float = 0.0


def _serve_today(name: str, url: str, servers: list[Server]) -> Target:
    say(f"{name}: migrating and seeding Alice's year")
    migrate(url)
    run(seeding.seed_alice(url, days=365))
    server = app_server(f"today-{name}", url)
    servers.append(server)
    server.start("/signin")
    alice = Visitor(server.port)
    run(alice.sign_in("alice@example.com"))
    return Target(server, "/today", {**alice.headers(), **GZIP}, before=changes(url))


GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def changes(url: str) -> Any:
    """Before every other page load, one of Alice's bridges changes (round robin),
    through one connection kept open: the load generator's own reconnects and
    handshakes would otherwise weigh on the Today page's rate, not the app's work."""
    turn = 0
    bump = _Bumper(url)

    async def before(n: int) -> None:
        nonlocal turn
        if n % 2:
            turn += 1
            await bump(1 + turn % 5)

    return before


class _Bumper:
    """Raises a bridge's `version`, as a check-in's trigger does."""

    SQL = "UPDATE bridge SET version = version + 1 WHERE id = {}"

    def __init__(self, url: str) -> None:
        self.url = url
        self.sqlite: sqlite3.Connection | None = None
        self.postgres: Any = None
        self.loop: Any = None  # each round runs on its own event loop
        self.lock = asyncio.Lock()
        self.sqlite_lock = threading.Lock()

    async def __call__(self, bridge_id: int) -> None:
        if self.url.startswith("sqlite:///"):
            if self.sqlite is None:
                path = self.url.removeprefix("sqlite:///")
                self.sqlite = sqlite3.connect(path, timeout=30, check_same_thread=False)
            connection = self.sqlite

            def write() -> None:
                with self.sqlite_lock:  # one statement at a time on one connection
                    connection.execute(self.SQL.format("?"), (bridge_id,))
                    connection.commit()

            await asyncio.to_thread(write)
            return
        loop = asyncio.get_running_loop()
        if self.loop is not loop:  # a new round: a connection (and a turn) of its own
            self.loop, self.lock, self.postgres = loop, asyncio.Lock(), None
        async with self.lock:  # one statement at a time on one connection
            if self.postgres is None:
                self.postgres = await asyncpg.connect(self.url)
            await self.postgres.execute(self.SQL.format("$1"), bridge_id)


def _bare(page_bytes: int, servers: list[Server]) -> Target:
    server = Server(
        "bare",
        [sys.executable, "-m", "uvicorn", "bare_page:create_app", "--factory",
         "--app-dir", str(harness.ROOT / "bench"), "--host", harness.HOST, "--log-level", "info"],
        {"BARE_PAGE_BYTES": str(page_bytes)},
    )  # fmt: skip
    server.command += ["--port", str(server.port)]
    servers.append(server)
    server.start("/")
    return Target(server, "/", dict(GZIP))


def _load(t: Target, seconds: float) -> harness.LoadResult:
    return run(
        hammer(
            t.server.port,
            t.path,
            t.headers,
            concurrency=CONCURRENCY,
            seconds=seconds,
            before=t.before,
        )
    )


def _measure(targets: dict[str, Target]) -> None:
    say(f"warming up {', '.join(targets)}")
    for t in targets.values():
        _load(t, WARMUP_S)
    names = list(targets)
    for n in range(ROUNDS):
        for name in names[n % len(names) :] + names[: n % len(names)]:
            t = targets[name]
            before = t.server.cpu_seconds()
            result = _load(t, ROUND_S)
            t.cpu_s += t.server.cpu_seconds() - before
            t.ok += result.ok
            t.errors += result.errors
            say(f"round {n + 1} {name}: {result.rps:.0f} req/s, {result.errors} errors")


def main() -> int:
    servers: list[Server] = []
    postgres_url = None
    targets: dict[str, Target] = {}
    try:
        targets["sqlite"] = today = _serve_today("sqlite", sqlite_url("today"), servers)
        plain = {k: v for k, v in today.headers.items() if k not in GZIP}  # to read it
        status, body = run(_get(today.server.port, today.path, plain))
        if status != 200 or b"Today" not in body:
            raise RuntimeError(f"the Today page answered {status}: {body[:300]!r}")
        try:
            postgres_url = create_postgres()
        except Exception as error:  # unreachable, refused, no such role...
            say(f"PostgreSQL skipped: unreachable at {harness.POSTGRES_ADMIN_URL}: {error}")
        if postgres_url:
            targets["postgres"] = _serve_today("postgres", postgres_url, servers)
        targets["bare"] = bare = _bare(len(body), servers)
        _, bare_body = run(_get(bare.server.port, bare.path, {}))
        _measure(targets)
    finally:
        for server in servers:
            server.stop()
        if postgres_url:
            drop_postgres(postgres_url)

    seconds = ROUNDS * ROUND_S
    figure("today_page_bytes", len(body))
    figure("bare_page_bytes", len(bare_body))
    figure("bare_page_rps", f"{bare.ok / seconds:.0f}")
    figure("bare_page_cpu_ms", f"{1000 * bare.cpu_s / max(bare.ok, 1):.2f}")
    for kind in ("sqlite", "postgres"):
        if kind not in targets:
            figure(f"today_page_rps_{kind}", "skipped")
            figure(f"today_page_ratio_{kind}", "skipped")
            continue
        t = targets[kind]
        figure(f"today_page_rps_{kind}", f"{t.ok / seconds:.0f}")
        figure(f"today_page_ratio_{kind}", f"{t.ok / max(bare.ok, 1):.2f}")
        figure(f"today_page_cpu_ms_{kind}", f"{1000 * t.cpu_s / max(t.ok, 1):.2f}")
    failed = {name: t.errors for name, t in targets.items() if t.errors}
    if failed:
        say(f"requests that failed: {failed}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
