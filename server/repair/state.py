"""A bridge's repair state: rows loaded once, mapped to the domain, derived by it.

(Over 400 lines: the queries repair, Today, the reminders and the lead view share
live here, in one module, so every reader reads a bridge the same way.)
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from server import clock, db
from server import domain as d
from server.errors import Conflict, NotFound
from server.tables import PrivateNote, User

ACTIVE = "active"


@dataclass(frozen=True)
class Person:
    id: int | None
    name: str
    time_zone: str

    def today(self) -> date:
        return d.local_today(clock.now(), self.time_zone)


@dataclass
class BridgeData:
    """Everything stored about one bridge, as the domain sees it, plus the texts."""

    id: int
    status: str
    span: int
    team_name: str | None
    people: dict[d.Side, Person]
    acts: list[d.TrustAct]
    act_rows: dict[int, dict[str, Any]]
    commitments: list[d.Commitment]
    commitment_rows: dict[int, dict[str, Any]]
    pauses: list[d.Pause]  # the ones that count (domain.effective_pauses)
    plan: dict[d.Side, dict[str, Any]] = field(default_factory=dict)
    stored_pauses: list[d.Pause] = field(default_factory=list)  # asked-for ones too
    # The acts that decide which stored pauses count and where requests stand: the
    # whole log's, even when `acts` holds only new ones (a derivation carried on).
    pause_log: list[d.TrustAct] = field(default_factory=list)

    def pause_requests(self, today: date) -> list[d.PauseRequest]:
        """Requests to pause past days and where they stand on the local date `today`."""
        if not any(p.asked for p in self.stored_pauses):
            return []
        return d.pause_requests(self.stored_pauses, self.pause_log, today)

    def side_of(self, user_id: int) -> d.Side:
        for side, person in self.people.items():
            if person.id == user_id:
                return side
        raise NotFound("Bridge not found.")

    def require_active(self) -> None:
        if self.status != ACTIVE:
            raise Conflict(
                "This bridge is not being built right now (it is "
                f"{'waiting for an answer' if self.status == 'pending' else self.status})."
            )


# Enum lookups by value through a dict: Enum's own __call__ cost a third of mapping a
# year of acts (thousands a bridge).
_KINDS = {kind.value: kind for kind in d.ActKind}
_SIDES = {side.value: side for side in d.Side}


def domain_act(row: dict[str, Any]) -> d.TrustAct:
    return d.TrustAct(
        row["id"],
        _KINDS[row["kind"]],
        _SIDES[row["author_side"]],
        _SIDES[row["owner_side"]],
        row["day"],
        row["created_at"],
        row["commitment"],
        row["target"],
    )


def domain_commitment(row: dict[str, Any]) -> d.Commitment:
    weekdays = frozenset(int(x) for x in row["weekdays"].split(",") if x)
    return d.Commitment(
        id=row["id"],
        owner=d.Side(row["side"]),
        cadence=d.Cadence(row["cadence"]),
        start=row["start"],
        end=row["end"],
        weekdays=weekdays,
        due_by=row["due_by"],
        retired_from=row["retired_from"],
    )


def domain_pause(row: dict[str, Any]) -> d.Pause:
    return d.Pause(_SIDES[row["side"]], row["start"], row["end"], row.get("asked_act"))


def details(row: dict[str, Any]) -> dict[str, Any]:
    try:
        value = json.loads(row.get("details") or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


# The queries every bridge page, check-in and Today runs, in plain SQL that reads the
# same on SQLite and PostgreSQL: Piccolo takes longer to compile a select (about a
# millisecond with joins) than the database takes to answer it, on every request.
# `{}` is a bound parameter; the aliases are the keys Piccolo's selects would give.
_BRIDGE = """
    SELECT bridge.id AS "id", bridge.status AS "status", bridge.span AS "span",
        bridge.accepted_at AS "accepted_at", bridge.version AS "version",
        team.name AS "team.name", team.id AS "team.id",
        pa.id AS "side_a.id", pa.display_name AS "side_a.display_name",
        pa.time_zone AS "side_a.time_zone",
        pb.id AS "side_b.id", pb.display_name AS "side_b.display_name",
        pb.time_zone AS "side_b.time_zone"
    FROM bridge
    LEFT JOIN team ON team.id = bridge.team
    LEFT JOIN person AS pa ON pa.id = bridge.side_a
    LEFT JOIN person AS pb ON pb.id = bridge.side_b
