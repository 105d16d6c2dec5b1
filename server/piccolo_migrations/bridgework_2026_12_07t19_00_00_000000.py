from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-07T19:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "trust_act: the confirmations a bridge's people made lately, by made time"

# The bridge page says "+2 since yesterday: Bob secured your plank from Saturday"
# (domain.late_confirmations) from the confirmations made in the last two days about
# older days (state.page_acts). Without this index a year-old bridge's whole log was
# fetched to find them: every heap page its acts lie on (measured on the scale bench's
# PostgreSQL, a bridge of 1,125 acts: 631 pages read, 37 ms). Only confirmations are
# indexed, about a third of the acts.
INDEX = """
    CREATE INDEX IF NOT EXISTS trust_act_confirmations_made
    ON trust_act (bridge, created_at) WHERE kind = 'confirmation'
"""


class _Raw(Table, tablename="trust_act"):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="bridgework", description=DESCRIPTION)

    async def create() -> None:
        await _Raw.raw(INDEX)

    async def drop() -> None:
        await _Raw.raw("DROP INDEX IF EXISTS trust_act_confirmations_made")

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
