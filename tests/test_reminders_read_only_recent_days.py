"""A reminder reads a bridge's last weeks only, and says exactly what the whole log says:
the same open items, the same planks to confirm, the same "were you away?"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from server import clock
from server import domain as d
from server.demo_history import Promise, seed_history
from server.reminders import due
from server.repair import state
from server.tables import TrustAct, User
from tests.conftest import run
from tests.repair_helpers import act, check_in, commit

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
TODAY = NOW.date()


async def _people() -> dict[d.Side, User]:
    found = {}
    for side, name in ((d.Side.A, "alice"), (d.Side.B, "bob")):
        user = await User.objects().where(User.email == f"{name}@example.com").first()
        assert user is not None
        found[side] = user
    return found


async def _whole_log_says(people: dict[d.Side, User]) -> dict[int, list[due.BridgeDue]]:
    """What bridge_due says of each person's bridges read whole (every act they have)."""
    said: dict[int, list[due.BridgeDue]] = {}
    for side, user in people.items():
        rows = await state.active_rows(user.id)
        for data in await state.load_many(rows, with_plan=False):
            today = d.local_today(clock.now(), user.time_zone)
            said.setdefault(user.id, []).append(
                due.bridge_due(
                    data.id,
                    data.people[d.other(side)].name,
                    side,
                    today,
                    data.acts,
                    data.commitments,
                    data.pauses,
                    data.pause_requests(today),
                )
            )
    return said


@pytest.fixture
def two_months_of_history(bridge, alice, bob):
    """Alice and Bob's bridge with two months behind it: most planks secured, some
    never; a week's pause for Bob long ago; and Alice's listening session of ten days
    ago, which Bob has not answered yet."""

    async def seed() -> None:
        people = await _people()
        await seed_history(
            bridge,
            {side: user.id for side, user in people.items()},
            [
                Promise(d.Side.A, "Reply the same day", d.Cadence.DAILY),
                Promise(d.Side.B, "Say in stand-up what blocks me", d.Cadence.DAILY),
                Promise(d.Side.A, "Share the checklist", d.Cadence.WEEKDAYS, (0, 2)),
            ],
            {},
            days=60,
            today=TODAY,
            keep_rate=(0.8, 0.7),
            seed=7,
            pause=(d.Side.B, 10, 16),
        )

    with time_machine.travel(NOW - timedelta(days=42), tick=False):
        run(seed())
    with time_machine.travel(NOW - timedelta(days=10), tick=False):
        session = act(alice, bridge, "listening", {"summary": "Talked it through"})
        assert session.status_code == 201, session.text
    return bridge


@pytest.fixture
def a_one_off_done_long_ago(two_months_of_history, alice):
    """Alice's one-off from six weeks ago, due in a few days, done the day after."""
    with time_machine.travel(NOW - timedelta(days=42), tick=False):
        due_by = (TODAY + timedelta(days=3)).isoformat()
        one_off = commit(
            alice, two_months_of_history, "Write the hand-over notes", cadence="once", due_by=due_by
        )
    with time_machine.travel(NOW - timedelta(days=41), tick=False):
        assert check_in(alice, two_months_of_history, one_off).status_code == 201
    return one_off


@pytest.fixture
def bob_silent_for_three_weeks(two_months_of_history):
    """Bob has said nothing on the bridge for the last 21 days: no check-in, no plank,
    no confirmation."""
    run(
        TrustAct.delete().where(
            (TrustAct.bridge == two_months_of_history)
            & (TrustAct.author_side == "b")
            & (TrustAct.day >= TODAY - timedelta(days=21))
        )
    )
    return two_months_of_history


def _read_and_whole() -> tuple[dict[int, list[due.BridgeDue]], dict[int, list[due.BridgeDue]]]:
    with time_machine.travel(NOW, tick=False):
        people = run(_people())
        whole = run(_whole_log_says(people))
        read = run(due.due_for({u.id: u.time_zone for u in people.values()}, clock.now()))
    return read, whole


def test_what_a_reminder_reads_equals_what_the_whole_log_says(two_months_of_history):
    read, whole = _read_and_whole()
    assert read == whole
    bob = run(_people())[d.Side.B]
    assert read[bob.id][0].to_confirm > 0  # her listening session of ten days ago among them


def test_a_one_off_done_weeks_ago_is_not_asked_for_again(a_one_off_done_long_ago):
    read, whole = _read_and_whole()
    assert read == whole
    alice = run(_people())[d.Side.A]
    [alices] = read[alice.id]
    assert alices.open_items  # today's daily item
    assert a_one_off_done_long_ago not in [item.commitment_id for item in alices.open_items]


def test_a_reminder_asks_bob_whether_he_was_away_for_all_his_silent_days(
    bob_silent_for_three_weeks,
):
    """Silent all week, Bob's silence is read back past the first two weeks: the reminder
    counts every silent day the whole log counts (up to the days a pause may be asked
    for), not only those of the days it read first."""
    read, whole = _read_and_whole()
    assert read == whole
    bob = run(_people())[d.Side.B]
    [bobs] = read[bob.id]
    assert bobs.away_days > due.READS_FIRST.days


def test_a_reminder_does_not_read_a_bridges_older_acts(two_months_of_history):
    """Acts from before READS_FIRST are not read at all (what makes a morning cheap)."""
    with time_machine.travel(NOW, tick=False):
        rows = run(state.active_rows_of([run(_people())[d.Side.A].id]))
        [recent] = run(state.load_many(rows, with_plan=False, since=TODAY - due.READS_FIRST))
        everything = run(TrustAct.count().where(TrustAct.bridge == two_months_of_history))
    assert len(recent.acts) < everything
    assert min(act.day for act in recent.acts) >= TODAY - due.READS_FIRST
