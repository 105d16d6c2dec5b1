"""What the bridge screen shows, derived from the log by the domain.

(Over 400 lines: the page's screen, read from the kept derivation, and the API's, from
the whole log, share the screen's shape and one timeline builder.)

Privacy lives here too: a private note reaches only its author, and only the two
sides ever get this view (state.load refuses everyone else).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from server import clock, formats
from server import domain as d
from server.repair import derived, state
from server.repair.state import BridgeData, details
from server.tables import MissResponse, User

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

KIND_LABELS = {
    d.ActKind.KEPT: "kept",
    d.ActKind.MISSED_SELF: "missed (said so themselves)",
    d.ActKind.MISSED_PARTNER: "missed",  # the reporter is named beside it
    d.ActKind.LISTENING: "held a listening session",
    d.ActKind.MISTAKE: "owned a mistake",
    d.ActKind.CONFIRMATION: "confirmed",
    d.ActKind.WITHDRAWAL: "withdrew an entry",
    d.ActKind.PAUSE_ASKED: "asked to pause days already past",
    d.ActKind.PAUSE_AGREED: "agreed to pause those days",
    d.ActKind.PAUSE_DECLINED: "declined to pause those days",
}


def cadence_text(c: d.Commitment) -> str:
    if c.cadence is d.Cadence.ONCE:
        return f"once, by {formats.short_day(c.due_by)}" if c.due_by else "once"
    if c.cadence is d.Cadence.DAILY:
        return "every day"
    if c.cadence is d.Cadence.WEEKLY:
        return f"every week on {WEEKDAY_NAMES[c.start.weekday()]}"
    return "every " + ", ".join(WEEKDAY_NAMES[x] for x in sorted(c.weekdays))


@dataclass(frozen=True)
class CommitmentView:
    id: int
    side: d.Side
    text: str
    cadence: str
    start: date
    retired: bool


@dataclass(frozen=True)
class TimelineEntry:
    id: int
    kind: d.ActKind
    label: str
    who: str  # the person the entry is about: a reported miss names whose commitment it was
    about_me: bool  # the reader is that person: the sentence says "You"
    mine: bool  # the reader logged it (may withdraw it, sees their private note)
    day: date
    commitment_text: str
    texts: dict[str, str]
    private_note: str
    confirmed: bool
    withdrawn: bool
    can_confirm: bool
    can_withdraw: bool
    target_label: str
    response: str = ""
    can_respond: bool = False


@dataclass(frozen=True)
class PauseAsk:
    """A request to pause past days, as either side reads it."""

    id: int  # the asking act's
    bridge_id: int
    name: str  # who was away
    partner_name: str  # who answers
    mine: bool  # the reader asked
    first: date
    last: date
    state: d.Asked
    reason: str
    expires_on: date

    @property
    def days(self) -> str:
        return d.span_text(self.first, self.last)


def pause_asks(data: BridgeData, me: d.Side, today: date) -> list[PauseAsk]:
    """The bridge's requests to pause past days, newest first."""
    asks = []
    for r in reversed(data.pause_requests(today)):
        row = data.act_rows.get(r.asked.id, {})
        asks.append(
            PauseAsk(
                r.asked.id,
                data.id,
                data.people[r.side].name or "Someone who left",
                data.people[d.other(r.side)].name or "the other side",
                r.side == me,
                r.first,
                r.last,
                r.state,
                str(details(row).get("reason") or ""),
                r.expires_on,
            )
        )
    return asks


@dataclass(frozen=True)
class Silence:
    """Days in a row with every due item left unanswered on one bridge (domain.away)."""

    bridge_id: int
    partner_name: str
    first: date
    last: date
    days: int

    @property
    def span(self) -> str:
        return d.span_text(self.first, self.last)


def silence(data: BridgeData, me: d.Side, found: d.Absence | None) -> Silence | None:
    if found is None:
        return None
    return Silence(data.id, data.people[d.other(me)].name, found.first, found.last, found.days)


