"""Check-ins posted by 64 concurrent clients to the real app on SQLite, on bridges
with a year of history, each followed by the person's Today.

64 people (32 bridges, each side with 5 daily commitments and a year of history:
kept, missed, reported, confirmed) sign in and open Today once, untimed (a server
that has been up a while has derived their bridges); then all 64 start together, and each,
on its own keep-alive connection, checks in its 5 items for yesterday and for today
(one in five as missed, the rest kept) and confirms two of the partner's older
planks, through the JSON API with the CSRF header and an Idempotency-Key; after each
of those it loads its Today page as a browser would (gzip), which the write has just
made stale. Any answer but 201 (200 for Today), or a failed request, is an error; so
are "database is locked" in the server's log and a 201 whose act was not stored.

Then the same clients post the same check-ins to a bare Litestar endpoint with the
app's middleware and nothing behind it (bench/bare_api.py), in the same run: the
latency this machine, the framework and the load generator give before the app
does any work.

Prints (goal: zero errors, check-in p99 at most 100 ms, check-in then Today p99 at
most 150 ms):
  checkin_errors_sqlite: failed requests, "database is locked" lines, lost check-ins
  checkin_p99_ms_sqlite, checkin_p50_ms_sqlite: a write's latency as the clients saw it
  checkin_then_today_p99_ms_sqlite: a write and then that person's Today, end to end
  checkins_per_s_sqlite: writes recorded per second while all clients ran
  checkin_cpu_ms_sqlite: the server's CPU time per write and its Today
  checkin_bare_p99_ms, checkin_bare_per_s, checkin_bare_cpu_ms: the same for the
    bare endpoint
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
import uuid
from datetime import timedelta

import harness
import seeding
from harness import (
    Connection,
    Server,
    Visitor,
    app_server,
    figure,
    migrate,
    percentile,
    run,
    say,
    sqlite_url,
)

CLIENTS = 64
COMMITMENTS = 5  # per person, all daily
HISTORY_DAYS = 365
MISSED_EVERY = 5  # one check-in in five says missed
CONFIRMATIONS = 2  # of the partner's older planks, per client
SIGN_IN_AT_ONCE = 8  # argon2id is deliberately slow; sign-ins are not what is measured


async def _sign_in_all(port: int, seats: list[seeding.Seat]) -> list[Visitor]:
    gate = asyncio.Semaphore(SIGN_IN_AT_ONCE)

    async def one(seat: seeding.Seat) -> Visitor:
        async with gate:
            visitor = Visitor(port)
            await visitor.sign_in(seat.email)
            return visitor

    return list(await asyncio.gather(*(one(seat) for seat in seats)))


Request = tuple[str, str, dict[str, object]]  # method, path, JSON body


def _requests(seat: seeding.Seat, days: list[str], to_confirm: list[int]) -> list[Request]:
    """A client's writes: its items for each day (one in five missed), then confirmations."""
    path = f"/api/v1/bridges/{seat.bridge}"
    writes: list[Request] = []
    for day in days:
        for n, commitment in enumerate(seat.commitments):
            outcome = "missed" if n % MISSED_EVERY == MISSED_EVERY - 1 else "kept"
            body = {"commitment": commitment, "outcome": outcome, "day": day}
            writes.append(("POST", f"{path}/checkins", body))
    writes += [("POST", f"{path}/confirmations", {"act": act}) for act in to_confirm]
    return writes


