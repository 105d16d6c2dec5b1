"""What a reminder counts is what Today shows: open items today and yesterday, and the
partner's planks waiting for a confirmation."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from server import clock
from server.checkin.service import today_view
from server.reminders.due import due_for
from server.tables import User
from tests.conftest import run
from tests.reminders_helpers import utc
from tests.repair_helpers import check_in, commit

FRIDAY_NOON = utc(2026, 11, 20, 12, 0)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(FRIDAY_NOON - timedelta(days=1), tick=False) as traveller:
        yield traveller


def counts(name: str) -> tuple[int, int, int]:
    async def both() -> tuple[tuple[int, int, int], tuple[int, int, int]]:
        user = await User.objects().where(User.email == f"{name}@example.com").first()
        assert user is not None
        today = await today_view(user)
        shown = (
            sum(1 for i in today.open_items if not i.yesterday),
            sum(1 for i in today.open_items if i.yesterday),
            len(today.confirmations),
        )
        [dues] = (await due_for({user.id: user.time_zone}, clock.now())).values()
        counted = (
            sum(d.today for d in dues),
            sum(d.yesterday for d in dues),
            sum(d.to_confirm for d in dues),
        )
        return shown, counted

    shown, counted = run(both())
    assert shown == counted
    return counted


def test_the_reminder_counts_match_what_today_shows(frozen, bridge, alice, bob):
    daily = commit(alice, bridge, "Reply within a day")
    commit(alice, bridge, "Weekly one-to-one", cadence="weekly")
    reviewed = commit(bob, bridge, "Review Alice's drafts")
    frozen.move_to(FRIDAY_NOON)
    check_in(alice, bridge, daily, "kept")
    check_in(bob, bridge, reviewed, "missed", day="2026-11-19")
    assert counts("alice") == (0, 2, 0)  # Friday's kept; Thursday's daily and weekly open
    assert counts("bob") == (1, 0, 1)  # his own today, alice's kept plank to confirm
