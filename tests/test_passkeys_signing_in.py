"""Signing in with a passkey: alice's phone signs a fresh challenge, and nothing else gets in."""

from __future__ import annotations

import os
from datetime import timedelta

import time_machine

from server import clock
from server.app import create_app
from server.settings import load_settings
from server.signin.tables import Passkey
from tests.conftest import Browser, run
from tests.passkey_helpers import SoftwareAuthenticator, add_passkey, sign_in_with_passkey


def _alice_with_a_passkey(alice):
    phone = SoftwareAuthenticator()
    assert add_passkey(alice, phone).status_code == 201
    return phone


def test_alice_signs_in_with_her_passkey_and_reaches_her_bridges(alice, browser):
    phone = _alice_with_a_passkey(alice)
    laptop = browser("alice")
    response = sign_in_with_passkey(laptop, phone)
    assert response.status_code == 200, response.text
    assert response.json()["email"] == "alice@example.com"
    assert "Hello, Alice" in laptop.get("/").text


def test_the_sign_count_and_backup_flags_are_recorded(alice, browser):
    phone = _alice_with_a_passkey(alice)
    [saved] = run(Passkey.objects())
    assert (saved.sign_count, saved.backup_eligible, saved.backed_up) == (0, True, True)
    assert sign_in_with_passkey(browser("alice"), phone).status_code == 200
    [used] = run(Passkey.objects())
    assert used.sign_count == 1
    assert used.last_used_at is not None


def test_a_replayed_assertion_is_refused(alice, browser):
    phone = _alice_with_a_passkey(alice)
    laptop = browser("alice")
    options = laptop.api("POST", "/session/passkey/options").json()
    assertion = phone.get(options)
    assert laptop.api("POST", "/session/passkey", {"credential": assertion}).status_code == 200
    laptop.api("DELETE", "/session")
    replay = laptop.api("POST", "/session/passkey", {"credential": assertion})
    assert replay.status_code == 400
    assert "could not sign you in" in replay.json()["detail"]
    assert laptop.api("GET", "/me").status_code == 401


def test_a_challenge_from_another_browser_is_refused(alice, browser):
    phone = _alice_with_a_passkey(alice)
    mallorys_browser = browser("mallory")
    alices_laptop = browser("alice")
    options = alices_laptop.api("POST", "/session/passkey/options").json()
    # mallory got alice to sign a challenge made for alice's laptop, and sends it herself
    stolen = phone.get(options)
    response = mallorys_browser.api("POST", "/session/passkey", {"credential": stolen})
    assert response.status_code == 400
    assert mallorys_browser.api("GET", "/me").status_code == 401
    # the challenge is still alice's, on the laptop it was made for
    mine = alices_laptop.api("POST", "/session/passkey", {"credential": stolen})
    assert mine.status_code == 200


def test_a_challenge_older_than_five_minutes_is_refused(alice, browser):
    phone = _alice_with_a_passkey(alice)
    laptop = browser("alice")
    options = laptop.api("POST", "/session/passkey/options").json()
    with time_machine.travel(clock.now() + timedelta(minutes=6), tick=False):
        response = laptop.api("POST", "/session/passkey", {"credential": phone.get(options)})
    assert response.status_code == 400


def test_a_passkey_without_user_verification_is_refused(alice, browser):
    phone = _alice_with_a_passkey(alice)
    response = sign_in_with_passkey(browser("alice"), phone, user_verified=False)
    assert response.status_code == 400


def test_an_assertion_made_for_another_site_is_refused(alice, browser):
    phone = _alice_with_a_passkey(alice)
    response = sign_in_with_passkey(browser("alice"), phone, origin="http://evil.example")
    assert response.status_code == 400


def test_a_removed_passkey_cannot_sign_in(alice, browser):
    phone = _alice_with_a_passkey(alice)
    [passkey] = alice.api("GET", "/passkeys").json()
    assert alice.api("DELETE", f"/passkeys/{passkey['id']}").status_code == 204
    laptop = browser("alice")
    assert sign_in_with_passkey(laptop, phone).status_code == 400
    assert laptop.api("GET", "/me").status_code == 401


def test_a_stale_sign_count_is_refused(alice, browser):
    phone = _alice_with_a_passkey(alice)
    assert sign_in_with_passkey(browser("alice"), phone).status_code == 200
    phone.credentials[-1].sign_count = 0  # a cloned authenticator, behind the real one
    assert sign_in_with_passkey(browser("alice"), phone).status_code == 400


def test_failed_passkey_sign_ins_are_throttled_but_never_lock_alice_out(alice, browser):
    phone = _alice_with_a_passkey(alice)
    mallory = browser("mallory")
    statuses = [
        sign_in_with_passkey(mallory, phone, user_verified=False).status_code for _ in range(6)
    ]
    assert statuses[:5] == [400] * 5
    assert statuses[5] == 429
    # alice's own laptop, which signed in before, is not slowed by mallory's failures
    assert sign_in_with_passkey(alice, phone).status_code == 200


def test_a_challenge_made_by_one_worker_is_checked_by_another(alice, db):
    phone = _alice_with_a_passkey(alice)
    settings = load_settings({**os.environ, "DATABASE_URL": db.url})
    first, second = (Browser(create_app(settings, run_migrations=False), "alice") for _ in range(2))
    try:
        options = first.api("POST", "/session/passkey/options").json()
        for name, value in first.client.cookies.items():  # one browser, two processes
            second.client.cookies.set(name, value)
        response = second.api("POST", "/session/passkey", {"credential": phone.get(options)})
        assert response.status_code == 200, response.text
    finally:
        second.close()
        first.close()
