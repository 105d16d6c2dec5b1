from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-07T08:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "trust_act: a partial index of the rare kinds a check-in reads"

# A check-in reads its commitment's acts on the days it can be about, the partner's
# reports on those days, and the rare withdrawals and pause requests
# (server/repair/state.py load_for_commitment). Through the bridge index it scanned a
# year of the bridge's acts for those: a fifth of the write path's CPU. Only these
# kinds are indexed (a few in a hundred acts), so the index costs little space; the
# query repeats the index's condition word for word, which is how SQLite knows it
# may use a partial index.
RARE_KINDS = "('missed_partner', 'withdrawal', 'pause_asked', 'pause_agreed', 'pause_declined')"
INDEXES = {
    "trust_act_rare_kinds": f"trust_act (bridge, kind, day) WHERE kind IN {RARE_KINDS}",
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
