"""The company's identity provider, as Bridgework talks to it: discovery, signing keys,
the OAuth 2 client, and the ID token's checks.

Authlib's OAuth 2 client builds the authorization request and redeems the code;
joserfc (Authlib's own JOSE library, which Authlib recommends over its deprecated
`authlib.jose`) checks the ID token: its signature against the provider's
published keys, then `iss`, `aud` (and `azp`), `exp`, `iat` and the nonce.
"""

from __future__ import annotations

import base64
import json
import ssl
import time
from dataclasses import dataclass
from functools import cache
from typing import Any

import httpx
from authlib.integrations.httpx_client import AsyncOAuth2Client
from joserfc import jwt
from joserfc.errors import (
    BadSignatureError,
    ExpiredTokenError,
    InvalidClaimError,
    JoseError,
    MissingClaimError,
)
from joserfc.jwk import KeySet

from server.settings import Settings

SCOPE = "openid email profile"
ALGORITHMS = ["RS256", "ES256", "PS256", "EdDSA"]
TIMEOUT_S = 10.0
DISCOVERY_TTL_S = 3600.0
LEEWAY_S = 60  # clocks of two machines disagree a little
START_AGAIN = "Start again from the sign-in page."


class SsoRefused(Exception):
    """A single sign-on that cannot finish; the message says why, for the person."""


@dataclass(frozen=True)
class Provider:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    end_session_endpoint: str = ""


# Per process: the discovery document and the keys, re-read after an hour (keys
# also whenever a token names a key we have not seen: the provider rotated).
_providers: dict[str, tuple[float, Provider]] = {}
_keys: dict[str, tuple[float, KeySet]] = {}


@cache
def _tls() -> ssl.SSLContext:
    """One TLS context per process: building one reads the CA bundle, which took
    200-600 ms on a busy machine, and httpx builds one for every client by default."""
    return ssl.create_default_context()


def client(settings: Settings, redirect_uri: str = "") -> AsyncOAuth2Client:
    """Authlib's OAuth 2 client for Bridgework at this provider (PKCE S256)."""
    return AsyncOAuth2Client(
        verify=_tls(),
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        scope=SCOPE,
        redirect_uri=redirect_uri or None,
        code_challenge_method="S256",
        timeout=TIMEOUT_S,
    )


async def _get_json(url: str) -> dict[str, Any]:
    async with httpx.AsyncClient(timeout=TIMEOUT_S, verify=_tls()) as client:
        response = await client.get(url)
        response.raise_for_status()
        body = response.json()
    if not isinstance(body, dict):
        raise ValueError(f"{url} did not answer a JSON object")
    return body


async def provider(settings: Settings) -> Provider:
    """The identity provider's endpoints, from its discovery document."""
    issuer = settings.oidc_issuer
    cached = _providers.get(issuer)
    if cached and time.monotonic() - cached[0] < DISCOVERY_TTL_S:
        return cached[1]
    try:
        doc = await _get_json(f"{issuer}/.well-known/openid-configuration")
        found = Provider(
            issuer=str(doc["issuer"]),
            authorization_endpoint=str(doc["authorization_endpoint"]),
            token_endpoint=str(doc["token_endpoint"]),
            jwks_uri=str(doc["jwks_uri"]),
            end_session_endpoint=str(doc.get("end_session_endpoint") or ""),
        )
    except (httpx.HTTPError, ValueError, KeyError) as error:
        raise SsoRefused(
            "We could not reach your company's sign-in service. Try again in a minute."
        ) from error
    if found.issuer.rstrip("/") != issuer:  # OpenID Connect Discovery §4.3
        raise SsoRefused("Your company's sign-in service names another issuer than configured.")
    _providers[issuer] = (time.monotonic(), found)
    return found


async def key_set(found: Provider, kid: str | None) -> KeySet:
    cached = _keys.get(found.jwks_uri)
    fresh = cached and time.monotonic() - cached[0] < DISCOVERY_TTL_S
    if cached and fresh and (kid is None or any(k.kid == kid for k in cached[1].keys)):
        return cached[1]
    try:
        keys = KeySet.import_key_set(await _get_json(found.jwks_uri))  # type: ignore[arg-type]
    except (httpx.HTTPError, ValueError, JoseError) as error:
        raise SsoRefused("We could not read your company's signing keys. Try again.") from error
    _keys[found.jwks_uri] = (time.monotonic(), keys)
    return keys


def verify_id_token(
    settings: Settings, found: Provider, keys: KeySet, id_token: str, nonce: str
) -> dict[str, Any]:
    try:
        token = jwt.decode(id_token, keys, algorithms=ALGORITHMS)
    except BadSignatureError as error:
        raise SsoRefused(
            "The sign-in answer was not signed by your company's sign-in service. " + START_AGAIN
        ) from error
    except (JoseError, ValueError) as error:
        raise SsoRefused("The sign-in answer could not be read. " + START_AGAIN) from error
    checks = jwt.JWTClaimsRegistry(
        leeway=LEEWAY_S,
        iss={"essential": True, "value": found.issuer},
        aud={"essential": True, "value": settings.oidc_client_id},
        sub={"essential": True},
        exp={"essential": True},
        iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    claims = token.claims
    try:
        checks.validate(claims)
    except ExpiredTokenError as error:
        raise SsoRefused("The sign-in answer has expired. " + START_AGAIN) from error
    except (InvalidClaimError, MissingClaimError) as error:
        claim = getattr(error, "claim", "")
        reasons = {
            "aud": "The sign-in answer was meant for another app.",
            "iss": "The sign-in answer came from another identity provider.",
            "nonce": "The sign-in answer belongs to another sign-in.",
        }
        raise SsoRefused(
            reasons.get(claim, "The sign-in answer is not valid.") + " " + START_AGAIN
        ) from error
    except JoseError as error:
        raise SsoRefused("The sign-in answer is not valid. " + START_AGAIN) from error
    azp = claims.get("azp")
    if isinstance(claims.get("aud"), list) and azp != settings.oidc_client_id:
        raise SsoRefused("The sign-in answer was meant for another app. " + START_AGAIN)
    return dict(claims)


def kid_of(id_token: str) -> str | None:
    try:
        header = id_token.split(".", 1)[0]
        data = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))
        kid = data.get("kid") if isinstance(data, dict) else None
        return kid if isinstance(kid, str) else None
    except ValueError:
        return None


async def end_session_url(settings: Settings, after: str) -> str:
    """The provider's end-session URL (RP-initiated logout), or "" when it has none."""
    if not settings.oidc_issuer:
        return ""
    try:
        found = await provider(settings)
    except SsoRefused:
        return ""
    if not found.end_session_endpoint:
        return ""
    query = httpx.QueryParams(
        {"client_id": settings.oidc_client_id, "post_logout_redirect_uri": after}
    )
    return f"{found.end_session_endpoint}?{query}"
