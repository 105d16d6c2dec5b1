"""Piccolo's configuration: the engine from DATABASE_URL and the app registry.

It lives in the package so an installed `bridgework` finds it from any folder
(`server.cli` sets `PICCOLO_CONF=server.piccolo_conf` before Piccolo is imported);
the root `piccolo_conf.py` re-exports it for the `piccolo` command in a checkout.
"""

from piccolo.conf.apps import AppRegistry

from server.db import engine_from_url
from server.settings import get_settings

DB = engine_from_url(get_settings().database_url)

APP_REGISTRY = AppRegistry(
    apps=[
        "server.piccolo_app",
        "server.lead.piccolo_app",
        "server.reminders.piccolo_app",
        "server.signin.piccolo_app",
        "server.agreement.piccolo_app",
        "server.moments.piccolo_app",
    ]
)