"""
_ACTS = """
    SELECT id, bridge, kind, author, author_side, owner_side, day, created_at, commitment,
        target, details
    FROM trust_act WHERE bridge IN ({ids}) ORDER BY id
"""
# What a derivation reads: no author ids, and the texts only of listening sessions,
# owned mistakes and pause requests (Today shows them while they wait), about
# one act in fifty. A year of history is thousands of acts a bridge: what is not
# read costs nothing, and the lead's figures then come from rows without texts.
_ACTS_TO_DERIVE = """
    SELECT id, bridge, kind, author_side, owner_side, day, created_at, commitment, target,
        CASE WHEN kind IN ('listening', 'mistake', 'pause_asked') THEN details END AS details
    FROM trust_act WHERE bridge IN ({ids}) ORDER BY id
"""
# What decides which stored pauses count and where requests to pause stand.
PAUSE_LOG_KINDS = frozenset(
    {
        d.ActKind.MISSED_PARTNER,
        d.ActKind.PAUSE_ASKED,
        d.ActKind.PAUSE_AGREED,
        d.ActKind.PAUSE_DECLINED,
        d.ActKind.WITHDRAWAL,
    }
)
# Read through the partial index of the rare kinds, as _ONE_COMMITMENTS_ACTS reads it:
# its condition word for word, and `id + 0` so SQLite does not read the bridge index in
# id order, a scan of the whole log (a year's log: 256 → 115 µs).
_PAUSE_ACTS = """
    SELECT id, bridge, kind, author_side, owner_side, day, created_at, commitment, target,
        CASE WHEN kind = 'pause_asked' THEN details END AS details
    FROM trust_act
    WHERE bridge IN ({ids}) AND kind IN ('missed_partner', 'withdrawal', 'pause_asked',
        'pause_agreed', 'pause_declined')
    ORDER BY id + 0
"""
# Each bridge's acts after an act id, all bridges in one query: one range of the
# (bridge, id) index a bridge (SQLite's bridge index holds the id, its rowid; PostgreSQL
# has trust_act_bridge_id, the migration of 2026-12-07T14:00).
_ACTS_TO_DERIVE_AFTER = """
    SELECT id, bridge, kind, author_side, owner_side, day, created_at, commitment, target,
        CASE WHEN kind IN ('listening', 'mistake', 'pause_asked') THEN details END AS details
    FROM trust_act WHERE {after} ORDER BY id
"""
_ONE_BRIDGE_AFTER = "(bridge = {} AND id > {})"
# The texts of some acts a derivation reads texts of (see _ACTS_TO_DERIVE): those of a
# carried-on derivation's waiting acts, which were not read again.
_TEXTS = """
    SELECT id, details FROM trust_act
    WHERE id IN ({ids}) AND kind IN ('listening', 'mistake', 'pause_asked')
"""
# A bridge's last days (the reminders read no further): through the (bridge, day)
# index of the migration of 2026-12-07T11:00, a few weeks of a bridge's log instead of
# its every year.
_ACTS_TO_DERIVE_SINCE = """
    SELECT id, bridge, kind, author_side, owner_side, day, created_at, commitment, target,
        CASE WHEN kind IN ('listening', 'mistake', 'pause_asked') THEN details END AS details
    FROM trust_act WHERE bridge IN ({ids}) AND day >= {{}} ORDER BY id
"""
_COMMITMENTS = """
    SELECT id, bridge, side, text, cadence, weekdays, start, "end", due_by, retired_from,
        created_at
    FROM commitment WHERE bridge IN ({ids}) ORDER BY id
"""
_PAUSES = """
    SELECT bridge, side, start, "end", asked_act FROM pause WHERE bridge IN ({ids}) ORDER BY id
"""
_PLANS = """
    SELECT id, bridge, side, my_part, restored_trust, created_at
    FROM plan_part WHERE bridge IN ({ids}) ORDER BY id
