"""The yardstick for check-ins: a bare Litestar JSON endpoint and nothing behind it.

The same middleware as the real app (CSRF, gzip) and the same request and answer
shapes as `POST /api/v1/bridges/{id}/checkins`, but no session, no database and no
rules. What the 64 clients measure against it is what this machine, this framework
and the load generator cost before the app does anything.

    uvicorn bare_api:create_app --factory --app-dir bench
"""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Litestar, get, post
from litestar.config.compression import CompressionConfig
from litestar.config.csrf import CSRFConfig


@dataclass
class CheckIn:
    commitment: int
    outcome: str
    day: str


@dataclass
class Act:
    id: int


@get("/signin")
async def sign_in_page() -> str:
    """Sets the CSRF cookie, as the real sign-in page does."""
    return "ok"


@post("/api/v1/bridges/{bridge_id:int}/checkins", status_code=201)
async def check_in(bridge_id: int, data: CheckIn) -> Act:
    return Act(id=bridge_id)


def create_app() -> Litestar:
    return Litestar(
        route_handlers=[sign_in_page, check_in],
        csrf_config=CSRFConfig(secret="bare-api-secret-that-is-long-enough-0123456789"),
        compression_config=CompressionConfig(backend="gzip", gzip_compress_level=6),
        debug=False,
    )
