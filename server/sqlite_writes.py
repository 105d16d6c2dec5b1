"""The writes of server/sqlite.py's engine: the write gate, group commit, the writer thread.

How they fit together is told at the top of server/sqlite.py. Here: `WriteGate`,
the process-wide lock every writer takes; `commit_together`, one IMMEDIATE
transaction for a group of writes, a savepoint each; and `GroupCommitWriter`, the
thread that takes the groups an event loop could not commit at once, statements
that must run outside a transaction, and the WAL checkpoints; and
`TransactionConnection`, the connection with a thread of its own that each Piccolo
transaction (a writer too) runs on.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import sqlite3
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

Rows = list[dict[str, Any]]
T = TypeVar("T")


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

    def enter_at_once(self) -> bool:
        """Take the gate if it is free now; never wait."""
        return self._lock.acquire(blocking=False)


def run_statement(connection: sqlite3.Connection, sql: str, args: Sequence[Any]) -> Rows:
    return connection.execute(sql, args).fetchall()


# The most writes one commit takes in; each is ~0.1 ms of SQLite's work.
MAX_GROUP = 100

# SQLite copies the WAL into the database file (a checkpoint) when a commit takes it
# past 1,000 pages, in that commit: 10-20 ms of writing and fsync here, with the
# event loop stopped. Connections that commit on an event loop leave that to the
# writer thread instead, every this many changed rows (~1,000 pages of check-ins).
CHECKPOINT_EVERY = 200
_CHECKPOINT, _CLOSE = "checkpoint", "close"


@dataclass(eq=False)
class Write:
    """One caller's statements, to be run as a unit, and where to send the outcome."""

    statements: Sequence[tuple[str, Sequence[Any]]]
    alone: bool  # outside any transaction (a PRAGMA, DDL)
    future: asyncio.Future[list[Rows]]
    loop: asyncio.AbstractEventLoop
    result: list[Rows] | None = None
    error: BaseException | None = None


class GroupCommitWriter:
    """The writes an event loop could not commit at once, and statements that must run
    outside a transaction (a PRAGMA, DDL): one thread with one connection, which waits
    for the gate and for SQLite's lock (up to the busy timeout) so the loop never does.
    Writes that queued while it waited are committed together, as on the loop.
    """

    def __init__(self, connect: Callable[[], sqlite3.Connection], gate: WriteGate) -> None:
        self._connect = connect
        self._gate = gate
        self._queue: queue.SimpleQueue[Write | str] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._serve, name="sqlite-writer", daemon=True)
        self._thread.start()

    async def run(
        self, statements: Sequence[tuple[str, Sequence[Any]]], *, alone: bool = False
    ) -> list[Rows]:
        loop = asyncio.get_running_loop()
        write = Write(statements, alone, loop.create_future(), loop)
        self._queue.put(write)
        return await write.future

    def take(self, group: list[Write]) -> None:
        """Writes an event loop could not commit at once: commit them here, waiting."""
        for write in group:
            self._queue.put(write)

    def checkpoint_soon(self) -> None:
        """Copy the WAL into the database file here, off the loop (see CHECKPOINT_EVERY)."""
        self._queue.put(_CHECKPOINT)

    async def close(self) -> None:
        """Finish what is queued, close the connection (checkpointing the WAL), stop."""
        self._queue.put(_CLOSE)
        await asyncio.get_running_loop().run_in_executor(None, self._thread.join)

    # ------------------------------------------------------------------ the thread

    def _serve(self) -> None:
        connection: sqlite3.Connection | None = None
        carried: Write | str | None = None
        while True:
            first = carried or self._queue.get()
            carried = None
            if first == _CLOSE:
                if connection is not None:
                    connection.close()
                return
            try:
                if connection is None:
                    connection = self._connect()
            except Exception as error:
                if isinstance(first, Write):
                    first.error = error
                    _settle([first])
                continue
            if first == _CHECKPOINT:
                # RESTART: copy the whole log into the file, then start the log over,
                # so the WAL file is reused instead of growing. It is a writer: it
                # holds the gate, and the loops' writes meanwhile queue here behind it
                # (while the loops go on). A PASSIVE one, racing the next commit,
                # never saw the log all copied, and the file grew without end.
                try:
                    self._gate.enter()
                except sqlite3.Error:
                    continue
                try:
                    with contextlib.suppress(sqlite3.Error):
                        connection.execute("PRAGMA wal_checkpoint(RESTART)").fetchall()
                finally:
                    self._gate.leave()
                continue
            assert isinstance(first, Write)
            group = [first]
            while not first.alone and len(group) < MAX_GROUP:
                try:
                    nxt = self._queue.get_nowait()
                except queue.Empty:
                    break
                if not isinstance(nxt, Write) or nxt.alone:
                    carried = nxt
                    break
                group.append(nxt)
            try:
                self._gate.enter()
            except BaseException as error:
                for write in group:
                    write.error = error
            else:
                try:
                    if first.alone:
                        _run_alone(connection, first)
                    else:
                        _begin_and_commit(connection, group)
                finally:
                    self._gate.leave()
            _settle(group)


