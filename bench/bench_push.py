"""Daily reminders at scale: 100,000 due people, a push service answering after 50 ms.

Seeds a fresh PostgreSQL database (people in bridges, a daily commitment each, one
device each, everyone's reminder due), starts a loopback push service in its own
process that answers 201 after 50 ms, then runs one real dispatcher pass
(`bridgework dispatch`) in each of two processes, one per core, and times them.

Prints:
  push_reminders_per_s: reminders claimed, encrypted, signed, pushed and recorded a second
  push_peak_rss_mb: the largest dispatcher process's peak resident memory
  push_rss_growth_mb: peak minus resident memory after the first 10 % of reminders
                      (flat: people are streamed in batches, never all loaded at once)
  push_dispatcher_cpu_us: CPU the dispatchers spent per reminder during their pass
                          (start-up and imports left out)
  push_machine_cpu_us: CPU the whole machine spent per reminder while they ran: the
                       dispatchers, PostgreSQL, the push service, the kernel, and anything
                       else running (the load average printed at the end says how much)
  push_kill9_lost: on a second database of 20,000 due people, one dispatcher is killed
                   with SIGKILL once a quarter of them have been pushed; another takes
                   over after the lease: people who never got a push (goal 0)
  push_kill9_duplicates: people who got two pushes, the ones in flight at the kill
                         (goal: at most the concurrency limit, 256; the script fails if
                         any two copies carry different Topics)
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PEOPLE = int(os.environ.get("BENCH_PUSH_PEOPLE", "100000"))
KILL_PEOPLE = int(os.environ.get("BENCH_PUSH_KILL_PEOPLE", "20000"))
# One dispatcher process per core, as `make worker` would run them in production:
# each leases its own batches, and the claims keep every reminder to exactly one.
DISPATCHERS = int(os.environ.get("BENCH_PUSH_DISPATCHERS", "2"))
LATENCY_S = 0.050
ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
SCRATCH = Path(tempfile.mkdtemp(prefix="bridgework-bench-push-"))
ENV = {
    **os.environ,
    "BRIDGEWORK_DATA_DIR": str(SCRATCH),
    "SECRET_KEY": "bench-secret-key-that-is-long-enough-0123456789",
    "DATABASE_POOL_SIZE": "8",
}


def say(message: str) -> None:
    """Progress to stderr: stdout carries only `name: value` lines."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- the push service


