"""A brand-new bridge has "just started", with a first goal, until it has real history.

Before anyone could act, a red "Health 0 · Broken" says nothing about trust; each side
reads what to do first, and the health sentence speaks to the reader as "you".
"""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import time_machine

from server import clock
from tests.repair_helpers import act, check_in, commit, state


def health_card(person, bridge: int) -> str:
    page = person.get(f"/bridges/{bridge}").text
    card = re.search(r'<section class="card health[^>]*>(.*?)</section>', page, re.S)
    assert card, page
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", card.group(1))))


def drawing_label(person, bridge: int) -> str:
    page = person.get(f"/bridges/{bridge}").text
    return unescape(re.search(r'<text class="health-label"[^>]*>([^<]+)</text>', page).group(1))


def test_alice_and_bob_each_read_just_started_and_their_own_first_goal(bridge, alice, bob):
    for person, partner in ((alice, "Bob"), (bob, "Alice")):
        card = health_card(person, bridge)
        assert "Just started" in card and "Broken" not in card
        assert "Health 0 out of 100" in card
        assert (
            f"Your first plank: add a commitment, keep it, and have {partner} confirm it." in card
        )
        assert drawing_label(person, bridge) == "Just started"


def test_after_alice_keeps_a_commitment_each_reads_the_sentence_from_their_side(bridge, alice, bob):
    promise = commit(alice, bridge)
    assert check_in(alice, bridge, promise).status_code == 201

    alice_reads = health_card(alice, bridge)
    assert "Your first plank: keep one commitment and have Bob confirm it." in alice_reads
    assert "Health stays at 0 until Bob lays planks too" in alice_reads

    bob_reads = health_card(bob, bridge)
    assert "Health stays at 0 until you lay planks too" in bob_reads
    assert "until Bob lays" not in bob_reads
    assert "Your first plank: add a commitment, keep it, and have Alice confirm it." in bob_reads


def test_once_bob_confirms_alice_reads_that_her_first_plank_is_secured(bridge, alice, bob):
    promise = commit(alice, bridge)
    check_in(alice, bridge, promise)
    kept = state(bob, bridge)["timeline"][0]["id"]
    assert act(bob, bridge, "confirmations", {"act": kept}).status_code == 201
    assert "Your first plank is secured." in health_card(alice, bridge)
    assert "Your first plank: add a commitment, keep it, and have Alice" in health_card(bob, bridge)


def test_a_week_of_real_history_shows_the_band_instead(bridge, alice, bob):
    with time_machine.travel(clock.now() - timedelta(days=8)):
        commit(alice, bridge)  # due every day since, never checked in: it lapses
        commit(bob, bridge)
    for person in (alice, bob):
        card = health_card(person, bridge)
        assert "Just started" not in card and "Broken" in card
        assert "first plank" not in card
        assert drawing_label(person, bridge).startswith("Health 0 of 100 · broken")