@dataclass(frozen=True)
class BridgeScreen:
    data: BridgeData
    me: d.Side
    partner: d.Side
    report: d.HealthReport
    progress: d.BridgeProgress
    drawing: dict[d.Side, list[d.PlankState]]  # each side's counted days, oldest first
    commitments: dict[d.Side, list[CommitmentView]]
    timeline: list[TimelineEntry]
    paused: dict[d.Side, bool]
    today: date
    asks: list[PauseAsk]
    away: dict[d.Side, d.Absence | None]  # each side's unsettled silence
    # The bridge's derivation for `today` the page read (server/repair/derived.py): the
    # calendar reads the same one. None on the API's screen, derived from the whole log.
    derivation: d.Derivation | None = None

    @property
    def away_silence(self) -> Silence | None:
        """My own unsettled silence, for "Were you away?"."""
        return silence(self.data, self.me, self.away[self.me])

    @property
    def paused_from_tomorrow(self) -> bool:
        """My own pause covers today as set, but a miss reported today keeps today counting."""
        set_today = any(
            p.side == self.me and p.asked is None and p.covers(self.today)
            for p in self.data.stored_pauses
        )
        return set_today and not self.paused[self.me]

    @property
    def ask_from(self) -> date:
        """The earliest day a pause may be asked for."""
        return self.today - timedelta(days=d.ASK_BACK_DAYS)

    @property
    def yesterday(self) -> date:
        return self.today - timedelta(days=1)

    @property
    def pending_asks(self) -> list[PauseAsk]:
        return [a for a in self.asks if a.state is d.Asked.PENDING]

    @property
    def my_name(self) -> str:
        return self.data.people[self.me].name

    @property
    def partner_name(self) -> str:
        return self.data.people[self.partner].name

    @property
    def first_goal(self) -> str:
        """What the reader does next on a bridge that has just started."""
        partner = self.partner_name or "the other side"
        if self.progress.secured[self.me]:
            return (
                f"Your first plank is secured. Keep going: each day you keep what you "
                f"promised and {partner} confirms it lays another."
            )
        if not any(not c.retired for c in self.commitments[self.me]):
            return f"Your first plank: add a commitment, keep it, and have {partner} confirm it."
        return f"Your first plank: keep one commitment and have {partner} confirm it."

    def plan(self, side: d.Side) -> dict[str, str]:
        part = self.data.plan.get(side) or {}
        return {
            "my_part": part.get("my_part", ""),
            "restored_trust": part.get("restored_trust", ""),
        }


def health(data: BridgeData, today: date, reader: d.Side) -> d.HealthReport:
    """The health report as `reader` reads it: their own side is "you"."""
    return d.health_report(
        data.acts,
        data.commitments,
        data.pauses,
        today,
        names=_names(data),
        reader=reader,
        requests=data.pause_requests(today),
        zones=_zones(data),
    )


def _names(data: BridgeData) -> dict[d.Side, str]:
    return {side: person.name or "The other side" for side, person in data.people.items()}


def _zones(data: BridgeData) -> dict[d.Side, str]:
    return {side: person.time_zone for side, person in data.people.items()}


def _on_page(acts: list[d.TrustAct], today: date, page_day: date | None) -> list[d.TrustAct]:
    """The acts the bridge page shows, in log order (see bridge_screen)."""
    still = today - timedelta(days=d.CONFIRM_DAYS)
    kept: list[d.TrustAct] = []
    newest = 0
    for act in reversed(acts):
        counted = act.kind is not d.ActKind.CONFIRMATION
        if (counted and newest < TIMELINE_ON_PAGE) or act.day >= still or act.day == page_day:
            kept.append(act)
        newest += counted
    kept.reverse()
    return kept


async def miss_responses(act_ids: list[int]) -> dict[int, str]:
    """Answers to partner-reported misses; both sides read them."""
    if not act_ids:
        return {}
    rows = await MissResponse.select(MissResponse.act, MissResponse.text).where(
        MissResponse.act.is_in(act_ids)
    )
    return {r["act"]: r["text"] for r in rows}


# The acts on the bridge page (web/templates/bridges/_repair.html shows this many).
TIMELINE_ON_PAGE = 25


