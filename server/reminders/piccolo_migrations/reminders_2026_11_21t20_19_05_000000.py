from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-21T20:19:05:000000"
VERSION = "1.38.0"
DESCRIPTION = "one reminder per person and local day"


class _Raw(Table, tablename="reminder"):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="reminders", description=DESCRIPTION)

    async def one_reminder_a_day() -> None:
        # The claim that makes a reminder go out at most once a day, whatever the
        # number of dispatchers: a second insert for the same person and day fails.
        # A unique index rather than Piccolo's Unique constraint: SQLite cannot
        # ALTER TABLE ... ADD CONSTRAINT, and an index works the same on both.
        await _Raw.raw("CREATE UNIQUE INDEX one_reminder_a_day ON reminder (person, local_day)")

    async def drop_one_reminder_a_day() -> None:
        await _Raw.raw("DROP INDEX one_reminder_a_day")

    manager.add_raw(one_reminder_a_day)
    manager.add_raw_backwards(drop_one_reminder_a_day)
    return manager
