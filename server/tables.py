"""Piccolo tables. Text a person writes lives only in the columns marked WRITTEN."""

from __future__ import annotations

from typing import Any

from piccolo.columns import Bytea, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table


class User(Table, tablename="person"):
    """A person with an account. `email` is stored lower-cased."""

    id: Any  # Serial primary key, added by Piccolo; declared for type checkers
    email = Varchar(length=254, unique=True)
    display_name = Varchar(length=60)
    password_hash = Varchar(length=200)
    time_zone = Varchar(length=64, default="UTC")
    created_at = Timestamptz()
    # The locale their browser asks for (server/formats.py: "en_US", "en_GB"), "" until
    # known: reminders and emails, written without a request, write dates in it.
    locale = Varchar(length=16, default="")


class Session(Table, tablename="session"):
    """A signed-in browser. Only the SHA-256 of the cookie's token is stored."""

    id: Any  # Serial primary key, added by Piccolo; declared for type checkers
    token_hash = Varchar(length=64, unique=True)
    person = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    created_at = Timestamptz()
    expires_at = Timestamptz()


class SignInFailure(Table, tablename="sign_in_failure"):
    """A failed sign-in, counted 15 minutes for throttling shared by every process."""

    id: Any  # Serial primary key, added by Piccolo; declared for type checkers
    email = Varchar(length=254, index=True)
    address = Varchar(length=64, index=True)
    device = Varchar(length=32, default="")  # the device cookie's nonce, "" without one
    failed_at = Timestamptz(index=True)


class Team(Table, tablename="team"):
    id: Any  # Serial primary key, added by Piccolo; declared for type checkers
    name = Varchar(length=80)
    created_at = Timestamptz()


class Membership(Table, tablename="membership"):
    """A person on a team; exactly one membership per team has role 'lead'."""

    id: Any  # Serial primary key, added by Piccolo; declared for type checkers
    team = ForeignKey(references=Team, on_delete=OnDelete.cascade, index=True)
    person = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    role = Varchar(length=10, default="member")
    joined_at = Timestamptz()

    # (team, person) is unique: an index made in the first migration, because
    # SQLite cannot add Piccolo's Unique constraint to an existing table.


class TeamInvite(Table, tablename="team_invite"):
    """A single-use link to join a team; only the token's SHA-256 is stored."""

    id: Any  # Serial primary key, added by Piccolo; declared for type checkers
    team = ForeignKey(references=Team, on_delete=OnDelete.cascade, index=True)
    token_hash = Varchar(length=64, unique=True)
    created_by = ForeignKey(references=User, on_delete=OnDelete.set_null, null=True)
    created_at = Timestamptz()
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)
    used_by = ForeignKey(references=User, on_delete=OnDelete.set_null, null=True)


class Bridge(Table, tablename="bridge"):
    """One relationship between two people, its sides `a` (who asked) and `b`.

    `b` is empty while a link invitation waits to be claimed. Status moves
    pending → active | declined, and active or pending → archived.
    """

    id: Any  # Serial primary key, added by Piccolo; declared for type checkers
    team = ForeignKey(references=Team, on_delete=OnDelete.set_null, null=True, index=True)
    side_a = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    side_b = ForeignKey(references=User, on_delete=OnDelete.cascade, null=True, index=True)
    status = Varchar(length=10, default="pending")
    message = Text(default="")  # WRITTEN: the invitation message, for side b
    span = Integer(default=30)
    # Raised by database triggers whenever a row of its log, commitments or pauses is
    # written, whatever code writes it: keys the Today cache without reading them.
    version = Integer(default=0)
    invite_token_hash = Varchar(length=64, null=True, default=None, unique=True)
    invite_expires_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()
    accepted_at = Timestamptz(null=True, default=None)
    archived_at = Timestamptz(null=True, default=None)
    archived_by = ForeignKey(references=User, on_delete=OnDelete.set_null, null=True)


# ------------------------------------------------------------------ the repair loop
# A person's side of a bridge is "a" or "b". Rows keep the side as well as the
# person, so a bridge's log still reads right after a person deletes their account.


class PlanPart(Table, tablename="plan_part"):
    """One side's own answers in the repair plan. Append-only: the newest row per
    side is the current text, older rows are its history."""

    id: Any  # Serial primary key, added by Piccolo; declared for type checkers
    bridge = ForeignKey(references=Bridge, on_delete=OnDelete.cascade, index=True)
    side = Varchar(length=1)
    author = ForeignKey(references=User, on_delete=OnDelete.set_null, null=True)
    my_part = Text(default="")  # WRITTEN: "What is my part in how we got here?"
    restored_trust = Text(default="")  # WRITTEN: "What would restored trust look like to me?"
    created_at = Timestamptz()


