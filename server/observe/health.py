"""`/health` (the process answers) and `/ready` (it can serve: database, migrations, reminders).

A load balancer sends traffic only to processes whose `/ready` answers 200; `/health`
never touches the database, so a database outage does not get every process
restarted. `bridgework check` asks the same questions (`readiness`).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from litestar import get
from litestar.response import Response

from server import clock, db

log = logging.getLogger(__name__)

# A dispatcher passes every 15 s at most (longer only while busy sending).
HEARTBEAT_MAX_AGE = timedelta(minutes=2)
DATABASE_TIMEOUT_S = 3.0


@lru_cache(maxsize=1)
def expected_migrations() -> frozenset[tuple[str, str]]:
    """(app, migration id) of every checked-in migration (read once from the package)."""
    from piccolo.apps.migrations.commands.base import BaseMigrationManager

    manager = BaseMigrationManager()
    found = set()
    for module in manager.get_app_modules():
        config = module.APP_CONFIG
        modules = manager.get_migration_modules(config.resolved_migrations_folder_path)
        found |= {(config.app_name, mid) for mid in manager.get_migration_ids(modules)}
    return frozenset(found)


async def _migrations_missing() -> list[str]:
    if db.is_sqlite():
        found = "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'migration'"
    else:
        found = "SELECT to_regclass('migration') AS name WHERE to_regclass('migration') IS NOT NULL"
    if await db.fetch(found):
        rows = await db.fetch("SELECT app_name, name FROM migration")
        applied = {(row["app_name"], row["name"]) for row in rows}
    else:
        applied = set()
    return sorted(f"{app} {mid}" for app, mid in expected_migrations() - applied)


async def _dispatcher_problem(now: datetime) -> str | None:
    """None when reminders are off (no device) or a dispatcher beat recently."""
    from server.reminders.tables import DispatcherHeartbeat, PushSubscription

    if not await PushSubscription.exists():
        return None
    if await DispatcherHeartbeat.exists().where(
        DispatcherHeartbeat.beat_at > now - HEARTBEAT_MAX_AGE
    ):
        return None
    return "no reminder dispatcher has finished a pass in 2 minutes (bridgework dispatch --loop)"


async def _checks() -> dict[str, Any]:
    try:
        if missing := await _migrations_missing():
            return {"migrations": f"{len(missing)} not applied: run `bridgework migrate`"}
        if dispatcher := await _dispatcher_problem(clock.now()):
            return {"reminders": dispatcher}
    except Exception as error:
        # The answer may reach the internet through the proxy: the error's kind only,
        # its details (hosts, ports, users) go to the log.
        log.warning("not ready: the database failed: %r", error)
        return {"database": f"unreachable: {type(error).__name__}"}
    return {}


async def readiness() -> dict[str, Any]:
    """What keeps this process from serving: {} when nothing does."""
    try:
        return await asyncio.wait_for(_checks(), timeout=DATABASE_TIMEOUT_S)
    except TimeoutError:
        return {"database": f"no answer within {DATABASE_TIMEOUT_S:.0f} s"}


@get("/health", include_in_schema=False)
async def health() -> dict[str, str]:
    """The process is up and answering; asks nothing of the database."""
    return {"status": "ok"}


@get("/ready", include_in_schema=False)
async def ready() -> Response[dict[str, Any]]:
    """200 when the database answers, is migrated and reminders are being sent; else 503."""
    problems = await readiness()
    if problems:
        return Response({"status": "unavailable", "problems": problems}, status_code=503)
    return Response({"status": "ready", "problems": {}}, status_code=200)


ROUTES = [health, ready]
