"""Piccolo's SQLite engine with kept connections, one writer at a time, group commit.

(Over 400 lines: the engine, its kept connections and its transactions share the one
write gate; the writer thread and group commit are in sqlite_writes.py.)

Piccolo's own engine opens a connection (a thread, a file open and a schema parse)
for every query, and lets concurrent writers race for SQLite's lock: the losers
sleep in SQLite's busy handler, which polls with growing naps, so under load a
check-in waited seconds (measured: p99 6.1 s, 44 check-ins/s with 64 clients).

This engine keeps connections, and makes this process's writers queue at a lock
(the write gate) instead of polling SQLite's. Every transaction is a writer and
begins IMMEDIATE: a deferred one that reads and then writes can fail with
"database is locked" whatever the timeout. Writers in other processes (a reminder
worker, a command) still meet at SQLite's own lock.

Reads outside a transaction run on the calling thread, on that thread's own
connection: a WAL reader never waits for a lock, and a trip to another thread cost
more than the query (the Today page served 60 % more requests a second this way).

Writes outside a transaction (`write()`, and Piccolo's single inserts, updates and
deletes) are committed in groups, on that same connection, between two turns of
the event loop: whatever the loop's tasks queued during one turn goes into one
IMMEDIATE transaction, each write in a savepoint of its own, so one that fails is
undone alone; then one COMMIT, one fsync of the WAL, for all of them (group
commit, as PostgreSQL and MySQL do). Nobody hears of success before that COMMIT.
The same connection reads and writes so its page cache survives its own commits
(SQLite drops a connection's cache whenever another one has written). The loop
never waits: if the gate or SQLite's lock is taken at that moment, the group goes
to the writer thread (`GroupCommitWriter`), which waits for them. The writer
thread also copies the WAL into the database file (a checkpoint), which SQLite
would otherwise do inside a loop's commit with the loop stopped. With 64 clients
checking in at once this took a check-in from 1.6 ms of CPU to 1.1 ms, and p99
from ~160 ms to ~70 ms (bench/bench_checkins.py).

Piccolo's transactions run on kept connections with a thread each
(`TransactionConnection`) and hold the gate from BEGIN to the end; waiting for it
blocks that thread, never the event loop, and the gate serves every event loop in
the process (tests run several).

All of it stands on public ground, as datasette's does: the standard library's
sqlite3, threads and queues, and Piccolo's engine contract (`run_querystring`,
`run_ddl` and `transaction`, the methods every Piccolo engine provides, and the
engine's `current_transaction`). No private method is overridden and no driver's
internals are read (tests/test_sqlite_engine_public_ground.py keeps it so).
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
from collections.abc import Sequence
from typing import Any, cast

from piccolo.engine.base import BaseTransaction
from piccolo.engine.exceptions import TransactionError
from piccolo.engine.sqlite import SQLiteEngine, TransactionType, convert_int_out
from piccolo.querystring import QueryString

from server.sqlite_writes import (
    CHECKPOINT_EVERY,
    GroupCommitWriter,
    Rows,
    TransactionConnection,
    Write,
    WriteGate,
    commit_together,
    deliver,
    run_statement,
)

# Idle connections kept for Piccolo's transactions; more open under a burst, then close.
KEEP_IDLE = 8

# FULL, not NORMAL: in WAL mode NORMAL syncs the log only at checkpoints, so a power
# cut or an OS crash (not a crashed process) can take the last commits with it, the
# database intact but check-ins gone that were answered 201, which the phone's outbox
# then forgot. FULL syncs the log at every commit; group commit shares that among the
# writes of one turn of the loop. Measured (bench/sqlite_synchronous.py, 2026-12-06,
# 7 alternating runs each, medians): a write alone 0.24 ms (p99 1.09) with FULL, 0.05
# (p99 0.19) with NORMAL; 64 writers at once 33,900 writes/s (p99 4.1 ms) against
# 40,200 (p99 4.4); at load average 5, 0.68 ms against 0.05 alone. A check-in costs
# ~1 ms of CPU before it writes: a fraction of a millisecond buys durability.
SYNCHRONOUS = "FULL"

# Statements that only read; anything else passes the write gate. (Not WITH: in
# SQLite a common table expression may lead into an INSERT.)
_READS = ("SELECT", "EXPLAIN")


def integer_out(value: bytes) -> int:
    """Piccolo's INTEGER converter with its common case first: SQLite hands an INTEGER
    column's value over as text, and Piccolo reads it through `Decimal` (to accept
    "1.0"): measured, Today's query for five bridges 173 → 118 µs. `int` reads every value SQLite
    stored as an integer; anything else still goes to Piccolo's, so the answer is the
    same for every value (tests/test_sqlite_integer_converter.py)."""
    try:
        return int(value)
    except ValueError:
        return cast(int, convert_int_out(value))


# Converters are the sqlite3 module's, by declared type: this one replaces the one
# importing Piccolo registered, for its queries as for ours.
sqlite3.register_converter("INTEGER", integer_out)


def dict_factory(cursor: sqlite3.Cursor, row: tuple[Any, ...]) -> dict[str, Any]:
    """Rows as dicts keyed by column, as Piccolo reads them."""
    return {column[0]: value for column, value in zip(cursor.description, row, strict=True)}


def _reads_only(sql: str) -> bool:
    return sql.lstrip()[:7].upper().startswith(_READS)


# Statements a group commit may take in: plain row changes. Anything else (a PRAGMA,
# DDL, VACUUM) runs alone, outside any transaction, as SQLite requires of some.
_ROW_CHANGES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def _changes_rows(sql: str) -> bool:
    return sql.lstrip()[:7].upper().startswith(_ROW_CHANGES)


class KeptConnectionsSQLiteEngine(SQLiteEngine):
    """A SQLiteEngine whose connections are reused and whose writers take turns."""

    def __init__(self, path: str, timeout: float, synchronous: str = SYNCHRONOUS) -> None:
        super().__init__(path=path, timeout=timeout)
        if synchronous not in ("OFF", "NORMAL", "FULL", "EXTRA"):
            raise ValueError(f"synchronous is OFF, NORMAL, FULL or EXTRA, not {synchronous!r}")
        self._synchronous = f"PRAGMA synchronous = {synchronous}"
        self._idle: list[TransactionConnection] = []
        self._idle_guard = threading.Lock()  # several event loops may share the pool
        self.gate = WriteGate(timeout)
        self._writer: GroupCommitWriter | None = None
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []  # every thread's, to close them all

    # ------------------------------------------------------------------ connections

    def _open(self) -> TransactionConnection:
        raw = sqlite3.connect(**self.connection_kwargs, check_same_thread=False)
        raw.row_factory = dict_factory
        raw.execute("PRAGMA foreign_keys = 1")
        raw.execute(self._synchronous)
        return TransactionConnection(raw)

    def _reader(self) -> sqlite3.Connection:
        """This thread's own connection for plain reads."""
        reader: sqlite3.Connection | None = getattr(self._local, "reader", None)
        if reader is None:
            reader = sqlite3.connect(**self.connection_kwargs, check_same_thread=False)
            reader.row_factory = dict_factory
            reader.execute("PRAGMA wal_autocheckpoint = 0")  # see CHECKPOINT_EVERY
            # Group commits run here too: keep foreign keys (and ON DELETE) as every
            # other connection and PostgreSQL do.
            reader.execute("PRAGMA foreign_keys = 1")
            reader.execute(self._synchronous)
            self._local.checkpointed_at = 0
            with self._idle_guard:
                self._readers.append(reader)
            self._local.reader = reader
        return reader

    def _plain_reader(self) -> sqlite3.Connection:
        """This thread's connection for `fetch_values`: rows as tuples, values as stored.

        Piccolo's converters run a Python function per value (an INTEGER goes through
        Decimal); a year of acts for a team's bridges is ~10^5 rows, and its reading
        took most of the lead's dashboard. Read-only, so it never takes part in writes.
        """
        plain: sqlite3.Connection | None = getattr(self._local, "plain", None)
        if plain is None:
            kwargs = {**self.connection_kwargs, "detect_types": 0}
            plain = sqlite3.connect(**kwargs, check_same_thread=False)
            plain.execute("PRAGMA query_only = 1")
            with self._idle_guard:
                self._readers.append(plain)
            self._local.plain = plain
        return plain

    def checkout(self) -> TransactionConnection:
        with self._idle_guard:
            if self._idle:
                return self._idle.pop()
        return self._open()

    async def checkin(self, connection: TransactionConnection, healthy: bool = True) -> None:
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
            writer, self._writer = self._writer, None
            readers, self._readers = self._readers, []
            self._local = threading.local()
        if writer is not None:
            await writer.close()
        for connection in idle:
            await connection.close()
        for reader in readers:
            reader.close()

    def _writes(self) -> GroupCommitWriter:
        with self._idle_guard:
            if self._writer is None:
                self._writer = GroupCommitWriter(self._connect_writer, self.gate)
            return self._writer

    def _connect_writer(self) -> sqlite3.Connection:
        connection = sqlite3.connect(**self.connection_kwargs, check_same_thread=False)
        connection.row_factory = dict_factory
        connection.execute("PRAGMA foreign_keys = 1")
        connection.execute(self._synchronous)
        return connection

    # ------------------------------------------------------------------ queries

    async def fetch(self, sql: str, args: Sequence[Any]) -> Rows:
        """One statement with `?` parameters, in the current transaction if any."""
        current = self._current()
        if current is not None:
            return await current.connection.execute(sql, args)
        if _reads_only(sql):
            return run_statement(self._reader(), sql, args)
        if _changes_rows(sql):
            return (await self._write_soon([(sql, args)]))[0]
        return (await self._writes().run([(sql, args)], alone=True))[0]

    async def fetch_values(self, sql: str, args: Sequence[Any]) -> list[tuple[Any, ...]]:
        """A read's rows as tuples in the select's order, dates and timestamps as the
        ISO text SQLite stores (the caller parses the few columns it needs)."""
        current = self._current()
        if current is not None:  # inside a transaction: read what it sees
            rows = await current.connection.execute(sql, args)
            return [tuple(row.values()) for row in rows]
        return self._plain_reader().execute(sql, args).fetchall()

    async def write(self, statements: list[tuple[str, Sequence[Any]]]) -> list[Rows]:
        """Statements in one IMMEDIATE transaction, run in one trip to a connection thread."""
        if self._current() is not None:  # already inside a transaction: take part in it
            return [await self.fetch(sql, args) for sql, args in statements]
        return await self._write_soon(statements)

    # ------------------------------------------------------------------ group commit

    async def _write_soon(self, statements: Sequence[tuple[str, Sequence[Any]]]) -> list[Rows]:
        """Queue a write for this event loop's next group commit and wait for it."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[list[Rows]] = loop.create_future()
        pending: list[Write] = self._local.__dict__.setdefault("pending", [])
        pending.append(Write(statements, False, future, loop))
        if len(pending) == 1:  # the first since the last commit: schedule the next one
            loop.call_soon(self._commit_pending, pending)
        return await future

    def _commit_pending(self, pending: list[Write]) -> None:
        """Commit what this loop's tasks queued during the last turn of the loop."""
        # A caller that gave up (cancelled) before its turn: its write is not run.
        group = [write for write in pending if not write.future.done()]
        pending.clear()
        if not group:
            return
        try:
            committed = self._commit_here(group)
        except BaseException as error:  # no caller may be left waiting
            for write in group:
                if write.result is None and write.error is None:
                    write.error = error
            committed = True
        if committed:
            deliver(group)
        else:
            self._writes().take(group)

    def _commit_here(self, group: list[Write]) -> bool:
        """Commit the group on this thread's connection if nobody else is writing right
        now; False, having run nothing, if another writer holds the gate or, in another
        process, SQLite's lock: the writer thread then waits for it, the loop never does."""
        if not self.gate.enter_at_once():
            return False
        try:
            connection = self._reader()
            connection.execute("PRAGMA busy_timeout = 0")
            try:
                connection.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as error:
                if error.sqlite_errorcode != sqlite3.SQLITE_BUSY:
                    raise
                return False
            finally:
                connection.execute(f"PRAGMA busy_timeout = {int(self.gate.timeout * 1000)}")
            commit_together(connection, group)
        finally:
            self.gate.leave()
        if connection.total_changes - self._local.checkpointed_at >= CHECKPOINT_EVERY:
            self._local.checkpointed_at = connection.total_changes
            self._writes().checkpoint_soon()
        return True

    # ------------------------------------------------------------------ Piccolo's engine contract

    async def run_querystring(self, querystring: QueryString, in_pool: bool = False) -> Rows:
        """Every Piccolo query: in the current transaction if any, else as fetch() sends it."""
        sql, args = querystring.compile_string(engine_type=self.engine_type)
        return await self.fetch(sql, args)

    async def run_ddl(self, ddl: str, in_pool: bool = False) -> Rows:
        """Piccolo's DDL (and PRAGMAs): in the current transaction, else on the writer thread."""
        return await self.fetch(ddl, [])

    def transaction(  # type: ignore[override]  # Piccolo types SQLiteEngine's as its own class
        self,
        transaction_type: TransactionType = TransactionType.immediate,
        allow_nested: bool = True,
    ) -> KeptConnectionTransaction:
        """Every transaction writes, so each is IMMEDIATE and holds the write gate."""
        return KeptConnectionTransaction(self, allow_nested)

    def _current(self) -> KeptConnectionTransaction | None:
        # Only this engine's transactions are ever set here (see transaction()).
        return cast("KeptConnectionTransaction | None", self.current_transaction.get())


