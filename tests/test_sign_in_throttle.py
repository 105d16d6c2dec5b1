"""The sign-in throttle slows a guesser and never keeps the owner out (OWASP device cookies).

Every browser in these tests comes from one address, as colleagues behind a
company's NAT would.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import time_machine

from server.accounts import throttle
from server.accounts.throttle import Client, backoff_wait, cap_wait
from tests.conftest import PASSWORD, Browser, run

START = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


def _guess(browser: Browser, email: str) -> int:
    return browser.post("/signin", {"email": email, "password": "guess-guess"}).status_code


def test_mallory_hammering_carols_account_never_keeps_carol_out_on_her_own_phone(carol, browser):
    mallory = browser("mallory")
    answers = [_guess(mallory, "carol@example.com") for _ in range(30)]
    assert answers[:5] == [400] * 5
    assert set(answers[5:]) <= {400, 429}
    assert 429 in answers
    # carol's phone signed in before, so it holds a device cookie for her account.
    carol.post("/signout")
    response = carol.sign_in()
    assert response.status_code == 303
    assert "Hello, Carol" in carol.get("/").text


def test_on_a_new_device_carol_waits_no_longer_than_mallorys_last_backoff(carol, browser):
    with time_machine.travel(START, tick=False) as clock:
        mallory = browser("mallory")
        for _ in range(6):
            clock.shift(timedelta(seconds=1))
            assert _guess(mallory, "carol@example.com") == 400
        laptop = browser("carol")
        response = laptop.sign_in()
        assert response.status_code == 429
        assert "Try again in 2 seconds" in response.text
        clock.shift(timedelta(seconds=2))
        assert laptop.sign_in().status_code == 303


def test_after_five_failures_each_try_waits_twice_as_long_as_the_last(alice, browser):
    guesser = browser("alice")
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(5):
            assert _guess(guesser, "alice@example.com") == 400
        for wait in (1, 2, 4, 8):
            response = guesser.sign_in(password="guess-guess")
            assert response.status_code == 429
            unit = "second" if wait == 1 else "seconds"
            assert f"Try again in {wait} {unit}" in response.text
            clock.shift(timedelta(seconds=wait))
            assert _guess(guesser, "alice@example.com") == 400


def test_the_api_answers_a_throttled_sign_in_with_429_and_retry_after(alice, browser):
    caller = browser("alice")
    with time_machine.travel(START, tick=False):
        for _ in range(8):
            caller.api("POST", "/session", {"email": "alice@example.com", "password": "nope-nope"})
        response = caller.api(
            "POST", "/session", {"email": "alice@example.com", "password": PASSWORD}
        )
    assert response.status_code == 429
    assert "Try again in" in response.json()["detail"]
    assert response.headers["retry-after"] == "1"  # five failures, then a 1-second wait


def test_thirty_colleagues_behind_one_address_sign_in_despite_a_typo_each_and_a_guesser(
    browser,
):
    colleagues = [f"colleague{n}" for n in range(30)]
    for name in colleagues:
        assert browser(name).sign_up().status_code == 303
    mallory = browser("mallory")
    for n in range(10):
        for _ in range(5):
            _guess(mallory, f"someone{n}@example.com")
    for name in colleagues:
        new_phone = browser(name)
        assert new_phone.sign_in(password="typo-typo").status_code == 400
        assert new_phone.sign_in().status_code == 303, name


def test_many_failures_from_one_address_slow_unknown_browsers_there_but_not_known_devices(
    carol, browser
):
    now = datetime.now(UTC)
    nat = Client("testclient")
    for n in range(throttle.ADDRESS_LIMIT):
        run(throttle.record_failure(f"someone{n}@example.com", nat, "", now))
    assert browser("alice").sign_in().status_code == 429
    carol.post("/signout")
    assert carol.sign_in().status_code == 303


def test_failures_on_one_account_from_many_addresses_slow_unknown_browsers_only(carol, browser):
    now = datetime.now(UTC)
    for n in range(throttle.ACCOUNT_LIMIT):
        run(throttle.record_failure("carol@example.com", Client(f"10.0.{n}.1"), "", now))
    assert browser("carol").sign_in().status_code == 429
    carol.post("/signout")
    assert carol.sign_in().status_code == 303


def test_a_known_devices_own_failures_still_slow_it_down(carol):
    carol.post("/signout")
    with time_machine.travel(START, tick=False):
        for _ in range(5):
            assert carol.sign_in(password="not-quite").status_code == 400
        assert carol.sign_in().status_code == 429


def test_a_device_cookie_for_another_account_counts_as_no_device(carol, mallory, browser):
    mallorys_cookie = mallory.client.cookies.get(throttle.DEVICE_COOKIE)
    assert mallorys_cookie
    for _ in range(6):
        _guess(mallory, "carol@example.com")
    stranger = browser("carol")
    stranger.client.cookies.set(throttle.DEVICE_COOKIE, mallorys_cookie)
    assert stranger.sign_in().status_code == 429


def test_the_throttle_counts_failures_in_the_database_not_in_process_memory(alice, app, db):
    # Two app instances stand for two worker processes sharing one database.
    from server.app import create_app
    from server.settings import load_settings

    settings = load_settings({**os.environ, "DATABASE_URL": db.url})
    other_process = create_app(settings, run_migrations=False)
    first, second = Browser(app, "alice"), Browser(other_process, "alice")
    try:
        with time_machine.travel(START, tick=False):
            for _ in range(3):
                first.sign_in(password="wrong-wrong")
                second.sign_in(password="wrong-wrong")
            assert first.sign_in().status_code == 429
            assert second.sign_in().status_code == 429
    finally:
        second.close()
        first.close()


def test_backoff_doubles_from_the_last_failure_and_stops_at_fifteen_minutes():
    now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    five = [now - timedelta(seconds=s) for s in (50, 40, 30, 20, 0)]
    assert backoff_wait(five[:4], now) == 0
    assert backoff_wait(five, now) == 1
    assert backoff_wait([*five, now, now], now) == 4
    many = [now - timedelta(seconds=s) for s in range(30)]
    assert backoff_wait(many, now) == 15 * 60


def test_a_cap_lifts_when_its_oldest_failure_leaves_the_window():
    now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    failures = [now - timedelta(minutes=m) for m in (14, 12, 10)]
    assert cap_wait(failures, 3, now) == 60
    assert cap_wait(failures, 4, now) == 0
