"""Alice forgets to pause before two weeks away: Today asks her "Were you away?", she
asks Bob to pause those days, and Bob's answer decides whether they count."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine

from server import clock as server_clock
from tests.conftest import join_team
from tests.repair_helpers import act, check_in, commit, state

# Alice and Bob keep everything for a week from Monday 2 Nov; Alice is away from
# Monday 9 Nov for two weeks (9-22 Nov) and back on Monday 23 Nov.
FIRST = date(2026, 11, 2)
LEAVES = date(2026, 11, 9)
BACK = date(2026, 11, 23)
DASH = " \u2013 "  # CLDR en_GB puts thin spaces around the dash of a run; text() reads spaces
SPAN = f"9{DASH}22 Nov"  # the two weeks Alice was away


def noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


class Pair:
    """Two sides of one bridge and their daily commitments."""

    def __init__(self, away: Any, stays: Any, bridge: int) -> None:
        self.away, self.stays, self.bridge = away, stays, bridge
        self.paused_in_time = False
        self.away_commitments = [
            commit(away, bridge, "Send the weekly status by 5pm"),
            commit(away, bridge, "Reply to review comments the same day"),
        ]
        self.stays_commitment = commit(stays, bridge, "Share the agenda before the 1:1")

    def both_keep_everything(self) -> None:
        mine = [check_in(self.away, self.bridge, c).json()["act_id"] for c in self.away_commitments]
        theirs = check_in(self.stays, self.bridge, self.stays_commitment).json()["act_id"]
        assert act(self.stays, self.bridge, "confirmations/kept", {"acts": mine}).status_code == 201
        assert act(self.away, self.bridge, "confirmations", {"act": theirs}).status_code == 201

    def stays_keeps(self) -> None:
        assert check_in(self.stays, self.bridge, self.stays_commitment).status_code == 201

    def health(self, person: Any | None = None) -> int:
        return int(state(person or self.stays, self.bridge)["health"])


def bridge_between(asker: Any, partner: Any) -> int:
    partner_id = partner.api("GET", "/me").json()["id"]
    response = asker.api("POST", "/bridges", {"partner": partner_id})
    assert response.status_code == 201, response.text
    bridge = int(response.json()["id"])
    assert partner.api("POST", f"/bridges/{bridge}/accept").status_code == 200
    return bridge


@pytest.fixture
def clock() -> Any:
    with time_machine.travel(noon(FIRST), tick=False) as traveller:
        yield traveller


@pytest.fixture
def pair(clock, alice, bob, team) -> Pair:
    """Alice and Bob keep and secure everything for a week; then Alice is away."""
    pair = Pair(alice, bob, bridge_between(alice, bob))
    live_until(clock, [pair], BACK)
    return pair


def live_until(clock: Any, pairs: list[Pair], until: date) -> None:
    """Day by day from the clock's day up to the day before `until`: everyone keeps
    everything until Alice leaves; from then on only the side who stays does (not on
    a bridge paused in time: nothing is due there)."""
    day = server_clock.now().date()
    while day < until:
        clock.move_to(noon(day))
        for pair in pairs:
            if day < LEAVES:
                pair.both_keep_everything()
            elif not pair.paused_in_time:
                pair.stays_keeps()
        day += timedelta(days=1)
    clock.move_to(noon(until))


def text(page: Any) -> str:
    """A page's words, without tags."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.text))


def ask_from_today(person: Any) -> Any:
    """Tap "Yes, ask ... to pause" on Today, with the form's own fields."""
    page = person.get("/today")
    form = re.search(
        r'<form method="post" action="(/bridges/\d+/pause)">(.*?)</form>', page.text, re.S
    )
    assert form, "no 'Were you away?' form on Today"
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form.group(2)))
    fields.pop("_csrf_token", None)
    return person.post(form.group(1), fields)


def test_on_her_fourth_day_away_today_asks_alice_were_you_away(clock, alice, bob, team):
    pair = Pair(alice, bob, bridge_between(alice, bob))
    live_until(clock, [pair], LEAVES + timedelta(days=3))

    alices = text(alice.get("/today"))
    assert "Were you away?" in alices
    assert f"No check-ins on your bridge with Bob for 3 days (9{DASH}11 Nov)" in alices
    assert f"Yes, ask Bob to pause 9{DASH}11 Nov" in alices

    bobs = text(bob.get("/today"))
    assert "No check-ins from Alice for 3 days." in bobs
    bridge_page = text(bob.get(f"/bridges/{pair.bridge}"))
    assert "No check-ins from Alice for 3 days" in bridge_page
    assert "missed" not in state(bob, pair.bridge)["explanation"]


def test_two_days_of_silence_ask_nothing(clock, alice, bob, team):
    pair = Pair(alice, bob, bridge_between(alice, bob))
    live_until(clock, [pair], LEAVES + timedelta(days=2))
    assert "Were you away?" not in alice.get("/today").text
    assert "No check-ins from Alice" not in bob.get("/today").text


