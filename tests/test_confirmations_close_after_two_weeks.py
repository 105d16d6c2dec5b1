"""A plank waits two weeks for the partner to secure it: after that Today, the bridge
page and the reminders stop asking, and a confirmation is refused with the reason."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from server import clock
from server.reminders.due import due_for
from server.tables import User
from tests.conftest import run
from tests.repair_helpers import act, check_in, commit, state

MONDAY = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def alices_plank_of_monday(bridge, alice, bob):
    """Alice kept her commitment on Monday 2 November; Bob has not secured it."""
    with time_machine.travel(MONDAY, tick=False):
        kept = check_in(alice, bridge, commit(alice, bridge, "Reply the same day"))
    return int(kept.json()["act_id"])


def bobs_reminder_counts_to_confirm() -> int:
    async def counted() -> int:
        bob = await User.objects().where(User.email == "bob@example.com").first()
        assert bob is not None
        [dues] = (await due_for({bob.id: bob.time_zone}, clock.now())).values()
        return sum(due.to_confirm for due in dues)

    return run(counted())


def test_two_weeks_later_bob_is_still_asked_and_secures_it(
    bridge, alice, bob, alices_plank_of_monday
):
    with time_machine.travel(MONDAY + timedelta(days=14), tick=False):
        today = bob.api("GET", "/today").json()
        assert [c["act_id"] for c in today["confirmations"]] == [alices_plank_of_monday]
        assert bobs_reminder_counts_to_confirm() == 1
        assert "within 14 days of its day" in bob.get("/today").text
        response = act(bob, bridge, "confirmations", {"act": alices_plank_of_monday})
        assert response.status_code == 201, response.text
    assert state(alice, bridge)["sides"]["a"]["secured"] == 1


def test_on_the_fifteenth_day_nothing_asks_bob_any_more(bridge, alice, bob, alices_plank_of_monday):
    with time_machine.travel(MONDAY + timedelta(days=15), tick=False):
        assert bob.api("GET", "/today").json()["confirmations"] == []
        assert bobs_reminder_counts_to_confirm() == 0
        page = bob.get(f"/bridges/{bridge}").text
        assert "for you to confirm" not in page
        assert f'name="act" value="{alices_plank_of_monday}"' not in page  # no Confirm
        assert "Reply the same day" not in bob.get("/today").text


def test_a_confirmation_after_two_weeks_is_refused_with_the_reason(
    bridge, alice, bob, alices_plank_of_monday
):
    with time_machine.travel(MONDAY + timedelta(days=15), tick=False):
        one = act(bob, bridge, "confirmations", {"act": alices_plank_of_monday})
        many = act(bob, bridge, "confirmations/kept", {"acts": [alices_plank_of_monday]})
    for response in (one, many):
        assert response.status_code == 409
        assert response.json()["detail"] == (
            "Alice's entry for Monday 2 November can no longer be confirmed: "
            "confirmations are open for 14 days after the day they are about."
        )
    seen = state(alice, bridge)
    assert seen["sides"]["a"]["secured"] == 0
    assert seen["sides"]["a"]["planks"] == 1  # laid it stays: nothing is taken away