"""


# An act's id -> its row's texts, for the acts a derivation reads texts of.
Texts = dict[int, dict[str, Any]]


def _day(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _instant(value: datetime | str) -> datetime:
    if isinstance(value, datetime):
        return value
    parsed = datetime.fromisoformat(value)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


async def _acts_to_derive(
    bridge_ids: list[int],
    after: dict[int, int] | None = None,
    *,
    pause_acts: bool = False,
    since: date | None = None,
) -> tuple[dict[int, list[d.TrustAct]], Texts]:
    """Each bridge's log for a derivation, read as plain values (see db.fetch_values),
    and the texts of the acts that have them, keyed by act id; with `after`, only
    each bridge's acts after the act id it gives; with
    `pause_acts`, only the acts that decide which pauses count (PAUSE_LOG_KINDS);
    with `since`, only the acts about that day or later."""
    if since is not None:
        placeholders = ", ".join("{}" for _ in bridge_ids)
        sql = _ACTS_TO_DERIVE_SINCE.format(ids=placeholders)
        found = list(await db.fetch_values(sql, *bridge_ids, since))
    elif pause_acts:
        placeholders = ", ".join("{}" for _ in bridge_ids)
        found = list(await db.fetch_values(_PAUSE_ACTS.format(ids=placeholders), *bridge_ids))
    elif after is None:
        placeholders = ", ".join("{}" for _ in bridge_ids)
        found = list(await db.fetch_values(_ACTS_TO_DERIVE.format(ids=placeholders), *bridge_ids))
    else:
        ranges = " OR ".join(_ONE_BRIDGE_AFTER for _ in bridge_ids)
        bounds = [value for bridge_id in bridge_ids for value in (bridge_id, after[bridge_id])]
        found = list(await db.fetch_values(_ACTS_TO_DERIVE_AFTER.format(after=ranges), *bounds))
    logs: dict[int, list[d.TrustAct]] = {}
    texts: Texts = {}
    kinds, sides = _KINDS, _SIDES
    days: dict[date | str, date] = {}  # a year of acts falls on a few hundred days
    for id_, bridge, kind, author, owner, day, at, commitment, target, details in found:
        local = days.get(day)
        if local is None:
            local = days[day] = _day(day)
        act = d.TrustAct(
            id_, kinds[kind], sides[author], sides[owner], local, _instant(at),
            commitment, target,
        )  # fmt: skip
        log = logs.get(bridge)
        if log is None:
            log = logs[bridge] = []
        log.append(act)
        if details is not None:
            texts[id_] = {"id": id_, "details": details}
    return logs, texts


async def texts_of(act_ids: list[int]) -> Texts:
    """The texts of those of these acts that have them (as _acts_to_derive gives them)."""
    if not act_ids:
        return {}
    placeholders = ", ".join("{}" for _ in act_ids)
    found = await db.fetch_values(_TEXTS.format(ids=placeholders), *act_ids)
    return {id_: {"id": id_, "details": details} for id_, details in found}


async def rows_of(bridge_ids: list[int]) -> list[dict[str, Any]]:
    """The rows of these bridges, in the order given (those that still exist)."""
    if not bridge_ids:
        return []
    placeholders = ", ".join("{}" for _ in bridge_ids)
    found = await _rows(_BRIDGE + f" WHERE bridge.id IN ({placeholders})", *bridge_ids)
    by_id = {row["id"]: row for row in found}
    return [by_id[i] for i in bridge_ids if i in by_id]


async def _rows(sql: str, *args: Any) -> list[dict[str, Any]]:
    return await db.fetch(sql, *args)


async def _by_bridge(sql: str, bridge_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    grouped: dict[int, list[dict[str, Any]]] = {}
    placeholders = ", ".join("{}" for _ in bridge_ids)
    for row in await _rows(sql.format(ids=placeholders), *bridge_ids):
        grouped.setdefault(row["bridge"], []).append(row)
    return grouped


async def load(user: User, bridge_id: int) -> tuple[BridgeData, d.Side]:
    """The bridge and `user`'s side of it; NotFound unless `user` is a side."""
    data = await load_rows(await bridge_row(user, bridge_id))
    return data, data.side_of(user.id)


async def bridge_row(user: User, bridge_id: int) -> dict[str, Any]:
    """The bridge's row if `user` is a side of it and it was accepted."""
    rows = await _rows(
        _BRIDGE + " WHERE bridge.id = {} AND (bridge.side_a = {} OR bridge.side_b = {})",
        bridge_id,
        user.id,
        user.id,
    )
    if not rows:
        raise NotFound("Bridge not found.")
    row = rows[0]
    if row["accepted_at"] is None:
        # Until it is accepted the invitee sees only who asked and their message.
        raise Conflict("This bridge has not been accepted yet.")
    return row


