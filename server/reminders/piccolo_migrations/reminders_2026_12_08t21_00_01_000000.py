from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-08T21:00:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "the last call: each person's time (off by default); one last call a day"


class _Raw(Table, tablename="reminder_settings"):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="reminders", description=DESCRIPTION)

    async def add() -> None:
        # Plain ADD COLUMN with a constant default, and a unique index rather than
        # Piccolo's Unique constraint: the same on SQLite and PostgreSQL, and
        # ON CONFLICT can target the index.
        await _Raw.raw(
            "ALTER TABLE reminder_settings ADD COLUMN \"last_call\" VARCHAR(5) NOT NULL DEFAULT ''"
        )
        await _Raw.raw("CREATE UNIQUE INDEX one_last_call_a_day ON last_call (person, local_day)")
        # Each dispatcher pass reads the few who turned it on (last_call > ''): a range
        # of this index rather than every person's settings.
        await _Raw.raw("CREATE INDEX reminder_settings_last_call ON reminder_settings (last_call)")

    async def drop() -> None:
        await _Raw.raw("DROP INDEX reminder_settings_last_call")
        await _Raw.raw("DROP INDEX one_last_call_a_day")
        await _Raw.raw('ALTER TABLE reminder_settings DROP COLUMN "last_call"')

    manager.add_raw(add)
    manager.add_raw_backwards(drop)
    return manager
