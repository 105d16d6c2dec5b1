"""A whole company on one PostgreSQL, served the way production serves it.

Seeds 20,000 people (400 teams of 50), 10,000 bridges (plus 25 so the measured lead's
team has 50) and a year of history — about 10 million trust acts: check-ins kept and
missed, misses reported by the partner, confirmations, listening sessions, owned
mistakes, pauses — and a reminder subscription for everyone. The history is written
by PostgreSQL itself (`INSERT … SELECT` over `generate_series`, the trust_act indexes
built afterwards) into a template database kept between runs of the same day and
schema, and each run starts from a copy of it (`CREATE DATABASE … TEMPLATE`). The
template also holds what a year of use leaves in `bridge_fold`: each bridge's fold,
stored by the app's own `derived.store_folds` as of yesterday (a bridge's first reader
after a restart stores one, server/repair/derived.py).

Then it runs the deployment shape: `bridgework serve` with BRIDGEWORK_WORKERS=2 and
two `bridgework dispatch --loop` processes, all on that database, and:

0. 40 other people open Today and a bridge page, untimed: workers that have been up a
   while (templates compiled, connections open), as in production;
1. 200 signed-in people at once for 60 s (browser-like headers, gzip), each client
   cycling through its own people: 80 % Today, 15 % check-ins, 5 % bridge pages, and
   each person reading an answer for 1-5 s before the next tap (Locust's
   `between(1, 5)`): what 200 people using the app at the same moment ask of it;
   then the saturation: 200 other clients with no think time for 20 s, each sending
   its next request the moment an answer arrives — the most the deployment serves,
   and how long a page takes when it is full;
2. a lead's dashboard for her 50-bridge team at the first visit of the day (none of
   her team's bridges was derived by any worker before: each is carried on from its
   stored fold);
3. the morning: everyone's reminder falls due at the same moment, 20 s after it was
   set (a time set ahead, as people set theirs), and the two dispatchers send them to
   a loopback push service answering after 50 ms.

Prints:
  scale_people, scale_bridges, scale_acts: what was seeded
  scale_requests, scale_errors: requests the 200 people made, and those not 2xx (goal 0)
  scale_offered_per_s: what 200 people at once ask for, a second
  scale_today_p99_ms (goal <= 150), scale_checkin_p99_ms (<= 150), scale_bridge_p99_ms:
    what those people waited
  scale_saturated_errors, scale_requests_per_s: the saturation's errors and requests
    a second (the capacity), scale_saturated_today_p99_ms: Today when it is full
  scale_app_cpu_ms, scale_db_cpu_ms: CPU per request of the app workers and of their
    PostgreSQL backends during the saturation (what runs out first, and when)
  scale_busiest_worker_share: the share of requests the busier app worker answered
    (0.50: even; uvicorn's workers share one socket and keep-alive connections stay
    with the worker that accepted them)
  scale_lead_first_visit_ms (goal <= 300)
  scale_reminders: reminders sent (people with nothing due get none);
    scale_reminders_s: from everyone falling due to the last one sent (goal: 20,000 in
    <= 10 s); scale_reminders_wait_s: of which until the first claim (an idle
    dispatcher sleeps until the next reminder falls due, then works out its first
    batch of 1,000);
    scale_reminders_unsent: people still waiting when the script had to stop (goal 0)
  scale_dispatcher_cpu_ms: the dispatchers' CPU per reminder during the morning
  scale_db_mb, scale_bytes_per_act (trust_act with its indexes, per act)

BENCH_SCALE (default 1) scales the people, bridges and acts (0.05: 1,000 people);
BENCH_SCALE_CLIENTS, BENCH_SCALE_SECONDS and BENCH_SCALE_SATURATE_SECONDS change the
load; BENCH_SCALE_FRESH=1 seeds again even if today's template exists; BENCH_SCALE_LOG
names a file to keep the app's log in (a JSON line a request, with its duration). The script stops
itself after 10 minutes whatever happens, and stops every process it started.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import hashlib
import json
import os
import random
import secrets
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import harness  # points the settings at a scratch folder first
from bench_push import backends_cpu_s, machine_cpu_s, process_cpu_s
from harness import (
    HOST,
    POSTGRES_ADMIN_URL,
    ROOT,
    SCRATCH,
    SECRET_KEY,
    Connection,
    Server,
    cookies_from,
    figure,
    free_port,
    migrate,
    password_hash,
    percentile,
    say,
)

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
TEAM_SIZE = 50
TEAMS = max(2, round(400 * SCALE))
PEOPLE = TEAMS * TEAM_SIZE
BRIDGES = PEOPLE // 2
DAYS = 365
CLIENTS = int(os.environ.get("BENCH_SCALE_CLIENTS", "200"))
SECONDS = float(os.environ.get("BENCH_SCALE_SECONDS", "60"))
# A person reads what a tap answered before the next one: Locust's `between(1, 5)`.
THINK = (1.0, 5.0)
SATURATE_SECONDS = float(os.environ.get("BENCH_SCALE_SATURATE_SECONDS", "20"))
PEOPLE_PER_CLIENT = 10
WARM_UP = 40  # people who warm the workers up before the load, untimed
WATCHDOG_S = 600
SEED_VERSION = "3"  # change with the seeding SQL or the folds' format: no old template reused
BROWSER = {
    "User-Agent": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36",
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "en-GB,en;q=0.9",
    "Accept-Encoding": "gzip",
}


class Watchdog(Exception):
    """Ten minutes passed: stop everything and say so."""


def _alarm(signum: int, frame: object) -> None:
    raise Watchdog(f"bench_scale stopped itself after {WATCHDOG_S} s")


# ---------------------------------------------------------------- the database


async def admin(sql: str, *args: object) -> list[dict[str, object]]:
    import asyncpg

    connection = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=10)
    try:
        return [dict(r) for r in await connection.fetch(sql, *args)]
    finally:
        await connection.close()


def url_of(name: str) -> str:
    return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def midday_zone() -> str:
    """A fixed-offset zone where it is about noon now: no local midnight during the run."""
    hours = 12 - datetime.now(UTC).hour
    return "Etc/GMT" if hours == 0 else f"Etc/GMT{-hours:+d}"


def template_name() -> str:
    """Today's seeded database for this scale, this schema (the migrations' ids) and
    these rules (the folds' domain hash)."""
    from server.observe.health import expected_migrations
    from server.repair.derived import DOMAIN

    # The stored folds are ignored once server/domain changes: seed them again then.
    schema = hashlib.sha256(repr((sorted(expected_migrations()), DOMAIN)).encode()).hexdigest()[:8]
    stamp = datetime.now(UTC).strftime("%Y%m%d")
    return f"bridgework_scale_{PEOPLE}_{stamp}_{schema}{SEED_VERSION}"


SEED = [
    # People, teams of 50 (the first of each leads it), bridges between neighbours.
    """INSERT INTO person (id, email, display_name, password_hash, time_zone, created_at)
       SELECT g, 'person' || g || '@scale.example', 'Person ' || g, $1, $2,
              now() - interval '400 days'
       FROM generate_series(1, $3::int) g""",
    """INSERT INTO team (id, name, created_at)
       SELECT t, 'Team ' || t, now() - interval '400 days' FROM generate_series(1, $1::int) t""",
    """INSERT INTO membership (team, person, role, joined_at)
       SELECT (g - 1) / 50 + 1, g, CASE WHEN (g - 1) % 50 = 0 THEN 'lead' ELSE 'member' END,
              now() - interval '400 days'
       FROM generate_series(1, $1::int) g""",
    """INSERT INTO bridge (id, team, side_a, side_b, status, message, span, created_at,
                           accepted_at)
       SELECT i, (2 * i - 2) / 50 + 1, 2 * i - 1, 2 * i, 'active', '', 120,
              $2::date - 367, $2::date - 366
       FROM generate_series(1, $1::int) i""",
    # Team 1 gets 25 more (2-3, 4-5, ..., 50-1): its lead's dashboard shows 50 bridges.
    """INSERT INTO bridge (id, team, side_a, side_b, status, message, span, created_at,
                           accepted_at)
       SELECT $1::int + j, 1, 2 * j, CASE WHEN j = 25 THEN 1 ELSE 2 * j + 1 END, 'active', '',
              120, $2::date - 367, $2::date - 366
       FROM generate_series(1, 25) j""",
    """INSERT INTO lead_share_choice (bridge, side, shared, changed_at)
       SELECT b.id, s.side, true, now() FROM bridge b, (VALUES ('a'), ('b')) AS s(side)""",
    # Each side a daily commitment; side A also one on Tuesdays and Thursdays.
    """INSERT INTO commitment (bridge, side, owner, text, cadence, weekdays, start, created_at)
       SELECT b.id, c.side, CASE WHEN c.side = 'a' THEN b.side_a ELSE b.side_b END, c.text,
              c.cadence, c.weekdays, $1::date, $1::date
       FROM bridge b, (VALUES ('a', 'Reply the same day', 'daily', ''),
                              ('b', 'Say in stand-up what blocks me', 'daily', ''),
                              ('a', 'Share the checklist before stand-up', 'weekdays', '1,3'))
            AS c(side, text, cadence, weekdays)
       ORDER BY b.id""",
    # A week's pause for side B on one bridge in twenty.
    """INSERT INTO pause (bridge, side, person, start, "end", created_at)
       SELECT id, 'b', side_b, $1::date + 100, $1::date + 106, $1::date + 99
       FROM bridge WHERE id % 20 = 0""",
    "SELECT setseed(0.42)",
    # Check-ins day by day, as they would have arrived: 80 % kept, 8 % missed (owned up),
    # 2 % reported by the partner, 10 % nothing said.
    """INSERT INTO trust_act (bridge, kind, author, author_side, owner_side, day, created_at,
                              commitment, details)
       SELECT c.bridge,
              CASE WHEN x.u < 0.80 THEN 'kept' WHEN x.u < 0.88 THEN 'missed_self'
                   ELSE 'missed_partner' END,
              CASE WHEN x.u < 0.88 THEN c.owner
                   WHEN c.side = 'a' THEN b.side_b ELSE b.side_a END,
              CASE WHEN x.u < 0.88 THEN c.side WHEN c.side = 'a' THEN 'b' ELSE 'a' END,
              c.side, g.day::date, g.day + interval '17 hours', c.id,
              CASE WHEN x.u < 0.88 THEN '{}' ELSE '{"note": "It did not happen."}' END
       FROM commitment c
       JOIN bridge b ON b.id = c.bridge
       CROSS JOIN generate_series($1::date, $2::date, interval '1 day') AS g(day)
       CROSS JOIN LATERAL (SELECT random() + 0 * c.id + 0 * extract(epoch FROM g.day) AS u) x
       WHERE x.u < 0.90
         AND (c.cadence = 'daily'
              OR (extract(isodow FROM g.day)::int - 1)::text
                 = ANY (string_to_array(c.weekdays, ',')))
         AND NOT (c.side = 'b' AND b.id % 20 = 0
                  AND g.day::date BETWEEN $1::date + 100 AND $1::date + 106)
       ORDER BY g.day, c.bridge""",
    # A listening session every 20 days and an owned mistake every 45, sides in turn.
    """INSERT INTO trust_act (bridge, kind, author, author_side, owner_side, day, created_at,
                              details)
       SELECT b.id, k.kind, CASE WHEN s.side = 'a' THEN b.side_a ELSE b.side_b END,
              s.side, s.side, g.day::date, g.day + interval '12 hours', k.details
       FROM bridge b
       CROSS JOIN generate_series($1::date, $2::date, interval '1 day') AS g(day)
       CROSS JOIN (VALUES ('listening', 20,
                           '{"agenda_by": "partner", "summary": "We talked it through."}'),
                          ('mistake', 45,
                           '{"what_happened": "I changed the plan.", "my_part": "I assumed.",
                             "differently": "I will ask first."}')) AS k(kind, every, details)
       CROSS JOIN LATERAL (SELECT CASE WHEN ((g.day::date - $1::date) / k.every) % 2 = 0
                                       THEN 'a' ELSE 'b' END AS side) s
       WHERE ((g.day::date - $1::date) + b.id) % k.every = 0
       ORDER BY g.day, b.id""",
    # The partner confirms half the kept items and every listening session and mistake.
    """INSERT INTO trust_act (bridge, kind, author, author_side, owner_side, day, created_at,
                              target, details)
       SELECT a.bridge, 'confirmation',
              CASE WHEN a.owner_side = 'a' THEN b.side_b ELSE b.side_a END,
              CASE WHEN a.owner_side = 'a' THEN 'b' ELSE 'a' END,
              a.owner_side, a.day, a.created_at + interval '15 hours', a.id, '{}'
       FROM trust_act a JOIN bridge b ON b.id = a.bridge
       WHERE (a.kind = 'kept' AND random() < 0.5) OR a.kind IN ('listening', 'mistake')
       ORDER BY a.day, a.id""",
    # Everyone has a phone with reminders on; nobody is due until the morning comes.
    """INSERT INTO reminder_settings (person, local_time, weekdays, quiet_start, quiet_end,
                                     next_due_at, updated_at)
       SELECT g, '00:00', '0,1,2,3,4,5,6', '', '', '2100-01-01', now()
       FROM generate_series(1, $1::int) g""",
    """INSERT INTO push_subscription (person, endpoint, p256dh, auth, device, created_at)
       SELECT g, 'http://127.0.0.1:9/push/' || g, $2, $3, 'Phone', now()
       FROM generate_series(1, $1::int) g""",
]


async def seed(url: str) -> None:
    """Fill a migrated database; the trust_act indexes are built after its rows."""
    import asyncpg
    from cryptography.hazmat.primitives.asymmetric import ec

    from server.reminders.keys import b64url, public_key_bytes

    zone = midday_zone()
    today = datetime.now(ZoneInfo(zone)).date()
    first, last = today - timedelta(days=DAYS), today - timedelta(days=2)
    browser_key = b64url(public_key_bytes(ec.generate_private_key(ec.SECP256R1()).public_key()))
    args: list[tuple[object, ...]] = [
        (await password_hash(), zone, PEOPLE),
        (TEAMS,),
        (PEOPLE,),
        (BRIDGES, today),
        (BRIDGES, today),
        (),
        (first,),
        (first,),
        (),
        (first, last),
        (first, last),
        (),
        (PEOPLE,),
        (PEOPLE, browser_key, b64url(os.urandom(16))),
    ]
    connection = await asyncpg.connect(url)
    try:
        indexes = await connection.fetch(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'trust_act'"
            " AND indexdef NOT LIKE 'CREATE UNIQUE%'"
        )
        for row in indexes:
            await connection.execute(f'DROP INDEX "{row["indexname"]}"')
        # No triggers while seeding: neither the version bumps (each bridge's `version`
        # starts at 0, consistent with an empty cache) nor the foreign-key checks, which
        # were most of the time (the rows are made consistent by construction).
        await connection.execute("SET session_replication_role = replica")
        for sql, values in zip(SEED, args, strict=True):
            started = time.perf_counter()
            status = await connection.execute(sql, *values)
            say(f"  {status} ({time.perf_counter() - started:.1f} s)")
        for row in indexes:
            await connection.execute(row["indexdef"])
        await connection.execute("SET session_replication_role = DEFAULT")
        for table in ("person", "team", "bridge"):
            await connection.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" (SELECT max(id) FROM {table}))"
            )
        await connection.execute("VACUUM ANALYZE")
    finally:
        await connection.close()


