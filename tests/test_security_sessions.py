"""Sessions: a fresh id at every sign-in, and an old cookie is worth nothing after
signing out, changing the password, or 30 days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from tests.conftest import PASSWORD

NEW_PASSWORD = "a brand new secret phrase"


def session_of(person) -> str:
    token = person.client.cookies.get("bw_session")
    assert token, f"{person.name} has no session cookie"
    return str(token)


def with_cookie(browser, token: str):
    """Another browser holding a copy of a session cookie, as a thief would."""
    thief = browser("thief")
    thief.client.cookies.set("bw_session", token, domain="testserver.local", path="/")
    return thief


def assert_signed_out(person) -> None:
    page = person.get("/today")
    assert page.status_code == 303 and page.headers["location"] == "/signin?next=/today"
    api = person.api("GET", "/me")
    assert api.status_code == 401 and api.json()["detail"]


def assert_signed_in_as(person, name: str) -> None:
    assert person.get("/").status_code == 200
    assert person.api("GET", "/me").json()["display_name"] == name


def test_a_copied_session_cookie_works_so_the_checks_below_mean_something(alice, browser):
    assert_signed_in_as(with_cookie(browser, session_of(alice)), "Alice")


@pytest.mark.parametrize("how", ["page", "api"])
def test_signing_in_issues_a_new_session_even_when_the_browser_had_one(alice, browser, how):
    old = session_of(alice)
    if how == "page":
        assert alice.sign_in().status_code == 303
    else:
        credentials = {"email": alice.email, "password": PASSWORD}
        assert alice.api("POST", "/session", credentials).status_code == 200
    new = session_of(alice)
    assert new != old
    assert_signed_out(with_cookie(browser, old))
    assert_signed_in_as(alice, "Alice")


def test_a_session_id_planted_by_mallory_does_not_let_her_into_alices_account(
    alice, mallory, browser
):
    planted = session_of(mallory)
    victim = with_cookie(browser, planted)
    victim.email = alice.email
    assert victim.sign_in().status_code == 303
    assert session_of(victim) != planted
    assert_signed_in_as(victim, "Alice")
    assert_signed_out(mallory)  # the planted id was dropped, not promoted to alice's


def test_a_made_up_session_id_is_replaced_at_sign_in(alice, browser):
    victim = with_cookie(browser, "chosen-by-an-attacker")
    victim.email = alice.email
    assert victim.sign_in().status_code == 303
    assert session_of(victim) != "chosen-by-an-attacker"


@pytest.mark.parametrize("how", ["page", "api"])
def test_signing_out_makes_the_old_cookie_useless(alice, browser, how):
    old = session_of(alice)
    if how == "page":
        response = alice.post("/signout")
        assert response.status_code == 303 and response.headers["location"] == "/signin"
    else:
        assert alice.api("DELETE", "/session").status_code == 204
    assert "bw_session" not in alice.client.cookies
    assert_signed_out(alice)
    assert_signed_out(with_cookie(browser, old))


@pytest.mark.parametrize("how", ["page", "api"])
def test_changing_the_password_signs_out_every_other_session(bob, browser, how):
    phone = browser("bob")
    assert phone.sign_in().status_code == 303
    old = session_of(bob)
    change = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    if how == "page":
        response = bob.post("/settings/password", change)
        assert response.status_code == 303
    else:
        assert bob.api("POST", "/me/password", change).status_code == 200
    assert_signed_out(phone)
    assert_signed_out(with_cookie(browser, old))
    assert_signed_in_as(bob, "Bob")  # the browser that changed it got a fresh session
    assert phone.sign_in().status_code == 400
    assert phone.sign_in(NEW_PASSWORD).status_code == 303


def test_a_wrong_current_password_changes_nothing_and_signs_nobody_out(bob, browser):
    phone = browser("bob")
    assert phone.sign_in().status_code == 303
    change = {"current_password": "not my password", "new_password": NEW_PASSWORD}
    response = bob.api("POST", "/me/password", change)
    assert response.status_code == 400 and "current_password" in response.json()["errors"]
    assert_signed_in_as(phone, "Bob")
    assert phone.sign_in().status_code == 303


def test_a_session_ends_after_30_days(alice):
    with time_machine.travel(datetime.now(UTC) + timedelta(days=30, minutes=1)):
        # The server refuses it even when a browser keeps sending the cookie.
        alice.client.cookies.set(
            "bw_session", session_of(alice), domain="testserver.local", path="/"
        )
        assert_signed_out(alice)


def test_signing_in_never_sends_a_person_on_to_another_site(alice, browser):
    elsewhere = ["//evil.example", "/\\evil.example", "https://evil.example", "/\t/evil.example"]
    for target in elsewhere:
        person = browser("alice")
        response = person.post(
            "/signin", {"email": alice.email, "password": PASSWORD, "next": target}
        )
        assert response.status_code == 303
        location = response.headers["location"]
        assert location.startswith("/") and not location.startswith(("//", "/\\")), location
        assert "\t" not in location
    kept = browser("alice").post(
        "/signin", {"email": alice.email, "password": PASSWORD, "next": "/settings"}
    )
    assert kept.headers["location"] == "/settings"