async def bridge_screen(
    user: User,
    bridge_id: int,
    *,
    row: dict[str, Any] | None = None,
    page_day: date | None = None,
) -> BridgeScreen:
    """The bridge as `user` sees it. `row`: the bridge's row, accepted and with `user`
    as a side, when the caller has read it already (the bridge page reads it once).

    Without `row` (the API's) the timeline holds every act, and the bridge is derived
    from its whole log. With `row` (the page's) it holds only what the page shows: the
    newest TIMELINE_ON_PAGE acts but confirmations, every act that may still be
    confirmed, and the acts of `page_day` (the calendar's chosen day); health, progress,
    the drawing and the silences come from the bridge's kept derivation for the day
    (server/repair/derived.py), and only those acts and what answers them are read. A
    year of history is thousands of acts; the page shows a few dozen."""
    if row is not None:
        return await _page_screen(user, row, page_day)
    data, me = await state.load(user, bridge_id)
    today = data.people[me].today()
    requests = data.pause_requests(today)
    return await _screen(
        user,
        data,
        me,
        today,
        shown=data.acts,
        report=health(data, today, me),
        progress=d.bridge_progress(data.acts, data.span),
        drawing=d.drawn_planks(data.acts),
        away={
            side: d.away(data.acts, data.commitments, data.pauses, requests, side, today)
            for side in d.Side
        },
    )


def _kept(entry: derived.Entry, _row: dict[str, Any]) -> tuple[derived.Entry, BridgeData] | None:
    if entry.derivation is None or entry.frame is None:
        return None
    return entry, entry.frame


def _derived(
    entry: derived.Entry, frame: BridgeData, _day: date
) -> tuple[derived.Entry, BridgeData]:
    assert entry.derivation is not None  # derived.each has just derived it
    return entry, frame


def _health_run(entry: derived.Entry, derivation: d.Derivation) -> d.HealthRun:
    """The derivation's health over its whole ledger, kept with it for the next reader."""
    if entry.health is not None and entry.health[0] is derivation:
        return entry.health[1]
    run = d.health_run(derivation)
    entry.health = derivation, run
    return run


async def _page_screen(user: User, row: dict[str, Any], page_day: date | None) -> BridgeScreen:
    """The bridge page's screen: from the kept derivation and the acts the page shows."""
    # The bridge as state reads it: its version (raised by every write to its acts,
    # commitments or pauses) keys the derivation, shared with Today's and the lead's.
    row = await state.bridge_row(user, row["id"])
    people = state.bridge_data(row, [], [], [], [])  # its people, before anything is read
    me = people.side_of(user.id)
    today = people.people[me].today()
    [(entry, frame)] = await derived.each([row], today, _kept, _derived)
    derivation = entry.derivation
    assert derivation is not None  # derived.each has derived it
    since = today - timedelta(days=d.CONFIRM_DAYS)
    rows = await state.page_acts(frame.id, TIMELINE_ON_PAGE, since, page_day, d.late_since(today))
    found = [state.domain_act(r) for r in rows]
    shown = _on_page(found, today, page_day)
    # What the timeline says of the acts shown (what they answer, whether they were
    # answered) and what health's "since yesterday" reads (the planks confirmed lately
    # and every answer to them): those acts, and what answers them.
    late = d.late_since(today)
    answered = {a.id for a in shown}
    answered.update(
        a.target_id
        for a in found
        if a.kind is d.ActKind.CONFIRMATION and a.created_at >= late and a.target_id
    )
    loaded = {a.id for a in found}
    named = {a.target_id for a in shown if a.target_id} | answered
    rows += await state.page_answers(frame.id, sorted(named - loaded), sorted(answered), since)
    act_rows = {r["id"]: r for r in rows}
    acts = sorted((state.domain_act(r) for r in act_rows.values()), key=lambda a: a.id)
    data = replace(
        frame,
        acts=acts,
        act_rows={**frame.act_rows, **act_rows},
        plan=await state.plan_of(frame.id),
    )
    requests = data.pause_requests(today)
    return await _screen(
        user,
        data,
        me,
        today,
        shown=shown,
        report=d.report_of(
            derivation,
            names=_names(data),
            reader=me,
            requests=requests,
            answers=acts,
            zones=_zones(data),
            run=_health_run(entry, derivation),
        ),
        progress=d.progress_of(derivation, data.span),
        drawing=d.drawn_planks_of(derivation),
        away={side: d.away_of(derivation, requests, side) for side in d.Side},
        derivation=derivation,
    )