async def _post_all(
    port: int,
    visitors: list[Visitor],
    plans: list[list[Request]],
    *,
    then_today: bool,
) -> tuple[list[float], list[float], list[str], float]:
    """Every client's writes at once: write latencies, write-then-Today latencies,
    failures and the seconds it took."""
    latencies: list[float] = []
    with_today: list[float] = []
    failures: list[str] = []
    start = asyncio.Event()

    async def client(visitor: Visitor, plan: list[Request]) -> None:
        connection = await Connection.open(port)
        try:
            await start.wait()
            for method, path, body in plan:
                headers = visitor.headers(
                    {"Content-Type": "application/json", "Idempotency-Key": uuid.uuid4().hex}
                )
                sent = time.perf_counter()
                try:
                    status, _, content = await connection.request(
                        method, path, headers, json.dumps(body).encode()
                    )
                    written = time.perf_counter()
                    if status != 201:
                        failures.append(f"{status} {content[:200]!r}")
                    if then_today:
                        page = visitor.headers({"Accept-Encoding": "gzip", "Accept": "text/html"})
                        status, _, content = await connection.request("GET", "/today", page)
                        if status != 200:
                            failures.append(f"today {status} {content[:200]!r}")
                except (OSError, asyncio.IncompleteReadError) as error:
                    failures.append(repr(error))
                    connection.close()
                    connection = await Connection.open(port)
                    continue
                latencies.append((written - sent) * 1000)
                with_today.append((time.perf_counter() - sent) * 1000)
        finally:
            connection.close()

    tasks = [asyncio.create_task(client(v, p)) for v, p in zip(visitors, plans, strict=True)]
    await asyncio.sleep(0.5)  # every client connected and waiting
    began = time.perf_counter()
    start.set()
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=300)
    return latencies, with_today, failures, time.perf_counter() - began


async def _open_today(port: int, visitors: list[Visitor]) -> None:
    connection = await Connection.open(port)
    try:
        for visitor in visitors:
            status, _, _ = await connection.request("GET", "/today", visitor.headers())
            if status != 200:
                raise RuntimeError(f"Today answered {status}")
    finally:
        connection.close()


async def _unconfirmed(url: str, seats: list[seeding.Seat], today: str) -> list[list[int]]:
    """For each seat, CONFIRMATIONS of the partner's kept acts from before yesterday
    that nobody confirmed yet."""
    from datetime import date, timedelta

    from server import domain as d
    from server.tables import TrustAct

    harness.bind(url)
    before = date.fromisoformat(today) - timedelta(days=2)
    since = date.fromisoformat(today) - timedelta(days=d.CONFIRM_DAYS)  # still confirmable
    confirmed = {
        row["target"]
        for row in await TrustAct.select(TrustAct.target).where(TrustAct.kind == "confirmation")
    }
    picked = []
    for n, seat in enumerate(seats):
        partner_side = "b" if n % 2 == 0 else "a"
        rows = (
            await TrustAct.select(TrustAct.id)
            .where(
                (TrustAct.bridge == seat.bridge)
                & (TrustAct.kind == "kept")
                & (TrustAct.owner_side == partner_side)
                & (TrustAct.day < before)
                & (TrustAct.day >= since)
            )
            .order_by(TrustAct.id, ascending=False)
        )
        free = [row["id"] for row in rows if row["id"] not in confirmed]
        picked.append(free[:CONFIRMATIONS])
    return picked


async def _recorded(url: str, bridges: list[int], days: list[str]) -> int:
    from datetime import date

    from server.tables import TrustAct

    harness.bind(url)
    return await TrustAct.count().where(
        TrustAct.bridge.is_in(bridges)
        & TrustAct.kind.is_in(["kept", "missed_self"])
        & TrustAct.day.is_in([date.fromisoformat(d) for d in days])
    )


