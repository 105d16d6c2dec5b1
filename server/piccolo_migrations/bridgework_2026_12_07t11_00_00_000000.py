from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-07T11:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "trust_act: an index of each bridge's acts by day, for the reminders"

# A reminder reads only a bridge's last weeks (server/reminders/due.py READS_BACK):
# through the bridge index alone that meant every act of a year of history, read and
# thrown away. With it, a reminder reads about a month of each bridge.
INDEXES = {"trust_act_bridge_day": "trust_act (bridge, day)"}


class _Raw(Table, tablename="trust_act"):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="bridgework", description=DESCRIPTION)

    async def create() -> None:
        for name, columns in INDEXES.items():
            await _Raw.raw(f"CREATE INDEX IF NOT EXISTS {name} ON {columns}")

    async def drop() -> None:
        for name in INDEXES:
            await _Raw.raw(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
