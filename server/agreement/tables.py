"""What the two sides of a bridge agree to: each other's part of the plan, and whether
to share the bridge with the team lead when the lead asks.

Only `PlanAnswer.note` is written by a person (marked WRITTEN); the lead never reads
any of these tables but through server/lead/rules.py's one word, "yes" or "not yet".
"""

from __future__ import annotations

from typing import Any

from piccolo.columns import ForeignKey, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from server.tables import Bridge, PlanPart, Team, User


class PlanAnswer(Table, tablename="plan_answer"):
    """One side's answer to one version (a plan_part row) of the other side's part.

    Append-only: the newest answer to the current version is the one in force; a new
    version of the part has no answer yet, so an earlier agreement stops counting."""

    id: Any  # Serial primary key, added by Piccolo; declared for type checkers
    bridge = ForeignKey(references=Bridge, on_delete=OnDelete.cascade, index=True)
    side = Varchar(length=1)  # who answered
    author = ForeignKey(references=User, on_delete=OnDelete.set_null, null=True)
    part = ForeignKey(references=PlanPart, on_delete=OnDelete.cascade)
    answer = Varchar(length=10)  # "agree" or "change"
    note = Text(default="")  # WRITTEN: what to change, for the other side only
    created_at = Timestamptz()
    # The other side's running commitments when answered, ids as "3,7": adding or
    # retiring one afterwards lapses an agreement. None: answered before they were kept.
    commitments = Text(null=True, default=None)
    # "<person id>:<client key>": the same request twice records one answer.
    idempotency_key = Varchar(length=120, null=True, default=None, unique=True)


class ShareRequest(Table, tablename="share_request"):
    """A team lead's request that two people share their bridge with the team.

    Kept per pair, not per bridge: the lead names two people, and learns nothing from
    asking about a pair that has no bridge (their answer reads "not yet" too).
    (team, person_low, person_high) is unique: an index made in the migration."""

    id: Any  # Serial primary key, added by Piccolo; declared for type checkers
    team = ForeignKey(references=Team, on_delete=OnDelete.cascade, index=True)
    lead = ForeignKey(references=User, on_delete=OnDelete.set_null, null=True)
    person_low = ForeignKey(references=User, on_delete=OnDelete.cascade)  # the smaller id
    person_high = ForeignKey(references=User, on_delete=OnDelete.cascade)
    asked_at = Timestamptz()


class ShareReply(Table, tablename="share_reply"):
    """One side's "not now" to a request (a yes is its share choice itself).

    Counts only when given after the request's `asked_at`: a new ask asks again.
    (request, person) is unique: an index made in the migration."""

    id: Any  # Serial primary key, added by Piccolo; declared for type checkers
    request = ForeignKey(references=ShareRequest, on_delete=OnDelete.cascade, index=True)
    person = ForeignKey(references=User, on_delete=OnDelete.cascade)
    answered_at = Timestamptz()
