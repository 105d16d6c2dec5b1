from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-07T01:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "email reminders: each person's channel, address, its confirmation, a note"

# Plain ALTER TABLE ... ADD COLUMN with constant defaults reads the same on SQLite and
# PostgreSQL (and is instant on both: no table rewrite).
COLUMNS = (
    ("channel", "VARCHAR(5) NOT NULL DEFAULT 'push'"),
    ("email", "VARCHAR(254) NOT NULL DEFAULT ''"),
    ("email_confirmed_at", "TIMESTAMPTZ NULL DEFAULT NULL"),
    ("email_note", "VARCHAR(300) NOT NULL DEFAULT ''"),
)


class _Raw(Table, tablename="reminder_settings"):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="reminders", description=DESCRIPTION)

    async def add() -> None:
        for name, kind in COLUMNS:
            await _Raw.raw(f'ALTER TABLE reminder_settings ADD COLUMN "{name}" {kind}')

    async def drop() -> None:
        for name, _ in COLUMNS:
            await _Raw.raw(f'ALTER TABLE reminder_settings DROP COLUMN "{name}"')

    manager.add_raw(add)
    manager.add_raw_backwards(drop)
    return manager
