"""Piccolo app of the lead view: its own tables and migrations, after the main app's."""

from pathlib import Path

from piccolo.conf.apps import AppConfig, table_finder

APP_CONFIG = AppConfig(
    app_name="lead",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=table_finder(modules=["server.lead.tables"], exclude_imported=True),
    migration_dependencies=["server.piccolo_app"],
)
