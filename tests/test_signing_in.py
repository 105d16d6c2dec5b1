"""Signing in and out, and the throttle that holds across every app process."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import time_machine

from server.accounts.service import unlock_minutes
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
    assert alice.get("/").status_code == 303


def test_after_ten_failures_in_fifteen_minutes_the_account_is_throttled(alice, browser):
    mallory = browser("alice")
    start = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(10):
            assert mallory.sign_in(password="guess-guess").status_code == 400
            clock.shift(timedelta(seconds=30))
        # Even the right password is refused while throttled, from any address.
        response = browser("alice").sign_in()
        assert response.status_code == 429
        assert "Try again in 10 minutes" in response.text
        clock.shift(timedelta(minutes=10))
        assert browser("alice").sign_in().status_code == 303


def test_the_api_answers_a_throttled_sign_in_with_429_and_retry_after(alice, browser):
    caller = browser("alice")
    for _ in range(10):
        caller.api("POST", "/session", {"email": "alice@example.com", "password": "nope-nope"})
    response = caller.api("POST", "/session", {"email": "alice@example.com", "password": PASSWORD})
    assert response.status_code == 429
    assert "Try again in" in response.json()["detail"]
    assert int(response.headers["retry-after"]) > 0


def test_an_address_trying_many_accounts_is_throttled_too(browser):
    caller = browser()
    for n in range(10):
        caller.api("POST", "/session", {"email": f"user{n}@example.com", "password": "x" * 9})
    response = caller.api("POST", "/session", {"email": "someone@example.com", "password": "x" * 9})
    assert response.status_code == 429


def test_the_throttle_counts_failures_in_the_database_not_in_process_memory(alice, app, db):
    # Two app instances stand for two worker processes sharing one database.
    from server.app import create_app
    from server.settings import load_settings
    from tests.conftest import Browser

    settings = load_settings({**os.environ, "DATABASE_URL": db.url})
    other_process = create_app(settings, run_migrations=False)
    first, second = Browser(app, "alice"), Browser(other_process, "alice")
    try:
        for _ in range(5):
            first.sign_in(password="wrong-wrong")
            second.sign_in(password="wrong-wrong")
        assert first.sign_in().status_code == 429
        assert second.sign_in().status_code == 429
    finally:
        second.close()
        first.close()


def test_unlock_minutes_counts_from_the_failure_that_must_expire():
    now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    failures = [now - timedelta(minutes=m) for m in (14, 12, 10, 9, 8, 7, 6, 5, 4, 3, 2)]
    # 11 failures: the two oldest (14 and 12 minutes ago) must expire -> 3 minutes.
    assert unlock_minutes(failures, now) == 3
    assert unlock_minutes(failures[2:], now) is None
