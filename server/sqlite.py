"""Piccolo's SQLite engine with kept connections and one writer at a time.

Piccolo's own engine opens a connection (a thread, a file open and a schema parse)
for every query, and lets concurrent writers race for SQLite's lock: the losers
sleep in SQLite's busy handler, which polls with growing naps, so under load a
check-in waited seconds (measured: p99 6.1 s, 44 check-ins/s with 64 clients).

This engine keeps idle connections for reuse, and makes this process's writers
queue at a lock (the write gate) instead of polling SQLite's. The gate is taken
on the connection's own thread, right before `BEGIN IMMEDIATE` or a single
writing statement, and given back after `COMMIT`: waiting blocks that thread,
never the event loop, and it serves every event loop in the process (tests run
several). Every transaction is a writer and begins IMMEDIATE: a deferred one that
reads and then writes can fail with "database is locked" whatever the timeout.
`write()` runs a whole transaction in one trip to the thread, so the gate is held
for the time SQLite needs rather than for event-loop turns. Writers in other
processes still meet at SQLite's own lock and wait up to the busy timeout.

Reads outside a transaction run on the calling thread itself, on a connection of
its own. A WAL reader never waits for a lock, turning rows into Python objects
holds the GIL on any thread, and a trip to another thread cost more than the
query: the Today page served 60 % more requests a second this way (measured
with bench/bench_today_page.py under load, 71 → 115 pages/s). Piccolo's queries
inside a transaction, and every write, go through the kept connections' threads.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
from collections.abc import Sequence
from typing import Any

import aiosqlite
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType, dict_factory

# Idle connections kept for Piccolo's transactions; more open under a burst, then close.
KEEP_IDLE = 8

# Statements that only read; anything else passes the write gate. (Not WITH: in
# SQLite a common table expression may lead into an INSERT.)
_READS = ("SELECT", "EXPLAIN")

Rows = list[dict[str, Any]]


def _reads_only(sql: str) -> bool:
    return sql.lstrip()[:7].upper().startswith(_READS)


class WriteGate:
    """A process-wide lock for SQLite writers, taken and released on connection threads."""

    def __init__(self, timeout: float) -> None:
        self._lock = threading.Lock()
        self.timeout = timeout

    def enter(self) -> None:
        if not self._lock.acquire(timeout=self.timeout):
            raise sqlite3.OperationalError("database is locked (waited for this process's writers)")

    def leave(self) -> None:
        self._lock.release()


def _run(connection: sqlite3.Connection, sql: str, args: Sequence[Any]) -> Rows:
    return connection.execute(sql, args).fetchall()


def _run_gated(
    connection: sqlite3.Connection, gate: WriteGate, sql: str, args: Sequence[Any]
) -> Rows:
    gate.enter()
    try:
        return _run(connection, sql, args)
    finally:
        gate.leave()


def _transaction(
    connection: sqlite3.Connection, gate: WriteGate, statements: list[tuple[str, Sequence[Any]]]
) -> list[Rows]:
    gate.enter()
    try:
        connection.execute("BEGIN IMMEDIATE")
        try:
            results = [_run(connection, sql, args) for sql, args in statements]
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        return results
    finally:
        gate.leave()


class KeptConnectionsSQLiteEngine(SQLiteEngine):
    """A SQLiteEngine whose connections are reused and whose writers take turns."""

    def __init__(self, path: str, timeout: float) -> None:
        super().__init__(path=path, timeout=timeout)
        self._idle: list[aiosqlite.Connection] = []
        self._idle_guard = threading.Lock()  # several event loops may share the pool
        self.gate = WriteGate(timeout)
        self._writer: aiosqlite.Connection | None = None
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []  # every thread's, to close them all

    # ------------------------------------------------------------------ connections

    async def _open(self) -> aiosqlite.Connection:
        connection = aiosqlite.connect(**self.connection_kwargs)
        # Each aiosqlite connection runs on its own thread, which Python would wait for
        # at exit; kept idle connections must not hold a finished command open. (A
        # connection that is not closed leaves its WAL for the next open to replay.)
        connection._thread.daemon = True
        await connection
        connection.row_factory = dict_factory  # type: ignore[assignment]
        await connection.execute("PRAGMA foreign_keys = 1")
        return connection

    def _reader(self) -> sqlite3.Connection:
        """This thread's own connection for plain reads."""
        reader: sqlite3.Connection | None = getattr(self._local, "reader", None)
        if reader is None:
            reader = sqlite3.connect(**self.connection_kwargs, check_same_thread=False)
            reader.row_factory = dict_factory
            with self._idle_guard:
                self._readers.append(reader)
            self._local.reader = reader
        return reader

    async def checkout(self) -> aiosqlite.Connection:
        with self._idle_guard:
            if self._idle:
                return self._idle.pop()
        return await self._open()

    async def checkin(self, connection: aiosqlite.Connection, healthy: bool = True) -> None:
        if healthy and not connection.in_transaction:
            with self._idle_guard:
                if len(self._idle) < KEEP_IDLE:
                    self._idle.append(connection)
                    return
        await connection.close()

    async def close_connections(self) -> None:
        """Close every idle connection: the last close checkpoints the WAL into the file."""
        with self._idle_guard:
            idle, self._idle = self._idle, []
            if self._writer is not None:
                idle.append(self._writer)
                self._writer = None
            readers, self._readers = self._readers, []
            self._local = threading.local()
        for connection in idle:
            await connection.close()
        for reader in readers:
            reader.close()

    async def _on_writer(self, function: Any, *args: Any) -> Any:
        """Call `function(sqlite3_connection, *args)` on the writing connection's thread.

        Writes outside Piccolo's transactions share one connection: they would take
        turns at the gate anyway, and its thread runs them first come, first served,
        where a burst of writers each on a connection of its own opened dozens.
        """
        if self._writer is None:
            opened: aiosqlite.Connection | None = await self._open()
            with self._idle_guard:
                if self._writer is None:
                    self._writer, opened = opened, None
            if opened is not None:  # another task opened it first
                await self.checkin(opened)
        writer = self._writer
        assert writer is not None
        return await writer._execute(function, writer._conn, *args)

    # ------------------------------------------------------------------ queries

    async def fetch(self, sql: str, args: Sequence[Any]) -> Rows:
        """One statement with `?` parameters, in the current transaction if any."""
        current = self.current_transaction.get()
        if current is not None:
            connection = current.connection
            return await connection._execute(_run, connection._conn, sql, args)
        if _reads_only(sql):
            return _run(self._reader(), sql, args)
        return await self._on_writer(_run_gated, self.gate, sql, args)

    async def write(self, statements: list[tuple[str, Sequence[Any]]]) -> list[Rows]:
        """Statements in one IMMEDIATE transaction, run in one trip to a connection thread."""
        current = self.current_transaction.get()
        if current is not None:  # already inside a transaction: just take part in it
            return [await self.fetch(sql, args) for sql, args in statements]
        return await self._on_writer(_transaction, self.gate, statements)

    async def _run_in_new_connection(
        self,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: Any = None,
    ) -> Rows:
        """Piccolo's queries outside a transaction: a kept connection, autocommit."""
        return await self.fetch(query, args or [])

    async def _run_in_existing_connection(
        self,
        connection: aiosqlite.Connection,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: Any = None,
    ) -> Rows:
        """Piccolo's queries inside a transaction (foreign keys were switched on at open)."""
        return await connection._execute(_run, connection._conn, query, args or [])

    def transaction(
        self,
        transaction_type: TransactionType = TransactionType.immediate,
        allow_nested: bool = True,
    ) -> SQLiteTransaction:
        """Every transaction writes, so each is IMMEDIATE and holds the write gate."""
        return KeptConnectionTransaction(self, TransactionType.immediate, allow_nested)


