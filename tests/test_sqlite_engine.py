"""The SQLite engine under concurrent writers: nothing locked, nothing lost, nothing stuck.

These run on SQLite only: PostgreSQL has its own locking and pool, and the other
tests run every behaviour on both.
"""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
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


def test_writes_committed_together_keep_apart_the_one_that_fails(sqlite):
    """Writes queued in one turn of the loop share a commit; a duplicate among them
    fails alone and the others are stored."""

    async def three_at_once() -> list[object]:
        return await asyncio.gather(
            db.write(_person(1)), db.write(_person(1)), db.write(_person(2)),
            return_exceptions=True,
        )  # fmt: skip

    first, duplicate, second = run(three_at_once())
    assert isinstance(duplicate, Exception) and "UNIQUE" in str(duplicate)
    assert not isinstance(first, Exception) and not isinstance(second, Exception)
    assert sorted(run(User.select(User.email).output(as_list=True))) == [
        "person1@example.com",
        "person2@example.com",
    ]


def test_a_write_waits_for_another_process_holding_the_lock_and_the_loop_keeps_serving(
    sqlite,
):
    """Another process (a reminder worker) writing: a check-in waits for it on the
    writer thread instead of failing, while the event loop goes on answering reads."""
    other = sqlite3.connect(sqlite.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")

    async def write_while_locked() -> int:
        loop = asyncio.get_running_loop()
        began = loop.time()
        task = asyncio.create_task(db.write(_person(1)))
        for _ in range(5):  # the loop is free: reads answer while the write waits
            await asyncio.sleep(0.05)
            assert await db.fetch("SELECT COUNT(*) AS n FROM person") == [{"n": 0}]
        assert loop.time() - began < 5  # not the 30 s busy timeout
        assert not task.done()
        other.execute("COMMIT")
        await asyncio.wait_for(task, timeout=5)
        return await User.count()

    try:
        assert run(write_while_locked()) == 1
    finally:
        other.close()


def test_a_write_whose_caller_gave_up_before_its_turn_is_not_stored(sqlite):
    async def give_up() -> None:
        task = asyncio.create_task(db.write(_person(1)))
        await asyncio.sleep(0)  # the write is queued for the next commit
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await db.write(_person(2))

    run(give_up())
    assert run(User.select(User.email).output(as_list=True)) == ["person2@example.com"]


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


def test_a_busy_day_of_writes_keeps_the_log_file_small(sqlite):
    """The loop's connection never checkpoints itself (that would stop the loop for
    10-20 ms); the writer thread does, so the WAL file is reused, not grown."""

    async def busy_day() -> None:
        for n in range(3000):  # one commit each: ~3 pages of the log
            await db.write(_person(n))
        await asyncio.sleep(0.5)  # the last checkpoint runs on the writer thread

    run(busy_day())
    assert run(User.count()) == 3000
    wal = Path(sqlite.path + "-wal").stat().st_size
    assert wal < 12_000_000, f"the WAL grew to {wal:,} bytes"  # unchecked: ~35 MB


def _synchronous_modes(engine: KeptConnectionsSQLiteEngine) -> list[object]:
    """PRAGMA synchronous on the loop's, the writer thread's and a transaction's connection."""

    async def modes() -> list[object]:
        on_the_loop = engine._reader().execute("PRAGMA synchronous").fetchall()
        on_the_writer = await engine.run_ddl("PRAGMA synchronous")
        async with engine.transaction():
            in_a_transaction = await engine.run_ddl("PRAGMA synchronous")
        return [on_the_loop, on_the_writer, in_a_transaction]

    return run(modes())


def test_every_connection_syncs_the_log_at_each_commit(sqlite):
    """synchronous=FULL (SQLite's own default, chosen on purpose): a check-in answered
    201 survives a power cut (see SYNCHRONOUS in server/sqlite.py)."""
    assert _synchronous_modes(sqlite) == [[{"synchronous": 2}]] * 3


def test_every_connection_takes_the_synchronous_mode_the_engine_is_given(
    sqlite_template: Path, tmp_path: Path
):
    path = tmp_path / "normal.sqlite3"
    shutil.copy(sqlite_template, path)
    engine = KeptConnectionsSQLiteEngine(str(path), timeout=5, synchronous="NORMAL")
    try:
        assert _synchronous_modes(engine) == [[{"synchronous": 1}]] * 3
    finally:
        run(engine.close_connections())


def test_an_unknown_synchronous_mode_is_refused():
    with pytest.raises(ValueError, match="OFF, NORMAL, FULL or EXTRA"):
        KeptConnectionsSQLiteEngine("unused.sqlite3", timeout=1, synchronous="FULL; DROP")


def test_a_write_committed_on_the_loop_keeps_foreign_keys_as_postgresql_does(sqlite):
    """A row pointing at nothing is refused and a deleted team takes its memberships
    with it, whichever connection commits the write (the loop's, as here, or the
    writer thread's)."""
    team = (
        "INSERT INTO team (name, created_at) VALUES ({}, '2026-11-21T12:00:00+00:00') RETURNING id"
    )
    member = (
        "INSERT INTO membership (team, person, role, joined_at)"
        " VALUES ({}, {}, 'member', '2026-11-21T12:00:00+00:00')"
    )

    async def orphan_then_cascade() -> list[dict[str, object]]:
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
            await db.write((member, (999, 999)))
        person = (await db.write(_person(1)))[0][0]["id"]
        product = (await db.write((team, ("Product",))))[0][0]["id"]
        await db.write((member, (product, person)))
        await db.write(("DELETE FROM team WHERE id = {}", (product,)))
        return await db.fetch("SELECT COUNT(*) AS n FROM membership")

    assert run(orphan_then_cascade()) == [{"n": 0}]