_ONE_COMMITMENT = """
    SELECT id, bridge, side, text, cadence, weekdays, start, "end", due_by, retired_from,
        created_at
    FROM commitment WHERE bridge = {} AND id = {}
"""
# The commitment's acts from a day on, every withdrawal, and what decides which pauses
# count on those days (reported misses then, pause requests with their answers).
# Confirmations are left out: kept and secured refuse a second check-in alike.
_ONE_COMMITMENTS_ACTS = """
    SELECT * FROM (
        SELECT id, bridge, kind, author, author_side, owner_side, day, created_at,
            commitment, target, details
        FROM trust_act WHERE commitment = {} AND day >= {} AND +bridge = {}
        UNION ALL
        SELECT id, bridge, kind, author, author_side, owner_side, day, created_at,
            commitment, target, details
        FROM trust_act WHERE bridge = {} AND kind = 'missed_partner' AND day >= {}
            AND kind IN ('missed_partner', 'withdrawal', 'pause_asked', 'pause_agreed',
                'pause_declined')
        UNION ALL
        SELECT id, bridge, kind, author, author_side, owner_side, day, created_at,
            commitment, target, details
        FROM trust_act WHERE bridge = {} AND kind <> 'missed_partner'
            AND kind IN ('missed_partner', 'withdrawal', 'pause_asked', 'pause_agreed',
                'pause_declined')
    ) AS parts
    ORDER BY id + 0
"""
# (Each part through its own index: the commitment's, and the partial index of the
# rare kinds, whose condition the last two parts repeat word for word so that SQLite
# may use it (the migration of 2026-12-07T08:00). `id + 0` orders by the id as a
# value, so SQLite does not read the parts in id order through the bridge index, a
# scan of the whole log, to merge them.)


async def load_for_commitment(
    user: User, bridge_id: int, commitment_id: int
) -> tuple[BridgeData, d.Side]:
    """The bridge as far as one commitment goes, for a check-in or a report: its only
    commitment is that one, its acts are that commitment's on the days a check-in can
    still be about, the partner's reports on those days (a report keeps a pause off its
    day: domain.effective_pauses; one on an earlier day changes no day a check-in can
    be about), every withdrawal and what asks for and answers pauses; its pauses, no
    plan. Four small queries instead of the whole log (the hot write path): a year-old
    daily commitment has hundreds of acts, and only the last few days' decide."""
    row = await bridge_row(user, bridge_id)
    commitments = await _rows(_ONE_COMMITMENT, bridge_id, commitment_id)
    since = _earliest_open_day(row, commitments)
    parts = await _rows(
        _ONE_COMMITMENTS_ACTS, commitment_id, since, bridge_id, bridge_id, since, bridge_id
    )
    acts = list({row["id"]: row for row in parts}.values())  # a report is in two parts
    pauses = (await pauses_of([bridge_id])).get(bridge_id, [])
    data = bridge_data(row, acts, commitments, pauses, [])
    return data, data.side_of(user.id)


# Some acts and everything that answers them: confirmations and withdrawals of them,
# and withdrawals of those answers. (The ids are bound parameters, one each.)
_ANSWERED_ACTS = """
    SELECT * FROM (
        SELECT id, bridge, kind, author, author_side, owner_side, day, created_at,
            commitment, target, details
        FROM trust_act WHERE id IN ({ids}) AND bridge = {{}}
        UNION ALL
        SELECT id, bridge, kind, author, author_side, owner_side, day, created_at,
            commitment, target, details
        FROM trust_act WHERE target IN ({ids}) AND +bridge = {{}}
        UNION ALL
        SELECT id, bridge, kind, author, author_side, owner_side, day, created_at,
            commitment, target, details
        FROM trust_act WHERE +bridge = {{}} AND target IN (
            SELECT id FROM trust_act WHERE target IN ({ids}) AND +bridge = {{}})
    ) AS parts
    ORDER BY id + 0
"""
# (Three parts, each through the primary key or the target index, ordered by the id
# as a value: one condition with ORs read the bridge's whole log through its index.
# `+bridge` keeps SQLite from reading the log through the bridge index instead.)


async def load_for_acts(
    user: User, bridge_id: int, act_ids: list[int]
) -> tuple[BridgeData, d.Side]:
    """The bridge as far as some of its acts go, for answering them (a confirmation,
    a withdrawal): those acts and their answers, and nothing else of the log; no
    commitments, pauses or plan. A partner catching up on a week of planks reads a
    handful of rows instead of a year of acts."""
    row = await bridge_row(user, bridge_id)
    data = bridge_data(row, await answered_acts(bridge_id, act_ids), [], [], [])
    return data, data.side_of(user.id)


