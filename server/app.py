"""create_app(): the whole application, read top to bottom."""

from __future__ import annotations

import gc

from litestar import Litestar, Router
from litestar.config.compression import CompressionConfig
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import CacheControlHeader, State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from server import bounds, db, openapi
from server.accounts import api as accounts_api
from server.accounts import routes as accounts_routes
from server.agreement import api as agreement_api
from server.agreement import routes as agreement_routes
from server.backups.automatic import Automatic
from server.bridges import api as bridges_api
from server.bridges import routes as bridges_routes
from server.lead import api as lead_api
from server.lead import routes as lead_routes
from server.observe import health, logs, metrics
from server.observe.requests import Observed
from server.privacy import api as privacy_api
from server.privacy import routes as privacy_routes
from server.pwa import routes as pwa_routes
from server.pwa import shell as pwa_shell
from server.reminders import api as reminders_api
from server.reminders import routes as reminders_routes
from server.reminders.email import routes as email_routes
from server.reminders.worker import InProcess
from server.repair import api as repair_api
from server.repair import routes as repair_routes
from server.settings import Settings, get_settings
from server.signin import api as signin_api
from server.signin import routes as signin_routes
from server.signin import sso_routes
from server.teams import api as teams_api
from server.teams import routes as teams_routes
from server.web import (
    EXCEPTION_HANDLERS,
    STATIC_DIR,
    TEMPLATES_DIR,
    Localised,
    configure_jinja,
    provide_user,
    provide_viewer,
    security_headers,
)

# Forms and API calls are small; refuse anything larger before parsing it.
MAX_BODY_BYTES = 64 * 1024


def create_app(
    settings: Settings | None = None,
    *,
    run_migrations: bool = True,
    run_dispatcher: bool | None = None,
) -> Litestar:
    """The Bridgework ASGI app. Tests pass their own settings and skip migrations.

    The reminder dispatcher runs inside the app when REMINDERS_IN_PROCESS says so
    (the SQLite default); tests, which skip migrations, never start it.
    """
    settings = settings or get_settings()
    if run_migrations:  # a serving process: each of uvicorn's workers configures its own
        logs.configure(settings.log_format)
    dispatching = run_migrations if run_dispatcher is None else run_dispatcher
    dispatcher = InProcess(settings) if dispatching and settings.reminders_in_process else None
    # A serving process on SQLite keeps daily backups (tests, which skip migrations, do not).
    keeping = run_migrations and settings.uses_sqlite and settings.backups_automatic
    backups = Automatic(settings) if keeping else None

    async def on_startup() -> None:
        if run_migrations:
            await db.migrate()
        await db.open_pool(settings.database_pool_size)
        if dispatcher is not None:
            dispatcher.start()
        if backups is not None:
            backups.start()
        if run_migrations:  # a serving process (tests build many apps in one process)
            # What start-up made (modules, routes, templates, tables) lives as long as
            # the process. Out of the collector's sight, its full passes stop
            # re-walking it: they were the slowest requests' pauses (64 clients
            # checking in, p99 139 -> 71 ms, CPU a check-in 1.08 -> 0.85 ms).
            gc.collect()
            gc.freeze()

    async def on_shutdown() -> None:
        if backups is not None:
            await backups.stop()
        if dispatcher is not None:
            await dispatcher.stop()
        await db.close_pool()

    pages = Router(
        path="/",
        route_handlers=[
            *accounts_routes.ROUTES,
            *teams_routes.ROUTES,
            *bridges_routes.ROUTES,
            *repair_routes.ROUTES,
            *reminders_routes.ROUTES,
            *email_routes.ROUTES,
            *pwa_routes.ROUTES,
            *lead_routes.ROUTES,
            *agreement_routes.ROUTES,
            *privacy_routes.ROUTES,
            *signin_routes.ROUTES,
            *sso_routes.ROUTES,
        ],
        include_in_schema=False,
        before_request=bounds.check_form_body,
    )
    api_handlers = [
        *accounts_api.ROUTES,
        *teams_api.ROUTES,
        *bridges_api.ROUTES,
        *repair_api.ROUTES,
        *reminders_api.ROUTES,
        *lead_api.ROUTES,
        *agreement_api.ROUTES,
        *privacy_api.ROUTES,
        *signin_api.ROUTES,
    ]
    openapi.document_errors(api_handlers, prefix="/api/v1")
    api = Router(path="/api/v1", route_handlers=api_handlers, before_request=bounds.check_json_body)
    static = create_static_files_router(
        path="/static",
        directories=[STATIC_DIR],
        # URLs carry a content hash (web.static_url), so a year is safe.
        cache_control=CacheControlHeader(max_age=31_536_000, public=True),
        include_in_schema=False,
    )
    app = Litestar(
        route_handlers=[pages, api, static, *health.ROUTES, metrics.metrics],
        dependencies={"viewer": Provide(provide_viewer), "user": Provide(provide_user)},
        template_config=TemplateConfig(
            directory=TEMPLATES_DIR,
            engine=JinjaTemplateEngine,
            engine_callback=lambda e: configure_jinja(e.engine, not settings.is_production),
        ),
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            cookie_secure=settings.is_production,
            cookie_samesite="lax",
            header_name="x-csrftoken",
        ),
        openapi_config=OpenAPIConfig(
            title="Bridgework API",
            version="1",
            path="/api/v1/schema",
            render_plugins=[JsonRenderPlugin()],
        ),
        exception_handlers=EXCEPTION_HANDLERS,
        before_send=[
            security_headers(settings.is_production, files=("/static/", pwa_shell.MANIFEST_PATH)),
            openapi.allow_header,
        ],
        on_startup=[on_startup],
        on_shutdown=[on_shutdown],
        request_max_body_size=MAX_BODY_BYTES,
        # gzip for every response above 500 bytes (pages, CSS, JS, SVG): a phone's first
        # load of Today stays under 60 KB. Level 6: nearly level 9's size at a third of the CPU.
        compression_config=CompressionConfig(backend="gzip", gzip_compress_level=6),
        state=State({"settings": settings}),
        debug=False,
        logging_config=None,  # server/observe/logs.py formats every line (JSON or plain)
    )
    # Around everything Litestar does, 404s included: request id, log line, metrics.
    app.asgi_handler = Observed(Localised(app.asgi_handler))
    return app
