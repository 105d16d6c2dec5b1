"""Piccolo app of the agreements: answers to the plan, and a lead's requests to share."""

from pathlib import Path

from piccolo.conf.apps import AppConfig, table_finder

APP_CONFIG = AppConfig(
    app_name="agreement",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=table_finder(modules=["server.agreement.tables"], exclude_imported=True),
    migration_dependencies=["server.piccolo_app", "server.lead.piccolo_app"],
)
