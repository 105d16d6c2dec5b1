"""A small OpenID provider on 127.0.0.1, for tests: its own RSA key, real HTTP.

Discovery, an authorization endpoint that signs in whoever `provider.person` is
(the company's login page is not ours to test), a token endpoint that checks the
client's secret, the PKCE verifier and that each code is used once, the JWKS, and
an end-session endpoint. `provider.tamper` makes the next ID tokens wrong in one
way, as a broken or hostile provider would.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
import pytest
import uvicorn
from joserfc import jwt
from joserfc.jwk import RSAKey
from litestar import Litestar, Request, Response, get, post
from litestar.response import Redirect

from server.app import create_app
from server.settings import load_settings

CLIENT_ID = "bridgework"
CLIENT_SECRET = "s3cret-of-the-bridgework-client"


@dataclass
class Person:
    sub: str
    email: str
    name: str
    email_verified: bool | None = True  # None: the claim is left out, as Entra ID does


@dataclass
class Provider:
    issuer: str = ""
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, {"kid": "k1"}))
    person: Person = field(
        default_factory=lambda: Person("carol-123", "carol@example.com", "Carol")
    )
    tamper: str = ""  # "", "signature", "aud", "expired", "nonce", "issuer", "key"
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    token_requests: int = 0

    def env(self, **extra: str) -> dict[str, str]:
        """The settings that point Bridgework at this provider."""
        return {
            "OIDC_ISSUER": self.issuer,
            "OIDC_CLIENT_ID": CLIENT_ID,
            "OIDC_CLIENT_SECRET": CLIENT_SECRET,
            **extra,
        }

    def id_token(self, nonce: str) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer if self.tamper != "issuer" else "http://127.0.0.1:1/other",
            "sub": self.person.sub,
            "aud": CLIENT_ID if self.tamper != "aud" else "someone-else",
            "iat": now if self.tamper != "expired" else now - 7200,
            "exp": now + 300 if self.tamper != "expired" else now - 3600,
            "nonce": nonce if self.tamper != "nonce" else "not-the-nonce",
            "email": self.person.email,
            "email_verified": self.person.email_verified,
            "name": self.person.name,
        }
        if self.person.email_verified is None:
            del claims["email_verified"]
        key = self.key
        if self.tamper == "key":  # signed by a key the provider never published
            key = RSAKey.generate_key(2048, {"kid": "k1"})
        token = jwt.encode({"alg": "RS256", "kid": "k1"}, claims, key)
        if self.tamper == "signature":  # the payload changed after signing
            header, payload, signature = token.split(".")
            forged = dict(claims, email="mallory@example.com")
            payload = jwt.encode({"alg": "RS256", "kid": "k1"}, forged, self.key).split(".")[1]
            token = f"{header}.{payload}.{signature}"
        return token

    def app(self) -> Litestar:
        provider = self

        @get("/.well-known/openid-configuration")
        async def discovery() -> dict[str, Any]:
            return {
                "issuer": provider.issuer,
                "authorization_endpoint": f"{provider.issuer}/authorize",
                "token_endpoint": f"{provider.issuer}/token",
                "jwks_uri": f"{provider.issuer}/jwks",
                "end_session_endpoint": f"{provider.issuer}/logout",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
            }

        @get("/jwks")
        async def jwks() -> dict[str, Any]:
            return {"keys": [provider.key.as_dict(private=False)]}

        @get("/authorize")
        async def authorize(request: Request[Any, Any, Any]) -> Redirect | Response[str]:
            q = request.query_params
            if (
                q.get("client_id") != CLIENT_ID
                or q.get("response_type") != "code"
                or q.get("code_challenge_method") != "S256"
                or not q.get("code_challenge")
                or "openid" not in (q.get("scope") or "").split()
            ):
                return Response("bad authorization request", status_code=400)
            code = secrets.token_urlsafe(16)
            provider.codes[code] = {
                "redirect_uri": q["redirect_uri"],
                "nonce": q.get("nonce", ""),
                "challenge": q["code_challenge"],
            }
            return Redirect(
                f"{q['redirect_uri']}?{urlencode({'code': code, 'state': q.get('state', '')})}",
                status_code=302,
            )

        @post("/token")
        async def token(request: Request[Any, Any, Any]) -> Response[Any]:
            provider.token_requests += 1
            form = await request.form()
            basic = request.headers.get("authorization", "")
            expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
            if basic != f"Basic {expected}":
                return Response({"error": "invalid_client"}, status_code=401)
            grant = provider.codes.pop(str(form.get("code", "")), None)  # once
            if grant is None or form.get("redirect_uri") != grant["redirect_uri"]:
                return Response({"error": "invalid_grant"}, status_code=400)
            verifier = str(form.get("code_verifier", ""))
            digest = hashlib.sha256(verifier.encode()).digest()
            if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != grant["challenge"]:
                return Response({"error": "invalid_grant"}, status_code=400)
            return Response(
                {
                    "access_token": secrets.token_urlsafe(16),
                    "token_type": "Bearer",
                    "expires_in": 300,
                    "id_token": provider.id_token(grant["nonce"]),
                }
            )

        @get("/logout")
        async def logout() -> str:
            return "signed out of the company"

        return Litestar([discovery, jwks, authorize, token, logout])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def running_provider() -> Iterator[Provider]:
    """The provider, serving on a free 127.0.0.1 port for the duration."""
    port = _free_port()
    provider = Provider(issuer=f"http://127.0.0.1:{port}")
    server = uvicorn.Server(
        uvicorn.Config(provider.app(), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test OpenID provider did not start")
        time.sleep(0.02)
    try:
        yield provider
    finally:
        server.should_exit = True
        thread.join(timeout=10)


# ---------------------------------------------------------------- fixtures and steps
# Test modules import these two fixtures by name (`from tests.oidc_provider import ...`).


@pytest.fixture
def provider() -> Iterator[Provider]:
    """The company's identity provider, up on 127.0.0.1 for one test."""
    with running_provider() as running:
        yield running


@pytest.fixture
def company(db: Any, provider: Provider) -> Iterator[Callable[..., Any]]:
    """Make a browser on a Bridgework that signs in with `provider` (extra settings as kwargs)."""
    from tests.conftest import Browser

    opened: list[Any] = []

    def make(name: str = "", **settings: str) -> Any:
        env = {**os.environ, "DATABASE_URL": db.url, **provider.env(**settings)}
        person = Browser(create_app(load_settings(env), run_migrations=False), name)
        opened.append(person)
        return person

    yield make
    for person in reversed(opened):
        person.close()


def through_provider(person: Any, next_path: str = "/") -> str:
    """`person` taps "Sign in with your company account" and the provider sends them
    back: the path of the callback their browser is sent to (not yet followed)."""
    start = person.get(f"/signin/sso?next={next_path}")
    assert start.status_code == 303, start.text
    answer = httpx.get(start.headers["location"], follow_redirects=False)
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["location"])
    assert back.path == "/signin/sso/callback"
    return f"{back.path}?{back.query}"


def sso_sign_in(person: Any, next_path: str = "/") -> Any:
    """The whole round trip; the callback's response."""
    return person.get(through_provider(person, next_path))
