"""Passkeys (WebAuthn): register from Settings or at sign-up, sign in, remove.

py_webauthn (Duo Labs) checks every response; this module decides which
challenge a response may answer and what is stored. User verification is
required both ways (a fingerprint, a face or the device PIN), so a passkey is a
whole sign-in on its own.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from server import clock
from server.accounts import service as accounts
from server.accounts import throttle
from server.accounts.throttle import Client
from server.errors import Conflict, InvalidInput, NotFound
from server.signin import challenges
from server.signin.methods import ways_to_sign_in
from server.signin.tables import Passkey
from server.tables import User
from server.text import clean, raise_if

TIMEOUT_MS = 120_000
REFUSED = "That passkey could not sign you in. Try again, or use your password."
NOT_SAVED = "That passkey was not saved. Try again."
LAST_WAY = (
    "This is your only way to sign in. Add another passkey or set a password first, "
    "so you can still get in."
)
# Failures of passkeys nobody has registered count against this name, by address.
UNKNOWN_PASSKEY = "passkey:unknown"


@dataclass(frozen=True)
class RelyingParty:
    """This site as WebAuthn sees it: its host name and the origin pages load from."""

    id: str
    origin: str
    name: str = "Bridgework"


def user_handle(secret: str, email: str) -> bytes:
    """The same opaque handle for a person on every passkey (no email inside it), so an
    authenticator keeps one passkey per person rather than one per registration."""
    return hmac.new(secret.encode(), f"webauthn-user\n{email}".encode(), hashlib.sha256).digest()


def _challenge_of(credential: object) -> str:
    """The challenge a response answers (base64url), read from its clientDataJSON."""
    if not isinstance(credential, dict):
        raise InvalidInput.field("credential", REFUSED)
    response = credential.get("response")
    raw = response.get("clientDataJSON") if isinstance(response, dict) else None
    if not isinstance(raw, str) or len(raw) > 4000:
        raise InvalidInput.field("credential", REFUSED)
    try:
        client_data = json.loads(base64url_to_bytes(raw))
    except (ValueError, TypeError):
        raise InvalidInput.field("credential", REFUSED) from None
    challenge = client_data.get("challenge") if isinstance(client_data, dict) else None
    if not isinstance(challenge, str):
        raise InvalidInput.field("credential", REFUSED)
    return challenge


def _credential_id(credential: object) -> str:
    value = credential.get("id") if isinstance(credential, dict) else None
    if not isinstance(value, str) or not value or len(value) > 1400:
        raise InvalidInput.field("credential", REFUSED)
    return value


def _options(options: Any) -> dict[str, Any]:
    return dict(json.loads(options_to_json(options)))


def _name(value: object) -> str:
    errors: dict[str, str] = {}
    name = clean(errors, "name", value or "This device", "Passkey name", max_length=60)
    raise_if(errors)
    return name


# ---------------------------------------------------------------- registering


async def registration_options(
    rp: RelyingParty,
    browser: str,
    secret: str,
    *,
    user: User | None = None,
    sign_up: accounts.SignUp | None = None,
) -> dict[str, Any]:
    """Options for navigator.credentials.create(): for a signed-in `user` adding a
    passkey, or for a `sign_up` that will create its account with one."""
    if user is not None:
        email, display = user.email, user.display_name
        existing = await Passkey.select(Passkey.credential_id).where(Passkey.person == user.id)
        exclude = [
            PublicKeyCredentialDescriptor(id=base64url_to_bytes(row["credential_id"]))
            for row in existing
        ]
        purpose, person, payload = "passkey_add", user.id, {}
    else:
        assert sign_up is not None
        if await User.exists().where(User.email == sign_up.email):
            raise Conflict("An account with this email already exists. Sign in instead.")
        email, display, exclude = sign_up.email, sign_up.display_name, []
        purpose, person = "passkey_sign_up", None
        payload = {
            "email": sign_up.email,
            "display_name": sign_up.display_name,
            "time_zone": sign_up.time_zone,
        }
    options = generate_registration_options(
        rp_id=rp.id,
        rp_name=rp.name,
        user_name=email,
        user_id=user_handle(secret, email),
        user_display_name=display,
        timeout=TIMEOUT_MS,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=exclude,
    )
    await challenges.keep(bytes_to_base64url(options.challenge), purpose, browser, person, payload)
    return _options(options)


def _verified_registration(rp: RelyingParty, credential: object, challenge: str) -> Any:
    try:
        return verify_registration_response(
            credential=credential,  # type: ignore[arg-type]
            expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, TypeError, KeyError):
        raise InvalidInput.field("credential", NOT_SAVED) from None


def _transports(credential: object) -> str:
    response = credential.get("response") if isinstance(credential, dict) else None
    given = response.get("transports") if isinstance(response, dict) else None
    known = {t.value for t in AuthenticatorTransport}
    if not isinstance(given, list):
        return ""
    return ",".join(t for t in given if isinstance(t, str) and t in known)[:200]


async def _save(person: int, name: str, credential: object, verified: Any) -> Passkey:
    passkey = Passkey(
        person=person,
        credential_id=bytes_to_base64url(verified.credential_id),
        public_key=bytes_to_base64url(verified.credential_public_key),
        sign_count=verified.sign_count,
        name=name,
        transports=_transports(credential),
        aaguid=str(verified.aaguid),
        backup_eligible=verified.credential_device_type == "multi_device",
        backed_up=bool(verified.credential_backed_up),
        created_at=clock.now(),
    )
    if await Passkey.exists().where(Passkey.credential_id == passkey.credential_id):
        raise Conflict("That passkey is already saved.")
    await passkey.save()
    return passkey


async def add(
    rp: RelyingParty, user: User, browser: str, name: object, credential: object
) -> Passkey:
    """Save the passkey `user` just made, if it answers a challenge this browser asked
    for while signed in as `user`."""
    label = _name(name)
    taken = await challenges.take(_challenge_of(credential), "passkey_add", browser)
    if taken is None or taken.person != user.id:
        raise InvalidInput.field("credential", NOT_SAVED)
    verified = _verified_registration(rp, credential, _challenge_of(credential))
    return await _save(user.id, label, credential, verified)


async def sign_up(rp: RelyingParty, browser: str, name: object, credential: object) -> User:
    """Create the account the sign-up form described, with this passkey and no password."""
    label = _name(name)
    challenge = _challenge_of(credential)
    taken = await challenges.take(challenge, "passkey_sign_up", browser)
    if taken is None:
        raise InvalidInput.field("credential", NOT_SAVED)
    verified = _verified_registration(rp, credential, challenge)
    form = accounts.SignUp(
        email=str(taken.payload["email"]),
        display_name=str(taken.payload["display_name"]),
        password="",
        time_zone=str(taken.payload["time_zone"]),
    )
    user = await accounts.create_user(form)
    await _save(user.id, label, credential, verified)
    return user


# ---------------------------------------------------------------- signing in


async def authentication_options(rp: RelyingParty, browser: str) -> dict[str, Any]:
    """Options for navigator.credentials.get(), for any passkey of this site (the
    phone offers the ones it holds; the same options serve conditional UI)."""
    options = generate_authentication_options(
        rp_id=rp.id,
        timeout=TIMEOUT_MS,
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    await challenges.keep(bytes_to_base64url(options.challenge), "passkey_sign_in", browser)
    return _options(options)


async def authenticate(
    rp: RelyingParty, browser: str, credential: object, client: Client, secret: str
) -> User:
    """The person this passkey assertion signs in; InvalidInput or Throttled otherwise.

    Throttled like a password (accounts/throttle.py), counted against the passkey's
    owner: her own browser's device cookie keeps anyone else's failures from
    slowing her down.
    """
    credential_id = _credential_id(credential)
    challenge = _challenge_of(credential)
    passkey = await Passkey.objects().where(Passkey.credential_id == credential_id).first()
    owner = await User.objects().where(User.id == passkey.person).first() if passkey else None
    email = owner.email if owner is not None else UNKNOWN_PASSKEY
    now = clock.now()
    device = throttle.device_for(secret, email, client.device_cookie)
    await throttle.check(email, client, device, now)
    taken = await challenges.take(challenge, "passkey_sign_in", browser)
    verified = None
    if taken is not None and passkey is not None and owner is not None:
        try:
            verified = verify_authentication_response(
                credential=credential,  # type: ignore[arg-type]
                expected_challenge=base64url_to_bytes(challenge),
                expected_rp_id=rp.id,
                expected_origin=rp.origin,
                credential_public_key=base64url_to_bytes(passkey.public_key),
                credential_current_sign_count=passkey.sign_count,
                require_user_verification=True,
            )
        except (WebAuthnException, ValueError, TypeError, KeyError):
            verified = None
    if verified is None or passkey is None or owner is None:
        await throttle.record_failure(email, client, device, now)
        raise InvalidInput.field("", REFUSED)
    await throttle.forget_failures(email, client, device)
    await Passkey.update(
        {
            Passkey.sign_count: verified.new_sign_count,
            Passkey.backed_up: bool(verified.credential_backed_up),
            Passkey.last_used_at: now,
        }
    ).where(Passkey.id == passkey.id)
    return owner


# ---------------------------------------------------------------- listing, removing


async def of(user: User) -> list[Passkey]:
    """A person's passkeys, oldest first."""
    return list(await Passkey.objects().where(Passkey.person == user.id).order_by(Passkey.id))


async def remove(user: User, passkey_id: int) -> None:
    """Remove one of `user`'s passkeys; refused when it is her last way in."""
    passkey = (
        await Passkey.objects()
        .where((Passkey.id == passkey_id) & (Passkey.person == user.id))
        .first()
    )
    if passkey is None:
        raise NotFound("No such passkey.")
    if await ways_to_sign_in(user) <= 1:
        raise Conflict(LAST_WAY)
    await Passkey.delete().where(Passkey.id == passkey.id)