def store_folds(url: str) -> None:
    """What a year of use leaves in `bridge_fold`: each bridge's derivation, stored by
    the app's own `derived.store_folds` as its first reader after a restart would
    (server/repair/derived.py), here as of yesterday — the morning's first visits find
    folds written on earlier days. Two processes, one per core, half the bridges each."""
    started = time.perf_counter()
    yesterday = datetime.now(ZoneInfo(midday_zone())).date() - timedelta(days=1)
    total = BRIDGES + 25
    halves = [(1, total // 2), (total // 2 + 1, total)]
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--store-folds",
                url,
                str(first),
                str(last),
                yesterday.isoformat(),
            ],
            cwd=ROOT,
        )
        for first, last in halves
    ]
    for worker in workers:
        if worker.wait() != 0:
            raise RuntimeError("storing the folds failed")
    say(f"  stored {total} bridges' folds ({time.perf_counter() - started:.1f} s)")


async def _store_folds(url: str, first: int, last: int, day: date) -> None:
    from server.repair.derived import store_folds as store

    engine = harness.bind(url)
    await engine.start_connection_pool(min_size=1, max_size=2)
    try:
        for start in range(first, last + 1, 500):
            await store(list(range(start, min(last, start + 499) + 1)), day)
    finally:
        await engine.close_connection_pool()


