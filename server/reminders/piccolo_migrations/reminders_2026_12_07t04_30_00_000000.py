from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-07T04:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "reminders: whether a person's lock screen may name what is due"

# A plain ADD COLUMN with a constant default: the same on SQLite and PostgreSQL.
COLUMN = ("lock_screen_names", "BOOLEAN NOT NULL DEFAULT FALSE")


class _Raw(Table, tablename="reminder_settings"):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="reminders", description=DESCRIPTION)
    name, kind = COLUMN

    async def add() -> None:
        await _Raw.raw(f'ALTER TABLE reminder_settings ADD COLUMN "{name}" {kind}')

    async def drop() -> None:
        await _Raw.raw(f'ALTER TABLE reminder_settings DROP COLUMN "{name}"')

    manager.add_raw(add)
    manager.add_raw_backwards(drop)
    return manager
