"""Piccolo app of the lead view: its own tables and migrations, after the main app's.

`piccolo lead warm` derives today's figures for every team, so that a lead's first
visit of the day is quick: run it from cron shortly after midnight.
"""

from pathlib import Path

from piccolo.conf.apps import AppConfig, Command, table_finder


async def warm() -> None:
    """Derive today's bridge figures for every team's dashboard."""
    # Imported here: piccolo_conf imports this module, and needs none of the service.
    from server.lead.service import warm as warm_all

    print(f"Figures are up to date for {await warm_all()} bridges.")


APP_CONFIG = AppConfig(
    app_name="lead",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=table_finder(modules=["server.lead.tables"], exclude_imported=True),
    migration_dependencies=["server.piccolo_app"],
    commands=[Command(warm)],
)
