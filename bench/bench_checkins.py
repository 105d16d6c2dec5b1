"""Check-ins posted by 64 concurrent clients to the real app on SQLite.

64 people (32 bridges, each side with 5 daily commitments and a day of history, so
a check-in costs what writing costs rather than what replaying a long log costs) sign
in; then all 64 start together, and each posts its 10 check-ins (5 items, today and
yesterday) one after another on its own keep-alive connection, through the JSON API
with the CSRF header and an Idempotency-Key. Any answer but 201, or a failed request,
is an error; so are "database is locked" in the server's log and a 201 whose act was
not stored.

Then the same clients post the same requests to a bare Litestar endpoint with the
app's middleware and nothing behind it (bench/bare_api.py), in the same run: the
latency this machine, the framework and the load generator give before the app
does any work. With 64 clients posting back to back, latency is about 64 divided
by the rate, so p99 at most 100 ms means well over 640 check-ins a second.

Prints (goal: zero errors, p99 at most 100 ms):
  checkin_errors_sqlite: failed check-ins, "database is locked" lines, lost check-ins
  checkin_p99_ms_sqlite, checkin_p50_ms_sqlite: latency as the clients saw it
  checkins_per_s_sqlite: check-ins recorded per second while all clients ran
  checkin_cpu_ms_sqlite: the server's CPU time per check-in
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
HISTORY_DAYS = 1
SIGN_IN_AT_ONCE = 8  # argon2id is deliberately slow; sign-ins are not what is measured


async def _sign_in_all(port: int, seats: list[seeding.Seat]) -> list[Visitor]:
    gate = asyncio.Semaphore(SIGN_IN_AT_ONCE)

    async def one(seat: seeding.Seat) -> Visitor:
        async with gate:
            visitor = Visitor(port)
            await visitor.sign_in(seat.email)
            return visitor

    return list(await asyncio.gather(*(one(seat) for seat in seats)))


async def _post_all(
    port: int, seats: list[seeding.Seat], visitors: list[Visitor], days: list[str]
) -> tuple[list[float], list[str], float]:
    latencies: list[float] = []
    failures: list[str] = []
    start = asyncio.Event()

    async def client(seat: seeding.Seat, visitor: Visitor) -> None:
        connection = await Connection.open(port)
        try:
            await start.wait()
            for day in days:
                for commitment in seat.commitments:
                    body = json.dumps({"commitment": commitment, "outcome": "kept", "day": day})
                    path = f"/api/v1/bridges/{seat.bridge}/checkins"
                    headers = visitor.headers(
                        {"Content-Type": "application/json", "Idempotency-Key": uuid.uuid4().hex}
                    )
                    sent = time.perf_counter()
                    try:
                        status, _, content = await connection.request(
                            "POST", path, headers, body.encode()
                        )
                    except (OSError, asyncio.IncompleteReadError) as error:
                        status, content = 0, repr(error).encode()
                        connection.close()
                        connection = await Connection.open(port)
                    latencies.append((time.perf_counter() - sent) * 1000)
                    if status != 201:
                        failures.append(f"{status} {content[:200]!r}")
        finally:
            connection.close()

    tasks = [asyncio.create_task(client(s, v)) for s, v in zip(seats, visitors, strict=True)]
    await asyncio.sleep(0.5)  # every client connected and waiting
    began = time.perf_counter()
    start.set()
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=120)
    return latencies, failures, time.perf_counter() - began


async def _recorded(url: str, bridges: list[int], days: list[str]) -> int:
    from datetime import date

    from server.tables import TrustAct

    harness.bind(url)
    return await TrustAct.count().where(
        TrustAct.bridge.is_in(bridges)
        & (TrustAct.kind == "kept")
        & TrustAct.day.is_in([date.fromisoformat(d) for d in days])
    )


def _bare(seats: list[seeding.Seat], days: list[str]) -> tuple[list[float], float, float]:
    """The same clients and requests against bench/bare_api.py: latencies, seconds, CPU."""
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
        cpu = server.cpu_seconds()
        latencies, failures, seconds = run(_post_all(server.port, seats, visitors, days))
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
    say(f"seeding {CLIENTS} people with {COMMITMENTS} daily commitments each")
    migrate(url)
    seats = run(seeding.seed_pairs(url, CLIENTS, COMMITMENTS, HISTORY_DAYS))
    zone = seeding.midday_zone()
    from server import clock
    from server import domain as d

    today = d.local_today(clock.now(), zone)
    days = [today.isoformat(), (today - timedelta(days=1)).isoformat()]
    with harness.running(app_server("checkins-sqlite", url), "/signin") as server:
        say(f"signing in {CLIENTS} clients")
        visitors = run(_sign_in_all(server.port, seats))
        say(f"{CLIENTS} clients posting {len(days) * COMMITMENTS} check-ins each")
        cpu = server.cpu_seconds()
        latencies, failures, seconds = run(_post_all(server.port, seats, visitors, days))
        cpu = server.cpu_seconds() - cpu
    bare_latencies, bare_seconds, bare_cpu = _bare(seats, days)
    locked = server.log().count("database is locked")
    recorded = run(_recorded(url, sorted({s.bridge for s in seats}), days))
    for failure in sorted(set(failures))[:5]:
        say(f"failed: {failure}")
    # A check-in answered 201 but not stored (or stored twice) is an error too.
    lost = abs(recorded - (len(latencies) - len(failures)))
    if lost:
        say(f"{len(latencies) - len(failures)} check-ins answered 201 but {recorded} are stored")
    if locked:
        say(f'"database is locked" appears {locked} times in the server log')
    figure("checkin_errors_sqlite", len(failures) + locked + lost)
    figure("checkin_p99_ms_sqlite", f"{percentile(latencies, 0.99):.0f}")
    figure("checkin_p50_ms_sqlite", f"{percentile(latencies, 0.50):.0f}")
    figure("checkins_per_s_sqlite", f"{(len(latencies) - len(failures)) / seconds:.0f}")
    figure("checkin_cpu_ms_sqlite", f"{1000 * cpu / max(len(latencies), 1):.2f}")
    figure("checkin_bare_p99_ms", f"{percentile(bare_latencies, 0.99):.0f}")
    figure("checkin_bare_per_s", f"{len(bare_latencies) / bare_seconds:.0f}")
    figure("checkin_bare_cpu_ms", f"{1000 * bare_cpu / max(len(bare_latencies), 1):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
