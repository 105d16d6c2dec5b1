"""An answer keeps the other side's running commitments it was given to."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Text
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-07T07:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "an answer keeps the commitments it was given to"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="agreement", description=DESCRIPTION)
    manager.add_column(
        table_class_name="PlanAnswer",
        tablename="plan_answer",
        column_name="commitments",
        db_column_name="commitments",
        column_class_name="Text",
        column_class=Text,
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