def test_alice_asks_and_bob_reads_what_she_asked_on_today_and_the_bridge(pair, alice, bob):
    assert f"No check-ins on your bridge with Bob for 14 days (9{DASH}22 Nov)" in text(
        alice.get("/today")
    )

    asked = ask_from_today(alice)

    assert asked.status_code == 303
    assert "Were you away?" not in alice.get("/today").text
    assert f"You asked Bob to pause 9{DASH}22 Nov" in text(alice.get("/today"))
    for page in (bob.get("/today"), bob.get(f"/bridges/{pair.bridge}")):
        words = text(page)
        assert f"Alice says they were away 9{DASH}22 Nov. Agree?" in words
        assert "You can answer until Mon 30 Nov" in words
    explanation = " ".join(state(bob, pair.bridge)["explanation"].split())
    # Written from the reader's side: Bob is "you".
    assert explanation.startswith(f"Alice asked to pause 9{DASH}22 Nov: until you answer")
    assert "missed" not in explanation


def test_bob_agrees_and_health_is_what_a_pause_in_time_would_have_given(
    clock, pair, alice, bob, browser, carol, team
):
    # Dan and Erin live the same weeks, but Dan remembered to pause in time.
    dan, erin = browser("dan"), browser("erin")
    for person in (dan, erin):
        person.sign_up()
    join_team(carol, team, dan, erin)
    clock.move_to(noon(FIRST))
    twin = Pair(dan, erin, bridge_between(dan, erin))
    live_until(clock, [twin], LEAVES)
    paused = dan.api(
        "POST", f"/bridges/{twin.bridge}/pause", {"end": (BACK - timedelta(days=1)).isoformat()}
    )
    assert paused.status_code == 204, paused.text
    twin.paused_in_time = True
    live_until(clock, [twin], BACK)

    unanswered = pair.health()
    ask_from_today(alice)
    request = state(bob, pair.bridge)["pause_requests"][0]["id"]
    answer = bob.post(
        f"/bridges/{pair.bridge}/pause-requests/answer",
        {"request": request, "answer": "agree", "idempotency_key": "agree-0001", "next": "/today"},
    )

    assert answer.status_code == 303
    assert pair.health() == twin.health() > unanswered
    assert pair.health(alice) == twin.health(dan)
    assert "Agree?" not in bob.get("/today").text
    assert "No check-ins from Alice" not in bob.get("/today").text
    alices_today = text(alice.get("/today"))
    assert "Were you away?" not in alices_today
    assert "You asked Bob" not in alices_today
    for person, who in ((alice, "Bob"), (bob, "You")):
        page = text(person.get(f"/bridges/{pair.bridge}"))
        assert f"{who} agreed to pause those days ({SPAN})" in page
        assert "Agree?" not in page and "No check-ins" not in page


def test_bob_declines_and_nothing_changes(pair, alice, bob):
    before = pair.health()
    ask_from_today(alice)
    request = state(bob, pair.bridge)["pause_requests"][0]["id"]

    declined = act(bob, pair.bridge, f"pause-requests/{request}/answer", {"answer": "decline"})

    assert declined.status_code == 201, declined.text
    assert pair.health() == before
    assert state(bob, pair.bridge)["pause_requests"][0]["state"] == "declined"
    assert "Agree?" not in bob.get("/today").text
    assert "Were you away?" not in alice.get("/today").text  # asked and answered: settled
    for person in (alice, bob):
        page = text(person.get(f"/bridges/{pair.bridge}"))
        assert f"declined to pause those days ({SPAN})" in page
        explanation = state(person, pair.bridge)["explanation"]
        assert "asked" not in explanation and "No check-ins" not in explanation


def test_unanswered_for_seven_days_the_request_expires_with_nothing_changed(
    clock, pair, alice, bob
):
    never_asked = state(bob, pair.bridge)["trend"]
    ask_from_today(alice)
    request = state(bob, pair.bridge)["pause_requests"][0]["id"]
    clock.move_to(noon(BACK + timedelta(days=6)))
    assert "Agree?" in bob.get("/today").text

    clock.move_to(noon(BACK + timedelta(days=7)))

    assert "Agree?" not in bob.get("/today").text
    assert state(bob, pair.bridge)["pause_requests"][0]["state"] == "expired"
    late = act(bob, pair.bridge, f"pause-requests/{request}/answer", {"answer": "agree"})
    assert late.status_code == 409
    assert "expired on Mon 30 Nov" in late.json()["detail"]
    # Every day before Alice came back scores as if nobody had asked.
    # (The bridge is younger than the trend's 30 days: it starts on its first day.)
    assert len(never_asked) < 23
    assert state(bob, pair.bridge)["trend"][: len(never_asked) - 1] == never_asked[:-1]
    assert "asked to pause" not in state(bob, pair.bridge)["explanation"]
