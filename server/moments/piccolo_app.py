"""Piccolo app of celebrated moments and the weekly look back: its own tables and migrations."""

from pathlib import Path

from piccolo.conf.apps import AppConfig, table_finder

APP_CONFIG = AppConfig(
    app_name="moments",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=table_finder(modules=["server.moments.tables"], exclude_imported=True),
    migration_dependencies=["server.piccolo_app"],
)
