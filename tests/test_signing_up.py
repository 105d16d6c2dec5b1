"""Signing up: a person makes an account and is signed in at once."""

from __future__ import annotations

from tests.conftest import PASSWORD, run


def test_alice_signs_up_and_lands_on_her_bridges(browser):
    alice = browser("alice")
    response = alice.sign_up(display_name="Alice Liddell", time_zone="Europe/London")
    assert response.status_code == 303
    home = alice.get("/")
    assert home.status_code == 200
    assert "Hello, Alice Liddell" in home.text


def test_the_session_cookie_is_httponly_and_samesite_lax(browser):
    alice = browser("alice")
    response = alice.sign_up()
    cookie = next(
        v
        for k, v in response.headers.multi_items()
        if k == "set-cookie" and v.startswith("bw_session=")
    )
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie or "samesite=lax" in cookie.lower()


def test_the_password_is_stored_as_an_argon2id_hash(browser, db):
    from server.tables import User

    browser("alice").sign_up()
    stored = run(User.select(User.password_hash).first())
    assert stored["password_hash"].startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert PASSWORD not in stored["password_hash"]


def test_a_short_password_is_refused_with_a_message_on_the_form(browser):
    alice = browser("alice")
    response = alice.post(
        "/signup",
        {
            "email": "alice@example.com",
            "display_name": "Alice",
            "password": "short",
            "time_zone": "UTC",
        },
    )
    assert response.status_code == 400
    assert "at least 8 characters" in response.text
    assert 'value="alice@example.com"' in response.text  # what she typed is kept


def test_a_common_password_is_refused(browser):
    response = browser("alice").post(
        "/signup",
        {
            "email": "alice@example.com",
            "display_name": "Alice",
            "password": "password123",
            "time_zone": "UTC",
        },
    )
    assert response.status_code == 400
    assert "too common" in response.text


def test_a_duplicate_email_is_refused_and_the_first_account_still_works(browser):
    browser("alice").sign_up()
    twin = browser("alice")
    response = twin.post(
        "/signup",
        {
            "email": "ALICE@example.com",
            "display_name": "Other",
            "password": "another good one",
            "time_zone": "UTC",
        },
    )
    assert response.status_code == 409
    assert "already exists" in response.text
    assert browser("alice").sign_in().status_code == 303


def test_empty_and_overlong_fields_get_a_message_each(browser):
    response = browser("x").post(
        "/signup",
        {"email": "", "display_name": "x" * 61, "password": PASSWORD, "time_zone": "Mars/Base"},
    )
    assert response.status_code == 400
    assert "Email is required." in response.text
    assert "at most 60 characters" in response.text
    assert "not a time zone we know" in response.text


def test_signing_up_through_the_api_returns_the_person_as_json(browser):
    alice = browser("alice")
    response = alice.api(
        "POST",
        "/accounts",
        {
            "email": "alice@example.com",
            "display_name": "Alice",
            "password": PASSWORD,
            "time_zone": "Pacific/Auckland",
        },
    )
    assert response.status_code == 201
    assert response.json()["time_zone"] == "Pacific/Auckland"
    assert alice.api("GET", "/me").json()["email"] == "alice@example.com"


def test_bad_api_input_gets_a_json_error_naming_the_field(browser):
    response = browser("x").api("POST", "/accounts", {"email": 42, "password": PASSWORD})
    assert response.status_code == 400
    body = response.json()
    assert body["detail"]
    assert "email" in body.get("errors", {})
