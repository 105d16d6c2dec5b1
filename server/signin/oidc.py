"""Single sign-on with the company's OpenID Connect identity provider.

Authlib's OAuth 2 client builds the authorization request (code flow with PKCE
S256) and redeems the code; joserfc (Authlib's own JOSE library, which Authlib
now recommends over its deprecated `authlib.jose`) checks the ID token: its
signature against the provider's published keys, then `iss`, `aud`, `exp`, `iat`
and the `nonce` this browser's request carried. The state, nonce and PKCE
verifier wait in `sign_in_challenge` (challenges.py), so any worker finishes
what another started, once.
"""

from __future__ import annotations

import base64
import json
import secrets
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

from server import clock
from server.accounts import service as accounts
from server.settings import Settings
from server.signin import challenges
from server.signin.tables import OidcIdentity
from server.tables import User

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


@dataclass(frozen=True)
class Identity:
    """What the ID token says about the person."""

    issuer: str
    subject: str
    email: str
    email_verified: bool
    name: str


@dataclass(frozen=True)
class SignedIn:
    user: User
    created: bool


@dataclass(frozen=True)
class NeedsLink:
    """An account with this email exists: its owner must sign in to it once to link."""

    token: str
    email: str


# Per process: the discovery document and the keys, re-read after an hour (keys
# also whenever a token names a key we have not seen: the provider rotated).
_providers: dict[str, tuple[float, Provider]] = {}
_keys: dict[str, tuple[float, KeySet]] = {}


@cache
def _tls() -> ssl.SSLContext:
    """One TLS context per process: building one reads the CA bundle, which took
    200-600 ms on a busy machine, and httpx builds one for every client by default."""
    return ssl.create_default_context()


def _client(settings: Settings, redirect_uri: str = "") -> AsyncOAuth2Client:
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


async def _key_set(found: Provider, kid: str | None) -> KeySet:
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


async def start(settings: Settings, redirect_uri: str, browser: str, next_path: str) -> str:
    """The URL that sends this browser to the identity provider."""
    found = await provider(settings)
    state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    verifier = secrets.token_urlsafe(48)
    async with _client(settings, redirect_uri) as client:
        url, _ = client.create_authorization_url(
            found.authorization_endpoint, state=state, code_verifier=verifier, nonce=nonce
        )
    await challenges.keep(
        state, "oidc", browser, payload={"nonce": nonce, "verifier": verifier, "next": next_path}
    )
    return str(url)


def _verify_id_token(
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


def _identity(settings: Settings, found: Provider, claims: dict[str, Any]) -> Identity:
    email = str(claims.get("email") or "").strip().lower()
    name = str(claims.get("name") or "").strip()
    if not name:
        name = " ".join(str(claims.get(k) or "") for k in ("given_name", "family_name")).strip()
    return Identity(
        issuer=found.issuer,
        subject=str(claims["sub"]),
        email=email,
        # Entra ID sends no `email_verified`: then the company's own domains, listed in
        # OIDC_ALLOWED_DOMAINS, are taken as vouched for. An explicit false never is.
        email_verified=claims.get("email_verified") is True
        or ("email_verified" not in claims and bool(settings.oidc_allowed_domains)),
        name=(name or email.split("@")[0])[:60],
    )


async def finish(
    settings: Settings,
    redirect_uri: str,
    browser: str,
    params: dict[str, str],
    viewer: User | None,
) -> tuple[SignedIn | NeedsLink, str]:
    """Complete the sign-in the provider sent back; returns the outcome and where to go."""
    taken = await challenges.take(params.get("state", ""), "oidc", browser)
    if taken is None:
        raise SsoRefused(
            "This sign-in was started in another browser, took longer than five minutes, "
            "or was already used. " + START_AGAIN
        )
    if params.get("error"):
        raise SsoRefused(
            f"Your company's sign-in service said no ({params['error'][:60]}). " + START_AGAIN
        )
    found = await provider(settings)
    try:
        async with _client(settings, redirect_uri) as client:
            token = await client.fetch_token(
                found.token_endpoint,
                code=params.get("code", ""),
                code_verifier=taken.payload["verifier"],
            )
    except Exception as error:  # Authlib's OAuthError, httpx's errors, a non-JSON answer
        raise SsoRefused(
            "Your company's sign-in service did not accept this sign-in (its code may have "
            "been used already). " + START_AGAIN
        ) from error
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise SsoRefused("Your company's sign-in service sent no ID token. " + START_AGAIN)
    kid = _kid(id_token)
    keys = await _key_set(found, kid)
    claims = _verify_id_token(settings, found, keys, id_token, str(taken.payload["nonce"]))
    identity = _identity(settings, found, claims)
    outcome = await _sign_in_or_create(settings, browser, identity, viewer)
    return outcome, str(taken.payload.get("next") or "/")


def _kid(id_token: str) -> str | None:
    try:
        header = id_token.split(".", 1)[0]
        data = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))
        kid = data.get("kid") if isinstance(data, dict) else None
        return kid if isinstance(kid, str) else None
    except ValueError:
        return None


