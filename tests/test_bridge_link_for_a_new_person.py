"""A bridge link opened by someone without an account: who asks, their message, what
each person will read, and a sign-up that accepts in the same step."""

from __future__ import annotations

from html import unescape

from server.tables import Bridge, User
from tests.conftest import PASSWORD, run


def make_link(alice, message: str = "I'd like to fix how our handovers go.") -> str:
    return alice.api("POST", "/bridges/link", {"message": message}).json()["token"]


def test_dana_reads_who_asks_their_message_and_who_sees_what(alice, browser):
    token = make_link(alice)
    page = unescape(browser("dana").get(f"/b/{token}").text)
    assert "Alice asks to build a bridge with you" in page
    assert "I'd like to fix how our handovers go." in page
    assert "is read by Alice and nobody else" in page
    assert "never anything either of you wrote" in page
    assert "Create account and accept" in page


def test_dana_signs_up_on_the_link_and_lands_on_the_bridge_with_alice(alice, browser):
    token = make_link(alice)
    dana = browser("dana")
    dana.get(f"/b/{token}")
    response = dana.post(
        f"/b/{token}",
        {
            "email": "dana@example.com",
            "display_name": "Dana",
            "password": PASSWORD,
            "time_zone": "Europe/London",
        },
    )
    assert response.status_code == 303
    bridge = response.headers["location"]
    assert unescape(dana.get(bridge).text).count("You & Alice") == 1
    assert "You & Dana" in unescape(alice.get(bridge).text)
    assert run(Bridge.select(Bridge.status).first())["status"] == "active"


def test_a_bad_sign_up_on_the_link_keeps_the_invitation_and_makes_nothing(alice, browser):
    token = make_link(alice)
    dana = browser("dana")
    dana.get(f"/b/{token}")
    response = dana.post(f"/b/{token}", {"email": "not-an-email", "display_name": "Dana"})
    assert response.status_code == 400
    assert "Alice asks to build a bridge with you" in unescape(response.text)
    assert run(User.count()) == 1  # only Alice
    assert run(Bridge.select(Bridge.status).first())["status"] == "pending"


def test_the_link_still_works_once_only(alice, bob, browser):
    token = make_link(alice)
    bob.post(f"/b/{token}", {"answer": "accept"})
    late = browser("dana").get(f"/b/{token}")
    assert late.status_code == 410


def test_alice_learns_on_home_that_dana_accepted_and_bob_reads_no_such_news(alice, bob, browser):
    token = make_link(alice)
    before = unescape(alice.get("/").text)
    assert "accepted your invitation" not in before
    dana = browser("dana")
    dana.post(
        f"/b/{token}",
        {
            "email": "dana@example.com",
            "display_name": "Dana",
            "password": PASSWORD,
            "time_zone": "Europe/London",
        },
    )
    assert "Dana accepted your invitation: your bridge is being built." in unescape(
        alice.get("/").text
    )
    assert "accepted your invitation" not in unescape(dana.get("/").text)
    assert "accepted your invitation" not in unescape(bob.get("/").text)
