"""What every page and API call shares: templates, the signed-in person, errors, headers."""

from __future__ import annotations

import hashlib
import logging
import time
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment
from litestar import MediaType, Request, Response
from litestar.datastructures import MutableScopeHeaders
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException, NotAuthorizedException, ValidationException
from litestar.params import URLEncodedBody
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER, HTTP_500_INTERNAL_SERVER_ERROR
from litestar.types import ASGIApp, BeforeMessageSendHookHandler, Message, Receive, Scope, Send

from server import domain as d
from server import formats
from server.accounts import service as accounts
from server.accounts import throttle
from server.accounts.throttle import Client
from server.errors import Conflict, Forbidden, Gone, InvalidInput, NotFound, Throttled
from server.tables import User

log = logging.getLogger(__name__)

# web/ sits beside server/ in a checkout; a wheel ships it inside as server/_web
# (see setup.py), so the installed command finds it from any folder.
_PACKAGED_WEB = Path(__file__).resolve().parent / "_web"
_CHECKOUT_WEB = Path(__file__).resolve().parent.parent / "web"
WEB_DIR = _PACKAGED_WEB if _PACKAGED_WEB.is_dir() else _CHECKOUT_WEB
TEMPLATES_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"

SESSION_COOKIE = "bw_session"

# How handlers ask for things: the signed-in person (or None), and a submitted form.
CurrentUser = NamedDependency[User]
Viewer = NamedDependency[User | None]
Form = URLEncodedBody[dict[str, Any]]

# script-, style-, font-, connect-, manifest- and worker-src fall back to default-src
# (CSP Level 3's fallback list), so the policy is the same as writing each out as
# 'self', and ~110 bytes lighter on each of the 11 responses of a first visit (#17).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


# ---------------------------------------------------------------- templates


