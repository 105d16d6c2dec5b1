"""alice in Auckland, bob in London and carol in Los Angeles each get their reminder at
08:30 on their own clock, on the days before, of and after their daylight-saving change."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine

from tests.reminders_helpers import (
    Device,
    dispatch,
    remind_at,
    subscribe,
    utc,
)
from tests.repair_helpers import commit

# The clocks, stated rather than computed: each zone's 2026 change, and its UTC offset
# in hours before and after it.
CLOCKS = {
    "alice": ("Pacific/Auckland", date(2026, 4, 5), 13, 12),  # NZDT → NZST
    "bob": ("Europe/London", date(2026, 3, 29), 0, 1),  # GMT → BST
    "carol": ("America/Los_Angeles", date(2026, 3, 8), -8, -7),  # PST → PDT
}

pytest_plugins = ["tests.reminders_helpers"]  # the `push` service fixture


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(utc(2026, 3, 1, 12, 0), tick=False) as traveller:
        yield traveller


@pytest.mark.parametrize("name", CLOCKS)
def test_the_reminder_comes_at_0830_local_time_across_the_clock_change(
    frozen, db, request, push, name
):
    zone, change, before, after = CLOCKS[name]
    frozen.move_to(utc(change.year, change.month, change.day) - timedelta(days=3))
    person = request.getfixturevalue(name)
    partner = request.getfixturevalue("mallory")  # anyone on a team with them will do
    team = person.api("POST", "/teams", {"name": "Two of us"}).json()["id"]
    token = person.api("POST", f"/teams/{team}/invites").json()["token"]
    assert partner.api("POST", f"/invites/{token}/accept").status_code == 200
    partner_id = partner.api("GET", "/me").json()["id"]
    bridge = person.api("POST", "/bridges", {"partner": partner_id}).json()["id"]
    assert partner.api("POST", f"/bridges/{bridge}/accept").status_code == 200

    profile = {"display_name": name.title(), "time_zone": zone}
    assert person.api("PATCH", "/me", profile).status_code == 200
    commit(person, bridge, "Ask how the week went")
    phone = Device(push)
    subscribe(person, phone)
    remind_at(person, "08:30")

    for day in (change - timedelta(days=1), change, change + timedelta(days=1)):
        offset = before if day < change else after
        local_0830 = utc(day.year, day.month, day.day, 8, 30) - timedelta(hours=offset)
        sent = len(push.messages(phone))
        frozen.move_to(local_0830 - timedelta(seconds=1))
        dispatch()
        assert len(push.messages(phone)) == sent, f"too early on {day}"
        frozen.move_to(local_0830)
        dispatch()
        assert [m["day"] for m in push.messages(phone)][sent:] == [day.isoformat()]
    assert push.refused == []