class KeptConnectionTransaction(BaseTransaction):
    """A transaction on a kept connection that holds the write gate from BEGIN to the end.

    A transaction begun inside another joins it (unless allow_nested is False, which
    is refused): the outermost one commits or rolls back for all.
    """

    __slots__ = ("connection", "context", "engine", "finished", "outer")

    def __init__(self, engine: KeptConnectionsSQLiteEngine, allow_nested: bool = True) -> None:
        self.engine = engine
        self.outer = engine._current()
        if self.outer is not None and not allow_nested:
            raise TransactionError("A transaction is already active - nested ones aren't allowed.")
        self.finished = False

    async def __aenter__(self) -> KeptConnectionTransaction:
        if self.outer is not None:
            return self.outer
        self.connection = self.engine.checkout()
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

        begun = asyncio.ensure_future(connection.run(enter_and_begin))
        try:
            await asyncio.shield(begun)
        except asyncio.CancelledError:
            # The thread goes on and may yet take the gate: let it, then give it back.
            with contextlib.suppress(BaseException):
                await begun
                await connection.run(undo)
            await self.engine.checkin(connection, healthy=False)
            raise
        except BaseException:
            await self.engine.checkin(connection, healthy=False)
            raise
        self.context = self.engine.current_transaction.set(self)  # type: ignore[arg-type]
        return self

    async def commit(self) -> None:
        await self.connection.execute("COMMIT")
        self.finished = True

    async def rollback(self) -> None:
        await self.connection.execute("ROLLBACK")
        self.finished = True

    async def __aexit__(self, exception_type: Any, exception: Any, traceback: Any) -> bool:
        if self.outer is not None:
            return exception is None
        healthy = True
        try:
            if not self.finished:
                await (self.rollback() if exception else self.commit())
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