def _bare(seats: list[seeding.Seat], days: list[str]) -> tuple[list[float], float, float]:
    """The same clients and check-ins against bench/bare_api.py: latencies, seconds, CPU."""
    server = Server(
        "checkins-bare",
        [sys.executable, "-m", "uvicorn", "bare_api:create_app", "--factory",
         "--app-dir", str(harness.ROOT / "bench"), "--host", harness.HOST, "--log-level", "info"],
        {},
    )  # fmt: skip
    server.command += ["--port", str(server.port)]
    with harness.running(server, "/signin"):
        visitors = [Visitor(server.port) for _ in seats]
        for visitor in visitors:
            visitor.cookies["csrftoken"] = run(_csrf_cookie(server.port))
        say(f"{CLIENTS} clients posting to the bare endpoint")
        plans = [_requests(seat, days, [])[: len(days) * COMMITMENTS] for seat in seats]
        cpu = server.cpu_seconds()
        latencies, _, failures, seconds = run(
            _post_all(server.port, visitors, plans, then_today=False)
        )
        cpu = server.cpu_seconds() - cpu
    if failures:
        raise RuntimeError(f"the bare endpoint failed: {failures[:3]}")
    return latencies, seconds, cpu


async def _csrf_cookie(port: int) -> str:
    connection = await Connection.open(port)
    try:
        _, headers, _ = await connection.request("GET", "/signin", {})
        return harness.cookies_from(headers)["csrftoken"]
    finally:
        connection.close()


def main() -> int:
    url = sqlite_url("checkins")
    say(f"seeding {CLIENTS} people, {COMMITMENTS} daily commitments each, {HISTORY_DAYS} days")
    migrate(url)
    seats = run(seeding.seed_pairs(url, CLIENTS, COMMITMENTS, HISTORY_DAYS))
    zone = seeding.midday_zone()
    from server import clock
    from server import domain as d

    today = d.local_today(clock.now(), zone)
    days = [(today - timedelta(days=1)).isoformat(), today.isoformat()]
    to_confirm = run(_unconfirmed(url, seats, today.isoformat()))
    plans = [_requests(seat, days, acts) for seat, acts in zip(seats, to_confirm, strict=True)]
    with harness.running(app_server("checkins-sqlite", url), "/signin") as server:
        say(f"signing in {CLIENTS} clients")
        visitors = run(_sign_in_all(server.port, seats))
        # Each person has opened Today before (a server that has been up a while):
        # the timed writes meet warm derivations, as after any earlier visit.
        run(_open_today(server.port, visitors))
        say(f"{CLIENTS} clients each writing {len(plans[0])} times, each write then Today")
        cpu = server.cpu_seconds()
        latencies, with_today, failures, seconds = run(
            _post_all(server.port, visitors, plans, then_today=True)
        )
        cpu = server.cpu_seconds() - cpu
    bare_latencies, bare_seconds, bare_cpu = _bare(seats, days)
    locked = server.log().count("database is locked")
    recorded = run(_recorded(url, sorted({s.bridge for s in seats}), days))
    for failure in sorted(set(failures))[:5]:
        say(f"failed: {failure}")
    # A check-in answered 201 but not stored (or stored twice) is an error too.
    checkins = len(days) * COMMITMENTS * len(seats)
    lost = abs(recorded - checkins)
    if lost:
        say(f"{checkins} check-ins were sent but {recorded} are stored")
    if locked:
        say(f'"database is locked" appears {locked} times in the server log')
    figure("checkin_history_days", HISTORY_DAYS)
    figure("checkin_errors_sqlite", len(failures) + locked + lost)
    figure("checkin_p99_ms_sqlite", f"{percentile(latencies, 0.99):.0f}")
    figure("checkin_p50_ms_sqlite", f"{percentile(latencies, 0.50):.0f}")
    figure("checkin_then_today_p99_ms_sqlite", f"{percentile(with_today, 0.99):.0f}")
    figure("checkins_per_s_sqlite", f"{len(latencies) / seconds:.0f}")
    figure("checkin_cpu_ms_sqlite", f"{1000 * cpu / max(len(latencies), 1):.2f}")
    figure("checkin_bare_p99_ms", f"{percentile(bare_latencies, 0.99):.0f}")
    figure("checkin_bare_per_s", f"{len(bare_latencies) / bare_seconds:.0f}")
    figure("checkin_bare_cpu_ms", f"{1000 * bare_cpu / max(len(bare_latencies), 1):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