class PushProtocol(asyncio.Protocol):
    """HTTP/1.1 keep-alive: read each request, answer 201 after LATENCY_S.

    Each push's path and Topic are kept; `GET /stats` answers what they add up to.
    """

    served = 0
    received: dict[bytes, list[bytes]] = {}

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            length, topic = 0, b""
            request_line, *lines = self.buffer[:end].split(b"\r\n")
            for line in lines:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
                elif name.strip().lower() == b"topic":
                    topic = value.strip()
            if len(self.buffer) < end + 4 + length:
                return
            self.buffer = self.buffer[end + 4 + length :]
            path = request_line.split(b" ")[1]
            if path == b"/stats":
                self.stats()
                continue
            PushProtocol.received.setdefault(path, []).append(topic)
            asyncio.get_running_loop().call_later(LATENCY_S, self.answer)

    def answer(self) -> None:
        PushProtocol.served += 1
        if not self.transport.is_closing():
            self.transport.write(b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n")

    def stats(self) -> None:
        """Devices reached, pushes received, devices reached twice or more, and whether
        every device's copies carried one Topic."""
        copies = PushProtocol.received.values()
        body = json.dumps(
            {
                "devices": len(PushProtocol.received),
                "pushes": sum(len(c) for c in copies),
                "duplicates": sum(1 for c in copies if len(c) > 1),
                "one_topic_each": all(len(set(c)) == 1 and c[0] for c in copies),
            }
        ).encode()
        head = f"HTTP/1.1 200 OK\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        self.transport.write(head + body)


def push_stats(port: int) -> dict[str, Any]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(b"GET /stats HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            answer += connection.recv(65536)
    return dict(json.loads(answer.split(b"\r\n\r\n", 1)[1]))


async def serve_push(port: int) -> None:
    server = await asyncio.get_running_loop().create_server(PushProtocol, "127.0.0.1", port)
    async with server:
        await asyncio.sleep(3600)


# ---------------------------------------------------------------- the database


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def admin(sql: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(ADMIN_URL, timeout=5)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


async def seed(url: str, push_port: int, people_count: int = PEOPLE) -> None:
    """Everyone due now: tz UTC, reminder at 00:00, a daily commitment since yesterday."""
    import asyncpg
    from cryptography.hazmat.primitives.asymmetric import ec

    from server.reminders.keys import b64url, public_key_bytes

    browser_key = b64url(public_key_bytes(ec.generate_private_key(ec.SECP256R1()).public_key()))
    auth = b64url(os.urandom(16))
    now = datetime.now(UTC)
    today = now.date()
    connection = await asyncpg.connect(url)
    try:
        people = range(1, people_count + 1)
        await connection.copy_records_to_table(
            "person",
            columns=["id", "email", "display_name", "password_hash", "time_zone", "created_at"],
            records=[(i, f"p{i}@example.com", f"Person {i}", "-", "UTC", now) for i in people],
        )
        pairs = range(1, people_count // 2 + 1)
        await connection.copy_records_to_table(
            "bridge",
            columns=["id", "side_a", "side_b", "status", "message", "span", "created_at"],
            records=[(i, 2 * i - 1, 2 * i, "active", "", 30, now) for i in pairs],
        )
        await connection.copy_records_to_table(
            "commitment",
            columns=[
                "bridge",
                "side",
                "owner",
                "text",
                "cadence",
                "weekdays",
                "start",
                "created_at",
            ],
            records=[
                (
                    b,
                    side,
                    2 * b - (1 if side == "a" else 0),
                    "Reply within a day",
                    "daily",
                    "",
                    today - timedelta(days=1),
                    now,
                )
                for b in pairs
                for side in ("a", "b")
            ],
        )
        await connection.copy_records_to_table(
            "push_subscription",
            columns=["person", "endpoint", "p256dh", "auth", "device", "created_at"],
            records=[
                (
                    i,
                    f"http://127.0.0.1:{push_port}/push/{uuid.uuid4().hex}",
                    browser_key,
                    auth,
                    "Phone",
                    now,
                )
                for i in people
            ],
        )
        await connection.copy_records_to_table(
            "reminder_settings",
            columns=[
                "person",
                "local_time",
                "weekdays",
                "quiet_start",
                "quiet_end",
                "next_due_at",
                "updated_at",
            ],
            records=[(i, "00:00", "0,1,2,3,4,5,6", "", "", now, now) for i in people],
        )
        for table in ("person", "bridge"):
            await connection.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {people_count})"
            )
        await connection.execute("ANALYZE")
    finally:
        await connection.close()


# ---------------------------------------------------------------- the dispatcher process


async def dispatch_and_measure(url: str) -> None:
    """Run in the dispatcher's own process: one real pass, timed, memory sampled."""
    from server.reminders import worker
    from server.settings import load_settings

    samples: list[tuple[float, int]] = []
    page = resource.getpagesize()

    async def sample() -> None:
        while True:
            with open("/proc/self/statm") as statm:  # noqa: ASYNC230 (procfs: never blocks)
                rss = int(statm.read().split()[1]) * page
            samples.append((time.perf_counter(), rss))
            await asyncio.sleep(0.25)

    from server.db import engine_from_url
    from server.piccolo_conf import APP_REGISTRY

    engine = engine_from_url(url)
    for app in APP_REGISTRY.app_configs.values():
        for table in app.table_classes:
            table._meta.db = engine
    sampler = asyncio.create_task(sample())
    started = time.time()
    start, cpu_start = time.perf_counter(), time.process_time()
    handled = await worker.dispatch(load_settings({**os.environ, "DATABASE_URL": url}), loop=False)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    sampler.cancel()
    early = [rss for t, rss in samples if t - start <= elapsed * 0.1] or [samples[0][1]]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    cpu_us = cpu / max(handled, 1) * 1e6
    say(f"dispatcher: {handled} reminders, CPU {cpu_us:.0f} us/reminder ({cpu / elapsed:.0%} busy)")
    print(f"{handled} {started:.3f} {time.time():.3f} {peak} {max(early)} {cpu_us:.1f}", flush=True)


def machine_cpu_s() -> float:
    """CPU seconds every core has spent busy since boot (/proc/stat: all but idle, iowait)."""
    with open("/proc/stat") as stat:
        fields = [int(x) for x in stat.readline().split()[1:]]
    busy = sum(fields[:8]) - fields[3] - fields[4]  # steal counts: the core was not ours
    return busy / os.sysconf("SC_CLK_TCK")


def process_cpu_s(pid: int) -> float:
    """CPU seconds one process has spent so far (/proc/<pid>/stat utime + stime)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def backends_cpu_s(database: str) -> dict[int, float]:
    """CPU seconds so far of each PostgreSQL backend serving `database` (its process
    title names the database), so that other work on the server is not counted."""
    found = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/cmdline", "rb") as cmdline:
                title = cmdline.read()  # "postgres: 15/main: postgres <database> 127.0.0.1(…) idle"
            if not title.startswith(b"postgres: ") or f" {database} ".encode() not in title:
                continue
            found[int(entry.name)] = process_cpu_s(int(entry.name))
        except OSError:
            continue  # it ended meanwhile
    return found


class CpuMeter:
    """Samples CPU every 0.1 s, in a thread: the machine's, the push service's and that
    of the PostgreSQL backends serving the bench's database.

    The dispatchers' passes start after their imports, so the window is cut from
    the samples afterwards: start-up is left out, as it is of the reminders a second.
    A backend's last 0.1 s before its dispatcher closes the pool is not seen.
    """

    def __init__(self, push_pid: int, database: str) -> None:
        self.push_pid = push_pid
        self.database = database
        self.samples: list[tuple[float, float, float, dict[int, float]]] = []
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.done.wait(0.1):
            now, machine, push = time.time(), machine_cpu_s(), process_cpu_s(self.push_pid)
            self.samples.append((now, machine, push, backends_cpu_s(self.database)))

    def between(self, start: float, end: float) -> tuple[float, float, float]:
        """(machine, push service, PostgreSQL) CPU seconds from the last sample before
        `start` to the first after `end`: a window at most 0.2 s wider than the passes."""
        self.done.set()
        self.thread.join()
        inside = [s for s in self.samples if start - 0.1 <= s[0] <= end + 0.1]
        first = max((s for s in self.samples if s[0] <= start), default=self.samples[0])
        last = min((s for s in self.samples if s[0] >= end), default=self.samples[-1])
        latest: dict[int, float] = {}
        for sample in inside:
            latest.update(sample[3])
        postgres = sum(cpu - first[3].get(pid, 0.0) for pid, cpu in latest.items())
        return last[1] - first[1], last[2] - first[2], postgres


def kill9(port: int) -> None:
    """A dispatcher killed with SIGKILL mid-pass; another takes over after the lease."""
    from server.reminders.dispatcher import CONCURRENCY

    name = f"bridgework_bench_{uuid.uuid4().hex[:10]}"
    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    url = ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    env = {**ENV, "DATABASE_URL": url}
    try:
        subprocess.run(
            [sys.executable, "-m", "server", "migrate"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        say(f"kill -9: seeding {KILL_PEOPLE:,} due people")
        asyncio.run(seed(url, port, KILL_PEOPLE))
        before = push_stats(port)
        doomed = subprocess.Popen(
            [sys.executable, "-m", "server", "dispatch"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        while push_stats(port)["pushes"] - before["pushes"] < KILL_PEOPLE // 4:
            if doomed.poll() is not None:
                raise SystemExit("the dispatcher to be killed finished first")
            time.sleep(0.05)
        doomed.send_signal(signal.SIGKILL)
        doomed.wait()
        say(f"kill -9: killed after {push_stats(port)['pushes'] - before['pushes']:,} pushes")
        # The heir's clock runs two minutes and five seconds ahead: the lease has run
        # out for it, as it would have for a dispatcher started that much later.
        heir = subprocess.run(
            [sys.executable, __file__, "--dispatch-after-the-lease"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if heir.returncode != 0:
            raise SystemExit(f"the dispatcher taking over failed:\n{heir.stderr}")
        after = push_stats(port)
        lost = KILL_PEOPLE - (after["devices"] - before["devices"])
        duplicates = after["duplicates"] - before["duplicates"]
        if not after["one_topic_each"]:
            raise SystemExit("a device got two copies with different Topics")
        statuses = asyncio.run(reminder_statuses(url))
        if statuses != {"sent": KILL_PEOPLE}:
            raise SystemExit(f"reminders after the take-over: {statuses}")
        say(f"kill -9: {duplicates} sent twice (limit {CONCURRENCY}), same Topic each")
        print(f"push_kill9_lost: {lost}")
        print(f"push_kill9_duplicates: {duplicates}")
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def reminder_statuses(url: str) -> dict[str, int]:
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        rows = await connection.fetch("SELECT status, count(*) FROM reminder GROUP BY status")
    finally:
        await connection.close()
    return {row["status"]: row["count"] for row in rows}


def dispatch_after_the_lease() -> None:
    import time_machine

    from server.cli import main as bridgework
    from server.reminders.dispatcher import LEASE

    later = datetime.now(UTC) + LEASE + timedelta(seconds=5)
    with time_machine.travel(later, tick=True):
        bridgework(["dispatch"])


def main() -> None:
    url = ""
    push = None
    try:
        name = f"bridgework_bench_{uuid.uuid4().hex[:10]}"
        asyncio.run(admin(f'CREATE DATABASE "{name}"'))
        url = ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
        subprocess.run(
            [sys.executable, "-m", "server", "migrate"],
            cwd=ROOT,
            env={**ENV, "DATABASE_URL": url},
            check=True,
            capture_output=True,
        )
        port = free_port()
        push = subprocess.Popen([sys.executable, __file__, "--push-service", str(port)], cwd=ROOT)
        say(f"seeding {PEOPLE:,} due people")
        sys.path.insert(0, str(ROOT))
        os.environ.update(ENV)
        asyncio.run(seed(url, port))
        say(f"dispatching with {DISPATCHERS} dispatcher processes")
        meter = CpuMeter(push.pid, name)
        racers = [
            subprocess.Popen(
                [sys.executable, __file__, "--dispatch", url],
                cwd=ROOT,
                env={**ENV, "DATABASE_URL": url},
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(DISPATCHERS)
        ]
        results = [racer.communicate(timeout=600) for racer in racers]
        for racer, (_, err) in zip(racers, results, strict=True):
            if racer.returncode != 0:
                raise SystemExit(f"a dispatcher failed:\n{err}")
            say(err.strip()[-120:])
        figures = [[float(x) for x in out.split()] for out, _ in results]
        handled = sum(int(f[0]) for f in figures)
        elapsed = max(f[2] for f in figures) - min(f[1] for f in figures)
        machine_cpu, push_cpu, postgres_cpu = meter.between(
            min(f[1] for f in figures), max(f[2] for f in figures)
        )
        peak = max(f[3] for f in figures)
        early = max(f[4] for f in figures)
        if handled != PEOPLE:
            raise SystemExit(f"{handled} reminders went out for {PEOPLE} people")
        print(f"push_reminders_per_s: {handled / elapsed:.0f}")
        print(f"push_peak_rss_mb: {peak / 2**20:.1f}")
        print(f"push_rss_growth_mb: {(peak - early) / 2**20:.1f}")
        # Weighted by reminders handled: the dispatchers' CPU over all reminders.
        dispatcher_us = sum(f[5] * f[0] for f in figures) / handled
        machine_us, push_us = machine_cpu / handled * 1e6, push_cpu / handled * 1e6
        postgres_us = postgres_cpu / handled * 1e6
        print(f"push_dispatcher_cpu_us: {dispatcher_us:.0f}")
        print(f"push_machine_cpu_us: {machine_us:.0f}")
        rest_us = machine_us - dispatcher_us - postgres_us - push_us
        say(
            f"the machine's CPU a reminder: dispatchers {dispatcher_us:.0f} us, their PostgreSQL"
            f" backends {postgres_us:.0f} us, push service {push_us:.0f} us, the rest (other"
            f" processes, WAL writer, softirqs) {rest_us:.0f} us;"
            f" load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
        )
        kill9(port)
    finally:
        if push is not None:
            push.terminate()
            push.wait(10)
        if url:
            asyncio.run(admin(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--push-service"]:
        asyncio.run(serve_push(int(sys.argv[2])))
    elif sys.argv[1:2] == ["--dispatch-after-the-lease"]:
        sys.path.insert(0, str(ROOT))
        dispatch_after_the_lease()
    elif sys.argv[1:2] == ["--dispatch"]:
        sys.path.insert(0, str(ROOT))
        from server.reminders import worker  # its event loop, as `bridgework dispatch` runs

        if os.environ.get("BENCH_PROFILE"):
            import cProfile
            import pstats

            with cProfile.Profile(time.process_time) as profile:
                worker.run(dispatch_and_measure(sys.argv[2]))
            with open(os.environ["BENCH_PROFILE"], "w") as out:
                pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(35)
        else:
            worker.run(dispatch_and_measure(sys.argv[2]))
    else:
        main()
