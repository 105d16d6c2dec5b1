"""Which moments each person was shown, and the weekly look back: who wants it, what went.

Nothing a person writes is stored here: moment names, a time, and claims.
"""

from __future__ import annotations

from typing import Any

from piccolo.columns import Date, ForeignKey, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from server.tables import Bridge, User


class CelebratedMoment(Table, tablename="celebrated_moment"):
    """A moment shown to a person on a bridge: the row is the claim, so a second device
    (or a second tab at the same instant) never shows it again.

    (person, bridge, moment) is unique: an index made in the migration.
    """

    id: Any  # Serial primary key, added by Piccolo; declared for type checkers
    person = ForeignKey(references=User, on_delete=OnDelete.cascade)
    bridge = ForeignKey(references=Bridge, on_delete=OnDelete.cascade, index=True)
    moment = Varchar(length=40)
    at = Timestamptz()


class LookBackSettings(Table, tablename="look_back_settings"):
    """A person's weekly look back: off unless they chose a Sunday time ("HH:MM")."""

    id: Any  # Serial primary key, added by Piccolo; declared for type checkers
    person = ForeignKey(references=User, on_delete=OnDelete.cascade, unique=True)
    local_time = Varchar(length=5, default="")  # "" while it is off
    updated_at = Timestamptz()


class LookBack(Table, tablename="look_back"):
    """One person's look back for one Sunday. The row is the claim: at most one a week.

    Status moves claimed → sent | failed; a claim whose dispatcher died is taken over
    once its lease ran out. (person, local_day) is unique: an index in the migration.
    """

    id: Any  # Serial primary key, added by Piccolo; declared for type checkers
    person = ForeignKey(references=User, on_delete=OnDelete.cascade)
    local_day = Date()
    status = Varchar(length=12, default="claimed")
    body = Varchar(length=400, default="")
    claimed_by = Varchar(length=64, default="")
    claimed_at = Timestamptz()
    sent_at = Timestamptz(null=True, default=None)
