"""The SQLite engine's footing: the private parts of Piccolo and aiosqlite it leans on
are still there, in the versions it was checked against.

server/sqlite.py overrides Piccolo's private query methods and drives aiosqlite's
connection thread directly. These tests fail loudly, saying what to re-check, when a
version changes or one of those parts moves; they need no database.
"""

from __future__ import annotations

import asyncio
import inspect
import re
import sqlite3
import threading
import tomllib
from importlib.metadata import version
from pathlib import Path

import aiosqlite
import pytest
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction

from server.sqlite import CHECKED_WITH, KeptConnectionsSQLiteEngine

PYPROJECT = Path(__file__).parent.parent / "pyproject.toml"

RECHECK = {
    "piccolo": (
        "SQLiteEngine.run_querystring and run_ddl still send every query through "
        "_run_in_new_connection / _run_in_existing_connection, with the same parameters; "
        "SQLiteTransaction still keeps _parent, _committed, _rolled_back and context, and "
        "commits, rolls back and makes savepoints through self.connection.execute"
    ),
    "aiosqlite": (
        "Connection._execute(fn, *args) still runs fn on the connection's own thread and "
        "returns its result; Connection._conn is still the sqlite3 connection; "
        "Connection._thread is still a Thread that starts only when the connection is "
        "awaited (so it can be made a daemon first)"
    ),
}


def _advice(package: str) -> str:
    return (
        f"server/sqlite.py was checked against {package} {CHECKED_WITH[package]}. "
        f"Re-check that {RECHECK[package]}; then update CHECKED_WITH in server/sqlite.py "
        "and the pin in pyproject.toml."
    )


@pytest.mark.parametrize("package", sorted(CHECKED_WITH))
def test_the_installed_version_is_the_one_the_engine_was_checked_against(package):
    installed = version(package)
    assert installed == CHECKED_WITH[package], f"{package} {installed} is installed. " + _advice(
        package
    )


@pytest.mark.parametrize("package", sorted(CHECKED_WITH))
def test_pyproject_pins_exactly_that_version(package):
    dependencies = tomllib.loads(PYPROJECT.read_text())["project"]["dependencies"]
    pins = [d for d in dependencies if re.match(rf"{package}(\[[^\]]*\])?\s*[=<>!~]", d)]
    assert len(pins) == 1 and pins[0].endswith(f"=={CHECKED_WITH[package]}"), (
        f"pyproject.toml has {pins or 'no pin'} for {package}. " + _advice(package)
    )


def test_piccolo_still_sends_every_query_through_the_methods_the_engine_overrides():
    for method in (SQLiteEngine.run_querystring, SQLiteEngine.run_ddl):
        source = inspect.getsource(method)
        for private in ("self._run_in_existing_connection(", "self._run_in_new_connection("):
            assert private in source, (
                f"SQLiteEngine.{method.__name__} no longer calls {private[5:-1]}. "
                + _advice("piccolo")
            )
    for name in ("_run_in_new_connection", "_run_in_existing_connection"):
        theirs = list(inspect.signature(getattr(SQLiteEngine, name)).parameters)
        ours = list(inspect.signature(getattr(KeptConnectionsSQLiteEngine, name)).parameters)
        assert theirs == ours, (
            f"SQLiteEngine.{name} now takes {theirs}, the engine's override {ours}. "
            + _advice("piccolo")
        )


def test_piccolo_transactions_still_keep_the_state_the_engine_reads():
    for slot in ("_parent", "_committed", "_rolled_back", "context", "connection"):
        assert slot in SQLiteTransaction.__slots__, (
            f"SQLiteTransaction has no {slot} any more. " + _advice("piccolo")
        )
    for method in (SQLiteTransaction.commit, SQLiteTransaction.rollback):
        assert "self.connection.execute(" in inspect.getsource(method), (
            f"SQLiteTransaction.{method.__name__} no longer runs on self.connection. "
            + _advice("piccolo")
        )


def test_aiosqlite_still_runs_a_function_on_the_connections_own_thread():
    async def probe() -> None:
        connection = aiosqlite.connect(":memory:")
        thread = getattr(connection, "_thread", None)
        assert isinstance(thread, threading.Thread) and not thread.is_alive(), (
            "aiosqlite.Connection._thread is not an unstarted Thread. " + _advice("aiosqlite")
        )
        thread.daemon = True  # what the engine does before the connection starts
        await connection
        try:
            raw = connection._conn
            assert isinstance(raw, sqlite3.Connection), (
                "aiosqlite.Connection._conn is not a sqlite3 connection. " + _advice("aiosqlite")
            )

            def where(given: sqlite3.Connection) -> tuple[threading.Thread, list[tuple]]:
                return threading.current_thread(), given.execute("SELECT 6 * 7").fetchall()

            ran_on, rows = await connection._execute(where, raw)
            assert ran_on is thread and rows == [(42,)], (
                "aiosqlite.Connection._execute no longer runs a function on the "
                "connection's thread. " + _advice("aiosqlite")
            )
        finally:
            await connection.close()

    asyncio.run(probe())