async def answered_acts(bridge_id: int, act_ids: list[int]) -> list[dict[str, Any]]:
    """These acts of the bridge, everything that answers them and the withdrawals of
    those answers, in log order."""
    ids = ", ".join("{}" for _ in act_ids) or "NULL"
    return await _rows(
        _ANSWERED_ACTS.format(ids=ids),
        *act_ids,
        bridge_id,
        *act_ids,
        bridge_id,
        bridge_id,
        *act_ids,
        bridge_id,
    )


# What the bridge page lists (view._on_page) is among these: the newest acts but
# confirmations, in id order from the end through the (bridge, id) index...
_NEWEST_ACTS = """
    SELECT id, bridge, kind, author, author_side, owner_side, day, created_at, commitment,
        target, details
    FROM trust_act WHERE bridge = {} AND kind <> 'confirmation' ORDER BY id DESC LIMIT {}
"""
# ...and the acts about the last days and about the calendar's chosen day, through the
# (bridge, day) index, with the confirmations made lately whatever day they are about
# (health's "since yesterday" reads them), through trust_act_confirmations_made (the
# migration of 2026-12-07T19:00; without it, every heap page of the bridge's log).
_RECENT_ACTS = """
    SELECT id, bridge, kind, author, author_side, owner_side, day, created_at, commitment,
        target, details
    FROM trust_act WHERE bridge = {} AND day >= {}
    UNION ALL
    SELECT id, bridge, kind, author, author_side, owner_side, day, created_at, commitment,
        target, details
    FROM trust_act WHERE bridge = {} AND day = {} AND day < {}
    UNION ALL
    SELECT id, bridge, kind, author, author_side, owner_side, day, created_at, commitment,
        target, details
    FROM trust_act WHERE bridge = {} AND kind = 'confirmation' AND created_at >= {}
        AND day < {}
"""


async def page_acts(
    bridge_id: int, newest: int, since: date, day: date | None, made_since: datetime
) -> list[dict[str, Any]]:
    """The bridge's `newest` acts but confirmations, its acts about `since` or later or
    about `day`, and its confirmations made since `made_since`: a few dozen rows where
    the whole log is thousands. In log order, each once."""
    found = await _rows(_NEWEST_ACTS, bridge_id, newest)
    found += await _rows(
        _RECENT_ACTS, bridge_id, since, bridge_id, day, since, bridge_id, made_since, since
    )
    return sorted({row["id"]: row for row in found}.values(), key=lambda row: row["id"])


# What answers some acts the page shows, and what else it names, besides what
# page_acts read: the acts `missing` (what entries name: "confirmed (kept: ...)"), the
# answers to the acts `answered` and the withdrawals of those answers, about days
# before `since` (every act about `since` or later was read already).
_PAGE_ANSWERS = """
    SELECT * FROM (
        SELECT id, bridge, kind, author, author_side, owner_side, day, created_at,
            commitment, target, details
        FROM trust_act WHERE id IN ({missing}) AND bridge = {{}}
        UNION ALL
        SELECT id, bridge, kind, author, author_side, owner_side, day, created_at,
            commitment, target, details
        FROM trust_act WHERE target IN ({answered}) AND +bridge = {{}} AND day < {{}}
        UNION ALL
        SELECT id, bridge, kind, author, author_side, owner_side, day, created_at,
            commitment, target, details
        FROM trust_act WHERE +bridge = {{}} AND day < {{}} AND target IN (
            SELECT id FROM trust_act WHERE target IN ({answered}) AND +bridge = {{}})
    ) AS parts
    ORDER BY id + 0
"""


async def page_answers(
    bridge_id: int, missing: list[int], answered: list[int], since: date
) -> list[dict[str, Any]]:
    """The acts `missing`, and the answers to the acts `answered` (and withdrawals of
    those) about days before `since`: with page_acts' rows, all the page reads."""
    if not missing and not answered:
        return []
    sql = _PAGE_ANSWERS.format(
        missing=", ".join("{}" for _ in missing) or "NULL",
        answered=", ".join("{}" for _ in answered) or "NULL",
    )
    return await _rows(
        sql, *missing, bridge_id, *answered, bridge_id, since, bridge_id, since,
        *answered, bridge_id,
    )  # fmt: skip