def _allowed(settings: Settings, email: str) -> bool:
    domain = email.rpartition("@")[2]
    return not settings.oidc_allowed_domains or domain in settings.oidc_allowed_domains


async def _sign_in_or_create(
    settings: Settings, browser: str, identity: Identity, viewer: User | None
) -> SignedIn | NeedsLink:
    linked = (
        await OidcIdentity.objects()
        .where(
            (OidcIdentity.issuer == identity.issuer) & (OidcIdentity.subject == identity.subject)
        )
        .first()
    )
    if not identity.email or not _allowed(settings, identity.email):
        allowed = ", ".join(settings.oidc_allowed_domains)
        raise SsoRefused(
            f"{identity.email or 'This account'} cannot sign in here: only addresses at "
            f"{allowed} can."
        )
    if linked is not None:
        user = await User.objects().where(User.id == linked.person).first()
        if user is not None:
            await OidcIdentity.update({OidcIdentity.last_used_at: clock.now()}).where(
                OidcIdentity.id == linked.id
            )
            return SignedIn(user, created=False)
    if not identity.email_verified:
        raise SsoRefused(
            "Your company's sign-in service has not verified your email address, so "
            "Bridgework cannot tell which account is yours. Ask your IT team."
        )
    existing = await User.objects().where(User.email == identity.email).first()
    if existing is not None:
        if viewer is not None and viewer.id == existing.id:
            await _link(existing.id, identity)
            return SignedIn(existing, created=False)
        token = new_link_token()
        await challenges.keep(
            token,
            "oidc_link",
            browser,
            person=existing.id,
            payload={
                "issuer": identity.issuer,
                "subject": identity.subject,
                "email": identity.email,
            },
        )
        return NeedsLink(token, identity.email)
    user = await accounts.create_user(
        accounts.SignUp(
            email=identity.email, display_name=identity.name, password="", time_zone="UTC"
        )
    )
    await _link(user.id, identity)
    return SignedIn(user, created=True)


async def _link(person: int, identity: Identity) -> None:
    await OidcIdentity.insert(
        OidcIdentity(
            person=person,
            issuer=identity.issuer,
            subject=identity.subject,
            email=identity.email,
            created_at=clock.now(),
            last_used_at=clock.now(),
        )
    )


def new_link_token() -> str:
    return secrets.token_urlsafe(24)


async def link_pending(token: str, browser: str) -> tuple[int, dict[str, Any]] | None:
    """The link waiting on this browser: (person, identity), taken so it is used once."""
    taken = await challenges.take(token, "oidc_link", browser)
    if taken is None or taken.person is None:
        return None
    return taken.person, taken.payload


async def link(person: int, pending: dict[str, Any]) -> None:
    """Link the company identity to the account its owner just proved is theirs."""
    await _link(
        person,
        Identity(
            issuer=str(pending["issuer"]),
            subject=str(pending["subject"]),
            email=str(pending["email"]),
            email_verified=True,
            name="",
        ),
    )


async def keep_pending(token: str, browser: str, person: int, pending: dict[str, Any]) -> None:
    """Put a link back after a wrong password, so its owner can try again."""
    await challenges.keep(token, "oidc_link", browser, person=person, payload=pending)


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
