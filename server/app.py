"""create_app(): the whole application, read top to bottom."""

from __future__ import annotations

from litestar import Litestar, Router
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import CacheControlHeader, State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from server import db
from server.accounts import api as accounts_api
from server.accounts import routes as accounts_routes
from server.bridges import api as bridges_api
from server.bridges import routes as bridges_routes
from server.repair import api as repair_api
from server.repair import routes as repair_routes
from server.settings import Settings, get_settings
from server.teams import api as teams_api
from server.teams import routes as teams_routes
from server.web import (
    EXCEPTION_HANDLERS,
    STATIC_DIR,
    TEMPLATES_DIR,
    configure_jinja,
    provide_user,
    provide_viewer,
    security_headers,
)

# Forms and API calls are small; refuse anything larger before parsing it.
MAX_BODY_BYTES = 64 * 1024


def create_app(settings: Settings | None = None, *, run_migrations: bool = True) -> Litestar:
    """The Bridgework ASGI app. Tests pass their own settings and skip migrations."""
    settings = settings or get_settings()

    async def on_startup() -> None:
        if run_migrations:
            await db.migrate()
        await db.open_pool(settings.database_pool_size)

    async def on_shutdown() -> None:
        await db.close_pool()

    pages = Router(
        path="/",
        route_handlers=[
            *accounts_routes.ROUTES,
            *teams_routes.ROUTES,
            *bridges_routes.ROUTES,
            *repair_routes.ROUTES,
        ],
        include_in_schema=False,
    )
    api = Router(
        path="/api/v1",
        route_handlers=[
            *accounts_api.ROUTES,
            *teams_api.ROUTES,
            *bridges_api.ROUTES,
            *repair_api.ROUTES,
        ],
    )
    static = create_static_files_router(
        path="/static",
        directories=[STATIC_DIR],
        # URLs carry a content hash (web.static_url), so a year is safe.
        cache_control=CacheControlHeader(max_age=31_536_000, public=True),
        include_in_schema=False,
    )
    return Litestar(
        route_handlers=[pages, api, static],
        dependencies={"viewer": Provide(provide_viewer), "user": Provide(provide_user)},
        template_config=TemplateConfig(
            directory=TEMPLATES_DIR,
            engine=JinjaTemplateEngine,
            engine_callback=lambda e: configure_jinja(e.engine),
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
        before_send=[security_headers(settings.is_production)],
        on_startup=[on_startup],
        on_shutdown=[on_shutdown],
        request_max_body_size=MAX_BODY_BYTES,
        state=State({"settings": settings}),
        debug=False,
    )
