"""Piccolo tables. Text a person writes lives only in the columns marked WRITTEN."""

from __future__ import annotations

from typing import Any

from piccolo.columns import ForeignKey, Integer, Text, Timestamptz, Varchar
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


class Session(Table, tablename="session"):
    """A signed-in browser. Only the SHA-256 of the cookie's token is stored."""

    id: Any  # Serial primary key, added by Piccolo; declared for type checkers
    token_hash = Varchar(length=64, unique=True)
    person = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    created_at = Timestamptz()
    expires_at = Timestamptz()


class SignInFailure(Table, tablename="sign_in_failure"):
    """A failed sign-in, kept 15 minutes for throttling shared by every process."""

    id: Any  # Serial primary key, added by Piccolo; declared for type checkers
    email = Varchar(length=254, index=True)
    address = Varchar(length=64, index=True)
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
    invite_token_hash = Varchar(length=64, null=True, default=None, unique=True)
    invite_expires_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()
    accepted_at = Timestamptz(null=True, default=None)
    archived_at = Timestamptz(null=True, default=None)
    archived_by = ForeignKey(references=User, on_delete=OnDelete.set_null, null=True)
