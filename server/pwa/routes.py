"""`/sw.js`: the service worker, served from the site's root so it controls every page;
`/manifest.webmanifest`, which makes the app installable; `/offline`, the page the
worker shows for a page never opened on this device."""

from __future__ import annotations

from typing import Any

from litestar import Response, get
from litestar.response import Template

from server.pwa import shell
from server.pwa.manifest import manifest
from server.web import page


@get("/sw.js", name="service_worker", include_in_schema=False)
async def service_worker() -> Response[bytes]:
    # no-cache: the browser checks for a new worker on every visit rather than
    # keeping an old one for up to a day; Service-Worker-Allowed: / lets it control
    # the whole site whatever path registers it.
    return Response(
        # web/sw.js behind a preamble naming this deploy's app shell (server/pwa/shell.py).
        shell.service_worker_source(),
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"},
    )


@get(shell.MANIFEST_PATH, name="manifest", include_in_schema=False)
async def web_manifest() -> Response[dict[str, Any]]:
    # no-cache: icon URLs are versioned inside it, so it must never be stale.
    return Response(
        manifest(),
        media_type="application/manifest+json",
        headers={"Cache-Control": "no-cache"},
    )


@get(shell.OFFLINE_PATH, name="offline", include_in_schema=False)
async def offline_page() -> Template:
    # Rendered for nobody in particular: the worker caches it once for everyone.
    return page("offline.html", viewer=None)


ROUTES = [service_worker, web_manifest, offline_page]
