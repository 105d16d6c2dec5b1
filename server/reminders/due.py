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

# How far before a person's local date a reminder reads: "Were you away?" looks back
# over the days a pause may still be asked for, and a plank waits at most CONFIRM_DAYS
# for its confirmation. A bridge's older acts change nothing a reminder says.
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
) -> BridgeDue:
    """What one bridge asks of side `me` on the local date `today`; `acts` is its log
    or its live acts (derived once for both sides); `pauses` are the
    effective ones, `requests` to pause past days decide whether a silence is settled;
    `texts` (commitment id → text) only for a person who wants them on the lock screen."""
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
    away = d.away(live, commitments, pauses, requests or [], me, today)
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
    one query per table for the whole batch, and only their last days (READS_BACK):
    a year of history costs a reminder no more than a month."""
    ids = list(people)
    found: dict[int, list[BridgeDue]] = {person: [] for person in ids}
    todays = {tz: d.local_today(now, tz) for tz in set(people.values())}
    since = min(todays.values(), default=now.date()) - READS_BACK
    rows = await state.active_rows_of(ids)
    loaded = await state.load_many(rows, with_plan=False, since=since)
    for data in loaded:
        live: list[d.LiveAct] | None = None
        for me in (d.Side.A, d.Side.B):
            person = data.people[me].id
            if person in found:
                partner = data.people[d.other(me)].name
                today = todays[people[person]]
                live = d.live_acts(data.acts) if live is None else live
                due = bridge_due(
                    data.id,
                    partner,
                    me,
                    today,
                    live,
                    data.commitments,
                    data.pauses,
                    data.pause_requests(today),
                    _texts(data) if person in named else None,
                )
                found[person].append(due)
    return found


def _texts(data: state.BridgeData) -> dict[int, str]:
    return {cid: str(row.get("text") or "") for cid, row in data.commitment_rows.items()}
