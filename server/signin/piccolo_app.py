"""Piccolo app for passkeys and single sign-on: its own tables, after the core app's."""

from pathlib import Path

from piccolo.conf.apps import AppConfig, table_finder

APP_CONFIG = AppConfig(
    app_name="signin",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=table_finder(modules=["server.signin.tables"], exclude_imported=True),
    migration_dependencies=["server.piccolo_app"],
    commands=[],
)
