"""A dispatcher killed with SIGKILL in the middle of a batch, on PostgreSQL, with real
processes and a push service that answers slowly: every person due still gets their
reminder; only the ones in flight at the kill (at most the concurrency limit) can get
a second copy, and it carries the same Topic, so the push service keeps one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta

import pytest
import time_machine

from server.reminders.dispatcher import LEASE, TOPIC
from server.reminders.tables import Reminder
from tests.conftest import ROOT, run
from tests.reminders_helpers import Device, PushService, seed_racers, utc

pytest_plugins = ["tests.reminders_helpers"]  # the `push` service fixture

PEOPLE = 1000  # seed_racers: everyone due at NOW, one phone each
CONCURRENCY = 16
NOW = utc(2026, 11, 20, 9, 0)


def dispatcher(db_url: str, at: str) -> subprocess.Popen[str]:
    """A real dispatcher process (one pass), started at once."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.reminders_race_worker", db_url, at, str(CONCURRENCY)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None
    process.stdin.write("go\n")
    process.stdin.flush()
    return process


def wait_for(push: PushService, requests: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 120
    while push.requests < requests:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, f"only {push.requests} pushes arrived"
        time.sleep(0.01)


@pytest.mark.parametrize("db", ["postgres"], indirect=True)
def test_a_dispatcher_killed_mid_batch_loses_no_reminder(db, push):
    devices = [Device(push) for _ in range(PEOPLE)]
    # The push service checks each token's expiry against this process's clock.
    with time_machine.travel(NOW, tick=False):
        killed_mid_batch_then_taken_over(db.url, push, devices)


def killed_mid_batch_then_taken_over(db_url: str, push: PushService, devices: list[Device]) -> None:
    run(seed_racers(NOW, PEOPLE, devices))
    push.delay = 0.3  # a slow push service: the window is full of pushes in flight

    doomed = dispatcher(db_url, NOW.isoformat())
    wait_for(push, 100, doomed)
    os.kill(doomed.pid, signal.SIGKILL)
    doomed.communicate(timeout=30)
    assert doomed.returncode == -signal.SIGKILL

    statuses = Counter(r["status"] for r in run(Reminder.select(Reminder.status)))
    held = statuses["claimed"] + statuses["sending"]
    # It held no more than its window: everything else was never claimed.
    assert 0 < held <= CONCURRENCY, statuses
    assert statuses["sent"] < PEOPLE // 2, "the kill came too late to be mid-batch"

    push.delay = 0.0
    after_the_lease = (NOW + LEASE + timedelta(seconds=1)).isoformat()
    heir = dispatcher(db_url, after_the_lease)
    _, err = heir.communicate(timeout=240)
    assert heir.returncode == 0, err

    copies = Counter(p.device for p in push.pushes)
    lost = [d for d in devices if copies[d.token] == 0]
    twice = [token for token, count in copies.items() if count > 1]
    assert lost == []
    assert len(twice) <= CONCURRENCY
    assert max(copies.values()) <= 2
    for token in twice:
        first, second = [p for p in push.pushes if p.device == token]
        assert first.headers["topic"] == second.headers["topic"] == TOPIC
        assert first.message == second.message
    assert push.refused == []
    rows = run(Reminder.select(Reminder.status))
    assert len(rows) == PEOPLE
    assert {r["status"] for r in rows} == {"sent"}