def seeded_database() -> str:
    """A fresh copy of today's seeded template (seeding it first if there is none)."""
    template = template_name()
    found = asyncio.run(admin("SELECT 1 FROM pg_database WHERE datname = $1", template))
    if found and os.environ.get("BENCH_SCALE_FRESH") == "1":
        asyncio.run(admin(f'DROP DATABASE "{template}" WITH (FORCE)'))
        found = []
    if not found:
        for row in asyncio.run(
            admin("SELECT datname FROM pg_database WHERE datname LIKE 'bridgework_scale_%'")
        ):
            asyncio.run(admin(f'DROP DATABASE IF EXISTS "{row["datname"]}" WITH (FORCE)'))
        making = f"{template}_seeding"
        asyncio.run(admin(f'CREATE DATABASE "{making}"'))
        started = time.perf_counter()
        say(f"seeding {PEOPLE:,} people and a year of history into {making}")
        migrate(url_of(making))
        asyncio.run(seed(url_of(making)))
        store_folds(url_of(making))
        # Renamed only once complete: a template by its final name is always whole.
        asyncio.run(admin(f'ALTER DATABASE "{making}" RENAME TO "{template}"'))
        say(f"seeded in {time.perf_counter() - started:.0f} s")
    run_name = f"bridgework_scale_run_{uuid.uuid4().hex[:8]}"
    started = time.perf_counter()
    asyncio.run(admin(f'CREATE DATABASE "{run_name}" TEMPLATE "{template}" STRATEGY FILE_COPY'))
    say(f"copied the template in {time.perf_counter() - started:.1f} s")
    return url_of(run_name)


