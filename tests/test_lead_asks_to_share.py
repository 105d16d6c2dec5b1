"""Carol asks a pair to share their bridge; each side decides; Carol learns one word."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from tests.lead_helpers import history, newcomer, person_id, share, share_both

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def words(page: str) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    return " ".join(text.split())


def ask(lead, team: int, first, second):
    return lead.post(
        f"/teams/{team}/share-requests",
        {"first": person_id(first), "second": person_id(second)},
    )


def asked(lead, team: int) -> list[dict]:
    response = lead.api("GET", f"/teams/{team}/share-requests")
    assert response.status_code == 200, response.text
    return response.json()["requests"]


def ask_section(lead, team: int) -> str:
    """What Carol reads about her requests (the form's fresh CSRF token left out)."""
    page = lead.get(f"/teams/{team}/dashboard").text
    section = page.split('id="ask"', 1)[1].split("</section>", 1)[0]
    return re.sub(r'name="_csrf_token" value="[^"]*"', "", section)


def answer(person, bridge: int, what: str):
    """Tap "Share with Carol" (share) or "Not now" (not_now) on the bridge page."""
    return person.post(
        f"/bridges/{bridge}/share-request", {"share": "on" if what == "share" else "off"}
    )


def test_each_side_sees_a_calm_request_on_the_bridge_page(team, bridge, alice, bob, carol):
    assert "asks to see how this bridge is doing" not in alice.get(f"/bridges/{bridge}").text
    done = ask(carol, team, alice, bob)
    assert done.status_code == 303 and done.headers["location"].endswith("asked=1#ask")
    for person in (alice, bob):
        page = words(person.get(f"/bridges/{bridge}").text)
        assert "Carol asks to see how this bridge is doing" in page
        assert "never anything either of you wrote" in page
        assert "Carol learns only “yes” once you both share, or “not yet” — never who" in page
        assert "Share with Carol" in page and "Not now" in page
    assert asked(carol, team) == [
        {"names": ["Alice", "Bob"], "asked_on": "2026-11-20", "answer": "not yet"}
    ]


def test_carol_learns_yes_once_both_share_from_the_request(team, bridge, alice, bob, carol):
    ask(carol, team, alice, bob)
    assert answer(alice, bridge, "share").status_code == 303
    assert asked(carol, team)[0]["answer"] == "not yet"
    page = words(alice.get(f"/bridges/{bridge}").text)
    assert "You share your side. Carol sees the bridge once Bob shares too" in page
    assert "Share with Carol" in words(bob.get(f"/bridges/{bridge}").text)
    answer(bob, bridge, "share")
    assert asked(carol, team)[0]["answer"] == "yes"
    assert "Alice &amp; Bob" in carol.get(f"/teams/{team}/dashboard").text.split('id="shared-h"')[1]
    for person in (alice, bob):  # nothing is left to ask
        assert "asks to see how this bridge" not in person.get(f"/bridges/{bridge}").text


def test_carol_reads_not_yet_whoever_said_not_now_or_if_nobody_answered(
    browser, team, bridge, alice, bob, carol
):
    ask(carol, team, alice, bob)
    nobody_answered = ask_section(carol, team)
    answer(alice, bridge, "not_now")
    alice_declined = ask_section(carol, team)
    answer(alice, bridge, "share")
    answer(bob, bridge, "not_now")
    bob_declined = ask_section(carol, team)
    assert nobody_answered == alice_declined == bob_declined
    assert "not yet" in nobody_answered
    assert asked(carol, team)[0]["answer"] == "not yet"


def test_a_pair_with_no_bridge_reads_not_yet_too(browser, team, alice, bob, carol):
    dan = newcomer(browser, carol, team, "dan")
    assert ask(carol, team, alice, dan).status_code == 303  # no bridge between them
    assert asked(carol, team) == [
        {"names": ["Alice", "Dan"], "asked_on": "2026-11-20", "answer": "not yet"}
    ]


def test_not_now_quiets_the_request_for_that_side_only(team, bridge, alice, bob, carol):
    ask(carol, team, alice, bob)
    answer(alice, bridge, "not_now")
    page = words(alice.get(f"/bridges/{bridge}").text)
    assert "You said not now. Carol reads “not yet”, and never who chose what." in page
    assert "Share with Carol" not in page
    assert "Share with Carol" in words(bob.get(f"/bridges/{bridge}").text)
    # Her share choice says so too: she does not share.
    assert alice.api("GET", f"/bridges/{bridge}/sharing").json()["mine"] is False


def test_carol_may_ask_the_same_pair_again_only_after_two_weeks(
    frozen, team, bridge, alice, bob, carol
):
    ask(carol, team, alice, bob)
    answer(alice, bridge, "not_now")
    again = ask(carol, team, alice, bob)
    assert again.status_code == 400
    assert "you can ask them again from 4 December" in words(again.text)
    frozen.move_to(NOW + timedelta(days=14))
    assert ask(carol, team, alice, bob).status_code == 303
    assert "Share with Carol" in alice.get(f"/bridges/{bridge}").text  # asked anew


def test_carol_names_two_other_people_on_her_team(browser, team, alice, bob, carol, mallory):
    assert ask(carol, team, alice, alice).status_code == 400
    mine = ask(carol, team, carol, alice)
    assert mine.status_code == 400 and "a bridge you are part of" in mine.text
    outsider = ask(carol, team, alice, mallory)
    assert outsider.status_code == 400 and "Choose someone on the team." in outsider.text
    api = carol.api("POST", f"/teams/{team}/share-requests", {"first": "x", "second": 2})
    assert api.status_code == 400
    assert asked(carol, team) == []


def test_only_the_lead_asks_and_only_the_two_sides_answer(team, bridge, alice, bob, carol, mallory):
    assert ask(alice, team, bob, carol).status_code == 403
    assert ask(mallory, team, alice, bob).status_code == 404
    assert mallory.api("GET", f"/teams/{team}/share-requests").status_code == 404
    assert alice.api("GET", f"/teams/{team}/share-requests").status_code == 403
    ask(carol, team, alice, bob)
    assert answer(mallory, bridge, "share").status_code == 404
    assert answer(carol, bridge, "share").status_code == 404
    api = mallory.api("POST", f"/bridges/{bridge}/share-request", {"share": True})
    assert api.status_code == 404
    assert asked(carol, team)[0]["answer"] == "not yet"


def test_a_bad_answer_gets_a_4xx_never_a_500(team, bridge, alice, carol):
    ask(carol, team, alice, alice)  # refused: nothing asked yet
    maybe = alice.api("POST", f"/bridges/{bridge}/share-request", {"share": "maybe"})
    assert maybe.status_code == 400
    nothing = alice.api("POST", f"/bridges/{bridge}/share-request", {"share": True})
    assert nothing.status_code == 409  # nobody asked


def test_a_bridge_needing_support_gets_suggestions_never_more_data(team, bridge, alice, bob, carol):
    alice.api("PUT", f"/bridges/{bridge}/plan", {"my_part": "SECRET-PLAN-TEXT"})
    history(bridge, NOW.date() - timedelta(days=40), "k" * 36 + "pppp")
    share_both(bridge, alice, bob)
    page = words(carol.get(f"/teams/{team}/dashboard").text)
    assert "Offer Alice and Bob a conversation" in page
    assert "Remind the team of its norms" in page
    assert "SECRET-PLAN-TEXT" not in page
    share(bob, bridge, on=False)
    page = words(carol.get(f"/teams/{team}/dashboard").text)
    assert "Offer Alice and Bob a conversation" not in page
