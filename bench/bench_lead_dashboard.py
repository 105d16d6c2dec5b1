"""The team lead's dashboard for a team of 50 people with 100 bridges and a year of history.

Seeds a SQLite file and a fresh PostgreSQL database (created here, dropped at the end)
with bulk inserts: 50 people on one team, 100 active bridges between them, each with a
year of daily and weekday commitments checked in, confirmations, listening sessions,
owned mistakes and the odd pause; 70 bridges shared with the lead. Then the lead's
dashboard page is fetched in-process (the whole app: session, queries, the domain,
the template), and a teammate's check-in is posted between some of the fetches.

Prints (goal: each median at most 100 ms):
  lead_dashboard_acts: trust acts seeded per database
  lead_dashboard_median_ms_<db>: median of 30 page loads, nothing changed in between
  lead_dashboard_first_visit_ms_<db>: the first load of the next day, nothing written
    overnight (yesterday's derivations go on a day, server/domain/resume.py)
  lead_dashboard_cold_start_ms_<db>: the very first load in a new process, nothing
    derived yet: every bridge read and derived
  lead_dashboard_restart_ms_<db>: the first load in a new process after an earlier one
    stored the bridges' folds (server/repair/derived.py): each carried on from its fold
  lead_dashboard_after_a_check_in_ms_<db>: median of 10 loads, each after a new check-in
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = Path(tempfile.mkdtemp(prefix="bridgework-bench-lead-"))
POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
# Settings are read when server modules are imported: point them somewhere harmless.
os.environ["BRIDGEWORK_DATA_DIR"] = str(SCRATCH)
os.environ["DATABASE_URL"] = f"sqlite:///{SCRATCH / 'unused.sqlite3'}"
os.environ["SECRET_KEY"] = "bench-secret-key-that-is-long-enough-0123456789"
sys.path.insert(0, str(ROOT))

from litestar.testing import TestClient  # noqa: E402

from server import clock  # noqa: E402
from server.app import create_app  # noqa: E402
from server.db import engine_from_url  # noqa: E402
from server.lead.tables import ShareChoice  # noqa: E402
from server.piccolo_conf import APP_REGISTRY  # noqa: E402
from server.repair import derived  # noqa: E402
from server.settings import load_settings  # noqa: E402
from server.tables import (  # noqa: E402
    Bridge,
    Commitment,
    Membership,
    Pause,
    PlanPart,
    Session,
    Team,
    TrustAct,
    User,
)

PEOPLE, BRIDGES, DAYS = 50, 100, 365
RUNS, CHECK_IN_RUNS = 30, 10
BATCH = 1000
TOKEN = "bench-session-token-"


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def figure(name: str, value: object) -> None:
    print(f"{name}: {value}", flush=True)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# ---------------------------------------------------------------- the seed


def at(day: date, hour: int) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=hour)


class Seed:
    """Rows for the whole team, with ids chosen here so acts can point at each other."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.start = today - timedelta(days=DAYS)
        self.rng = random.Random(2026)
        self.rows: dict[type, list[Any]] = {}
        self.next_id: dict[type, int] = {}
        self.check_ins: list[tuple[int, int, int]] = []  # (person, bridge, daily commitment)

    def add(self, table: type, **values: Any) -> int:
        row_id = self.next_id.get(table, 1)
        self.next_id[table] = row_id + 1
        self.rows.setdefault(table, []).append(table(id=row_id, **values))
        return row_id

    def build(self) -> None:
        now = at(self.today, 12)
        for n in range(PEOPLE):
            self.add(
                User,
                email=f"person{n:02d}@example.com",
                display_name="Lee Lead" if n == 0 else f"Person {n:02d}",
                password_hash="!bench",  # nobody signs in with a password here
                time_zone="UTC",
                created_at=at(self.start, 8),
            )
            self.add(
                Session,
                token_hash=token_hash(f"{TOKEN}{n + 1}"),
                person=n + 1,
                created_at=now,
                expires_at=now + timedelta(days=30),
            )
        team = self.add(Team, name="Bench Team", created_at=at(self.start, 8))
        for n in range(PEOPLE):
            role = "lead" if n == 0 else "member"
            self.add(Membership, team=team, person=n + 1, role=role, joined_at=at(self.start, 8))
        pairs = [
            (a, (a - 1 + offset) % (PEOPLE - 1) + 2)
            for offset in (1, 2, 3)
            for a in range(2, PEOPLE + 1)
        ][:BRIDGES]
        for n, (a, b) in enumerate(pairs):
            self.bridge(n, team, a, b)

    def bridge(self, n: int, team: int, a: int, b: int) -> None:
        bridge = self.add(
            Bridge,
            team=team,
            side_a=a,
            side_b=b,
            status="active",
            message="Can we rebuild this?",
            span=120,
            created_at=at(self.start, 9),
            accepted_at=at(self.start, 10),
        )
        people = {"a": a, "b": b}
        for side in "ab":
            self.add(
                PlanPart,
                bridge=bridge,
                side=side,
                author=people[side],
                my_part="I went quiet when it mattered.",
                restored_trust="We say the hard thing early.",
                created_at=at(self.start, 11),
            )
        promises = [("a", "daily", ""), ("b", "weekdays", "0,1,2,3,4")]
        if n % 3 == 0:
            promises.append(("a", "weekly", ""))
        commitments = []
        for side, cadence, weekdays in promises:
            cid = self.add(
                Commitment,
                bridge=bridge,
                side=side,
                owner=people[side],
                text=f"A {cadence} promise",
                cadence=cadence,
                weekdays=weekdays,
                start=self.start,
                created_at=at(self.start, 11),
            )
            commitments.append((side, cadence, weekdays, cid))
        self.check_ins.append((a, bridge, commitments[0][3]))
        paused: set[date] = set()
        if n % 10 == 0:
            first = self.start + timedelta(days=150)
            self.add(
                Pause,
                bridge=bridge,
                side="b",
                person=b,
                start=first,
                end=first + timedelta(days=6),
                created_at=at(first, 8),
            )
            paused = {first + timedelta(days=k) for k in range(7)}
        keep_rate = 0.6 + 0.35 * self.rng.random()
        for k in range(DAYS):  # up to yesterday: today's items are still open
            day = self.start + timedelta(days=k)
            if day in paused:
                continue
            for side, cadence, weekdays, cid in commitments:
                due = (
                    cadence == "daily"
                    or (cadence == "weekdays" and str(day.weekday()) in weekdays)
                    or (cadence == "weekly" and day.weekday() == self.start.weekday())
                )
                if due:
                    self.check_in(bridge, people, side, cid, day, keep_rate)
            if k % 30 == 7:
                summary = {"agenda_by": "partner", "summary": "We talked it through."}
                self.act(bridge, people, "listening", "a", "a", day, 12, details=summary)
            if k % 60 == 20:
                owned = {
                    "what_happened": "I changed the plan.",
                    "my_part": "I assumed.",
                    "differently": "I will ask first.",
                }
                self.act(bridge, people, "mistake", "b", "b", day, 11, details=owned)
        # Sharing: 70 bridges shared by both, 10 by one side, 20 by nobody.
        sides = "ab" if n % 10 < 7 else "a" if n % 10 == 7 else ""
        for side in sides:
            self.add(
                ShareChoice, bridge=bridge, side=side, shared=True, changed_at=at(self.start, 12)
            )

    def check_in(
        self, bridge: int, people: dict[str, int], side: str, cid: int, day: date, rate: float
    ) -> None:
        other = "b" if side == "a" else "a"
        roll = self.rng.random()
        if roll < rate:
            act = self.act(bridge, people, "kept", side, side, day, 17, commitment=cid)
            if self.rng.random() < 0.85:
                self.act(bridge, people, "confirmation", other, side, day, 20, target=act)
        elif roll < rate + (1 - rate) * 0.7:
            self.act(bridge, people, "missed_self", side, side, day, 18, commitment=cid)
        else:
            note = {"note": "It didn't happen."}
            self.act(
                bridge, people, "missed_partner", other, side, day, 19, commitment=cid, details=note
            )

    def act(
        self,
        bridge: int,
        people: dict[str, int],
        kind: str,
        author: str,
        owner: str,
        day: date,
        hour: int,
        details: dict[str, str] | None = None,
        **extra: Any,
    ) -> int:
        return self.add(
            TrustAct,
            bridge=bridge,
            kind=kind,
            author=people[author],
            author_side=author,
            owner_side=owner,
            day=day,
            created_at=at(day, hour),
            details=json.dumps(details or {}),
            **extra,
        )