# ---------------------------------------------------------------- people and sessions


@dataclass
class Person:
    id: int
    bridge: int
    token: str
    slots: list[tuple[int, str]]  # (commitment, day) still open to check in


@dataclass
class Client:
    people: list[Person]
    csrf: str = ""
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: int = 0
    turn: int = 0


async def sign_in_people(url: str, ids: list[int]) -> list[Person]:
    """A session for each (straight into the table, as sign-in would leave it)."""
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        zone = await connection.fetchval("SELECT time_zone FROM person WHERE id = 1")
        today = datetime.now(ZoneInfo(zone)).date()
        tokens = {i: secrets.token_urlsafe(32) for i in ids}
        now = datetime.now(UTC)
        await connection.copy_records_to_table(
            "session",
            columns=["token_hash", "person", "created_at", "expires_at"],
            records=[
                (hashlib.sha256(t.encode()).hexdigest(), i, now, now + timedelta(days=30))
                for i, t in tokens.items()
            ],
        )
        rows = await connection.fetch(
            "SELECT id, bridge, owner, cadence, weekdays FROM commitment WHERE owner = ANY($1)",
            ids,
        )
    finally:
        await connection.close()
    open_days = [today - timedelta(days=1), today]  # the grace window and today
    people = {i: Person(i, 0, tokens[i], []) for i in ids}
    for row in rows:
        person = people[row["owner"]]
        person.bridge = row["bridge"]
        for day in open_days:
            weekdays = {int(x) for x in row["weekdays"].split(",") if x}
            if row["cadence"] == "daily" or day.weekday() in weekdays:
                person.slots.append((row["id"], day.isoformat()))
    for person in people.values():
        random.Random(person.id).shuffle(person.slots)
    return list(people.values())


