from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-07T03:53:37:000000"
VERSION = "1.38.0"
DESCRIPTION = "one celebration per person, bridge and moment; one look back a week"


class _Raw(Table):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="moments", description=DESCRIPTION)

    async def unique_claims() -> None:
        # Unique indexes rather than Piccolo's Unique constraint, as in the other apps:
        # the same on SQLite and PostgreSQL, and ON CONFLICT can target them.
        await _Raw.raw(
            "CREATE UNIQUE INDEX one_celebration_per_moment"
            " ON celebrated_moment (person, bridge, moment)"
        )
        await _Raw.raw("CREATE UNIQUE INDEX one_look_back_a_week ON look_back (person, local_day)")

    async def drop_unique_claims() -> None:
        await _Raw.raw("DROP INDEX one_celebration_per_moment")
        await _Raw.raw("DROP INDEX one_look_back_a_week")

    manager.add_raw(unique_claims)
    manager.add_raw_backwards(drop_unique_claims)
    return manager