def _begin_and_commit(connection: sqlite3.Connection, group: list[Write]) -> None:
    try:
        connection.execute("BEGIN IMMEDIATE")  # waits up to the busy timeout
    except Exception as error:
        for write in group:
            write.error = error
        return
    commit_together(connection, group)


def _run_alone(connection: sqlite3.Connection, write: Write) -> None:
    try:
        write.result = [run_statement(connection, sql, args) for sql, args in write.statements]
    except Exception as error:
        write.error = error


def commit_together(connection: sqlite3.Connection, group: list[Write]) -> None:
    """Run the group in the IMMEDIATE transaction the caller began, each write in its
    own savepoint, then COMMIT. Sets each write's result or error."""
    apart = len(group) > 1  # a write alone needs no savepoint: the transaction is its unit
    try:
        for write in group:
            if apart:
                connection.execute("SAVEPOINT one_write")
            try:
                write.result = [
                    run_statement(connection, sql, args) for sql, args in write.statements
                ]
            except Exception as error:
                write.error = error
                if not connection.in_transaction:
                    raise  # SQLite ended the whole transaction (disk full, I/O error)
                if not apart:
                    connection.execute("ROLLBACK")
                    return
                connection.execute("ROLLBACK TO one_write")
            if apart:
                connection.execute("RELEASE one_write")
        connection.execute("COMMIT")
    except Exception as error:
        # Nothing of the group is stored, so nobody is told otherwise.
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        for write in group:
            write.result, write.error = None, write.error or error


def _settle(group: list[Write]) -> None:
    """Hand each outcome to its caller's event loop: one wake-up per loop, not per write."""
    by_loop: dict[asyncio.AbstractEventLoop, list[Write]] = {}
    for write in group:
        by_loop.setdefault(write.loop, []).append(write)
    for loop, writes in by_loop.items():
        with contextlib.suppress(RuntimeError):  # that loop has closed: nobody waits
            loop.call_soon_threadsafe(deliver, writes)


def deliver(writes: list[Write]) -> None:
    for write in writes:
        future = write.future
        if future.done():  # the caller gave up (cancelled)
            continue
        if write.error is not None:
            future.set_exception(write.error)
        else:
            future.set_result(write.result or [])


class TransactionConnection:
    """A sqlite3 connection with a thread of its own, for Piccolo's transactions.

    The event loop hands it work through a queue and awaits the outcome, so waiting
    for the write gate or for SQLite's lock blocks this thread, never the loop. The
    thread is a daemon: a kept idle connection must not hold a finished command open
    at exit (a connection not closed leaves its WAL for the next open to replay).
    """

    def __init__(self, raw: sqlite3.Connection) -> None:
        self.raw = raw
        self._jobs: queue.SimpleQueue[tuple[Callable[[sqlite3.Connection], Any], Any] | None]
        self._jobs = queue.SimpleQueue()
        threading.Thread(target=self._serve, name="sqlite-transaction", daemon=True).start()

    @property
    def in_transaction(self) -> bool:
        return self.raw.in_transaction

    async def run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """`work(connection)` on this connection's thread: its result, or what it raised."""
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._jobs.put((work, future))
        return await future

    async def execute(self, sql: str, args: Sequence[Any] = ()) -> Rows:
        """One statement's rows (Piccolo's savepoints call this too)."""
        return await self.run(lambda raw: run_statement(raw, sql, args))

    async def close(self) -> None:
        """Close the connection on its thread, then end the thread."""
        try:
            await self.run(sqlite3.Connection.close)
        finally:
            self._jobs.put(None)

    def _serve(self) -> None:
        while (job := self._jobs.get()) is not None:
            work, future = job
            try:
                result, error = work(self.raw), None
            except BaseException as raised:
                result, error = None, raised
            with contextlib.suppress(RuntimeError):  # that loop has closed: nobody waits
                future.get_loop().call_soon_threadsafe(_answer, future, result, error)


def _answer(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.done():  # the caller gave up (cancelled)
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)