# ---------------------------------------------------------------- the load


async def request(
    connection: Connection, method: str, path: str, headers: dict[str, str], body: bytes = b""
) -> tuple[int, dict[str, str], bytes]:
    status, response_headers, content = await connection.request(method, path, headers, body)
    if response_headers.get("content-encoding") == "gzip":
        content = gzip.decompress(content)
    return status, response_headers, content


async def drive(
    client: Client, port: int, stop_at: float, delay: float, think: tuple[float, float] | None
) -> None:
    """One browser tab per client, keep-alive, cycling through its people.

    Clients arrive over the first seconds, as people do: connections opened all at
    once would all be accepted by whichever worker woke first. With `think`, a person
    reads each answer for a while (uniform, in seconds) before the next tap; without,
    the next request leaves as soon as the answer arrives (the saturation run)."""
    await asyncio.sleep(delay)
    connection = await Connection.open(port)
    try:
        _, headers, _ = await request(connection, "GET", "/signin", BROWSER)
        client.csrf = cookies_from(headers)["csrftoken"]
        while time.perf_counter() < stop_at:
            person = client.people[client.turn % len(client.people)]
            client.turn += 1
            cookie = f"bw_session={person.token}; csrftoken={client.csrf}"
            roll = random.random()
            if roll < 0.15 and person.slots:
                kind = "checkin"
                commitment, day = person.slots.pop()
                body = json.dumps({"commitment": commitment, "outcome": "kept", "day": day})
                headers = {
                    **BROWSER,
                    "Accept": "application/json",
                    "Cookie": cookie,
                    "X-CSRFToken": client.csrf,
                    "Content-Type": "application/json",
                    "Idempotency-Key": uuid.uuid4().hex,
                }
                path = f"/api/v1/bridges/{person.bridge}/checkins"
                args = ("POST", path, headers, body.encode())
            elif roll > 0.95:
                kind = "bridge"
                args = ("GET", f"/bridges/{person.bridge}", {**BROWSER, "Cookie": cookie}, b"")
            else:
                kind = "today"
                args = ("GET", "/today", {**BROWSER, "Cookie": cookie}, b"")
            sent = time.perf_counter()
            status = 0
            for _ in range(2):
                try:
                    status, _, _ = await request(connection, *args)
                    break
                except (OSError, asyncio.IncompleteReadError):
                    # The server closed the idle keep-alive connection (uvicorn does after
                    # 5 s): a browser opens another and sends the request again, and so
                    # does this (a check-in carries its Idempotency-Key). Twice is an error.
                    connection.close()
                    connection = await Connection.open(port)
            done = time.perf_counter()
            if done >= stop_at:
                break
            client.latencies.setdefault(kind, []).append((done - sent) * 1000)
            if not 200 <= status < 300:
                client.errors += 1
            if think is not None:
                await asyncio.sleep(min(random.uniform(*think), max(0.0, stop_at - done)))
    finally:
        connection.close()


