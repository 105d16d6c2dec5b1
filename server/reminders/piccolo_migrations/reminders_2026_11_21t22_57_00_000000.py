from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-21T22:57:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "room on each page for the day's updates to reminders and devices"

# Both tables' rows are updated where they lie every day: a reminder twice after its
# claim (`sending`, then `sent`), a device once (`last_delivered_at`). None of those
# columns is indexed, so PostgreSQL rewrites such a row in place without touching an
# index (a HOT update) when its page has room for the new version; on a full page it
# writes it elsewhere plus an entry in every index. Half-full pages make nearly every
# one of them in place: measured with bench/bench_push.py's data, PostgreSQL's CPU a
# reminder fell from about 105 to 80 µs. SQLite has no fill factor.
TABLES = ("reminder", "push_subscription")


class _Raw(Table, tablename="reminder"):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="reminders", description=DESCRIPTION)

    async def leave_room() -> None:
        if _Raw._meta.db.engine_type == "postgres":
            for table in TABLES:
                await _Raw.raw(f"ALTER TABLE {table} SET (fillfactor = 50)")

    async def fill_up() -> None:
        if _Raw._meta.db.engine_type == "postgres":
            for table in TABLES:
                await _Raw.raw(f"ALTER TABLE {table} RESET (fillfactor)")

    manager.add_raw(leave_room)
    manager.add_raw_backwards(fill_up)
    return manager
