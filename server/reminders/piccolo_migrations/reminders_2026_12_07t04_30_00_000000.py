from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-07T04:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = (
    "reminders: whether a person's lock screen may name what is due; each reminder's payload"
)

# Plain ADD COLUMN with constant defaults: the same on SQLite and PostgreSQL.
COLUMNS = (
    ("reminder_settings", "lock_screen_names", "BOOLEAN NOT NULL DEFAULT FALSE"),
    ("reminder", "payload", "TEXT NOT NULL DEFAULT ''"),
)


class _Raw(Table, tablename="reminder_settings"):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="reminders", description=DESCRIPTION)

    async def add() -> None:
        for table, name, kind in COLUMNS:
            await _Raw.raw(f'ALTER TABLE "{table}" ADD COLUMN "{name}" {kind}')

    async def drop() -> None:
        for table, name, _ in COLUMNS:
            await _Raw.raw(f'ALTER TABLE "{table}" DROP COLUMN "{name}"')

    manager.add_raw(add)
    manager.add_raw_backwards(drop)
    return manager