async def load(
    port: int, clients: list[Client], seconds: float, think: tuple[float, float] | None
) -> float:
    stop_at = time.perf_counter() + seconds
    arrivals = min(5.0, seconds / 10) / len(clients)
    await asyncio.gather(
        *(drive(client, port, stop_at, n * arrivals, think) for n, client in enumerate(clients))
    )
    return seconds


async def warm_up(port: int, people: list[Person]) -> None:
    """A server that has been up a while: each worker has compiled its templates and
    opened its database connections. WARM_UP other people (none in the load, none on
    the lead's team) open Today and their bridge page once, untimed."""

    async def visit(person: Person) -> None:
        connection = await Connection.open(port)
        headers = {**BROWSER, "Cookie": f"bw_session={person.token}"}
        try:
            for path in ("/today", f"/bridges/{person.bridge}", "/today"):
                await request(connection, "GET", path, headers)
        finally:
            connection.close()

    await asyncio.gather(*(visit(person) for person in people))


async def first_visit(port: int, lead: Person) -> tuple[float, float]:
    """The lead's dashboard for her team: the day's first visit, then a second one."""
    connection = await Connection.open(port)
    headers = {**BROWSER, "Cookie": f"bw_session={lead.token}"}
    try:
        timings = []
        for _ in range(2):
            sent = time.perf_counter()
            status, _, content = await request(connection, "GET", "/teams/1/dashboard", headers)
            timings.append((time.perf_counter() - sent) * 1000)
            if status != 200:
                raise RuntimeError(f"the lead's dashboard answered {status}: {content[:300]!r}")
        return timings[0], timings[1]
    finally:
        connection.close()


async def morning(url: str, deadline: float) -> tuple[int, float, float, int]:
    """Everyone's reminder falls due now; wait until the dispatchers have sent them all
    (or the deadline): sent, seconds until the last, seconds until the first claim, and
    how many people were still waiting at the deadline."""
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        # Everyone's reminder time was set days before the morning: it falls due 20 s
        # from now, longer than an idle dispatcher sleeps (15 s), so each has seen when.
        await connection.execute(
            "UPDATE reminder_settings SET next_due_at = now() + interval '20 seconds'"
        )
        due_at = time.perf_counter() + 20
        first = last = 0.0
        settled = -1
        while True:
            row = await connection.fetchrow(
                """SELECT count(*) FILTER (WHERE status IN ('sent', 'failed')) AS settled,
                          count(*) FILTER (WHERE status = 'sent') AS sent,
                          count(*) AS claimed,
                          (SELECT count(*) FROM reminder_settings
                           -- due, or leased by a dispatcher (2 minutes) and not done yet
                           WHERE next_due_at <= now() + interval '3 minutes') AS waiting
                   FROM reminder"""
            )
            now = time.perf_counter()
            if row["claimed"] and not first:
                first = now
            if row["settled"] != settled:
                settled, last = row["settled"], now
            done = first and row["waiting"] == 0 and row["settled"] == row["claimed"]
            if done or now > deadline:
                unsent = int(row["waiting"]) + int(row["claimed"]) - int(row["settled"])
                return int(row["sent"]), last - due_at, first - due_at, unsent
            await asyncio.sleep(0.1)
    finally:
        await connection.close()


async def sizes(url: str) -> tuple[int, float, float]:
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        acts = await connection.fetchval("SELECT count(*) FROM trust_act")
        database = await connection.fetchval("SELECT pg_database_size(current_database())")
        table = await connection.fetchval("SELECT pg_total_relation_size('trust_act')")
        return int(acts), database / 2**20, table / max(1, acts)
    finally:
        await connection.close()


