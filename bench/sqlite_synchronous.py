"""SQLite's `PRAGMA synchronous`, FULL against NORMAL, in WAL mode, on the real engine.

Not part of `make bench` (run it by hand: `.venv/bin/python bench/sqlite_synchronous.py`);
it backs the decision written beside `SYNCHRONOUS` in server/sqlite.py. Both modes run
in the same process, alternating, REPETITIONS times each, on fresh copies of one
migrated file, through `server.db.write` as a check-in writes:

  one at a time  ONE_BY_ONE writes, each awaited before the next: a quiet server,
                 every write its own commit (FULL syncs the WAL at each one)
  64 at once     CLIENTS tasks writing WRITES_EACH rows back to back: a busy
                 server, where group commit shares one commit among many writes

Prints, per mode, the median over repetitions of: the one-at-a-time write's p50 and
p99 in ms, and the 64-client run's writes a second and p99 in ms.
"""

from __future__ import annotations

import asyncio
import shutil
import statistics
import sys
import time

import harness
from harness import figure, migrate, percentile, say

REPETITIONS = 7
ONE_BY_ONE = 2000
CLIENTS = 64
WRITES_EACH = 100
MODES = ("FULL", "NORMAL")

PERSON = (
    "INSERT INTO person (email, display_name, password_hash, time_zone, created_at)"
    " VALUES ({}, {}, 'x', 'UTC', '2026-11-21T12:00:00+00:00')"
)


async def _measure(path: str, synchronous: str) -> tuple[list[float], list[float], float]:
    from server import db
    from server.piccolo_app import APP_CONFIG
    from server.sqlite import KeptConnectionsSQLiteEngine

    engine = KeptConnectionsSQLiteEngine(path, timeout=30.0, synchronous=synchronous)
    for table in APP_CONFIG.table_classes:
        table._meta.db = engine
    try:
        alone: list[float] = []
        for n in range(ONE_BY_ONE):
            began = time.perf_counter()
            await db.write((PERSON, (f"alone{n}@example.com", f"Alone {n}")))
            alone.append((time.perf_counter() - began) * 1000)

        together: list[float] = []

        async def client(c: int) -> None:
            for n in range(WRITES_EACH):
                began = time.perf_counter()
                await db.write((PERSON, (f"c{c}-{n}@example.com", f"Client {c}")))
                together.append((time.perf_counter() - began) * 1000)

        began = time.perf_counter()
        await asyncio.gather(*(client(c) for c in range(CLIENTS)))
        per_s = CLIENTS * WRITES_EACH / (time.perf_counter() - began)
        return alone, together, per_s
    finally:
        await engine.close_connections()


def main() -> int:
    template = harness.SCRATCH / "synchronous-template.sqlite3"
    migrate(f"sqlite:///{template}")
    results: dict[str, list[tuple[float, float, float, float]]] = {m: [] for m in MODES}
    for repetition in range(REPETITIONS):
        order = MODES if repetition % 2 == 0 else MODES[::-1]
        for mode in order:
            path = harness.SCRATCH / f"synchronous-{mode}-{repetition}.sqlite3"
            shutil.copy(template, path)
            alone, together, per_s = harness.run(_measure(str(path), mode))
            row = (
                percentile(alone, 0.5),
                percentile(alone, 0.99),
                per_s,
                percentile(together, 0.99),
            )
            say(f"{mode:6} run {repetition + 1}: one at a time p50 {row[0]:.2f} ms "
                f"p99 {row[1]:.2f} ms; 64 at once {row[2]:.0f}/s p99 {row[3]:.1f} ms")  # fmt: skip
            results[mode].append(row)
    for mode in MODES:
        medians = [statistics.median(row[k] for row in results[mode]) for k in range(4)]
        name = mode.lower()
        figure(f"sqlite_{name}_one_write_p50_ms", f"{medians[0]:.2f}")
        figure(f"sqlite_{name}_one_write_p99_ms", f"{medians[1]:.2f}")
        figure(f"sqlite_{name}_64_clients_writes_per_s", f"{medians[2]:.0f}")
        figure(f"sqlite_{name}_64_clients_p99_ms", f"{medians[3]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
