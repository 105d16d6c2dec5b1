from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-07T08:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "trust_act indexes for a check-in's few rows: (commitment, day), (bridge, kind, day)"

# A check-in reads its commitment's acts on the days it can be about, the partner's
# reports on those days, and the rare withdrawals and pause requests
# (server/repair/state.py load_for_commitment). With only single-column indexes each
# check-in scanned a year of the bridge's acts: a fifth of the write path's CPU.
INDEXES = {
    "trust_act_commitment_day": "trust_act (commitment, day)",
    "trust_act_bridge_kind_day": "trust_act (bridge, kind, day)",
}


class _Raw(Table, tablename="trust_act"):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="bridgework", description=DESCRIPTION)

    async def create() -> None:
        for name, columns in INDEXES.items():
            await _Raw.raw(f"CREATE INDEX IF NOT EXISTS {name} ON {columns}")

    async def drop() -> None:
        for name in INDEXES:
            await _Raw.raw(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
