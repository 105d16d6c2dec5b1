"""Random days on a bridge, through the real services: the screens never disagree.

Hypothesis drives alice and bob through check-ins, misses owned and reported,
confirmations (late ones too), withdrawals, pauses (asked for over past days, agreed
or declined, too), new and retired commitments and new local days, on each database.
After every step:

- each occurrence is settled by at most one live act in the log (the services refuse
  a second), so health can never count both a keep and a miss for one item;
- the timeline names the commitment's owner for every miss, whoever reported it;
- Today (served through its cache) lists what a fresh derivation from the log says,
  and the reminder counts equal Today's open items, and its "Were you away?" days
  Today's.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from server import domain as d
from server.checkin import service as today_service
from server.errors import Conflict, Forbidden, InvalidInput, NotFound
from server.reminders import due
from server.repair import acts, asking, service, state, view
from server.repair import commands as c
from server.tables import Bridge, User
from tests.conftest import run

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday morning in London
_keys = itertools.count()


def _key() -> str:
    return f"stateful-{next(_keys):08d}"


def _attempt(call: Any) -> Any:
    """Run one service call; a refusal with a message is a fine outcome of a rule."""
    try:
        return run(call)
    except (Conflict, Forbidden, InvalidInput, NotFound):
        return None


class BridgeDays(RuleBasedStateMachine):
    people: tuple[User, User]

    @initialize()
    def a_new_bridge(self) -> None:
        self.clock = time_machine.travel(START, tick=False)
        self.traveller = self.clock.start()
        self.now = START
        alice, bob = self.people
        row = Bridge(
            side_a=alice.id, side_b=bob.id, status="active", created_at=START, accepted_at=START
        )
        run(row.save())
        self.bridge_id = int(row.id)
        self.by_side = {d.Side.A: alice, d.Side.B: bob}
        for side in d.Side:
            self._commit(side, "daily")

    def teardown(self) -> None:
        if hasattr(self, "clock"):
            run(Bridge.update({Bridge.status: "archived"}).where(Bridge.id == self.bridge_id))
            self.clock.stop()

    # ------------------------------------------------------------ rules

    def _commit(self, side: d.Side, cadence: str, **extra: str) -> None:
        form = {"text": f"{cadence} promise", "cadence": cadence, "idempotency_key": _key()}
        _attempt(
            service.add_commitment(
                self.by_side[side], self.bridge_id, c.parse_add_commitment({**form, **extra})
            )
        )

    def _data(self) -> state.BridgeData:
        data, _ = run(state.load(self.people[0], self.bridge_id))
        return data

    def _due(self, owner: d.Side, yesterday: bool) -> list[int]:
        """`owner`'s commitments running that day, settled or not: rules try both."""
        day = (self.now - timedelta(days=yesterday)).date()
        return [
            c.id
            for c in self._data().commitments
            if c.owner == owner and (d.is_due(c, day) or c.cadence is d.Cadence.ONCE)
        ]

    @rule(
        side=st.sampled_from(d.Side),
        change=st.sampled_from(["daily", "weekly", "once", "retire", "pause or resume"]),
        pick=st.integers(0, 5),
    )
    def plans_change(self, side: d.Side, change: str, pick: int) -> None:
        """A new commitment, a retired one, or a pause started or ended."""
        data, me = self._data(), self.by_side[side]
        if change == "retire":
            running = [c for c in data.commitments if c.owner == side and c.retired_from is None]
            if running:
                cid = running[pick % len(running)].id
                _attempt(service.retire_commitment(me, self.bridge_id, cid))
        elif change == "pause or resume":
            today = self.now.date()
            if any(p.side == side and (p.end is None or p.end >= today) for p in data.pauses):
                _attempt(service.resume(me, self.bridge_id))
            else:
                end = (self.now + timedelta(days=pick % 3)).date().isoformat()
                _attempt(service.pause(me, self.bridge_id, c.parse_pause({"end": end})))
        elif len(data.commitments) < 5:
            extra = {}
            if change == "once":
                extra["due_by"] = (self.now + timedelta(days=pick % 3)).date().isoformat()
            self._commit(side, change, **extra)

    @rule(
        side=st.sampled_from(d.Side),
        pick=st.integers(0, 5),
        outcome=st.sampled_from(["kept", "missed"]),
        yesterday=st.booleans(),
    )
    def check_in(self, side: d.Side, pick: int, outcome: str, yesterday: bool) -> None:
        mine = self._due(side, yesterday)
        if not mine:
            return
        day = (self.now - timedelta(days=yesterday)).date().isoformat()
        form = {
            "commitment": mine[pick % len(mine)],
            "outcome": outcome,
            "day": day,
            "idempotency_key": _key(),
        }
        _attempt(acts.check_in(self.by_side[side], self.bridge_id, c.parse_check_in(form)))

    @rule(side=st.sampled_from(d.Side), pick=st.integers(0, 5), yesterday=st.booleans())
    def report_the_partners_miss(self, side: d.Side, pick: int, yesterday: bool) -> None:
        theirs = self._due(d.other(side), yesterday)
        if not theirs:
            return
        day = (self.now - timedelta(days=yesterday)).date().isoformat()
        form = {"commitment": theirs[pick % len(theirs)], "day": day, "idempotency_key": _key()}
        _attempt(acts.report_miss(self.by_side[side], self.bridge_id, c.parse_report_miss(form)))

    @rule(side=st.sampled_from(d.Side), pick=st.integers(0, 50))
    def confirm_something(self, side: d.Side, pick: int) -> None:
        waiting = [
            live.act
            for live in d.live_acts(self._data().acts)
            if not live.confirmed and d.can_confirm(live.act, side)
        ]
        if waiting:
            form = {"act": waiting[pick % len(waiting)].id, "idempotency_key": _key()}
            _attempt(acts.confirm(self.by_side[side], self.bridge_id, c.parse_confirm(form)))

    @rule(side=st.sampled_from(d.Side), pick=st.integers(0, 50))
    def withdraw_something(self, side: d.Side, pick: int) -> None:
        data = self._data()
        gone = d.withdrawn_ids(data.acts)
        mine = [
            a
            for a in data.acts
            if a.author == side and a.kind is not d.ActKind.WITHDRAWAL and a.id not in gone
        ]
        if mine:
            form = {"act": mine[-1 - pick % len(mine)].id, "idempotency_key": _key()}
            _attempt(acts.withdraw(self.by_side[side], self.bridge_id, c.parse_withdraw(form)))

    @rule(
        side=st.sampled_from(d.Side),
        back=st.integers(1, 4),
        answer=st.sampled_from(["agree", "decline"]),
    )
    def ask_to_pause_past_days_or_answer(self, side: d.Side, back: int, answer: str) -> None:
        """`side` answers the partner's request if one waits, else asks about past days."""
        data, me = self._data(), self.by_side[side]
        today = data.people[side].today()
        waiting = [r for r in data.pause_requests(today) if d.may_answer(r, side)]
        if waiting:
            form = {"request": waiting[0].asked.id, "answer": answer, "idempotency_key": _key()}
            _attempt(asking.answer(me, self.bridge_id, c.parse_answer_pause(form)))
        else:
            start = (today - timedelta(days=back)).isoformat()
            form = {"start": start, "idempotency_key": _key()}
            _attempt(asking.pause(me, self.bridge_id, c.parse_pause(form)))

    @rule(hours=st.sampled_from([5, 24, 30]))
    def time_passes(self, hours: int) -> None:
        self.now += timedelta(hours=hours)
        self.traveller.move_to(self.now)

    # ------------------------------------------------------------ what must hold

    @invariant()
    def each_occurrence_is_settled_by_at_most_one_live_act(self) -> None:
        data = self._data()
        today = data.people[d.Side.A].today()
        live = d.live_acts(data.acts)
        for o in d.occurrences(data.commitments, live, data.pauses, today):
            settling = [
                item.act
                for item in live
                if item.act.commitment_id == o.commitment_id
                and item.act.kind
                in (d.ActKind.KEPT, d.ActKind.MISSED_SELF, d.ActKind.MISSED_PARTNER)
                and o.settles_on(item.act.day)
            ]
            assert len(settling) <= 1, (o, settling)

    @invariant()
    def every_miss_names_the_commitments_owner(self) -> None:
        for me in self.people:
            screen = run(view.bridge_screen(me, self.bridge_id))
            owners = {c.id: c.owner for c in screen.data.commitments}
            for entry in screen.timeline:
                if entry.kind in (d.ActKind.MISSED_PARTNER, d.ActKind.MISSED_SELF):
                    act = next(a for a in screen.data.acts if a.id == entry.id)
                    owner = owners[act.commitment_id]  # type: ignore[index]
                    assert entry.who == screen.data.people[owner].name
                    assert entry.about_me == (screen.data.people[owner].id == me.id)

    @invariant()
    def today_and_reminders_agree_with_a_fresh_derivation(self) -> None:
        data = self._data()
        for side, me in self.by_side.items():
            shown = run(today_service.today_view(me))
            today = shown.today
            fresh = d.on_today(
                d.occurrences(data.commitments, data.acts, data.pauses, today, side=side),
                today,
            )
            assert sorted((i.commitment_id, i.outcome != "open") for i in shown.items) == sorted(
                (o.commitment_id, o.state is not d.OccurrenceState.OPEN) for o in fresh
            )
            # Streak, badges and what waits for a confirmation, as the rules say of
            # the whole log (Today carries its derivation on from earlier ones).
            record = d.checkins(data.acts, data.commitments, data.pauses, side, today)
            assert shown.streak == d.streak_across([record], today)
            facts = d.bridge_facts(data.acts, side, data.span, d.best_streak(record))
            assert shown.badges == d.earned_badges(facts)
            waiting = [
                la.act
                for la in d.live_acts(data.acts)
                if not la.confirmed
                and d.can_confirm(la.act, side)
                and d.confirmable_on(la.act, today)
            ]
            assert [w.act_id for w in shown.confirmations] == [
                a.id for a in sorted(waiting, key=lambda a: a.day)
            ]
            [asked] = run(due.due_for({me.id: me.time_zone}, self.now))[me.id]
            open_items = [i for i in shown.items if i.outcome == "open"]
            assert asked.today + asked.yesterday == len(open_items)
            assert asked.to_confirm == len(shown.confirmations)
            assert asked.away_days == (shown.away[0].days if shown.away else 0)


@pytest.mark.parametrize("db", ["sqlite", "postgres"], indirect=True)
def test_random_days_on_a_bridge_never_make_the_screens_disagree(db: Any) -> None:
    people = []
    for name in ("alice", "bob"):
        user = User(
            email=f"{name}@example.com",
            display_name=name.title(),
            password_hash="unused",
            time_zone="Europe/London",
            created_at=START,
        )
        run(user.save())
        people.append(user)
    BridgeDays.people = (people[0], people[1])
    # Tests open a PostgreSQL connection per query (no pool across event loops), so
    # PostgreSQL gets fewer, shorter runs; SQLite explores for both.
    sqlite = db.kind == "sqlite"
    BridgeDays.TestCase.settings = settings(
        max_examples=40 if sqlite else 8,
        stateful_step_count=30 if sqlite else 20,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    BridgeDays.TestCase().runTest()
