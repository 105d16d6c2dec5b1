"""Single sign-on with the company's OpenID Connect identity provider: the flow.

Authorization code flow with PKCE (S256); the provider itself (discovery, keys,
the ID token's checks) is in idp.py. The state, nonce and PKCE verifier wait in
`sign_in_challenge` (challenges.py), so any worker finishes what another
started, once. Then the person is signed in, created, or asked to link.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from server import clock
from server.accounts import service as accounts
from server.settings import Settings
from server.signin import challenges
from server.signin.idp import (
    START_AGAIN,
    Provider,
    SsoRefused,
    key_set,
    kid_of,
    provider,
    verify_id_token,
)
from server.signin.idp import (
    client as oauth_client,
)
from server.signin.tables import OidcIdentity
from server.tables import User


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


async def start(settings: Settings, redirect_uri: str, browser: str, next_path: str) -> str:
    """The URL that sends this browser to the identity provider."""
    found = await provider(settings)
    state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    verifier = secrets.token_urlsafe(48)
    async with oauth_client(settings, redirect_uri) as client:
        url, _ = client.create_authorization_url(
            found.authorization_endpoint, state=state, code_verifier=verifier, nonce=nonce
        )
    await challenges.keep(
        state, "oidc", browser, payload={"nonce": nonce, "verifier": verifier, "next": next_path}
    )
    return str(url)


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
        async with oauth_client(settings, redirect_uri) as client:
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
    keys = await key_set(found, kid_of(id_token))
    claims = verify_id_token(settings, found, keys, id_token, str(taken.payload["nonce"]))
    identity = _identity(settings, found, claims)
    outcome = await _sign_in_or_create(settings, browser, identity, viewer)
    return outcome, str(taken.payload.get("next") or "/")


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
