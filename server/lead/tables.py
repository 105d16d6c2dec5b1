"""The lead view's tables: each side's sharing choice and a team's own minimum.

Nothing a person writes is stored here: a choice and a number. (Derived figures are
not stored at all: see server/repair/derived.py.)
"""

from __future__ import annotations

from typing import Any

from piccolo.columns import Boolean, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from server.tables import Bridge, Team


class ShareChoice(Table, tablename="lead_share_choice"):
    """One side's choice to show its bridge's health to the team lead.

    A bridge is shown to the lead only while both sides' rows say `shared`; no row
    means not shared. (bridge, side) is unique: an index made in the migration.
    """

    id: Any  # Serial primary key, added by Piccolo; declared for type checkers
    bridge = ForeignKey(references=Bridge, on_delete=OnDelete.cascade, index=True)
    side = Varchar(length=1)
    shared = Boolean(default=False)
    changed_at = Timestamptz()


class TeamPrivacy(Table, tablename="lead_team_privacy"):
    """A team's own minimum of bridges for team figures: it can only raise the floor."""

    id: Any  # Serial primary key, added by Piccolo; declared for type checkers
    team = ForeignKey(references=Team, on_delete=OnDelete.cascade, unique=True)
    min_bridges = Integer(default=3)
    changed_at = Timestamptz()
