"""The lead view's tables: each side's sharing choice, a team's own minimum, and
derived figures kept so the dashboard need not re-derive a year of history per visit.

Nothing a person writes is stored here: a choice, a number and figures derived from
the log.
"""

from __future__ import annotations

from typing import Any

from piccolo.columns import Boolean, Date, ForeignKey, Integer, Timestamptz, Varchar
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


class BridgeFigures(Table, tablename="lead_bridge_figures"):
    """What the domain derived from one bridge's log for the day `as_of`.

    Valid while `fingerprint` (a hash of the day, the rules and the bridge's span,
    commitments and pauses) still matches and the log still holds `log_count` acts,
    the largest id `log_max`; the dashboard derives a bridge again when either changed.
    """

    id: Any  # Serial primary key, added by Piccolo; declared for type checkers
    bridge = ForeignKey(references=Bridge, on_delete=OnDelete.cascade, unique=True)
    fingerprint = Varchar(length=64)
    as_of = Date()
    scores = Varchar(length=200)  # the last 30 daily scores, oldest first: "61,62,…"
    paused = Boolean(default=False)
    laid = Integer(default=0)
    secured = Integer(default=0)
    last_act_at = Timestamptz(null=True, default=None)
    log_count = Integer(default=0)  # how many acts the figures were derived from
    log_max = Integer(default=0)  # and the largest of their ids
    computed_at = Timestamptz()


class LogHorizon(Table, tablename="lead_log_horizon"):
    """How far into the acts log a team's kept figures are known to be complete.

    Acts are only ever inserted, with ever larger ids, so a visit looks only at acts
    after `checked` to find the team's bridges that changed. `seen`, the largest id
    at the previous visit, becomes `checked` one visit later, not at once: an act
    whose id was taken before a visit but whose transaction committed after it is
    still found by the next one.
    """

    id: Any  # Serial primary key, added by Piccolo; declared for type checkers
    team = ForeignKey(references=Team, on_delete=OnDelete.cascade, unique=True)
    checked = Integer(default=0)
    seen = Integer(default=0)
