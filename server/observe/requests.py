"""Around every request: its id, one log line, and the request metrics.

It wraps the whole app (404s and 405s included, which Litestar's route middleware
never sees) and reads the route *template* Litestar's router leaves in the scope
(`/bridges/{bridge_id}`), so no id, name or email reaches a label or a line.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from litestar.types import ASGIApp, Message, Receive, Scope, Send

from server.observe import logs, metrics

log = logging.getLogger("bridgework.request")

HEADER = b"x-request-id"
# An id from a proxy or a client is kept when it looks like one (a UUID, a trace id);
# anything else is replaced, so a header can neither forge log structure nor grow it.
SANE_ID = re.compile(rb"[A-Za-z0-9._:-]{8,128}")
# Probes and scrapes come every few seconds: their lines are at debug level.
QUIET_ROUTES = {"/health", "/ready", "/metrics"}


def _request_id(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == HEADER and SANE_ID.fullmatch(value):
            return value.decode()
    return uuid.uuid4().hex


class Observed:
    """An ASGI wrapper: request id (header in, header out), log line, metrics."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = _request_id(scope)
        token = logs.request_id.set(rid)
        started = time.perf_counter()
        status = 500  # what the client gets if nothing was sent before an error
        header = (HEADER, rid.encode())

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        metrics.IN_FLIGHT.inc()
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            metrics.IN_FLIGHT.dec()
            elapsed = time.perf_counter() - started
            self._record(scope, status, elapsed)
            logs.request_id.reset(token)

    @staticmethod
    def _record(scope: Scope, status: int, elapsed: float) -> None:
        route = scope.get("path_template") or "unmatched"
        method = scope.get("method", "")
        metrics.REQUESTS.labels(method, route, str(status)).inc()
        metrics.LATENCY.labels(method, route).observe(elapsed)
        metrics.observe_pool()
        viewer: Any = scope.get("state", {}).get("viewer")
        level = logging.DEBUG if route in QUIET_ROUTES else logging.INFO
        if status >= 500:
            level = logging.ERROR
        if log.isEnabledFor(level):
            duration_ms = round(elapsed * 1000, 1)
            log.log(
                level,
                "%s %s %s %.1f ms",
                method,
                route,
                status,
                duration_ms,
                extra={
                    "event": "request",
                    "method": method,
                    "route": route,
                    "status": status,
                    "duration_ms": duration_ms,
                    "person": getattr(viewer, "id", None),
                },
            )
