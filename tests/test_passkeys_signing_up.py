"""Signing up with a passkey instead of a password (a password stays possible)."""

from __future__ import annotations

from tests.conftest import PASSWORD
from tests.passkey_helpers import SoftwareAuthenticator, sign_in_with_passkey

DAN = {"email": "dan@example.com", "display_name": "Dan", "time_zone": "Europe/Paris"}


def _sign_up_with_a_passkey(person, phone):
    options = person.api("POST", "/accounts/passkey/options", DAN)
    assert options.status_code == 200, options.text
    return person.api(
        "POST",
        "/accounts/passkey",
        {"name": "Dan's Pixel", "credential": phone.create(options.json())},
    )


def test_dan_creates_his_account_with_a_passkey_and_no_password(browser):
    phone, dan = SoftwareAuthenticator(), browser("dan")
    response = _sign_up_with_a_passkey(dan, phone)
    assert response.status_code == 201, response.text
    assert response.json()["display_name"] == "Dan"
    assert response.json()["time_zone"] == "Europe/Paris"
    assert "Hello, Dan" in dan.get("/").text
    # no password works, however it is guessed
    assert browser("dan").sign_in(password="").status_code == 400
    # his passkey signs him in on another browser
    assert sign_in_with_passkey(browser("dan"), phone).status_code == 200


def test_a_sign_up_answer_cannot_create_the_account_twice(browser):
    phone, dan = SoftwareAuthenticator(), browser("dan")
    options = dan.api("POST", "/accounts/passkey/options", DAN).json()
    credential = phone.create(options)
    assert dan.api("POST", "/accounts/passkey", {"credential": credential}).status_code == 201
    again = dan.api("POST", "/accounts/passkey", {"credential": credential})
    assert again.status_code == 400


def test_a_passkey_sign_up_for_an_email_with_an_account_is_refused(alice, browser):
    response = browser().api(
        "POST", "/accounts/passkey/options", {**DAN, "email": "alice@example.com"}
    )
    assert response.status_code == 409


def test_a_passkey_sign_up_checks_the_form_like_a_password_one(browser):
    response = browser().api(
        "POST", "/accounts/passkey/options", {**DAN, "time_zone": "Mars/Olympus"}
    )
    assert response.status_code == 400
    assert "time_zone" in response.json()["errors"]


def test_dan_sets_a_first_password_later_without_a_current_one(browser):
    dan = browser("dan")
    _sign_up_with_a_passkey(dan, SoftwareAuthenticator())
    assert "No password yet" in dan.get("/settings/sign-in").text
    response = dan.post("/settings/password", {"current_password": "", "new_password": PASSWORD})
    assert response.status_code == 303
    assert browser("dan").sign_in().status_code == 303


def test_the_sign_up_page_offers_a_passkey_instead_of_a_password(browser):
    page = browser().get("/signup").text
    assert "Create account with a passkey instead" in page
    assert "js/passkeys.js" in page


def test_dans_export_lists_his_passkey_but_never_its_key(browser):
    dan = browser("dan")
    _sign_up_with_a_passkey(dan, SoftwareAuthenticator())
    methods = dan.get("/settings/export").json()["sign_in_methods"]
    assert methods["password"] is False
    [passkey] = methods["passkeys"]
    assert passkey["name"] == "Dan's Pixel"
    assert passkey["synced"] is True
    assert set(passkey) == {"name", "created_at", "last_used_at", "synced"}


def test_dan_without_a_password_deletes_his_account_by_typing_his_email(browser):
    dan = browser("dan")
    _sign_up_with_a_passkey(dan, SoftwareAuthenticator())
    assert "Your email address, to confirm" in dan.get("/settings/delete").text
    assert dan.post("/settings/delete", {"password": "someone@example.com"}).status_code == 400
    assert dan.post("/settings/delete", {"password": "dan@example.com"}).status_code == 200
    assert dan.api("GET", "/me").status_code == 401


def test_a_deleted_accounts_passkey_signs_nobody_in(browser):
    phone, dan = SoftwareAuthenticator(), browser("dan")
    _sign_up_with_a_passkey(dan, phone)
    assert dan.post("/settings/delete", {"password": "dan@example.com"}).status_code == 200
    again = browser("dan")
    assert sign_in_with_passkey(again, phone).status_code == 400
    assert again.api("GET", "/me").status_code == 401