async def plan_of(bridge_id: int) -> dict[d.Side, dict[str, Any]]:
    """Each side's part of the bridge's plan (the newest per side)."""
    plan: dict[d.Side, dict[str, Any]] = {}
    for part in (await _by_bridge(_PLANS, [bridge_id])).get(bridge_id, []):
        plan[d.Side(part["side"])] = part  # oldest first: the newest per side wins
    return plan


def _earliest_open_day(row: dict[str, Any], commitments: list[dict[str, Any]]) -> date:
    """The earliest day whose occurrence of this commitment a check-in or a report can
    still settle, on either side's local day: a one-off's start, else the oldest day
    still inside the grace window (d.can_check_in refuses anything older)."""
    one_off = [c for c in commitments if c["cadence"] == d.Cadence.ONCE.value]
    if one_off:
        return min(c["start"] for c in one_off)
    todays = [
        d.local_today(clock.now(), row[f"{side}.time_zone"] or "UTC")
        for side in ("side_a", "side_b")
    ]
    return min(d.oldest_open_day(today) for today in todays)


async def active_rows(user_id: int) -> list[dict[str, Any]]:
    """The rows of the bridges `user_id` is building now, oldest first."""
    return await _rows(
        _BRIDGE
        + " WHERE (bridge.side_a = {} OR bridge.side_b = {}) AND bridge.status = {}"
        + " ORDER BY bridge.id",
        user_id,
        user_id,
        ACTIVE,
    )


async def active_rows_of(user_ids: list[int]) -> list[dict[str, Any]]:
    """The rows of every bridge any of `user_ids` is building now (the dispatcher's
    batch of people), oldest first."""
    if not user_ids:
        return []
    people = ", ".join("{}" for _ in user_ids)
    return await _rows(
        _BRIDGE
        + f" WHERE (bridge.side_a IN ({people}) OR bridge.side_b IN ({people}))"
        + " AND bridge.status = {} ORDER BY bridge.id",
        *user_ids,
        *user_ids,
        ACTIVE,
    )


# Bridges asked for and not answered yet, either way: the asker's name, or the
# invitee's (empty while a link waits for someone to open it).
_PENDING = """
    SELECT bridge.id AS "id", bridge.side_b = {} AS "incoming",
        CASE WHEN bridge.side_b = {} THEN pa.display_name ELSE pb.display_name END AS "name"
    FROM bridge
    LEFT JOIN person AS pa ON pa.id = bridge.side_a
    LEFT JOIN person AS pb ON pb.id = bridge.side_b
    WHERE (bridge.side_a = {} OR bridge.side_b = {}) AND bridge.status = 'pending'
    ORDER BY bridge.id
"""


async def pending_rows(user_id: int) -> list[dict[str, Any]]:
    """The bridges `user_id` asked for or was asked to build, still waiting for an answer."""
    return await _rows(_PENDING, user_id, user_id, user_id, user_id)


async def team_rows(team_id: int) -> list[dict[str, Any]]:
    """The rows of a team's bridges being built now, oldest first."""
    return await _rows(
        _BRIDGE + " WHERE bridge.team = {} AND bridge.status = {} ORDER BY bridge.id",
        team_id,
        ACTIVE,
    )


async def load_rows(row: dict[str, Any]) -> BridgeData:
    """One bridge's stored rows, mapped to the domain."""
    return (await load_many([row]))[0]


