"""One request a pair per team, one reply a person per request."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-07T03:54:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "one share request a pair, one reply a person"


class _Raw(Table):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="agreement", description=DESCRIPTION)

    async def unique() -> None:
        await _Raw.raw(
            "CREATE UNIQUE INDEX one_share_request_a_pair "
            "ON share_request (team, person_low, person_high)"
        )
        await _Raw.raw(
            "CREATE UNIQUE INDEX one_share_reply_a_person ON share_reply (request, person)"
        )

    async def drop() -> None:
        await _Raw.raw("DROP INDEX IF EXISTS one_share_request_a_pair")
        await _Raw.raw("DROP INDEX IF EXISTS one_share_reply_a_person")

    manager.add_raw(unique)
    manager.add_raw_backwards(drop)
    return manager
