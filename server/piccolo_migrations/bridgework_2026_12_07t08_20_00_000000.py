from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-07T08:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "person.locale: the locale reminders and emails write dates in"


class _Raw(Table, tablename="person"):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="bridgework", description=DESCRIPTION)

    async def add() -> None:
        # Plain ADD COLUMN with a constant default: the same on SQLite and PostgreSQL,
        # and instant on both ("" until the person's next page says where they read).
        await _Raw.raw("ALTER TABLE person ADD COLUMN \"locale\" VARCHAR(16) NOT NULL DEFAULT ''")

    async def drop() -> None:
        await _Raw.raw('ALTER TABLE person DROP COLUMN "locale"')

    manager.add_raw(add)
    manager.add_raw_backwards(drop)
    return manager
