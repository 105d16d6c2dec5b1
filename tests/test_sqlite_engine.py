"""The SQLite engine under concurrent writers: nothing locked, nothing lost, nothing stuck.

These run on SQLite only: PostgreSQL has its own locking and pool, and the other
tests run every behaviour on both.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from server import db
from server.sqlite import KeptConnectionsSQLiteEngine
from server.tables import Team, User
from tests.conftest import _bind, run


@pytest.fixture
def sqlite(sqlite_template: Path, tmp_path: Path) -> KeptConnectionsSQLiteEngine:
    path = tmp_path / "engine.sqlite3"
    shutil.copy(sqlite_template, path)
    engine = db.engine_from_url(f"sqlite:///{path}")
    assert isinstance(engine, KeptConnectionsSQLiteEngine)
    _bind(engine)
    yield engine
    run(engine.close_connections())


def _person(n: int) -> db.Statement:
    return (
        "INSERT INTO person (email, display_name, password_hash, time_zone, created_at)"
        " VALUES ({}, {}, 'x', 'UTC', '2026-11-21T12:00:00+00:00') RETURNING id",
        (f"person{n}@example.com", f"Person {n}"),
    )


def test_sixty_four_writers_at_once_all_land_without_database_is_locked(sqlite):
    async def everyone() -> None:
        async def through_piccolo(n: int) -> None:
            async with db.engine().transaction():
                await Team.insert(Team(name=f"Team {n}"))
                await asyncio.sleep(0)  # hand the loop to the others mid-transaction

        await asyncio.gather(
            *(db.write(_person(n)) for n in range(64)),
            *(through_piccolo(n) for n in range(16)),
        )

    run(everyone())
    assert run(User.count()) == 64
    assert run(Team.count()) == 16


def test_a_failed_write_leaves_nothing_half_done_and_the_next_one_works(sqlite):
    duplicate = _person(1)
    with pytest.raises(Exception, match="UNIQUE"):
        run(db.write(_person(1), _person(2), duplicate))
    assert run(User.count()) == 0  # the whole transaction rolled back
    run(db.write(_person(3)))
    assert run(User.count()) == 1


def test_a_transaction_cancelled_while_it_begins_gives_the_write_gate_back(sqlite):
    async def cancelled_then_write() -> None:
        async def hold() -> None:
            async with db.engine().transaction():
                await asyncio.sleep(10)

        sqlite.gate.enter()  # another writer holds the gate, so BEGIN has to wait
        task = asyncio.create_task(hold())
        await asyncio.sleep(0.3)  # the task's thread now waits at the gate
        task.cancel()
        await asyncio.sleep(0.1)
        sqlite.gate.leave()  # the thread takes the gate and begins after all
        with pytest.raises(asyncio.CancelledError):
            await task
        await asyncio.wait_for(db.write(_person(1)), timeout=5)

    run(cancelled_then_write())
    assert run(User.count()) == 1


def test_a_command_that_reads_and_writes_exits_without_closing_its_connections(
    sqlite_template: Path, tmp_path: Path
):
    """Kept connections run on daemon threads: a one-off command must not hang at exit."""
    path = tmp_path / "command.sqlite3"
    shutil.copy(sqlite_template, path)
    script = textwrap.dedent(
        """
        import asyncio, sys
        from server import db
        from server.tables import User
        User._meta.db = db.engine_from_url("sqlite:///" + sys.argv[1])
        TEAM = "INSERT INTO team (name, created_at) VALUES ({}, '2026-11-21T12:00:00+00:00')"
        async def main():
            await db.write((TEAM, ("Product",)))
            print(len(await db.fetch("SELECT id FROM team")))
        asyncio.run(main())
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=Path(__file__).parent.parent,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "1"
