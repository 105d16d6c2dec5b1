"""Piccolo app: the tables and their checked-in migrations."""

from pathlib import Path

from piccolo.conf.apps import AppConfig, table_finder

APP_CONFIG = AppConfig(
    app_name="bridgework",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=table_finder(modules=["server.tables"], exclude_imported=True),
    migration_dependencies=[],
    commands=[],
)
