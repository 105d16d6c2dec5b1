"""What a sign-in ceremony needs from the request: this site as WebAuthn sees it, and
the cookie that binds a ceremony to the browser that started it."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response

from server.accounts import service as accounts
from server.signin import challenges
from server.signin.passkeys import RelyingParty
from server.tables import User
from server.web import SESSION_COOKIE, signed_in


def relying_party(request: Request[Any, Any, Any]) -> RelyingParty:
    """The host the page was loaded from (behind a proxy, as uvicorn was told by one it
    trusts). A browser puts its own origin in every response, so a look-alike site's
    response names the look-alike and is refused."""
    url = request.url
    return RelyingParty(id=url.hostname or "localhost", origin=f"{url.scheme}://{url.netloc}")


def flow_cookie(request: Request[Any, Any, Any]) -> str:
    """This browser's ceremony cookie: the one it sent, or a new one (see `keep_flow_cookie`)."""
    sent = request.cookies.get(challenges.FLOW_COOKIE, "")
    if sent and len(sent) <= 100:
        return sent
    made = request.scope.setdefault("state", {}).get("new_flow_cookie")
    if made is None:
        made = request.scope["state"]["new_flow_cookie"] = challenges.new_browser_cookie()
    return str(made)


def keep_flow_cookie(request: Request[Any, Any, Any], response: Response[Any]) -> Response[Any]:
    """Send the ceremony cookie made for this request, if one was."""
    made = request.scope.get("state", {}).get("new_flow_cookie")
    if made:
        response.set_cookie(
            challenges.FLOW_COOKIE,
            made,
            httponly=True,
            samesite="lax",
            secure=bool(request.app.state.settings.is_production),
            path="/",
        )
    return response


async def start_session(
    request: Request[Any, Any, Any], response: Response[Any], user: User
) -> Response[Any]:
    """`response`, with a new session for `user` in this browser (and its device cookie)."""
    token = await accounts.start_session(user, replacing=request.cookies.get(SESSION_COOKIE))
    return signed_in(request, response, user, token)