@lru_cache(maxsize=256)
def _fingerprint(path: Path, mtime_ns: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


# static_url runs a few times for every page; look at each file at most once a second.
_STAT_EVERY_S = 1.0
_versions: dict[str, tuple[float, str]] = {}


def static_url(name: str) -> str:
    """A versioned URL for a file under web/static, safe to cache for a year."""
    now = time.monotonic()
    checked = _versions.get(name)
    if checked is None or now - checked[0] > _STAT_EVERY_S:
        path = STATIC_DIR / name
        try:
            version = _fingerprint(path, path.stat().st_mtime_ns)
        except FileNotFoundError:
            version = "missing"
        checked = _versions[name] = (now, version)
    return f"/static/{name}?v={checked[1]}"


def configure_jinja(environment: Environment, reload: bool = True) -> None:
    """Our globals and whitespace rules; `reload` re-reads edited templates (development)."""
    environment.globals["static_url"] = static_url
    environment.globals["confirm_days"] = d.CONFIRM_DAYS  # what "Waiting for you" says
    environment.filters.update(formats.FILTERS)  # dates and times in the reader's locale
    environment.auto_reload = reload
    environment.trim_blocks = True
    environment.lstrip_blocks = True


def page(template: str, status_code: int = 200, **context: Any) -> Template:
    return Template(template_name=template, context=context, status_code=status_code)


def see_other(path: str) -> Redirect:
    """Post/redirect/get: after a form, send the browser to a page with GET."""
    return Redirect(path=path, status_code=HTTP_303_SEE_OTHER)


def safe_next(value: object, default: str = "/") -> str:
    """Only same-site paths, so a crafted link cannot bounce a person elsewhere."""
    if isinstance(value, str) and value.startswith("/") and not value.startswith(("//", "/\\")):
        return value
    return default


# ---------------------------------------------------------------- who is asking


async def provide_viewer(request: Request[Any, Any, Any]) -> User | None:
    """The signed-in person, or None."""
    cached = request.scope.get("state", {}).get("viewer", ...)
    if cached is not ...:
        return cached
    token = request.cookies.get(SESSION_COOKIE, "")
    user = await accounts.user_for_token(token) if token else None
    if user is not None:
        await accounts.remember_locale(user)  # writes only when it changed
    request.scope.setdefault("state", {})["viewer"] = user
    return user


async def provide_user(request: Request[Any, Any, Any]) -> User:
    """The signed-in person; anyone else is sent to sign in (or gets a 401 in the API)."""
    user = await provide_viewer(request)
    if user is None:
        raise NotAuthorizedException("Sign in first.")
    return user


def client_address(request: Request[Any, Any, Any]) -> str:
    """The caller's address. Behind a proxy uvicorn sets it from X-Forwarded-For, and only
    when the proxy's own address is in BRIDGEWORK_TRUSTED_PROXIES (default 127.0.0.1)."""
    return request.client.host if request.client else "unknown"


def sign_in_client(request: Request[Any, Any, Any]) -> Client:
    """Who is signing in, as the throttle sees them: address and device cookie."""
    return Client(client_address(request), request.cookies.get(throttle.DEVICE_COOKIE, ""))


def signed_in(
    request: Request[Any, Any, Any], response: Response[Any], user: User, token: str
) -> Response[Any]:
    """Set the new session's cookie, and this browser's device cookie for the account."""
    settings = request.app.state.settings
    secure = bool(settings.is_production)
    response.set_cookie(
        throttle.DEVICE_COOKIE,
        throttle.new_device_cookie(settings.secret_key, user.email),
        max_age=int(throttle.DEVICE_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/",
    )
    return set_session_cookie(response, token, secure)


def set_session_cookie(response: Response[Any], token: str, secure: bool) -> Response[Any]:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(accounts.SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/",
    )
    return response


def clear_session_cookie(response: Response[Any]) -> Response[Any]:
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# ---------------------------------------------------------------- errors


def _is_api(request: Request[Any, Any, Any]) -> bool:
    return request.url.path.startswith("/api/")


_STATUS = {NotFound: 404, Forbidden: 403, Conflict: 409, Gone: 410, Throttled: 429}
_TITLES = {
    400: "That didn't work",
    401: "Please sign in",
    403: "Not allowed",
    404: "Not found",
    405: "Not allowed",
    409: "Already done",
    410: "This link no longer works",
    413: "Too much at once",
    429: "Slow down",
    500: "Something went wrong on our side",
}


def _error_response(
    request: Request[Any, Any, Any],
    status: int,
    message: str,
    errors: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[Any]:
    if _is_api(request):
        body: dict[str, Any] = {"status_code": status, "detail": message}
        if errors:
            body["errors"] = errors
        return Response(
            content=body, status_code=status, media_type=MediaType.JSON, headers=headers
        )
    viewer = request.scope.get("state", {}).get("viewer")
    templates = request.app.template_engine
    assert templates is not None
    return Response(
        content=templates.get_template("error.html").render(
            title=_TITLES.get(status, "That didn't work"),
            message=message,
            status=status,
            viewer=viewer,
            static_url=static_url,
        ),
        status_code=status,
        media_type=MediaType.HTML,
        headers=headers,
    )


def handle_domain_error(request: Request[Any, Any, Any], error: Exception) -> Response[Any]:
    """A service said no: the right status with its message, as a page or JSON."""
    if isinstance(error, InvalidInput):
        return _error_response(request, 400, str(error), errors=error.errors)
    status = _STATUS.get(type(error), 400)
    headers = {"Retry-After": str(error.seconds)} if isinstance(error, Throttled) else None
    return _error_response(request, status, str(error), headers=headers)


def _bad_path_id(error: HTTPException) -> bool:
    return (
        isinstance(error, ValidationException)
        and isinstance(error.extra, list)
        and bool(error.extra)
        and all(isinstance(item, dict) and item.get("source") == "path" for item in error.extra)
    )


def handle_http_error(request: Request[Any, Any, Any], error: HTTPException) -> Response[Any]:
    if isinstance(error, NotAuthorizedException) and not _is_api(request):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if request.method != "GET":
            # A form posted after the session ended: come back to a page, not the POST path.
            target = "/"
        return Redirect(path=f"/signin?next={quote(target)}", status_code=HTTP_303_SEE_OTHER)
    if _bad_path_id(error):  # an id no row can have (bounds.PathId): as unknown as any other
        return _error_response(request, 404, "Not found.")
    errors = None
    if isinstance(error.extra, list) and error.extra:
        errors = {
            str(item.get("key", "")): str(item.get("message", ""))
            for item in error.extra
            if isinstance(item, dict)
        }
    return _error_response(
        request, error.status_code, error.detail, errors=errors, headers=error.headers
    )


def handle_unexpected(request: Request[Any, Any, Any], error: Exception) -> Response[Any]:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=error)
    return _error_response(
        request,
        HTTP_500_INTERNAL_SERVER_ERROR,
        "We could not finish that. Nothing you saved before is lost; please try again.",
    )


EXCEPTION_HANDLERS: dict[type[Exception] | int, Any] = {
    InvalidInput: handle_domain_error,
    NotFound: handle_domain_error,
    Forbidden: handle_domain_error,
    Conflict: handle_domain_error,
    Gone: handle_domain_error,
    Throttled: handle_domain_error,
    HTTPException: handle_http_error,
    HTTP_500_INTERNAL_SERVER_ERROR: handle_unexpected,
}


# ---------------------------------------------------------------- the reader's locale


class Localised:
    """An ASGI wrapper: dates and times in this request follow its Accept-Language.

    Around the whole app, so pages, API messages and error pages alike read
    formats.locale; reset after the response, so nothing leaks to the next request.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        header = ""
        if scope["type"] == "http":
            for name, value in scope["headers"]:
                if name == b"accept-language":
                    header = value[:200].decode("latin-1")
                    break
        with formats.for_request(header):
            await self.app(scope, receive, send)


# ---------------------------------------------------------------- headers


# Content-Security-Policy, Referrer-Policy, X-Frame-Options and Permissions-Policy
# govern a document: what it may run, load, send as a referrer, sit inside and use. A
# stylesheet, a page's script, a PNG or the manifest never becomes one (nosniff keeps it
# from being sniffed into one), and what it fetches stays under its page's policy, so
# these go without: ~270 bytes off each of the ten files a first visit pulls in (#17).
# X-Content-Type-Options, what guards a subresource, stays. HTML (a 404 under /static/
# too) and SVG, a document that may run script when opened on its own, keep everything;
# so does /sw.js, which is not under `files`: a worker's CSP is the one sent with it.
SUBRESOURCE_TYPES = frozenset(
    {"text/css", "text/javascript", "image/png", "application/manifest+json"}
)
DOCUMENT_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def security_headers(production: bool, files: tuple[str, ...] = ()) -> BeforeMessageSendHookHandler:
    """A before-send hook adding the security headers to every response.

    `files` are the path prefixes of static files: those of SUBRESOURCE_TYPES get only
    the headers a subresource needs. A hook rather than middleware: Litestar runs
    middleware only for a matched route, so 404s, 405s and CSRF refusals would
    otherwise go out without them.
    """

    def is_subresource(path: str, headers: MutableScopeHeaders) -> bool:
        kind = (headers.get("content-type") or "").split(";")[0].strip().lower()
        return kind in SUBRESOURCE_TYPES and path.startswith(files)

    async def add_headers(message: Message, scope: Scope) -> None:
        if message["type"] == "http.response.start":
            headers = MutableScopeHeaders.from_message(message)
            headers["X-Content-Type-Options"] = "nosniff"
            if not is_subresource(scope["path"], headers):
                for name, value in DOCUMENT_HEADERS.items():
                    headers[name] = value
            if production:
                headers["Strict-Transport-Security"] = "max-age=31536000"

    return add_headers
