"""Derived figures are no longer stored: the one derivation cache lives in memory."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-06T22:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "lead view: drop the kept figures and the log horizon"


class _Raw(Table):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="lead", description=DESCRIPTION)

    async def drop() -> None:
        await _Raw.raw("DROP TABLE IF EXISTS lead_bridge_figures")
        await _Raw.raw("DROP TABLE IF EXISTS lead_log_horizon")

    manager.add_raw(drop)
    return manager
