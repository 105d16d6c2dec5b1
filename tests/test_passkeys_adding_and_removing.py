"""alice adds passkeys from Settings, names them, sees them listed and removes them."""

from __future__ import annotations

from tests.passkey_helpers import SoftwareAuthenticator, add_passkey


def test_alice_adds_a_passkey_named_by_her_device_and_sees_it_listed(alice):
    response = add_passkey(alice, SoftwareAuthenticator(), name="Alice's iPhone")
    assert response.status_code == 201, response.text
    assert response.json()["name"] == "Alice's iPhone"
    assert response.json()["synced"] is True
    [listed] = alice.api("GET", "/passkeys").json()
    assert listed["name"] == "Alice's iPhone"
    page = alice.get("/settings/sign-in")
    assert "Alice&#39;s iPhone" in page.text
    assert "Ways to sign in" in alice.get("/settings").text


def test_alice_removes_a_passkey_from_the_settings_page(alice):
    add_passkey(alice, SoftwareAuthenticator(), name="Old phone")
    [passkey] = alice.api("GET", "/passkeys").json()
    response = alice.post(f"/settings/passkeys/{passkey['id']}/remove")
    assert response.status_code == 303
    page = alice.get(response.headers["location"])
    assert "Passkey removed." in page.text
    assert "Old phone" not in page.text
    assert alice.api("GET", "/passkeys").json() == []


def test_a_passkey_answering_no_challenge_is_not_saved(alice):
    phone = SoftwareAuthenticator()
    made_up = {"rp": {"id": "testserver.local"}, "user": {"id": "AAAA"}, "challenge": "bm9wZQ"}
    response = alice.api("POST", "/passkeys", {"name": "x", "credential": phone.create(made_up)})
    assert response.status_code == 400
    assert alice.api("GET", "/passkeys").json() == []


def test_a_passkey_made_without_user_verification_is_not_saved(alice):
    options = alice.api("POST", "/passkeys/options").json()
    credential = SoftwareAuthenticator().create(options, user_verified=False)
    response = alice.api("POST", "/passkeys", {"name": "x", "credential": credential})
    assert response.status_code == 400


def test_mallory_cannot_register_a_passkey_on_alices_account(alice, mallory, browser):
    # signed out, there is nothing to ask for
    stranger = browser()
    assert stranger.api("POST", "/passkeys/options").status_code == 401
    # signed in as herself, an answer to alice's challenge is not hers to save
    alices_options = alice.api("POST", "/passkeys/options").json()
    forged = SoftwareAuthenticator().create(alices_options)
    response = mallory.api("POST", "/passkeys", {"name": "mine now", "credential": forged})
    assert response.status_code == 400
    assert alice.api("GET", "/passkeys").json() == []
    assert mallory.api("GET", "/passkeys").json() == []
    # a passkey mallory makes on her own account signs in as mallory, never alice
    assert add_passkey(mallory, SoftwareAuthenticator()).status_code == 201
    assert alice.api("GET", "/passkeys").json() == []


def test_mallory_cannot_remove_alices_passkey(alice, mallory):
    add_passkey(alice, SoftwareAuthenticator())
    [passkey] = alice.api("GET", "/passkeys").json()
    assert mallory.api("DELETE", f"/passkeys/{passkey['id']}").status_code == 404
    assert mallory.post(f"/settings/passkeys/{passkey['id']}/remove").status_code == 404
    assert len(alice.api("GET", "/passkeys").json()) == 1


def test_removing_the_last_way_to_sign_in_is_refused(browser):
    phone = SoftwareAuthenticator()
    dan = browser("dan")
    options = dan.api(
        "POST",
        "/accounts/passkey/options",
        {"email": "dan@example.com", "display_name": "Dan", "time_zone": "Europe/Paris"},
    ).json()
    created = dan.api("POST", "/accounts/passkey", {"credential": phone.create(options)})
    assert created.status_code == 201
    [passkey] = dan.api("GET", "/passkeys").json()
    refused = dan.api("DELETE", f"/passkeys/{passkey['id']}")
    assert refused.status_code == 409
    assert "only way to sign in" in refused.json()["detail"]
    page = dan.post(f"/settings/passkeys/{passkey['id']}/remove")
    assert page.status_code == 409
    assert "only way to sign in" in page.text
    assert len(dan.api("GET", "/passkeys").json()) == 1
