"""Email reminders a second through one dispatcher, against a local SMTP server.

2,000 people due at the same moment on SQLite, each with a daily commitment and a
confirmed address and no phone; aiosmtpd (a Sink that accepts and drops every
message) runs in its own process on loopback; one dispatcher pass is timed.
Prints `email_reminders_per_s` (goal >= 200).
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime

from harness import SCRATCH, figure, free_port, migrate, say, sqlite_url

PEOPLE = 2000
SINK = ("-c", "aiosmtpd.handlers.Sink")  # accepts every message and keeps none
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def bind_all(url: str) -> None:
    from server.db import engine_from_url
    from server.piccolo_conf import APP_REGISTRY

    engine = engine_from_url(url)
    for app in APP_REGISTRY.app_configs.values():
        for table in app.table_classes:
            table._meta.db = engine


async def dispatch(smtp_url: str) -> tuple[int, float]:
    from server.reminders.dispatcher import Dispatcher
    from server.reminders.email.channel import EmailChannel
    from server.reminders.push import WebPush
    from server.settings import load_settings

    settings = load_settings({**os.environ, "SMTP_URL": smtp_url, "MAIL_FROM": "b@bench.test"})
    email = EmailChannel.from_settings(settings)
    sender = WebPush(settings.vapid_private_key, settings.vapid_subject)
    dispatcher = Dispatcher(sender, email=email)
    started = time.perf_counter()
    try:
        handled = await dispatcher.once()
    finally:
        await dispatcher.sender.aclose()
        if email is not None:
            await email.aclose()
    return handled, time.perf_counter() - started


def wait_for_port(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError("the SMTP server did not start")


def main() -> None:
    import time_machine

    url = sqlite_url("email")
    migrate(url)
    bind_all(url)
    port = free_port()
    smtp = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", *SINK],
        cwd=SCRATCH,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        with time_machine.travel(NOW, tick=False):
            # The racing tests' people: each with a daily commitment and a confirmed address.
            from tests.reminders_helpers import seed_racers

            asyncio.run(seed_racers(NOW, PEOPLE))
            say(f"{PEOPLE} people due; one dispatcher pass, email only")
        # The clock moves for the timed pass: frozen, time.perf_counter still runs, but
        # the dispatcher's leases and claims read clock.now(); a travel that ticks keeps both.
        with time_machine.travel(NOW, tick=True):
            if os.environ.get("BENCH_PROFILE"):  # a cProfile of the pass, for finding the cost
                import cProfile

                cProfile.runctx(
                    "asyncio.run(dispatch(u))",
                    globals(),
                    {"u": f"smtp://127.0.0.1:{port}", "dispatch": dispatch, "asyncio": asyncio},
                    "/tmp/wt19.prof",
                )
                return
            handled, seconds = asyncio.run(dispatch(f"smtp://127.0.0.1:{port}"))
    finally:
        smtp.terminate()
        smtp.wait(10)
    if handled != PEOPLE:
        raise SystemExit(f"bench_email: {handled} of {PEOPLE} reminders handled")
    figure("email_reminders_per_s", round(handled / seconds))


if __name__ == "__main__":
    main()
