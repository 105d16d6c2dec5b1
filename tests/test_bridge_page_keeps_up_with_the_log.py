"""The bridge page reads its figures from the bridge's kept derivation, never a stale
one: after Alice's first look, Bob's late confirmation, his change of mind and a miss
he reports each show on her next look, and her page's health sentence is always the
one the whole log gives (the API's screen derives it from every act)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
import time_machine

from server import domain as d
from server.demo_history import Promise, seed_history
from server.tables import User
from tests.conftest import run
from tests.repair_helpers import act, state

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
TODAY = NOW.date()


def text_of(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))).strip()


@pytest.fixture
def two_months(bridge, alice, bob):
    """Alice and Bob with two months of daily items, kept or missed, most confirmed."""

    async def seed() -> None:
        people = {}
        for side, name in ((d.Side.A, "alice"), (d.Side.B, "bob")):
            user = await User.objects().where(User.email == f"{name}@example.com").first()
            people[side] = user.id
        await seed_history(
            bridge,
            people,
            [
                Promise(d.Side.A, "Reply the same day", d.Cadence.DAILY),
                Promise(d.Side.A, "Ask before reassigning work", d.Cadence.DAILY),
                Promise(d.Side.B, "Say in stand-up what blocks me", d.Cadence.DAILY),
            ],
            {},
            days=60,
            today=TODAY,
            keep_rate=(0.97, 0.9),
            seed=7,
        )

    with time_machine.travel(NOW - timedelta(days=61), tick=False):
        run(seed())
    with time_machine.travel(NOW, tick=False):
        yield bridge


def alices_look(alice, bridge: int) -> str:
    """Alice's bridge page as text, checked against the whole log's health sentence."""
    page = alice.get(f"/bridges/{bridge}")
    assert page.status_code == 200
    said = text_of(page.text)
    assert state(alice, bridge)["explanation"] in said
    return said


def test_what_bob_does_after_alices_first_look_shows_on_her_next(two_months, alice, bob):
    first = alices_look(alice, two_months)
    assert "Bob secured your plank" not in first
    # Bob catches up on one of Alice's planks from last week, still waiting for him.
    week = (TODAY - timedelta(days=7)).isoformat(), (TODAY - timedelta(days=3)).isoformat()
    waiting = [
        e
        for e in state(bob, two_months)["timeline"]
        if e["kind"] == "kept"
        and not e["mine"]
        and not e["confirmed"]
        and not e["withdrawn"]
        and week[0] <= e["day"] <= week[1]
    ]
    assert waiting, "the seeded history leaves a plank of Alice's from last week waiting"
    confirmed = act(bob, two_months, "confirmations", {"act": waiting[0]["id"]})
    assert confirmed.status_code == 201, confirmed.text
    said = alices_look(alice, two_months)
    assert "Bob secured your plank from" in said

    # He takes it back the same hour: her next look no longer counts it.
    confirmation = confirmed.json()["act_id"]
    assert act(bob, two_months, "withdrawals", {"act": confirmation}).status_code == 201
    assert "Bob secured your plank" not in alices_look(alice, two_months)

    # He reports that she missed an item today: she sees it, and may answer it.
    mine = [c for c in state(alice, two_months)["commitments"] if c["side"] == "a"]
    reported = act(bob, two_months, "misses", {"commitment": mine[0]["id"], "note": "No reply"})
    assert reported.status_code == 201, reported.text
    said = alices_look(alice, two_months)
    assert "missed — reported by Bob: Reply the same day" in said
    assert "Your answer" in said