TABLES = [t for app in APP_REGISTRY.app_configs.values() for t in app.table_classes]
ORDER = [
    User,
    Session,
    Team,
    Membership,
    Bridge,
    PlanPart,
    Commitment,
    Pause,
    TrustAct,
    ShareChoice,
]


async def insert(url: str, seed: Seed) -> None:
    """Every row, in batches, in one transaction; then move PostgreSQL's sequences on."""
    engine = engine_from_url(url)
    for table in TABLES:
        table._meta.db = engine
    async with engine.transaction():
        for table in ORDER:
            rows = seed.rows.get(table, [])
            for start in range(0, len(rows), BATCH):
                await table.insert(*rows[start : start + BATCH])
    if url.startswith("postgresql"):
        # A database a year old has planner statistics; autovacuum would gather them.
        await engine.run_ddl("ANALYZE")
        for table in ORDER:
            name = table._meta.tablename
            await engine.run_ddl(
                f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
                f'(SELECT COALESCE(MAX(id), 1) FROM "{name}"))'
            )


def migrate(url: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "server", "migrate"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        check=True,
        capture_output=True,
        timeout=120,
    )


async def admin(sql: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=5)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


# ---------------------------------------------------------------- the measurement


def measure(name: str, url: str, seed: Seed) -> None:
    say(f"{name}: migrating")
    migrate(url)
    say(f"{name}: seeding {len(seed.rows[TrustAct])} acts")
    asyncio.run(insert(url, seed))
    settings = load_settings({**os.environ, "DATABASE_URL": url})
    app = create_app(settings, run_migrations=False)
    path = "/teams/1/dashboard"
    with TestClient(app, base_url="http://testserver.local") as client:
        client.cookies.set("bw_session", f"{TOKEN}1")

        def load() -> float:
            started = time.perf_counter()
            response = client.get(path)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200 or "Shared bridges" not in response.text:
                raise RuntimeError(f"the dashboard answered {response.status_code}")
            return elapsed

        say(f"{name}: first visit")
        cold = load()  # a new process: nothing derived yet
        timings = [load() for _ in range(RUNS)]
        derived._cache.clear()  # what a new process knows: nothing but the stored folds
        restart = load()
        # The next morning, nothing written overnight: the lead's first visit of the day.
        real_now = clock.now
        clock.now = lambda: real_now() + timedelta(days=1)  # type: ignore[assignment]
        try:
            first = load()
        finally:
            clock.now = real_now  # type: ignore[assignment]
        say(f"{name}: a check-in before each of {CHECK_IN_RUNS} visits")
        after: list[float] = []
        for person, bridge, commitment in seed.check_ins[:CHECK_IN_RUNS]:
            client.cookies.set("bw_session", f"{TOKEN}{person}")
            client.get("/today")  # the CSRF cookie, as a page would have it
            response = client.post(
                f"/api/v1/bridges/{bridge}/checkins",
                json={"commitment": commitment, "outcome": "kept"},
                headers={
                    "x-csrftoken": client.cookies.get("csrftoken") or "",
                    "Idempotency-Key": uuid.uuid4().hex,
                },
            )
            if response.status_code != 201:
                raise RuntimeError(f"the check-in answered {response.status_code}")
            client.cookies.set("bw_session", f"{TOKEN}1")
            after.append(load())
    figure(f"lead_dashboard_median_ms_{name}", f"{statistics.median(timings):.1f}")
    figure(f"lead_dashboard_first_visit_ms_{name}", f"{first:.0f}")
    figure(f"lead_dashboard_cold_start_ms_{name}", f"{cold:.0f}")
    figure(f"lead_dashboard_restart_ms_{name}", f"{restart:.0f}")
    figure(f"lead_dashboard_after_a_check_in_ms_{name}", f"{statistics.median(after):.1f}")


def main() -> int:
    logging.disable(logging.INFO)  # each request's log line would bury the progress
    say("building a year of history for 100 bridges")
    seed = Seed(datetime.now(UTC).date())
    seed.build()
    figure("lead_dashboard_acts", len(seed.rows[TrustAct]))
    measure("sqlite", f"sqlite:///{SCRATCH / 'lead.sqlite3'}", seed)
    name = f"bridgework_bench_{uuid.uuid4().hex[:10]}"
    try:
        asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # unreachable, refused, no such role...
        say(f"PostgreSQL skipped: unreachable at {POSTGRES_ADMIN_URL}: {error}")
        figure("lead_dashboard_median_ms_postgres", "skipped")
        return 0
    try:
        measure("postgres", POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}", seed)
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        shutil.rmtree(SCRATCH, ignore_errors=True)
