"""What is due for many people at once, for the dispatcher: one query per table.

The rules are Today's, from the same function (`domain.occurrences` and
`domain.on_today`), counted rather than listed: my occurrences open today (a one-off
open ahead of its date included) or left open yesterday (the grace day); and my
partner's planks I have not confirmed yet. Only ids, cadences and days are read —
never what anyone wrote. `tests/test_reminders_counts_match_today.py` checks it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from server import domain as d
from server.reminders.message import BridgeDue, OpenItem
from server.repair import state

# How far before a person's local date a reminder reads: a plank waits at most
# CONFIRM_DAYS for its confirmation, and "Were you away?" looks at the last week first.
# Only a side silent all that week needs the days a pause may still be asked for
# (d.ReadFurther): its bridge is read again, from READS_BACK. A bridge's older acts
# change nothing a reminder says.
READS_FIRST = timedelta(days=d.CONFIRM_DAYS)
READS_BACK = timedelta(days=max(d.ASK_BACK_DAYS, d.CONFIRM_DAYS))


def bridge_due(
    bridge_id: int,
    partner: str,
    me: d.Side,
    today: date,
    acts: list[d.TrustAct] | list[d.LiveAct],
    commitments: list[d.Commitment],
    pauses: list[d.Pause],
    requests: list[d.PauseRequest] | None = None,
    texts: dict[int, str] | None = None,
    read_from: date | None = None,
) -> BridgeDue:
    """What one bridge asks of side `me` on the local date `today`; `acts` is its log
    or its live acts (derived once for both sides); `pauses` are the
    effective ones, `requests` to pause past days decide whether a silence is settled;
    `texts` (commitment id → text) only for a person who wants them on the lock screen;
    `read_from`: `acts` hold only the days from then on (d.ReadFurther if too few)."""
    live = d.as_live(acts)
    yesterday = today - timedelta(days=1)
    counts = {today: 0, yesterday: 0}
    items = []
    mine = d.occurrences(commitments, live, pauses, today, side=me, since=yesterday)
    for o in d.on_today(mine, today):
        if o.state is d.OccurrenceState.OPEN:
            counts[yesterday if o.due == yesterday else today] += 1
            text = texts.get(o.commitment_id, "") if texts else ""
            items.append(OpenItem(o.commitment_id, o.check_in_day(today), text))
    to_confirm = sum(
        1
        for la in live
        if not la.confirmed and d.can_confirm(la.act, me) and d.confirmable_on(la.act, today)
    )
    away = d.away(live, commitments, pauses, requests or [], me, today, read_from=read_from)
    return BridgeDue(
        bridge_id,
        partner,
        counts[today],
        counts[yesterday],
        to_confirm,
        away_days=away.days if away else 0,
        open_items=tuple(items),
    )


async def due_for(
    people: dict[int, str], now: datetime, named: frozenset[int] = frozenset()
) -> dict[int, list[BridgeDue]]:
    """Each person's bridges and what they ask today; `people` maps id → time zone;
    the `named` people see their commitments on the lock screen (their texts are read).

    The bridges are read as every derivation reads them (server/repair/state.py),
    one query per table for the whole batch, and only their last days (READS_FIRST,
    READS_BACK for a bridge with a side silent all week): a year of history costs a
    reminder no more than two weeks."""
    ids = list(people)
    found: dict[int, list[BridgeDue]] = {person: [] for person in ids}
    todays = {tz: d.local_today(now, tz) for tz in set(people.values())}
    first_day = min(todays.values(), default=now.date())
    rows = await state.active_rows_of(ids)
    since = first_day - READS_FIRST
    dues: dict[int, list[tuple[int, BridgeDue]]] = {}
    further = []
    loaded = await state.load_many(rows, with_plan=False, since=since)
    for row, data in zip(rows, loaded, strict=True):
        try:
            dues[data.id] = _bridge_dues(data, people, todays, named, since)
        except d.ReadFurther:
            further.append(row)
    if further:  # someone silent all week: "Were you away?" reads the whole window
        since = first_day - READS_BACK
        for data in await state.load_many(further, with_plan=False, since=since):
            dues[data.id] = _bridge_dues(data, people, todays, named, since)
    for row in rows:  # in the bridges' order, whichever read found them
        for person, due in dues[row["id"]]:
            found[person].append(due)
    return found


def _bridge_dues(
    data: state.BridgeData,
    people: dict[int, str],
    todays: dict[str, date],
    named: frozenset[int],
    read_from: date,
) -> list[tuple[int, BridgeDue]]:
    """What `data`'s bridge asks of each of its sides among `people`."""
    dues = []
    live: list[d.LiveAct] | None = None
    for me in (d.Side.A, d.Side.B):
        person = data.people[me].id
        if person in people:
            today = todays[people[person]]
            live = d.live_acts(data.acts) if live is None else live
            due = bridge_due(
                data.id,
                data.people[d.other(me)].name,
                me,
                today,
                live,
                data.commitments,
                data.pauses,
                data.pause_requests(today),
                _texts(data) if person in named else None,
                read_from,
            )
            dues.append((person, due))
    return dues


def _texts(data: state.BridgeData) -> dict[int, str]:
    return {cid: str(row.get("text") or "") for cid, row in data.commitment_rows.items()}
