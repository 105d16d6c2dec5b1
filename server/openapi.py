"""The OpenAPI schema tells the truth: each operation lists the errors it can answer with.

Which errors an operation can give follows from its shape, the same rules the
error layer (server/web.py) and the edge checks (server/bounds.py) apply:

- 400: a parameter or body that does not validate, or a service saying no;
- 401: it needs a signed-in person;
- 403: a state-changing call without a CSRF token, or a service's Forbidden;
- 404: it names something by id or token, or takes ids in its body;
- 409: a state-changing call, or one on a named thing, that clashes with its state;
- 410: it takes an invitation's token (used or expired);
- 413, 415: it takes a body: too large, or not JSON;
- 429: signing in (the throttle).

Every error has the same JSON body, `ErrorOut`.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from typing import Any

import msgspec
from litestar.datastructures import MutableScopeHeaders
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.types import Message, Scope

_SAFE = {"GET", "HEAD", "OPTIONS"}

_DESCRIPTIONS = {
    400: "The request is not valid; `errors` names each bad field.",
    401: "Sign in first.",
    403: "Not allowed (or the CSRF token is missing).",
    404: "Not found, or not yours to see.",
    409: "It clashes with the current state.",
    410: "The invitation was used or has expired.",
    413: "The body is larger than 64 KB.",
    415: "The body is not JSON.",
    429: "Too many failed sign-ins; see Retry-After.",
}


class ErrorOut(msgspec.Struct, omit_defaults=True):
    """Every error the API sends."""

    status_code: int
    detail: str
    errors: dict[str, str] | None = None


def _statuses(handler: HTTPRouteHandler, path: str) -> set[int]:
    methods = {str(m) for m in handler.http_methods}
    unsafe = bool(methods - _SAFE)
    has_params = "{" in path
    statuses = {400}
    if "user" in inspect.signature(handler.fn).parameters:
        statuses |= {401, 403}
    if unsafe:
        statuses |= {403, 409, 413, 415}
    if has_params or unsafe:
        statuses |= {404, 409}  # e.g. the state of a bridge not accepted yet
    if "{token" in path:
        statuses.add(410)
    if path.endswith("/session") and "POST" in methods:
        statuses.add(429)
    return statuses


def document_errors(handlers: Iterable[Any], prefix: str = "") -> None:
    """Give each API handler its error responses (once; handlers are module-level)."""
    for handler in handlers:
        for path in handler.paths:
            spec = {
                status: ResponseSpec(
                    data_container=ErrorOut,
                    description=_DESCRIPTIONS[status],
                    generate_examples=False,
                )
                for status in sorted(_statuses(handler, prefix + path))
            }
            handler.responses = {**spec, **(handler.responses or {})}


_allowed: dict[str, str] = {}


async def allow_header(message: Message, scope: Scope) -> None:
    """OPTIONS lists every method of the path.

    Litestar builds each path's OPTIONS answer when it first sees the path, so
    methods registered for it later (DELETE /api/v1/session) were missing.
    """
    if message["type"] != "http.response.start" or scope.get("method") != "OPTIONS":
        return
    if not _allowed:
        for route in scope["litestar_app"].routes:
            methods = getattr(route, "methods", None)
            if methods:
                _allowed[route.path_format] = ", ".join(sorted(methods))
    allowed = _allowed.get(str(scope.get("path_template", "")))
    headers = MutableScopeHeaders.from_message(message)
    if allowed and "allow" in headers:
        headers["Allow"] = allowed
