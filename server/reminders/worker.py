"""Running the dispatcher: `bridgework dispatch [--loop]`, or inside the app process."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
from collections.abc import Coroutine
from typing import Any, TypeVar

from server.reminders.dispatcher import Dispatcher, run_loop
from server.reminders.email.channel import EmailChannel
from server.reminders.push import WebPush
from server.settings import Settings

log = logging.getLogger(__name__)
T = TypeVar("T")

STOP_TIMEOUT_S = 20.0  # a pass in flight finishes its batch: pushes time out after 10 s


def run(main: Coroutine[Any, Any, T]) -> T:
    """A dispatcher process's event loop: uvloop where installed, as uvicorn runs the app's.

    Measured on the bench: the asyncio bookkeeping of a push (aiohttp's tasks and
    timers, asyncpg's protocol) costs less on it.
    """
    try:
        import uvloop
    except ImportError:  # uvicorn[standard] leaves it out on Windows
        return asyncio.run(main)
    return uvloop.run(main)


def dispatcher_for(settings: Settings) -> Dispatcher:
    sender = WebPush(settings.vapid_private_key, settings.vapid_subject)
    return Dispatcher(sender, email=EmailChannel.from_settings(settings))


async def dispatch(settings: Settings, *, loop: bool) -> int:
    """One pass (the default) or passes until SIGTERM/SIGINT; returns reminders handled."""
    from server import db

    await db.open_pool(settings.database_pool_size)
    dispatcher = dispatcher_for(settings)
    # What start-up made (modules, tables, settings: some 50,000 objects) lives as
    # long as the process; out of the collector's sight, its full passes over each
    # batch's garbage stop re-walking them (measured: 7 µs a reminder, now 0.4).
    gc.freeze()
    try:
        if not loop:
            return await dispatcher.once()
        running = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            running.add_signal_handler(signum, dispatcher.stopping.set)
        log.info("reminder dispatcher %s running; SIGTERM stops it", dispatcher.name)
        await run_loop(dispatcher)
        return 0
    finally:
        await dispatcher.sender.aclose()
        if dispatcher.email is not None:
            await dispatcher.email.aclose()
        await db.close_pool()


class InProcess:
    """The dispatcher loop as a task of the app's own event loop (the embedded default)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.dispatcher: Dispatcher | None = None
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.dispatcher = dispatcher_for(self.settings)
        self.task = asyncio.get_running_loop().create_task(run_loop(self.dispatcher))

    async def stop(self) -> None:
        if self.dispatcher is None or self.task is None:
            return
        self.dispatcher.stopping.set()
        try:
            await asyncio.wait_for(self.task, timeout=STOP_TIMEOUT_S)
        except TimeoutError:
            log.warning("the reminder dispatcher did not stop in time; cancelling it")
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
        await self.dispatcher.sender.aclose()
        if self.dispatcher.email is not None:
            await self.dispatcher.email.aclose()
