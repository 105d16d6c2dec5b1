"""Today tells a newcomer what waits, instead of "No bridge is being built yet"."""

from __future__ import annotations

import re


def _asks(alice, bob) -> int:
    bob_id = bob.api("GET", "/me").json()["id"]
    response = alice.api("POST", "/bridges", {"partner": bob_id, "message": "Can we talk?"})
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _text(page: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def test_bob_sees_alices_request_on_today_and_where_to_answer_it(team, alice, bob):
    bridge = _asks(alice, bob)

    page = bob.get("/today").text

    assert "Alice asks to build a bridge with you" in _text(page)
    assert f'href="/bridges/{bridge}"' in page
    assert "No bridge is being built yet" not in page
    assert "answer the request above to start" in _text(page)


def test_alice_sees_that_her_request_to_bob_is_waiting(team, alice, bob):
    bridge = _asks(alice, bob)

    page = alice.get("/today").text

    assert "your request to Bob is waiting for an answer" in _text(page)
    assert f'href="/bridges/{bridge}"' in page
    assert "asks to build a bridge with you" not in page


def test_once_bob_accepts_the_request_leaves_both_todays(team, alice, bob):
    bridge = _asks(alice, bob)
    assert bob.api("POST", f"/bridges/{bridge}/accept").status_code == 200

    for person in (alice, bob):
        page = _text(person.get("/today").text)
        assert "asks to build a bridge" not in page
        assert "waiting for an answer" not in page
        assert "Nothing due today" in page


def test_mallory_sees_nothing_of_a_request_between_others(team, alice, bob, mallory):
    _asks(alice, bob)
    page = _text(mallory.get("/today").text)
    assert "Alice" not in page and "Bob" not in page
    assert "No bridge is being built yet" in page
