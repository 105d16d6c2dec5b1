"""alice already has a password account: her company account is linked to it only after
she signs in to it once, and never to mallory's say-so."""

from __future__ import annotations

import re

from server.signin.tables import OidcIdentity
from tests.conftest import PASSWORD, run
from tests.oidc_provider import Person, sso_sign_in


def _alice_has_an_account(company):
    alice = company("alice")
    assert alice.sign_up().status_code == 303
    alice.post("/signout")
    return alice


def _link_form(page: str) -> dict[str, str]:
    token = re.search(r'name="token" value="([^"]+)"', page)
    assert token, page
    return {"token": token.group(1), "next": "/"}


def test_linking_alices_company_account_requires_her_password_once(company, provider):
    provider.person = Person("alice-1", "alice@example.com", "Alice Liddell")
    _alice_has_an_account(company)
    phone = company("alice")
    page = sso_sign_in(phone)
    assert page.status_code == 200
    assert "Link your company account" in page.text
    assert "alice@example.com" in page.text
    assert phone.api("GET", "/me").status_code == 401
    assert run(OidcIdentity.count()) == 0

    wrong = phone.post("/signin/sso/link", {**_link_form(page.text), "password": "not it!!"})
    assert wrong.status_code == 400
    assert "That is not the password." in wrong.text
    assert run(OidcIdentity.count()) == 0

    right = phone.post("/signin/sso/link", {**_link_form(wrong.text), "password": PASSWORD})
    assert right.status_code == 303
    me = phone.api("GET", "/me").json()
    assert (me["email"], me["display_name"]) == ("alice@example.com", "Alice")
    assert run(OidcIdentity.count()) == 1

    # from then on the company account signs her in, no password asked
    laptop = company("alice")
    assert sso_sign_in(laptop).headers["location"] == "/"
    assert laptop.api("GET", "/me").json()["id"] == me["id"]


def test_a_link_request_cannot_be_finished_in_another_browser(company, provider):
    provider.person = Person("alice-1", "alice@example.com", "Alice")
    _alice_has_an_account(company)
    page = sso_sign_in(company("alice"))
    mallory = company("mallory")
    response = mallory.post("/signin/sso/link", {**_link_form(page.text), "password": PASSWORD})
    assert response.status_code == 400
    assert mallory.api("GET", "/me").status_code == 401
    assert run(OidcIdentity.count()) == 0


def test_alice_signed_in_already_links_at_once(company, provider):
    provider.person = Person("alice-1", "alice@example.com", "Alice")
    alice = company("alice")
    alice.sign_up()
    response = sso_sign_in(alice)
    assert response.status_code == 303
    assert run(OidcIdentity.count()) == 1


def test_mallory_signed_in_gets_no_link_to_alices_account(company, provider):
    provider.person = Person("alice-1", "alice@example.com", "Alice")
    _alice_has_an_account(company)
    mallory = company("mallory")
    mallory.sign_up()
    page = sso_sign_in(mallory)
    assert "Link your company account" in page.text
    assert run(OidcIdentity.count()) == 0
