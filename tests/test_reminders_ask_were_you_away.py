"""After three days of silence, the reminder asks "Were you away?" instead of listing
what is overdue; the partner's reminder says nothing of it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine

from server.reminders.due import due_for
from server.reminders.message import BridgeDue, compose
from tests.conftest import run
from tests.lead_helpers import person_id
from tests.repair_helpers import check_in, commit

MONDAY_NOON = datetime(2026, 11, 16, 12, 0, tzinfo=UTC)


def test_a_silent_side_is_asked_whether_they_were_away_not_told_what_is_overdue():
    message = compose([BridgeDue(1, "Bob", today=2, yesterday=2, to_confirm=1, away_days=3)])
    assert message is not None
    assert message.body == (
        "Were you away? No check-ins for 3 days on your bridge with Bob. "
        "One tap asks to pause those days."
    )
    assert "yesterday" not in message.body
    assert message.url == "/today"


def test_alices_reminder_asks_on_her_fourth_silent_day_and_bobs_does_not(bridge, alice, bob):
    with time_machine.travel(MONDAY_NOON - timedelta(days=3), tick=False) as clock:
        commit(alice, bridge)
        bobs = commit(bob, bridge, "Share the agenda")
        for n in range(3, 0, -1):
            clock.move_to(MONDAY_NOON - timedelta(days=n))
            assert check_in(bob, bridge, bobs).status_code == 201
        clock.move_to(MONDAY_NOON)
        people = {person_id(alice): "Europe/London", person_id(bob): "Europe/London"}

        dues = run(due_for(people, MONDAY_NOON))

    (alices,) = dues[person_id(alice)]
    (bobs_due,) = dues[person_id(bob)]
    assert alices.away_days == 3
    assert bobs_due.away_days == 0
    alices_message = compose([alices])
    assert alices_message is not None
    assert alices_message.body.startswith("Were you away? No check-ins for 3 days")
    bobs_message = compose([bobs_due])
    assert bobs_message is not None
    assert "away" not in bobs_message.body
