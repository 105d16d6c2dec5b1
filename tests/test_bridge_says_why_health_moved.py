"""The bridge page says why health last moved, in each reader's words."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from html import unescape

import time_machine

from server import clock
from tests.repair_helpers import act, check_in, commit, state


def moved(person, bridge: int) -> str:
    page = person.get(f"/bridges/{bridge}").text
    found = re.search(r'<p class="moved">([^<]*)</p>', page)
    return unescape(found[1]) if found else ""


def keep_and_confirm(alice, bob, bridge: int, promises: dict) -> None:
    for person, partner in ((alice, bob), (bob, alice)):
        if person in promises:
            assert check_in(person, bridge, promises[person]).status_code == 201
            kept = state(partner, bridge)["timeline"][0]["id"]
            assert act(partner, bridge, "confirmations", {"act": kept}).status_code == 201


def test_after_both_confirm_each_reads_the_rise_and_who_secured_what(bridge, alice, bob):
    promises = {alice: commit(alice, bridge), bob: commit(bob, bridge)}
    keep_and_confirm(alice, bob, bridge, promises)
    assert re.fullmatch(
        r"\+\d+ today: you laid a plank, secured by Bob; Bob laid a plank, secured by you\.",
        moved(alice, bridge),
    )
    assert "you laid a plank, secured by Alice" in moved(bob, bridge)


def test_after_alice_lets_a_commitment_lapse_both_read_the_fall(bridge, alice, bob):
    start = clock.now() - timedelta(days=12)
    with time_machine.travel(start, tick=False) as traveller:
        promises = {alice: commit(alice, bridge), bob: commit(bob, bridge)}
        for n in range(10):
            traveller.move_to(start + timedelta(days=n))
            keep_and_confirm(alice, bob, bridge, promises)
    # Alice stopped ten days in: her day-10 item lapsed when its grace closed.
    alice_reads, bob_reads = moved(alice, bridge), moved(bob, bridge)
    assert alice_reads.startswith("\u2212") and bob_reads.startswith("\u2212")
    assert "a commitment on your side lapsed unreported" in alice_reads
    assert "a commitment on Alice's side lapsed unreported" in bob_reads


def test_bob_securing_an_older_plank_late_is_read_as_news_on_both_sides(bridge, alice, bob):
    # Noon UTC, whatever the hour the test runs: "the next morning" stays on day 8.
    start = datetime.combine((clock.now() - timedelta(days=9)).date(), time(12), UTC)
    with time_machine.travel(start, tick=False) as traveller:
        promises = {alice: commit(alice, bridge), bob: commit(bob, bridge)}
        for n in range(6):
            traveller.move_to(start + timedelta(days=n))
            keep_and_confirm(alice, bob, bridge, promises)
        laid_on = start + timedelta(days=6)
        traveller.move_to(laid_on)
        assert check_in(alice, bridge, promises[alice]).status_code == 201
        late = state(bob, bridge)["timeline"][0]["id"]  # Bob does not confirm it that day
        keep_and_confirm(alice, bob, bridge, {bob: promises[bob]})
        traveller.move_to(start + timedelta(days=7))
        keep_and_confirm(alice, bob, bridge, promises)
        traveller.move_to(start + timedelta(days=8, hours=-3))  # the next morning
        before = state(alice, bridge)["health"]
        assert act(bob, bridge, "confirmations", {"act": late}).status_code == 201
        rise = state(alice, bridge)["health"] - before
        weekday = f"{laid_on:%A}"
        assert rise > 0
        assert moved(alice, bridge) == (
            f"+{rise} since yesterday: Bob secured your plank from {weekday}."
        )
        assert moved(bob, bridge) == (
            f"+{rise} since yesterday: you secured Alice's plank from {weekday}."
        )
