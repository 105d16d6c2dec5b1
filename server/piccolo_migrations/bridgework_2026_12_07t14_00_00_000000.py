from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-07T14:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "bridge_fold: each bridge's derivation folded, carried on instead of its log"

# A process that has not derived a bridge yet (after a restart, the other worker)
# carries its stored fold on with the acts after it, instead of deriving a year of
# history (server/repair/derived.py). The payload is a blob on both databases.
CREATE = """
    CREATE TABLE IF NOT EXISTS bridge_fold (
        bridge INTEGER PRIMARY KEY REFERENCES bridge (id) ON DELETE CASCADE,
        domain VARCHAR(16) NOT NULL,
        last_act_id INTEGER NOT NULL,
        settled DATE NOT NULL,
        payload {blob} NOT NULL,
        written_at TIMESTAMPTZ NOT NULL
    )
"""
# PostgreSQL: the acts after a fold, read through (bridge, id) instead of every act of
# the bridge through its index. (SQLite's bridge index holds the id already: its rowid.)
POSTGRES_INDEX = "CREATE INDEX IF NOT EXISTS trust_act_bridge_id ON trust_act (bridge, id)"


class _Raw(Table, tablename="bridge_fold"):
    pass


def _postgres() -> bool:
    return _Raw._meta.db.engine_type == "postgres"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="bridgework", description=DESCRIPTION)

    async def create() -> None:
        await _Raw.raw(CREATE.format(blob="BYTEA" if _postgres() else "BLOB"))
        if _postgres():
            await _Raw.raw(POSTGRES_INDEX)

    async def drop() -> None:
        await _Raw.raw("DROP INDEX IF EXISTS trust_act_bridge_id")
        await _Raw.raw("DROP TABLE IF EXISTS bridge_fold")

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