async def _screen(
    user: User,
    data: BridgeData,
    me: d.Side,
    today: date,
    *,
    shown: list[d.TrustAct],
    report: d.HealthReport,
    progress: d.BridgeProgress,
    drawing: dict[d.Side, list[d.PlankState]],
    away: dict[d.Side, d.Absence | None],
    derivation: d.Derivation | None = None,
) -> BridgeScreen:
    """The screen of `data` (whose acts hold `shown` and every answer to them)."""
    partner = d.other(me)
    now = clock.now()
    notes = await state.private_notes(user, [a.id for a in shown if a.author == me])
    responses = await miss_responses([a.id for a in shown if a.kind is d.ActKind.MISSED_PARTNER])
    commitments: dict[d.Side, list[CommitmentView]] = {d.Side.A: [], d.Side.B: []}
    commitment_texts = {cid: row["text"] for cid, row in data.commitment_rows.items()}
    for c in data.commitments:
        retired = c.retired_from is not None
        commitments[c.owner].append(
            CommitmentView(c.id, c.owner, commitment_texts[c.id], cadence_text(c), c.start, retired)
        )
    return BridgeScreen(
        data=data,
        me=me,
        partner=partner,
        report=report,
        progress=progress,
        drawing=drawing,
        commitments=commitments,
        timeline=_timeline(data, me, today, now, shown, notes, responses),
        paused={
            side: any(p.side == side and p.covers(today) for p in data.pauses) for side in d.Side
        },
        today=today,
        asks=pause_asks(data, me, today),
        away=away,
        derivation=derivation,
    )


def _timeline(
    data: BridgeData,
    me: d.Side,
    today: date,
    now: datetime,
    shown: list[d.TrustAct],
    notes: dict[int, str],
    responses: dict[int, str],
) -> list[TimelineEntry]:
    """The entries of the acts `shown`, newest first."""
    withdrawn = d.withdrawn_ids(data.acts)
    live = {la.act.id: la for la in d.live_acts(data.acts)}
    commitment_texts = {cid: row["text"] for cid, row in data.commitment_rows.items()}
    acts_by_id = {a.id: a for a in data.acts}
    asked_spans = {
        p.asked: d.span_text(p.start, p.end or p.start) for p in data.stored_pauses if p.asked
    }

    def name(side: d.Side) -> str:
        return data.people[side].name or "Someone who left"

    timeline = []
    for act in reversed(shown):
        row = data.act_rows[act.id]
        target = acts_by_id.get(act.target_id) if act.target_id else None
        target_label = ""
        if target is not None:
            target_label = KIND_LABELS[target.kind]
            if target.commitment_id:
                target_label += f": {commitment_texts.get(target.commitment_id, '')}"
        texts = {k: str(v) for k, v in details(row).items() if v}
        about = act.owner if act.kind is d.ActKind.MISSED_PARTNER else act.author
        label = KIND_LABELS[act.kind]
        if act.id in asked_spans:
            label = f"asked to pause {asked_spans[act.id]}"
        elif act.target_id in asked_spans:
            target_label = f"{asked_spans[act.target_id]}"
        if act.kind is d.ActKind.MISSED_PARTNER:
            label += " — reported by " + ("you" if act.author == me else name(act.author))
        timeline.append(
            TimelineEntry(
                id=act.id,
                kind=act.kind,
                label=label,
                who=name(about),
                about_me=about == me,
                mine=act.author == me,
                day=act.day,
                commitment_text=commitment_texts.get(act.commitment_id or 0, ""),
                texts=texts,
                private_note=notes.get(act.id, "") if act.author == me else "",
                confirmed=act.id in live and live[act.id].confirmed,
                withdrawn=act.id in withdrawn,
                can_confirm=(
                    data.status == state.ACTIVE
                    and act.id in live
                    and not live[act.id].confirmed
                    and d.can_confirm(act, me)
                    and d.confirmable_on(act, today)
                ),
                can_withdraw=act.id not in withdrawn and d.can_withdraw(act, me, now),
                target_label=target_label,
                response=responses.get(act.id, ""),
                can_respond=(
                    data.status == state.ACTIVE
                    and act.kind is d.ActKind.MISSED_PARTNER
                    and act.owner == me
                    and act.id not in responses
                    and act.id not in withdrawn
                ),
            )
        )
    return timeline
