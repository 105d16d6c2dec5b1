"""Settings: a person changes their name, time zone and password."""

from __future__ import annotations

from tests.conftest import PASSWORD


def test_alice_changes_her_name_and_time_zone(alice):
    response = alice.post(
        "/settings/profile", {"display_name": "Alice L.", "time_zone": "America/Los_Angeles"}
    )
    assert response.status_code == 303
    page = alice.get("/settings?saved=profile").text
    assert "Saved." in page
    assert alice.api("GET", "/me").json()["time_zone"] == "America/Los_Angeles"


def test_an_unknown_time_zone_is_refused_and_the_old_one_kept(alice):
    response = alice.api("PATCH", "/me", {"display_name": "Alice", "time_zone": "Moon/Base"})
    assert response.status_code == 400
    assert "not a time zone we know" in response.json()["errors"]["time_zone"]
    assert alice.api("GET", "/me").json()["time_zone"] == "Europe/London"


def test_changing_the_password_needs_the_current_one(alice):
    response = alice.post(
        "/settings/password", {"current_password": "wrong", "new_password": "a brand new secret"}
    )
    assert response.status_code == 400
    assert "not your current password" in response.text


def test_after_a_password_change_only_the_new_password_works(alice, browser):
    response = alice.post(
        "/settings/password", {"current_password": PASSWORD, "new_password": "a brand new secret"}
    )
    assert response.status_code == 303
    assert "Password changed" in alice.get(response.headers["location"]).text
    assert browser("alice").sign_in().status_code == 400
    assert browser("alice").sign_in(password="a brand new secret").status_code == 303


def test_a_common_new_password_is_refused(alice):
    response = alice.api(
        "POST", "/me/password", {"current_password": PASSWORD, "new_password": "qwertyuiop"}
    )
    assert response.status_code == 400
    assert "too common" in response.json()["errors"]["new_password"]
