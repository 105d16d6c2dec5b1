from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-07T01:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "pause.asked_act: a pause over past days counts once the partner agrees"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="bridgework", description=DESCRIPTION
    )

    # The pause table's triggers (2026-11-22T01:50) already raise bridge.version on
    # any write to it, so asking, agreeing and declining all reach the Today cache.
    manager.add_column(
        table_class_name="Pause",
        tablename="pause",
        column_name="asked_act",
        db_column_name="asked_act",
        column_class_name="Integer",
        column_class=Integer,
        params={
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    return manager
