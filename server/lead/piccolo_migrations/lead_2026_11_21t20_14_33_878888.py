from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-21T20:14:33:878888"
VERSION = "1.38.0"
DESCRIPTION = "one sharing choice per side of a bridge"


class _Raw(Table, tablename="lead_share_choice"):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="lead", description=DESCRIPTION)

    async def unique_choice() -> None:
        # A unique index rather than Piccolo's Unique constraint, as in the main app:
        # it works the same on SQLite and PostgreSQL, and ON CONFLICT can target it.
        await _Raw.raw(
            "CREATE UNIQUE INDEX one_share_choice_per_side ON lead_share_choice (bridge, side)"
        )

    async def drop_unique_choice() -> None:
        await _Raw.raw("DROP INDEX one_share_choice_per_side")

    manager.add_raw(unique_choice)
    manager.add_raw_backwards(drop_unique_choice)
    return manager
