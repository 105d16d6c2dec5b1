"""One dispatcher process: `python -m tests.reminders_race_worker URL ISO [CONCURRENCY]`.

It binds every table to the database at URL, freezes the clock at ISO (as the test
process does), waits for a line on stdin so all racers start together, runs one
dispatcher pass in small batches and prints how many reminders it handled. The
racing test starts three; the SIGKILL test kills one mid-batch.
"""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import datetime

import time_machine

from server.db import engine_from_url
from server.piccolo_conf import APP_REGISTRY
from server.reminders.dispatcher import Dispatcher
from server.reminders.email.channel import EmailChannel
from server.reminders.push import WebPush
from server.settings import load_settings


async def main(url: str, concurrency: int) -> int:
    engine = engine_from_url(url)
    for app in APP_REGISTRY.app_configs.values():
        for table in app.table_classes:
            table._meta.db = engine
    settings = load_settings(os.environ)
    sender = WebPush(settings.vapid_private_key, settings.vapid_subject)
    email = EmailChannel.from_settings(settings)  # when the test sets SMTP_URL
    dispatcher = Dispatcher(sender, batch_size=50, concurrency=concurrency, email=email)
    try:
        return await dispatcher.once()
    finally:
        await sender.aclose()
        if email is not None:
            await email.aclose()


if __name__ == "__main__":
    database_url, frozen_at = sys.argv[1], datetime.fromisoformat(sys.argv[2])
    concurrency = int(sys.argv[3]) if len(sys.argv) > 3 else 32
    with time_machine.travel(frozen_at, tick=False):
        sys.stdin.readline()
        print(asyncio.run(main(database_url, concurrency)), flush=True)
