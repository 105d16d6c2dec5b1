"""carol signs in with her company account: the first time creates her Bridgework account."""

from __future__ import annotations

from tests.oidc_provider import sso_sign_in


def test_carols_first_company_sign_in_creates_her_account_and_asks_her_time_zone(company):
    carol = company("carol")
    page = carol.get("/signin")
    assert "Sign in with your company account" in page.text
    response = sso_sign_in(carol, "/teams/new")
    assert response.status_code == 303
    assert response.headers["location"] == "/welcome?next=/teams/new"
    welcome = carol.get("/welcome?next=/teams/new")
    assert "Welcome, Carol" in welcome.text
    assert "Time zone" in welcome.text
    chosen = carol.post("/welcome", {"time_zone": "Europe/Berlin", "next": "/teams/new"})
    assert chosen.headers["location"] == "/teams/new"
    me = carol.api("GET", "/me").json()
    assert (me["email"], me["display_name"], me["time_zone"]) == (
        "carol@example.com",
        "Carol",
        "Europe/Berlin",
    )


def test_carol_signs_in_again_straight_to_her_page_as_the_same_person(company):
    first = company("carol")
    sso_sign_in(first)
    carol_id = first.api("GET", "/me").json()["id"]
    phone = company("carol")
    response = sso_sign_in(phone, "/settings")
    assert response.headers["location"] == "/settings"
    assert phone.api("GET", "/me").json()["id"] == carol_id


def test_carols_company_account_has_no_password_to_guess(company):
    carol = company("carol")
    sso_sign_in(carol)
    assert company("carol").sign_in(password="").status_code == 400
    assert "Company sign-in" in carol.get("/settings/sign-in").text


def test_signing_out_offers_to_sign_out_of_the_company_account_too(company, provider):
    carol = company("carol")
    sso_sign_in(carol)
    response = carol.post("/signout")
    assert response.headers["location"] == "/signed-out"
    page = carol.get("/signed-out").text
    assert "You are signed out of Bridgework" in page
    assert f"{provider.issuer}/logout?client_id=bridgework" in page
    assert carol.api("GET", "/me").status_code == 401


def test_with_oidc_only_the_sign_in_page_has_no_password(company):
    visitor = company(OIDC_ONLY="true")
    page = visitor.get("/signin").text
    assert "Sign in with your company account" in page
    assert 'type="password"' not in page
    assert 'type="password"' not in visitor.get("/signup").text


def test_with_oidc_only_passwords_and_passkeys_are_refused_not_just_hidden(company):
    visitor = company("alice", OIDC_ONLY="true")
    assert visitor.sign_up().status_code == 403
    assert visitor.sign_in().status_code == 403
    api = visitor.api("POST", "/session", {"email": "alice@example.com", "password": "whatever1"})
    assert api.status_code == 403
    assert "company account only" in api.json()["detail"]
    assert visitor.api("POST", "/session/passkey/options").status_code == 403
    assert sso_sign_in(visitor).status_code == 303  # the company's way in stays open


def test_carols_export_lists_her_company_sign_in_and_no_secret(company, provider):
    carol = company("carol")
    sso_sign_in(carol)
    methods = carol.get("/settings/export").json()["sign_in_methods"]
    assert methods["password"] is False
    assert methods["passkeys"] == []
    [sso] = methods["single_sign_on"]
    assert (sso["issuer"], sso["email"]) == (provider.issuer, "carol@example.com")
    assert "carol-123" not in str(methods)  # not even the provider's id for her


def test_after_carol_deletes_her_account_her_company_sign_in_starts_a_new_one(company):
    carol = company("carol")
    sso_sign_in(carol)
    old_id = carol.api("GET", "/me").json()["id"]
    assert carol.post("/settings/delete", {"password": "carol@example.com"}).status_code == 200
    again = company("carol")
    assert sso_sign_in(again).headers["location"].startswith("/welcome")
    assert again.api("GET", "/me").json()["id"] != old_id
