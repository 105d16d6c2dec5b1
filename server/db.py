"""The database engine chosen by DATABASE_URL, migrations and the pool's lifecycle."""

from __future__ import annotations

import logging
from pathlib import Path

from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine

log = logging.getLogger(__name__)

# Piccolo's SQLite engine opens a connection per query, so concurrent writers
# queue on SQLite's lock; wait for it rather than fail with "database is locked".
SQLITE_BUSY_TIMEOUT_S = 30.0

# Any constant shared by every Bridgework process: the advisory lock that makes
# workers starting together migrate one after another.
MIGRATION_LOCK_KEY = 0x6272_6467  # "brdg"


def engine_from_url(url: str) -> Engine:
    """A Piccolo engine for a sqlite:/// or postgresql:// URL (checked by settings)."""
    if url.startswith("sqlite:///"):
        return SQLiteEngine(path=url.removeprefix("sqlite:///"), timeout=SQLITE_BUSY_TIMEOUT_S)
    return PostgresEngine(config={"dsn": url})


def engine() -> Engine:
    """The engine the tables are bound to (tests rebind it per database)."""
    from server.tables import User

    return User._meta.db


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
        result = await run_forwards("all")
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


async def open_pool(size: int) -> None:
    db = engine()
    if isinstance(db, PostgresEngine) and size > 0:
        await db.start_connection_pool(min_size=1, max_size=size)


async def close_pool() -> None:
    db = engine()
    if isinstance(db, PostgresEngine) and db.pool is not None:
        await db.close_connection_pool()