class Commitment(Table, tablename="commitment"):
    """A specific, observable action one side promised, with its cadence.

    A commitment with history is retired (`retired_from`), never deleted."""

    id: Any  # Serial primary key, added by Piccolo; declared for type checkers
    bridge = ForeignKey(references=Bridge, on_delete=OnDelete.cascade, index=True)
    side = Varchar(length=1)
    owner = ForeignKey(references=User, on_delete=OnDelete.set_null, null=True)
    text = Text(default="")  # WRITTEN
    cadence = Varchar(length=10)
    weekdays = Varchar(length=20, default="")  # "0,2,4" for Monday, Wednesday, Friday
    start = Date()
    end = Date(null=True, default=None)
    due_by = Date(null=True, default=None)
    retired_from = Date(null=True, default=None)
    created_at = Timestamptz()
    # "<person id>:<client key>": the same request twice creates one commitment.
    idempotency_key = Varchar(length=120, null=True, default=None, unique=True)


class TrustAct(Table, tablename="trust_act"):
    """The immutable log of a bridge. Rows are only ever inserted."""

    id: Any  # Serial primary key, added by Piccolo; declared for type checkers
    bridge = ForeignKey(references=Bridge, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=20)
    author = ForeignKey(references=User, on_delete=OnDelete.set_null, null=True)
    author_side = Varchar(length=1)
    owner_side = Varchar(length=1)
    day = Date()  # the owner's local day the act refers to
    created_at = Timestamptz()
    commitment = ForeignKey(
        references=Commitment, on_delete=OnDelete.set_null, null=True, index=True
    )
    target = Integer(null=True, default=None, index=True)  # the act confirmed or withdrawn
    details = Text(default="{}")  # WRITTEN: the act's shared texts, as JSON
    # "<person id>:<client key>": the same request twice creates one act.
    idempotency_key = Varchar(length=120, null=True, default=None, unique=True)


class BridgeFold(Table, tablename="bridge_fold"):
    """A bridge's derivation folded for carrying on (server/repair/derived.py): the
    stored tier of the one derivation cache. No text anyone wrote: kinds, sides, days,
    ids and figures. Made in raw SQL by the migration of 2026-12-07T14:00."""

    bridge = ForeignKey(references=Bridge, on_delete=OnDelete.cascade, primary_key=True)
    domain = Varchar(length=16)  # the rules it was derived by (derived.DOMAIN)
    last_act_id = Integer()
    settled = Date()
    payload = Bytea()  # zlib of the pickled domain.folded(derivation)
    written_at = Timestamptz()


class PrivateNote(Table, tablename="private_note"):
    """A listener's private notes: only their author ever reads them."""

    id: Any  # Serial primary key, added by Piccolo; declared for type checkers
    act = ForeignKey(references=TrustAct, on_delete=OnDelete.cascade, index=True)
    author = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    text = Text(default="")  # WRITTEN, private to its author
    created_at = Timestamptz()


class Pause(Table, tablename="pause"):
    """A side's pause (holiday, sick leave): nothing is due, nothing decays."""

    id: Any  # Serial primary key, added by Piccolo; declared for type checkers
    bridge = ForeignKey(references=Bridge, on_delete=OnDelete.cascade, index=True)
    side = Varchar(length=1)
    person = ForeignKey(references=User, on_delete=OnDelete.set_null, null=True)
    start = Date()
    end = Date(null=True, default=None)  # inclusive; None while the pause runs
    created_at = Timestamptz()
    # A pause over past days is only asked for: the pause_asked act that asked, and
    # it counts once the partner agrees (server/domain/pauses.py). None: set in time.
    asked_act = Integer(null=True, default=None)


class MissResponse(Table, tablename="miss_response"):
    """The owner's answer to a miss the partner reported; both sides read it."""

    id: Any  # Serial primary key, added by Piccolo; declared for type checkers
    act = ForeignKey(references=TrustAct, on_delete=OnDelete.cascade, index=True, unique=True)
    author = ForeignKey(references=User, on_delete=OnDelete.set_null, null=True)
    side = Varchar(length=1)
    text = Text(default="")  # WRITTEN, for both sides
    created_at = Timestamptz()
