"""How many reminders a dispatcher holds at once, and statements shared by many of them.

A dispatcher that is killed gives up exactly what it holds: reminders it claimed
(taken over, unsent, once their lease runs out) and reminders it was sending
(perhaps already on the phone). `Window` bounds both to the concurrency limit:
a reminder takes a slot *before* it is claimed and gives it back only once its
outcome is in the database.

`Group` is a group commit for the dispatcher's own writes: every reminder whose
push starts (or ends) while the previous statement is running joins the next
one, so a thousand reminders a second still make a few dozen statements, and a
lone reminder is never kept waiting for company.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Window:
    """At most `size` reminders claimed or sending, and not yet settled, at any moment."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._free = asyncio.Semaphore(size)

    async def take(self, count: int) -> None:
        """Wait for `count` slots (no more than `size`, or it would wait for ever)."""
        assert count <= self.size, f"{count} slots asked of a window of {self.size}"
        for _ in range(count):
            await self._free.acquire()

    def give_back(self, count: int = 1) -> None:
        for _ in range(count):
            self._free.release()

    @property
    def held(self) -> int:
        return self.size - self._free._value


class Group(Generic[T, R]):
    """Runs `flush(items)` for every item added while the previous flush ran.

    `add()` returns the flush's answer for the item (`flush` returns one a item,
    in order) once the statement is done, or raises what the flush raised.
    """

    def __init__(self, flush: Callable[[list[T]], Awaitable[list[R]]]) -> None:
        self._flush = flush
        self._pending: list[tuple[T, asyncio.Future[R]]] = []
        self._running: asyncio.Task[None] | None = None

    async def add(self, item: T) -> R:
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        if self._running is None:
            self._running = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        try:
            await asyncio.sleep(0)  # everything started in this turn of the loop joins
            while self._pending:
                batch, self._pending = self._pending, []
                try:
                    answers = await self._flush([item for item, _ in batch])
                except Exception as error:
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(error)
                    continue
                for (_, future), answer in zip(batch, answers, strict=True):
                    if not future.done():
                        future.set_result(answer)
        finally:
            self._running = None