class KeptConnectionTransaction(SQLiteTransaction):
    """A transaction on a kept connection that holds the write gate from BEGIN to the end."""

    engine: KeptConnectionsSQLiteEngine

    async def __aenter__(self) -> SQLiteTransaction:
        if self._parent is not None:
            return self._parent
        self.connection = await self.engine.checkout()
        gate, connection = self.engine.gate, self.connection

        def enter_and_begin(raw: sqlite3.Connection) -> None:
            gate.enter()
            try:
                raw.execute("BEGIN IMMEDIATE")
            except BaseException:
                gate.leave()
                raise

        def undo(raw: sqlite3.Connection) -> None:
            raw.execute("ROLLBACK")
            gate.leave()

        begun = asyncio.ensure_future(connection._execute(enter_and_begin, connection._conn))
        try:
            await asyncio.shield(begun)
        except asyncio.CancelledError:
            # The thread goes on and may yet take the gate: let it, then give it back.
            with contextlib.suppress(BaseException):
                await begun
                await connection._execute(undo, connection._conn)
            await self.engine.checkin(connection, healthy=False)
            raise
        except BaseException:
            await self.engine.checkin(connection, healthy=False)
            raise
        self.context = self.engine.current_transaction.set(self)
        return self

    async def __aexit__(self, exception_type: Any, exception: Any, traceback: Any) -> bool:
        if self._parent:
            return exception is None
        healthy = True
        try:
            if exception:
                if not self._rolled_back:
                    await self.rollback()
            elif not self._committed and not self._rolled_back:
                await self.commit()
        except BaseException:
            healthy = False
            if self.connection.in_transaction:
                await self.connection.execute("ROLLBACK")
            raise
        finally:
            self.engine.gate.leave()
            self.engine.current_transaction.reset(self.context)
            await self.engine.checkin(self.connection, healthy)
        return exception is None
