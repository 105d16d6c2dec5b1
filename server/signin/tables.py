"""Tables for signing in without a password: passkeys, single sign-on, and the
short-lived challenges both ceremonies keep on the server."""

from __future__ import annotations

from typing import Any

from piccolo.columns import BigInt, Boolean, ForeignKey, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from server.tables import User


class Passkey(Table, tablename="passkey"):
    """A WebAuthn credential a person registered; only its public key is stored."""

    id: Any  # Serial primary key, added by Piccolo; declared for type checkers
    person = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    credential_id = Varchar(length=1400, unique=True)  # base64url, at most 1023 bytes
    public_key = Text()  # base64url of the COSE key
    sign_count = BigInt(default=0)  # the authenticator's counter is an unsigned 32-bit int
    name = Varchar(length=60)  # the device, as its owner named it
    transports = Varchar(length=200, default="")  # "internal,hybrid"
    aaguid = Varchar(length=36, default="")
    backup_eligible = Boolean(default=False)
    backed_up = Boolean(default=False)
    created_at = Timestamptz()
    last_used_at = Timestamptz(null=True, default=None)


class SignInChallenge(Table, tablename="sign_in_challenge"):
    """One ceremony in flight (a passkey challenge, an OIDC state), single-use.

    Kept in the database rather than in a process, so whichever worker gets the
    answer can check it; bound to the browser that asked (`browser_hash`).
    """

    id: Any  # Serial primary key, added by Piccolo; declared for type checkers
    key_hash = Varchar(length=64, unique=True)  # SHA-256 of the challenge or the state
    purpose = Varchar(length=20)
    browser_hash = Varchar(length=64)  # SHA-256 of the browser's bw_flow cookie
    person = ForeignKey(references=User, on_delete=OnDelete.cascade, null=True, index=True)
    payload = Text(default="")  # JSON the ceremony needs at its end (never a secret key)
    expires_at = Timestamptz(index=True)


class OidcIdentity(Table, tablename="oidc_identity"):
    """A person's account at the company's identity provider, linked to theirs.

    (issuer, subject) is unique: an index made in the migration.
    """

    id: Any  # Serial primary key, added by Piccolo; declared for type checkers
    person = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    issuer = Varchar(length=500)
    subject = Varchar(length=255)
    email = Varchar(length=254, default="")
    created_at = Timestamptz()
    last_used_at = Timestamptz(null=True, default=None)