async def point_devices_at(url: str, push_port: int) -> None:
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        await connection.execute(
            "UPDATE push_subscription SET endpoint = $1 || id",
            f"http://127.0.0.1:{push_port}/push/",
        )
    finally:
        await connection.close()


# ---------------------------------------------------------------- where the CPU went


def children(pid: int) -> list[int]:
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry.name))
            except OSError:
                continue
    return found


@dataclass
class Cpu:
    """CPU seconds so far: the machine's, some processes' and the database's backends."""

    machine: float
    processes: float
    database: float

    @classmethod
    def now(cls, pids: list[int], database: str) -> Cpu:
        own = 0.0
        for pid in pids:
            with contextlib.suppress(OSError):
                own += process_cpu_s(pid)
        return cls(machine_cpu_s(), own, sum(backends_cpu_s(database).values()))

    def since(self, before: Cpu) -> Cpu:
        return Cpu(
            self.machine - before.machine,
            self.processes - before.processes,
            self.database - before.database,
        )


# ---------------------------------------------------------------- the run


def measure(
    port: int,
    clients: list[Client],
    seconds: float,
    think: tuple[float, float] | None,
    workers: list[int],
    database: str,
) -> tuple[dict[str, list[float]], int, int, tuple[float, float]]:
    """Drive `clients` for `seconds`: latencies by kind, requests answered, errors, and
    the CPU ms a request of the app workers and of their PostgreSQL backends."""
    before = Cpu.now(workers, database)
    asyncio.run(load(port, clients, seconds, think))
    used = Cpu.now(workers, database).since(before)
    latencies: dict[str, list[float]] = {}
    for client in clients:
        for kind, samples in client.latencies.items():
            latencies.setdefault(kind, []).extend(samples)
    answered = sum(len(s) for s in latencies.values())
    say(
        f"  {answered} requests; CPU: app workers {used.processes:.0f} s"
        f" ({used.processes / answered * 1000:.1f} ms a request), their PostgreSQL backends"
        f" {used.database:.0f} s ({used.database / answered * 1000:.1f} ms), the whole"
        f" machine {used.machine:.0f} s of {2 * seconds:.0f} (2 cores)"
    )
    for kind in ("today", "checkin", "bridge"):
        samples = latencies.get(kind, [])
        say(
            f"  {kind}: {len(samples)} requests, p50 {percentile(samples, 0.5):.0f} ms,"
            f" p99 {percentile(samples, 0.99):.0f} ms"
        )
    cpu = (used.processes / answered * 1000, used.database / answered * 1000)
    return latencies, answered, sum(c.errors for c in clients), cpu


