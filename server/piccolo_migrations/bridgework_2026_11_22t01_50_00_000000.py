from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-22T01:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "triggers raise bridge.version whenever its acts, commitments or pauses change"

# Today's figures are kept per bridge between pages and keyed by the bridge's row.
# Reading its log, commitments and pauses on every page to see whether they changed
# cost more than the rest of the page's queries together (counting a log of 1,300
# acts alone took 0.35 ms). These triggers raise `bridge.version` in the same
# transaction as any write to those tables, whatever code makes it, so the row
# alone tells. (The newest act's id would not do on PostgreSQL: ids are handed out
# before commit, so an act can become visible after one with a higher id.)
TABLES = ("trust_act", "commitment", "pause")
EVENTS = ("INSERT", "UPDATE", "DELETE")

POSTGRES_FUNCTION = """
    CREATE OR REPLACE FUNCTION bridge_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            UPDATE bridge SET version = version + 1 WHERE id = OLD.bridge;
        END IF;
        IF TG_OP <> 'DELETE' THEN
            UPDATE bridge SET version = version + 1 WHERE id = NEW.bridge;
        END IF;
        RETURN NULL;
    END $$
"""


def _sqlite_trigger(table: str, event: str) -> str:
    row = "OLD" if event == "DELETE" else "NEW"
    return f"""
        CREATE TRIGGER {table}_{event.lower()}_changes_bridge AFTER {event} ON {table}
        BEGIN
            UPDATE bridge SET version = version + 1 WHERE id = {row}.bridge;
        END
    """


class _Raw(Table, tablename="bridge"):
    pass


def _postgres() -> bool:
    return _Raw._meta.db.engine_type == "postgres"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="bridgework", description=DESCRIPTION)

    async def watch() -> None:
        if _postgres():
            await _Raw.raw(POSTGRES_FUNCTION)
            for table in TABLES:
                await _Raw.raw(
                    f"CREATE TRIGGER {table}_changes_bridge AFTER INSERT OR UPDATE OR DELETE"
                    f" ON {table} FOR EACH ROW EXECUTE FUNCTION bridge_changed()"
                )
        else:
            for table in TABLES:
                for event in EVENTS:
                    await _Raw.raw(_sqlite_trigger(table, event))

    async def stop_watching() -> None:
        for table in TABLES:
            if _postgres():
                await _Raw.raw(f"DROP TRIGGER IF EXISTS {table}_changes_bridge ON {table}")
            else:
                for event in EVENTS:
                    await _Raw.raw(f"DROP TRIGGER IF EXISTS {table}_{event.lower()}_changes_bridge")
        if _postgres():
            await _Raw.raw("DROP FUNCTION IF EXISTS bridge_changed()")

    manager.add_raw(watch)
    manager.add_raw_backwards(stop_watching)
    return manager
