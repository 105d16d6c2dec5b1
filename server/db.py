"""The database engine chosen by DATABASE_URL, migrations and the pool's lifecycle."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine

from server.sqlite import KeptConnectionsSQLiteEngine

T = TypeVar("T")

log = logging.getLogger(__name__)

# Writers in other processes meet at SQLite's lock: wait for it rather than fail
# with "database is locked" (this process's writers take turns, see server.sqlite).
SQLITE_BUSY_TIMEOUT_S = 30.0

# Any constant shared by every Bridgework process: the advisory lock that makes
# workers starting together migrate one after another.
MIGRATION_LOCK_KEY = 0x6272_6467  # "brdg"


def engine_from_url(url: str) -> Engine:
    """A Piccolo engine for a sqlite:/// or postgresql:// URL (checked by settings)."""
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        return KeptConnectionsSQLiteEngine(path=path, timeout=SQLITE_BUSY_TIMEOUT_S)
    return PostgresEngine(config={"dsn": url})


def engine() -> Engine:
    """The engine the tables are bound to (tests rebind it per database)."""
    return _tables_meta().db


@lru_cache(maxsize=1)
def _tables_meta() -> Any:
    # Imported once, not on every call: each query asks for the engine (1 % of a page).
    from server.tables import User

    return User._meta


def is_sqlite() -> bool:
    return isinstance(engine(), SQLiteEngine)


async def prepare_sqlite(db: SQLiteEngine) -> None:
    """Create the file's folder and switch to WAL, so readers never block the writer."""
    Path(db.path).parent.mkdir(parents=True, exist_ok=True)
    await db.run_ddl("PRAGMA journal_mode=WAL")


async def migrate() -> None:
    """Apply every checked-in migration; safe to call from several processes at once."""
    from piccolo.apps.migrations.commands.forwards import run_forwards

    db = engine()
    if isinstance(db, SQLiteEngine):
        await prepare_sqlite(db)
        try:
            result = await run_forwards("all")
        finally:
            await close_pool()
    else:
        import asyncpg

        assert isinstance(db, PostgresEngine)
        lock = await asyncpg.connect(**db.config)
        try:
            await lock.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK_KEY)
            result = await run_forwards("all")
        finally:
            await lock.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK_KEY)
            await lock.close()
    if not result.success:
        raise RuntimeError(f"Migrations failed: {result.message}")


async def _no_reset(connection: Any) -> None:
    """Return a connection to the pool as it is (asyncpg still ends any open transaction).

    asyncpg's default reset sends `RESET ALL; UNLISTEN *; ...` on every release, one
    more round trip per query: a tenth of the Today page's time on PostgreSQL. We
    leave no session state behind: no SET, LISTEN, advisory lock or cursor outside a
    transaction on pooled connections (migrations lock on a connection of their own).
    """


async def open_pool(size: int) -> None:
    db = engine()
    if isinstance(db, PostgresEngine) and size > 0:
        await db.start_connection_pool(min_size=1, max_size=size, reset=_no_reset)


async def close_pool() -> None:
    """Close the PostgreSQL pool, or SQLite's kept connections (checkpointing the WAL)."""
    db = engine()
    if isinstance(db, PostgresEngine) and db.pool is not None:
        await db.close_connection_pool()
    if isinstance(db, KeptConnectionsSQLiteEngine):
        await db.close_connections()


# ---------------------------------------------------------------- plain SQL

# The hot paths (every signed-in request, Today, a check-in) run plain SQL that
# reads the same on both databases: Piccolo takes longer to build a select than
# the database takes to answer it. `{}` marks a bound parameter.
Statement = tuple[str, Sequence[Any]]

_PLACEHOLDER = re.compile(r"\{\}")


@lru_cache(maxsize=512)
def _compiled(sql: str, postgres: bool) -> str:
    if not postgres:
        return _PLACEHOLDER.sub("?", sql)
    numbers = iter(range(1, sql.count("{}") + 1))
    return _PLACEHOLDER.sub(lambda _: f"${next(numbers)}", sql)


async def fetch(sql: str, *args: Any) -> list[dict[str, Any]]:
    """The rows of one statement, inside the current transaction if there is one."""
    db = engine()
    if isinstance(db, KeptConnectionsSQLiteEngine):
        return await db.fetch(_compiled(sql, False), args)
    if isinstance(db, PostgresEngine):
        return (await _postgres(db, [(_compiled(sql, True), args)], atomic=False))[0]
    from server.tables import User  # any other engine: through Piccolo

    return list(await User.raw(sql, *args))


async def fetch_values(sql: str, *args: Any) -> Sequence[Sequence[Any]]:
    """The rows of one read as tuples in the select's order, without per-value
    conversion: for reads of thousands of rows (a year of acts) where building a dict
    and converting every value cost more than the query. On SQLite dates and
    timestamps come as the ISO text it stores; PostgreSQL gives them typed."""
    db = engine()
    if isinstance(db, KeptConnectionsSQLiteEngine):
        return await db.fetch_values(_compiled(sql, False), args)
    if isinstance(db, PostgresEngine):
        return await _postgres_records(db, _compiled(sql, True), args)
    return [tuple(row.values()) for row in await fetch(sql, *args)]


async def _postgres_records(db: PostgresEngine, sql: str, args: Sequence[Any]) -> list[Any]:
    async def run(connection: Any) -> list[Any]:
        return list(await connection.fetch(sql, *args))

    return await _on_postgres(db, run)


async def write(*statements: Statement) -> list[list[dict[str, Any]]]:
    """Run statements in one transaction and return each one's rows.

    On SQLite the whole transaction is one trip to a connection's thread, so the
    write lock is held for the time SQLite needs and not for event-loop turns.
    """
    db = engine()
    if isinstance(db, KeptConnectionsSQLiteEngine):
        return await db.write([(_compiled(sql, False), args) for sql, args in statements])
    if isinstance(db, PostgresEngine):
        compiled = [(_compiled(sql, True), args) for sql, args in statements]
        return await _postgres(db, compiled, atomic=True)
    raise TypeError(f"write() needs SQLite or PostgreSQL, not {type(db).__name__}")


async def _postgres(
    db: PostgresEngine, statements: list[Statement], *, atomic: bool
) -> list[list[dict[str, Any]]]:
    async def run_on(connection: Any) -> list[list[dict[str, Any]]]:
        return [[dict(r) for r in await connection.fetch(sql, *args)] for sql, args in statements]

    async def run_atomically(connection: Any) -> list[list[dict[str, Any]]]:
        if not atomic:
            return await run_on(connection)
        async with connection.transaction():
            return await run_on(connection)

    return await _on_postgres(db, run_atomically)


async def _on_postgres(db: PostgresEngine, work: Callable[[Any], Awaitable[T]]) -> T:
    """`work` on the current transaction's connection, else a pooled or new one."""
    current = db.current_transaction.get()
    if current is not None:
        return await work(current.connection)
    if db.pool is not None:
        async with db.pool.acquire() as connection:
            return await work(connection)
    connection = await db.get_new_connection()
    try:
        return await work(connection)
    finally:
        await connection.close()
