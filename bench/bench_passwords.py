"""How long one argon2id hash takes, and that hashing leaves the event loop free.

Prints:
  argon2id_hash_ms: median time of one hash (19 MiB, t=2, p=1)
  event_loop_max_stall_ms: the longest the loop waited while 8 hashes ran
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from server.accounts.passwords import hash_password


async def main() -> None:
    timings = []
    for _ in range(10):
        start = time.perf_counter()
        await hash_password("correct horse battery")
        timings.append((time.perf_counter() - start) * 1000)

    stalls: list[float] = []
    stop = asyncio.Event()

    async def ticker() -> None:
        while not stop.is_set():
            start = time.perf_counter()
            await asyncio.sleep(0.001)
            stalls.append((time.perf_counter() - start) * 1000 - 1)

    tick = asyncio.create_task(ticker())
    await asyncio.gather(*(hash_password(f"password number {n}") for n in range(8)))
    stop.set()
    await tick
    print(f"argon2id_hash_ms: {statistics.median(timings):.1f}")
    print(f"event_loop_max_stall_ms: {max(stalls):.1f}")


if __name__ == "__main__":
    asyncio.run(main())
