from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-07T00:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "one person per identity at the identity provider"


class _Raw(Table):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="signin", description=DESCRIPTION)

    async def unique_identity() -> None:
        await _Raw.raw(
            "CREATE UNIQUE INDEX one_person_per_oidc_identity ON oidc_identity (issuer, subject)"
        )

    async def drop() -> None:
        await _Raw.raw("DROP INDEX IF EXISTS one_person_per_oidc_identity")

    manager.add_raw(unique_identity)
    manager.add_raw_backwards(drop)
    return manager
