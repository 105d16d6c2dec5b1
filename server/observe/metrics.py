"""Prometheus metrics, correct across several worker processes, and `GET /metrics`.

prometheus-client rather than Litestar's `PrometheusConfig`: Litestar's middleware
runs only for matched routes (404s and 405s would go uncounted) and its controller
has no access rule; the request wrapper (server/observe/requests.py) already times
each request for its log line, so it feeds these metrics from the same clock.

Several processes: with `PROMETHEUS_MULTIPROC_DIR` set before this module is first
imported, every process writes its values to files in that folder and `/metrics`
adds them up (prometheus-client's multiprocess mode). `bridgework serve` makes one
for its workers when none is set; dispatchers on the same machine that are given the
same folder appear in the same figures (the systemd units in deploy/ share
/run/bridgework-metrics).
"""

from __future__ import annotations

import contextlib
import hmac
import ipaddress
import os
from datetime import datetime
from typing import Any

from litestar import Request, get
from litestar.response import Response
from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4

from server.settings import Settings

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"

REQUESTS = Counter(
    "bridgework_http_requests_total",
    "HTTP requests answered, by method, route template and status.",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "bridgework_http_request_duration_seconds",
    "Time from a request's arrival to the end of its response, by method and route template.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
IN_FLIGHT = Gauge(
    "bridgework_http_requests_in_flight",
    "Requests being answered now, across the app's processes.",
    multiprocess_mode="livesum",
)
POOL_IN_USE = Gauge(
    "bridgework_db_pool_connections_in_use",
    "PostgreSQL connections lent out of the app processes' pools (as of each one's last request).",
    multiprocess_mode="livesum",
)
POOL_SIZE = Gauge(
    "bridgework_db_pool_connections",
    "PostgreSQL connections open in the app processes' pools.",
    multiprocess_mode="livesum",
)
TRUST_ACTS = Counter(
    "bridgework_trust_acts_total",
    "Trust acts written: check-ins (kept, missed_self), confirmations and the rest, by kind.",
    ["kind"],
)
DERIVATIONS = Counter(
    "bridgework_derivations_total",
    "Bridges derived for a local day (server/repair/derived.py), by where each started:"
    " an earlier derivation kept in the process, a stored fold, or the whole log.",
    ["start"],
)
DERIVED_ACTS_READ = Counter(
    "bridgework_derived_acts_read_total",
    "Trust acts read to derive bridges, by where the derivations started.",
    ["start"],
)
REMINDERS = Counter(
    "bridgework_reminders_total",
    "Daily reminders settled by the dispatchers: sent, failed, or retrying later.",
    ["outcome"],
)
CLAIMS = Counter(
    "bridgework_reminder_claims_total",
    "Reminder claims: won (this dispatcher sends it) or lost (another got there first).",
    ["result"],
)
SUBSCRIPTIONS_REMOVED = Counter(
    "bridgework_push_subscriptions_removed_total",
    "Devices deleted because their push service said they are gone (404/410).",
)
OLDEST_DUE = Gauge(
    "bridgework_reminder_oldest_due_seconds",
    "How long the longest-waiting due reminder has waited (0: none is waiting).",
    multiprocess_mode="mostrecent",
)


def forget_dead_processes(folder: str) -> None:
    """Make the folder if needed; drop the live gauges of processes that are gone.

    Their counters stay: a restarted worker's requests still count in the totals."""
    os.makedirs(folder, exist_ok=True)
    for name in os.listdir(folder):
        pid = name.rsplit("_", 1)[-1].removesuffix(".db")
        if pid.isdigit() and not os.path.exists(f"/proc/{pid}"):
            multiprocess.mark_process_dead(int(pid), folder)


def observe_pool() -> None:
    """This process's pool as it is now (cheap: two counters asyncpg keeps)."""
    from server import db

    pool = getattr(db.engine(), "pool", None)
    if pool is not None:
        size = pool.get_size()
        POOL_SIZE.set(size)
        POOL_IN_USE.set(size - pool.get_idle_size())


async def oldest_due_seconds(now: datetime) -> float:
    """Seconds since the oldest reminder that is due and not sent fell due."""
    from server.reminders.tables import Reminder, ReminderSettings

    waiting = [
        await ReminderSettings.select(ReminderSettings.next_due_at)
        .where(ReminderSettings.next_due_at <= now)
        .order_by(ReminderSettings.next_due_at)
        .first(),
        await Reminder.select(Reminder.next_attempt_at.as_alias("next_due_at"))
        .where((Reminder.status == "retrying") & (Reminder.next_attempt_at <= now))
        .order_by(Reminder.next_attempt_at)
        .first(),
    ]
    oldest = [row["next_due_at"] for row in waiting if row and row["next_due_at"]]
    return max(0.0, (now - min(oldest)).total_seconds()) if oldest else 0.0


def allowed(settings: Settings, request: Request[Any, Any, Any]) -> bool:
    """From an allowed network (the client address uvicorn believed), or with the token."""
    if settings.metrics_token:
        sent = request.headers.get("authorization", "")
        if hmac.compare_digest(sent.encode(), f"Bearer {settings.metrics_token}".encode()):
            return True
    client = request.client.host if request.client else ""
    try:
        address = ipaddress.ip_address(client)
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(n) for n in settings.metrics_networks.split(","))


def exposition() -> bytes:
    """Every process's metrics added up (multiprocess mode), or this process's own."""
    if os.environ.get(MULTIPROCESS_DIR):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)


@get("/metrics", include_in_schema=False)
async def metrics(request: Request[Any, Any, Any]) -> Response[bytes]:
    """The Prometheus text format; only for allowed networks or the bearer token."""
    from server import clock

    settings: Settings = request.app.state.settings
    if not allowed(settings, request):
        return Response(
            b"Forbidden: /metrics answers only METRICS_NETWORKS or the METRICS_TOKEN bearer.\n",
            status_code=403,
            media_type="text/plain",
        )
    # The database being down is /ready's news: the other figures still come.
    with contextlib.suppress(Exception):
        OLDEST_DUE.set(await oldest_due_seconds(clock.now()))
    observe_pool()
    # The classic text format every Prometheus reads (0.26's default names 1.0.0).
    return Response(exposition(), headers={"content-type": CONTENT_TYPE_PLAIN_0_0_4})