def main() -> None:
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(WATCHDOG_S)
    started = time.perf_counter()
    url = ""
    processes: list[subprocess.Popen[bytes]] = []
    app: Server | None = None
    try:
        url = seeded_database()
        acts, _, _ = asyncio.run(sizes(url))
        figure("scale_people", PEOPLE)
        figure("scale_bridges", BRIDGES + 25)
        figure("scale_acts", acts)

        push_port = free_port()
        push = subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "bench_push.py"), "--push-service",
             str(push_port)],
            cwd=ROOT,
        )  # fmt: skip
        processes.append(push)
        asyncio.run(point_devices_at(url, push_port))
        env = {
            "DATABASE_URL": url,
            "BRIDGEWORK_DATA_DIR": str(SCRATCH),
            "SECRET_KEY": SECRET_KEY,
            "DATABASE_POOL_SIZE": "10",
            "BRIDGEWORK_HOST": HOST,
            "BRIDGEWORK_LOG_FORMAT": "json",
            "REMINDERS_IN_PROCESS": "false",
        }
        app = Server(
            "scale-app",
            [sys.executable, "-m", "server", "serve"],
            {**env, "BRIDGEWORK_WORKERS": "2"},
        )
        app.start("/health", timeout=120)
        for n in range(2):
            with (SCRATCH / f"dispatch-{n}.log").open("wb") as log:
                processes.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "server", "dispatch", "--loop"],
                        cwd=ROOT,
                        env={**os.environ, **env},
                        stdout=log,
                        stderr=subprocess.STDOUT,
                    )
                )

        # The lead's team (people 1-50) stays out of the load: her first visit is cold.
        # Two sets of people: those of the 60 s with think time, then the saturation's.
        candidates = list(range(TEAM_SIZE + 1, PEOPLE + 1))
        per_client = max(1, min(PEOPLE_PER_CLIENT, len(candidates) // (2 * CLIENTS)))
        picked = random.Random(7).sample(candidates, 2 * per_client * CLIENTS + WARM_UP)
        chosen, warming = picked[:-WARM_UP], picked[-WARM_UP:]
        people = asyncio.run(sign_in_people(url, [*chosen, *warming, 1]))
        by_id = {p.id: p for p in people}
        groups = [
            [
                Client([by_id[i] for i in part[n * per_client : (n + 1) * per_client]])
                for n in range(CLIENTS)
            ]
            for part in (chosen[: len(chosen) // 2], chosen[len(chosen) // 2 :])
        ]
        assert app.process is not None
        workers = children(app.process.pid)
        database = url.rsplit("/", 1)[1]

        asyncio.run(warm_up(app.port, [by_id[i] for i in warming]))
        say(
            f"{CLIENTS} people at once, {per_client} a client, for {SECONDS:.0f} s,"
            f" each reading an answer {THINK[0]:.0f}-{THINK[1]:.0f} s before the next tap"
        )
        latencies, answered, errors, _ = measure(
            app.port, groups[0], SECONDS, THINK, workers, database
        )
        figure("scale_requests", answered)
        figure("scale_errors", errors)
        figure("scale_offered_per_s", f"{answered / SECONDS:.0f}")
        for kind in ("today", "checkin", "bridge"):
            figure(f"scale_{kind}_p99_ms", f"{percentile(latencies.get(kind, []), 0.99):.0f}")

        say(f"saturation: {CLIENTS} clients with no think time for {SATURATE_SECONDS:.0f} s")
        latencies, answered, errors, (app_ms, db_ms) = measure(
            app.port, groups[1], SATURATE_SECONDS, None, workers, database
        )
        figure("scale_saturated_errors", errors)
        figure("scale_requests_per_s", f"{answered / SATURATE_SECONDS:.0f}")
        figure("scale_app_cpu_ms", f"{app_ms:.1f}")
        figure("scale_db_cpu_ms", f"{db_ms:.1f}")
        figure(
            "scale_saturated_today_p99_ms", f"{percentile(latencies.get('today', []), 0.99):.0f}"
        )

        served = Counter(
            line["pid"]
            for line in map(json.loads, (x for x in app.log().splitlines() if x[:1] == "{"))
            if line.get("event") == "request"
        )
        figure("scale_busiest_worker_share", f"{max(served.values()) / sum(served.values()):.2f}")

        cold, warm = asyncio.run(first_visit(app.port, by_id[1]))
        figure("scale_lead_first_visit_ms", f"{cold:.0f}")
        say(f"the lead's second visit: {warm:.0f} ms")

        dispatchers = [p.pid for p in processes[1:]]
        before = Cpu.now(dispatchers, database)
        # Whatever is not sent a minute before the watchdog is reported as such.
        deadline = started + WATCHDOG_S - 60
        sent, sending_s, wait_s, unsent = asyncio.run(morning(url, deadline))
        used = Cpu.now(dispatchers, database).since(before)
        figure("scale_reminders", sent)
        figure("scale_reminders_s", f"{sending_s:.1f}")
        figure("scale_reminders_wait_s", f"{wait_s:.1f}")
        figure("scale_reminders_unsent", unsent)
        figure("scale_dispatcher_cpu_ms", f"{used.processes / max(1, sent) * 1000:.1f}")
        say(
            f"CPU during the morning: dispatchers {used.processes:.0f} s, PostgreSQL"
            f" {used.database:.0f} s, the whole machine {used.machine:.0f} s"
        )

        _, database_mb, per_act = asyncio.run(sizes(url))
        figure("scale_db_mb", f"{database_mb:.0f}")
        figure("scale_bytes_per_act", f"{per_act:.0f}")
        say(
            f"BENCH_SCALE={SCALE}; whole run {time.perf_counter() - started:.0f} s;"
            f" load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
        )
    finally:
        signal.alarm(0)
        if app is not None:
            if os.environ.get("BENCH_SCALE_LOG"):  # the app's log, a JSON line a request
                Path(os.environ["BENCH_SCALE_LOG"]).write_text(app.log())
            app.stop()
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        if url:
            name = url.rsplit("/", 1)[1]
            asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--store-folds"]:
        url, first, last, day = sys.argv[2:6]
        asyncio.run(_store_folds(url, int(first), int(last), date.fromisoformat(day)))
    else:
        main()