async def load_many(
    rows: list[dict[str, Any]],
    *,
    with_plan: bool = True,
    after: dict[int, int] | None = None,
    since: date | None = None,
) -> list[BridgeData]:
    """Several bridges at once: one query per table, whatever the number of bridges.

    Without the plan, for a derivation: acts come without their texts but for
    listening sessions' and owned mistakes' (see _ACTS_TO_DERIVE); `after` reads
    only each bridge's acts after the act id it gives (to carry a derivation on);
    `since` only the acts that occurrences due from that day can read
    (domain.reads_from: a bridge with a one-off open from earlier reads from its
    start), for readers of a bridge's last days only (the reminders).
    """
    ids = [row["id"] for row in rows]
    if not ids:
        return []
    if not with_plan:
        commitments = await commitments_of(ids)
        pauses = await pauses_of(ids)
        if since is None:
            logs, texts = await _acts_to_derive(ids, after)
        else:
            logs, texts = await _acts_since(commitments, ids, since)
        loaded = []
        for row in rows:
            data = bridge_data(
                row, [], commitments.get(row["id"], []), pauses.get(row["id"], []), []
            )
            data.acts = logs.get(row["id"], [])
            data.act_rows = {act.id: texts[act.id] for act in data.acts if act.id in texts}
            data.pause_log = [act for act in data.acts if act.kind in PAUSE_LOG_KINDS]
            loaded.append(data)
        # Which pauses count depends on the whole log (domain/pauses.py): read its few
        # deciding acts when only the new ones were read.
        asked = [data.id for data in loaded if data.stored_pauses]
        if (after is not None or since is not None) and asked:
            pause_logs, pause_texts = await _acts_to_derive(asked, pause_acts=True)
            for data in loaded:
                if data.id in pause_logs:
                    data.pause_log = pause_logs[data.id]
                    data.act_rows.update(
                        {a.id: pause_texts[a.id] for a in data.pause_log if a.id in pause_texts}
                    )
        for data in loaded:
            if data.stored_pauses:
                data.pauses = d.effective_pauses(data.stored_pauses, data.pause_log)
        return loaded
    acts = await acts_of(ids)
    commitments = await commitments_of(ids)
    pauses = await pauses_of(ids)
    plans = await _by_bridge(_PLANS, ids)
    return [
        bridge_data(
            row,
            acts.get(row["id"], []),
            commitments.get(row["id"], []),
            pauses.get(row["id"], []),
            plans.get(row["id"], []),
        )
        for row in rows
    ]


async def _acts_since(
    commitments: dict[int, list[dict[str, Any]]], bridge_ids: list[int], since: date
) -> tuple[dict[int, list[d.TrustAct]], Texts]:
    """Each bridge's acts that occurrences due from `since` can read: one query per
    distinct first day (all bridges share `since` but those with an older one-off)."""
    groups: dict[date, list[int]] = {}
    for bridge_id in bridge_ids:
        mine = [domain_commitment(row) for row in commitments.get(bridge_id, [])]
        groups.setdefault(d.reads_from(mine, since), []).append(bridge_id)
    logs: dict[int, list[d.TrustAct]] = {}
    texts: Texts = {}
    for first, group in groups.items():
        found, found_texts = await _acts_to_derive(group, since=first)
        logs.update(found)
        texts.update(found_texts)
    return logs, texts


async def acts_of(bridge_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Each bridge's log, oldest first."""
    return await _by_bridge(_ACTS, bridge_ids)


async def commitments_of(bridge_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    return await _by_bridge(_COMMITMENTS, bridge_ids)


async def pauses_of(bridge_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    return await _by_bridge(_PAUSES, bridge_ids)


def bridge_data(
    row: dict[str, Any],
    acts: list[dict[str, Any]],
    commitments: list[dict[str, Any]],
    pauses: list[dict[str, Any]],
    plan_rows: list[dict[str, Any]],
) -> BridgeData:
    """A bridge's row and its children's rows, as the domain sees them."""
    people = {
        d.Side.A: Person(
            row["side_a.id"], row["side_a.display_name"] or "", row["side_a.time_zone"] or "UTC"
        ),
        d.Side.B: Person(
            row["side_b.id"],
            row["side_b.display_name"] or "",
            row["side_b.time_zone"] or "UTC",
        ),
    }
    data = BridgeData(
        id=row["id"],
        status=row["status"],
        span=row["span"],
        team_name=row.get("team.name"),
        people=people,
        acts=[domain_act(r) for r in acts],
        act_rows={r["id"]: r for r in acts},
        commitments=[domain_commitment(r) for r in commitments],
        commitment_rows={r["id"]: r for r in commitments},
        pauses=[],
        stored_pauses=[domain_pause(p) for p in pauses],
    )
    data.pause_log = [act for act in data.acts if act.kind in PAUSE_LOG_KINDS]
    data.pauses = d.effective_pauses(data.stored_pauses, data.pause_log)
    for part in plan_rows:  # oldest first: the newest per side wins
        data.plan[d.Side(part["side"])] = part
    return data


async def private_notes(user: User, act_ids: list[int]) -> dict[int, str]:
    """The user's own private notes on these acts (nobody else's, ever)."""
    if not act_ids:
        return {}
    rows = await PrivateNote.select(PrivateNote.act, PrivateNote.text).where(
        (PrivateNote.author == user.id) & PrivateNote.act.is_in(act_ids)
    )
    return {r["act"]: r["text"] for r in rows}
