from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-21T19:09:36:060105"
VERSION = "1.38.0"
DESCRIPTION = "one membership per team and person"


class _Raw(Table, tablename="membership"):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="bridgework", description=DESCRIPTION)

    async def unique_membership():
        # A unique index rather than Piccolo's Unique constraint: SQLite cannot
        # ALTER TABLE ... ADD CONSTRAINT, and an index works the same on both.
        await _Raw.raw("CREATE UNIQUE INDEX one_membership_per_team ON membership (team, person)")

    async def drop_unique_membership():
        await _Raw.raw("DROP INDEX one_membership_per_team")

    manager.add_raw(unique_membership)
    manager.add_raw_backwards(drop_unique_membership)
    return manager
