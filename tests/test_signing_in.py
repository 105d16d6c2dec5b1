"""Signing in and out (the throttle is in test_sign_in_throttle.py)."""

from __future__ import annotations

from tests.conftest import PASSWORD


def test_alice_signs_in_with_her_password_and_reaches_her_bridges(alice, browser):
    phone = browser("alice")
    response = phone.sign_in()
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    assert "Hello, Alice" in phone.get("/").text


def test_a_wrong_password_gets_a_message_without_saying_which_part_was_wrong(alice, browser):
    response = browser("alice").sign_in(password="not my password")
    assert response.status_code == 400
    assert "don&#39;t match an account" in response.text


def test_signing_in_takes_alice_back_to_the_page_she_asked_for(alice, browser):
    phone = browser("alice")
    redirect = phone.get("/settings")
    assert redirect.status_code == 303
    assert redirect.headers["location"] == "/signin?next=/settings"
    response = phone.post(
        "/signin", {"email": "alice@example.com", "password": PASSWORD, "next": "/settings"}
    )
    assert response.headers["location"] == "/settings"


def test_a_next_link_to_another_site_is_ignored(alice, browser):
    response = browser("alice").post(
        "/signin",
        {"email": "alice@example.com", "password": PASSWORD, "next": "//evil.example/phish"},
    )
    assert response.headers["location"] == "/"


def test_signing_out_ends_the_session(alice):
    assert alice.post("/signout").status_code == 303
    assert alice.get("/today").status_code == 303
